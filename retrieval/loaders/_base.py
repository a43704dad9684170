"""Shared pieces of the feed loaders: the result models, file opening and value parsing.

Every loader yields :class:`Parsed` (a product and the line it starts on) or :class:`RowError`, in
file order; :func:`retrieval.loaders.iter_feed` adds the duplicate-id check on top.
"""

from __future__ import annotations

import gzip
import io
import json
import math
import re
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, ValidationError

from assistant.errors import FeedError
from retrieval.catalog import Product
from retrieval.markup import link_problem

__all__ = [
    "FORMATS",
    "MAX_DEPTH",
    "MAX_RECORD_BYTES",
    "FeedFormat",
    "FeedResult",
    "Parsed",
    "RowError",
    "RowWarning",
    "describe_validation_error",
    "iter_json_lines",
    "open_binary",
    "open_text",
    "parse_availability",
    "parse_count",
    "parse_price",
    "split_category",
    "validated",
]

FeedFormat = Literal["auto", "jsonl", "csv", "shopify", "esci"]
FORMATS: tuple[str, ...] = ("jsonl", "csv", "shopify", "esci")

MAX_RECORD_BYTES = 1 << 20
"""A record (a JSON line, a CSV row) longer than this is a row error; nothing longer is held in memory."""
MAX_DEPTH = 32
"""JSON nested deeper than this is a row error (a product is at most 3 levels deep)."""

_GZIP_MAGIC = b"\x1f\x8b"
_BOM = b"\xef\xbb\xbf"


class _RowNote(BaseModel):
    """Where in a feed (file, 1-based physical line where the record starts), why, and which record."""

    model_config = ConfigDict(frozen=True)

    file: str
    line: int
    reason: str
    record_id: str | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}"
        return f"{where}: {self.reason}" + (f" (id {self.record_id})" if self.record_id else "")


class RowError(_RowNote):
    """One skipped record: where it starts and why it was skipped."""


class RowWarning(_RowNote):
    """Something dropped from a record that was kept (an unsafe link): where and why."""


class FeedResult(BaseModel):
    """The products a feed yielded, the rows it skipped and what it dropped from kept rows (in file order)."""

    model_config = ConfigDict(frozen=True)

    format: FeedFormat
    products: list[Product]
    errors: list[RowError]
    warnings: list[RowWarning] = []


class Parsed(NamedTuple):
    """A product, the 1-based line its record starts on, and what was dropped from it."""

    line: int
    product: Product
    warnings: tuple[RowWarning, ...] = ()


_LINK_FIELDS = (("url", False), ("image_url", True))
_SHOWN_CHARS = 60


def validated(name: str, line: int, data: dict[str, Any]) -> Parsed:
    """The product of a record's fields; a ``url``/``image_url`` that is not a safe link
    (:func:`retrieval.markup.link_problem`) is dropped with a :class:`RowWarning` and the product kept.
    Raises pydantic's ``ValidationError`` when the record is not a valid product."""
    problems: list[tuple[str, str, str]] = []
    for field, image in _LINK_FIELDS:
        value = data.get(field)
        if isinstance(value, str) and value.strip() and (problem := link_problem(value, image=image)):
            problems.append((field, problem, value))
            data = {**data, field: None}
    product = Product.model_validate(data)
    warnings = tuple(
        RowWarning(
            file=name,
            line=line,
            reason=f"{field} {problem} (got {_shown(value)}); link dropped, product kept",
            record_id=product.id,
        )
        for field, problem, value in problems
    )
    return Parsed(line, product, warnings)


def _shown(value: str) -> str:
    text = repr(value)
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 3] + "..."


# --- files -------------------------------------------------------------------------------------


def open_binary(path: Path) -> IO[bytes]:
    """Open a feed for reading bytes, transparently un-gzipping (by magic bytes, not by name)."""
    try:
        raw = path.open("rb")
    except FileNotFoundError as exc:
        raise FeedError(f"feed file not found: {path}; check the path") from exc
    except IsADirectoryError as exc:
        raise FeedError(f"{path} is a directory; pass the feed file itself") from exc
    except PermissionError as exc:
        raise FeedError(f"cannot read {path}: permission denied") from exc
    if raw.peek(2)[:2] == _GZIP_MAGIC:
        return gzip.GzipFile(fileobj=raw, mode="rb")  # type: ignore[return-value]
    return raw


def open_text(path: Path) -> IO[str]:
    """Open a feed as UTF-8 text for the csv module (``newline=""``; a leading BOM is dropped)."""
    return io.TextIOWrapper(open_binary(path), encoding="utf-8-sig", newline="")


def iter_json_lines(path: Path) -> Iterator[tuple[int, Any | RowError]]:
    """Yield ``(line number, parsed JSON value or RowError)`` for every non-blank line."""
    name = str(path)
    try:
        with open_binary(path) as fh:
            yield from _json_lines(name, fh)
    except READ_ERRORS as exc:
        raise read_error(path, exc) from exc


def _json_lines(name: str, fh: IO[bytes]) -> Iterator[tuple[int, Any | RowError]]:
    for number, raw in _lines(fh):
        if raw is None:
            reason = f"line is longer than {MAX_RECORD_BYTES:,} bytes; record skipped"
            yield number, RowError(file=name, line=number, reason=reason)
            continue
        if number == 1 and raw.startswith(_BOM):
            raw = raw[len(_BOM) :]
        if not raw.strip():
            continue
        depth = json_depth(raw)
        if depth > MAX_DEPTH:
            reason = f"JSON nested more than {MAX_DEPTH} levels deep; record skipped"
            yield number, RowError(file=name, line=number, reason=reason)
            continue
        try:
            yield number, json.loads(raw)
        except UnicodeDecodeError:
            yield number, RowError(file=name, line=number, reason="line is not valid UTF-8")
        except json.JSONDecodeError as exc:
            reason = f"invalid JSON: {exc.msg} (column {exc.colno})"
            yield number, RowError(file=name, line=number, reason=reason)


def _lines(fh: IO[bytes]) -> Iterator[tuple[int, bytes | None]]:
    """``(line number, bytes)`` per physical line; ``None`` for a line over :data:`MAX_RECORD_BYTES`
    (read past in blocks, never held whole)."""
    number = 0
    while True:
        raw = fh.readline(MAX_RECORD_BYTES + 1)
        if not raw:
            return
        number += 1
        if len(raw) > MAX_RECORD_BYTES and not raw.endswith(b"\n"):
            while (rest := fh.readline(MAX_RECORD_BYTES)) and not rest.endswith(b"\n"):
                pass
            yield number, None
            continue
        yield number, raw


_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def json_depth(raw: bytes) -> int:
    """How deeply a JSON text nests arrays and objects (strings are skipped); cheap when it is flat."""
    if raw.count(b"[") + raw.count(b"{") <= MAX_DEPTH:
        return 0
    brackets = _JSON_STRING.sub(b"", raw).translate(None, _NOT_BRACKETS)
    depth = deepest = 0
    for byte in brackets:
        depth += 1 if byte in b"[{" else -1
        deepest = max(deepest, depth)
    return deepest


READ_ERRORS = (OSError, EOFError, zlib.error)
"""What reading a damaged file raises (a truncated or corrupt ``.gz`` among them)."""


def read_error(path: Path, exc: BaseException) -> FeedError:
    return FeedError(f"cannot read {path}: {exc or type(exc).__name__}; is the file complete?")


def decode_error(path: Path, exc: UnicodeDecodeError) -> FeedError:
    return FeedError(f"{path} is not UTF-8 text ({exc.reason}); re-save it as UTF-8")


# --- values ------------------------------------------------------------------------------------

_SYMBOLS = {"$": None, "US$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR"}
_CODE_BEFORE = re.compile(r"^([A-Z]{3})\s*(.*)$")
_CODE_AFTER = re.compile(r"^(.*?)\s*([A-Z]{3})$")
_PLAIN = re.compile(r"^\d+(\.\d+)?$|^\.\d+$")
_THOUSANDS = re.compile(r"^\d{1,3}(,\d{3})+(\.\d+)?$")
_DECIMAL_COMMA = re.compile(r"^\d+,\d{1,2}$")


def parse_price(raw: object) -> tuple[float | None, str | None]:
    """``(amount, currency code or None)`` from ``12``, ``"1299"``, ``"$1,299.00"``, ``"12.50 EUR"``.

    Blank means unknown (``None``). Raises :class:`ValueError` whose message is the row's reason.
    """
    if raw is None:
        return None, None
    if isinstance(raw, bool):
        raise ValueError(f'unparseable price "{raw}"')
    if isinstance(raw, int | float):
        value = float(raw)
        if not math.isfinite(value):
            raise ValueError(f"price must be a finite number (got {raw})")
        if value < 0:
            raise ValueError(f'negative price "{raw}"')
        return value, None
    text = str(raw).strip()
    if not text:
        return None, None
    currency: str | None = None
    rest = text
    negative = False
    if rest.startswith("-"):
        negative, rest = True, rest[1:].strip()
    for match in (_CODE_BEFORE.match(rest), _CODE_AFTER.match(rest)):
        if match:
            code, rest = (match[1], match[2]) if match.re is _CODE_BEFORE else (match[2], match[1])
            currency = code
            break
    for symbol, code in sorted(_SYMBOLS.items(), key=lambda kv: -len(kv[0])):
        if rest.startswith(symbol) or rest.endswith(symbol):
            rest = rest.removeprefix(symbol).removesuffix(symbol).strip()
            currency = currency or code
            break
    if rest.startswith("-"):
        negative, rest = True, rest[1:].strip()
    if _THOUSANDS.match(rest):
        rest = rest.replace(",", "")
    elif _DECIMAL_COMMA.match(rest):
        rest = rest.replace(",", ".")
    if not _PLAIN.match(rest):
        raise ValueError(f'unparseable price "{text}"')
    if negative and float(rest) != 0:
        raise ValueError(f'negative price "{text}"')
    return float(rest), currency


_TRUE = {"true", "yes", "y", "1", "in stock", "in_stock", "instock", "available", "preorder", "backorder"}
_FALSE = {"false", "no", "n", "0", "out of stock", "out_of_stock", "outofstock", "sold out", "unavailable"}


def parse_availability(raw: object) -> bool | None:
    """In stock or not from ``true``/``yes``/``in stock``/``out_of_stock``/a quantity; blank → None."""
    if raw is None or isinstance(raw, bool):
        return raw
    text = str(raw).strip().casefold()
    if not text:
        return None
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    try:
        return float(text) > 0
    except ValueError:
        raise ValueError(
            f'unrecognised availability "{raw}" (use in stock / out of stock, or a quantity)'
        ) from None


def parse_count(raw: object) -> int | None:
    """A count such as a rating count: ``"1,234"`` → 1234; blank → None."""
    if raw is None or isinstance(raw, int):
        return raw  # type: ignore[return-value]
    text = str(raw).strip().replace(",", "")
    if not text:
        return None
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f'unparseable count "{raw}"') from None
    if not value.is_integer():
        raise ValueError(f'unparseable count "{raw}"')
    return int(value)


_CATEGORY_SPLIT = re.compile(r"\s*(?:>|/)\s*")


def split_category(raw: str) -> list[str]:
    """``"Home > Kitchen > Pans"`` or ``"Home/Kitchen"`` → a root-to-leaf list."""
    return [part for part in _CATEGORY_SPLIT.split(raw.strip()) if part]


# --- validation --------------------------------------------------------------------------------


def describe_validation_error(exc: ValidationError) -> str:
    """A short, human reason (field + problem) from a pydantic error, without a traceback."""
    parts: list[str] = []
    for err in exc.errors(include_url=False):
        field = ".".join(str(p) for p in err["loc"]) or "record"
        kind = err["type"]
        if kind == "missing" or (kind == "string_too_short" and field in {"id", "title"}):
            parts.append(f"missing {field}")
        elif kind == "extra_forbidden":
            parts.append(f"unknown field {field!r}")
        else:
            shown = repr(err.get("input"))
            shown = shown if len(shown) <= 40 else shown[:37] + "..."
            message = err["msg"][:1].lower() + err["msg"][1:]
            parts.append(f"{field}: {message} (got {shown})")
    return "; ".join(parts)

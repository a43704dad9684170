"""Catalog feed loaders: a feed file → :class:`~retrieval.catalog.Product`\\ s + line-numbered errors.

Formats (one module each): ``jsonl`` (our own field names, one product per line), ``csv`` (generic,
with a column mapping), ``shopify`` (Shopify's product export CSV) and ``esci`` (OpenSearch bulk
NDJSON of the ESCI products). Gzip-compressed files are read transparently.

Bad records never stop a load: each is reported as a :class:`RowError` (file, 1-based line where
the record starts, reason, id when known) and skipped. A duplicate id is an error on the *later*
record; the first one wins. Only a feed that cannot be read at all raises
:class:`~assistant.errors.FeedError`.

>>> result = load_feed("catalog.csv", column_map={"id": "SKU", "title": "Product Name"})  # doctest: +SKIP
>>> result.products[0].title, [str(e) for e in result.errors]  # doctest: +SKIP
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from os import PathLike
from pathlib import Path
from typing import get_args

from assistant.errors import FeedError
from retrieval.catalog import Product
from retrieval.loaders._base import (
    FORMATS,
    READ_ERRORS,
    FeedFormat,
    FeedResult,
    Parsed,
    RowError,
    RowWarning,
    decode_error,
    open_binary,
    read_error,
)
from retrieval.loaders.csv_feed import iter_csv
from retrieval.loaders.esci import is_action, iter_esci
from retrieval.loaders.jsonl import iter_jsonl
from retrieval.loaders.shopify import is_shopify_header, iter_shopify

__all__ = ["FeedFormat", "FeedResult", "RowError", "RowWarning", "detect_format", "iter_feed", "load_feed"]

_SNIFF_BYTES = 64 * 1024
_SNIFF_LINES = 20
_JSON_SUFFIXES = {".jsonl", ".ndjson", ".json"}
_CSV_SUFFIXES = {".csv", ".tsv", ".txt"}
_KNOWN = ", ".join(FORMATS)


def _suffix(path: Path) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes.pop()
    return suffixes[-1] if suffixes else ""


def detect_format(path: str | PathLike[str]) -> FeedFormat:
    """Tell a feed's format from its first lines (and its extension when they are ambiguous).

    ``{"index": {...}}`` action lines → ``esci``; other JSON objects → ``jsonl``; a CSV header with
    Shopify's ``Handle``, ``Title``, ``Body (HTML)``, ``Variant Price`` → ``shopify``; other CSV →
    ``csv``. Raises :class:`FeedError` when the file is unreadable, empty or none of these.
    """
    path = Path(path)
    with open_binary(path) as fh:
        try:
            head = fh.read(_SNIFF_BYTES)
        except READ_ERRORS as exc:  # e.g. a truncated or corrupt .gz
            raise read_error(path, exc) from exc
    head = head.removeprefix(b"\xef\xbb\xbf")
    lines = [ln for ln in head.splitlines()[:_SNIFF_LINES] if ln.strip()]
    if not lines:
        raise FeedError(f"{path} is empty; a feed needs at least one record (formats: {_KNOWN})")
    suffix = _suffix(path)
    if lines[0].lstrip().startswith(b"["):
        raise FeedError(
            f"{path} looks like a JSON array; write one product object per line (JSON Lines) instead"
        )
    for raw in lines:
        try:
            value = json.loads(raw)
        except ValueError:
            continue
        if is_action(value):
            return "esci"
        if isinstance(value, dict):
            return "jsonl"
    if suffix in _JSON_SUFFIXES:
        return "jsonl"  # every sniffed line is broken; the loader reports each one
    try:
        first = lines[0].decode("utf-8")
    except UnicodeDecodeError as exc:
        raise decode_error(path, exc) from exc
    header = next(csv.reader([first]), [])
    if is_shopify_header(header):
        return "shopify"
    if suffix in _CSV_SUFFIXES or len(header) > 1 or "\t" in first:
        return "csv"
    raise FeedError(
        f"cannot tell the format of {path}; known formats: {_KNOWN} "
        "(JSON Lines, CSV with a header, Shopify product export CSV, ESCI/OpenSearch bulk NDJSON). "
        "Pass the format explicitly."
    )


def iter_feed(
    path: str | PathLike[str], fmt: FeedFormat = "auto", *, column_map: dict[str, str] | None = None
) -> Iterator[Product | RowError | RowWarning]:
    """Stream a feed's products, row errors and row warnings in file order (duplicate ids already
    reported; a product's warnings follow it)."""
    path = Path(path)
    chosen = _choose(path, fmt, column_map)
    seen: dict[str, int] = {}
    for item in _rows(path, chosen, column_map):
        if isinstance(item, RowError):
            yield item
            continue
        line, product, warnings = item
        first = seen.setdefault(product.id, line)
        if first != line:
            reason = f'duplicate id "{product.id}" (first seen on line {first})'
            yield RowError(file=str(path), line=line, reason=reason, record_id=product.id)
            continue
        yield product
        yield from warnings


def load_feed(
    path: str | PathLike[str], fmt: FeedFormat = "auto", *, column_map: dict[str, str] | None = None
) -> FeedResult:
    """Load a whole feed: its valid products and every skipped row with its line and reason."""
    path = Path(path)
    chosen = _choose(path, fmt, column_map)
    products: list[Product] = []
    errors: list[RowError] = []
    warnings: list[RowWarning] = []
    for item in iter_feed(path, chosen, column_map=column_map):
        if isinstance(item, RowError):
            errors.append(item)
        elif isinstance(item, RowWarning):
            warnings.append(item)
        else:
            products.append(item)
    return FeedResult(format=chosen, products=products, errors=errors, warnings=warnings)


def _choose(path: Path, fmt: str, column_map: dict[str, str] | None) -> FeedFormat:
    if fmt not in get_args(FeedFormat):
        raise FeedError(f"unknown feed format {fmt!r}; use one of auto, {_KNOWN}")
    chosen: FeedFormat = detect_format(path) if fmt == "auto" else fmt  # type: ignore[assignment]
    if column_map and chosen != "csv":
        raise FeedError(f"column_map applies to the csv format only, but {path} is {chosen}")
    return chosen


def _rows(path: Path, fmt: FeedFormat, column_map: dict[str, str] | None) -> Iterator[Parsed | RowError]:
    if fmt == "jsonl":
        return iter_jsonl(path)
    if fmt == "esci":
        return iter_esci(path)
    if fmt == "shopify":
        return iter_shopify(path)
    return iter_csv(path, column_map)

"""Generic CSV feeds: one product per row, columns mapped to :class:`~retrieval.catalog.Product`.

The mapping is ``{product_field: csv_column}``. Fields you don't map are looked up by common
header names (case, spaces, ``-`` and ``_`` ignored):

=================  ==========================================================================
field              default header names
=================  ==========================================================================
``id``             id, sku, product_id, item_id, asin
``title``          title, name, product_name, product_title
``description``    description, desc, body, long_description
``bullet_points``  bullet_points, bullets, features (split on newlines or ``|``)
``brand``          brand, vendor, manufacturer
``category``       category, categories, category_path, product_type (split on ``>`` or ``/``)
``price``          price, sale_price, current_price (``"$1,299.00"``, ``"1299"``, ``"12.50 EUR"``)
``currency``       currency, currency_code (overrides a code written in the price)
``color``          color, colour
``rating``         rating, average_rating, stars
``rating_count``   rating_count, review_count, reviews, num_reviews
``in_stock``       in_stock, availability, available, stock (yes/no, in stock/out of stock,
                   or a quantity > 0)
``image_url``      image_url, image, image_link, img
``url``            url, link, product_url
=================  ==========================================================================

A mapping key ``attributes.<Key>`` puts a column into ``attributes[<Key>]``. **Every other column
becomes an attribute under its header name** (blank cells are left out), so nothing in the feed is
lost and attributes are filterable; map a column to a field to take it out of the attributes.

The delimiter is sniffed from the header line (``,``, tab, ``;`` or ``|``). Line numbers are the
physical line where a record starts, so multi-line quoted fields are counted correctly.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from pydantic import ValidationError

from assistant.errors import FeedError
from retrieval.catalog import Product
from retrieval.loaders._base import (
    MAX_RECORD_BYTES,
    READ_ERRORS,
    Parsed,
    RowError,
    decode_error,
    describe_validation_error,
    open_text,
    parse_availability,
    parse_count,
    parse_price,
    read_error,
    split_category,
    validated,
)

__all__ = ["DEFAULT_COLUMNS", "iter_csv", "iter_csv_records", "resolve_columns"]

DEFAULT_COLUMNS: dict[str, tuple[str, ...]] = {
    "id": ("id", "sku", "productid", "itemid", "asin"),
    "title": ("title", "name", "productname", "producttitle"),
    "description": ("description", "desc", "body", "longdescription"),
    "bullet_points": ("bulletpoints", "bullets", "features"),
    "brand": ("brand", "vendor", "manufacturer"),
    "category": ("category", "categories", "categorypath", "producttype"),
    "price": ("price", "saleprice", "currentprice"),
    "currency": ("currency", "currencycode"),
    "color": ("color", "colour"),
    "rating": ("rating", "averagerating", "stars"),
    "rating_count": ("ratingcount", "reviewcount", "reviews", "numreviews"),
    "in_stock": ("instock", "availability", "available", "stock"),
    "image_url": ("imageurl", "image", "imagelink", "img"),
    "url": ("url", "link", "producturl"),
}
_FIELDS = tuple(name for name in Product.model_fields if name != "attributes")
_ATTR_PREFIX = "attributes."
_KEY = re.compile(r"[\s_\-]+")
_DELIMITERS = (",", "\t", ";", "|")


def _key(header: str) -> str:
    return _KEY.sub("", header).casefold()


def iter_csv_records(path: Path) -> Iterator[tuple[int, list[str]] | RowError]:
    """``(start line, cells)`` for every non-blank record (the header is the first), or a
    :class:`RowError` for a record that breaks CSV's quoting or is too long.

    A quote that is never closed would swallow every following row into one field: a record that
    spans several lines and does not have the header's number of fields (or that breaks the quoting
    rules, or runs past :data:`MAX_RECORD_BYTES`) is reported on the line where it starts, and the
    lines it swallowed are read again as rows of their own.
    """
    name = str(path)
    try:
        with open_text(path) as fh:
            lines = _Lines(fh)
            first = lines.peek()
            counts = {d: first.count(d) for d in _DELIMITERS}
            delimiter = max(_DELIMITERS, key=lambda d: counts[d]) if any(counts.values()) else ","
            reader = csv.reader(lines, delimiter=delimiter, strict=True)
            width: int | None = None
            while True:
                lines.begin()
                try:
                    cells = next(reader)
                    problem = lines.problem
                    if problem is None and width is not None and lines.span > 1 and len(cells) != width:
                        problem = (
                            f"a quoted field opened on this line runs over {lines.span} lines and the record "
                            f"has {len(cells)} fields, not {width}: is a quote unclosed?"
                        )
                except StopIteration:
                    if lines.problem is None:
                        return
                    problem = lines.problem
                except csv.Error as exc:
                    problem = lines.problem or f"bad CSV quoting ({exc})"
                if problem is not None:
                    yield RowError(file=name, line=lines.start, reason=problem + "; record skipped")
                    lines.rewind()  # the lines after its first are read again as their own rows
                    reader = csv.reader(lines, delimiter=delimiter, strict=True)
                    continue
                if cells and any(c.strip() for c in cells):
                    width = len(cells) if width is None else width
                    yield lines.start, cells
    except UnicodeDecodeError as exc:
        raise decode_error(path, exc) from exc
    except READ_ERRORS as exc:
        raise read_error(path, exc) from exc


class _Lines:
    """The physical lines handed to :mod:`csv`, numbered, with the current record's lines kept so a
    broken record's later lines can be read again; no line (or record) over the size limit is held."""

    def __init__(self, fh: IO[str]) -> None:
        self._fh = fh
        self._number = 0
        self._again: list[tuple[int, str]] = []
        self._taken: list[tuple[int, str]] = []
        self._size = 0
        self.start = 1
        self.problem: str | None = None

    def peek(self) -> str:
        line = self._read()
        if line is not None:
            self._again.insert(0, line)
            return line[1]
        return ""

    def _read(self) -> tuple[int, str] | None:
        if self._again:
            return self._again.pop(0)
        text = self._fh.readline(MAX_RECORD_BYTES + 1)
        if not text:
            return None
        self._number += 1
        if len(text) > MAX_RECORD_BYTES:
            while (rest := self._fh.readline(MAX_RECORD_BYTES)) and not rest.endswith(("\n", "\r")):
                pass
            return self._number, ""  # an over-long line: flagged, its text dropped
        return self._number, text

    def begin(self) -> None:
        self._taken, self._size, self.problem = [], 0, None

    @property
    def span(self) -> int:
        return len(self._taken)

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        if self.problem is not None:
            raise StopIteration
        line = self._read()
        if line is None:
            if self._taken:  # inside a quoted field at the end of the file
                self.problem = "a quoted field opened on this line is never closed"
            raise StopIteration
        if not self._taken:
            self.start = line[0]
        self._taken.append(line)
        self._size += len(line[1])
        if not line[1] or self._size > MAX_RECORD_BYTES:
            self.problem = f"record is longer than {MAX_RECORD_BYTES:,} bytes"
            raise StopIteration
        return line[1]

    def rewind(self) -> None:
        """Read the current record's lines after its first again (as the next records)."""
        self._again = self._taken[1:] + self._again
        self.begin()


def resolve_columns(header: list[str], column_map: dict[str, str] | None, path: Path) -> dict[str, int]:
    """``{product field or attributes.<key>: column index}``; unknown fields/columns raise FeedError."""
    index = {name.strip(): i for i, name in reversed(list(enumerate(header)))}
    resolved: dict[str, int] = {}
    for field, column in (column_map or {}).items():
        if field not in _FIELDS and not (field.startswith(_ATTR_PREFIX) and len(field) > len(_ATTR_PREFIX)):
            valid = ", ".join(_FIELDS)
            raise FeedError(
                f"column_map: unknown product field {field!r}; use one of {valid} or attributes.<key>"
            )
        if column.strip() not in index:
            raise FeedError(
                f"column_map: {path} has no column {column!r} (for {field}); its columns are: "
                + ", ".join(repr(h) for h in header)
            )
        resolved[field] = index[column.strip()]
    used = set(resolved.values())
    by_key: dict[str, int] = {}
    for i, name in enumerate(header):
        by_key.setdefault(_key(name), i)
    for field, aliases in DEFAULT_COLUMNS.items():
        if field in resolved:
            continue
        for alias in aliases:
            position = by_key.get(alias)
            if position is not None and position not in used:
                resolved[field] = position
                used.add(position)
                break
    for field in ("id", "title"):
        if field not in resolved:
            raise FeedError(
                f"{path}: no column for the product {field}; name one with column_map={{'{field}': '<column>'}} "
                f"(its columns are: {', '.join(repr(h) for h in header)})"
            )
    return resolved


def iter_csv(path: Path, column_map: dict[str, str] | None = None) -> Iterator[Parsed | RowError]:
    """Products and row errors of a generic CSV feed, in file order."""
    name = str(path)
    records = iter_csv_records(path)
    first = next(records, None)
    while isinstance(first, RowError):  # a broken record before the header
        yield first
        first = next(records, None)
    if first is None:
        return
    header = first[1]
    columns = resolve_columns(header, column_map, path)
    mapped = set(columns.values())
    extras = [(i, h.strip()) for i, h in enumerate(header) if i not in mapped and h.strip()]
    for record in records:
        if isinstance(record, RowError):
            yield record
            continue
        line, cells = record
        record_id = cells[columns["id"]].strip() or None if columns["id"] < len(cells) else None
        if len(cells) != len(header):
            reason = f"row has {len(cells)} fields but the header has {len(header)}"
            yield RowError(file=name, line=line, reason=reason, record_id=record_id)
            continue
        try:
            parsed = validated(name, line, _fields(cells, columns, extras))
        except ValueError as exc:  # value parsers' reasons and pydantic's ValidationError
            reason = describe_validation_error(exc) if isinstance(exc, ValidationError) else str(exc)
            yield RowError(file=name, line=line, reason=reason, record_id=record_id)
            continue
        yield parsed


def _fields(cells: list[str], columns: dict[str, int], extras: list[tuple[int, str]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    attributes: dict[str, str] = {}
    for field, i in columns.items():
        value = cells[i].strip()
        if field.startswith(_ATTR_PREFIX):
            if value:
                attributes[field[len(_ATTR_PREFIX) :]] = value
        elif value:
            data[field] = value
    for i, header in extras:
        if cells[i].strip():
            attributes.setdefault(header, cells[i].strip())
    if "price" in data:
        data["price"], code = parse_price(data["price"])
        if code and "currency" not in data:
            data["currency"] = code
    if "category" in data:
        data["category"] = split_category(data["category"])
    if "bullet_points" in data:
        data["bullet_points"] = re.split(r"\s*(?:\n|\|)\s*", data["bullet_points"])
    if "in_stock" in data:
        data["in_stock"] = parse_availability(data["in_stock"])
    if "rating_count" in data:
        data["rating_count"] = parse_count(data["rating_count"])
    data["attributes"] = attributes
    return {k: v for k, v in data.items() if v is not None}

"""Shopify product export CSV (Admin → Products → Export): one product per ``Handle``.

A product's rows are consecutive and share its ``Handle``. The first row carries the product
(``Title``, ``Body (HTML)``, ``Vendor``, ``Product Category``, ``Type``, ``Tags``, ``Status``, the
option names) and its first variant; later rows carry more variants (``Option1 Value``…,
``Variant SKU``, ``Variant Price``, ``Variant Compare At Price``, ``Variant Inventory Qty``) or only
an extra ``Image Src``.

Mapping to one :class:`~retrieval.catalog.Product`:

* ``id`` = ``Handle``; ``brand`` = ``Vendor``; ``category`` = ``Product Category`` split on ``>``
  (else ``Type``); ``image_url`` = the first ``Image Src``; ``url`` is unknown (not exported).
* ``description`` = ``Body (HTML)`` as text (paragraph breaks kept, entities unescaped); its
  ``<li>`` items also become ``bullet_points``.
* ``attributes`` = each option with its distinct values, e.g. ``{"Color": "Black, Silver"}``
  (Shopify's placeholder option ``Title: Default Title`` is left out), plus ``Tags``, the variant
  SKUs (``SKU``) and ``Compare At Price`` (the lowest, when above the price).
* ``color`` = the value of a ``Color``/``Colour`` option when the product has exactly one.
* ``price`` = the lowest variant price; ``in_stock`` = any variant with ``Variant Inventory Qty`` > 0,
  or whose inventory isn't tracked (blank ``Variant Inventory Tracker``), or that may be sold when out
  of stock (``Variant Inventory Policy`` = ``continue``); when the export has no quantity column,
  tracked variants count as in stock.

Skipped with a reason: ``Status`` draft/archived products (on their first line), a variant row with
a bad price (that variant only; the product loads from its other variants), a product without a
title or without any valid variant, and rows whose ``Handle`` is blank.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from assistant.errors import FeedError
from retrieval.loaders._base import (
    Parsed,
    RowError,
    describe_validation_error,
    parse_price,
    split_category,
    validated,
)
from retrieval.loaders.csv_feed import iter_csv_records
from retrieval.markup import html_to_text

__all__ = ["REQUIRED_COLUMNS", "html_to_text", "is_shopify_header", "iter_shopify"]

REQUIRED_COLUMNS = ("Handle", "Title", "Body (HTML)", "Variant Price")
_SKIPPED_STATUSES = {"draft", "archived"}
_COLOR_OPTIONS = {"color", "colour"}
_DEFAULT_OPTION = ("title", "default title")


def is_shopify_header(header: list[str]) -> bool:
    """True when a CSV header has Shopify's product-export columns."""
    names = {h.strip() for h in header}
    return all(c in names for c in REQUIRED_COLUMNS)


# --- rows → products ---------------------------------------------------------------------------


@dataclass
class _Group:
    handle: str
    line: int
    first: dict[str, str]
    options: list[str]
    values: dict[str, list[str]] = field(default_factory=dict)
    prices: list[float] = field(default_factory=list)
    compare_at: list[float] = field(default_factory=list)
    skus: list[str] = field(default_factory=list)
    images: list[str] = field(default_factory=list)
    variants: int = 0
    in_stock: bool = False
    errors: list[RowError] = field(default_factory=list)


def iter_shopify(path: Path) -> Iterator[Parsed | RowError]:
    """Products and row errors of a Shopify product export, in file order."""
    name = str(path)
    records = iter_csv_records(path)
    first = next(records, None)
    while isinstance(first, RowError):  # a broken record before the header
        yield first
        first = next(records, None)
    if first is None:
        return
    header = [h.strip() for h in first[1]]
    if not is_shopify_header(header):
        missing = ", ".join(c for c in REQUIRED_COLUMNS if c not in header)
        raise FeedError(f"{path} is not a Shopify product export (missing columns: {missing}); use fmt='csv'")
    has_qty = "Variant Inventory Qty" in header
    group: _Group | None = None
    at = header.index("Handle")
    for record in records:
        if isinstance(record, RowError):
            if group is not None:
                group.errors.append(record)  # reported after its product, keeping file order
            else:
                yield record
            continue
        line, cells = record
        handle = cells[at].strip() if at < len(cells) else ""
        if group is not None and handle and handle != group.handle:
            yield from _finish(name, group)  # the previous product's rows are over
            group = None
        problem = "missing Handle" if not handle else None
        if len(cells) != len(header):
            problem = f"row has {len(cells)} fields but the header has {len(header)}"
        if problem:
            error = RowError(file=name, line=line, reason=problem, record_id=handle or None)
            if group is not None:
                group.errors.append(error)  # reported after its product, keeping file order
            else:
                yield error
            continue
        row = dict(zip(header, (c.strip() for c in cells), strict=True))
        if group is None:
            group = _Group(handle, line, row, [row.get(f"Option{i} Name", "") for i in (1, 2, 3)])
        _add_row(name, group, line, row, has_qty)
    if group is not None:
        yield from _finish(name, group)


def _is_variant(row: dict[str, str]) -> bool:
    keys = ("Option1 Value", "Option2 Value", "Option3 Value", "Variant SKU", "Variant Price")
    return any(row.get(k) for k in keys)


def _add_row(name: str, group: _Group, line: int, row: dict[str, str], has_qty: bool) -> None:
    if row.get("Image Src"):
        group.images.append(row["Image Src"])
    if not _is_variant(row):
        return
    try:
        price, _ = parse_price(row["Variant Price"])
        compare_at, _ = parse_price(row.get("Variant Compare At Price"))
    except ValueError as exc:
        reason = f"{exc} in variant {_variant_label(group, row)}; variant skipped"
        group.errors.append(RowError(file=name, line=line, reason=reason, record_id=group.handle))
        return
    group.variants += 1
    if price is not None:
        group.prices.append(price)
    if compare_at is not None:
        group.compare_at.append(compare_at)
    if row.get("Variant SKU"):
        group.skus.append(row["Variant SKU"])
    for option, index in zip(group.options, (1, 2, 3), strict=True):
        value = row.get(f"Option{index} Value", "")
        if option and value and (option.casefold(), value.casefold()) != _DEFAULT_OPTION:
            values = group.values.setdefault(option, [])
            if value not in values:
                values.append(value)
    group.in_stock = group.in_stock or _variant_in_stock(row, has_qty)


def _variant_label(group: _Group, row: dict[str, str]) -> str:
    values = [row.get(f"Option{i} Value", "") for i in (1, 2, 3)]
    label = " / ".join(v for v in values if v) or row.get("Variant SKU", "") or group.handle
    return f'"{label}"'


def _variant_in_stock(row: dict[str, str], has_qty: bool) -> bool:
    if not row.get("Variant Inventory Tracker"):
        return True
    if row.get("Variant Inventory Policy", "").casefold() == "continue":
        return True
    if not has_qty:
        return True
    try:
        return float(row.get("Variant Inventory Qty") or 0) > 0
    except ValueError:
        return False


def _finish(name: str, group: _Group) -> Iterator[Parsed | RowError]:
    """The product (or why it is skipped) on its first line, then its skipped variant rows.

    A draft/archived product is reported once, without the problems of its variants.
    """
    first = group.first
    status = first.get("Status", "").casefold()
    if status in _SKIPPED_STATUSES:
        reason = f"skipped: {status} product (Status={first['Status']})"
        yield RowError(file=name, line=group.line, reason=reason, record_id=group.handle)
        return
    yield _product(name, group)
    yield from group.errors


def _product(name: str, group: _Group) -> Parsed | RowError:
    first = group.first
    if not first.get("Title"):
        return RowError(file=name, line=group.line, reason="missing Title", record_id=group.handle)
    if group.variants == 0:
        reason = "product skipped: none of its variants is valid"
        return RowError(file=name, line=group.line, reason=reason, record_id=group.handle)
    try:
        return validated(name, group.line, _fields(group))
    except ValidationError as exc:
        return RowError(
            file=name, line=group.line, reason=describe_validation_error(exc), record_id=group.handle
        )


def _fields(group: _Group) -> dict[str, Any]:
    first = group.first
    description, bullets = html_to_text(first.get("Body (HTML)", ""))
    category = first.get("Product Category", "")
    attributes = {option: ", ".join(values) for option, values in group.values.items()}
    if first.get("Tags"):
        attributes["Tags"] = ", ".join(t.strip() for t in first["Tags"].split(",") if t.strip())
    if group.skus:
        attributes["SKU"] = ", ".join(group.skus)
    price = min(group.prices) if group.prices else None
    above = [c for c in group.compare_at if price is not None and c > price]
    if above:
        attributes["Compare At Price"] = f"{min(above):.2f}"
    colors = next((v for k, v in group.values.items() if k.casefold() in _COLOR_OPTIONS), [])
    return {
        "id": group.handle,
        "title": first.get("Title", ""),
        "description": description,
        "bullet_points": bullets,
        "brand": first.get("Vendor") or None,
        "category": _split_taxonomy(category) if category else split_category(first.get("Type", "")),
        "price": price,
        "attributes": attributes,
        "color": colors[0] if len(colors) == 1 else None,
        "in_stock": group.in_stock,
        "image_url": group.images[0] if group.images else None,
    }


def _split_taxonomy(path: str) -> list[str]:
    """Shopify's taxonomy path (``"Apparel & Accessories > Clothing"``); ``/`` is part of names there."""
    return [part.strip() for part in re.split(r">", path) if part.strip()]

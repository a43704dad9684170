"""JSON Lines feeds: one :class:`~retrieval.catalog.Product` object per line, in our field names.

Conveniences on top of the model: a numeric ``id`` becomes a string, ``price`` may be a string such
as ``"$1,299.00"`` (a currency code in it fills ``currency`` when that is absent), and ``category``
may be a ``"A > B"`` / ``"A/B"`` string. Unknown fields are an error (the model forbids extras), so a
misspelt field is reported instead of silently lost. Blank lines are skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from retrieval.loaders._base import (
    Parsed,
    RowError,
    describe_validation_error,
    iter_json_lines,
    parse_price,
    split_category,
    validated,
)

__all__ = ["iter_jsonl"]


def iter_jsonl(path: Path) -> Iterator[Parsed | RowError]:
    """Products and row errors of a JSONL feed, in file order."""
    name = str(path)
    for line, value in iter_json_lines(path):
        if isinstance(value, RowError):
            yield value
            continue
        if not isinstance(value, dict):
            reason = f"expected a JSON object (a product), got {type(value).__name__}"
            yield RowError(file=name, line=line, reason=reason)
            continue
        record_id = _record_id(value)
        try:
            yield validated(name, line, _normalize(value))
        except ValueError as exc:  # parse_price's reasons and pydantic's ValidationError
            reason = describe_validation_error(exc) if isinstance(exc, ValidationError) else str(exc)
            yield RowError(file=name, line=line, reason=reason, record_id=record_id)


def _record_id(value: dict[str, Any]) -> str | None:
    raw = value.get("id")
    return str(raw) if isinstance(raw, str | int) and str(raw).strip() else None


def _normalize(value: dict[str, Any]) -> dict[str, Any]:
    data = dict(value)
    if isinstance(data.get("id"), int) and not isinstance(data["id"], bool):
        data["id"] = str(data["id"])
    if isinstance(data.get("price"), str):
        price, currency = parse_price(data["price"])
        data["price"] = price
        if currency and not data.get("currency"):
            data["currency"] = currency
    elif data.get("price") is not None and not isinstance(data["price"], bool):
        data["price"], _ = parse_price(data["price"])
    if isinstance(data.get("category"), str):
        data["category"] = split_category(data["category"])
    return data

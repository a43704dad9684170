"""ESCI products in OpenSearch bulk NDJSON: an action line, then the product document.

```
{"index": {"_index": "ecommerce", "_id": "B07CXG6C9W"}}
{"asin": "B07CXG6C9W", "title": "...", "bullet_points": "one\\ntwo", "image": "https://...", ...}
```

Mapping: ``asin`` (or the action's ``_id``) → ``id``; ``title``, ``description``, ``brand``,
``color``, ``price``, ``rating``, ``rating_count`` as named; ``bullet_points`` (newline-separated) →
a list; ``image`` → ``image_url``; ``category`` (list, root to leaf, or a ``"A > B"`` string).
``is_book`` becomes the attribute ``{"is_book": "true"}`` on books only (so "books" can be filtered
on, and the other 98% of products carry no noise). ``query_id`` is **ignored**: it lists the
queries the product was judged for, i.e. it leaks the evaluation labels. Other fields are ignored.

Errors: an action line followed by another action line or the end of the file ("action line
without a document"), a document without an action line, invalid JSON, and documents that fail
validation (e.g. a missing title) are reported on their own line and skipped.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any, TypeGuard

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

__all__ = ["ACTIONS", "is_action", "iter_esci"]

ACTIONS = frozenset({"index", "create"})


def is_action(value: object) -> TypeGuard[dict[str, dict[str, Any]]]:
    """An OpenSearch bulk action line: ``{"index": {...}}`` or ``{"create": {...}}``."""
    return (
        isinstance(value, dict)
        and len(value) == 1
        and next(iter(value)) in ACTIONS
        and isinstance(next(iter(value.values())), dict)
    )


def iter_esci(path: Path) -> Iterator[Parsed | RowError]:
    """Products and row errors of an ESCI bulk NDJSON feed, in file order."""
    name = str(path)
    pending: tuple[int, str | None] | None = None  # (line, _id) of an action awaiting its document
    for line, value in iter_json_lines(path):
        if is_action(value):
            if pending is not None:
                yield _orphan_action(name, *pending)
            action = next(iter(value.values()))
            raw_id = action.get("_id")
            pending = (line, str(raw_id) if raw_id is not None else None)
            continue
        if isinstance(value, RowError):
            yield value.model_copy(update={"record_id": pending[1]}) if pending else value
            pending = None  # the broken line was this action's document (or an action itself)
            continue
        if pending is None:
            reason = 'document without a preceding action line (expected {"index": {...}})'
            doc_id = value.get("asin") if isinstance(value, dict) else None
            yield RowError(file=name, line=line, reason=reason, record_id=doc_id)
            continue
        _, action_id = pending
        pending = None
        yield _document(name, line, value, action_id)
    if pending is not None:
        yield _orphan_action(name, *pending)


def _orphan_action(name: str, line: int, action_id: str | None) -> RowError:
    return RowError(file=name, line=line, reason="action line without a document", record_id=action_id)


def _document(name: str, line: int, value: object, action_id: str | None) -> Parsed | RowError:
    if not isinstance(value, dict):
        reason = f"expected a JSON object (a product document), got {type(value).__name__}"
        return RowError(file=name, line=line, reason=reason, record_id=action_id)
    asin = value.get("asin")
    doc_id = str(asin).strip() if asin is not None and str(asin).strip() else action_id
    if action_id and asin and doc_id != action_id:
        reason = f'action _id "{action_id}" does not match the document\'s asin "{doc_id}"'
        return RowError(file=name, line=line, reason=reason, record_id=doc_id)
    try:
        return validated(name, line, _fields(value, doc_id))
    except ValueError as exc:  # parse_price's reasons and pydantic's ValidationError
        reason = describe_validation_error(exc) if isinstance(exc, ValidationError) else str(exc)
        return RowError(file=name, line=line, reason=reason, record_id=doc_id)


def _fields(doc: dict[str, Any], doc_id: str | None) -> dict[str, Any]:
    price, currency = parse_price(doc.get("price"))
    bullets = doc.get("bullet_points") or []
    if isinstance(bullets, str):
        bullets = bullets.split("\n")
    category = doc.get("category") or []
    if isinstance(category, str):
        category = split_category(category)
    data: dict[str, Any] = {
        "id": doc_id,
        "title": doc.get("title"),
        "description": doc.get("description") or "",
        "bullet_points": bullets,
        "brand": doc.get("brand"),
        "color": doc.get("color"),
        "image_url": doc.get("image"),
        "price": price,
        "category": category,
        "rating": doc.get("rating"),
        "rating_count": doc.get("rating_count"),
    }
    if currency:
        data["currency"] = currency
    if doc.get("is_book") is True:
        data["attributes"] = {"is_book": "true"}
    return {k: v for k, v in data.items() if v is not None}

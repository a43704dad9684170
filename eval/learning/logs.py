"""Served lists joined with their interaction events: the one shape the learning code reads.

A :class:`LoggedList` is one served list (what the shopper saw, in order) with the positions that got a
click, an add-to-cart or a purchase, and the serve-time randomization recorded in its context
(:class:`retrieval.exposure.ExposureContext`, the search text, team labels). :func:`join_logs` builds
them from the events layer's ``ServedList`` and ``InteractionEvent`` records (read through the store).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from retrieval.exposure import ExposureContext

__all__ = ["EventRecord", "LoggedList", "ServedRecord", "join_logs"]


class ServedRecord(Protocol):
    """What the learning code reads of a served list (``assistant.events.ServedList``)."""

    @property
    def turn_id(self) -> str: ...
    @property
    def session_id(self) -> str: ...
    @property
    def shopper_id(self) -> str | None: ...
    @property
    def product_ids(self) -> list[str]: ...
    @property
    def assignments(self) -> dict[str, str]: ...
    @property
    def context(self) -> dict[str, Any]: ...
    @property
    def served_at(self) -> datetime: ...


class EventRecord(Protocol):
    """What the learning code reads of an interaction event (``assistant.events.InteractionEvent``)."""

    @property
    def type(self) -> str: ...
    @property
    def turn_id(self) -> str: ...
    @property
    def product_id(self) -> str: ...
    @property
    def position(self) -> int | None: ...


@dataclass
class LoggedList:
    """One served list and what the shopper did with it."""

    turn_id: str
    session_id: str
    shopper_id: str | None
    product_ids: list[str]
    context: Mapping[str, Any] = field(default_factory=dict)
    assignments: Mapping[str, str] = field(default_factory=dict)
    clicks: set[int] = field(default_factory=set)
    carts: set[int] = field(default_factory=set)
    purchases: set[int] = field(default_factory=set)

    @property
    def query(self) -> str:
        return str(self.context.get("query", ""))

    @property
    def filters(self) -> Mapping[str, Any]:
        value = self.context.get("filters")
        return value if isinstance(value, Mapping) else {}

    @property
    def exposure(self) -> ExposureContext:
        raw = self.context.get("exposure")
        if isinstance(raw, Mapping):
            return ExposureContext.model_validate(raw)
        return ExposureContext(inclusion=[1.0] * len(self.product_ids), logged_order=list(self.product_ids))

    @property
    def teams(self) -> list[str]:
        raw = self.context.get("teams")
        return [str(t) for t in raw] if isinstance(raw, Sequence) and not isinstance(raw, str) else []

    def clicked(self, position: int) -> int:
        """1 if the item at the 1-based ``position`` got a click."""
        return int(position in self.clicks)


def join_logs(served: Iterable[ServedRecord], events: Iterable[EventRecord]) -> list[LoggedList]:
    """One :class:`LoggedList` per served list, with its clicks, carts and purchases by position.

    An event names a product and, usually, its position; an event without a position is placed at the
    product's position in the list. Events for products not in the list are ignored.
    """
    by_turn: dict[str, list[EventRecord]] = defaultdict(list)
    for event in events:
        by_turn[event.turn_id].append(event)
    logged = []
    for record in sorted(served, key=lambda s: s.served_at):
        item = LoggedList(
            turn_id=record.turn_id,
            session_id=record.session_id,
            shopper_id=record.shopper_id,
            product_ids=list(record.product_ids),
            context=dict(record.context or {}),
            assignments=dict(record.assignments or {}),
        )
        positions = {pid: i + 1 for i, pid in enumerate(item.product_ids)}
        for event in by_turn.get(record.turn_id, []):
            position = event.position if event.position else positions.get(event.product_id)
            if position is None or positions.get(event.product_id) != position:
                continue
            target = {"click": item.clicks, "add_to_cart": item.carts, "purchase": item.purchases}.get(
                event.type
            )
            if target is not None:
                target.add(position)
        logged.append(item)
    return logged

"""Interaction events and the served-list log: what a shopper was shown, and what they did with it.

* :class:`ServedList`: the products the server showed in one turn, in order, with the experiment
  variants the turn ran under and an open ``context`` for randomization details (swapped positions,
  propensities, interleaving team labels) that counterfactual estimators need.
* :class:`InteractionEvent`: one impression, click, add-to-cart or purchase a storefront reports
  (``POST /v1/events``, batched as :class:`EventBatch`). ``event_id`` is the client's idempotency key:
  a retried batch stores each event once.
* :class:`LoggedEvent`: an event as stored: the server's ``received_at`` and the turn's variant
  assignments (taken from the served list, never from the client).

Both are stored through the session store seam (:meth:`assistant.store.SessionStore.record_served`,
:meth:`~assistant.store.SessionStore.record_events`) and read back as streams for analysis.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

__all__ = [
    "EVENT_TYPES",
    "MAX_BATCH",
    "EventBatch",
    "EventCounts",
    "EventType",
    "InteractionEvent",
    "LoggedEvent",
    "ServedList",
]

EventType = Literal["impression", "click", "add_to_cart", "purchase"]
EVENT_TYPES: tuple[EventType, ...] = ("impression", "click", "add_to_cart", "purchase")
MAX_BATCH = 500
"""Most events in one ``POST /v1/events`` body."""

_Id = Annotated[str, StringConstraints(min_length=1, max_length=128)]
_ProductId = Annotated[str, StringConstraints(min_length=1, max_length=256)]


def _now() -> datetime:
    return datetime.now(UTC)


class InteractionEvent(BaseModel):
    """One thing a shopper did with a product shown in a turn, as the storefront reports it."""

    model_config = ConfigDict(extra="forbid")

    event_id: _Id = Field(description="Client-generated, unique per event: the idempotency key.")
    type: EventType
    session_id: _Id
    turn_id: _Id = Field(description="The `turn_id` of the chat turn that showed the product.")
    product_id: _ProductId
    position: int | None = Field(
        default=None, ge=1, le=10_000, description="1-based position at which the product was shown."
    )
    shopper_id: _Id | None = None
    occurred_at: datetime | None = Field(default=None, description="When it happened (client clock).")
    value: float | None = Field(
        default=None, ge=0, allow_inf_nan=False, description="Purchase amount (finite, >= 0)."
    )


class LoggedEvent(InteractionEvent):
    """An event as stored: plus the server's receipt time and the turn's variant assignments."""

    model_config = ConfigDict(extra="forbid")

    received_at: datetime
    assignments: dict[str, str] = Field(default_factory=dict)


class EventBatch(BaseModel):
    """The body of ``POST /v1/events``."""

    model_config = ConfigDict(extra="forbid")

    events: list[InteractionEvent] = Field(min_length=1, max_length=MAX_BATCH)


class EventCounts(NamedTuple):
    """What :meth:`~assistant.store.SessionStore.record_events` did: newly stored, already stored."""

    accepted: int
    duplicates: int


class ServedList(BaseModel):
    """What the server showed in one turn: ``product_ids`` in display order (position = index + 1)."""

    model_config = ConfigDict(extra="forbid")

    turn_id: _Id
    session_id: _Id
    shopper_id: str | None = None
    product_ids: list[str] = Field(default_factory=list)
    assignments: dict[str, str] = Field(
        default_factory=dict, description="Experiment name → variant this turn ran under."
    )
    served_at: datetime = Field(default_factory=_now)
    context: dict[str, Any] = Field(
        default_factory=dict,
        description="Randomization details for counterfactual estimates (e.g. swapped positions, "
        "propensities, interleaving team labels); JSON-serializable.",
    )

    def position(self, product_id: str) -> int | None:
        """The 1-based position at which ``product_id`` was shown, or ``None``."""
        try:
            return self.product_ids.index(product_id) + 1
        except ValueError:
            return None

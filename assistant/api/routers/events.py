"""``POST /v1/events``: impressions, clicks, add-to-cart and purchases a storefront reports, batched.

Each event names the turn that showed the product (the ``turn_id`` of the chat turn) and its
session. An event is stored when that turn's served list was logged in that session, the session is
visible to this key (an event naming another shopper than the one the session is bound to is
refused), and the product was shown in the turn; otherwise it is rejected, alone, with a reason. A missing ``position``
or ``shopper_id`` is filled from the served list; the experiment assignments always come from it.
Idempotent: an ``event_id`` already stored in its session counts as a duplicate, so a client retries
a batch whose answer it did not get. Event contents are never logged.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter
from pydantic import BaseModel, Field

from assistant.api.bodies import JSONBodyRoute
from assistant.api.deps import AssistantDep, StorefrontKey
from assistant.api.responses import errors
from assistant.errors import NotFoundError
from assistant.events import EventBatch, InteractionEvent, ServedList

if TYPE_CHECKING:
    from assistant.api.deps import Principal
    from assistant.store import SessionStore

__all__ = ["EventRejection", "EventsPublic", "router"]

router = APIRouter(tags=["events"], route_class=JSONBodyRoute)

UNKNOWN_TURN = "unknown turn_id for this session (or the session is not visible to this key and shopper)"
NOT_SHOWN = "product_id was not shown in this turn"


class EventRejection(BaseModel):
    index: int = Field(description="The event's index in the batch.")
    event_id: str
    reason: str


class EventsPublic(BaseModel):
    """What happened to a batch: stored now, already stored before (or repeated), rejected."""

    accepted: int
    duplicates: int
    rejected: list[EventRejection] = Field(default_factory=list)


def _attribute(
    events: list[InteractionEvent], store: SessionStore, key: Principal
) -> tuple[list[tuple[InteractionEvent, dict[str, str]]], list[EventRejection]]:
    """The events that can be attributed to a served turn (completed from it), and the rejections."""
    served: dict[str, ServedList] = store.served_turns([e.turn_id for e in events])
    # shopper the session is bound to, for the sessions this key may use (one read for the batch)
    visible = store.visible_sessions([e.session_id for e in events], owner=key.owner)
    kept: list[tuple[InteractionEvent, dict[str, str]]] = []
    rejected: list[EventRejection] = []
    for i, event in enumerate(events):
        turn = served.get(event.turn_id)
        shopper = event.shopper_id or (turn.shopper_id if turn else None)
        reason = None
        if turn is None or turn.session_id != event.session_id:
            reason = UNKNOWN_TURN
        elif event.session_id not in visible or visible[event.session_id] not in (None, shopper):
            reason = UNKNOWN_TURN  # as for other routes: a session bound to a shopper needs its id
        elif event.product_id not in turn.product_ids:
            reason = NOT_SHOWN
        if reason is not None or turn is None:
            rejected.append(EventRejection(index=i, event_id=event.event_id, reason=reason or UNKNOWN_TURN))
            continue
        filled = event.model_copy(
            update={
                "shopper_id": shopper,
                "position": event.position if event.position is not None else turn.position(event.product_id),
            }
        )
        kept.append((filled, turn.assignments))
    return kept, rejected


@router.post(
    "/v1/events",
    operation_id="record_events",
    summary="Record shopper interactions (impressions, clicks, add-to-cart, purchases), batched",
    description=(__doc__ or "").split("\n\n", 1)[1],
    response_model=EventsPublic,
    responses=errors(401, 413, 415, 422, 429, 503),
)
def record_events(body: EventBatch, assistant: AssistantDep, key: StorefrontKey) -> EventsPublic:
    store = assistant.store
    for _attempt in range(2):
        kept, rejected = _attribute(body.events, store, key)
        if not kept:
            return EventsPublic(accepted=0, duplicates=0, rejected=rejected)
        try:
            counts = store.record_events([e for e, _ in kept], [a for _, a in kept])
        except NotFoundError:  # a session was erased between the check and the write: check again
            continue
        return EventsPublic(accepted=counts.accepted, duplicates=counts.duplicates, rejected=rejected)
    # Erased again while we retried: the rest of the batch belongs to sessions that are gone.
    gone = [
        EventRejection(index=i, event_id=e.event_id, reason=UNKNOWN_TURN) for i, e in enumerate(body.events)
    ]
    return EventsPublic(accepted=0, duplicates=0, rejected=gone)

"""The API's own request/response models, named by role (``…Create`` in, ``…Public`` out).

Core models (``ChatRequest``, ``FeedbackRequest``, ``Recommendation``, the events…) are reused as
they are; these only add what HTTP needs around them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from assistant.schemas import ChatEvent, ErrorEvent, ProductCard, TurnResult
from retrieval.catalog import Product

__all__ = [
    "CatalogUpsertCreate",
    "ChatTurnPublic",
    "CheckPublic",
    "HealthPublic",
    "ReadinessPublic",
    "SearchResultsPublic",
    "TurnFailed",
    "collect_turn",
]

MAX_UPSERT = 1000


class ChatTurnPublic(TurnResult):
    """A finished turn (``POST /v1/chat`` without ``Accept: text/event-stream``)."""


class TurnFailed(Exception):
    """The turn ended with an ``error`` event (carried here for the router to answer with)."""

    def __init__(self, event: ErrorEvent) -> None:
        super().__init__(f"{event.code}: {event.message}")
        self.event = event


def collect_turn(events: list[ChatEvent]) -> ChatTurnPublic:
    """Fold a turn's events into one response; raises :class:`TurnFailed` on an ``error`` event
    (or when there are no events at all)."""
    if not events:
        raise TurnFailed(
            ErrorEvent(session_id="", turn_id="", code="empty_turn", message="the turn produced no events")
        )
    result = ChatTurnPublic.from_events(events)
    if result.error is not None:
        raise TurnFailed(result.error)
    return result


class SearchResultsPublic(BaseModel):
    """Plain retrieval results for a storefront search box (no LLM)."""

    query: str
    products: list[ProductCard]
    timings_ms: dict[str, float] = Field(default_factory=dict)


class CatalogUpsertCreate(BaseModel):
    """Products to add or update through the same ingest path as ``aisle ingest``."""

    products: list[Product] = Field(min_length=1, max_length=MAX_UPSERT)


class HealthPublic(BaseModel):
    status: Literal["ok"] = "ok"


class CheckPublic(BaseModel):
    ok: bool
    detail: str = ""


class ReadinessPublic(BaseModel):
    ready: bool
    checks: dict[str, CheckPublic]

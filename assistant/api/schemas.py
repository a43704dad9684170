"""The API's own request/response models, named by role (``…Create`` in, ``…Public`` out).

Core models (``ChatRequest``, ``FeedbackRequest``, ``Recommendation``, the events…) are reused as
they are; these only add what HTTP needs around them.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field

from assistant.schemas import ChatEvent, ChatRequest, ErrorEvent, FeedbackRequest, ProductCard, TurnResult
from retrieval.catalog import Product

__all__ = [
    "MAX_UPSERT",
    "SESSION_ID_PATTERN",
    "CatalogUpsertCreate",
    "ChatTurnCreate",
    "ChatTurnPublic",
    "CheckPublic",
    "FeedbackCreate",
    "HealthPublic",
    "ReadinessPublic",
    "SearchResultsPublic",
    "SessionId",
    "ShopperId",
    "TurnFailed",
    "collect_turn",
]

MAX_UPSERT = 1000
"""Products per ``POST /v1/catalog``; the body may also be at most ``AISLE_MAX_UPSERT_BYTES``."""

SESSION_ID_PATTERN = r"^[A-Za-z0-9_-]{8,128}$"
SessionId = Annotated[
    str,
    Field(
        pattern=SESSION_ID_PATTERN,
        description="A session id the server issued (or one the client chose: 8–128 of A–Z a–z 0–9 _ -). "
        "A session is visible only to the API key that created it and, once bound, to its shopper.",
    ),
]
ShopperId = Annotated[
    str, Field(min_length=1, max_length=128, description="The storefront's id for the shopper.")
]


class ChatTurnCreate(ChatRequest):
    """One shopper message (``POST /v1/chat``). Without ``session_id`` a new session is issued; its id
    is in every event, the JSON answer and the ``X-Aisle-Session-Id`` header."""

    session_id: SessionId | None = None
    shopper_id: ShopperId | None = None

    def to_core(self, session_id: str) -> ChatRequest:
        """The core's request for this turn, in the session the API opened for it."""
        return ChatRequest(
            message=self.message, session_id=session_id, shopper_id=self.shopper_id, filters=self.filters
        )


class FeedbackCreate(FeedbackRequest):
    """A shopper's reaction to a shown product (``POST /v1/feedback``)."""

    session_id: SessionId | None = None
    shopper_id: ShopperId | None = None

    def to_core(self) -> FeedbackRequest:
        return FeedbackRequest.model_validate(self.model_dump())


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

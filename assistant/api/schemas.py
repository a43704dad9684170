"""The API's own request/response models, named by role (``…Create`` in, ``…Public`` out).

Core models (``ChatRequest``, ``FeedbackRequest``, ``Recommendation``, the events…) are reused as
they are; these only add what HTTP needs around them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from assistant.schemas import (
    ChatEvent,
    DegradedEvent,
    DoneEvent,
    ErrorEvent,
    PlanEvent,
    ProductCard,
    ProductsEvent,
    QueryPlan,
    Recommendation,
    RecommendationsEvent,
    TokenEvent,
    Usage,
)
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


class ChatTurnPublic(BaseModel):
    """A finished turn (``POST /v1/chat`` without ``Accept: text/event-stream``)."""

    session_id: str
    turn_id: str
    message: str
    recommendations: list[Recommendation] = Field(default_factory=list)
    products: list[ProductCard] = Field(default_factory=list, description="Candidates shown before the text.")
    plan: QueryPlan | None = None
    timings_ms: dict[str, float] = Field(default_factory=dict)
    usage: Usage = Field(default_factory=Usage)
    degraded: list[DegradedEvent] = Field(default_factory=list)
    llm: str = ""


class TurnFailed(Exception):
    """The turn ended with an ``error`` event (carried here for the router to answer with)."""

    def __init__(self, event: ErrorEvent) -> None:
        super().__init__(f"{event.code}: {event.message}")
        self.event = event


def collect_turn(events: list[ChatEvent]) -> ChatTurnPublic:
    """Fold a turn's events into one response; raises :class:`TurnFailed` on an ``error`` event."""
    session_id = turn_id = message = llm = ""
    plan: QueryPlan | None = None
    products: list[ProductCard] = []
    recommendations: list[Recommendation] = []
    degraded: list[DegradedEvent] = []
    tokens: list[str] = []
    timings: dict[str, float] = {}
    usage = Usage()
    for event in events:
        session_id, turn_id = event.session_id, event.turn_id
        if isinstance(event, PlanEvent):
            plan = event.plan
        elif isinstance(event, ProductsEvent):
            products = event.products
        elif isinstance(event, TokenEvent):
            tokens.append(event.text)
        elif isinstance(event, RecommendationsEvent):
            recommendations = event.recommendations
        elif isinstance(event, DegradedEvent):
            degraded.append(event)
        elif isinstance(event, ErrorEvent):
            raise TurnFailed(event)
        elif isinstance(event, DoneEvent):
            message, timings, usage, llm = event.message, event.timings_ms, event.usage, event.llm
    return ChatTurnPublic(
        session_id=session_id,
        turn_id=turn_id,
        message=message or "".join(tokens),
        recommendations=recommendations,
        products=products,
        plan=plan,
        timings_ms=timings,
        usage=usage,
        degraded=degraded,
        llm=llm,
    )


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

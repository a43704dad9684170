"""What one case produced: the typed events of each turn, with timings, as the assertions see them.

Tests build transcripts by hand (no assistant needed); the runner records them from
``Assistant.chat``. References like ``@turn1.rec1`` (first recommendation of turn 1) or
``@turn2.product3`` (third product of turn 2's products event) resolve against a transcript.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, Field, TypeAdapter

from assistant.schemas import (
    ChatEvent,
    ComparisonEvent,
    DegradedEvent,
    DoneEvent,
    ErrorEvent,
    FeedbackKind,
    PlanEvent,
    ProductCard,
    ProductsEvent,
    QueryPlan,
    Recommendation,
    RecommendationsEvent,
    TokenEvent,
    Usage,
)

__all__ = [
    "AppliedFeedback",
    "CaseTranscript",
    "TurnRecord",
    "UnresolvedReference",
    "resolve_reference",
]

_EVENTS: TypeAdapter[ChatEvent] = TypeAdapter(ChatEvent)
_REF = re.compile(r"^@turn(?P<turn>\d+)\.(?P<kind>rec|product)(?P<pos>\d+)$")


class UnresolvedReference(LookupError):
    """A ``@turnN.recK`` reference points at a product the transcript does not have."""


class TurnRecord(BaseModel):
    """One shopper message and every event the assistant yielded for it."""

    turn: int = Field(ge=1)
    message: str
    events: list[ChatEvent] = Field(default_factory=list)
    latency_ms: float = 0.0
    first_event_ms: float | None = None
    exception: str | None = Field(default=None, description="The exception that ended the turn, if any.")

    def _first(self, kind: type) -> object | None:
        return next((e for e in self.events if isinstance(e, kind)), None)

    @property
    def plan(self) -> QueryPlan | None:
        event = self._first(PlanEvent)
        return event.plan if isinstance(event, PlanEvent) else None

    @property
    def products(self) -> list[ProductCard]:
        """The last products event's cards (ranked), or none."""
        events = [e for e in self.events if isinstance(e, ProductsEvent)]
        return list(events[-1].products) if events else []

    @property
    def has_recommendations(self) -> bool:
        return any(isinstance(e, RecommendationsEvent) for e in self.events)

    @property
    def recommendations(self) -> list[Recommendation]:
        """The last recommendations event, by rank."""
        events = [e for e in self.events if isinstance(e, RecommendationsEvent)]
        return sorted(events[-1].recommendations, key=lambda r: r.rank) if events else []

    @property
    def recommended(self) -> list[ProductCard]:
        """What the shopper was finally recommended: the recommendations, else the products event."""
        if self.has_recommendations:
            return [r.product for r in self.recommendations]
        return self.products

    def cards(self, source: str = "recommended") -> list[ProductCard]:
        """Products by source: ``recommended``, ``recommendations``, ``products`` or ``shown`` (both)."""
        if source == "recommendations":
            return [r.product for r in self.recommendations]
        if source == "products":
            return self.products
        if source == "shown":
            seen: dict[str, ProductCard] = {c.id: c for c in self.products}
            for card in (r.product for r in self.recommendations):
                seen.setdefault(card.id, card)
            return list(seen.values())
        return self.recommended

    @property
    def done(self) -> DoneEvent | None:
        event = self._first(DoneEvent)
        return event if isinstance(event, DoneEvent) else None

    @property
    def text(self) -> str:
        """The assistant's text: the done event's message, else the streamed tokens."""
        done = self.done
        if done is not None and done.message:
            return done.message
        return "".join(e.text for e in self.events if isinstance(e, TokenEvent))

    @property
    def usage(self) -> Usage:
        done = self.done
        return done.usage if done is not None else Usage()

    @property
    def comparison(self) -> ComparisonEvent | None:
        events = [e for e in self.events if isinstance(e, ComparisonEvent)]
        return events[-1] if events else None

    @property
    def degraded(self) -> list[DegradedEvent]:
        return [e for e in self.events if isinstance(e, DegradedEvent)]

    @property
    def errors(self) -> list[ErrorEvent]:
        return [e for e in self.events if isinstance(e, ErrorEvent)]

    @classmethod
    def from_events(cls, turn: int, message: str, events: list[object], **kwargs: object) -> TurnRecord:
        """A record from event models or their JSON dicts."""
        parsed = [_EVENTS.validate_python(e) for e in events]
        return cls(turn=turn, message=message, events=parsed, **kwargs)  # type: ignore[arg-type]


class AppliedFeedback(BaseModel):
    """Feedback the runner sent before ``turn``, with its reference resolved to an id."""

    turn: int
    product_id: str
    kind: FeedbackKind


class CaseTranscript(BaseModel):
    """Every turn of one case, and the feedback applied between them."""

    turns: list[TurnRecord] = Field(default_factory=list)
    feedback: list[AppliedFeedback] = Field(default_factory=list)

    def turn(self, number: int | None) -> TurnRecord:
        """The 1-based turn ``number``; the last turn when ``None``."""
        if not self.turns:
            raise UnresolvedReference("the case produced no turns")
        if number is None:
            return self.turns[-1]
        if not 1 <= number <= len(self.turns):
            raise UnresolvedReference(f"turn {number} does not exist (the case ran {len(self.turns)} turns)")
        return self.turns[number - 1]

    def rejected_before(self, number: int) -> set[str]:
        """Products the shopper rejected (not interested / thumbs down) before turn ``number``."""
        return {
            f.product_id
            for f in self.feedback
            if f.turn <= number and f.kind in ("not_interested", "thumbs_down")
        }

    @property
    def latency_ms(self) -> float:
        return sum(t.latency_ms for t in self.turns)

    @property
    def usage(self) -> Usage:
        total = Usage()
        costs = [t.usage.cost_usd for t in self.turns if t.usage.cost_usd is not None]
        for t in self.turns:
            total.prompt_tokens += t.usage.prompt_tokens
            total.completion_tokens += t.usage.completion_tokens
            total.llm_calls += t.usage.llm_calls
        total.cost_usd = sum(costs) if costs else None
        return total


def resolve_reference(value: str, transcript: CaseTranscript) -> str:
    """``@turnN.recK`` / ``@turnN.productK`` → a product id; any other string is returned as is."""
    match = _REF.match(value)
    if match is None:
        return value
    turn = transcript.turn(int(match["turn"]))
    position = int(match["pos"])
    cards = turn.cards("recommended" if match["kind"] == "rec" else "products")
    if not 1 <= position <= len(cards):
        raise UnresolvedReference(f"{value}: turn {turn.turn} showed {len(cards)} products")
    return cards[position - 1].id

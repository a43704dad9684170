"""A scripted assistant for the UI tests: products, reasons, answer and comparison chosen by the test."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from http_support import CARDS, FakeAssistant

from assistant.schemas import (
    ChatEvent,
    ChatRequest,
    ComparisonEvent,
    ComparisonRow,
    DoneEvent,
    PlanEvent,
    ProductCard,
    ProductsEvent,
    QueryPlan,
    Recommendation,
    RecommendationsEvent,
    TokenEvent,
)

__all__ = ["COMPARISON_ROWS", "ScriptedAssistant"]

COMPARISON_ROWS = [
    ComparisonRow(attribute="price", label="price", values=["$499.00", "$649.00"], winner=0, better="lower"),
    ComparisonRow(attribute="rating", label="rating", values=["4.5/5", "4.1/5"], winner=0, better="higher"),
    ComparisonRow(attribute="width_in", label="width", values=["24 in", "18 in"], winner=1, better="lower"),
    ComparisonRow(attribute="drying", label="drying", values=["heated dry", ""]),
    ComparisonRow(attribute="color", label="color", values=["White", "White"], better="higher"),  # a tie
]


@dataclass
class ScriptedAssistant(FakeAssistant):
    """A fake whose products, reasons, answer and (optional) comparison are the test's.

    The turn is ``plan``, ``products``, (``comparison`` of the products when ``rows`` is set),
    ``token``…, ``recommendations``, ``done``.
    """

    cards: list[ProductCard] = field(default_factory=lambda: list(CARDS))
    reasons: list[str] = field(default_factory=lambda: ["reason 1", "reason 2"])
    rows: list[ComparisonRow] | None = None

    def _turn(self, request: ChatRequest) -> Iterator[ChatEvent]:
        ids = {"session_id": request.session_id or "sess-new", "turn_id": f"turn-{len(self.requests)}"}
        yield PlanEvent(**ids, plan=QueryPlan(query=request.message))
        yield ProductsEvent(**ids, products=self.cards)
        if self.rows is not None:
            yield ComparisonEvent(**ids, products=self.cards, rows=self.rows)
        for text in self.tokens:
            yield TokenEvent(**ids, text=text)
        recs = [
            Recommendation(rank=i + 1, product=card, reason=reason)
            for i, (card, reason) in enumerate(zip(self.cards, self.reasons, strict=False))
        ]
        yield RecommendationsEvent(**ids, recommendations=recs)
        yield DoneEvent(**ids, message="".join(self.tokens), llm=self.llm_description)
        self.completed.set()

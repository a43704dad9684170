"""Builders for hand-made transcripts: products, events and turns, no assistant needed."""

from __future__ import annotations

from collections.abc import Sequence

import pytest

from assistant.schemas import (
    DoneEvent,
    PlanEvent,
    ProductCard,
    ProductsEvent,
    QueryPlan,
    Recommendation,
    RecommendationsEvent,
    TokenEvent,
    Usage,
)
from eval.assertions import GradeContext, MemoryCatalog
from eval.transcript import CaseTranscript, TurnRecord
from retrieval.catalog import Product
from retrieval.filters import Filters

IDS = {"session_id": "s", "turn_id": "t"}

CATALOG = [
    Product(
        id="dw1",
        title="Hearthline QuietClean 300 Dishwasher, 44 dBA",
        brand="Hearthline",
        price=579.0,
        category=["Kitchen Appliances", "Dishwashers"],
        color="Silver",
        rating=4.3,
        rating_count=146,
        attributes={"noise_level_db": "44", "finish": "stainless steel"},
    ),
    Product(
        id="dw2",
        title="Bosch 300 Series Dishwasher, 46 dBA",
        brand="Bosch",
        price=749.0,
        category=["Kitchen Appliances", "Dishwashers"],
        color="White",
        rating=4.6,
        rating_count=900,
        attributes={"noise_level_db": "46", "finish": "white"},
    ),
    Product(
        id="dw3",
        title="Frigidaire Budget Dishwasher, 52 dBA",
        brand="Frigidaire",
        price=399.99,
        category=["Kitchen Appliances", "Dishwashers"],
        color="Black",
        rating=4.0,
        rating_count=20,
        attributes={"noise_level_db": "52", "finish": "black"},
    ),
    Product(
        id="sh1",
        title="Stride Runner 2 Running Shoe",
        brand="Stride",
        price=89.0,
        category=["Footwear", "Running Shoes"],
        color="Blue",
        rating=4.4,
        rating_count=0,
    ),
]
BY_ID = {p.id: p for p in CATALOG}


def card(pid: str, **changes: object) -> ProductCard:
    c = ProductCard.from_product(BY_ID[pid]) if pid in BY_ID else ProductCard(id=pid, title=f"Invented {pid}")
    return c.model_copy(update=changes)


def make_turn(
    number: int = 1,
    *,
    message: str = "quiet dishwasher under $600",
    recs: Sequence[str | tuple[str, str]] | None = None,
    products: Sequence[str] | None = None,
    text: str = "Here are some options.",
    filters: Filters | None = None,
    intent: str = "search",
    clarifying_question: str | None = None,
    latency_ms: float = 100.0,
    cost: float | None = None,
) -> TurnRecord:
    """A turn: a plan, a products event (``products`` or the recommended ids), tokens, recommendations, done."""
    rec_items = [
        (r, f"Fits: {BY_ID[r].title if r in BY_ID else r}") if isinstance(r, str) else r for r in (recs or [])
    ]
    shown = list(products) if products is not None else [pid for pid, _ in rec_items]
    plan = QueryPlan(
        query="dishwasher",
        filters=filters or Filters(),
        intent=intent,
        clarifying_question=clarifying_question,
    )  # type: ignore[arg-type]
    events: list[object] = [PlanEvent(**IDS, plan=plan)]
    if shown or recs is not None:
        events.append(ProductsEvent(**IDS, products=[card(p) for p in shown]))
    events.append(TokenEvent(**IDS, text=text))
    if recs is not None:
        events.append(
            RecommendationsEvent(
                **IDS,
                recommendations=[
                    Recommendation(rank=i, product=card(pid), reason=why)
                    for i, (pid, why) in enumerate(rec_items, 1)
                ],
            )
        )
    events.append(
        DoneEvent(
            **IDS,
            message=text,
            usage=Usage(prompt_tokens=10, completion_tokens=5, llm_calls=1, cost_usd=cost),
        )
    )
    return TurnRecord(turn=number, message=message, events=events, latency_ms=latency_ms)  # type: ignore[arg-type]


def context(
    *turns: TurnRecord, transcript: CaseTranscript | None = None, judge: object = None
) -> GradeContext:
    t = transcript or CaseTranscript(turns=list(turns))
    return GradeContext(transcript=t, catalog=MemoryCatalog(CATALOG), judge=judge)  # type: ignore[arg-type]


@pytest.fixture
def catalog() -> MemoryCatalog:
    return MemoryCatalog(CATALOG)

"""Typed models that cross Aisle's boundaries: the turn's request, plan, recommendations and events.

The same models are the LLM's structured output (``QueryPlan``) and the wire format of the API
(``ChatEvent``): the core yields events, the API and UI only render them.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Annotated, Literal, Self

from pydantic import BaseModel, ConfigDict, Field

from retrieval.catalog import Product
from retrieval.filters import Filters
from retrieval.relax import Relaxation

__all__ = [
    "ChatEvent",
    "ChatRequest",
    "Comparative",
    "ComparisonEvent",
    "ComparisonRow",
    "DegradedEvent",
    "DoneEvent",
    "ErrorEvent",
    "FeedbackKind",
    "FeedbackRequest",
    "HistoryTurn",
    "Intent",
    "ItemAsk",
    "PlanEvent",
    "ProductCard",
    "ProductsEvent",
    "QueryPlan",
    "Recommendation",
    "RecommendationsEvent",
    "Relaxation",
    "SortSpec",
    "TokenEvent",
    "TurnResult",
    "Usage",
]

Intent = Literal["search", "refine", "compare", "product_question", "chit_chat", "out_of_catalog", "clarify"]
FeedbackKind = Literal["thumbs_up", "thumbs_down", "not_interested", "click"]
Direction = Literal["lower", "higher"]
Order = Literal["asc", "desc"]


class SortSpec(BaseModel):
    """Order results by a field: ``price``, ``rating`` or a numeric attribute key."""

    model_config = ConfigDict(extra="forbid")

    key: str
    order: Order
    label: str = ""


class Comparative(BaseModel):
    """The shopper's "lighter": weight_kg lower than the reference product shown last turn."""

    model_config = ConfigDict(extra="forbid")

    key: str
    direction: Direction
    dimension: str
    word: str = ""
    than: float | None = None
    than_id: str | None = None


class ItemAsk(BaseModel):
    """One item of a multi-item ask ("a tent and a sleeping bag")."""

    model_config = ConfigDict(extra="forbid")

    query: str
    categories: list[str] = Field(default_factory=list)
    filters: Filters = Field(
        default_factory=Filters,
        description="Constraints of this item only, added to the plan's own (a child's age said once "
        "for all items, read against each item's attributes).",
    )


class QueryPlan(BaseModel):
    """What one shopper turn asks for, standalone (earlier turns' constraints folded in)."""

    model_config = ConfigDict(extra="forbid")

    query: str = Field(
        description="A standalone search query for the catalog, without price or filter words."
    )
    filters: Filters = Field(default_factory=Filters, description="Hard constraints every product must meet.")
    preferences: list[str] = Field(
        default_factory=list,
        description="Soft preferences (e.g. 'quiet', 'lightweight') that rank, not filter.",
    )
    intent: Intent = "search"
    referenced_ids: list[str] = Field(
        default_factory=list,
        description="Products the shopper refers to (compare / question about a shown one).",
    )
    clarifying_question: str | None = Field(
        default=None, description="One question to ask when the request is too vague to search."
    )
    unknown_values: list[str] = Field(
        default_factory=list,
        description="Filter values the shopper asked for that the catalog does not carry.",
    )
    category_hint: str | None = Field(
        default=None,
        description="The kind of product guessed from the words (not a filter): whose schema the plan reads.",
    )
    sort: SortSpec | None = Field(
        default=None, description="Order by a field: 'the lightest', 'cheapest first'."
    )
    comparative: Comparative | None = Field(
        default=None, description="'lighter', 'warmer': better than the product shown last turn."
    )
    priors: list[str] = Field(
        default_factory=list, description="Constraints read from a use case ('for winter camping'), in words."
    )
    question: str | None = Field(
        default=None, description="product_question: the attribute key asked about ('weight_kg', 'price')."
    )
    asked: list[str] = Field(
        default_factory=list,
        max_length=12,
        description="product_question about a feature no attribute holds, in the shopper's words "
        "('oven', 'shoe compartment'): answered from each product's own listing text.",
    )
    items: list[ItemAsk] = Field(default_factory=list, description="A multi-item ask: one search per item.")
    total_budget: bool = Field(
        default=False,
        description="A multi-item ask's price cap is for all items together ('a tent and a bag, $300 in total').",
    )
    exclude_ids: list[str] = Field(
        default_factory=list,
        max_length=200,
        description="'Any others?', 'show me more': products already shown, left out of this search.",
    )
    relaxed: list[Relaxation] = Field(
        default_factory=list, description="Constraints the turn loosened because nothing met them."
    )


class ChatRequest(BaseModel):
    """One shopper message into the assistant."""

    model_config = ConfigDict(extra="forbid")

    message: str = Field(min_length=1, max_length=4000)
    session_id: str | None = Field(default=None, max_length=128)
    shopper_id: str | None = Field(default=None, max_length=128)
    filters: Filters | None = Field(
        default=None, description="Filters set in the UI; merged with the plan's."
    )


class FeedbackRequest(BaseModel):
    """A shopper's reaction to a shown product: thumbs, "not interested" or a click."""

    model_config = ConfigDict(extra="forbid")

    product_id: str = Field(min_length=1, max_length=256)
    kind: FeedbackKind
    session_id: str | None = Field(default=None, max_length=128)
    shopper_id: str | None = Field(default=None, max_length=128)
    turn_id: str | None = Field(default=None, max_length=128)


class ProductCard(BaseModel):
    """What a storefront shows of a product."""

    id: str
    title: str
    brand: str | None = None
    price: float | None = None
    currency: str = "USD"
    category: list[str] = Field(default_factory=list)
    color: str | None = None
    rating: float | None = None
    rating_count: int | None = None
    in_stock: bool = True
    image_url: str | None = None
    url: str | None = None
    attributes: dict[str, str] = Field(default_factory=dict)

    @classmethod
    def from_product(cls, p: Product) -> ProductCard:
        return cls(
            id=p.id,
            title=p.title,
            brand=p.brand,
            price=p.price,
            currency=p.currency,
            category=list(p.category),
            color=p.color,
            rating=p.rating,
            rating_count=p.rating_count,
            in_stock=p.in_stock,
            image_url=p.image_url,
            url=p.url,
            attributes=dict(p.attributes),
        )


class Recommendation(BaseModel):
    """A recommended product, its position and a reason grounded in its data."""

    rank: int = Field(ge=1)
    product: ProductCard
    reason: str
    score: float | None = None


class HistoryTurn(BaseModel):
    """One earlier message of the conversation, as the planner and the prompts see it."""

    role: Literal["user", "assistant"]
    content: str
    plan: QueryPlan | None = None
    shown_ids: list[str] = Field(default_factory=list)
    shown_prices: list[float] = Field(default_factory=list)


class Usage(BaseModel):
    """Token usage of one turn (all LLM calls), with an estimated cost for priced models."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    llm_calls: int = 0
    cost_usd: float | None = None

    def __add__(self, other: Usage) -> Usage:
        """Both calls' usage; the cost is known when either side's is."""
        costs = [c for c in (self.cost_usd, other.cost_usd) if c is not None]
        return Usage(
            prompt_tokens=self.prompt_tokens + other.prompt_tokens,
            completion_tokens=self.completion_tokens + other.completion_tokens,
            llm_calls=self.llm_calls + other.llm_calls,
            cost_usd=sum(costs) if costs else None,
        )


def _now() -> datetime:
    return datetime.now(UTC)


class _Event(BaseModel):
    session_id: str
    turn_id: str


class PlanEvent(_Event):
    type: Literal["plan"] = "plan"
    plan: QueryPlan


class ProductsEvent(_Event):
    """Sent as soon as ranking is done, before any LLM text."""

    type: Literal["products"] = "products"
    products: list[ProductCard]


class TokenEvent(_Event):
    type: Literal["token"] = "token"
    text: str


class RecommendationsEvent(_Event):
    type: Literal["recommendations"] = "recommendations"
    recommendations: list[Recommendation]


class DegradedEvent(_Event):
    """A stage fell back (LLM invalid output, timeout, backend down); the turn still completes."""

    type: Literal["degraded"] = "degraded"
    stage: str
    reason: str


class ComparisonRow(BaseModel):
    """One attribute across the compared products, and which one wins it (if any)."""

    attribute: str
    label: str
    values: list[str] = Field(description="One display value per compared product, in order ('' if none).")
    winner: int | None = Field(default=None, description="Index of the product that wins the row.")
    better: Literal["lower", "higher"] | None = None


class ComparisonEvent(_Event):
    """A side-by-side of the products the shopper asked to compare."""

    type: Literal["comparison"] = "comparison"
    products: list[ProductCard]
    rows: list[ComparisonRow]


class ErrorEvent(_Event):
    type: Literal["error"] = "error"
    code: str
    message: str


class DoneEvent(_Event):
    type: Literal["done"] = "done"
    message: str = Field(description="The assistant's full text for this turn.")
    timings_ms: dict[str, float] = Field(default_factory=dict)
    usage: Usage = Field(default_factory=Usage)
    prompt_versions: dict[str, str] = Field(default_factory=dict)
    llm: str = ""
    finished_at: datetime = Field(default_factory=_now)


ChatEvent = Annotated[
    PlanEvent
    | ProductsEvent
    | TokenEvent
    | RecommendationsEvent
    | ComparisonEvent
    | DegradedEvent
    | ErrorEvent
    | DoneEvent,
    Field(discriminator="type"),
]


class TurnResult(BaseModel):
    """A finished turn folded from its events: what non-streaming clients and scripts get."""

    session_id: str = ""
    turn_id: str = ""
    message: str = ""
    recommendations: list[Recommendation] = Field(default_factory=list)
    products: list[ProductCard] = Field(default_factory=list, description="Candidates shown before the text.")
    plan: QueryPlan | None = None
    timings_ms: dict[str, float] = Field(default_factory=dict)
    usage: Usage = Field(default_factory=Usage)
    degraded: list[DegradedEvent] = Field(default_factory=list)
    comparison: ComparisonEvent | None = None
    error: ErrorEvent | None = None
    prompt_versions: dict[str, str] = Field(default_factory=dict)
    llm: str = ""

    @classmethod
    def from_events(cls, events: Iterable[ChatEvent]) -> Self:
        result = cls()
        tokens: list[str] = []
        for event in events:
            result.session_id, result.turn_id = event.session_id, event.turn_id
            if isinstance(event, PlanEvent):
                result.plan = event.plan
            elif isinstance(event, ProductsEvent):
                result.products = event.products
            elif isinstance(event, TokenEvent):
                tokens.append(event.text)
            elif isinstance(event, RecommendationsEvent):
                result.recommendations = event.recommendations
            elif isinstance(event, DegradedEvent):
                result.degraded.append(event)
            elif isinstance(event, ComparisonEvent):
                result.comparison = event
            elif isinstance(event, ErrorEvent):
                result.error = event
            elif isinstance(event, DoneEvent):
                result.message = event.message
                result.timings_ms = event.timings_ms
                result.usage = event.usage
                result.prompt_versions = event.prompt_versions
                result.llm = event.llm
        result.message = result.message or "".join(tokens)
        return result

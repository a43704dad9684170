"""One shopper turn, end to end, as a stream of typed events.

message + history → plan → retrieve + rank (filters inside) → ``products`` → LLM rerank/reasons
(validated, with fallback) → streamed answer → ``recommendations`` → ``done``. The API and the UI
only render these events. The turn never fails because the LLM did: it falls back and says so in a
``degraded`` event.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

from assistant.errors import LLMError, NotFoundError
from assistant.explain import Explained, ExplainMode, M, StructuredCall, candidate_facts, explain
from assistant.plan import plan_turn
from assistant.responses import load_responses
from assistant.schemas import (
    ChatEvent,
    ChatRequest,
    DegradedEvent,
    DoneEvent,
    FeedbackRequest,
    HistoryTurn,
    PlanEvent,
    ProductCard,
    ProductsEvent,
    QueryPlan,
    Recommendation,
    RecommendationsEvent,
    TokenEvent,
    Usage,
)
from assistant.store import SessionStore
from assistant.tokens import TokenBudget, TokenCounter
from retrieval.catalog import Product
from retrieval.filters import Filters
from retrieval.products import Vocabulary
from retrieval.profile import ShopperProfile
from retrieval.search import Searcher, SearchRequest

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from assistant.settings import Settings
    from retrieval.components import Catalog
    from retrieval.embed import Embedder

__all__ = ["Assistant", "build_assistant"]

log = logging.getLogger(__name__)

_WORD_CHUNK = re.compile(r"\s*\S+\s*")


@dataclass
class _Turn:
    """Mutable bookkeeping of one turn (timings, usage, what was said)."""

    session_id: str
    turn_id: str
    timings: dict[str, float] = field(default_factory=dict)
    usage: Usage = field(default_factory=Usage)
    text: list[str] = field(default_factory=list)
    prompt_versions: dict[str, str] = field(default_factory=dict)

    @contextmanager
    def timed(self, stage: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[stage] = round((time.perf_counter() - start) * 1000, 2) + self.timings.get(
                stage, 0.0
            )

    def add_usage(self, more: Usage) -> None:
        self.usage = self.usage + more


def _price(value: float | None) -> str:
    return "" if value is None else f"${value:,.2f}"


class Assistant:
    """The conversational shopping assistant over one catalog. Thread-safe for concurrent turns."""

    def __init__(
        self,
        settings: Settings,
        *,
        catalog: Catalog,
        searcher: Searcher,
        store: SessionStore,
        chat_model: BaseChatModel,
        llm_description: str,
    ) -> None:
        self.settings = settings
        self.catalog = catalog
        self.searcher = searcher
        self.store = store
        self.chat_model = chat_model
        self.llm_description = llm_description

    # --- catalog knowledge ------------------------------------------------------------------------
    @cached_property
    def _vocabulary_cache(self) -> dict[int, Vocabulary]:
        return {}

    @property
    def vocabulary(self) -> Vocabulary:
        version = self.catalog.store.version()
        cache = self._vocabulary_cache
        if version not in cache:
            cache.clear()
            cache[version] = self.catalog.store.vocabulary()
        return cache[version]

    @property
    def explain_mode(self) -> ExplainMode:
        """``rerank`` for capable models, ``reasons`` for the embedded one (AISLE_LLM_RERANK decides)."""
        choice = self.settings.llm_rerank
        if choice == "off":
            return "reasons"
        if choice == "on":
            return "rerank"
        return "reasons" if self.settings.llm == "local" else "rerank"

    @property
    def llm_writes_answer(self) -> bool:
        return self.settings.llm != "local"

    # --- feedback --------------------------------------------------------------------------------
    def record_feedback(self, request: FeedbackRequest) -> str:
        """Store a thumbs / not-interested / click; returns the shopper key it was filed under.

        Anonymous sessions get a session-scoped shopper key, so feedback still shapes their next turns.
        """
        if self.catalog.store.get(request.product_id) is None:
            raise NotFoundError(f"no product {request.product_id!r} in the catalog")
        shopper = request.shopper_id
        if shopper is None and request.session_id is not None:
            shopper = self.store.get_session(request.session_id).shopper_id or _session_shopper(
                request.session_id
            )
        if shopper is None:
            raise NotFoundError("feedback needs a shopper_id or a session_id")
        self.store.record_feedback(shopper, request.product_id, request.kind, session_id=request.session_id)
        return shopper

    def profile(self, shopper_id: str | None) -> ShopperProfile:
        if not shopper_id:
            return ShopperProfile()
        return self.store.profile(shopper_id, self.catalog.store.get_many)

    # --- the turn ----------------------------------------------------------------------------------
    def chat(self, request: ChatRequest) -> Iterator[ChatEvent]:
        """Run one turn, yielding events; closing the generator stops the turn where it is."""
        session_id = self.store.ensure_session(request.session_id, request.shopper_id)
        shopper_id = (
            request.shopper_id
            or self.store.get_session(session_id).shopper_id
            or _session_shopper(session_id)
        )
        turn = _Turn(session_id=session_id, turn_id=uuid.uuid4().hex)
        started = time.perf_counter()
        ids = {"session_id": session_id, "turn_id": turn.turn_id}

        with turn.timed("history"):
            history = self.store.history(session_id, limit=self.settings.history_turns)
        with turn.timed("plan"):
            plan, plan_problem = self._plan(turn, request, history)
        searching = plan.intent not in {"chit_chat", "clarify", "out_of_catalog"}
        candidates: list[Product] = []
        if searching:
            profile = self.profile(shopper_id)
            with turn.timed("retrieve_rank"):
                plan, candidates = self._retrieve(turn, plan, profile)
        yield PlanEvent(**ids, plan=plan)
        if plan_problem:
            yield DegradedEvent(**ids, stage="plan", reason=plan_problem[:1000])

        shown: list[Product] = []
        explained: Explained | None = None
        if not searching:
            yield from self._say(turn, self._canned(plan))
        else:
            if not candidates:
                yield ProductsEvent(**ids, products=[])
                yield from self._say(turn, self._nothing_found(plan))
            else:
                n = self.settings.recommendations
                yield ProductsEvent(**ids, products=[ProductCard.from_product(p) for p in candidates[:n]])
                with turn.timed("explain"):
                    explained = self._explain(turn, candidates, plan, request.message)
                if explained.degraded:
                    yield DegradedEvent(**ids, stage="explain", reason="; ".join(explained.problems)[:1000])
                shown = explained.products
                yield from self._answer(turn, plan, explained)
                yield RecommendationsEvent(
                    **ids,
                    recommendations=[
                        Recommendation(rank=i + 1, product=ProductCard.from_product(p), reason=r)
                        for i, (p, r) in enumerate(zip(explained.products, explained.reasons, strict=True))
                    ],
                )
        turn.timings["total"] = round((time.perf_counter() - started) * 1000, 2)
        message = "".join(turn.text)
        self.store.append_turn(
            session_id,
            turn_id=turn.turn_id,
            user=request.message,
            assistant=message,
            plan=plan,
            shown_ids=[p.id for p in shown],
            shown_prices=[p.price for p in shown if p.price is not None],
            prompt_versions=turn.prompt_versions,
            timings_ms=turn.timings,
            usage=turn.usage,
            llm=self.llm_description,
        )
        yield DoneEvent(
            **ids,
            message=message,
            timings_ms=turn.timings,
            usage=turn.usage,
            prompt_versions=turn.prompt_versions,
            llm=self.llm_description,
        )

    # --- stages ------------------------------------------------------------------------------------
    def _plan(
        self, turn: _Turn, request: ChatRequest, history: list[HistoryTurn]
    ) -> tuple[QueryPlan, str | None]:
        """The turn's plan, and why the LLM's part fell back (``None`` when it did not)."""
        previous = next((h.plan for h in reversed(history) if h.plan is not None), None)
        llm_plan, problem = None, None
        if self.llm_plans:
            try:
                llm_plan = self._llm_plan(turn, request.message, history)
            except LLMError as exc:
                log.warning("LLM planning fell back to the parser: %s", exc)
                problem = f"LLM planning failed ({exc}); used the deterministic parser"
        plan = plan_turn(request.message, history, self.vocabulary, previous=previous, llm_plan=llm_plan)
        if request.filters is not None and not request.filters.is_empty():
            merged = plan.filters.model_dump() | {
                k: v for k, v in request.filters.model_dump().items() if v not in (None, [], {})
            }
            plan = plan.model_copy(update={"filters": Filters.model_validate(merged)})
        if self._outside_catalog(plan, previous):
            plan = plan.model_copy(update={"intent": "out_of_catalog"})
        return plan, problem

    def _llm_plan(self, turn: _Turn, message: str, history: list[HistoryTurn]) -> QueryPlan:
        budget = self._budget()
        counter = self._counter()
        kept = budget.fit(
            "history", history, lambda h: f"{h.role}: {h.content}", counter=counter, keep="last"
        )
        shown = next((h.shown_ids for h in reversed(history) if h.shown_ids), [])
        categories = sorted(
            (key.split(":", 1)[1] for key in self.vocabulary.counts if key.startswith("category:")),
            key=lambda c: -self.vocabulary.counts[f"category:{c}"],
        )[:40]
        reply, _ = self._call(turn)(
            "plan",
            {
                "history": "\n".join(f"{h.role}: {h.content}" for h in kept) or "(none)",
                "shown": ", ".join(shown) or "(none)",
                "message": message,
                "categories": ", ".join(self.vocabulary.categories[c] for c in categories),
            },
            QueryPlan,
        )
        return reply

    def _outside_catalog(self, plan: QueryPlan, previous: QueryPlan | None) -> bool:
        """A request whose product noun no product text contains: the store does not carry it (say
        so instead of showing unrelated products). For a follow-up, only the words it adds count."""
        if plan.intent not in {"search", "refine"}:
            return False
        lexical = self.catalog.lexical()
        words = [t for t in lexical.terms(plan.query) if t.isalpha()]
        if plan.intent == "refine" and previous is not None:
            before = set(lexical.terms(previous.query))
            words = [t for t in words if t not in before]
        else:
            f = plan.filters
            if f.categories or f.brands or f.attributes or f.colors:
                return False
        if not words or lexical.knows(words[-1]):
            return False
        # No product text has the word; the embedding may still know it ("firestick" ~ "Fire TV Stick").
        asked = " ".join(words) if plan.intent == "refine" and previous is not None else plan.query
        nearest = self.catalog.index.query(self.catalog.embedder.embed_query(asked), 1)
        return not nearest or nearest[0][1] < self.settings.out_of_catalog_similarity

    @property
    def llm_plans(self) -> bool:
        choice = self.settings.llm_plan
        return choice == "on" or (choice == "auto" and self.settings.llm == "openai")

    def _budget(self) -> TokenBudget:
        window = (
            self.settings.local_n_ctx if self.settings.llm == "local" else self.settings.llm_context_window
        )
        reserve = min(self.settings.llm_max_tokens, window // 2)
        prompt = window - reserve
        return TokenBudget(
            context_window=window,
            reserved_completion=reserve,
            sections={"history": prompt // 4, "candidates": (prompt * 5) // 8},
        )

    def _counter(self) -> TokenCounter:
        from assistant.llm import token_counter

        return token_counter(self.chat_model)

    def _retrieve(
        self, turn: _Turn, plan: QueryPlan, profile: ShopperProfile
    ) -> tuple[QueryPlan, list[Product]]:
        """Filtered hybrid search and ranking.

        Categories the planner inferred from the shopper's nouns are its guess, not the shopper's
        constraint, and real catalogs file products unevenly ("hat" under "Caps & Hats",
        "Novelty", ...). When the category leaves fewer products than a full answer, it is widened:
        the other filters stay, and only products that still are what was asked for (the category's
        word in their title or category path) are added; the plan then shows the category dropped.
        """
        text = _search_text(plan)

        def run(filters: Filters) -> list[Product]:
            result = self.searcher.search(
                SearchRequest(
                    query=text,
                    filters=filters,
                    preferences=plan.preferences,
                    exclude_ids=list(profile.disliked_ids),
                    profile=profile,
                    k=self.settings.rerank_depth,
                )
            )
            for stage, ms in result.timings_ms.items():
                turn.timings[f"search.{stage}"] = turn.timings.get(f"search.{stage}", 0.0) + ms
            return [c.product for c in result.candidates]

        candidates = run(plan.filters)
        if len(candidates) < self.settings.recommendations and plan.filters.categories and plan.query:
            relaxed = plan.filters.model_copy(update={"categories": []})
            lexical = self.catalog.lexical()
            wanted = set(lexical.terms(" ".join(plan.filters.categories)))
            wider = [
                p for p in run(relaxed) if wanted & set(lexical.terms(f"{p.title} {' '.join(p.category)}"))
            ]
            if len(wider) > len(candidates):
                candidates = wider
                plan = plan.model_copy(update={"filters": relaxed})
        return plan, candidates

    def _call(self, turn: _Turn) -> StructuredCall:
        from assistant.llm import structured
        from prompts import load_prompt

        def call(name: str, variables: dict[str, str], schema: type[M], /) -> tuple[M, Usage]:
            prompt = load_prompt(name, self.settings.prompt_versions.get(name))
            turn.prompt_versions[prompt.name] = str(prompt.version)
            reply, usage = structured(
                self.chat_model, prompt.render(**variables), schema, timeout_s=self.settings.llm_timeout_s
            )
            turn.add_usage(usage)
            return reply, usage

        return call

    def _explain(self, turn: _Turn, candidates: list[Product], plan: QueryPlan, message: str) -> Explained:
        mode = self.explain_mode
        depth = candidates
        if mode == "rerank":
            depth = self._budget().fit(
                "candidates",
                candidates[: self.settings.rerank_depth],
                candidate_facts,
                counter=self._counter(),
            )
            turn.timings["rerank_candidates"] = float(len(depth))
        return explain(
            depth or candidates[:1],
            plan,
            mode=mode,
            call=self._call(turn),
            n=self.settings.recommendations,
            vocabulary=self.vocabulary,
            shopper_text=message,
            llm_reasons=self.settings.local_reasons if self.settings.llm == "local" else None,
        )

    def _say(self, turn: _Turn, text: str) -> Iterator[ChatEvent]:
        for piece in _WORD_CHUNK.findall(text):
            turn.text.append(piece)
            yield TokenEvent(session_id=turn.session_id, turn_id=turn.turn_id, text=piece)

    def _answer(self, turn: _Turn, plan: QueryPlan, explained: Explained) -> Iterator[ChatEvent]:
        responses = load_responses()
        turn.prompt_versions[responses.name] = str(responses.version)
        if self.llm_writes_answer:
            from assistant.llm import stream_text
            from prompts import load_prompt

            prompt = load_prompt("answer", self.settings.prompt_versions.get("answer"))
            turn.prompt_versions[prompt.name] = str(prompt.version)
            lines = [
                f"{i + 1}. {p.title} ({_price(p.price) or 'price n/a'}): {r}"
                for i, (p, r) in enumerate(zip(explained.products, explained.reasons, strict=True))
            ]
            messages = prompt.render(request=_describe(plan), recommendations="\n".join(lines))
            stream = stream_text(self.chat_model, messages)
            try:
                with turn.timed("answer"):
                    for piece in stream:
                        turn.text.append(piece)
                        yield TokenEvent(session_id=turn.session_id, turn_id=turn.turn_id, text=piece)
            except LLMError as exc:
                log.warning("answer stream failed: %s", exc)
                yield DegradedEvent(
                    session_id=turn.session_id, turn_id=turn.turn_id, stage="answer", reason=str(exc)[:500]
                )
                if not turn.text:
                    yield from self._say(turn, self._results_text(plan, explained))
            if stream.usage is not None:
                turn.add_usage(stream.usage)
        else:
            yield from self._say(turn, self._results_text(plan, explained))
        if plan.unknown_values:
            yield from self._say(
                turn, " " + responses.render("unknown_values", values=", ".join(plan.unknown_values))
            )

    # --- deterministic replies -----------------------------------------------------------------------
    def _examples(self) -> str:
        vocab = self.vocabulary
        leaves = sorted(
            ((count, key) for key, count in vocab.counts.items() if key.startswith("category:")), reverse=True
        )
        names = [vocab.categories[key.split(":", 1)[1]] for _, key in leaves[:12]]
        return ", ".join(n.lower() for n in names[-3:]) if names else "what you need"

    def _canned(self, plan: QueryPlan) -> str:
        r = load_responses()
        if plan.intent == "clarify":
            return r.render("clarify", question=plan.clarifying_question or "What are you shopping for?")
        if plan.intent == "out_of_catalog":
            return r.render("out_of_catalog", query=plan.query or "that", examples=self._examples())
        return r.render("chit_chat", examples=self._examples())

    def _results_text(self, plan: QueryPlan, explained: Explained) -> str:
        r = load_responses()
        top = explained.products[0]
        pick = (
            r.render("top_pick", title=top.title, price=_price(top.price))
            if top.price is not None
            else r.render("top_pick_no_price", title=top.title)
        )
        text = r.render(
            "results",
            count=len(explained.products),
            query=plan.query,
            constraints=_constraints(plan),
            top_pick=pick,
        )
        if plan.unknown_values:
            text += " " + r.render("unknown_values", values=", ".join(plan.unknown_values))
        return text

    def _nothing_found(self, plan: QueryPlan) -> str:
        r = load_responses()
        f = plan.filters
        if f.price_max is not None or f.price_min is not None:
            relaxed = f.model_copy(update={"price_max": None, "price_min": None})
            result = self.searcher.search(SearchRequest(query=plan.query, filters=relaxed, k=50))
            prices = [c.product.price for c in result.candidates if c.product.price is not None]
            if prices:
                text = r.render(
                    "no_results_price",
                    query=plan.query,
                    constraints=_constraints(plan),
                    cheapest=_price(min(prices)),
                )
                return text
        text = r.render("no_results", query=plan.query, constraints=_constraints(plan))
        if plan.unknown_values:
            text += " " + r.render("unknown_values", values=", ".join(plan.unknown_values))
        return text


def _search_text(plan: QueryPlan) -> str:
    """What the retrievers read: the plan's query plus the words of its brand, color and category
    values (they are filters too, but matching them in text also ranks the closest products first)."""
    words = plan.query.split()
    seen = {w.casefold() for w in words}
    f = plan.filters
    for value in [*f.brands, *f.colors, *f.categories]:
        for word in value.split():
            if word.casefold() not in seen:
                seen.add(word.casefold())
                words.append(word)
    return " ".join(words)


def _session_shopper(session_id: str) -> str:
    """The shopper key of an anonymous session."""
    return f"session:{session_id}"


def _constraints(plan: QueryPlan) -> str:
    f = plan.filters
    bits: list[str] = []
    if f.price_min is not None and f.price_max is not None:
        bits.append(f"between ${f.price_min:,.0f} and ${f.price_max:,.0f}")
    elif f.price_max is not None:
        bits.append(f"under ${f.price_max:,.0f}")
    elif f.price_min is not None:
        bits.append(f"over ${f.price_min:,.0f}")
    if f.brands:
        bits.append("from " + " or ".join(b.title() for b in f.brands))
    if f.exclude_brands:
        bits.append("not from " + " or ".join(b.title() for b in f.exclude_brands))
    if f.colors:
        bits.append("in " + " or ".join(f.colors))
    bits.extend(f"with {k.replace('_', ' ')} {v}" for k, v in f.attributes.items())
    return (" " + ", ".join(bits)) if bits else ""


def _describe(plan: QueryPlan) -> str:
    text = plan.query + _constraints(plan)
    if plan.preferences:
        text += "; prefers " + ", ".join(plan.preferences)
    return text


def build_assistant(
    settings: Settings,
    *,
    chat_model: BaseChatModel | None = None,
    embedder: Embedder | None = None,
    catalog: Catalog | None = None,
) -> Assistant:
    """The assistant for ``settings``; inject ``chat_model``/``embedder``/``catalog`` in tests."""
    from assistant.llm import describe, make_chat_model
    from retrieval.components import open_catalog

    catalog = catalog or open_catalog(settings, embedder=embedder)
    model = chat_model if chat_model is not None else make_chat_model(settings)
    description = describe(settings) if chat_model is None else f"{settings.llm}: {type(chat_model).__name__}"
    return Assistant(
        settings,
        catalog=catalog,
        searcher=Searcher(catalog),
        store=SessionStore(settings.store_db),
        chat_model=model,
        llm_description=description,
    )

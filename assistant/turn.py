"""One shopper turn, end to end, as a stream of typed events.

message + history → plan → retrieve + rank (filters inside) → ``products`` → LLM rerank/reasons
(validated, with fallback) → streamed answer → ``recommendations`` → ``done``. The API and the UI
only render these events. The turn never fails because the LLM did: it falls back and says so in a
``degraded`` event. Every LLM call of a turn draws from one time budget (``AISLE_TURN_BUDGET_S``) and
goes through the assistant's circuit breaker; once the budget is spent or while the circuit is open,
the remaining LLM steps are skipped and the turn finishes from catalog facts.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from functools import cache, cached_property, lru_cache
from typing import TYPE_CHECKING, TypeVar, cast

import numpy as np

from assistant.answers import (
    answer_question,
    compare_summary,
    constraints_text,
    relaxation_text,
    results_text,
)
from assistant.compose import compare_rows
from assistant.errors import LLMError, NotFoundError
from assistant.explain import (
    Explained,
    ExplainMode,
    M,
    StructuredCall,
    candidate_facts,
    explain,
    model_title,
)
from assistant.exposure import Exposure
from assistant.llm.circuit import CircuitBreaker
from assistant.llm.deadline import Deadline
from assistant.llm.failures import classify, describe_failure
from assistant.llm.profile import ModelProfile, model_profile
from assistant.plan import Dropped, ModelPlan, plan_turn
from assistant.plan.asked import without_names
from assistant.plan.brand_family import BrandFamilies, with_brand_families
from assistant.plan.catalog_stage import ShownContext, apply_schema, people_words
from assistant.plan.described import DescribedKinds
from assistant.plan.feature_scope import scoped_to_feature
from assistant.plan.kind_family import kind_in_context, name_words
from assistant.plan.kind_sense import same_head_kinds, sense_of_head
from assistant.plan.named_products import chosen_between, named_as_choice, named_in_catalog, named_variants
from assistant.plan.planner import (
    asks,
    asks_if_sold,
    asks_vaguely,
    describes,
    is_pro_form,
    kind_words,
    kinds_used_with,
    normalize_message,
    product_kind,
    product_phrase,
    spelled_out,
)
from assistant.plan.recalled import recalled_answer
from assistant.plan.semantics import (
    adult_words,
    excluded_for_use,
    for_a_child,
    lexicons,
    said_quantities,
    use_phrase_spans,
)
from assistant.plan.shorthand import spelling_variants, with_apostrophes
from assistant.plan.text import COLOR_WORDS, FILLER_WORDS, singular, tokenize
from assistant.plan.text_words import part_of_kind, sizes_asked, with_text_words
from assistant.plan.typos import english_words
from assistant.plan.unread import unread_feature
from assistant.plan.vocab import matcher_for, negated_words
from assistant.plan.word_class import word_classes
from assistant.responses import load_responses
from assistant.schemas import (
    ChatEvent,
    ChatRequest,
    ComparisonEvent,
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
from assistant.store import SessionStore, open_session_store
from assistant.tokens import TokenBudget, TokenCounter
from retrieval.catalog import Product, norm
from retrieval.diversity import dedupe_variants
from retrieval.filters import Filters, combine, matches
from retrieval.products import Vocabulary
from retrieval.profile import ShopperProfile
from retrieval.relax import LEVEL_FIELD, TEXT_FIELD, Relaxation, RelaxedSearch, asked_fields, search_relaxed
from retrieval.schema import PRODUCT_FIELDS, CatalogSchema, field_number
from retrieval.search import Searcher, SearchRequest
from retrieval.text import analyze

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from assistant.settings import Settings
    from retrieval.components import Catalog
    from retrieval.embed import Embedder

__all__ = ["Assistant", "build_assistant"]

log = logging.getLogger(__name__)

_WORD_CHUNK = re.compile(r"\s*\S+\s*")


_SOMEONE_SAID = re.compile(r"\b(?:he|she|him|her|his|hers|he's|she's|hes|shes)\b")
"""A person pointed back at ("he also needs …"): whoever an earlier turn shopped for."""


@dataclass
class _Turn:
    """Mutable bookkeeping of one turn (timings, usage, what was said)."""

    session_id: str
    turn_id: str
    deadline: Deadline = field(default_factory=Deadline.unlimited)
    """The turn's time budget for the model: every LLM call draws from it (AISLE_TURN_BUDGET_S)."""
    timings: dict[str, float] = field(default_factory=dict)
    usage: Usage = field(default_factory=Usage)
    text: list[str] = field(default_factory=list)
    prompt_versions: dict[str, str] = field(default_factory=dict)
    message: str = ""
    said: str = ""
    """The message as the planner reads it (shorthand spelled out, typos corrected, numbers as digits)."""

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


@lru_cache(maxsize=4096)
def _name_words(name: str) -> frozenset[str]:
    """The words of a name, singular ("Hats & Caps": hat, cap)."""
    return frozenset(singular(w) for w in re.findall(r"[a-z]+", name.lower()))


def _head_word(kind: str) -> str:
    """The last word of the phrase that names a product, singular ("new rotors": rotor)."""
    words = kind.split()
    return singular(words[-1]) if words else ""


_ACTED_ON_SKIP = frozenset(
    {"the", "a", "an", "my", "our", "his", "her", "their", "your", "its", "all", "some", "these"}
    | {"those", "this", "that", "up", "out", "through", "thru"}
)
_ASK_VERBS = frozenset(
    {"need", "want", "get", "buy", "find", "have", "like", "love", "show", "sell", "carry", "recommend"}
    | {"suggest", "order", "purchase", "pick", "grab", "gift", "give", "getting", "buying", "finding"}
)


def _acted_on(message: str, kind: str) -> bool:
    """Whether every time ``message`` says the head of ``kind`` it is what a verb other than one of
    asking acts on ("eating the furniture", "chewed up my shoes", "chewing the legs of my office
    chair"; not "need a new tent"): the trouble told, not the product asked for. A verb here is a
    word only ever a verb, or a verb's -ing/-ed form."""
    head = _head_word(kind)
    own = set(kind.lower().split())
    tokens = tokenize(message)
    seen = False
    for i, token in enumerate(tokens):
        if singular(token.text) != head:
            continue
        seen = True
        j = i - 1
        while j >= 0 and (tokens[j].text in _ACTED_ON_SKIP or tokens[j].text in own):
            j -= 1
        if j >= 1 and tokens[j].text == "of":
            # "the legs of my office chair": the part is what the verb acts on, the whole with it
            j -= 1
            while j >= 0 and i - j < 6 and not _verb_form(tokens[j].text):
                j -= 1
        if j < 0 or not _verb_form(tokens[j].text) or {tokens[j].text, tokens[j].stem} & _ASK_VERBS:
            return False
    return seen


def _one_per_family(products: list[Product], message: str) -> list[Product]:
    """The products a comparison names, one per family of variants ("the r7 and the r9": one R7, not
    its black and its white; "the large orthopedic and the large donut": the Large, not the X-Large
    "large" is part of): within a family, the variants whose own value of what sets them apart
    (their color, size …) the message says as a whole word, else the first. A comparison of one
    family's variants ("the black one and the white one") keeps them all."""
    families: dict[str, list[Product]] = {}
    for p in products:
        families.setdefault(p.attributes.get("variant_of") or p.id, []).append(p)
    if len(families) < 2 or all(len(f) == 1 for f in families.values()):
        return products
    said = " " + re.sub(r"[^a-z0-9-]+", " ", message.lower()) + " "

    def values(p: Product) -> dict[str, str]:
        return {**{k: str(v) for k, v in p.attributes.items() if k != "variant_of"}, "color": p.color or ""}

    kept: list[Product] = []
    for family in families.values():
        if len(family) == 1:
            kept += family
            continue
        own = [values(p) for p in family]
        differing = [k for k in own[0] if len({v.get(k, "") for v in own}) > 1]
        named = [(p, v) for p, v in zip(family, own, strict=True) if _says_a_value(said, v, differing)]
        # ("the x-large orthopedic against the large donut": "large" said whole is the donut's; a
        # value inside another variant's value said is that one's)
        longer = [
            (p, v)
            for p, v in named
            if not any(
                o is not p and v[k] and v[k].lower() in w[k].lower() and v[k] != w[k]
                for o, w in named
                for k in differing
            )
        ]
        kept += [p for p, _ in longer] or family[:1]
    return kept


def _says_a_value(said: str, values: dict[str, str], keys: Sequence[str]) -> bool:
    """Whether ``said`` holds one of ``values`` of ``keys`` as a whole word ("large", not the "large"
    of "x-large")."""
    return any(
        values.get(k) and re.search(rf"(?<![\w-]){re.escape(values[k].lower())}(?![\w-])", said) for k in keys
    )


def _verb_form(word: str) -> bool:
    classes = word_classes(word)
    return "VERB" in classes and ("NOUN" not in classes or word.endswith(("ing", "ed")))


_Index = TypeVar("_Index", "_TitleCategories", DescribedKinds, BrandFamilies)
_Built = TypeVar("_Built")


def _spelled_within(kind: str, name: str) -> bool:
    """Whether a word of a category's name is spelled inside a word of ``kind`` or the other way round
    ("snowmobile" and Snow Boots): what makes the two near may be the letters, not the meaning."""
    said = re.findall(r"[a-z]+", kind.lower())
    named = [w for w in re.findall(r"[a-z]+", name.lower()) if len(w) >= 3]
    return any(n in w or (len(w) >= 3 and w in n) for w in said for n in named)


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
        llm_circuit: CircuitBreaker | None = None,
    ) -> None:
        self.settings = settings
        self.catalog = catalog
        self.searcher = searcher
        self.store = store
        self.chat_model = chat_model
        self.llm_description = llm_description
        self.llm_circuit = llm_circuit or CircuitBreaker(
            failures=settings.llm_breaker_failures, cooldown_s=settings.llm_breaker_cooldown_s
        )
        """Shared by every turn: after repeated failures turns skip the model until a probe succeeds."""

    # --- catalog knowledge ------------------------------------------------------------------------
    @property
    def vocabulary(self) -> Vocabulary:
        """The catalog's own words for filter values, at the served release."""
        return self.searcher.snapshot().vocabulary

    @property
    def schema(self) -> CatalogSchema:
        """The catalog's schema (attributes per category, with units), at the served version."""
        return self.searcher.snapshot().schema

    def _per_version(self, key: str, build: Callable[[int, list[Product]], _Index]) -> _Index:
        """An index of the catalog's products, built once per served catalog version."""
        snap = self.searcher.snapshot()
        cached = self.__dict__.get(key)
        if cached is None or cached.version != snap.version:
            cached = build(snap.version, snap.products)
            self.__dict__[key] = cached
        return cached  # type: ignore[no-any-return]

    def _title_categories(self) -> _TitleCategories:
        """Which leaf categories the products whose titles hold a word are filed under (per version)."""
        return self._per_version("_title_index", _TitleCategories.build)

    @cached_property
    def exposure(self) -> Exposure:
        """Serve-time randomization for learning from clicks (off unless AISLE_EXPOSURE_* rates are set)."""
        return Exposure(self.settings, self.store, self.searcher)

    @cached_property
    def model_profile(self) -> ModelProfile:
        return model_profile(self.settings)

    @property
    def explain_mode(self) -> ExplainMode:
        """``rerank`` when the model may reorder the ranker's top candidates, else ``reasons``."""
        return "rerank" if self.model_profile.reranks else "reasons"

    @property
    def llm_writes_answer(self) -> bool:
        return self.model_profile.writes_answer

    # --- feedback --------------------------------------------------------------------------------
    def record_feedback(self, request: FeedbackRequest) -> str:
        """Store a thumbs / not-interested / click; returns the shopper key it was filed under.

        Anonymous sessions get a session-scoped shopper key, so feedback still shapes their next turns.
        """
        if request.product_id not in self.searcher.snapshot().position:
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
        typed = request.message
        # "i dont want nike", "theyre four and six": read as "don't", "they're" by every rule; the
        # session keeps what the shopper typed
        request = request.model_copy(update={"message": with_apostrophes(typed)})
        session_id = self.store.ensure_session(request.session_id, request.shopper_id)
        shopper_id = (
            request.shopper_id
            or self.store.get_session(session_id).shopper_id
            or _session_shopper(session_id)
        )
        turn = _Turn(
            session_id=session_id,
            turn_id=uuid.uuid4().hex,
            deadline=Deadline(self.settings.turn_budget_s),
            message=request.message,
        )
        started = time.perf_counter()
        ids = {"session_id": session_id, "turn_id": turn.turn_id}

        with turn.timed("history"):
            history = self.store.history(session_id, limit=self.settings.history_turns)
            recalled = self._recalled(request.message, history)
            if recalled is not None:
                # "how much was the first tent?" after sleeping bags: the tents, as if shown last
                history = history[: recalled + 1]
            previous_shown = self._previously_shown(history)
        with turn.timed("plan"):
            plan, plan_problem = self._plan(turn, request, history, previous_shown)

        shown: list[Product] = []
        explained: Explained | None = None
        if plan.intent in ("compare", "product_question") and plan.referenced_ids:
            shown = self._referenced(plan, previous_shown)
            if plan.intent == "compare":
                shown = _one_per_family(shown, request.message)
            if plan.asked and (named := without_names(plan.asked, request.message, shown)) != plan.asked:
                # "the corelle one, what does it go for": its name, read against the product asked
                # about (shown in an earlier answer too), is no feature of it
                plan = plan.model_copy(update={"asked": named})
            if plan.intent == "product_question" and plan.sort is not None:
                # "which has the best reviews?": the answer's order, its winner first (what a later
                # "cheaper than that one" points at)
                plan = plan.model_copy(update={"referenced_ids": [p.id for p in shown]})
            yield PlanEvent(**ids, plan=plan)
            if plan_problem:
                yield DegradedEvent(**ids, stage="plan", reason=plan_problem[:1000])
            yield ProductsEvent(**ids, products=[ProductCard.from_product(p) for p in shown])
            responses = load_responses()
            turn.prompt_versions[responses.name] = str(responses.version)
            if plan.intent == "compare" and len(shown) >= 2:
                rows = compare_rows(shown, self.schema)
                yield ComparisonEvent(**ids, products=[ProductCard.from_product(p) for p in shown], rows=rows)
                text = compare_summary(responses, shown, rows)
            else:
                explicit = set(plan.referenced_ids) != {p.id for p in previous_shown} or len(shown) == 1
                text = answer_question(
                    responses, plan, shown, self.schema, all_shown=not explicit, sayable=self._known
                )
            yield from self._say(turn, text)
            explained = explain(
                shown,
                plan,
                mode="off",
                call=None,
                n=len(shown),
                vocabulary=self.vocabulary,
                shopper_text=request.message,
                schema=self.schema,
            )
            yield RecommendationsEvent(**ids, recommendations=self._recommendations(explained))
        else:
            searching = plan.intent not in {
                "chit_chat",
                "clarify",
                "out_of_catalog",
                "compare",
                "product_question",
            }
            candidates: list[Product] = []
            if searching:
                profile = self.profile(shopper_id)
                with turn.timed("retrieve_rank"):
                    previous_plan = next((h.plan for h in reversed(history) if h.plan is not None), None)
                    # ("the cheapest white one": a sort over every white one, not the shown one's variant)
                    variants = (
                        self._variants_asked(plan, previous_shown, request.message, previous_plan)
                        if plan.sort is None
                        else []
                    )
                    if variants:
                        # the shown products' own variants first, then others of the kind that
                        # meet the ask ("do any of them come in black? our fridge is black")
                        searched, found = (
                            (plan, [])
                            if _ONE.search(request.message.lower())  # "the black one": that variant
                            else self._retrieve(turn, plan, profile, previous_plan, previous_shown)
                        )
                        kinds = {v.category[-1] for v in variants if v.category}
                        others = (
                            []
                            if len(searched.relaxed) > len(plan.relaxed)
                            else [p for p in found if p.category and p.category[-1] in kinds]
                        )
                        n = max(self.settings.recommendations, len(variants))
                        candidates = [*variants, *(p for p in others if p not in variants)][:n]
                    else:
                        plan, candidates = self._retrieve(turn, plan, profile, previous_plan, previous_shown)
                        candidates = self._among_named(plan, request.message, previous_shown) or candidates
                        candidates = self.exposure.serve(
                            turn.turn_id, _search_text(plan), plan.filters, candidates
                        )
            elif plan.intent in ("compare", "product_question"):
                plan = plan.model_copy(update={"intent": "clarify", "clarifying_question": _NOTHING_SHOWN})
            yield PlanEvent(**ids, plan=plan)
            if plan_problem:
                yield DegradedEvent(**ids, stage="plan", reason=plan_problem[:1000])
            if not searching:
                yield from self._say(turn, self._canned(plan))
            elif not candidates:
                yield ProductsEvent(**ids, products=[])
                yield from self._say(turn, self._nothing_found(plan))
            else:
                n = self.settings.recommendations
                first = candidates[:n]
                yield ProductsEvent(**ids, products=[ProductCard.from_product(p) for p in first])
                with turn.timed("explain"):
                    explained = self._explain(turn, candidates, plan, request.message)
                if explained.degraded:
                    yield DegradedEvent(**ids, stage="explain", reason="; ".join(explained.problems)[:1000])
                shown = explained.products
                yield from self._answer(turn, plan, explained, previous_shown)
                yield RecommendationsEvent(**ids, recommendations=self._recommendations(explained))
        turn.timings["total"] = round((time.perf_counter() - started) * 1000, 2)
        message = "".join(turn.text)
        if plan.intent == "compare" and len(shown) >= 2:
            # what was compared, as the history keeps it: "which of the two …" next means these
            plan = plan.model_copy(update={"referenced_ids": [p.id for p in shown]})
        if plan.intent in ("compare", "product_question") and {p.id for p in shown} <= {
            p.id for p in previous_shown
        }:
            # A question about one or two of the products keeps the list the shopper is looking at:
            # "compare the first two" after "how heavy is the second one?" means that list's first two,
            # and "which runs longest?" answers in its own order without reordering the list.
            shown = previous_shown
        self.store.append_turn(
            session_id,
            turn_id=turn.turn_id,
            user=typed,
            assistant=message,
            plan=plan,
            shown_ids=[p.id for p in shown],
            shown_prices=[p.price if p.price is not None else 0.0 for p in shown],
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

    @staticmethod
    def _recommendations(explained: Explained) -> list[Recommendation]:
        return [
            Recommendation(rank=i + 1, product=ProductCard.from_product(p), reason=r)
            for i, (p, r) in enumerate(zip(explained.products, explained.reasons, strict=True))
        ]

    def _products(self, ids: Iterable[str]) -> list[Product]:
        """The catalog's products for ``ids``, in that order, those it still has."""
        snap = self.searcher.snapshot()
        return [snap.products[snap.position[i]] for i in ids if i in snap.position]

    def _per_schema(self, key: str, build: Callable[[], _Built]) -> _Built:
        """``build()``, once per catalog schema (built again when a new catalog version brings one)."""
        cached = self.__dict__.get(key)
        if cached is None or cached[0] is not self.schema:
            cached = (self.schema, build())
            self.__dict__[key] = cached
        return cast("_Built", cached[1])

    def _previously_shown(self, history: list[HistoryTurn]) -> list[Product]:
        """The products shown last (in shown order), as the catalog has them now."""
        return self._products(next((h.shown_ids for h in reversed(history) if h.shown_ids), []))

    def _recalled(self, message: str, history: list[HistoryTurn]) -> int | None:
        """The earlier answer whose list the message points back at by its products' kind
        (:func:`assistant.plan.recalled.recalled_answer`), as an index into ``history``."""
        if sum(1 for h in history if h.shown_ids) < 2:
            return None
        index = self._title_categories()
        kinds = self._kind_words_of_leaves()

        def of_name(word: str) -> set[str]:
            return kinds.get(word, set())

        def named_kinds(word: str) -> set[str]:
            # a noun titles name the products by ("fridge" of Compact Refrigerators), not a word
            # that describes them ("wireless")
            classes = word_classes(word)
            titled = "NOUN" in classes and "ADJ" not in classes
            return of_name(word) | ({norm(leaf) for leaf, _ in index.get_counts(word)} if titled else set())

        said = {
            norm(m.value)
            for m in matcher_for(self.vocabulary).find(tokenize(message))
            if m.kind == "category" and not m.negated
        }
        return recalled_answer(
            message, history, self._products, named_kinds, said, self.schema.above, of_name
        )

    def _kind_words_of_leaves(self) -> dict[str, set[str]]:
        """Each kind word of a leaf category's name (:func:`level_kinds`, singular) → those leaves;
        built once per schema."""

        def build() -> dict[str, set[str]]:
            table: dict[str, set[str]] = {}
            for leaf in self.schema.categories:
                for word in level_kinds(self.vocabulary.categories.get(leaf, leaf)):
                    table.setdefault(singular(word), set()).add(leaf)
            return table

        return self._per_schema("_leaf_kind_words", build)

    def _shown_before(self, history: list[HistoryTurn]) -> list[Product]:
        """Products earlier answers showed, other than the last ones (most recent first, up to 25):
        "and how long is the foam roller?" may name one of them."""
        last = next((h.shown_ids for h in reversed(history) if h.shown_ids), [])
        ids = [i for h in reversed(history) for i in h.shown_ids if i not in last]
        return self._products(list(dict.fromkeys(ids))[:25])

    def _variants_asked(
        self, plan: QueryPlan, previous: list[Product], message: str, previous_plan: QueryPlan | None
    ) -> list[Product]:
        """ "show me the pink one", "does it come in black?": the shown products' own variants in
        the color this message asks for (same family), in shown order; one for "the X one"/"it"."""
        if not plan.filters.colors or not previous or not _POINTS_BACK.search(message.lower()):
            return []
        if previous_plan is not None and set(previous_plan.filters.colors) == set(plan.filters.colors):
            return []  # no new color in this message
        snap = self.searcher.snapshot()
        wanted = set(plan.filters.colors)
        found: list[Product] = []
        for shown in previous:
            position = snap.position.get(shown.id)
            if position is None:
                continue
            family = snap.variant[position]
            for i in np.flatnonzero(snap.variant == family):
                product = snap.products[int(i)]
                # the message's other constraints hold too ("what about blue ones, max 120")
                if snap.color[int(i)] in wanted and product not in found and matches(product, plan.filters):
                    found.append(product)
        if found and _ONE.search(message.lower()):
            # "the black one and the white one": one of each color asked for
            firsts: dict[str, Product] = {}
            for product in found:
                firsts.setdefault(snap.color[snap.position[product.id]], product)
            return list(firsts.values())
        return found

    def _among_named(self, plan: QueryPlan, message: str, shown: list[Product]) -> list[Product]:
        """ "which of the mushroom ones hold 32 oz or more?": a refinement asked over the shown products
        it names, answered with those of them that meet it (none meeting it: the search's answer; the
        search loosened what was asked, "any of those rated a perfect 5?": its closest, in its order)."""
        if (
            plan.intent != "refine"
            or not plan.referenced_ids
            or plan.relaxed
            or not _AMONG.search(message.lower())
        ):
            return []
        named = set(plan.referenced_ids)
        return [p for p in shown if p.id in named and matches(p, plan.filters)]

    def _referenced(self, plan: QueryPlan, previous: list[Product]) -> list[Product]:
        """The shown products a question or comparison refers to, sorted when it asks "which is …est".
        A product shown in an earlier turn ("the lightest", then "the roomiest": "compare those two")
        is read from the catalog release."""
        by_id = {p.id: p for p in previous}
        release = self.catalog.release()
        chosen = [p for i in plan.referenced_ids if (p := by_id.get(i) or release.get(i)) is not None]
        if plan.sort is not None and plan.intent == "product_question":
            chosen = _sorted_by(chosen, plan.sort.key, plan.sort.order)
        return chosen

    # --- stages ------------------------------------------------------------------------------------
    def _plan(
        self, turn: _Turn, request: ChatRequest, history: list[HistoryTurn], shown: list[Product]
    ) -> tuple[QueryPlan, str | None]:
        """The turn's plan, and why the LLM's part fell back (``None`` when it did not)."""
        previous = next((h.plan for h in reversed(history) if h.plan is not None), None)
        context = history
        if previous is not None and previous.intent == "out_of_catalog":
            # Nothing was sold for the last ask: nothing carries over from it, nor from before it
            # (the shopper has moved on: "no washing machines? a mini fridge then").
            previous, context = None, []
        llm_plan, problem, dropped = None, None, None
        if self.llm_plans:
            try:
                llm_plan, dropped = self._llm_plan(turn, request.message, history, previous)
            except LLMError as exc:
                log.warning("LLM planning fell back to the parser: %s", classify(exc))
                problem = f"LLM planning {describe_failure(exc)}; planned with the deterministic parser"
        known = self._known
        matcher = matcher_for(self.vocabulary)

        def named(p: Product) -> str:
            # (read as the message is read: "commute anc" names the Sonovel Commute ANC)
            return spelled_out(f"{p.brand or ''} {p.title} {p.color or ''}", matcher, known)

        plan = plan_turn(
            request.message,
            context,
            self.vocabulary,
            previous=previous,
            llm_plan=llm_plan,
            dropped=dropped,
            shown_titles={p.id: named(p) for p in shown},
            earlier_titles={p.id: named(p) for p in self._shown_before(history)},
            schema=self.schema,
            shown_products=shown,
            known=known,
            word_categories=self._title_categories().get_counts,
            part_of=lambda phrase, kinds: part_of_kind(self.searcher.snapshot(), phrase, kinds),
            brand_leaves=self._title_categories().brand_leaves,
            kind_of=self._kind_of_item,
        )
        # "a hunter ceiling fan": every name the catalog files that maker under (Hunter Fan Company)
        plan = with_brand_families(plan, self._per_version("_brand_families", BrandFamilies.build))
        if dropped is not None:  # model plan values refused by the schema check and the merge rules
            turn.timings["plan_model_dropped"] = float(dropped.total)
            if dropped.total:
                log.info("model plan: dropped %s", dict(dropped.counts))
        # what the shopper's words ask of product text is checked against the catalog; what a
        # storefront sends (request.filters, merged after) holds as sent
        # (read as the planner reads the message: shorthand spelled out, typos corrected, numbers as digits)
        said = normalize_message(request.message, matcher_for(self.vocabulary), known)
        turn.said = said
        kind = product_kind(request.message, self.vocabulary, known)
        guessed = plan.filters.categories
        plan = self._kind_in_evidence(plan, previous, shown, request.message, kind, said)
        # the kind the products nearest the whole ask are filed under, in place of one guessed from a
        # side word, whose products say the word naming what was asked ("my short game on the office
        # carpet": Putting Mats, "… Short Game Practice"; not Shorts); hummingbird feeders nearest "a
        # pump sprayer for my garden" say no sprayer, and stay a guess to check
        evidenced = (
            plan.filters.categories
            if plan.filters.categories != guessed and self._kind_says(plan.filters.categories, kind)
            else []
        )
        if plan.filters.categories == guessed:
            # (a kind read from the products nearest the whole ask is read in context already: "a
            # marvel against humanity game" is Games & Accessories, not its Game Accessories)
            plan = self._kind_in_family(plan, previous, shown, said or request.message)
        plan = with_text_words(plan, said, self.vocabulary, self.searcher.snapshot(), self.schema, kind)
        plan = scoped_to_feature(
            plan, said, [p.id for p in shown], self.vocabulary, self.searcher.snapshot(), self.schema
        )
        plan = self._unread_feature(plan, previous, shown, said or request.message)
        plan = self._kind_of_shown(plan, previous, shown, kind, said or request.message, history)
        if request.filters is not None and not request.filters.is_empty():
            merged = plan.filters.model_dump() | {
                k: v for k, v in request.filters.model_dump().items() if v not in (None, [], {})
            }
            plan = plan.model_copy(update={"filters": Filters.model_validate(merged)})
        plan = self._with_color_shades(plan)
        described = self._described_kind(plan, kind)
        plan = described or plan
        outside = (
            described is None
            and not _names_shown(kind, [*shown, *self._shown_before(history)])
            and self._outside_catalog(
                plan,
                previous,
                kind,
                request.message,
                said,
                evidenced=bool(evidenced) and plan.filters.categories == evidenced,
            )
        )
        if outside and (unguessed := self._without_wrong_guess(plan, previous, kind, request.message, said)):
            plan, outside = unguessed, False
        if outside:
            synonym = self._kind_synonym(plan, kind)
            if synonym is not None:
                # "a screen for my desk": no product text says it; the catalog calls it Monitors
                kind_filters = plan.filters.model_copy(update={"categories": [norm(synonym)]})
                plan = plan.model_copy(update={"filters": kind_filters})
            else:
                plan = plan.model_copy(update={"intent": "out_of_catalog"})
        snap = self.searcher.snapshot()
        seen = [*shown, *self._shown_before(history)]
        choice = named_as_choice(plan, said, seen, snap, self.vocabulary, self.schema) if seen else None
        if choice is not None:
            # (the list asked before stays what later turns narrow: a name's words filter nothing)
            kept = previous if previous is not None else plan
            plan = choice.model_copy(update={"filters": kept.filters, "query": kept.query, "relaxed": []})
        plan = named_in_catalog(plan, said, seen, snap, self.vocabulary, self.schema)
        plan = named_variants(plan, said, snap, self.vocabulary, [p.id for p in shown])
        return chosen_between(plan, said, snap), problem

    def _kind_in_evidence(
        self,
        plan: QueryPlan,
        previous: QueryPlan | None,
        shown: list[Product],
        message: str,
        kind: str,
        said: str,
    ) -> QueryPlan:
        """A kind of product read from one word of a fresh ask, checked against the catalog's products:
        when none of the ``kind_evidence_k`` products nearest to the whole message is filed under it,
        the word named something else ("bean to cup espresso machines": Beans; "the top scoring cobalt
        set": Tops). The leaf holding a clear share of those
        products (``kind_evidence_share``, twice the next leaf's) is the kind asked; with none, the
        search is not filtered by kind (and a kind the catalog lacks is declined as usual). A kind
        the conversation already had, a brand or an item list is left as read, and so is an ask the
        catalog has no such kind for (declined by :meth:`_outside_catalog`, not answered with the
        nearest other thing: "a washing machine" is no dishwasher)."""
        f = plan.filters
        k = self.settings.kind_evidence_k
        if (
            k <= 0
            or plan.intent != "search"
            or not f.categories
            or f.brands
            or plan.items
            or plan.referenced_ids
        ):
            return plan
        before = set(previous.filters.categories) if previous is not None else set()
        if previous is not None and previous.category_hint:
            before.add(previous.category_hint)
        before |= {norm(level) for p in shown for level in p.category}
        if before & set(f.categories):
            return plan
        # the head noun of the phrase naming the product names the category ("new rotors, the 160mm
        # ones" where the nearest products are the brake pads the message also talks about): the word
        # is the evidence; so is a level on the paths of that noun's kind ("dress pants": the Dress
        # level under Pants)
        head = _head_word(kind)
        if (
            head
            and any(head in _name_words(level) for c in f.categories for level in [c, *self.schema.above(c)])
            # "the puppy is eating the furniture, what can he chew on": what a verb of the trouble
            # acts on is no kind asked for; the products nearest the whole ask say what is
            and not _acted_on(message, kind)
        ):
            return self._head_sense(plan, previous, message, kind, said)
        # (read as the planner reads it: "sunglases" is sunglasses to the planner, not to the embedder)
        inside, leaves = self.searcher.nearest_filing(said or message, k, Filters(categories=f.categories))
        if inside or not leaves:
            return plan
        if self._outside_catalog(plan, previous, kind, message, said):
            return plan
        leader, count = leaves[0]
        runner_up = leaves[1][1] if len(leaves) > 1 else 0
        clear = bool(leader) and count >= self.settings.kind_evidence_share * k and count >= 2 * runner_up
        categories = [norm(leader)] if clear else []
        log.debug(
            "kind %s read from a word is not where the nearest products are: %s", f.categories, categories
        )
        return self._with_kind(plan, categories)

    def _head_sense(
        self, plan: QueryPlan, previous: QueryPlan | None, message: str, kind: str, said: str
    ) -> QueryPlan:
        """A kind named by its head noun, read where the rest of the ask points when it holds less
        than ``kind_sense_share`` of the ``kind_evidence_k`` products nearest the whole message
        (:func:`assistant.plan.kind_sense.sense_of_head`): "bags to put birthday presents in" are
        Gift Bags, not the Bags level of dust bags; "a bed for the guest room" in a store whose only
        beds are Dog Beds is a mattress; "a case for my guitar" is the level whose products say
        guitar (:meth:`_fits_elsewhere`). A kind the catalog lacks is still declined, not answered
        with the nearest other thing."""
        f = plan.filters
        k = self.settings.kind_evidence_k
        if len(f.categories) != 1:
            return plan
        # the nouns the shopper qualified it with ("beach" of "a big beach towel"), not wishes ("big")
        before_head = [
            w for w in re.findall(r"[a-z]+", kind.lower())[:-1] if _noun_modifier(w) or not describes(w)
        ]
        sense = sense_of_head(
            f.categories[0],
            _head_word(kind),
            said or message,
            lambda: [p.category for p in self.searcher.nearest_products(said or message, k)],
            self.schema,
            share=self.settings.kind_sense_share,
            qualified_by=frozenset(w for word in before_head for w in name_words(word)),
            size=sum(leaf.count for leaf in self.schema.leaves(f.categories[0])),
        )
        if sense is None:
            level = self._fits_elsewhere(f.categories[0], message, plan.preferences)
            if level is None:
                return plan
        elif not sense.same_head and self._outside_catalog(plan, previous, kind, message, said):
            return plan
        else:
            level = sense.level
        log.debug("kind %s read from its head noun means %s here", f.categories, level)
        return self._read_as_kind(plan, level, said or message)

    def _read_as_kind(self, plan: QueryPlan, level: str, said: str) -> QueryPlan:
        """``plan`` asking for ``level`` instead, with what ``said`` says of that kind ("queen",
        "nothing too firm" of a mattress) read against its attributes: the values it names, and
        what the schema stage reads."""
        changed = self._with_kind(plan, [level])
        attrs = self.schema.attributes([level])
        values = {
            m.key: m.value
            for m in matcher_for(self.vocabulary).find(tokenize(said))
            if m.kind == "attribute"
            and not m.negated
            and m.key in attrs
            and m.value in attrs[m.key].values
            and m.key not in changed.filters.attributes
            and m.key not in changed.filters.attribute_in
        }
        if values:
            filters = changed.filters.model_copy(
                update={"attributes": {**changed.filters.attributes, **values}}
            )
            changed = changed.model_copy(update={"filters": filters})
        return apply_schema(changed, said, self.schema, ShownContext(products=[], fresh=True))

    def _fits_elsewhere(self, category: str, message: str, preferences: Sequence[str]) -> str | None:
        """ "a case for my guitar" where no product of Cases says guitar but a guitar case is filed
        under Bags & Cases: the level named for the same thing whose products say what the product
        is for (most of them), rather than a decline (:meth:`_asked_for_unsold_pair`)."""
        if self.schema.attributes([category]):
            return None
        # ("dress pants for women": who it is for is a use, no product it fits)
        lowered = message.lower()
        uses = [lowered[start:end] for start, end in use_phrase_spans(lowered)]
        used_kinds = [
            used
            for used in self._kinds_used_with(message, [category], preferences)
            if not any(re.search(rf"\b{re.escape(used)}\b", use) for use in uses)
        ]
        if not used_kinds:
            return None
        snap = self.searcher.snapshot()
        members = same_head_kinds(category, self.schema)
        for used in used_kinds:
            says = snap.holds_words(used)
            if (snap.mask(Filters(categories=[category])) & says).any():
                return None
            counts = Counter({m: int((snap.mask(Filters(categories=[m])) & says).sum()) for m in members})
            best = counts.most_common(1)
            if best and best[0][1]:
                return best[0][0]
        return None

    def _with_kind(self, plan: QueryPlan, categories: list[str]) -> QueryPlan:
        """``plan`` asking for ``categories`` instead of its kind: its audience levels kept where
        products of the new kind hold them, its attribute filters and attribute sort kept where the
        new kind has the attribute."""
        f = plan.filters
        kept = self.schema.attributes(categories) if categories else {}
        snap = self.searcher.snapshot()
        levels = f.categories_all
        if levels and not snap.mask(Filters(categories=categories, categories_all=levels)).any():
            levels = []
        filters = f.model_copy(
            update={
                "categories": categories,
                "categories_all": levels,
                "attributes": {a: v for a, v in f.attributes.items() if a in kept},
                "attribute_in": {a: v for a, v in f.attribute_in.items() if a in kept},
                "attribute_ranges": {a: v for a, v in f.attribute_ranges.items() if a in kept},
            }
        )
        sort = plan.sort
        if sort is not None and sort.key not in kept and sort.key not in PRODUCT_FIELDS:
            sort = None
        return plan.model_copy(update={"filters": filters, "category_hint": None, "sort": sort})

    def _kind_in_family(
        self, plan: QueryPlan, previous: QueryPlan | None, shown: list[Product], said: str
    ) -> QueryPlan:
        """A kind read from its head noun alone, read in its conversation ("and a mattress for it"
        after a futon frame: Futon Mattresses; "a set with the conditioner too" after shampoos:
        Shampoo & Conditioner Sets): see :func:`assistant.plan.kind_family.kind_in_context`. Only a
        kind new to the conversation, and only where products of the chosen kind meet the rest of
        the ask."""
        if plan.intent not in ("search", "refine") or plan.referenced_ids:
            return plan
        context = [
            *(previous.filters.categories if previous is not None else []),
            *(p.category[-1] for p in shown if p.category),
        ]
        if previous is not None:
            context += [c for item in previous.items for c in item.categories]
        before = {norm(c) for c in context}
        snap = self.searcher.snapshot()
        if plan.items:
            items = []
            for i, item in enumerate(plan.items):
                others = [c for j, other in enumerate(plan.items) if j != i for c in other.categories]
                chosen = None
                if len(item.categories) == 1 and norm(item.categories[0]) not in before:
                    chosen = kind_in_context(item.categories[0], said, [*context, *others], self.schema)
                if (
                    chosen is not None
                    and snap.mask(
                        item.filters.model_copy(update={"categories": chosen, "categories_all": []})
                    ).any()
                ):
                    log.debug("item kind %s read in its conversation: %s", item.categories, chosen)
                    item = item.model_copy(update={"categories": chosen})
                items.append(item)
            return plan.model_copy(update={"items": items})
        f = plan.filters
        if len(f.categories) != 1 or norm(f.categories[0]) in before:
            return plan
        chosen = kind_in_context(f.categories[0], said, context, self.schema)
        if chosen is None:
            return plan
        changed = self._with_kind(plan, chosen)
        if not snap.mask(changed.filters).any():
            return plan
        log.debug("kind %s read in its conversation: %s", f.categories, chosen)
        return changed

    def _unread_feature(
        self, plan: QueryPlan, previous: QueryPlan | None, shown: list[Product], said: str
    ) -> QueryPlan:
        """A follow-up that changes nothing the planner reads ("stemless would be better" after wine
        glasses) asks for the feature its words name in the titles of the products it is about
        (:func:`assistant.plan.unread.unread_feature`): the kinds asked, or, with none, the kinds of
        the products shown last."""
        if (
            previous is None
            or plan.intent not in ("search", "refine")
            or plan.referenced_ids
            or plan.items
            or previous.items
            or plan.unknown_values
            or plan.filters != previous.filters
            or plan.sort != previous.sort
            or plan.comparative != previous.comparative
            or plan.exclude_ids != previous.exclude_ids
        ):
            return plan
        snap = self.searcher.snapshot()
        f = plan.filters
        asked = snap.mask(f)
        if not f.categories:
            leaves = list(dict.fromkeys(norm(p.category[-1]) for p in shown if p.category))
            if not leaves:
                return plan
            asked = asked & snap.mask(Filters(categories=leaves))
        phrase = unread_feature(said, matcher_for(self.vocabulary), snap, asked)
        if phrase is None or phrase in f.text_words:
            return plan
        log.debug("a follow-up read as nothing else asks for %r", phrase)
        return plan.model_copy(
            update={"filters": f.model_copy(update={"text_words": [*f.text_words, phrase][:8]})}
        )

    def _kind_of_shown(
        self,
        plan: QueryPlan,
        previous: QueryPlan | None,
        shown: list[Product],
        kind: str,
        said: str = "",
        history: Sequence[HistoryTurn] = (),
    ) -> QueryPlan:
        """A follow-up that only narrows ("anything under 15 bucks?", "got a red one?") after an ask
        that named a use, not a kind ("my cat keeps licking her stitches"), is about the kind of
        products shown for it: the plan asks for their kinds (the leaf categories held by at least
        two of them, or by the first; a leaf name other departments use for other things, "Sets",
        kept to the department shown) instead of searching the whole catalog again with the new
        constraint. Not for a message naming a product, nor one that adds nothing to narrow by (a
        new topic, said vaguely). A size the kinds state only in their titles ("it has to run on 24
        volts") narrows too, asked of their titles (:func:`sizes_asked`). A kind the last plan asks
        for counts as shown when that search was focused on it (:meth:`_focused_on_shown`)."""
        if kind and plan.intent == "refine" and shown:
            # "whats the cheapest steamer u sell period" after steamers were shown for a use: the
            # kind named is the kind shown when a word of it is what two of them are (their leaf's
            # or their titles' word)
            kind_said = {singular(w) for w in re.findall(r"[a-z]+", kind.lower()) if len(w) > 2}
            shown = [
                p
                for p in shown
                if kind_said & (_name_words(p.category[-1] if p.category else "") | _name_words(p.title))
            ]
            if len(shown) < 2:
                return plan
            kind, named = "", True
        else:
            named = False
        if (
            previous is None
            or not shown
            or kind
            or plan.intent not in ("search", "refine")
            # (a superlative over the kind named may point at the shown one it asks about; "any of
            # those …" points at all of them, the kind shown)
            or (plan.referenced_ids and not named and not {p.id for p in shown} <= set(plan.referenced_ids))
            or plan.items
            or previous.items
            or plan.filters.categories
            # (a kind the last ask, naming none, was focused on is the kind shown: "need something
            # that heats my food up in the cab" shown lunch boxes, then "has to work on 24 volt")
            or (previous.filters.categories and not self._focused_on_shown(history, previous, shown))
        ):
            return plan
        f = plan.filters
        unchanged = (
            f.model_copy(
                update={
                    "categories_all": previous.filters.categories_all,
                    "categories": previous.filters.categories,
                }
            )
            == previous.filters
            and plan.sort == previous.sort
            and plan.comparative == previous.comparative
        )
        figures = bool(said) and bool(said_quantities(said))
        if unchanged and not figures:
            return plan
        counts = Counter(tuple(p.category) for p in shown if p.category)
        paths = [path for path, n in counts.items() if n >= 2 or path == tuple(shown[0].category)]
        if not paths:
            return plan
        departments = {norm(path[0]) for path in paths}
        snap = self.searcher.snapshot()
        # the kinds shown; with none of them meeting the new constraint, the levels just above them,
        # short of a whole department ("a blue one" after lunch bags, none blue: the lunch boxes
        # beside them)
        leaves = [norm(path[-1]) for path in paths]
        above = [norm(path[-2]) for path in paths if len(path) > 2]
        # a bound on a figure only, the price or the rating ("can we do under forty?" after mini
        # fridges from 48.59, "any rated a perfect 5?"), is loosened and said for the kinds shown,
        # never met by cheaper or better rated neighbours one level up (a s'mores maker) or anywhere
        bound_only = (
            f.model_copy(
                update={
                    "categories_all": previous.filters.categories_all,
                    "categories": previous.filters.categories,
                    "price_min": previous.filters.price_min,
                    "price_max": previous.filters.price_max,
                    "min_rating": previous.filters.min_rating,
                }
            )
            == previous.filters
        )
        for kinds in (list(dict.fromkeys(leaves)), list(dict.fromkeys(above))):
            if not kinds:
                break
            levels = list(f.categories_all)
            if len(departments) == 1 and any(len(self.schema.departments(k)) > 1 for k in kinds):
                levels = list(dict.fromkeys([*levels, *departments]))
            narrowed = f.model_copy(update={"categories": kinds, "categories_all": levels})
            if not snap.mask(narrowed).any() and not bound_only:
                continue
            sizes = sizes_asked(said, narrowed, snap, self.schema) if figures else {}
            if unchanged and not sizes:
                return plan
            log.debug("a follow-up that narrows is about the kinds shown: %s within %s", kinds, levels)
            if sizes:
                narrowed = narrowed.model_copy(
                    update={"title_quantities": {**narrowed.title_quantities, **sizes}}
                )
            return plan.model_copy(update={"filters": narrowed})
        return plan

    def _focused_on_shown(
        self, history: Sequence[HistoryTurn], previous: QueryPlan, shown: Sequence[Product]
    ) -> bool:
        """Whether the last plan's kinds are those of the products shown and the message they began
        with (:func:`_kind_began`) named no kind: a kind its search was focused on, not one the
        shopper named ("vegan marshmallows" holds no later "also roasting sticks")."""
        if not set(previous.filters.categories) <= {norm(p.category[-1]) for p in shown if p.category}:
            return False
        began = _kind_began(history, previous.filters.categories)
        return bool(began) and not product_kind(began, self.vocabulary, self._known)

    def _described_kinds(self) -> DescribedKinds:
        """The kinds of product the catalog's descriptions name (per version)."""
        return self._per_version("_described_index", DescribedKinds.build)

    def _kind_of_item(self, kind: str, read: list[str], said_as_thing: bool = False) -> str | None:
        """The leaf category an item of a multi-item ask is where no category or title says it: the one
        its products' descriptions name ("a jigsaw"; "a flat iron" over the kettlebells read from
        "iron", as :meth:`_described_kind`), else, for an item ``said_as_thing`` (its own article
        first: "a stuffed animal"), the kind it is another word for (:meth:`_synonym_leaf`). Never a
        synonym by meaning for a clause split off an ask ("… and doesnt need an outlet")."""
        described = self._described_kinds()
        leaf = described.leaf_over(kind, read)
        # (an item a title names, "a cork block", is searched by its words as before)
        if leaf is not None and (read or not described.titled(kind)):
            return leaf
        if not read and leaf is None and said_as_thing:
            # "a jigsaw for grandpa and a stuffed animal for my niece": an item said as a thing (its
            # own article first) that no word of the catalog names, another word for one of its
            # kinds (Plush Toys)
            return self._synonym_leaf(kind)
        return None

    def _described_kind(self, plan: QueryPlan, kind: str) -> QueryPlan | None:
        """The plan filed under the leaf whose products' descriptions name the kind asked, when no
        title does ("do you carry flat irons?": "A ceramic flat iron …" is a Hair Straightener; "a
        jigsaw for grandpa": "A family jigsaw …" is a Puzzle): that kind is sold, not declined, and a
        category read from one of its words ("iron": cast-iron kettlebells) was a misreading
        (:class:`DescribedKinds`). ``None`` when the ask names no such kind."""
        f = plan.filters
        if (
            not kind
            # (a fresh ask: a follow-up's side clause is no new kind, "… gonna add a second screen")
            or plan.intent != "search"
            or plan.items
            or plan.referenced_ids
            or f.brands
            or plan.comparative is not None
        ):
            return None
        leaf = self._described_kinds().leaf_over(kind, f.categories)
        if leaf is None:
            return None
        target = norm(leaf)
        if target in f.categories:
            return plan  # read as that kind already; only not to be declined ("stick blenders")
        said = {singular(w) for w in re.findall(r"[a-z]+", kind.lower())}
        return plan.model_copy(
            update={
                "filters": f.model_copy(
                    update={
                        "categories": [target],
                        "text_words": [w for w in f.text_words if singular(w) not in said],
                    }
                ),
                "category_hint": None,
            }
        )

    def _kind_synonym(self, plan: QueryPlan, kind: str | None) -> str | None:
        """The leaf category a fresh ask's kind of product is another word for, when the plan found
        no category and the ask would be declined for want of a word: its name is clearly the nearest to the
        shopper's word (``kind_synonym_similarity``, ``kind_synonym_margin`` over the next leaf), or
        the nearest and the leaf of the product nearest to the words, when no title has any of them
        ("a stuffed animal": Plush Toys and the plush fox; "bed frames" has the dog beds' word); and
        it does not have the shopper's head noun ("bird feeders" near Feeders is a narrower kind the
        usual checks judge, not another word for it)."""
        if (
            not kind
            # (the planner's own declines stand: "book me a flight" is no kind of product)
            or plan.intent != "search"
            or plan.filters.categories
            or plan.filters.brands
            or plan.items
            or plan.category_hint
        ):
            return None
        return self._synonym_leaf(kind)

    def _synonym_leaf(self, kind: str) -> str | None:
        """The leaf category ``kind`` is another word for (see :meth:`_kind_synonym`), else ``None``."""
        leaf = self.searcher.clearly_nearest_leaf(
            kind, self.settings.kind_synonym_similarity, self.settings.kind_synonym_margin
        )
        if leaf is None and self._described_kinds().unlike_every_title(kind):
            # (a phrase with a title's word is a thing of that kind, not another word for one: "bed
            # frames" are no mattresses, however near in meaning)
            leaf = self.searcher.nearest_leaf_held_by_nearest(kind, self.settings.kind_synonym_similarity)
            if leaf is not None and _spelled_within(kind, leaf):
                # "snowmobile" near Snow Boots: near by a shared spelling, not by meaning
                leaf = None
        if leaf is None:
            return None
        if _head_word(kind) in _name_words(leaf):
            return None
        return leaf

    def _with_color_shades(self, plan: QueryPlan) -> QueryPlan:
        """A color filter holds every catalog color value made of that color's words: "black" also
        matches "Black Leather" and "Matte Black" (real feeds spell colors many ways)."""
        colors = plan.filters.colors
        if not colors or len(colors) > 3:
            return plan
        index = _shade_index(self.vocabulary)
        found: set[str] = set()
        other = spelling_variants()
        for said in colors:
            # "grey" is "gray" too (lexicons/shorthand.yaml spellings)
            for color in dict.fromkeys([said, " ".join(other.get(w, w) for w in said.split())]):
                asked = set(color.split())
                for value, words in index.by_word.get(next(iter(color.split()), ""), ()):
                    # the asked color only: "Black/White" or "Red, Silver" is two colors, not a shade
                    if asked <= words and not (words & _COLOR_ONLY) - asked:
                        found.add(value)
                found.update(index.named.get(color, ()))
        shades = list(colors) + sorted(found - set(colors), key=index.position.__getitem__)
        if len(shades) == len(colors) or len(shades) > _MAX_SHADES:
            return plan
        return plan.model_copy(update={"filters": plan.filters.model_copy(update={"colors": shades})})

    def _llm_plan(
        self, turn: _Turn, message: str, history: list[HistoryTurn], previous: QueryPlan | None
    ) -> tuple[ModelPlan, Dropped]:
        """The capable model's plan through the catalog-derived JSON Schema (assistant.plan.model_stage)."""
        from assistant.llm import structured_json
        from assistant.plan.model_stage import PlanRequest, model_plan_for, plan_request
        from prompts import load_prompt

        kept = self._budget().fit(
            "history", history, lambda h: f"{h.role}: {h.content}", counter=self._counter(), keep="last"
        )
        shown = next((h.shown_ids for h in reversed(history) if h.shown_ids), [])
        lines = [f"{h.role}: {h.content}" for h in kept]
        request = plan_request(message, lines, shown, previous, self.vocabulary, self.schema)
        prompt = load_prompt("plan", self.settings.prompt_versions.get("plan"))
        turn.prompt_versions[prompt.name] = str(prompt.version)

        def ask(req: PlanRequest) -> str:
            text, usage = structured_json(
                self.chat_model,
                prompt.render(**req.variables),
                req.schema.response_format(),
                timeout_s=self.settings.llm_timeout_s,
                deadline=turn.deadline,
                breaker=self.llm_circuit,
                json_schema=self.model_profile.json_schema,
            )
            turn.add_usage(usage)
            return text

        return model_plan_for(request, ask, self.vocabulary)

    def _outside_catalog(
        self,
        plan: QueryPlan,
        previous: QueryPlan | None,
        kind: str,
        message: str = "",
        normalized: str = "",
        *,
        evidenced: bool = False,
    ) -> bool:
        """A request for a kind of product the catalog does not have: its head noun (the last word
        of the phrase that names the product, "four new tires" in "tires for my car") is in no
        product's category, brand or title, and no product is close in meaning. Say so instead of showing unrelated products. When no product text has the word at
        all, the evidence asked for is stronger (``unnamed_kind_similarity``). A plan that names a
        brand or compares within what was shown is never declined; a category the planner only
        guessed is checked (:meth:`_guessed_kind_differs`; one ``evidenced``, read from the products
        nearest the whole ask, is no guess), and so is a named category whose kind a
        real English word no product text has narrows ("a hammock stand" among laptop stands; not a
        misspelling, not a word the planner reads as a wish). For a follow-up, only the words it adds
        count."""
        carried = (
            # "last q - trekking poles?" after a tent and a pack: the items carried over, and a kind
            # the message adds, checked as any follow-up's
            plan.intent == "refine"
            and previous is not None
            and bool(plan.items)
            and plan.items == previous.items
        )
        if plan.intent not in {"search", "refine"} or (plan.items and not carried):
            return False
        if carried:
            return bool(kind) and self._unknown_kind_added(kind, message, plan, previous)
        asked_kind = self._kind_asked_later(message, kind)
        if asked_kind is not None:
            kind, message = asked_kind
        f = plan.filters
        if plan.comparative or (f.brands and self._brand_makes(f.brands, kind)):
            return False
        follow_up = plan.intent == "refine" and previous is not None
        # ``kind``: the words that name the product, without its use ("for my car") or specs ("55 inch").
        asked = plan.query if follow_up else (kind or plan.query)
        kinds = [*f.categories, *([plan.category_hint] if plan.category_hint else [])]
        lexical = self.catalog.lexical()
        if (
            not kind
            and not kinds
            and not follow_up
            and plan.intent == "search"
            and self.searcher.leaf_led_by_meaning_and_words(normalized or message) is not None
        ):
            # "want to blitz soup smooth right in the pan, no more ladling it into a jug": a need
            # told with no kind named, which one kind's products answer both in meaning and in their
            # words (Blenders), is something the store sells; the last word said is no kind asked
            return False
        if kinds and kind and not follow_up and self._names_a_category(kind, kinds):
            # "got any teddy bears" with a leaf Stuffed Animals & Teddy Bears: the catalog's own name
            # for the kind, however few titles say it
            return False
        if kinds:
            # a gift ask names no kind ("a present for my 6 year old"): the categories were read
            # from who it is for, nothing to check them against
            if plan.intent != "search" or not (kind or follow_up):
                # "any carriers?" after cat trees: a new noun no product text has is another kind
                return follow_up and bool(kind) and self._unknown_kind_added(kind, message, plan, previous)
            if not evidenced and self._guessed_kind_differs(asked, [*kinds, *f.categories_all], message):
                # (a kind read from the products nearest the whole ask is no guess from a word)
                return True
            if self._asked_for_unsold_pair(message, kind, kinds, plan.preferences):
                return True
            if kind and self._pair_unseen(kind, plan, (message, normalized)):
                # "pressure cookers" among slow cookers: a kind no title names, unless products are close
                nearest = self.searcher.nearest_similarity(kind, Filters(categories=kinds))
                return nearest is None or nearest < self.settings.unseen_pair_similarity
            # "a hammock stand" in a store of laptop stands: a word no product text has, naming the
            # kind of stand, makes it another product unless the category's products are close
            named = [t for t in analyze(kind) if t.isalpha()] if kind else []
            said = re.findall(r"[a-z]+", kind.lower()) if kind else []
            # an English word the catalog never uses; a misspelling ("fragon book") is no other product
            real_word = (
                len(said) > 1
                and said[-2] in english_words()
                # "one of those no-pedal bikes": what it is without names no other kind
                and not _said_without(said[-2], message)
                # "blend it right in the pot" for Blenders: the verb of the kind's doer
                and not any(
                    _doer_of(said[-2], singular(self.vocabulary.categories.get(k, k).split()[-1].lower()))
                    for k in kinds
                )
                and not describes(said[-2])  # "a quiet dishwasher": a word the planner reads as a wish
                and said[-2] not in lexicons().evaluative  # "a really comfy bed": a judgement, no kind
                and not any(said[-2] in p.split() for p in plan.preferences)
            )
            # a word only some description has, when the head is not the category's own word
            # ("curls" of dumbbells: "a curling iron" in a store of iron kettlebells; a "blow dryer"
            # among hair dryers is one)
            headed = bool(named) and any(
                named[-1] in analyze(self.vocabulary.categories.get(k, k).split()[-1]) for k in kinds
            )
            if (
                len(named) > 1
                and real_word
                and not (lexical.knows(named[-2]) and (headed or self._in_titles(named[-2])))
            ):
                nearest = self.searcher.nearest_similarity(kind, Filters(categories=f.categories or kinds))
                return nearest is not None and nearest < self.settings.unnamed_kind_similarity
            # "cat carriers" in a store of cat trees: the category came from the modifier; the noun
            # that names the product is an English word no product text has
            unnamed_head = (
                len(named) > 1
                # a plural noun ("carriers"), not a verb of the sentence ("my coffee maker died"); or
                # a word no product text has at all ("dog shampoo")
                and (
                    (
                        said[-1].endswith("s")
                        and not said[-1].endswith("ss")
                        and singular(said[-1]) != said[-1]
                    )
                    # ("my back is killing me": a verb, not a noun after the kind's word)
                    or (
                        (
                            not lexical.knows(named[-1])
                            # ("dog food": some description mentions food, no title names a product
                            # by it, and Dogs is a level above kinds; "speakers work at a campsite"
                            # has a verb after a kind)
                            or (
                                not self._in_titles(named[-1])
                                and not any(norm(k) in self.schema.categories for k in kinds)
                            )
                        )
                        and f"{said[-2]} {said[-1]}" in message.lower()
                        and not said[-1].endswith(("ing", "ed"))
                        # the category came from the word before it ("dog shampoo": Dogs)
                        and any(singular(said[-2]) in _name_words(k) for k in kinds)
                    )
                )
                and singular(said[-1]) in english_words()
                # no product text has it, or some text mentions it but no title names a product by it
                # ("golf umbrellas" in a store whose golf products are shoes and polos)
                and not (lexical.knows(named[-1]) and self._names_products(said[-1], named[-1]))
                and not describes(said[-1])
                and not is_pro_form(said[-1])
            )
            if unnamed_head:
                nearest = self.searcher.nearest_similarity(kind, Filters(categories=f.categories or kinds))
                return nearest is None or nearest < self.settings.unnamed_kind_similarity
            return False
        if (
            (not kind or len(kind.split()) > _KIND_WORDS)
            and not follow_up
            and asks_vaguely(normalized or message)
        ):
            # "what should i get my husband, he runs marathons": no kind named to decline; what they
            # like is searched when the catalog's text knows a word of it ("anything for snakes?":
            # nothing does)
            return not any(lexical.knows(t) for t in analyze(plan.query) if t.isalpha())
        if follow_up and not kind and _RULES_OUT.match(message.lower()):
            # "not the red ones, and not the coke one": a follow-up that only rules shown products
            # out asks for no other kind
            return False
        if follow_up and kind and self._only_values(kind):
            # "any of those in pink? she'll only wear pink lol": the phrase read as the product is a
            # colour (or another value) asked of what was shown, no other kind
            return False
        if not kind and not asks_if_sold(message):
            # "she says she wants to be able to stand for part of the day": a need with no thing
            # named is searched, not declined (a decline answers a thing the store lacks); so is a
            # follow-up naming none ("can we do under forty dollars? we're broke lol")
            return False
        snap = self.searcher.snapshot()

        terms = analyze(asked)
        codes = [t for t in terms if not t.isalpha() and not t.isdigit() and any(c.isalpha() for c in t)]
        if any(lexical.knows(term) for code in codes for term in lexical.terms(code)):
            return False  # a model code the catalog's text has ("af1"): a product it sells
        words = [t for t in terms if t.isalpha()]
        if follow_up and previous is not None:
            before = set(analyze(previous.query))
            words = [t for t in words if t not in before]
        if not words:
            return False
        head = words[-1]
        # a word a category's name ends in ("backpacks"), not one that only qualifies it ("oven" in
        # Microwave Oven Parts & Accessories: a dutch oven is no such part)
        in_fields = head in snap.fields["brand"] or head in self._category_heads()
        # A word some title merely mentions ("… Sneakers for gym and treadmill") is not a kind of
        # product the store sells unless some title names it as what the product is.
        last_word = (kind_words(asked) or asked).split()[-1:] or [head]
        in_titles = head in snap.fields["title"] and bool(self._title_categories().get_counts(last_word[0]))
        # "washing machine": a known head ("machine") after a word no product text has is another
        # kind of product.
        unknown_modifier = len(words) > 1 and not lexical.knows(words[-2])
        # "smoke detector" where titles say only "lie detector": two words no title says together
        unseen = not follow_up and bool(kind) and self._pair_unseen(kind, plan, (message, normalized))
        if (in_fields or in_titles) and not unknown_modifier and not unseen:
            return False
        text = " ".join(words) if follow_up else asked
        nearest = self.searcher.nearest_similarity(kind_words(text) or text)
        needed = self.settings.out_of_catalog_similarity
        if not (in_fields or in_titles):
            needed = max(needed, self.settings.unnamed_kind_similarity)
            if not lexical.knows(head) and asks_if_sold(message):
                # "do yall sell wetsuits": asked outright about a word no product text has anywhere;
                # water shoes being near in meaning does not make them wetsuits (a synonym of a
                # category's name is still found by :meth:`_kind_synonym`; a bare "firestick" search
                # still shows the nearest products)
                needed = max(needed, self.settings.unknown_word_similarity)
        if unseen:
            needed = max(needed, self.settings.unseen_pair_similarity)
        return nearest is None or nearest < needed

    def _names_a_category(self, kind: str, categories: Sequence[str]) -> bool:
        """Whether every word of ``kind`` (two or more) is a word of one of ``categories``' names: the
        ask says a category's own name ("teddy bears": Stuffed Animals & Teddy Bears)."""
        said = {singular(w) for w in re.findall(r"[a-z]+", kind_words(kind).lower())}
        return len(said) > 1 and any(
            said <= _name_words(self.vocabulary.categories.get(c, c)) for c in categories
        )

    def _brand_makes(self, brands: Sequence[str], kind: str) -> bool:
        """Whether a brand read from the ask makes the kind asked: some product of it names the kind's
        head noun in its title or category ("reef safe sunscreen": Reef's products are sandals, so
        "reef" describes the sunscreen and the ask is judged as one naming no brand). A kind that is
        only the brand's words, or none ("anything from reef?", "the most expensive lego set you carry",
        "CAH" for Cards Against Humanity, "temptaions"), is the brand's."""
        words = [w for w in analyze(kind_words(kind) or kind) if w.isalpha()]
        brand_terms = [terms for b in brands if (terms := analyze(b))]
        if not words or not brand_terms or any(words[-1] in terms for terms in brand_terms):
            return True
        said = re.findall(r"[a-z]+", kind.lower())[-1]
        for brand in brands:
            names = re.findall(r"[a-z]+", brand.lower())
            initials = "".join(w[0] for w in names)
            if said == initials or any(SequenceMatcher(None, said, w).ratio() >= 0.8 for w in names):
                return True  # the brand was read from the word itself, misspelt or by its initials
        snap = self.searcher.snapshot()
        titled = (snap.fields["title"].hits([words[-1]]) > 0) | (
            snap.fields["category"].hits([words[-1]]) > 0
        )
        return any(
            bool(np.any(titled & (snap.fields["brand"].hits(terms) >= len(set(terms)))))
            for terms in brand_terms
        )

    def _without_wrong_guess(
        self, plan: QueryPlan, previous: QueryPlan | None, kind: str, message: str, said: str
    ) -> QueryPlan | None:
        """A fresh ask declined only against a kind the planner guessed from a side word ("one of
        those wide flat knives to spread the mud": Flats; "big pump coffee pots": Lunch Boxes): the
        guess is dropped and the ask judged on its own words. When the store sells what those name
        (at least half of the ``kind_evidence_k`` products nearest to the whole message are titled
        as that thing, and the usual checks find it sold), the plan without the guess (searched over
        the whole catalog) is returned; otherwise ``None`` (declined as before: "a washing machine"
        is near no product titled a machine, "hot tubs" only near tub faucets). A kind whose head
        word is the head of what was asked was named, not guessed."""
        f = plan.filters
        guessed = [*f.categories, *([plan.category_hint] if plan.category_hint else [])]
        if plan.intent != "search" or not guessed or f.brands or plan.items or plan.referenced_ids:
            return None
        head = _head_word(kind)
        if not head or any(head in _name_words(self.vocabulary.categories.get(k, k)) for k in guessed):
            return None
        k = self.settings.kind_evidence_k
        nearest = self.searcher.nearest_products(said or message, k)
        titled = [p for p in nearest if head in {singular(w) for w in _title_kind_words(p.title)}]
        if not nearest or 2 * len(titled) < len(nearest):
            return None
        unguessed = plan.model_copy(
            update={"filters": f.model_copy(update={"categories": []}), "category_hint": None}
        )
        if self._outside_catalog(unguessed, previous, kind, message, said):
            return None
        return unguessed

    def _known(self, word: str) -> bool:
        """Whether every term of ``word`` occurs in the catalog's text."""
        lexical = self.catalog.lexical()
        return bool(terms := lexical.terms(word)) and all(lexical.knows(t) for t in terms)

    def _kind_asked_later(self, message: str, kind: str) -> tuple[str, str] | None:
        """ "she needs 16 gigs of ram tho. show me chromebooks with that": the kind a later sentence
        that asks names with a noun titles name products by (chromebooks), and that sentence, when the
        phrase read from the whole message ("ram") is another; the ask is judged by what it asks for."""
        sentences = _sentences(message)
        if len(sentences) < 2:
            return None
        said = re.findall(r"[a-z]+", kind.lower())
        index = self._title_categories()
        if said and (index.get_counts(said[-1]) or index.get_counts(singular(said[-1]))):
            return None  # the kind read first is one titles name ("any robot vacuum …?"): it stands
        for sentence in sentences[1:]:
            if not asks(sentence.lower()):
                continue
            other = product_kind(sentence, self.vocabulary, self._known)
            words = re.findall(r"[a-z]+", other.lower())
            head = words[-1] if words else ""
            if (
                len(head) > 2
                and head not in said
                and not is_pro_form(head)
                # a noun titles name products by ("chromebooks"), not any word ("rated", "dims")
                and bool(index.get_counts(head) or index.get_counts(singular(head)))
            ):
                return other, sentence
        return None

    def _asked_for_unsold_pair(
        self, message: str, kind: str, kinds: list[str], preferences: Sequence[str] = ()
    ) -> bool:
        """ "a hard case for sunglasses" where no case says sunglasses, no title says "sunglasses
        case" and no case is close in meaning: a kind the store does not sell (earbud cases are none).
        Only in a feed whose titles say what products fit ("… Case for AirPods"); a curated catalog's
        attributes say it, and "a mouse for my laptop" is any mouse. Where the planner read "for X"
        as a use (``preferences``: "loafers for the office", "a planner for work"), X is no kind."""
        said_head = (re.findall(r"[a-z]+", kind.lower()) or [""])[-1] if kind else ""
        if not said_head or self.schema.attributes(kinds):
            return False
        used_kinds = self._kinds_used_with(message, kinds, preferences)
        if not used_kinds:
            return False
        snap = self.searcher.snapshot()
        of_kind = snap.mask(Filters(categories=kinds))
        for used in used_kinds:
            if (of_kind & snap.holds_words(used)).any() or snap.holds_words(f"{used} {said_head}").any():
                continue
            nearest = self.searcher.nearest_similarity(f"{used} {said_head}", Filters(categories=kinds))
            if nearest is not None and nearest < self.settings.unseen_pair_similarity:
                return True
        return False

    def _kinds_used_with(
        self, message: str, kinds: Sequence[str], preferences: Sequence[str] = ()
    ) -> list[str]:
        """The kinds ``message`` says the product is for ("a hard case for sunglasses": sunglasses),
        when products' titles name themselves by them and a category is named for them; not a use
        ("travel", "the office") and not a word of ``kinds`` or of the levels they are filed under."""
        # a kind products' titles name themselves by and a category is named for ("sunglasses"),
        # not a use ("travel", "the office"), and not the asked kind's own word
        kind_names = {singular(w) for k in kinds for w in re.findall(r"[a-z]+", k.lower())}
        # "an espresso machine for our kitchen": a level the kind is filed under (Kitchen & Dining)
        # is where it goes, not a product it fits
        kind_names |= {
            singular(w)
            for k in kinds
            for level in self.schema.above(k)
            for w in re.findall(r"[a-z]+", level.lower())
        }
        uses = {p.removeprefix("for ").removeprefix("the ") for p in preferences if p.startswith("for ")}
        return [
            used
            for used in kinds_used_with(message)
            if used not in uses
            and singular(used) in self._leaf_heads()
            and singular(used) not in kind_names
            and sum(n for _, n in self._title_categories().get_counts(used)) >= _KIND_TITLES
        ]

    def _kind_says(self, categories: Sequence[str], kind: str) -> bool:
        """Whether some product of ``categories`` says the head word of ``kind`` in its title or
        bullet points."""
        head = _head_word(kind)
        if not categories or not head:
            return False
        snap = self.searcher.snapshot()
        return bool((snap.mask(Filters(categories=list(categories))) & snap.holds_words(head)).any())

    def _only_values(self, phrase: str) -> bool:
        """Whether every word of ``phrase`` is part of a colour, brand or attribute value the
        catalog has ("pink", "light pink"), none of a category name."""
        tokens = [t for t in tokenize(phrase) if t.text not in FILLER_WORDS]
        if not tokens:
            return False
        found = matcher_for(self.vocabulary).find(tokens)
        if any(m.kind == "category" for m in found):
            return False
        covered = {i for m in found for i in range(m.start, m.end)}
        return len(covered) == len(tokens)

    def _leaf_heads(self) -> frozenset[str]:
        """The head word of every leaf category's name, or of each kind a name lists ("wall lamps &
        sconces": lamp, sconce), singular; built once per schema."""
        schema = self.schema
        heads = schema.__dict__.get("_leaf_heads")
        if heads is None:
            heads = frozenset(
                singular(words[-1])
                for leaf in schema.categories
                for part in _GROUPING.split(leaf)
                if (words := re.findall(r"[a-z]+", part))
            )
            schema.__dict__["_leaf_heads"] = heads
        return heads

    def _in_titles(self, term: str) -> bool:
        """Whether some product's title or category name has the analyzed ``term``."""
        if term in self.searcher.snapshot().fields["title"]:
            return True
        levels = self._per_schema(
            "_level_terms",
            lambda: frozenset(
                t for level in {lv for path in self.schema.paths for lv in path} for t in analyze(level)
            ),
        )
        return term in levels

    def _names_products(self, word: str, term: str) -> bool:
        """Whether some title or category name calls a product by ``word`` (its analyzed ``term``)."""
        index = self._title_categories()
        return (
            bool(index.get_counts(word) or index.get_counts(singular(word))) or term in self._category_heads()
        )

    def _category_heads(self) -> frozenset[str]:
        """The analyzed last word of each part of every category level's name (per schema)."""

        def build() -> frozenset[str]:
            levels = {level for path in self.schema.paths for level in path}
            return frozenset(
                terms[-1]
                for level in levels
                for part in re.split(r"\s*[&,]\s*|\s+and\s+", level)
                if (terms := [t for t in analyze(part) if t.isalpha()])
            )

        return self._per_schema("_heads_of", build)

    def _unknown_kind_added(
        self, kind: str, message: str, plan: QueryPlan, previous: QueryPlan | None
    ) -> bool:
        """A follow-up whose product phrase ends in an English noun it adds, one no product text
        has and that is not a wish ("any carriers?" after cat trees), naming nothing close in meaning."""
        words = [t for t in analyze(kind) if t.isalpha()]
        said = [w for w in re.findall(r"[a-z]+", kind.lower()) if len(w) > 2 and w not in FILLER_WORDS]
        if not words or not said or previous is None or words[-1] in set(analyze(previous.query)):
            return False
        head = said[-1]
        before = re.findall(r"[a-z']+", kind.lower())[-2:-1]
        # a noun naming products: a plural ("carriers") or one after an article ("a footrest"), not
        # a stand-in ("a women's version") nor any other word ("too rich", "budget aside")
        plural = head.endswith("s") and not head.endswith("ss") and singular(head) in english_words()
        # "oh also, blender?": a noun asked alone
        asked_alone = [
            re.findall(r"[a-z]+", x)
            for x in re.split(r"(?<=[.!?])\s+", message.lower())
            if x.rstrip().endswith("?")
        ]
        alone = any(0 < len(words_said) <= 3 and words_said[-1] == head for words_said in asked_alone)
        if not (plural or alone or before in (["a"], ["an"], ["any"], ["some"])) or is_pro_form(head):
            return False
        if asked_fields(plan.filters, previous.filters) or plan.unknown_values:
            return False  # "got them in brown? …": a constraint on the kind shown, not another kind
        sentences = [
            x for x in re.split(r"(?<=[.!?])\s+", message.lower()) if head in re.findall(r"[a-z]+", x)
        ]
        matcher = matcher_for(self.vocabulary)
        if not any(asks(x) and head in re.findall(r"[a-z]+", product_phrase(x, matcher)) for x in sentences):
            return False  # "got them in brown? want it to match the shelves": no ask for shelves
        index = self._title_categories()
        # a word some text has but no title or category names a product by ("wear a helmet" in a
        # balance bike's description) is still another kind
        names_products = bool(
            index.get_counts(head) or index.get_counts(singular(head)) or words[-1] in self._category_heads()
        )
        if (
            (self.catalog.lexical().knows(words[-1]) and names_products)
            or describes(head)
            or head not in english_words()
            or any(head in p.split() for p in plan.preferences)
        ):
            return False
        nearest = self.searcher.nearest_similarity(kind)
        return nearest is None or nearest < self.settings.unnamed_kind_similarity

    def _pair_unseen(self, kind: str, plan: QueryPlan, said: Sequence[str] = ()) -> bool:
        """Whether the kind's last two words ("smoke detector") are in titles, but never together. A
        first word the planner reads as a wish ("quiet dishwasher") or a preference does not count.
        With ``said`` (the message as sent and as the planner reads it), also a noun before the head
        that names another kind (:meth:`_modifier_names_other_kind`)."""
        words = [w for w in re.findall(r"[a-z]+", kind.lower()) if len(w) > 2 and w not in FILLER_WORDS]
        if len(words) < 2 or any(words[-2] in p.split() for p in plan.preferences):
            return False
        # "king size": a value of some attribute is no kind of product
        tokens = tokenize(" ".join(words[-2:]))
        found = matcher_for(self.vocabulary).find(tokens)
        if any(m.kind != "category" for m in found):
            return False
        # a word the planner reads as a wish ("quiet dishwasher") is no kind either, unless the
        # catalog files products under it ("dog beds": Dogs, in a store whose beds are furniture);
        # a noun that is only a word of some use ("life" of battery life, "beach" of a beach day)
        # may still name a kind ("life jackets"), judged by the stricter reading below
        wish = describes(words[-2]) and not any(m.kind == "category" and m.end == 1 for m in found)
        if wish and not (
            _noun_modifier(words[-2])
            # ("the bedroom air feels stuffy": no category is named by "air")
            and any(singular(words[-1]) == _head_word(c) for c in plan.filters.categories)
        ):
            return False
        index = self._title_categories()
        head = singular(words[-1])
        # "a rain shell" where the shells titles name are filed under Rain Jackets: the modifier is the
        # kind's own word ("bird baths" under Birds is not: no title there names a bath)
        filed = {norm(c) for c, _ in [*index.get_counts(words[-1]), *index.get_counts(head)]}
        if any(singular(words[-2]) in _name_words(c) and norm(c) in filed for c in plan.filters.categories):
            return False
        # the last word must be what some title says a product is ("detector"), not any word ("spring")
        named = (
            index.get_counts(words[-1])
            or index.get_counts(head)
            or any(head in _name_words(c) for c in plan.filters.categories)
        )
        if not named:
            return False
        if not wish and index.pair_unseen(words[-2], words[-1]):
            return True
        return bool(said) and self._modifier_names_other_kind(words[-2], words[-1], plan, said)

    def _modifier_names_other_kind(
        self, modifier: str, head: str, plan: QueryPlan, said: Sequence[str]
    ) -> bool:
        """ "do you carry life jackets?" in a store whose jackets are clothing, "do yall have fish
        food too" where the foods are for dogs and cats: asked outright whether the store sells it, a
        noun said right before the head names another kind of it when no title says
        the two in a row and no product of that kind (the categories read, and every title naming the
        head) says the noun before its head or after "for". Two words one title holds apart ("Cat
        Food, Fish & Potato") do not say the kind; a material or use the kind's titles say ("Merino
        Wool Hiking Socks", "Immersion Hand Blender", "Air Purifier for Bedroom") is no other kind,
        nor is who it is for ("kids tent"), a word of the category's name ("ride on toy": Ride-Ons)
        or what it is without ("no-pull harness")."""
        if (
            not _noun_modifier(modifier)
            or singular(modifier) in people_words()
            or modifier in people_words()
            # only when asked outright whether the store sells it ("do you carry life jackets?"):
            # searched, a noun before the head is as often a use of the kind ("a winter jacket", "a
            # school backpack", "a shower speaker"), which the words alone do not tell apart
            or not any(asks_if_sold(text) for text in said if text)
        ):
            return False
        pair = rf"\b{re.escape(modifier)}[\s-]+{re.escape(head)}\b"
        if not any(re.search(pair, text.lower()) for text in said if text):
            return False  # the kind phrase joined words the shopper said apart
        if any(_said_without(modifier, text) for text in said if text):
            return False  # "a no-pull harness": what it is without
        kinds = [*plan.filters.categories, *([plan.category_hint] if plan.category_hint else [])]
        named = {w for k in kinds for level in [k, *self.schema.above(k)] for w in _name_words(level)}
        if singular(modifier) in named:
            return False
        # a level the catalog groups kinds under ("the bedroom air": Home > Bedroom) is a place in the
        # store, no other kind
        if any(
            m.kind == "category" and norm(m.value) not in self.schema.categories
            for m in matcher_for(self.vocabulary).find(tokenize(modifier))
        ):
            return False
        snap = self.searcher.snapshot()
        if snap.holds_words(f"{modifier} {head}").any():
            return False
        stem, heads = analyze(modifier), set(analyze(head))
        if not stem or not heads:
            return False
        of_kind = snap.title_says(head)
        if kinds:
            of_kind = of_kind | snap.mask(Filters(categories=kinds))
        after_for = re.compile(rf"\bfor\s+(?:[\w'-]+\s+){{0,2}}{re.escape(modifier)}", re.IGNORECASE)
        for p in np.flatnonzero(of_kind & snap.title_says(modifier)):
            stems = snap.title_words[p]
            first = next((i for i, t in enumerate(stems) if t == stem[0]), None)
            at_head = next((i for i, t in enumerate(stems) if t in heads), None)
            if first is not None and (at_head is None or first < at_head):
                return False
            if after_for.search(snap.products[p].title):
                return False
        return True

    def _guessed_kind_differs(self, query: str, kinds: list[str], message: str = "") -> bool:
        """A kind the planner guessed from a word of the ask ("washing machine": titles say "machine"
        for coffee makers), not one the shopper named, that no product of that kind is close to in
        meaning: the shopper asked for another kind of product. A kind whose head word the message
        says ("which of your dryers has the most power": Hair Dryers) was named."""

        def stems(text: str) -> set[str]:
            words = (t.stem.removesuffix("'s").replace("'", "") for t in tokenize(text))  # "women's"
            return {w for w in words if w.isalpha() and len(w) > 2}

        asked = stems(query)
        words = [t for t in tokenize(message) if t.text.isalpha()]
        index = self._title_categories()

        def said_head(name: str) -> bool:
            # the kind's head word, said whole or as the end of it ("pack" of Backpacks), not as the
            # head of a compound no title has ("life jacket" is no jacket)
            heads = stems(name.split()[-1]) if name.split() else set()
            for i, t in enumerate(words):
                w = t.stem.removesuffix("'s")
                # "blend it right in the pot": the verb whose doer is the kind (a blender) names it
                if not any(h == w or (len(w) >= 4 and h.endswith(w)) or _doer_of(w, h) for h in heads):
                    continue
                before = words[i - 1] if i else None
                if (
                    before is not None
                    and len(before.text) > 2
                    and before.stem not in FILLER_WORDS
                    and index.pair_unseen(before.text, t.text)
                ):
                    continue
                return True
            return any(h == w or (len(w) >= 4 and h.endswith(w)) for h in heads for w in asked)

        named = any(
            stems(name := self.vocabulary.categories.get(kind, kind)) & asked or said_head(name)
            for kind in kinds
        )
        if named or not asked:
            return False
        leaves = [k for k in kinds if self.schema.leaves(k)] or kinds
        nearest = self.searcher.nearest_similarity(query, Filters(categories=leaves))
        return nearest is not None and nearest < self.settings.out_of_catalog_similarity

    @property
    def llm_plans(self) -> bool:
        return self.model_profile.plans

    def _budget(self) -> TokenBudget:
        window = self.model_profile.context_window
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
        self,
        turn: _Turn,
        plan: QueryPlan,
        profile: ShopperProfile,
        previous: QueryPlan | None = None,
        shown: Sequence[Product] = (),
    ) -> tuple[QueryPlan, list[Product]]:
        """Filtered hybrid search and ranking, with honest relaxation and the plan's sort.

        Categories the planner inferred from the shopper's nouns are its guess, and real catalogs
        file products unevenly ("hat" under "Caps & Hats"): when the category leaves fewer products
        than a full answer, it is widened to products that still are what was asked for (the
        category's word in their title or path). When nothing meets every constraint, the least
        explicit one is loosened and the plan records it (:mod:`retrieval.relax`), so the answer
        says what was relaxed. A multi-item ask runs one search per item.
        """
        if plan.items:
            return self._retrieve_items(turn, plan, profile)
        # a child asked for before, in a turn this one goes on from ("below forty", "the earlier ones
        # again" after "my niece who's 7"), is still who it is for
        childs = for_a_child(plan.filters, turn.said or turn.message) or (
            previous is not None
            and for_a_child(previous.filters, "")
            and (
                plan.intent == "refine"
                or bool(set(plan.filters.categories) & set(previous.filters.categories))
                # "he also needs jeans for school" after a boy's track pants: the same child
                or _SOMEONE_SAID.search(turn.message.lower()) is not None
            )
        )
        if previous is not None and plan.intent != "refine":
            previous = None  # a new search asks for all of its constraints at once
        # a sort over a category or a brand ranks all of its products, not the few the text found first
        # (a follow-up scoped by the kind the conversation is about sorts all of that kind too)
        sorted_pool = plan.sort is not None and bool(
            plan.filters.categories or plan.filters.brands or (plan.intent == "refine" and plan.category_hint)
        )
        depth = 200 if sorted_pool else self.settings.rerank_depth

        def run(filters: Filters, query_plan: QueryPlan = plan, k: int = depth) -> list[Product]:
            result = self.searcher.search(
                SearchRequest(
                    query=_search_text(query_plan.model_copy(update={"filters": filters})),
                    filters=filters,
                    preferences=query_plan.preferences,
                    exclude_ids=list(dict.fromkeys([*profile.disliked_ids, *query_plan.exclude_ids])),
                    profile=profile,
                    k=k,
                    # a sort keeps every variant until sorted: the one at the extreme stands for them
                    dedupe_variants=False if sorted_pool else None,
                )
            )
            for stage, ms in result.timings_ms.items():
                turn.timings[f"search.{stage}"] = turn.timings.get(f"search.{stage}", 0.0) + ms
            return [c.product for c in result.candidates]

        asked_now = [plan.comparative.key] if plan.comparative else []
        if previous is not None:
            asked_now += [f for f in asked_fields(plan.filters, previous.filters) if f not in asked_now]
        # An attribute value that names the product asked for ("an espresso machine": type espresso)
        # is what it is, not a detail: the price is loosened before it.
        # (each sentence's: "… paying 7 bucks a day. espresso machine under $200?" names it in the second)
        phrases = [
            re.findall(r"[a-z0-9]+", product_phrase(sentence).lower())
            for sentence in _sentences(turn.message or "")
        ]
        kind = {w for words in phrases for w in words}
        defining = [
            k
            for k, v in plan.filters.attributes.items()
            if kind and v not in ("yes", "no") and set(re.findall(r"[a-z0-9]+", v.lower())) <= kind
        ]
        # a title word that is the noun naming the product ("a kettlebell that's like fifty pounds" in a
        # store filing kettlebells under Strength Training) is what it is, like a category: the spec
        # is loosened, not the kind
        heads = {singular(words[-1]) for words in phrases if words}
        keep = (
            ("category", TEXT_FIELD)
            if heads & {singular(w) for w in plan.filters.text_words}
            else ("category",)
        )
        # ("an expedition sleeping bag under 400": a word of the phrase naming the product is what it
        # is too; the budget is loosened before it, and the answer names the cheapest that is)
        named = {singular(w) for words in phrases for w in words}
        said_kind = named & {singular(w) for w in plan.filters.text_words}
        found = self._search_relaxed(
            plan.filters,
            run,
            keep=keep,
            last=asked_now,
            defining=[*defining, TEXT_FIELD] if said_kind else defining,
        )
        if plan.filters.categories and (
            (plan.filters.brands and any(r.field == "brand" for r in found.relaxed))
            or (found.relaxed and self._widens(plan.filters.categories))
        ):
            # "dewalt tool cases": the brand files them elsewhere; its products that still are what
            # was asked (the category's word in their title) come before other brands. Likewise a
            # widenable category ("sneakers": most are filed as Fashion Sneakers) is widened before
            # any constraint is loosened ("something in white").
            is_kind = self._kind_test(plan)
            kept = [p for p in run(plan.filters.model_copy(update={"categories": []})) if is_kind(p)]
            if kept:
                found = found.model_copy(
                    update={
                        "products": kept,
                        "filters": plan.filters.model_copy(update={"categories": []}),
                        "relaxed": [],
                    }
                )
        candidates, filters = found.products, found.filters
        if found.relaxed:
            plan = plan.model_copy(update={"filters": filters, "relaxed": [*plan.relaxed, *found.relaxed]})
        if (
            len(candidates) < self.settings.recommendations
            and plan.filters.categories
            and plan.query
            and self._widens(plan.filters.categories)
        ):
            relaxed = plan.filters.model_copy(update={"categories": []})
            is_kind = self._kind_test(plan)
            wider = [p for p in run(relaxed) if is_kind(p)]
            if len(wider) > len(candidates):
                # The plan keeps its category: the conversation is still about that kind of product
                # ("under ten bucks?" next searches it again, widened again if it must be).
                candidates = wider
        n = self.settings.recommendations
        if (
            len(candidates) < n
            and plan.intent == "search"
            and plan.filters.categories
            and not found.relaxed
            and not self.schema.attributes(plan.filters.categories)
            and (named := set(analyze(plan.query)) & set(analyze(" ".join(plan.filters.categories))))
        ):
            # A marketplace feed files things unevenly and its categories carry no attributes: a
            # category that holds only a few matches is topped up with the best matches filed
            # elsewhere whose titles have the words the ask and the category share ("polygel nail kit"
            # in Acrylic Nail Kits: nail kits filed elsewhere; "picnic basket": not any basket), meeting
            # every other constraint.
            fits = self._tops_up(plan.filters.categories, named)
            extra = run(plan.filters.model_copy(update={"categories": []}))
            candidates = (
                candidates + [p for p in extra if p not in candidates and fits(p)][: n - len(candidates)]
            )
        if plan.intent == "refine" and not plan.filters.categories and plan.category_hint and candidates:
            # A follow-up in a catalog without that category as a filter ("the same but white" after
            # earbuds): products of the kind the conversation is about, not other white things; a
            # name several parents file ("Cases": card storage, earbud accessories) is the one shown.
            kind_filters = found.filters.model_copy(
                update={
                    "categories": [plan.category_hint],
                    "categories_all": [
                        *found.filters.categories_all,
                        *self._shown_parent(plan.category_hint, shown),
                    ],
                }
            )
            # (after a loosened search too: "do they come in black" loosens "sleeved", not the kind)
            of_kind = run(kind_filters)
            if of_kind:
                hinted_kind = self._kind_test(plan.model_copy(update={"filters": kind_filters}))
                scope = set(kind_filters.categories_all)
                # others filed elsewhere as the same kind; one filed nowhere is judged only by a word
                # of its title ("Headphone Jack Adapter" is no earbud), too little once the kind has
                # products of its own
                candidates = of_kind + [
                    p
                    for p in candidates
                    if p not in of_kind
                    and p.category
                    and hinted_kind(p)
                    and scope <= {norm(c) for c in p.category}
                ]
            else:
                # Nothing of that kind meets every constraint ("do they come in black" under the
                # price of "cheaper?"): the closest of the kind, with what was loosened said, rather
                # than other black things.
                within = self._search_relaxed(
                    kind_filters, run, keep=("category", LEVEL_FIELD), last=asked_now
                )
                if within.products and (within.relaxed or within.filters.colors != kind_filters.colors):
                    # (what was loosened said; or the color found among mixed ones: "Pink/Gray")
                    candidates = within.products
                    plan = plan.model_copy(
                        update={
                            "filters": within.filters.model_copy(
                                update={"categories": [], "categories_all": found.filters.categories_all}
                            ),
                            "relaxed": [*plan.relaxed, *within.relaxed],
                        }
                    )
        elif plan.intent == "search" and not plan.filters.categories and plan.category_hint and candidates:
            plan, candidates = self._closest_of_guessed_kind(plan, found, candidates, run, asked_now)
        elif plan.intent == "search" and candidates and not found.relaxed:
            plan, candidates = self._focused_on_kind(
                plan,
                found.filters,
                candidates,
                run,
                vague=asks_vaguely(turn.said or turn.message),
                said=turn.said or turn.message,
            )
        if plan.filters.child_age is not None and candidates:
            # a kind topped up or widened around a few filed ones: those whose own text states ages
            # taking in the child ("Ages 3 and Up") first, as the search orders its own matches
            candidates = self.searcher.ages_first(candidates, plan.filters.child_age)
        if plan.sort is None and candidates and not childs:
            # "headphones for long flights", "a warm jacket for the rain": nobody named a child, so
            # what is made for a grown-up leads and a kids' one follows
            candidates = self.searcher.adults_first(
                candidates, excluded_for_use(), adult_words(), window=self.settings.recommendations
            )
        if plan.sort is not None and candidates:
            if sorted_pool and not found.relaxed:
                candidates = self._one_per_variant(_sorted_by(candidates, plan.sort.key, plan.sort.order))
            elif not found.relaxed:
                n = self.settings.recommendations
                candidates = _sorted_by(candidates[:n], plan.sort.key, plan.sort.order) + candidates[n:]
        return plan, candidates

    def _closest_of_guessed_kind(
        self,
        plan: QueryPlan,
        found: RelaxedSearch,
        candidates: list[Product],
        run: Callable[[Filters], list[Product]],
        asked_now: list[str],
    ) -> tuple[QueryPlan, list[Product]]:
        """A fresh ask whose kind is only guessed ("hair tinsel, 5 dollars or less" in a feed with no
        Tinsel category): when none of the matches is of that kind and nothing of the kind meets every
        constraint, the closest of the kind with what was loosened said, not other things under $5.
        When some match is of the kind, or the kind has products meeting every constraint, the
        matches stand (the guess does not lead the search)."""
        kind_filters = found.filters.model_copy(update={"categories": [plan.category_hint]})
        of_kind = self._kind_test(plan.model_copy(update={"filters": kind_filters}))
        if any(of_kind(p) for p in candidates) or run(kind_filters):
            return plan, candidates
        within = self._search_relaxed(kind_filters, run, keep=("category", LEVEL_FIELD), last=asked_now)
        if not within.products or not within.relaxed:
            return plan, candidates
        loosened = within.filters.model_copy(update={"categories": []})
        return plan.model_copy(
            update={"filters": loosened, "relaxed": [*plan.relaxed, *within.relaxed]}
        ), within.products

    def _ruled_out(self, filters: Filters, category: str) -> bool:
        """Whether ``filters`` rule ``category`` out: it, or a level above it, is what the product is
        for (``Filters.exclude_categories``)."""
        ruled = set(filters.exclude_categories)
        return bool(ruled) and (norm(category) in ruled or bool(ruled & self.schema.above(category)))

    def _focused_on_kind(
        self,
        plan: QueryPlan,
        filters: Filters,
        candidates: list[Product],
        run: Callable[[Filters], list[Product]],
        *,
        vague: bool = False,
        said: str = "",
    ) -> tuple[QueryPlan, list[Product]]:
        """A search that names no kind of product, brand or category ("something tall my three cats
        can climb and sleep on"): when one leaf category's name is clearly the nearest to the ask (by
        ``kind_focus_similarity`` and ``kind_focus_margin`` over the next), the matches are that
        kind's, and the conversation is about that kind from then on. Otherwise the matches stand.
        A size the ask ``said`` that the kind states only in its titles ("led strips, at least 30
        feet") is asked of it then, loosened and said when none has it.
        A ``vague`` ask under one level of the catalog ("my cat … what do i get so she stops
        licking": Cats) is focused among that level's leaves the same way; any other ask under one
        level ("somewhere comfy for my old dog to sleep": Dogs) on the leaf under it whose own
        products are clearly the nearest (``kind_products_margin``)."""
        # several leaves read from who it is for ("my 6 yr old wants something to zoom around the
        # driveway on": every kids' category) are no kind named either: the nearest of them, if clear
        among = (
            set(filters.categories)
            if len(filters.categories) >= _MANY_KINDS
            and all(self.schema.leaves(c) and len(self.schema.leaves(c)) == 1 for c in filters.categories)
            else None
        )
        similarity, level = self.settings.kind_focus_similarity, []
        under_level = False
        if len(filters.categories) == 1 and len(under := self.schema.leaves(filters.categories[0])) >= 2:
            # a level the ask named with no kind ("somewhere comfy for my old dog to sleep": Dogs):
            # a vague ask's leaf by name, then any ask's by its own products (below)
            among, level, under_level = {norm(leaf.name) for leaf in under}, list(filters.categories), True
            similarity = self.settings.level_focus_similarity
        if (
            (filters.categories and among is None)
            or filters.categories_all
            or filters.brands
            or plan.category_hint
            or plan.items
        ):
            return plan, candidates
        # (not the many leaves' own words, nor the level's: "cat" says nothing of which cat supply)
        level_words = {singular(w) for c in level for w in re.findall(r"[a-z]+", c.lower())}
        asked = " ".join(w for w in plan.query.split() if singular(w.lower()) not in level_words)
        leaf = (
            None
            if under_level and not vague
            else self.searcher.clearly_nearest_leaf(
                (asked or plan.query) if among else _search_text(plan),
                similarity,
                self.settings.kind_focus_margin,
                among,
            )
        )
        if leaf is None and under_level and asked:
            # (two products of their own are enough among the few leaves of one level: Cat Trees;
            # an ask of nothing but the level's own name, "headphones please", asks for all of it)
            leaf = self.searcher.clearly_nearest_by_products(
                said or plan.query, self.settings.kind_products_margin, among=among, least=2
            )
        elif leaf is None and among is None and not level and not plan.filters.categories:
            # no leaf's name is near the need told ("my 60hz screen feels like a slideshow"): the leaf
            # whose own products are clearly the nearest to what was said
            leaf = (
                self.searcher.clearly_nearest_by_products(
                    said or plan.query, self.settings.kind_products_margin
                )
                or self.searcher.leaf_led_by_meaning_and_words(said or plan.query)
                or self._nearly_all_of(candidates)
            )
        if leaf is None or self._ruled_out(filters, leaf):
            # ("something to carry my laptop in": the laptops it is for are no kind to focus on)
            return plan, candidates
        key = norm(leaf)
        focused = [p for p in candidates if p.category and norm(p.category[-1]) == key]
        kind = filters.model_copy(
            update={"categories": [key], "categories_all": [*filters.categories_all, *level]}
        )
        sizes = sizes_asked(said, kind, self.searcher.snapshot(), self.schema)
        if sizes:
            sized = self._search_relaxed(
                kind.model_copy(update={"title_quantities": {**kind.title_quantities, **sizes}}),
                run,
                keep=("category", LEVEL_FIELD),
            )
            if sized.products:
                update = {"filters": sized.filters, "relaxed": [*plan.relaxed, *sized.relaxed]}
                return plan.model_copy(update=update), sized.products
        if len(focused) < self.settings.recommendations:
            focused = run(kind) or focused  # the kind's own matches, not only those the wide search met
        if not focused:
            return plan, candidates
        return plan.model_copy(update={"filters": kind}), focused

    def _nearly_all_of(self, candidates: Sequence[Product]) -> str | None:
        """The leaf category all but one of the first matches an answer shows are filed under (at least
        three): "my daughter has trouble settling down at night … something heavy over her" finds four
        weighted blankets and a bed blanket; the ask is about weighted blankets."""
        n = self.settings.recommendations
        first = [p.category[-1] for p in candidates[:n] if p.category]
        if len(candidates) < n or not first:
            return None
        leaf, count = Counter(first).most_common(1)[0]
        return leaf if count >= max(3, n - 1) else None

    def _search_relaxed(
        self,
        filters: Filters,
        run: Callable[[Filters], list[Product]],
        *,
        keep: Sequence[str] = (),
        last: Sequence[str] = (),
        defining: Sequence[str] = (),
    ) -> RelaxedSearch:
        """:func:`search_relaxed`, where before anything is given up the color asked is looked for in
        mixed colors too (:meth:`_in_mixed_colors`: "white" listed as "White Finish" meets every
        constraint, better than a price loosened)."""
        found = search_relaxed(filters, run, keep=keep, last=last, defining=defining)
        # (only within a kind: any pink thing in the store is no answer to "any in pink?")
        if filters.colors and filters.categories and found.relaxed:
            return self._in_mixed_colors(filters, run) or found
        return found

    def _in_mixed_colors(
        self, filters: Filters, run: Callable[[Filters], list[Product]]
    ) -> RelaxedSearch | None:
        """ "any in pink?" where no product of the kind is listed as a pink shade alone: those listed
        in colors with pink among others ("Pink/Gray", "Gun metal pink"), before the color is given up."""
        # the colors asked: a shade names one ("matte red"); a mixed value already listed ("1-2black&red")
        # asks for neither
        named = [[w for w in re.findall(r"[a-z]+", c.lower()) if w in COLOR_WORDS] for c in filters.colors]
        asked = {ws[0] for ws in named if len(ws) == 1}
        other = spelling_variants()
        asked |= {other.get(w, w) for w in asked}
        if not asked:
            return None
        mixed = [
            value
            for value in self.vocabulary.colors
            if asked & set(re.findall(r"[a-z]+", value.lower())) and value not in filters.colors
        ][:_MAX_SHADES]
        if not mixed:
            return None
        wider = filters.model_copy(update={"colors": [*filters.colors, *mixed]})
        found = run(wider)
        return RelaxedSearch(products=found, filters=wider) if found else None

    def _one_per_variant(self, products: list[Product]) -> list[Product]:
        """The first of each variant group in ``products`` (sorted: the one at the extreme)."""
        snap = self.searcher.snapshot()
        groups = [
            int(snap.variant[snap.position[p.id]]) if p.id in snap.position else -1 - i
            for i, p in enumerate(products)
        ]
        return [products[i] for i in dedupe_variants(np.array(groups))]

    def _shown_parent(self, hint: str, shown: Sequence[Product]) -> list[str]:
        """The level above ``hint`` on the path of the shown products filed under it, when the
        catalog files that name under more than one parent (else nothing: the name is enough)."""
        key = norm(hint)
        if len({path[path.index(key) - 1] for path in self.schema.paths if key in path[1:]}) < 2:
            return []
        parents = Counter(
            p.category[i - 1] for p in shown for i, level in enumerate(p.category) if i and norm(level) == key
        )
        return [norm(parents.most_common(1)[0][0])] if parents else []

    def _kind_test(self, plan: QueryPlan) -> Callable[[Product], bool]:
        """Whether a product is the kind of product the plan's categories name: its category path or
        the head of its title (what the title says it is) has a word of the most specific of them
        ("hiking backpacks" names backpacks; hiking boots are not a widening of it, nor is a "Bottle
        Cleaning Brush" a bottle). A product filed under no category is judged by its whole title.
        What the plan asks is read once; the test is then run on each candidate."""
        lexical = self.catalog.lexical()
        categories = plan.filters.categories
        parents = self.schema.parents
        specific = [c for c in categories if not any(o != c and o in parents.get(c, []) for o in categories)]
        # the head word of each kind the name lists ("electric shavers": shaver, not electric;
        # "wall lamps & sconces": lamp, sconce)
        heads = [part.split()[-1] for c in specific for part in _GROUPING.split(c) if part.split()]
        wanted = set(lexical.terms(" ".join(heads)))
        # "hummingbird feeder": the word the shopper put before the kind's head word narrows it (a pet
        # bowl's "Elevated Feeder" is no hummingbird feeder); a color or a category level does not
        words = re.findall(r"[a-z]+", plan.query.lower())
        levels = {w for c in categories for w in re.findall(r"[a-z]+", c.lower())}
        modifiers = [
            set(lexical.terms(words[i - 1]))
            for i in range(1, len(words))
            if set(lexical.terms(words[i])) & wanted
            and words[i - 1] not in COLOR_WORDS
            and words[i - 1] not in FILLER_WORDS
            and words[i - 1] not in levels
            and len(words[i - 1]) > 2
            and lexical.knows(next(iter(lexical.terms(words[i - 1])), ""))
        ]

        # the words that make the kind asked one kind of its head ("laser printers": laser): a level of
        # that head with none of them is a sibling kind ("Inkjet Printers", "Lunch Bags"). A category
        # read from a word the shopper ruled out says nothing of its siblings ("paper bags without
        # handles" is no ask for Top-Handle Bags).
        asked = {norm(c) for c in categories}
        narrowing = {
            t for c in specific for t in set(lexical.terms(c)) - set(lexical.terms(" ".join(level_kinds(c))))
        }
        ruled_out = set(
            lexical.terms(
                " ".join(
                    w
                    for i, w in enumerate(words)
                    if negated_words(" ".join(words[:i]), w, " ".join(words[i + 1 :]))
                )
            )
        )
        if narrowing & ruled_out:
            narrowing = set()

        @cache  # a feed has few distinct levels; the test runs per candidate
        def sibling(level: str) -> bool:
            if not narrowing or norm(level) in asked or _GROUPING.search(level):
                return False
            kinds = set(lexical.terms(" ".join(level_kinds(level))))
            rest = set(lexical.terms(level)) - kinds
            return bool(kinds & wanted and rest and not rest & narrowing)

        @cache
        def leaf_of_sibling(path: tuple[str, ...]) -> bool:
            # a leaf named for a kind of its parent's head ("Oils > Soybean", "Oils > Peanut" for
            # "fish oil"): the pair names a sibling kind the way "Soybean Oils" would
            if len(path) < 2 or not narrowing or norm(path[-1]) in asked or _GROUPING.search(path[-2]):
                return False
            if set(lexical.terms(" ".join(level_kinds(path[-1])))) & wanted:
                return False
            parent = set(lexical.terms(" ".join(level_kinds(path[-2]))))
            return bool(parent & wanted and not set(lexical.terms(path[-1])) & narrowing)

        def test(product: Product) -> bool:
            # a level grouping several kinds ("Hair Extensions, Wigs & Accessories") does not say which
            # of them the product is: its own title does
            # a level says so by its head word: "Smartwatch Bands" are bands, not smartwatches;
            # "Inkjet Printer Paper" is paper; "Snorkeling Packages" hold snorkels
            if any(sibling(c) for c in product.category) or leaf_of_sibling(tuple(product.category)):
                return False
            single = [w for c in product.category if not _GROUPING.search(c) for w in level_kinds(c)]
            said = (
                " ".join([*single, *title_head_words(product.title)[-1:]])
                if product.category
                else title_is_part(product.title)
            )
            if not wanted & set(lexical.terms(said)):
                return False
            own = set(lexical.terms(f"{product.title} {' '.join(product.category)}"))
            return all(m & own for m in modifiers)

        return test

    def _tops_up(self, categories: list[str], named: set[str]) -> Callable[[Product], bool]:
        """Whether a product filed outside ``categories`` may top up the few they hold: its title has
        ``named`` (the words the ask and the category share), and it is filed in the same part of the
        store below the department, or titled with every word of a category's name. A "360 wave
        brush" in Hair Brushes is not topped up with makeup brush sets, filed under Makeup Brushes &
        Tools; a Woven Picnic Basket filed under Storage is a picnic basket. An uncategorised product
        is judged by its title alone."""
        schema = self.schema
        levels = {norm(c) for c in categories} | {a for c in categories for a in schema.above(c)}
        near = levels - {d for c in levels for d in schema.departments(c)}
        whole = [set(analyze(c)) for c in categories]
        # the kind's own head word ("pendants": pendant); one naming a group ("Acrylic Nail Kits")
        # leaves the kind to the title
        groups = lexicons().collections
        heads = {
            t
            for c in categories
            for words in _level_parts(c)
            if words[-1] not in groups
            for t in analyze(words[-1])
        } & named

        def fits(product: Product) -> bool:
            title = set(analyze(product.title))
            if not named <= title or not named <= set(analyze(title_is_part(product.title))):
                # the title names the kind only as what the product is made for ("Bands Compatible
                # with … Smartwatch", "Brush Cleaner for tumblers")
                return False
            if heads and heads & {t for c in product.category for t in analyze(c)}:
                # filed where the kind names what the products are for ("Pendant Lights": lights)
                kinds = {t for c in product.category for t in analyze(" ".join(level_kinds(c)))}
                if not heads & kinds:
                    return False
            # (filed elsewhere, the title's first part names the kind as what the product is, not as
            # a feature it comes with or an ingredient it lists: an "Alarm Clock with Night Light" is
            # a clock, a "Daily Gummy Multivitamin: … Omega 3 Fish Oil" a multivitamin)
            first = _FIRST_PART.split(product.title, maxsplit=1)[0]
            itself = set(analyze(_WITH_FEATURE.split(first, maxsplit=1)[0]))
            return (
                not product.category
                or bool(near & {norm(c) for c in product.category})
                or any(w <= itself for w in whole)
            )

        return fits

    def _widens(self, categories: list[str]) -> bool:
        """Whether a category that leaves too few products may be widened to products that still are
        what was asked for: a one-word name ("kits", "bags": real feeds file such things unevenly) or
        a tiny category; a specific one ("trail running shoes") is kept as asked."""
        schema = self.schema
        size = sum(leaf.count for c in categories for leaf in schema.leaves(c))
        return size < _WIDEN_BELOW or all(len(c.split()) == 1 for c in categories)

    def _retrieve_items(
        self, turn: _Turn, plan: QueryPlan, profile: ShopperProfile
    ) -> tuple[QueryPlan, list[Product]]:
        """One search per item of a multi-item ask; the results interleave, so each item shows."""
        groups: list[list[Product]] = []
        relaxed = list(plan.relaxed)
        for item in plan.items:
            shared = plan.filters.model_copy(update={"categories": item.categories})
            if item.categories:
                # a spec said for the whole ask holds for the items whose kind has it ("boots that
                # won't soak through and a daypack": waterproof boots, any daypack)
                keys = set(self.schema.attributes(item.categories))
                shared = shared.model_copy(
                    update={
                        name: {k: v for k, v in getattr(shared, name).items() if k in keys}
                        for name in ("attributes", "attribute_in", "attribute_ranges")
                    }
                )
            sub = plan.model_copy(
                update={"query": item.query, "items": [], "filters": combine(shared, item.filters)}
            )
            searched, found = self._retrieve(turn, sub, profile)
            if not item.categories and found and found[0].category:
                # an item its words name no kind of ("a cork block"): the kind of its best match
                best = found[0].category[-1]
                found = [p for p in found if p.category and p.category[-1] == best]
            # An item nothing met shows its closest two, not a list that pushes out the other items
            groups.append(found[:2] if len(searched.relaxed) > len(plan.relaxed) else found)
            # What an item's search loosened is said, as for a single search: the answer must not
            # claim "under $50" over items shown because nothing under $50 was left. One sentence
            # per constraint, naming each item's closest ("the cheapest keyboard is $109; … mouse …").
            kind = self.vocabulary.categories.get(item.categories[0], "") if item.categories else ""
            for r in searched.relaxed[len(plan.relaxed) :]:
                closest = _named_closest(r.closest, f"in {kind}") if kind else r.closest
                same = next(
                    (i for i, o in enumerate(relaxed) if (o.field, o.asked) == (r.field, r.asked)), None
                )
                if same is None:
                    relaxed.append(r.model_copy(update={"closest": closest}))
                elif closest and closest not in relaxed[same].closest:
                    joined = "; ".join(c for c in (relaxed[same].closest, closest) if c)
                    relaxed[same] = relaxed[same].model_copy(update={"closest": joined})
        if plan.total_budget and plan.filters.price_max is not None and len(groups) > 1:
            total = plan.filters.price_max
            cheapest = [min((p.price for p in g if p.price is not None), default=None) for g in groups]
            if all(c is not None for c in cheapest) and sum(c for c in cheapest if c is not None) > total:
                # "a kettlebell plus a jump rope, sixty for the pair": an item's cheaper variants (the
                # 15 lb kettlebell) are searched for under what the other items' cheapest leave
                for i, item in enumerate(plan.items):
                    others = sum(c for j, c in enumerate(cheapest) if j != i and c is not None)
                    cap = total - others
                    if cap <= 0 or (cheapest[i] or 0.0) <= cap:
                        continue
                    shared = plan.filters.model_copy(update={"categories": item.categories, "price_max": cap})
                    sub = plan.model_copy(
                        update={"query": item.query, "items": [], "filters": combine(shared, item.filters)}
                    )
                    searched, found = self._retrieve(turn, sub, profile)
                    if found and len(searched.relaxed) == len(plan.relaxed):
                        groups[i] = found
            groups, over = _within_total(groups, total)
            if over is not None:
                relaxed.append(
                    Relaxation(
                        field="price",
                        asked=f"{_price(plan.filters.price_max)} for everything together",
                        closest=f"the cheapest together is {_price(over)}",
                    )
                )
        # each item's products interleave, one of each product family first: another color of one
        # item's only match does not push out the other items' matches
        firsts = [self._one_per_variant(g) for g in groups]
        merged: list[Product] = []
        seen: set[str] = set()
        for layer in (firsts, groups):
            for rank in range(max((len(g) for g in layer), default=0)):
                for group in layer:
                    if rank < len(group) and group[rank].id not in seen:
                        seen.add(group[rank].id)
                        merged.append(group[rank])
        filters = plan.filters.model_copy(update={"categories": []})
        return plan.model_copy(update={"filters": filters, "relaxed": relaxed}), merged

    def _call(self, turn: _Turn) -> StructuredCall:
        from assistant.llm import structured
        from prompts import load_prompt

        def call(name: str, variables: dict[str, str], schema: type[M], /) -> tuple[M, Usage]:
            prompt = load_prompt(name, self.settings.prompt_versions.get(name))
            turn.prompt_versions[prompt.name] = str(prompt.version)
            reply, usage = structured(
                self.chat_model,
                prompt.render(**variables),
                schema,
                timeout_s=self.settings.llm_timeout_s,
                deadline=turn.deadline,
                breaker=self.llm_circuit,
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
            llm_reasons=self.model_profile.model_reasons,
            schema=self.schema,
        )

    def _say(self, turn: _Turn, text: str) -> Iterator[ChatEvent]:
        for piece in _WORD_CHUNK.findall(text):
            turn.text.append(piece)
            yield TokenEvent(session_id=turn.session_id, turn_id=turn.turn_id, text=piece)

    def _answer(
        self, turn: _Turn, plan: QueryPlan, explained: Explained, previous: list[Product]
    ) -> Iterator[ChatEvent]:
        responses = load_responses()
        turn.prompt_versions[responses.name] = str(responses.version)
        composed = results_text(responses, plan, explained.products, self.schema, previous)
        if self.llm_writes_answer:
            from assistant.llm import stream_text
            from prompts import load_prompt

            prompt = load_prompt("answer", self.settings.prompt_versions.get("answer"))
            turn.prompt_versions[prompt.name] = str(prompt.version)
            lines = [
                f"{i + 1}. {model_title(p)} ({_price(p.price) or 'price n/a'}): {r}"
                for i, (p, r) in enumerate(zip(explained.products, explained.reasons, strict=True))
            ]
            messages = prompt.render(request=_describe(plan), recommendations="\n".join(lines))
            stream = stream_text(
                self.chat_model,
                messages,
                timeout_s=self.settings.llm_timeout_s,
                deadline=turn.deadline,
                breaker=self.llm_circuit,
            )
            checker = _AnswerChecker(explained.products, plan, self.vocabulary)
            composed_said = False
            try:
                with turn.timed("answer"):
                    for piece in stream:
                        for text in checker.feed(piece):
                            yield from self._say(turn, text)
                    for text in checker.flush():
                        yield from self._say(turn, text)
            except LLMError as exc:
                # A stream cut at the deadline (or failed) loses its unfinished sentence; the answer
                # is finished from catalog facts.
                log.warning("answer stream stopped: %s", classify(exc))
                yield DegradedEvent(
                    session_id=turn.session_id,
                    turn_id=turn.turn_id,
                    stage="answer",
                    reason=f"LLM answer {describe_failure(exc)}; answered from catalog facts",
                )
                composed_said = True
                yield from self._say(turn, (" " if turn.text else "") + composed)
            finally:
                stream.close()
            if stream.usage is not None:
                turn.add_usage(stream.usage)
            if checker.dropped:
                yield DegradedEvent(
                    session_id=turn.session_id,
                    turn_id=turn.turn_id,
                    stage="answer",
                    reason=f"dropped {checker.dropped} unsupported claim(s) from the model's answer",
                )
            if not turn.text:
                composed_said = True
                yield from self._say(turn, composed)  # the composed answer states the relaxation
            if plan.relaxed and not composed_said:
                # What was relaxed is a fact the shopper must see, whatever the model wrote.
                yield from self._say(
                    turn,
                    " " + " ".join(relaxation_text(responses, plan, explained.products)),
                )
        else:
            yield from self._say(turn, composed)
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
                    constraints=constraints_text(plan),
                    cheapest=_price(min(prices)),
                )
                return text
        text = r.render("no_results", query=plan.query, constraints=constraints_text(plan))
        if plan.unknown_values:
            text += " " + r.render("unknown_values", values=", ".join(plan.unknown_values))
        return text


_KIND_WORDS = 3
"""Words a name of a kind of product runs to; a longer "kind" is the rest of a sentence ("cat spayed
yesterday wont leave her stitches alone"), nothing to decline."""


def _kind_began(history: Sequence[HistoryTurn], categories: Sequence[str]) -> str:
    """The shopper's message the conversation's current ``categories`` began with: the earliest of the
    latest run of planned messages asking for them ("" when the last planned one asks for none)."""
    began = ""
    for h in reversed(history):
        if h.role != "user" or h.plan is None:
            continue
        if not categories or set(h.plan.filters.categories) != set(categories):
            break
        began = h.content
    return began


_MANY_KINDS = 3


_KIND_TITLES = 3
"""How many titles must name a word as what the product is for the word to be a kind of product."""


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


def _named_closest(closest: str, kind: str) -> str:
    """ "the cheapest is $109" → "the cheapest in Keyboards is $109" (one item of a multi-item ask)."""
    for word in ("cheapest", "priciest", "closest below", "closest above"):
        closest = closest.replace(f"the {word} is", f"the {word} {kind} is")
    return closest


def _session_shopper(session_id: str) -> str:
    """The shopper key of an anonymous session."""
    return f"session:{session_id}"


_TITLE_SEGMENT = re.compile(r",|\s[-–—|]\s|\s(?:with|for|by|and|in|featuring|includes?)\s|\(|/")


def _units_words() -> frozenset[str]:
    from assistant.plan.planner import _unit_words

    return _unit_words() | {"inch", "inches", "in", "pack", "set", "piece", "count"}


def title_head_words(title: str) -> list[str]:
    """The words that name what a product is: the last two words of its title's first segment
    ("Hearthline QuietClean 300 24-Inch Built-In Dishwasher, 44 dBA" → built, in, dishwasher)."""
    segment = _TITLE_SEGMENT.split(title.casefold(), maxsplit=1)[0]
    words = re.findall(r"[a-z]+", segment)
    return words[-2:]


def level_kinds(level: str) -> list[str]:
    """The words of one category level that say what its products are: each grouped part's last word,
    and the word before it when that last word names a group (``numbers.yaml`` collections):
    "Smartwatch Bands" → bands; "Disc Brake Sets" → sets, brake; "Wall Lamps & Sconces" → lamps,
    sconces. The other words say what the products are for or of."""
    groups = lexicons().collections
    kinds: list[str] = []
    for words in _level_parts(level):
        kinds.extend(words[-2:] if len(words) > 1 and words[-1] in groups else words[-1:])
    return kinds


def _level_parts(level: str) -> list[list[str]]:
    """The words of each kind a category level groups ("Wall Lamps & Sconces" → [wall, lamps], [sconces])."""
    return [words for part in _GROUPING.split(level) if (words := re.findall(r"[a-z]+", part.casefold()))]


def title_is_part(title: str) -> str:
    """The parts of a title that say what the product is: each segment up to where it starts saying
    what the product is made for ("Slim Bling Bands Compatible with Fitbit Charge 3 Smartwatch" →
    "Slim Bling Bands"; "Bottle Brush Cleaner for tumbler" → "Bottle Brush Cleaner")."""
    return " ".join(_MADE_FOR.split(segment, maxsplit=1)[0] for segment in _TITLE_PARTS.split(title))


_TITLE_PARTS = re.compile(r"[,;|(]|\s[-–—]\s")
_MADE_FOR = re.compile(r"\b(?:for|compatible|fits?)\b", re.IGNORECASE)
# where a title's first part ends ("… Gummy Multivitamin: Fiber for …, Omega 3 Fish Oil")
_FIRST_PART = re.compile(r"[,;:|(]|\s[-–—]\s")
# where a title starts saying what the product comes with ("Small Clock with Night Light")
_WITH_FEATURE = re.compile(r"\b(?:with|w/|featuring|includes?|including)\b", re.IGNORECASE)


def _title_kind_words(title: str) -> set[str]:
    """:func:`title_head_words` without a count after a number ("Socks 3 Pack", "Set of 4"), which
    says how many, not what ("Backpacking Pack" is a pack)."""
    segment = _TITLE_SEGMENT.split(title.casefold(), maxsplit=1)[0]
    words = re.findall(r"[a-z0-9]+", segment)
    alpha = [i for i, w in enumerate(words) if w.isalpha()][-2:]
    units = _units_words()
    return {
        words[i]
        for i in alpha
        if words[i] not in units or (i > 0 and words[i - 1].isalpha() and words[i - 1] not in ("of", "per"))
    }


_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


class _AnswerChecker:
    """Streams a model's answer sentence by sentence, each one claim-checked against the products
    shown (:func:`assistant.claims.verify_text`) before the shopper sees it."""

    def __init__(self, products: list[Product], plan: QueryPlan, vocabulary: Vocabulary) -> None:
        self.products, self.plan, self.vocabulary = products, plan, vocabulary
        self.buffer = ""
        self.dropped = 0
        self.started = False

    def feed(self, piece: str) -> list[str]:
        self.buffer += piece
        parts = _SENTENCE_END.split(self.buffer)
        if len(parts) == 1:
            return []
        self.buffer = parts[-1]
        return [t for s in parts[:-1] if (t := self._check(s))]

    def flush(self) -> list[str]:
        rest, self.buffer = self.buffer, ""
        return [t] if rest.strip() and (t := self._check(rest)) else []

    def _check(self, sentence: str) -> str:
        from assistant.claims import verify_text

        checked = verify_text(sentence, self.products, filters=self.plan.filters, vocabulary=self.vocabulary)
        self.dropped += len(checked.unsupported)
        if not checked.text:
            return ""
        text = (" " if self.started else "") + checked.text
        self.started = True
        return text


@dataclass
class _TitleCategories:
    """word (as written, and singular) → leaf categories of the products whose titles hold it."""

    version: int
    counts: dict[str, dict[str, int]]

    @classmethod
    def build(cls, version: int, products: list[Product]) -> _TitleCategories:
        from assistant.plan.text import singular

        counts: dict[str, dict[str, int]] = {}
        for p in products:
            if not p.category:
                continue
            leaf = p.category[-1].casefold()
            for word in _title_kind_words(p.title):
                for form in {word, singular(word)}:
                    table = counts.setdefault(form, {})
                    table[leaf] = table.get(leaf, 0) + 1
        leaves: list[str] = []
        postings: dict[str, set[int]] = {}
        makers: dict[str, set[str]] = {}
        for p in products:
            if not p.category:
                continue
            for word in set(re.findall(r"[a-z0-9]+", f"{p.brand or ''} {p.title}".casefold())):
                postings.setdefault(word, set()).add(len(leaves))
            leaves.append(p.category[-1].casefold())
            if p.brand:
                makers.setdefault(p.brand.casefold(), set()).add(p.category[-1].casefold())
        return cls(version=version, counts=counts, leaves=leaves, postings=postings, makers=makers)

    leaves: list[str] = field(default_factory=list)
    postings: dict[str, set[int]] = field(default_factory=dict)
    makers: dict[str, set[str]] = field(default_factory=dict)

    def brand_leaves(self, brand: str) -> set[str]:
        """The leaf categories the products ``brand`` makes are filed under (by their brand field)."""
        return set(self.makers.get(brand.casefold(), set()))

    def pair_unseen(self, first: str, second: str) -> bool:
        """Whether no title holds both words (any plural form), while each is in some title."""
        from assistant.plan.text import singular

        def ids(word: str) -> set[int]:
            stem = singular(word)
            found: set[int] = set()
            for form in {word, stem, stem + "s", stem + "es"}:
                found |= self.postings.get(form, set())
            return found

        a, b = ids(first), ids(second)
        return bool(a) and bool(b) and not (a & b)

    def get_counts(self, word: str) -> list[tuple[str, int]]:
        """One word: the categories of products whose title names it as what they are. Several words
        (a product name): the categories of products whose titles hold them all."""
        if " " not in word.strip():
            said = word.casefold()
            table = self.counts.get(said) or self.counts.get(singular(said), {})  # "swaddles": a swaddle
            return sorted(table.items(), key=lambda kv: -kv[1])
        wanted = set(re.findall(r"[a-z0-9]+", word.casefold()))
        sets = sorted((self.postings.get(w, set()) for w in wanted), key=len)
        hits = set.intersection(*sets) if sets else set()
        found: dict[str, int] = {}
        for i in hits:
            found[self.leaves[i]] = found.get(self.leaves[i], 0) + 1
        return sorted(found.items(), key=lambda kv: -kv[1])


def _said_without(word: str, text: str) -> bool:
    """Whether ``text`` says the thing is without ``word`` ("no-pedal", "non slip", "without straps")."""
    return re.search(rf"\b(?:no|non|without)[\s-]+{re.escape(word)}\b", text.lower()) is not None


def _noun_modifier(word: str) -> bool:
    """A noun that can name a kind of product before another noun ("life", "fish", "laptop"): in
    the dictionary as a noun and never as an adjective ("mini", "quiet", "possible" are; so, rarely,
    is "piano", left alone)."""
    classes = word_classes(word)
    return "NOUN" in classes and "ADJ" not in classes


def _within_total(groups: list[list[Product]], total: float) -> tuple[list[list[Product]], float | None]:
    """Each item's products that fit one budget for all items with the cheapest of every other item
    ("a basket and wine glasses, $70 together": a basket up to $70 less the cheapest glasses), and
    the cheapest total when no combination fits (the groups then stay as found)."""
    cheapest = [min((p.price for p in g if p.price is not None), default=None) for g in groups]
    if any(c is None for c in cheapest):
        return groups, None
    floor = sum(c for c in cheapest if c is not None)
    if floor > total:
        return groups, floor
    kept = [
        [p for p in g if p.price is not None and p.price <= total - (floor - (cheapest[i] or 0.0))]
        for i, g in enumerate(groups)
    ]
    return kept, None


def _sorted_by(products: list[Product], key: str, order: str) -> list[Product]:
    """Products ordered by a field (``price``, ``rating`` or a numeric attribute); missing values last."""

    known = [p for p in products if field_number(p, key) is not None]
    missing = [p for p in products if field_number(p, key) is None]
    # equal ratings: the one more shoppers rated ranks higher ("the best reviews": 4.7 from 3,979
    # reviews over 4.7 from 12); other keys' ties keep their order
    known.sort(
        key=lambda p: (field_number(p, key) or 0.0, p.rating_count or 0 if key == "rating" else 0),
        reverse=order == "desc",
    )
    return known + missing


_POINTS_BACK = re.compile(
    r"\b(?:one|ones|it|that|this|them|those|these|version|variant|colou?r|comes?|available)\b"
)
_AMONG = re.compile(
    r"\b(?:which|any|do\s+any|does\s+any)\s+(?:one\s+|ones\s+)?of\s+(?:the|those|these|them|your)\b"
)
_ONE = re.compile(r"\b(?:the\s+\w+\s+one|it|that\s+one|this\s+one)\b")

_MAX_SHADES = 300


def _shade_words() -> frozenset[str]:
    return COLOR_WORDS | frozenset(
        [
            "light",
            "dark",
            "pale",
            "deep",
            "bright",
            "matte",
            "matt",
            "metallic",
            "rose",
            "sky",
            "royal",
            "navy",
            "heather",
            "solid",
            "glossy",
            "gloss",
            "charcoal",
            "ivory",
            "cream",
            "tan",
            "khaki",
            "olive",
            "burgundy",
            "maroon",
            "teal",
            "turquoise",
            "coral",
            "mint",
            "lavender",
        ]
    )


_SHADE_WORDS = _shade_words()


_COLOR_ONLY = COLOR_WORDS
"""A shade may add "light", "matte", "dark" to the color, not another color ("brown,blue,white")."""


def _named_shade(value: str, colors: Sequence[str]) -> bool:
    """ "Fox, Orange", "Soft Mandarine, Orange": a seller's name for the shade, then the color it is
    (no color in the name: "Black, Stainless" or "Black/White" is two)."""
    if "/" in value:
        return False  # "Black/Suede", "Black/Walnut": two-tone
    parts = [p.strip() for p in value.split(",") if p.strip()]
    if len(parts) != 2 or parts[1] not in colors:
        return False  # the name first, then the color it is
    return not set(re.findall(r"[a-z]+", parts[0])) & _COLOR_ONLY


def _doer_of(verb: str, noun: str) -> bool:
    """Whether ``noun`` is the doer of ``verb`` ("blend" → blender, "trim" → trimmer)."""
    return len(verb) >= 4 and noun in {verb + "er", verb + "r", verb + verb[-1] + "er"}


@dataclass(frozen=True)
class _ShadeIndex:
    """The catalog's color values that can be shades of an asked color, indexed once per vocabulary."""

    by_word: dict[str, list[tuple[str, frozenset[str]]]]
    """A color word -> the values made of shade words only that hold it, with their words."""
    named: dict[str, list[str]]
    """A color -> the values that are a seller's name for a shade of it ("Fox, Orange")."""
    position: dict[str, int]
    """A value's place in the vocabulary (shades keep the catalog's order)."""


_SHADE_INDEXES: list[tuple[Vocabulary, _ShadeIndex]] = []


def _shade_index(vocabulary: Vocabulary) -> _ShadeIndex:
    for known, index in _SHADE_INDEXES:
        if known is vocabulary:
            return index
    by_word: dict[str, list[tuple[str, frozenset[str]]]] = {}
    named: dict[str, list[str]] = {}
    for value in vocabulary.colors:
        # seller variant codes and sizes ("A9-Light Pink", "B2.Matte:Rose Pink", "Pink-64oz") are
        # not color words: a token with a digit, and a lone letter before one, are skipped
        listed = [w for w in re.findall(r"[a-z0-9]+", value) if not any(ch.isdigit() for ch in w)]
        words = frozenset(w for w in listed if len(w) > 1 or w in _SHADE_WORDS)
        if words and words <= _SHADE_WORDS:
            for word in words:
                by_word.setdefault(word, []).append((value, words))
        parts = [p.strip() for p in value.split(",") if p.strip()]
        if len(parts) == 2 and _named_shade(value, parts[1:]):
            named.setdefault(parts[1], []).append(value)
    index = _ShadeIndex(by_word, named, {value: i for i, value in enumerate(vocabulary.colors)})
    _SHADE_INDEXES.insert(0, (vocabulary, index))
    del _SHADE_INDEXES[4:]
    return index


_RULES_OUT = re.compile(
    r"^\W*(?:(?:ok|okay|hmm+|and|but|oh|also|just|actually)\W+)*(?:not|no|nothing|none|anything\s+but|except|skip|without)\b"
)


def _names_shown(kind: str, shown: list[Product]) -> bool:
    """ "the anchor, just not the black one": the words read as the kind are a name of products the
    conversation showed (the Stridewell Anchor 9), not another kind of product to decline."""
    words = [w for w in re.findall(r"[a-z0-9]+", kind.lower()) if len(w) > 2]
    if not words:
        return False
    return any(
        all(re.search(rf"\b{re.escape(w)}\b", f"{p.brand or ''} {p.title}".lower()) for w in words)
        for p in shown
    )


def _sentences(text: str) -> list[str]:
    """The sentences of ``text`` (split after . ! ?), blank ones dropped."""
    return [x for x in re.split(r"(?<=[.!?])\s+", text) if x.strip()]


_GROUPING = re.compile(r",|\s&\s|\sand\s")
"""A category level that groups several kinds of product ("Hair Extensions, Wigs & Accessories")."""

_WIDEN_BELOW = 3
"""A category with fewer products than this is widened to products that still are what was asked."""

_NOTHING_SHOWN = "Which products do you mean? Tell me what you're looking for and I'll show some first."


def _describe(plan: QueryPlan) -> str:
    text = plan.query + constraints_text(plan)
    if plan.preferences:
        text += "; prefers " + ", ".join(plan.preferences)
    return text


def build_assistant(
    settings: Settings,
    *,
    chat_model: BaseChatModel | None = None,
    embedder: Embedder | None = None,
    catalog: Catalog | None = None,
    searcher: Searcher | None = None,
) -> Assistant:
    """The assistant for ``settings``; inject ``chat_model``/``embedder``/``catalog`` in tests (and a
    ``searcher`` of that catalog whose in-memory snapshot is already built, as the scale bench does)."""
    from assistant.llm import describe, make_chat_model
    from retrieval.components import open_catalog

    catalog = catalog or open_catalog(settings, embedder=embedder)
    model = chat_model if chat_model is not None else make_chat_model(settings)
    description = describe(settings) if chat_model is None else f"{settings.llm}: {type(chat_model).__name__}"
    return Assistant(
        settings,
        catalog=catalog,
        searcher=searcher if searcher is not None else Searcher(catalog),
        store=open_session_store(settings),
        chat_model=model,
        llm_description=description,
    )

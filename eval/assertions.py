"""Assertions: a registry keyed by ``type``; each grades one turn of a transcript → pass, score, reason.

Deterministic text checks (``contains``, ``regex``, ``is-json``, ``latency``, ``cost`` …) follow
promptfoo; the shopping checks (``recommends-any``, ``respects-filters``, ``no-invented-products``,
``grounded-reasons`` …) read the turn's typed events. Any registered ``X`` also works as ``not-X``
(pass and score inverted) unless ``not-X`` is registered itself. Register more with::

    @assertion("my-check")
    def _my_check(spec: AssertionSpec, ctx: GradeContext) -> GradingResult: ...
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from assistant.claims import verify_reason
from assistant.schemas import ProductCard
from eval import metrics
from eval.suite_format import AssertionSpec
from eval.transcript import CaseTranscript, TurnRecord, UnresolvedReference, resolve_reference
from retrieval.catalog import Product, norm
from retrieval.filters import Filters, matches
from retrieval.products import Vocabulary
from retrieval.schema import attribute_number

__all__ = [
    "REGISTRY",
    "AssertionType",
    "CatalogLookup",
    "GradeContext",
    "GradingResult",
    "Judge",
    "JudgeVerdict",
    "MemoryCatalog",
    "ProductPredicate",
    "assertion",
    "assertion_types",
    "grade",
    "validate_spec",
]


# --- results and context -------------------------------------------------------------------------


class GradingResult(BaseModel):
    """One assertion's outcome (promptfoo's ``componentResults[]`` entry)."""

    model_config = ConfigDict(populate_by_name=True)

    passed: bool = Field(alias="pass")
    score: float = Field(ge=0, le=1)
    reason: str
    skipped: bool = False
    assertion: AssertionSpec | None = None


class JudgeVerdict(BaseModel):
    """What a judge model returns for an ``llm-rubric``."""

    model_config = ConfigDict(populate_by_name=True)

    passed: bool = Field(alias="pass")
    score: float = Field(ge=0, le=1)
    reason: str = ""


class Judge(Protocol):
    """Grades an answer against a rubric (see :mod:`eval.judge`)."""

    def grade(self, rubric: str, answer: str, conversation: list[str]) -> JudgeVerdict: ...


class CatalogLookup(Protocol):
    """The part of :class:`~retrieval.products.ProductStore` assertions need."""

    def get_many(self, ids: Iterable[str]) -> dict[str, Product]: ...

    def vocabulary(self) -> Vocabulary: ...

    def all(self) -> Iterable[Product]: ...


class MemoryCatalog:
    """An in-memory :class:`CatalogLookup` (tests, and suites graded from saved transcripts)."""

    def __init__(self, products: Iterable[Product]) -> None:
        self._products = {p.id: p for p in products}

    def get_many(self, ids: Iterable[str]) -> dict[str, Product]:
        return {i: self._products[i] for i in ids if i in self._products}

    def vocabulary(self) -> Vocabulary:
        return Vocabulary.from_products(self._products.values())

    def all(self) -> Iterable[Product]:
        return iter(self._products.values())


@dataclass
class GradeContext:
    """Everything an assertion may read: the transcript, the catalog, an optional judge."""

    transcript: CaseTranscript
    catalog: CatalogLookup | None = None
    judge: Judge | None = None
    judge_note: str = "no judge model configured (set AISLE_JUDGE_LLM or the suite's judge)"
    _vocabulary: Vocabulary | None = field(default=None, repr=False)

    def turn(self, spec: AssertionSpec) -> TurnRecord:
        return self.transcript.turn(spec.turn)

    def vocabulary(self) -> Vocabulary | None:
        if self._vocabulary is None and self.catalog is not None:
            self._vocabulary = self.catalog.vocabulary()
        return self._vocabulary

    def product(self, card: ProductCard) -> Product:
        """The catalog's record of a shown product (the truth), else one built from the card."""
        if self.catalog is not None:
            found = self.catalog.get_many([card.id]).get(card.id)
            if found is not None:
                return found
        return Product.model_validate(card.model_dump(include=set(Product.model_fields)))


# --- registry ------------------------------------------------------------------------------------

Grader = Callable[[AssertionSpec, GradeContext], GradingResult]


@dataclass(frozen=True)
class AssertionType:
    name: str
    grader: Grader
    value: TypeAdapter[Any] | None
    value_required: bool
    doc: str


REGISTRY: dict[str, AssertionType] = {}


def assertion(name: str, *, value: Any = None, required: bool = False) -> Callable[[Grader], Grader]:
    """Register a grader under ``name``; ``value`` is the type its ``value`` must validate as."""

    def register(fn: Grader) -> Grader:
        adapter = TypeAdapter(value) if value is not None else None
        REGISTRY[name] = AssertionType(name, fn, adapter, required, (fn.__doc__ or "").strip())
        return fn

    return register


def assertion_types() -> list[str]:
    return sorted(REGISTRY)


def _lookup(name: str) -> tuple[AssertionType, bool]:
    if name in REGISTRY:
        return REGISTRY[name], False
    if name.startswith("not-") and name[4:] in REGISTRY:
        return REGISTRY[name[4:]], True
    raise KeyError(name)


def validate_spec(spec: AssertionSpec) -> None:
    """Check ``type`` and ``value`` when the suite is loaded (raises ``ValueError`` with a clear message)."""
    try:
        kind, _ = _lookup(spec.type)
    except KeyError:
        raise ValueError(
            f"unknown assertion type {spec.type!r}; choose one of: {', '.join(assertion_types())}"
        ) from None
    if kind.value_required and spec.value is None:
        raise ValueError(f"{spec.type} needs a value")
    if kind.value is not None and spec.value is not None:
        try:
            kind.value.validate_python(spec.value)
        except ValidationError as exc:
            first = exc.errors(include_url=False)[0]
            where = ".".join(str(p) for p in first["loc"])
            raise ValueError(f"{spec.type} value{'.' + where if where else ''}: {first['msg']}") from None


def _value(spec: AssertionSpec) -> Any:
    kind, _ = _lookup(spec.type)
    return (
        kind.value.validate_python(spec.value)
        if kind.value is not None and spec.value is not None
        else spec.value
    )


def grade(spec: AssertionSpec, ctx: GradeContext) -> GradingResult:
    """Run one assertion; a reference that does not resolve fails it with the reason."""
    kind, negate = _lookup(spec.type)
    try:
        result = kind.grader(spec, ctx)
    except UnresolvedReference as exc:
        return GradingResult(passed=False, score=0.0, reason=f"cannot grade: {exc}", assertion=spec)
    if negate and not result.skipped:
        result = GradingResult(
            passed=not result.passed, score=1.0 - result.score, reason=f"not: {result.reason}", assertion=spec
        )
    result.assertion = spec
    return result


def _result(passed: bool, reason: str, score: float | None = None) -> GradingResult:
    return GradingResult(
        passed=passed, score=(1.0 if passed else 0.0) if score is None else score, reason=reason
    )


def _skip(reason: str) -> GradingResult:
    return GradingResult(passed=True, score=1.0, reason=f"skipped: {reason}", skipped=True)


def _cards(spec: AssertionSpec, turn: TurnRecord) -> list[ProductCard]:
    cards = turn.cards(spec.config.source)
    return cards[: spec.config.k] if spec.config.k else cards


# --- text ----------------------------------------------------------------------------------------


@assertion("contains", value=str, required=True)
def _contains(spec: AssertionSpec, ctx: GradeContext) -> GradingResult:
    """The answer text contains the value (case-sensitive)."""
    text, needle = ctx.turn(spec).text, _value(spec)
    return _result(
        needle in text, f"{'found' if needle in text else 'did not find'} {needle!r} in the answer"
    )


@assertion("icontains", value=str, required=True)
def _icontains(spec: AssertionSpec, ctx: GradeContext) -> GradingResult:
    """The answer text contains the value, ignoring case."""
    text, needle = ctx.turn(spec).text.casefold(), _value(spec).casefold()
    return _result(needle in text, f"{'found' if needle in text else 'did not find'} {needle!r} (any case)")


@assertion("not-contains", value=str, required=True)
def _not_contains(spec: AssertionSpec, ctx: GradeContext) -> GradingResult:
    """The answer text does not contain the value."""
    text, needle = ctx.turn(spec).text, _value(spec)
    return _result(needle not in text, f"{'found' if needle in text else 'no'} {needle!r} in the answer")


@assertion("contains-any", value=list[str], required=True)
def _contains_any(spec: AssertionSpec, ctx: GradeContext) -> GradingResult:
    """The answer contains at least one of the values (ignoring case)."""
    text = ctx.turn(spec).text.casefold()
    hits = [v for v in _value(spec) if v.casefold() in text]
    return _result(bool(hits), f"found {hits}" if hits else f"none of {_value(spec)} in the answer")


@assertion("regex", value=str, required=True)
def _regex(spec: AssertionSpec, ctx: GradeContext) -> GradingResult:
    """The answer matches the regular expression (``re.search``)."""
    try:
        pattern = re.compile(_value(spec))
    except re.error as exc:
        return _result(False, f"invalid regex {spec.value!r}: {exc}")
    found = pattern.search(ctx.turn(spec).text)
    return _result(found is not None, f"regex {spec.value!r} {'matched' if found else 'did not match'}")


class _JsonValue(BaseModel):
    model_config = ConfigDict(extra="forbid")
    required: list[str] = Field(default_factory=list)


@assertion("is-json", value=_JsonValue)
def _is_json(spec: AssertionSpec, ctx: GradeContext) -> GradingResult:
    """The answer parses as JSON (``value.required``: keys the top-level object must have)."""
    try:
        data = json.loads(ctx.turn(spec).text)
    except ValueError as exc:
        return _result(False, f"not JSON: {exc}")
    required = _value(spec).required if spec.value is not None else []
    missing = [k for k in required if not isinstance(data, dict) or k not in data]
    return _result(not missing, f"missing keys {missing}" if missing else "valid JSON")


def _limit(spec: AssertionSpec) -> float | None:
    if spec.threshold is not None:
        return spec.threshold
    return float(spec.value) if spec.value is not None else None


@assertion("latency", value=float)
def _latency(spec: AssertionSpec, ctx: GradeContext) -> GradingResult:
    """The turn took at most ``threshold`` milliseconds (wall time of the whole turn)."""
    limit, took = _limit(spec), ctx.turn(spec).latency_ms
    if limit is None:
        return _result(False, "latency needs a threshold in ms")
    return _result(took <= limit, f"turn took {took:.0f} ms (limit {limit:.0f} ms)")


@assertion("cost", value=float)
def _cost(spec: AssertionSpec, ctx: GradeContext) -> GradingResult:
    """The turn's estimated LLM cost is at most ``threshold`` USD (unpriced local models cost 0)."""
    limit, usage = _limit(spec), ctx.turn(spec).usage
    if limit is None:
        return _result(False, "cost needs a threshold in USD")
    if usage.cost_usd is None:
        return _result(True, "no cost reported (unpriced model): counted as $0")
    return _result(usage.cost_usd <= limit, f"cost ${usage.cost_usd:.6f} (limit ${limit:.6f})")


# --- shopping: which products ---------------------------------------------------------------------


class ProductPredicate(BaseModel):
    """Matches a product when every given field holds (strings compare case-insensitively)."""

    model_config = ConfigDict(extra="forbid")

    id: str | None = None
    brand: str | None = None
    category: str | None = Field(default=None, description="Any category level equals this.")
    category_all: list[str] = Field(
        default_factory=list, description="Every one of these is a level of the product's category path."
    )
    color: str | None = None
    title_contains: str | None = None
    price_lte: float | None = None
    price_lt: float | None = None
    price_gte: float | None = None
    price_gt: float | None = None
    rating_gte: float | None = None
    in_stock: bool | None = None
    attributes: dict[str, str] = Field(default_factory=dict)
    attr_lt: dict[str, float] = Field(default_factory=dict, description="Numeric attribute < value.")
    attr_lte: dict[str, float] = Field(default_factory=dict)
    attr_gt: dict[str, float] = Field(default_factory=dict)
    attr_gte: dict[str, float] = Field(default_factory=dict)

    def describe(self) -> str:
        return ", ".join(f"{k}={v}" for k, v in self.model_dump(exclude_defaults=True).items())

    def matches(self, product: Product, resolve: Callable[[str], str]) -> bool:
        price = product.price
        checks = [
            self.id is None or product.id == resolve(self.id),
            self.brand is None or norm(product.brand or "") == norm(self.brand),
            self.category is None or norm(self.category) in {norm(c) for c in product.category},
            {norm(c) for c in self.category_all} <= {norm(c) for c in product.category},
            self.color is None or norm(product.color or "") == norm(self.color),
            self.title_contains is None or norm(self.title_contains) in norm(product.title),
            self.price_lte is None or (price is not None and price <= self.price_lte),
            self.price_lt is None or (price is not None and price < self.price_lt),
            self.price_gte is None or (price is not None and price >= self.price_gte),
            self.price_gt is None or (price is not None and price > self.price_gt),
            self.rating_gte is None or (product.rating is not None and product.rating >= self.rating_gte),
            self.in_stock is None or product.in_stock == self.in_stock,
        ]
        attrs = {norm(k): norm(v) for k, v in product.attributes.items()}
        checks.extend(attrs.get(norm(k)) == norm(str(v)) for k, v in self.attributes.items())
        for table, holds in (
            (self.attr_lt, lambda a, b: a < b),
            (self.attr_lte, lambda a, b: a <= b),
            (self.attr_gt, lambda a, b: a > b),
            (self.attr_gte, lambda a, b: a >= b),
        ):
            for key, bound in table.items():
                number = attribute_number(attrs.get(norm(key)))
                checks.append(number is not None and holds(number, bound))
        return all(checks)


Selector = str | ProductPredicate | list[str | ProductPredicate]


def _predicates(spec: AssertionSpec) -> list[ProductPredicate]:
    value = _value(spec)
    items = value if isinstance(value, list) else [value]
    return [ProductPredicate(id=i) if isinstance(i, str) else i for i in items]


def _matching(spec: AssertionSpec, ctx: GradeContext) -> tuple[list[str], list[ProductCard]]:
    cards = _cards(spec, ctx.turn(spec))
    predicates = _predicates(spec)

    def resolve(ref: str) -> str:
        return resolve_reference(ref, ctx.transcript)

    hits = [c.id for c in cards if any(p.matches(ctx.product(c), resolve) for p in predicates)]
    return hits, cards


def _describe(spec: AssertionSpec) -> str:
    return " or ".join(p.describe() for p in _predicates(spec))


@assertion("shows-no-text-matching", value=str, required=True)
def _shows_no_text_matching(spec: AssertionSpec, ctx: GradeContext) -> GradingResult:
    """Neither the answer nor any shown reason matches the regex (case-insensitive): an independent
    check, by pattern, that known false claims (a scripted model's planted mistakes) never reach the
    shopper, whatever the claim verifier decided."""
    turn = ctx.turn(spec)
    pattern = re.compile(_value(spec), re.IGNORECASE)
    texts = [("answer", turn.text)] + [(r.product.id, r.reason) for r in turn.recommendations]
    hits = [f"{where}: {m.group()!r}" for where, text in texts if (m := pattern.search(text))]
    if hits:
        return _result(False, "shown: " + "; ".join(hits[:5]))
    return _result(True, f"no shown text matches {spec.value!r}")


@assertion("recommends-only", value=Selector, required=True)
def _recommends_only(spec: AssertionSpec, ctx: GradeContext) -> GradingResult:
    """Products are shown and every one matches one of the predicates (an empty turn fails)."""
    hits, cards = _matching(spec, ctx)
    if not cards:
        return _result(False, f"no products shown (expected only {_describe(spec)})")
    misses = [c.id for c in cards if c.id not in hits]
    if misses:
        return _result(False, f"{misses} do not match {_describe(spec)}", score=len(hits) / len(cards))
    return _result(True, f"all {len(cards)} products match {_describe(spec)}")


def _field_number(product: Product, key: str) -> float | None:
    if key == "price":
        return product.price
    if key == "rating":
        return product.rating
    if key == "rating_count":  # how many shoppers rated it (its number of reviews)
        return None if product.rating_count is None else float(product.rating_count)
    return attribute_number({norm(k): v for k, v in product.attributes.items()}.get(norm(key)))


class _RankedFirst(BaseModel):
    model_config = ConfigDict(extra="forbid")
    attribute: str
    order: Literal["min", "max"]
    among: Literal["shown", "previous"] = "shown"


@assertion("ranked-first", value=_RankedFirst, required=True)
def _ranked_first(spec: AssertionSpec, ctx: GradeContext) -> GradingResult:
    """The first product shown has the min/max of ``attribute`` among this turn's (or the previous
    turn's) products."""
    value: _RankedFirst = _value(spec)
    turn = ctx.turn(spec)
    cards = _cards(spec, turn)
    if not cards:
        return _result(False, "no products shown")
    pool_turn = turn if value.among == "shown" else ctx.transcript.turn(turn.turn - 1 if turn.turn > 1 else 1)
    pool = [ctx.product(c) for c in _cards(spec, pool_turn)]
    numbers = [v for p in pool if (v := _field_number(p, value.attribute)) is not None]
    if not numbers:
        return _result(False, f"no {value.attribute} among the {value.among} products")
    best = min(numbers) if value.order == "min" else max(numbers)
    first = _field_number(ctx.product(cards[0]), value.attribute)
    ok = first is not None and first == best
    return _result(
        ok,
        f"first product {cards[0].id} has {value.attribute}={first}; {value.order} among {value.among} is {best}",
    )


class _ImprovesOn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    attribute: str
    direction: Literal["lower", "higher"]
    than: Literal["first", "best"] = "first"
    turn: int | None = Field(default=None, ge=1)


@assertion("improves-on", value=_ImprovesOn, required=True)
def _improves_on(spec: AssertionSpec, ctx: GradeContext) -> GradingResult:
    """Every product shown is strictly lower/higher in ``attribute`` than the first (or best) product
    of an earlier turn (default: the previous one)."""
    value: _ImprovesOn = _value(spec)
    turn = ctx.turn(spec)
    earlier = ctx.transcript.turn(value.turn or max(1, turn.turn - 1))
    before = [
        n for c in _cards(spec, earlier) if (n := _field_number(ctx.product(c), value.attribute)) is not None
    ]
    if not before:
        return _result(False, f"turn {earlier.turn} showed nothing with {value.attribute}")
    if value.than == "first":
        reference = before[0]
    else:
        reference = min(before) if value.direction == "lower" else max(before)
    cards = _cards(spec, turn)
    if not cards:
        return _result(False, "no products shown")
    bad = []
    for c in cards:
        n = _field_number(ctx.product(c), value.attribute)
        if n is None or (n >= reference if value.direction == "lower" else n <= reference):
            bad.append(f"{c.id} ({value.attribute}={n})")
    if bad:
        better = _improvable(ctx, _cards(spec, earlier), value, reference)
        if not better and _RELAXED.search(turn.text):
            # Nothing the store sells in those categories beats it: the right answer says so.
            return _result(
                True, f"nothing in the catalog is {value.direction} than {reference:g}; the answer says so"
            )
        return _result(
            False, f"not {value.direction} than {reference:g}: {bad}", score=1 - len(bad) / len(cards)
        )
    return _result(True, f"all {len(cards)} products {value.direction} than {reference:g}")


def _improvable(ctx: GradeContext, shown: list[ProductCard], value: _ImprovesOn, reference: float) -> bool:
    """Whether any catalog product in the shown products' categories is beyond ``reference`` (True
    when the catalog cannot be scanned: the assertion then stays strict)."""
    if ctx.catalog is None:
        return True
    leaves = {p.category[-1].lower() for c in shown if (p := ctx.product(c)).category}
    for product in ctx.catalog.all():
        if not product.category or product.category[-1].lower() not in leaves:
            continue
        n = _field_number(product, value.attribute)
        if n is not None and (n < reference if value.direction == "lower" else n > reference):
            return True
    return False


class _MentionsFact(BaseModel):
    model_config = ConfigDict(extra="forbid")
    product: str
    attribute: str


def _fact_forms(product: Product, key: str) -> list[str]:
    if key == "brand":
        return [norm(product.brand or "")] if product.brand else []
    if key == "color":
        return [norm(product.color or "")] if product.color else []
    number = _field_number(product, key)
    if number is None:
        raw = {norm(k): v for k, v in product.attributes.items()}.get(norm(key))
        return [norm(raw)] if raw else []
    forms = {
        f"{number:g}",
        f"{number:,.2f}",
        f"{number:,.0f}" if float(number).is_integer() else f"{number:g}",
    }
    return sorted(forms)


@assertion("mentions-fact", value=_MentionsFact, required=True)
def _mentions_fact(spec: AssertionSpec, ctx: GradeContext) -> GradingResult:
    """The answer states the referenced product's value of ``attribute`` (the number or the word)."""
    value: _MentionsFact = _value(spec)
    pid = resolve_reference(value.product, ctx.transcript) if value.product.startswith("@") else value.product
    found = ctx.catalog.get_many([pid]).get(pid) if ctx.catalog is not None else None
    if found is None:
        return _result(False, f"unknown product {pid}")
    forms = [f for f in _fact_forms(found, value.attribute) if f]
    if not forms:
        return _result(False, f"{pid} has no {value.attribute}")
    text = norm(ctx.turn(spec).text).replace(",", "")
    hit = next(
        (f for f in forms if re.search(rf"(?<![\d.]){re.escape(f.replace(',', ''))}(?![\d])", text)), None
    )
    if hit:
        return _result(True, f"the answer states {value.attribute} {hit}")
    return _result(False, f"the answer does not state {value.attribute} ({' or '.join(forms)}) of {pid}")


class _AnswersFromListing(BaseModel):
    model_config = ConfigDict(extra="forbid")
    product: str
    terms: list[str] = Field(min_length=1, description="The feature asked about, in any of its words.")


_QUOTED = re.compile(r"[\"“]([^\"”]{8,})[\"”]")
_NOT_MENTIONED = re.compile(
    r"\b(?:does\s*n[o']?t|do\s*n[o']?t|never)\s+(?:mention|say|list)|\bno\s+mention\b", re.I
)


def _squash(text: str) -> str:
    """Lower case, hyphens and runs of spaces as one space: how a quote is matched to its source."""
    return re.sub(r"[\s\-–—]+", " ", text.casefold()).strip()


def _term_pattern(terms: list[str]) -> re.Pattern[str]:
    alternatives = [r"[\s\-]+".join(re.escape(w) for w in _squash(t).split()) + r"(?:s|es)?" for t in terms]
    return re.compile(r"\b(?:" + "|".join(alternatives) + r")\b", re.I)


@assertion("answers-from-listing", value=_AnswersFromListing, required=True)
def _answers_from_listing(spec: AssertionSpec, ctx: GradeContext) -> GradingResult:
    """A question about a feature no attribute holds ("does the first one go in the oven?") is
    answered from the product's own listing, whichever way the listing goes: when its title, bullets
    or description name the feature, the answer quotes that text word for word; when they do not,
    the answer says the listing doesn't mention it (and quotes nothing that names it)."""
    value: _AnswersFromListing = _value(spec)
    pid = resolve_reference(value.product, ctx.transcript) if value.product.startswith("@") else value.product
    found = ctx.catalog.get_many([pid]).get(pid) if ctx.catalog is not None else None
    if found is None:
        return _result(False, f"unknown product {pid}")
    pattern = _term_pattern(value.terms)
    listing = [found.title, *found.bullet_points, found.description]
    source = _squash(" \n ".join(listing))
    mentioned = any(pattern.search(_squash(part)) for part in listing)
    text = ctx.turn(spec).text
    quotes = [_squash(q.strip(" .…")) for q in _QUOTED.findall(text)]
    quoted = [q for q in quotes if q and q in source]
    if mentioned:
        if any(pattern.search(q) for q in quoted):
            return _result(True, f"the answer quotes {pid}'s listing on {value.terms[0]!r}")
        return _result(False, f"{pid}'s listing names {value.terms[0]!r}, but the answer quotes none of it")
    # (of several products asked about, the others' listings may be quoted: each quote naming the
    # feature must then be one of theirs, word for word)
    others = [
        _squash(" \n ".join([o.title, *o.bullet_points, o.description]))
        for card in ctx.turn(spec).products
        if card.id != pid and (o := ctx.product(card))
    ]
    if any(pattern.search(q) and not any(q in other for other in others) for q in quotes):
        return _result(False, f"the answer quotes {value.terms[0]!r}, which {pid}'s listing never names")
    if _NOT_MENTIONED.search(text) and pattern.search(_squash(text)):
        return _result(True, f"the answer says {pid}'s listing doesn't mention {value.terms[0]!r}")
    return _result(
        False, f"{pid}'s listing never names {value.terms[0]!r}; the answer does not say it doesn't"
    )


class _Compares(BaseModel):
    model_config = ConfigDict(extra="forbid")
    products: list[str] = Field(min_length=2)


@assertion("compares", value=_Compares, required=True)
def _compares(spec: AssertionSpec, ctx: GradeContext) -> GradingResult:
    """The turn has a comparison table of exactly those products with at least two attribute rows."""
    value: _Compares = _value(spec)
    wanted = [resolve_reference(r, ctx.transcript) if r.startswith("@") else r for r in value.products]
    table = ctx.turn(spec).comparison
    if table is None:
        return _result(False, "no comparison table")
    got = [c.id for c in table.products]
    if sorted(got) != sorted(wanted):
        return _result(False, f"compared {got}, expected {wanted}")
    rows = [r for r in table.rows if sum(1 for v in r.values if v) >= 2]
    if len(rows) < 2:
        return _result(False, f"only {len(rows)} comparable rows")
    return _result(True, f"compared {len(got)} products on {len(rows)} rows")


_RELAXED = re.compile(
    r"\b(?:nothing|no\s+\w+\s+(?:matched|under|below|over)|none|couldn'?t find|could not find|closest|"
    r"loosened|relaxed|instead|not available|don'?t have any|doesn'?t exist|don'?t carry|do not carry|left that out)\b",
    re.IGNORECASE,
)


@assertion("discloses-relaxation")
def _discloses_relaxation(spec: AssertionSpec, ctx: GradeContext) -> GradingResult:
    """Products are shown and the answer says what could not be met."""
    turn = ctx.turn(spec)
    if not _cards(spec, turn):
        return _result(False, "no products shown (an impossible ask should show the closest ones)")
    planned = turn.plan is not None and bool(turn.plan.relaxed)
    said = bool(_RELAXED.search(turn.text))
    if said:
        return _result(True, "the answer says what was relaxed" + (" (typed in the plan)" if planned else ""))
    return _result(False, "the answer does not say that nothing met the ask")


_EXPLAINED_EMPTY = re.compile(
    r"\b(?:don'?t|do not|couldn'?t|could not|can'?t|cannot|no|nothing|none|sorry|which|what)\b|\?",
    re.IGNORECASE,
)


@assertion("explains-empty")
def _explains_empty(spec: AssertionSpec, ctx: GradeContext) -> GradingResult:
    """A turn that shows no products says why: a decline, a question, an answer or "nothing fits"."""
    turn = ctx.turn(spec)
    if turn.cards("shown"):
        return _result(True, "products shown")
    plan = turn.plan
    if plan is not None and plan.intent in ("chit_chat", "clarify", "out_of_catalog") and turn.text.strip():
        return _result(True, f"no products: {plan.intent}")
    if turn.text.strip() and _EXPLAINED_EMPTY.search(turn.text):
        return _result(True, "no products, and the answer says why")
    return _result(False, "no products and no reason given")


@assertion("recommends-any", value=Selector, required=True)
def _recommends_any(spec: AssertionSpec, ctx: GradeContext) -> GradingResult:
    """At least one recommended product is one of the ids / matches one of the predicates."""
    hits, cards = _matching(spec, ctx)
    if hits:
        return _result(True, f"recommended {hits} matching {_describe(spec)}")
    return _result(False, f"none of {len(cards)} recommended products matches {_describe(spec)}")


@assertion("recommends-none", value=Selector, required=True)
def _recommends_none(spec: AssertionSpec, ctx: GradeContext) -> GradingResult:
    """No recommended product is one of the ids / matches any of the predicates."""
    hits, cards = _matching(spec, ctx)
    if hits:
        return _result(False, f"recommended {hits} matching {_describe(spec)}")
    return _result(True, f"none of {len(cards)} recommended products matches {_describe(spec)}")


@assertion("respects-filters", value=Filters)
def _respects_filters(spec: AssertionSpec, ctx: GradeContext) -> GradingResult:
    """Every recommended product satisfies the plan's filters and the assertion's own (as numbers)."""
    turn = ctx.turn(spec)
    constraints: list[tuple[str, Filters]] = []
    if spec.value is not None:
        constraints.append(("stated", _value(spec)))
    if spec.config.use_plan and turn.plan is not None and not turn.plan.filters.is_empty():
        constraints.append(("plan", turn.plan.filters))
    if not constraints:
        return _result(False, "no constraints to check: the plan has no filters and the assertion gives none")
    cards = _cards(spec, turn)
    if not cards:
        return _result(True, "no products shown, so none violates the constraints")
    violations = []
    for card in cards:
        product = ctx.product(card)
        for name, filters in constraints:
            if not matches(product, filters):
                violations.append(
                    f"{card.id} (price {product.price}, brand {product.brand}) breaks the {name} filters"
                )
                break
    ok = len(cards) - len(violations)
    reason = "; ".join(violations) if violations else f"all {len(cards)} products respect the filters"
    return _result(not violations, reason, score=ok / len(cards))


@assertion("no-invented-products")
def _no_invented(spec: AssertionSpec, ctx: GradeContext) -> GradingResult:
    """Every recommended id exists in the catalog and was among the turn's products event."""
    turn = ctx.turn(spec)
    recommended = [r.product.id for r in turn.recommendations] or [c.id for c in turn.products]
    if not recommended:
        return _result(True, "nothing recommended")
    known = set(ctx.catalog.get_many(recommended)) if ctx.catalog is not None else set(recommended)
    candidates = {c.id for c in turn.products} if turn.products else known
    invented = [pid for pid in recommended if pid not in known]
    outside = [pid for pid in recommended if pid in known and pid not in candidates]
    rate = metrics.candidate_error(recommended, known & candidates)
    if invented or outside:
        parts = [f"not in the catalog: {invented}"] if invented else []
        parts += [f"not among the products shown: {outside}"] if outside else []
        return _result(False, "; ".join(parts), score=1.0 - rate)
    return _result(True, f"all {len(recommended)} recommended ids are real candidates")


@assertion("no-duplicates")
def _no_duplicates(spec: AssertionSpec, ctx: GradeContext) -> GradingResult:
    """No product id is recommended twice."""
    ids = [c.id for c in _cards(spec, ctx.turn(spec))]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    rate = metrics.duplicate_error(ids)
    return _result(
        not dupes, f"duplicated: {dupes}" if dupes else f"{len(ids)} distinct products", 1.0 - rate
    )


@assertion("grounded-reasons")
def _grounded(spec: AssertionSpec, ctx: GradeContext) -> GradingResult:
    """Every claim of every shown reason is supported by its product's data (the claim verifier:
    numbers with units against their fields, superlatives computed over the products shown, no
    market claims, judgements, filler or seller-style policy claims). Score: the supported share."""
    turn = ctx.turn(spec)
    if not turn.recommendations:
        return _result(True, "no reasons given")
    shopper = " ".join(t.message for t in ctx.transcript.turns[: turn.turn])
    filters = turn.plan.filters if turn.plan is not None else None
    reference = turn.plan.comparative.than if turn.plan is not None and turn.plan.comparative else None
    shown = [ctx.product(r.product) for r in turn.recommendations]
    bad = []
    for rec, product in zip(turn.recommendations, shown, strict=True):
        checked = verify_reason(
            rec.reason,
            product,
            shown=shown,
            vocabulary=ctx.vocabulary(),
            filters=filters,
            shopper_text=shopper,
            reference=reference,
        )
        if checked.unsupported or not checked.claims:
            why = "; ".join(f"{c.text!r}: {c.why}" for c in checked.unsupported) or "no claim"
            bad.append(f"{rec.product.id}: {why}")
    score = 1.0 - len(bad) / len(turn.recommendations)
    passed = score >= (spec.threshold if spec.threshold is not None else 1.0)
    return _result(passed, "; ".join(bad) or f"all {len(turn.recommendations)} reasons grounded", score)


_QUESTION = re.compile(r"\?\s*$|\?\s", re.MULTILINE)


@assertion("asks-clarification")
def _asks_clarification(spec: AssertionSpec, ctx: GradeContext) -> GradingResult:
    """The turn asks the shopper a question (the plan's clarifying question, or a question in the text)."""
    turn = ctx.turn(spec)
    plan = turn.plan
    if plan is not None and (plan.clarifying_question or plan.intent == "clarify"):
        return _result(True, f"plan asks: {plan.clarifying_question or '(intent clarify)'}")
    if _QUESTION.search(turn.text):
        return _result(True, "the answer asks a question")
    return _result(False, "no clarifying question in the plan or the answer")


_DECLINE = re.compile(
    r"\b(don'?t|do not|doesn'?t|does not|can'?t|cannot|couldn'?t|could not|unable to|no longer)\b"
    r"[^.]{0,60}\b(carry|sell|stock|have|offer|find|help with)\b"
    r"|\bnot (in|part of) (our|the|this) (catalog|store|range)\b|\boutside (our|the) catalog\b"
    r"|\bno (matching )?products?\b|\bnothing (in|matching)\b",
    re.IGNORECASE,
)


@assertion("declines-out-of-catalog")
def _declines(spec: AssertionSpec, ctx: GradeContext) -> GradingResult:
    """The turn says the catalog does not carry it (plan intent or wording) and shows no products."""
    turn = ctx.turn(spec)
    said = (turn.plan is not None and turn.plan.intent == "out_of_catalog") or bool(
        _DECLINE.search(turn.text)
    )
    shown = _cards(spec, turn)
    if shown and not spec.config.allow_products:
        return _result(
            False, f"showed {len(shown)} products ({[c.id for c in shown][:3]}…) instead of declining"
        )
    if not said:
        return _result(False, "no products, but the answer does not say the catalog lacks it")
    return _result(True, "declined: out of catalog")


class _NdcgValue(BaseModel):
    model_config = ConfigDict(extra="forbid")
    k: int = Field(default=10, ge=1)
    judgments: dict[str, float] = Field(min_length=1)


@assertion("ndcg-at-k", value=_NdcgValue, required=True)
def _ndcg(spec: AssertionSpec, ctx: GradeContext) -> GradingResult:
    """nDCG@k of the shown ranking against graded judgments; passes at ``threshold`` (default 0.5)."""
    value: _NdcgValue = _value(spec)
    ranked = [c.id for c in ctx.turn(spec).cards(spec.config.source)]
    score = metrics.ndcg(ranked, value.judgments, value.k)
    threshold = spec.threshold if spec.threshold is not None else 0.5
    return _result(score >= threshold, f"nDCG@{value.k} = {score:.3f} (threshold {threshold})", score)


@assertion("llm-rubric", value=str, required=True)
def _llm_rubric(spec: AssertionSpec, ctx: GradeContext) -> GradingResult:
    """A judge model grades the answer against the rubric; skipped when no judge is configured."""
    if ctx.judge is None:
        return _skip(ctx.judge_note)
    turn = ctx.turn(spec)
    answer = turn.text
    if turn.recommendations:
        answer += "\n\nRecommended:\n" + "\n".join(
            f"{r.rank}. {r.product.title} ({r.product.brand}, ${r.product.price}): {r.reason}"
            for r in turn.recommendations
        )
    conversation = [t.message for t in ctx.transcript.turns[: turn.turn]]
    verdict = ctx.judge.grade(_value(spec), answer, conversation)
    threshold = spec.threshold if spec.threshold is not None else 0.5
    return _result(verdict.passed and verdict.score >= threshold, f"judge: {verdict.reason}", verdict.score)

"""Merging a capable model's plan (:class:`~assistant.plan.model_plan.ModelPlan`, already checked
against the catalog schema) into the deterministic parse (:class:`ParsedTurn`), by explicit rules.

Two steps: :func:`merge_model_plan` before the schema stage (what to search: intent, query,
category, brands, colors, prices, references, preferences) and :func:`merge_model_constraints` after
it, once the plan's category is settled (attribute constraints, comparative, sort). Every model value
a rule refuses is counted in :class:`~assistant.plan.model_plan.Dropped` (``unsaid``, ``category``,
``rule``).

| what | rule |
|---|---|
| injection | a message with an injection attempt is planned by the parser alone |
| intent | the parser's compare / chit-chat / product question stand; the model may turn a clarify or a decline into a search only with a catalog category it found, and a search into a compare or question only with shown ids; it never declines or clarifies a plan with a category, brand or attribute |
| query | the model's standalone query when it is clean text, else the parser's |
| category | the parser's stands; the model's (a catalog leaf) is taken when the parser found none, or only a level above that leaf, and nothing was cleared |
| brands, colors | catalog values the shopper's message names (close spelling allowed), added to the parser's; exclusions win; cleared stay cleared |
| prices, numeric bounds | the parser's numbers win; a model number is used only when it is one the shopper wrote and the parser has none from the message |
| attributes | only keys of the plan's category with that category's values (never a filter from another category); the parser's value per key wins; cleared keys stay cleared |
| comparative, sort | the parser's win; the model's only over a numeric key of the plan's category (or price / rating); a comparative needs products shown last turn and takes its reference value from them, never from the model |
| references | the parser's win; the model's must have been shown |
| preferences | the parser's, plus the model's that share a word with the message; cleaned and capped |
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field

from assistant.plan.intents import clarifying_question
from assistant.plan.model_plan import Dropped, ModelPlan
from assistant.plan.text import singular
from assistant.plan.vocab import matcher_for
from assistant.schemas import Comparative, QueryPlan, SortSpec
from retrieval.catalog import Product, norm
from retrieval.filters import Filters, NumericRange
from retrieval.products import Vocabulary
from retrieval.schema import PRODUCT_FIELDS, CatalogSchema, field_number

__all__ = ["ParsedTurn", "merge_model_constraints", "merge_model_plan", "shopper_numbers"]

_ALL_CLEARS = frozenset({"price", "brand", "color", "category", "rating", "stock"})
_FIXED = frozenset({"compare", "chit_chat", "product_question"})
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_SAID_CUTOFF = 0.85
_MAX_PREFERENCES = 8


class ParsedTurn(BaseModel):
    """The deterministic parse: the plan plus what the LLM merge must respect."""

    model_config = ConfigDict(extra="forbid")

    plan: QueryPlan
    cleared: set[str] = Field(default_factory=set)
    injection: bool = False
    price_from_message: bool = False
    fresh: bool = True
    than_id: str | None = None
    """The shown product a comparative is measured against when the shopper names it ("quieter than
    the Hearthline"): the comparative's reference, not a filter."""


def _cleared(parsed: ParsedTurn) -> set[str]:
    return set(_ALL_CLEARS) if "all" in parsed.cleared else set(parsed.cleared)


def shopper_numbers(message: str) -> list[float]:
    """The numbers the shopper wrote (``message`` after number words became digits)."""
    return [float(m.group().replace(",", "")) for m in _NUMBER.finditer(message)]


def _written(value: float, numbers: Sequence[float]) -> bool:
    return any(abs(value - n) <= max(0.01, 0.005 * abs(n)) for n in numbers)


def _said(value: str, message: str) -> bool:
    """The shopper's message names ``value`` (a brand or color), allowing a close spelling."""
    text = norm(message)
    target = norm(value)
    if not target:
        return False
    if re.search(rf"(?<![a-z0-9]){re.escape(target)}(?![a-z0-9])", text):
        return True
    words = re.findall(r"[a-z0-9]+", text)
    n = len(target.split())
    grams = [" ".join(words[i : i + n]) for i in range(len(words) - n + 1)]
    return len(target) >= 4 and any(
        difflib.SequenceMatcher(None, target, g).ratio() >= _SAID_CUTOFF for g in grams
    )


def _named(values: list[str], message: str, dropped: Dropped) -> list[str]:
    kept = [v for v in values if _said(v, message)]
    dropped.add("unsaid", len(values) - len(kept))
    return kept


def _intent(det: QueryPlan, model: ModelPlan, filters: Filters, model_category: bool, refs: list[str]) -> str:
    wanted = model.intent
    if wanted is None or wanted == det.intent or det.intent in _FIXED:
        return det.intent
    if wanted in ("search", "refine"):
        return wanted if det.intent in ("clarify", "out_of_catalog") and model_category else det.intent
    if wanted in ("compare", "product_question"):
        return wanted if refs else det.intent
    if wanted in ("out_of_catalog", "clarify"):
        constrained = filters.categories or filters.brands or filters.attributes or filters.attribute_ranges
        return det.intent if constrained or (det.intent == "search" and det.query) else wanted
    return det.intent  # chit-chat is the parser's call


def merge_model_plan(
    parsed: ParsedTurn,
    model: ModelPlan,
    vocabulary: Vocabulary,
    *,
    message: str,
    shown_ids: Sequence[str],
    schema: CatalogSchema | None = None,
    dropped: Dropped | None = None,
) -> QueryPlan:
    """The parse with the model's intent, query, category, brands, colors, prices, references and
    preferences merged in by the rules in the module docstring (``message``: normalized text)."""
    dropped = dropped if dropped is not None else Dropped()
    det = parsed.plan
    if parsed.injection:
        dropped.add("injection")
        return det
    cleared = _cleared(parsed)
    df = det.filters
    fixed = det.intent in ("compare", "chit_chat")

    def union(mine: list[str], theirs: list[str], target: str) -> list[str]:
        extra = [v for v in theirs if v not in mine]
        if extra and (target in cleared or fixed):
            dropped.add("rule", len(extra))
            return mine
        return [*mine, *_named(extra, message, dropped)]

    excluded = union(df.exclude_brands, model.exclude_brands, "brand")
    brands = [b for b in union(df.brands, model.brands, "brand") if b not in excluded]
    colors = union(df.colors, model.colors, "color")
    categories = list(df.categories)
    model_category = False
    if model.categories and not set(model.categories) & set(categories):
        narrower = schema is not None and all(
            any(norm(leaf.name) in schema.parents.get(c, []) for c in categories)
            for m in model.categories
            for leaf in schema.leaves(m)
        )
        if (categories and not narrower) or "category" in cleared or fixed:
            dropped.add("rule")
        else:  # none found, or a leaf under the parser's level ("outdoor" → sleeping bags)
            categories, model_category = list(model.categories), True

    low, high = df.price_min, df.price_max
    numbers = shopper_numbers(message)
    for name, value in (("min", model.price_min), ("max", model.price_max)):
        if value is None or value == (low if name == "min" else high):
            continue
        if parsed.price_from_message or "price" in cleared or fixed or not _written(value, numbers):
            dropped.add("unsaid" if not _written(value, numbers) else "rule")
        elif name == "min":
            low = value
        else:
            high = value
    if low is not None and high is not None and low > high:
        low = None
    filters = Filters.model_validate(
        df.model_dump()
        | {"price_min": low, "price_max": high, "brands": brands, "exclude_brands": excluded,
           "categories": categories, "colors": colors}
    )  # fmt: skip

    shown = set(shown_ids)
    refs = list(det.referenced_ids) or [i for i in model.referenced_ids if i in shown]
    intent = _intent(det, model, filters, model_category, refs)
    if model.intent is not None and intent != model.intent:
        dropped.add("rule")
    if intent in ("compare", "product_question") and not refs and intent != det.intent:
        intent = det.intent
    if model_category and intent in ("clarify", "out_of_catalog", "chit_chat"):
        filters = filters.model_copy(update={"categories": list(df.categories)})  # the model was overruled
    query = model.query or det.query
    question = None
    if intent == "clarify":
        matcher = matcher_for(vocabulary)
        question = (
            model.clarifying_question
            or det.clarifying_question
            or clarifying_question([], matcher.top_categories())
        )
    words = {singular(w) for w in re.findall(r"[a-z]+", message.lower())}
    extra = [p for p in model.preferences if p not in det.preferences]
    said = [p for p in extra if {singular(w) for w in re.findall(r"[a-z]+", p.lower()) if len(w) > 2} & words]
    dropped.add("unsaid", len(extra) - len(said))
    preferences = [*det.preferences, *said]
    dropped.add("overflow", len(preferences) - max(_MAX_PREFERENCES, len(det.preferences)))
    return det.model_copy(
        update={
            "query": "" if intent in ("chit_chat", "clarify") else query,
            "filters": filters,
            "preferences": preferences[: max(_MAX_PREFERENCES, len(det.preferences))],
            "intent": intent,
            "referenced_ids": refs if intent in ("compare", "product_question") else list(det.referenced_ids),
            "clarifying_question": question,
        }
    )


def _plan_categories(plan: QueryPlan, schema: CatalogSchema) -> list[str]:
    categories = [c for c in plan.filters.categories if schema.leaves(c)]
    if not categories and plan.category_hint and schema.leaves(plan.category_hint):
        categories = [plan.category_hint]
    return categories


def merge_model_constraints(
    plan: QueryPlan,
    model: ModelPlan,
    schema: CatalogSchema,
    *,
    message: str,
    shown: Sequence[Product] = (),
    fresh: bool = True,
    cleared: set[str] | None = None,
    dropped: Dropped | None = None,
) -> QueryPlan:
    """``plan`` (after the schema stage) with the model's attribute constraints, comparative and sort
    merged in, only over the plan's own category (see the module docstring)."""
    dropped = dropped if dropped is not None else Dropped()
    asked = (
        len(model.attributes) + len(model.ranges) + (model.comparative is not None) + (model.sort is not None)
    )
    if not asked:
        return plan
    if plan.intent in ("chit_chat", "out_of_catalog", "clarify"):
        dropped.add("rule", asked)
        return plan
    categories = _plan_categories(plan, schema)
    specs = schema.attributes(categories) if categories else {}
    cleared = cleared or set()
    f = plan.filters
    attributes, ranges = dict(f.attributes), dict(f.attribute_ranges)
    taken = set(attributes) | set(ranges) | set(f.attribute_in) | cleared

    for key, value in model.attributes.items():
        spec = specs.get(key)
        if spec is None or spec.kind == "numeric" or value not in spec.values:
            dropped.add("category")
        elif key in taken:
            dropped.add("rule", int(attributes.get(key) != value))
        else:
            attributes[key] = value
    numbers = shopper_numbers(message)
    for key, bounds in model.ranges.items():
        spec = specs.get(key)
        if spec is None or spec.kind != "numeric":
            dropped.add("category")
        elif key in taken:
            dropped.add("rule", int(ranges.get(key) != bounds))
        elif not all(_written(b, numbers) for b in (bounds.gte, bounds.lte) if b is not None):
            dropped.add("unsaid")
        else:
            ranges[key] = bounds

    numeric = {k for k, s in specs.items() if s.kind == "numeric"}
    update: dict[str, object] = {}
    price_min, price_max = f.price_min, f.price_max
    comparative = model.comparative
    if comparative is not None:
        reference = next((p for p in shown if field_number(p, comparative.key) is not None), None)
        if comparative.key not in numeric | {"price"}:
            dropped.add("category")
        elif plan.comparative is not None or plan.sort is not None:
            dropped.add("rule", int(plan.comparative is None or plan.comparative.key != comparative.key))
        elif fresh or reference is None or plan.intent == "compare":
            # Nothing shown to be better than: the wish orders the results instead.
            update["sort"] = _sort(comparative.key, comparative.direction)
        else:
            than = field_number(reference, comparative.key)
            assert than is not None
            lower = comparative.direction == "lower"
            if comparative.key == "price":
                if "price" in cleared:
                    dropped.add("rule")
                elif lower:
                    price_max = round(than - 0.01, 2)
                    price_min = price_min if price_min is not None and price_min < price_max else None
                else:
                    price_min = round(than + 0.01, 2)
                    price_max = price_max if price_max is not None and price_max > price_min else None
            elif comparative.key not in ranges:
                ranges[comparative.key] = NumericRange(lt=than) if lower else NumericRange(gt=than)
            spec = specs.get(comparative.key)
            update["comparative"] = Comparative(
                key=comparative.key,
                direction=comparative.direction,
                dimension=(spec.dimension if spec is not None else None) or comparative.key,
                than=than,
                than_id=reference.id,
            )
            update["sort"] = _sort(comparative.key, comparative.direction)
            if plan.intent == "product_question":
                update["intent"] = "refine"
    sort = model.sort
    if sort is not None:
        if sort.key not in numeric | PRODUCT_FIELDS:
            dropped.add("category")
        elif plan.sort is not None or "sort" in update:
            dropped.add("rule", int(plan.sort is None or plan.sort.key != sort.key))
        else:
            update["sort"] = _sort(sort.key, sort.direction)

    update["filters"] = Filters.model_validate(
        f.model_dump()
        | {
            "attributes": attributes,
            "attribute_ranges": {k: v.model_dump() for k, v in ranges.items()},
            "price_min": price_min,
            "price_max": price_max,
        }
    )
    return plan.model_copy(update=update)


def _sort(key: str, direction: str) -> SortSpec:
    label = key.replace("_", " ")
    return SortSpec(key=key, order="asc" if direction == "lower" else "desc", label=f"{label} {direction}")

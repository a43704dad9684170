"""Merging a capable LLM's structured plan into the deterministic parse (:class:`ParsedTurn`).

The LLM's values must be the catalog's own (fuzzy-matched, the rest reported as unknown); the
parser's explicit prices, clears, comparisons and injection handling win over it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field

from assistant.plan.intents import clarifying_question
from assistant.plan.vocab import VocabularyMatcher, matcher_for
from assistant.schemas import QueryPlan
from retrieval.filters import Filters
from retrieval.products import Vocabulary

__all__ = ["ParsedTurn", "merge_llm_plan"]


class ParsedTurn(BaseModel):
    """The deterministic parse: the plan plus what the LLM merge must respect."""

    model_config = ConfigDict(extra="forbid")

    plan: QueryPlan
    cleared: set[str] = Field(default_factory=set)
    injection: bool = False
    price_from_message: bool = False
    fresh: bool = True


def _validated(kind: str, values: Sequence[str], matcher: VocabularyMatcher, unknown: list[str]) -> list[str]:
    out: list[str] = []
    for value in values:
        match = matcher.resolve(kind, value)  # type: ignore[arg-type]
        if match is None:
            unknown.append(value)
        else:
            out.append(match.value)
    return out


def merge_llm_plan(
    parsed: ParsedTurn, llm_plan: QueryPlan, vocabulary: Vocabulary, *, message: str, shown_ids: Sequence[str]
) -> QueryPlan:
    """Merge a capable LLM's plan into the deterministic one.

    The LLM's query, intent and values are used, but: its filter values must be catalog values
    (fuzzy-matched; the rest become ``unknown_values``); explicit or relative prices from the
    message win, and the LLM may only add a price when the message has a number; constraints the
    shopper cleared stay cleared; comparisons and small talk detected by the parser stand; ids must
    have been shown. A message with an injection attempt is planned by the parser alone.
    """
    det = parsed.plan
    if parsed.injection:
        return det
    matcher = matcher_for(vocabulary)
    unknown = list(det.unknown_values)
    lf, df = llm_plan.filters, det.filters
    cleared = (
        parsed.cleared
        if "all" not in parsed.cleared
        else {"price", "brand", "color", "category", "rating", "stock"}
    )
    fixed = det.intent in ("compare", "chit_chat")

    def union(mine: list[str], theirs: list[str], target: str) -> list[str]:
        if target in cleared or fixed:
            return mine
        return list(dict.fromkeys([*mine, *theirs]))

    brands = union(df.brands, _validated("brand", lf.brands, matcher, unknown), "brand")
    excluded = union(df.exclude_brands, _validated("brand", lf.exclude_brands, matcher, unknown), "brand")
    brands = [b for b in brands if b not in excluded]
    colors = union(df.colors, _validated("color", lf.colors, matcher, unknown), "color")
    llm_cats = _validated("category", lf.categories, matcher, unknown)
    categories = df.categories or ([] if "category" in cleared or fixed else llm_cats)
    attributes = dict(df.attributes)
    if not fixed:
        for key, value in lf.attributes.items():
            match = matcher.resolve("attribute", value, key=key)
            if match is None or match.key is None:
                unknown.append(value)
            elif match.key not in cleared and match.key not in attributes:
                attributes[match.key] = match.value
    low, high = df.price_min, df.price_max
    has_number = re.search(r"\d", message) is not None
    if not parsed.price_from_message and "price" not in cleared and has_number and not fixed:
        low = lf.price_min if lf.price_min else low
        high = lf.price_max if lf.price_max else high
    if low is not None and high is not None and low > high:
        low = None
    min_rating = df.min_rating if df.min_rating is not None or not has_number else lf.min_rating
    filters = Filters(
        price_min=low, price_max=high, brands=brands, exclude_brands=excluded, categories=categories, colors=colors,
        in_stock=True if (df.in_stock or lf.in_stock) and "stock" not in cleared else None,
        min_rating=min_rating, attributes=attributes,
    )  # fmt: skip

    shown = set(shown_ids)
    llm_refs = [i for i in llm_plan.referenced_ids if i in shown]
    intent = llm_plan.intent
    if fixed or (intent == "out_of_catalog" and (filters.brands or filters.categories or filters.attributes)):
        intent = det.intent
    if intent == "compare" and not (llm_refs or det.referenced_ids):
        intent = det.intent
    query = llm_plan.query.strip() or det.query
    question = None
    if intent == "clarify":
        question = (
            llm_plan.clarifying_question
            or det.clarifying_question
            or clarifying_question([], matcher.top_categories())
        )
    return QueryPlan(
        query="" if intent == "chit_chat" else query,
        filters=filters,
        preferences=list(dict.fromkeys([*det.preferences, *llm_plan.preferences])),
        intent=intent,
        referenced_ids=list(dict.fromkeys([*det.referenced_ids, *llm_refs])),
        clarifying_question=question,
        unknown_values=list(dict.fromkeys([*unknown, *llm_plan.unknown_values])),
    )

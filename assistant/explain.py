"""Rerank and explain: the LLM orders the top candidates and writes one grounded reason per product.

Two modes, chosen by the turn from settings and the backend's strength:

* ``rerank`` (capable models): one listwise prompt over the top candidates returns ordered ids with
  a reason each, as validated structured output (:class:`RerankReply`).
* ``reasons`` (the tiny embedded model): the learned ranker owns the order; the model writes one
  short reason per product from the facts it is given, schema-constrained (:class:`ReasonReply`).

Every reply is validated: ids must be among the candidates (invented ones dropped, no duplicates)
and each reason may only state facts present in that product's data (:mod:`assistant.grounding`).
A reason that fails is replaced by a deterministic one built from matched constraints and
attributes; an LLM failure (invalid output, timeout, backend error) falls back entirely. Either way
the outcome says what happened, so the turn can emit a ``degraded`` event.
"""

from __future__ import annotations

import logging
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal, Protocol, TypeVar

from pydantic import BaseModel, Field

from assistant.errors import LLMError
from assistant.grounding import check_reason, product_facts_text
from assistant.schemas import QueryPlan, Usage
from retrieval.catalog import Product, norm
from retrieval.products import Vocabulary

__all__ = [
    "ExplainMode",
    "Explained",
    "ProductReason",
    "ReasonReply",
    "RerankReply",
    "candidate_facts",
    "explain",
    "fallback_reason",
    "validate_ranking",
]

log = logging.getLogger(__name__)

ExplainMode = Literal["rerank", "reasons", "off"]
MAX_REASON_CHARS = 240
LOCAL_REASON_CHARS = 160
MIN_REASON_CHARS = 20
_MIN_REASON_WORDS = 4
_MAX_REPEATS = 3


class ProductReason(BaseModel):
    id: str = Field(description="A product id copied exactly from the candidate list.")
    reason: str = Field(description="One sentence on why it fits, citing only the product's listed facts.")


class RerankReply(BaseModel):
    """Listwise rerank: the best candidates first, each with one reason."""

    ranking: list[ProductReason]


class ReasonReply(BaseModel):
    """One reason for one product (the embedded model's task); bounded so a small model's
    schema-constrained output ends before the token limit."""

    reason: str = Field(min_length=MIN_REASON_CHARS, max_length=LOCAL_REASON_CHARS)


@dataclass
class Explained:
    """The final order with a reason per product, and what had to be repaired."""

    products: list[Product]
    reasons: list[str]
    problems: list[str] = field(default_factory=list)
    failed: bool = False
    usage: Usage = field(default_factory=Usage)

    @property
    def degraded(self) -> bool:
        return self.failed or bool(self.problems)


# --- deterministic reasons -----------------------------------------------------------------------

_UNITS = {
    "db": "dB",
    "dba": "dBA",
    "in": "in",
    "inch": "in",
    "kg": "kg",
    "lb": "lb",
    "lbs": "lb",
    "hours": "hours",
    "h": "hours",
    "l": "L",
    "liters": "L",
    "mm": "mm",
    "w": "W",
    "watts": "W",
    "gb": "GB",
    "tb": "TB",
    "sqft": "sq ft",
    "oz": "oz",
    "c": "°C",
    "f": "°F",
}
_PREFERENCE_HINTS = {
    "quiet": ("noise", "db", "dba"),
    "silent": ("noise", "db", "dba"),
    "light": ("weight",),
    "lightweight": ("weight",),
    "battery": ("battery",),
    "waterproof": ("waterproof",),
    "warm": ("temperature", "temp"),
    "big": ("capacity", "size", "place"),
    "large": ("capacity", "size", "place"),
}


def attribute_phrase(key: str, value: str) -> str:
    """``noise_level_db``/``44`` → "noise level 44 dB"; ``finish``/``stainless`` → "finish: stainless"."""
    words = key.replace("-", "_").split("_")
    if len(words) > 1 and words[-1].lower() in _UNITS:
        return f"{' '.join(words[:-1])} {value} {_UNITS[words[-1].lower()]}"
    return f"{' '.join(words)}: {value}"


def _relevant_attributes(product: Product, plan: QueryPlan) -> list[tuple[str, str]]:
    wanted = {norm(w) for text in [plan.query, *plan.preferences] for w in text.split()}
    hints = {h for w in wanted for h in _PREFERENCE_HINTS.get(w, ())}
    scored: list[tuple[int, str, str]] = []
    for key, value in product.attributes.items():
        if key in {"variant_of", "family"}:
            continue
        key_words = set(norm(key).replace("_", " ").split())
        value_words = set(norm(value).split())
        score = 2 * len(key_words & hints) + len((key_words | value_words) & wanted)
        if norm(key) in plan.filters.attributes:
            score += 3
        scored.append((score, key, value))
    scored.sort(key=lambda t: -t[0])
    return [(k, v) for score, k, v in scored if score > 0][:3] or [(k, v) for _, k, v in scored[:2]]


def fallback_reason(product: Product, plan: QueryPlan) -> str:
    """A reason built only from the product's data and the shopper's matched constraints."""
    bits: list[str] = []
    f = plan.filters
    if product.price is not None:
        price = f"${product.price:,.2f}"
        bits.append(f"{price}, within your ${f.price_max:,.0f} budget" if f.price_max is not None else price)
    if product.brand and (f.brands or not bits):
        bits.append(f"by {product.brand}")
    if product.color and f.colors:
        bits.append(f"in {product.color}")
    bits.extend(attribute_phrase(k, v) for k, v in _relevant_attributes(product, plan))
    if product.rating is not None and product.rating_count:
        bits.append(f"rated {product.rating:g}/5 by {product.rating_count:,} shoppers")
    if not bits:
        bits.append(product.category[-1] if product.category else product.title)
    text = "; ".join(bits)
    return text[0].upper() + text[1:] + "."


# --- prompts' view of a candidate ----------------------------------------------------------------


def candidate_facts(product: Product) -> str:
    """The facts the LLM is given for one product (and the only ones it may cite)."""
    lines = [f"id: {product.id}", f"title: {product.title}"]
    if product.brand:
        lines.append(f"brand: {product.brand}")
    if product.price is not None:
        lines.append(f"price: ${product.price:,.2f}")
    if product.color:
        lines.append(f"color: {product.color}")
    if product.category:
        lines.append(f"category: {product.category_path}")
    lines.extend(f"{k}: {v}" for k, v in product.attributes.items() if k not in {"variant_of", "family"})
    if product.rating is not None:
        lines.append(f"rating: {product.rating:g}/5 ({product.rating_count or 0} reviews)")
    lines.extend(f"- {b}" for b in product.bullet_points[:3])
    return "\n".join(lines)


# --- validation ----------------------------------------------------------------------------------


def _says_something(reason: str, product: Product) -> bool:
    """A reason worth showing: a few words, at least one of them about this product's facts."""
    words = {w for w in re.findall(r"[a-z0-9]+", reason.casefold()) if len(w) > 2}
    tokens = reason.casefold().split()
    if len(tokens) < _MIN_REASON_WORDS:
        return False
    if max(Counter(tokens).values()) > _MAX_REPEATS:  # a small model looping on a phrase
        return False
    facts = set(re.findall(r"[a-z0-9]+", product_facts_text(product).casefold()))
    return bool(words & facts)


def _clean_reason(text: str) -> str:
    text = " ".join(text.split())
    return text[:MAX_REASON_CHARS].rstrip()


def validate_ranking(
    reply: Sequence[ProductReason],
    candidates: Sequence[Product],
    plan: QueryPlan,
    *,
    vocabulary: Vocabulary | None,
    shopper_text: str,
    n: int,
    keep_order: bool,
    asked: set[str] | None = None,
) -> Explained:
    """Apply the rules to an LLM reply: only candidate ids, no duplicates, grounded reasons.

    ``keep_order`` keeps the candidates' (ranker's) order and uses the reply only for reasons.
    Slots the reply leaves empty are filled from the ranker's order with fallback reasons.
    """
    by_id = {p.id: p for p in candidates}
    problems: list[str] = []
    reasons: dict[str, str] = {}
    order: list[str] = []
    for item in reply:
        pid = item.id.strip()
        if pid not in by_id:
            problems.append(f"dropped invented product id {pid!r}")
            continue
        if pid in reasons:
            problems.append(f"dropped duplicate id {pid!r}")
            continue
        reason = _clean_reason(item.reason)
        report = check_reason(
            reason, by_id[pid], vocabulary=vocabulary, filters=plan.filters, shopper_text=shopper_text
        )
        vacuous = not _says_something(reason, by_id[pid])
        if vacuous or not report.grounded:
            why = ", ".join(report.unsupported) or "says nothing about the product"
            problems.append(f"replaced ungrounded reason for {pid} ({why})")
            reason = fallback_reason(by_id[pid], plan)
        reasons[pid] = reason
        order.append(pid)
    if keep_order:
        order = [p.id for p in candidates[:n]]
    else:
        order.extend(p.id for p in candidates if p.id not in reasons)
    chosen = [by_id[pid] for pid in order[:n]]
    final = [reasons.get(p.id) or fallback_reason(p, plan) for p in chosen]
    missing = [p.id for p in chosen if p.id not in reasons and (asked is None or p.id in asked)]
    if missing and reply:
        problems.append(f"no reason given for {len(missing)} product(s); used facts instead")
    return Explained(products=chosen, reasons=final, problems=problems)


def fallback(candidates: Sequence[Product], plan: QueryPlan, n: int, why: str) -> Explained:
    chosen = list(candidates[:n])
    return Explained(chosen, [fallback_reason(p, plan) for p in chosen], problems=[why], failed=True)


# --- the LLM step --------------------------------------------------------------------------------

M = TypeVar("M", bound=BaseModel)


class StructuredCall(Protocol):
    """``(prompt_name, variables, schema) -> (validated reply, usage)``; raises :class:`LLMError`."""

    def __call__(self, prompt: str, variables: dict[str, str], schema: type[M], /) -> tuple[M, Usage]: ...


def _constraints_text(plan: QueryPlan) -> str:
    parts = [f"looking for: {plan.query}"]
    f = plan.filters
    if f.price_max is not None:
        parts.append(f"budget up to ${f.price_max:,.0f}")
    if f.price_min is not None:
        parts.append(f"at least ${f.price_min:,.0f}")
    if f.brands:
        parts.append("brands: " + ", ".join(f.brands))
    if f.colors:
        parts.append("colors: " + ", ".join(f.colors))
    parts.extend(f"{k}: {v}" for k, v in f.attributes.items())
    if plan.preferences:
        parts.append("prefers: " + ", ".join(plan.preferences))
    return "; ".join(parts)


def explain(
    candidates: Sequence[Product],
    plan: QueryPlan,
    *,
    mode: ExplainMode,
    call: StructuredCall | None,
    n: int,
    vocabulary: Vocabulary | None,
    shopper_text: str,
    llm_reasons: int | None = None,
) -> Explained:
    """Order and explain ``candidates`` (already ranked and trimmed to the prompt budget).

    In ``reasons`` mode the model writes reasons for the first ``llm_reasons`` products (all ``n``
    when ``None``); the rest get reasons built from their facts.
    """
    if mode == "off" or call is None or not candidates:
        chosen = list(candidates[:n])
        return Explained(chosen, [fallback_reason(p, plan) for p in chosen])
    try:
        if mode == "rerank":
            reply, usage = call(
                "explain",
                {
                    "request": _constraints_text(plan),
                    "candidates": "\n\n".join(candidate_facts(p) for p in candidates),
                    "n": str(n),
                },
                RerankReply,
            )
            result = validate_ranking(
                reply.ranking,
                candidates,
                plan,
                vocabulary=vocabulary,
                shopper_text=shopper_text,
                n=n,
                keep_order=False,
            )
            result.usage = usage
            return result
        items: list[ProductReason] = []
        total = Usage()
        asked = candidates[: min(n, llm_reasons if llm_reasons is not None else n)]
        for product in asked:
            one, usage = call(
                "reasons",
                {"request": _constraints_text(plan), "product": candidate_facts(product)},
                ReasonReply,
            )
            items.append(ProductReason(id=product.id, reason=one.reason))
            total = total + usage
        result = validate_ranking(
            items,
            candidates,
            plan,
            vocabulary=vocabulary,
            shopper_text=shopper_text,
            n=n,
            keep_order=True,
            asked={p.id for p in asked},
        )
        result.usage = total
        return result
    except LLMError as exc:
        log.warning("explain fell back to the ranker's order: %s", exc)
        return fallback(
            candidates, plan, n, f"the model's answer was unusable ({_kind(exc)}); showing our ranking"
        )


def _kind(exc: LLMError) -> str:
    """A short, shopper-safe name for what went wrong (the details go to the log)."""
    text = str(exc)
    if "did not answer within" in text:
        return "timed out"
    if "not a valid" in text or "truncated" in text or "cut off" in text:
        return "invalid output"
    return "backend error"

"""Rerank and explain: the LLM orders the top candidates and writes one grounded reason per product.

Two modes, chosen by the turn from settings and the backend's strength:

* ``rerank`` (capable models): one listwise prompt over the top candidates returns ordered ids with
  a reason each, as validated structured output (:class:`RerankReply`).
* ``reasons`` (the tiny embedded model): the learned ranker owns the order; the model writes one
  short reason per product from the facts it is given, schema-constrained (:class:`ReasonReply`).

Every reply is validated: ids must be among the candidates (invented ones dropped, no duplicates)
and each reason is checked claim by claim against its product and the others shown (:mod:`assistant.claims`).
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

from assistant.claims import seller_claim, verify_reason
from assistant.compose import compose_reason, product_name
from assistant.errors import LLMError
from assistant.llm.failures import classify, describe_failure
from assistant.schemas import QueryPlan, Usage
from retrieval.catalog import Product
from retrieval.products import Vocabulary
from retrieval.schema import GROUPING_KEYS, CatalogSchema

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


def fallback_reason(
    product: Product, plan: QueryPlan, shown: Sequence[Product] = (), schema: CatalogSchema | None = None
) -> str:
    """A reason built only from the product's data, the shopper's ask and the other products shown
    (:func:`assistant.compose.compose_reason`)."""
    return compose_reason(product, plan, shown, schema)


def product_facts_text(product: Product) -> str:
    """Every fact of the product as one text (what a reason may draw on)."""
    parts = [
        product.title,
        product.description,
        *product.bullet_points,
        product.brand or "",
        product.color or "",
    ]
    parts.extend(product.category)
    parts.extend(f"{k} {v}" for k, v in product.attributes.items())
    return "\n".join(p for p in parts if p)


# --- prompts' view of a candidate ----------------------------------------------------------------


def model_title(product: Product) -> str:
    """The title as the model may see it: cut before any seller claim ("Tent — now only $1" → "Tent")."""
    return product_name(product, max_words=40) if seller_claim(product.title) else product.title


def candidate_facts(product: Product) -> str:
    """The facts the LLM is given for one product (and the only ones it may cite).

    Seller text that claims a price, discount, shipping or policy, or speaks to the assistant
    (:func:`~assistant.claims.seller_claim`), is not given: the model cannot repeat what it never saw.
    """
    lines = [f"id: {product.id}", f"title: {model_title(product)}"]
    if product.brand:
        lines.append(f"brand: {product.brand}")
    if product.price is not None:
        lines.append(f"price: ${product.price:,.2f}")
    if product.color:
        lines.append(f"color: {product.color}")
    if product.category:
        lines.append(f"category: {product.category_path}")
    lines.extend(
        f"{k}: {v}"
        for k, v in product.attributes.items()
        if k not in GROUPING_KEYS and not seller_claim(v) and not seller_claim(k)
    )
    if product.rating is not None:
        lines.append(f"rating: {product.rating:g}/5 ({product.rating_count or 0} reviews)")
    lines.extend(f"- {b}" for b in [b for b in product.bullet_points if not seller_claim(b)][:3])
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
    schema: CatalogSchema | None = None,
) -> Explained:
    """Apply the rules to an LLM reply: only candidate ids, no duplicates, verified claims.

    Each reason is checked claim by claim (:func:`assistant.claims.verify_reason`) against its
    product and the other products shown: unsupported claims are dropped, and a reason left with
    nothing specific is replaced by the composed one. ``keep_order`` keeps the candidates' (ranker's)
    order and uses the reply only for reasons. Slots the reply leaves empty are composed.
    """
    by_id = {p.id: p for p in candidates}
    problems: list[str] = []
    reasons: dict[str, str] = {}
    order: list[str] = []
    invented = duplicates = 0
    for item in reply:
        pid = item.id.strip()
        if pid not in by_id:
            invented += 1
            log.debug("dropped invented product id %r", pid[:80])  # model output: never shown verbatim
            continue
        if pid in reasons:
            duplicates += 1
            continue
        order.append(pid)
        reasons[pid] = _clean_reason(item.reason)
    if invented:
        problems.append(f"dropped {invented} invented product id(s)")
    if duplicates:
        problems.append(f"dropped {duplicates} duplicate id(s)")
    if keep_order:
        order = [p.id for p in candidates[:n]]
    else:
        order.extend(p.id for p in candidates if p.id not in reasons)
    chosen = [by_id[pid] for pid in order[:n]]
    final: list[str] = []
    dropped_claims = 0
    replaced = 0
    reference = plan.comparative.than if plan.comparative else None
    for p in chosen:
        raw = reasons.get(p.id)
        if raw is None:
            final.append(fallback_reason(p, plan, chosen, schema))
            continue
        checked = verify_reason(
            raw,
            p,
            shown=chosen,
            filters=plan.filters,
            vocabulary=vocabulary,
            shopper_text=shopper_text,
            reference=reference,
        )
        dropped_claims += len(checked.unsupported)
        if len(checked.text.split()) < _MIN_REASON_WORDS or not _says_something(checked.text, p):
            replaced += 1
            final.append(fallback_reason(p, plan, chosen, schema))
        else:
            final.append(checked.text)
    if dropped_claims:
        problems.append(f"dropped {dropped_claims} unsupported claim(s) from the model's reasons")
    if replaced:
        problems.append(f"replaced {replaced} reason(s) with facts from the catalog")
    missing = [p.id for p in chosen if p.id not in reasons and (asked is None or p.id in asked)]
    if missing and reply:
        problems.append(f"no reason given for {len(missing)} product(s); used facts instead")
    return Explained(products=chosen, reasons=final, problems=problems)


def fallback(
    candidates: Sequence[Product], plan: QueryPlan, n: int, why: str, schema: CatalogSchema | None = None
) -> Explained:
    chosen = list(candidates[:n])
    return Explained(
        chosen, [fallback_reason(p, plan, chosen, schema) for p in chosen], problems=[why], failed=True
    )


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
    schema: CatalogSchema | None = None,
) -> Explained:
    """Order and explain ``candidates`` (already ranked and trimmed to the prompt budget).

    In ``reasons`` mode the model writes reasons for the first ``llm_reasons`` products (all ``n``
    when ``None``); the rest get reasons built from their facts.
    """
    if mode == "off" or call is None or not candidates or (mode == "reasons" and llm_reasons == 0):
        chosen = list(candidates[:n])
        return Explained(chosen, [fallback_reason(p, plan, chosen, schema) for p in chosen])
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
                schema=schema,
            )
            result.usage = usage
            return result
        items: list[ProductReason] = []
        total = Usage()
        asked = candidates[: min(n, llm_reasons if llm_reasons is not None else n)]
        stopped: LLMError | None = None
        for product in asked:
            try:
                one, usage = call(
                    "reasons",
                    {"request": _constraints_text(plan), "product": candidate_facts(product)},
                    ReasonReply,
                )
            except LLMError as exc:
                if not items:
                    raise
                stopped = exc  # keep the reasons written so far; the rest come from facts
                break
            items.append(ProductReason(id=product.id, reason=one.reason))
            total = total + usage
        if stopped is not None:
            asked = asked[: len(items)]
        result = validate_ranking(
            items,
            candidates,
            plan,
            vocabulary=vocabulary,
            shopper_text=shopper_text,
            n=n,
            keep_order=True,
            asked={p.id for p in asked},
            schema=schema,
        )
        result.usage = total
        if stopped is not None:
            result.problems.append(
                f"LLM reasons {describe_failure(stopped)}: the rest come from catalog facts"
            )
        return result
    except LLMError as exc:
        log.warning("explain fell back to the ranker's order: %s", classify(exc))
        return fallback(
            candidates, plan, n, f"LLM ranking {describe_failure(exc)}; showing our ranking", schema
        )

"""Grounded-claim checking: a reason may only state facts present in the product's data.

A reason's *claims* are the numbers it states (prices, specs with units, ratings), the catalog
brands and colors it names. Each must appear in the product's own data, or be a constraint the
shopper stated (a budget of "$600" may be quoted back). Used by the assistant to reject reasons
before they reach a shopper, and by ``eval`` for the ``grounded-reasons`` assertion.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from pydantic import BaseModel, Field

from retrieval.catalog import Product, norm
from retrieval.filters import Filters
from retrieval.products import Vocabulary

__all__ = ["GroundingReport", "check_reason", "product_facts_text"]

_RATING_SCALE = 5.0
# Words that claim a comparison with the rest of the market, which no product's data can back.
_SUPERLATIVES = frozenset(
    [
        "best",
        "greatest",
        "finest",
        "cheapest",
        "quietest",
        "lightest",
        "fastest",
        "strongest",
        "perfect",
        "ultimate",
        "unbeatable",
        "unmatched",
        "leading",
        "top-rated",
        "number-one",
    ]
)
_FLAG_VALUES = frozenset({"yes", "no", "true", "false"})
_NON_WORD = re.compile(r"\W+")
_NUMBER = re.compile(r"(?<![\w.])\$?\s?(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?")


class GroundingReport(BaseModel):
    """What a reason claims that the product's data does not support."""

    grounded: bool
    unsupported: list[str] = Field(default_factory=list)


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
    if product.price is not None:
        parts.append(f"{product.price:.2f}")
    if product.rating is not None:
        parts.append(f"{product.rating}")
    if product.rating_count is not None:
        parts.append(str(product.rating_count))
    return "\n".join(p for p in parts if p)


def _numbers(text: str) -> set[float]:
    found: set[float] = set()
    for whole, frac in _NUMBER.findall(text):
        value = float(whole.replace(",", "") + (f".{frac}" if frac else ""))
        found.add(round(value, 2))
    return found


def _filter_numbers(filters: Filters | None) -> set[float]:
    if filters is None:
        return set()
    values = [float(v) for v in (filters.price_min, filters.price_max, filters.min_rating) if v is not None]
    # A budget may be quoted rounded ("under your $499 budget" for a cap of 498.99).
    found = {round(v, 2) for v in values} | {float(round(v)) for v in values}
    for value in filters.attributes.values():
        found |= _numbers(value)
    return found


def _padded(text: str) -> str:
    """Normalized words padded with spaces, for whole-phrase lookups."""
    return f" {norm(_NON_WORD.sub(' ', text.replace('_', ' ')))} "


def _mentions(text: str, names: Iterable[str]) -> set[str]:
    lowered = _padded(text)
    return {name for name in names if len(name) > 2 and f" {name} " in lowered}


def check_reason(
    reason: str,
    product: Product,
    *,
    vocabulary: Vocabulary | None = None,
    filters: Filters | None = None,
    shopper_text: str = "",
) -> GroundingReport:
    """Check every claim in ``reason`` against ``product`` (plus the shopper's stated constraints)."""
    facts = product_facts_text(product)
    allowed_numbers = _numbers(facts) | _filter_numbers(filters) | _numbers(shopper_text)
    if product.price is not None:
        allowed_numbers.add(round(float(product.price), 2))
        allowed_numbers.add(float(round(product.price)))
    if product.rating is not None:
        allowed_numbers.add(_RATING_SCALE)  # "rated 4.5/5"
    unsupported = [f"number {n:g}" for n in sorted(_numbers(reason) - allowed_numbers)]
    fact_words = _padded(facts + " " + shopper_text)
    if vocabulary is not None:
        values: dict[str, str] = {}
        for table in vocabulary.attributes.values():
            values.update({v: d for v, d in table.items() if not _numbers(v) and v not in _FLAG_VALUES})
        for kind, names in (
            ("brand", vocabulary.brands),
            ("color", vocabulary.colors),
            ("attribute", values),
        ):
            for name in sorted(_mentions(reason, names)):
                if f" {name} " not in fact_words:
                    unsupported.append(f"{kind} {names[name]}")
    for word in sorted(set(_padded(reason).split()) & _SUPERLATIVES):
        if f" {word} " not in fact_words:
            unsupported.append(f"superlative {word!r}")
    return GroundingReport(grounded=not unsupported, unsupported=unsupported)

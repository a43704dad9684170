"""A brand said by its short name is every name the catalog files that maker under.

A shopper who says "a hunter ceiling fan" or "anything but honeywell" means HUNTER and Hunter Fan
Company, Honeywell and Honeywell Home: the names :func:`retrieval.brands.families` reads from the
catalog's own brand names are added to the plan's brands (asked for or ruled out), per item too.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from assistant.schemas import Filters, QueryPlan
from retrieval.brands import families
from retrieval.catalog import Product, norm

__all__ = ["BrandFamilies", "with_brand_families"]


@dataclass(frozen=True)
class BrandFamilies:
    """For each brand (normalized) that longer brand names begin with, those names, per catalog
    version."""

    version: int
    members: Mapping[str, tuple[str, ...]]

    @classmethod
    def build(cls, version: int, products: Iterable[Product]) -> BrandFamilies:
        return cls(version, families({norm(p.brand) for p in products if p.brand and norm(p.brand)}))

    def of(self, brands: Iterable[str]) -> list[str]:
        """``brands`` with every name of their families added, in order, without repeats."""
        out: list[str] = []
        for brand in brands:
            for name in (brand, *self.members.get(norm(brand), ())):
                if name not in out:
                    out.append(name)
        return out


def _widened(filters: Filters, brand_families: BrandFamilies) -> Filters:
    update: dict[str, list[str]] = {}
    if filters.brands:
        update["brands"] = brand_families.of(filters.brands)
    if filters.exclude_brands:
        update["exclude_brands"] = brand_families.of(filters.exclude_brands)
    changed = {k: v for k, v in update.items() if v != getattr(filters, k)}
    return filters.model_copy(update=changed) if changed else filters


def with_brand_families(plan: QueryPlan, brand_families: BrandFamilies) -> QueryPlan:
    """``plan`` asking for (or ruling out) every name of the families of the brands it names, in its
    filters and in each item's."""
    filters = _widened(plan.filters, brand_families)
    items = [
        item.model_copy(update={"filters": widened})
        if (widened := _widened(item.filters, brand_families)) is not item.filters
        else item
        for item in plan.items
    ]
    if filters is plan.filters and all(a is b for a, b in zip(items, plan.items, strict=True)):
        return plan
    return plan.model_copy(update={"filters": filters, "items": items})

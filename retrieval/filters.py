"""Hard filters: one model, two evaluations with the same meaning.

* :func:`to_where` turns :class:`Filters` into a Chroma ``where`` clause (dense retrieval).
* :func:`matches` evaluates the same filters on a product (the BM25 mask, tests, eval assertions).

Semantics: every set field must hold. Strings compare in :func:`retrieval.catalog.norm` form. A
filter on a value the product does not have (no price, no brand) does not match: an unknown price
never passes a price cap. ``categories`` matches when any category level equals any of the values.
"""

from __future__ import annotations

import math
import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from retrieval.ages import CHILD_WORD, admits, for_children, stated_ages
from retrieval.catalog import MAX_CATEGORY_LEVELS, Product, index_metadata, norm
from retrieval.quantities import known_unit, states
from retrieval.schema import attribute_number
from retrieval.text import analyze, denied_stems, only_denied, says_phrase

__all__ = [
    "Filters",
    "NumericRange",
    "combine",
    "matches",
    "matches_metadata",
    "text_holds",
    "title_says",
    "to_where",
]


def _not_bool(value: object) -> object:
    # Pydantic reads true/false as 1/0 where a number is expected: `min_rating: false` meant "0 stars".
    if isinstance(value, bool):
        raise ValueError("must be a number, not true or false")
    return value


def _not_number(value: object) -> object:
    # ... and 0/1 as false/true where a boolean is expected.
    if isinstance(value, int | float) and not isinstance(value, bool):
        raise ValueError("must be true or false, not a number")
    return value


class NumericRange(BaseModel):
    """Bounds on a numeric attribute (``weight_kg`` < 1.5, ``capacity`` ≥ 3); all given must hold."""

    model_config = ConfigDict(extra="forbid")

    gt: float | None = None
    gte: float | None = None
    lt: float | None = None
    lte: float | None = None

    _numbers = field_validator("gt", "gte", "lt", "lte", mode="before")(_not_bool)

    @field_validator("gt", "gte", "lt", "lte")
    @classmethod
    def _finite(cls, value: float | None) -> float | None:
        if value is not None and not math.isfinite(value):
            raise ValueError("must be a finite number")
        return value

    def holds(self, value: float | None) -> bool:
        if value is None:
            return False
        return (
            (self.gt is None or value > self.gt)
            and (self.gte is None or value >= self.gte)
            and (self.lt is None or value < self.lt)
            and (self.lte is None or value <= self.lte)
        )

    def describe(self) -> str:
        parts = [(op, v) for op, v in (("<", self.lt), ("≤", self.lte), (">", self.gt), ("≥", self.gte))]
        return " and ".join(f"{op} {v:g}" for op, v in parts if v is not None)

    def is_empty(self) -> bool:
        return self.gt is None and self.gte is None and self.lt is None and self.lte is None


class Filters(BaseModel):
    """Constraints every returned product must satisfy."""

    model_config = ConfigDict(extra="forbid")

    price_min: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    price_max: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    brands: list[str] = Field(default_factory=list, description="Only these brands.")
    exclude_brands: list[str] = Field(default_factory=list)
    categories: list[str] = Field(default_factory=list, description="Any category level equals one.")
    categories_all: list[str] = Field(
        default_factory=list,
        description="Every one of these is a level of the product's category path (Women and Sandals).",
    )
    exclude_categories: list[str] = Field(
        default_factory=list,
        max_length=8,
        description="No level of the product's category path equals one of these (what the product is "
        'for, not what it is: "something to clean my makeup brushes" is no Brush Set). Never loosened.',
    )
    colors: list[str] = Field(default_factory=list)
    exclude_colors: list[str] = Field(
        default_factory=list,
        max_length=8,
        description='Colours no product\'s colour may hold ("anything but red": Red, Wood Red and '
        "Red & Black are out); a product without a colour stays.",
    )
    in_stock: bool | None = Field(default=None, description="True: only products in stock.")
    min_rating: float | None = Field(default=None, ge=0, le=5, allow_inf_nan=False)
    attributes: dict[str, str] = Field(default_factory=dict, description="Attribute key equals value.")
    attribute_in: dict[str, list[str]] = Field(
        default_factory=dict, description="Attribute key equals one of the values (e.g. gpu: dedicated ones)."
    )
    attribute_ranges: dict[str, NumericRange] = Field(
        default_factory=dict, description="Numeric attribute key within bounds (e.g. weight_kg < 1.5)."
    )
    text_words: list[str] = Field(
        default_factory=list,
        max_length=8,
        description="Words every product's title or bullet points hold (a feature a catalog states only "
        "in its text: polarized, leather, vegan); compared as stemmed words.",
    )
    exclude_text_words: list[str] = Field(
        default_factory=list,
        max_length=8,
        description="Words no product's title may say, unless it says the product is without them "
        '("without fluoride": not "Fluoride Toothpaste", but "Fluoride-Free Toothpaste" passes).',
    )
    title_quantities: dict[str, NumericRange] = Field(
        default_factory=dict,
        max_length=4,
        description="Figures every product's title states, by the unit asked in (ft: at least 30 takes "
        '"32.8ft" and "100 Feet"): a size a catalog states only in its titles (units.yaml displays).',
    )
    child_age: int | None = Field(
        default=None,
        ge=0,
        le=17,
        description="A child of this age will use it: no product whose title or bullet points state ages "
        'that leave the child out ("Ages 8+" for a 4-year-old); one whose stated ages take the child in '
        "counts as a kids' one for the text word kids (a catalog that files no age attribute).",
    )

    _numbers = field_validator("price_min", "price_max", "min_rating", mode="before")(_not_bool)
    _booleans = field_validator("in_stock", mode="before")(_not_number)

    @field_validator(
        "brands",
        "exclude_brands",
        "categories",
        "categories_all",
        "exclude_categories",
        "colors",
        "exclude_colors",
        "text_words",
        "exclude_text_words",
        mode="after",
    )
    @classmethod
    def _normalize_list(cls, values: list[str]) -> list[str]:
        seen: list[str] = []
        for v in values:
            n = norm(v)
            if n and n not in seen:
                seen.append(n)
        return seen

    @field_validator("attributes", mode="after")
    @classmethod
    def _normalize_attrs(cls, values: dict[str, str]) -> dict[str, str]:
        return {norm(k): norm(v) for k, v in values.items() if norm(k) and norm(v)}

    @field_validator("attribute_in", mode="after")
    @classmethod
    def _normalize_in(cls, values: dict[str, list[str]]) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for k, vs in values.items():
            kept = list(dict.fromkeys(norm(v) for v in vs if norm(v)))
            if norm(k) and kept:
                out[norm(k)] = kept
        return out

    @field_validator("attribute_ranges", mode="after")
    @classmethod
    def _normalize_ranges(cls, values: dict[str, NumericRange]) -> dict[str, NumericRange]:
        return {norm(k): v for k, v in values.items() if norm(k) and not v.is_empty()}

    @field_validator("title_quantities", mode="after")
    @classmethod
    def _known_units(cls, values: dict[str, NumericRange]) -> dict[str, NumericRange]:
        unknown = [k for k in values if not known_unit(k)]
        if unknown:
            raise ValueError(f"unknown unit {unknown[0]!r}: use a unit display of retrieval/data/units.yaml")
        return {k: v for k, v in values.items() if not v.is_empty()}

    @model_validator(mode="after")
    def _check_range(self) -> Filters:
        if self.price_min is not None and self.price_max is not None and self.price_min > self.price_max:
            raise ValueError(f"price_min {self.price_min} is above price_max {self.price_max}")
        if set(self.exclude_categories) & {*self.categories, *self.categories_all}:
            # a kind asked for is never ruled out by an earlier turn's use of it
            kept = {*self.categories, *self.categories_all}
            self.exclude_categories = [c for c in self.exclude_categories if c not in kept]
        return self

    def is_empty(self) -> bool:
        return self == Filters()


def color_words(color: str) -> set[str]:
    """The words of a colour value ("Wood Red,11'" → wood, red), as ``exclude_colors`` compares them."""
    return set(re.findall(r"[a-z]+", color.casefold()))


def holds_colour(color: str, ruled: list[str]) -> bool:
    """Whether a colour value holds every word of one of the ``ruled`` colours ("Red & Black" holds
    red; "Gold" does not hold rose gold)."""
    words = color_words(color)
    return any(color_words(r) <= words for r in ruled if color_words(r))


def combine(base: Filters, extra: Filters) -> Filters:
    """``base`` narrowed by ``extra``'s attribute constraints, category levels and text words (an
    item's own constraints over a multi-item ask's shared ones): ``extra`` wins a key both set."""
    return base.model_copy(
        update={
            "attributes": {**base.attributes, **extra.attributes},
            "attribute_in": {**base.attribute_in, **extra.attribute_in},
            "attribute_ranges": {**base.attribute_ranges, **extra.attribute_ranges},
            "title_quantities": {**base.title_quantities, **extra.title_quantities},
            "categories_all": list(dict.fromkeys([*base.categories_all, *extra.categories_all])),
            "exclude_categories": list(dict.fromkeys([*base.exclude_categories, *extra.exclude_categories]))[
                :8
            ],
            "exclude_colors": list(dict.fromkeys([*base.exclude_colors, *extra.exclude_colors]))[:8],
            "text_words": list(dict.fromkeys([*base.text_words, *extra.text_words]))[:8],
            "exclude_text_words": list(dict.fromkeys([*base.exclude_text_words, *extra.exclude_text_words]))[
                :8
            ],
            "child_age": extra.child_age if extra.child_age is not None else base.child_age,
        }
    )


def _one_of(key: str, values: list[str]) -> dict[str, Any]:
    return {key: values[0]} if len(values) == 1 else {key: {"$in": values}}


def _any(clauses: list[dict[str, Any]]) -> dict[str, Any]:
    return clauses[0] if len(clauses) == 1 else {"$or": clauses}


def to_where(filters: Filters) -> dict[str, Any] | None:
    """The Chroma ``where`` clause for ``filters``; ``None`` when there is nothing to filter.

    ``attribute_ranges``, ``exclude_categories``, ``exclude_colors``, ``text_words``, ``exclude_text_words``,
    ``title_quantities`` and ``child_age`` are not in it
    (Chroma stores attribute values as strings and no product text): the searcher evaluates them on
    the in-memory snapshot and scores the allowed set exactly instead.
    """
    clauses: list[dict[str, Any]] = []
    if filters.price_min is not None:
        clauses.append({"price": {"$gte": float(filters.price_min)}})
    if filters.price_max is not None:
        clauses.append({"price": {"$lte": float(filters.price_max)}})
    if filters.brands:
        clauses.append(_one_of("brand", filters.brands))
    if filters.exclude_brands:
        # $nin also passes products with no brand, as matches() does.
        clauses.append({"brand": {"$nin": filters.exclude_brands}})
    if filters.categories:
        levels = [_one_of(f"cat{level}", filters.categories) for level in range(MAX_CATEGORY_LEVELS)]
        clauses.append(_any(levels))
    for value in filters.categories_all:
        clauses.append(_any([{f"cat{level}": value} for level in range(MAX_CATEGORY_LEVELS)]))
    if filters.colors:
        clauses.append(_one_of("color", filters.colors))
    if filters.in_stock is True:
        clauses.append({"in_stock": True})
    if filters.min_rating is not None:
        clauses.append({"rating": {"$gte": float(filters.min_rating)}})
    for key, value in sorted(filters.attributes.items()):
        clauses.append({f"attr:{key}": value})
    for key, values in sorted(filters.attribute_in.items()):
        clauses.append(_one_of(f"attr:{key}", values))
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


_PRODUCT_NUMBERS = frozenset({"rating", "rating_count"})
"""Product fields (not attributes) a range may bound: "better rated", "more reviews than that one"."""


def matches_metadata(meta: dict[str, Any], filters: Filters) -> bool:
    """Whether flattened index metadata (see :func:`index_metadata`) passes ``filters``."""
    price = meta.get("price")
    if filters.price_min is not None and (price is None or price < filters.price_min):
        return False
    if filters.price_max is not None and (price is None or price > filters.price_max):
        return False
    brand = meta.get("brand")
    if filters.brands and brand not in filters.brands:
        return False
    if filters.exclude_brands and brand in filters.exclude_brands:
        return False
    if filters.categories or filters.categories_all:
        levels = {meta.get(f"cat{level}") for level in range(MAX_CATEGORY_LEVELS)}
        if filters.categories and not levels.intersection(filters.categories):
            return False
        if not levels.issuperset(filters.categories_all):
            return False
    if filters.exclude_categories:
        levels = {meta.get(f"cat{level}") for level in range(MAX_CATEGORY_LEVELS)}
        if levels.intersection(filters.exclude_categories):
            return False
    if filters.colors and meta.get("color") not in filters.colors:
        return False
    if filters.exclude_colors and holds_colour(str(meta.get("color") or ""), filters.exclude_colors):
        return False
    if filters.in_stock is True and meta.get("in_stock") is not True:
        return False
    rating = meta.get("rating")
    if filters.min_rating is not None and (rating is None or rating < filters.min_rating):
        return False
    if not all(meta.get(f"attr:{key}") == value for key, value in filters.attributes.items()):
        return False
    if not all(meta.get(f"attr:{key}") in values for key, values in filters.attribute_in.items()):
        return False
    return all(
        bounds.holds(_number(meta.get(f"attr:{key}", meta.get(key) if key in _PRODUCT_NUMBERS else None)))
        for key, bounds in filters.attribute_ranges.items()
    )


def _number(value: Any) -> float | None:
    """A metadata value as a number, read as :func:`~retrieval.schema.attribute_number` reads attributes."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value) if math.isfinite(value) else None
    return attribute_number(value) if isinstance(value, str) else None


def matches(product: Product, filters: Filters) -> bool:
    """Whether ``product`` satisfies every hard filter (same meaning as :func:`to_where`, plus
    ``text_words``, ``exclude_text_words``, ``title_quantities`` and ``child_age``, which index
    metadata does not hold)."""
    words = filters.text_words
    if filters.child_age is not None:
        ages = stated_ages(product.title, bullet_text(product))
        if ages is not None and not admits(ages, filters.child_age):
            return False  # "Ages 8+" for a 4-year-old
        if ages is not None and for_children(ages):
            words = [w for w in words if w != CHILD_WORD]  # "Ages 3 and Up" says it is a kids' one
    if words and not text_holds(product, words):
        return False
    if filters.exclude_text_words and title_says(product.title, filters.exclude_text_words):
        return False
    if not all(states(product.title, unit, bounds) for unit, bounds in filters.title_quantities.items()):
        return False
    return matches_metadata(index_metadata(product, content_hash_value="-"), filters)


def text_holds(product: Product, text_words: list[str]) -> bool:
    """Whether every one of ``text_words`` is in the product's title or its bullet points (its
    description's start when it has none), stemmed, as the snapshot's field indexes compare; a phrase
    ("fragrance free") only in the title, its words in a row."""
    bullets = bullet_text(product)
    said = analyze(product.title)
    title, rest = set(said), set(analyze(bullets))

    def stated(w: str) -> bool:
        stems = set(analyze(w))
        in_title = stems <= title and not only_denied(product.title, w)
        return in_title or (stems <= rest and not only_denied(bullets, w))

    return all(
        says_phrase(said, w) if " " in w.strip() and len(analyze(w)) > 1 else stated(w) for w in text_words
    )


def bullet_text(product: Product) -> str:
    """The product text read with its title for stated features: its bullet points, or its
    description's start when it has none (as the snapshot's ``bullets`` field index holds)."""
    return " ".join(product.bullet_points) or product.description[:1000]


def title_says(title: str, words_: list[str]) -> bool:
    """Whether a title names any of ``words_`` other than to say the product lacks it ("Fluoride
    Toothpaste" says fluoride; "Fluoride-Free Toothpaste" does not)."""
    held, absent = set(analyze(title)), denied_stems(title)
    return any((stems := set(analyze(w))) and stems <= held and not stems & absent for w in words_)

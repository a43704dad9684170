"""Search with honest relaxation: when nothing meets every constraint, loosen one at a time.

The order is from the least to the most defining constraint: a color, an exact attribute value, the
price, then the specs, use cases and category levels ("for women") that make the product what it
is, a named brand last; what this
very turn asked for ("lighter?") is loosened only after everything else. The first single loosening that finds
products wins; the result says what was loosened and how close the catalog gets ("the cheapest is
$899"), and the products are ordered by how close they come to the asked bound. Category widening —
a category that leaves fewer products than a full answer — is the caller's ``widen``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from pydantic import BaseModel, ConfigDict, Field

from retrieval.brands import family_heads
from retrieval.catalog import Product
from retrieval.filters import Filters, NumericRange
from retrieval.quantities import closest, describe
from retrieval.schema import (
    PRODUCT_FIELDS,
    REVIEWS_FIELD,
    attribute_number,
    field_number,
    key_unit,
    key_words,
)

__all__ = [
    "EXCLUDED_BRAND_FIELD",
    "EXCLUDED_COLOR_FIELD",
    "LEVEL_FIELD",
    "QUANTITY_FIELD",
    "TEXT_FIELD",
    "Relaxation",
    "RelaxedSearch",
    "search_relaxed",
]

LEVEL_FIELD = "category_level"
"""The relaxation field of ``Filters.categories_all`` (the levels a category path must hold)."""
EXCLUDED_BRAND_FIELD = "exclude_brand"
"""The relaxation field of ``Filters.exclude_brands`` (makers the shopper ruled out)."""
EXCLUDED_COLOR_FIELD = "exclude_color"
"""The relaxation field of ``Filters.exclude_colors`` (colours the shopper ruled out)."""
TEXT_FIELD = "text_words"
"""The relaxation field of ``Filters.text_words`` and ``exclude_text_words`` (features a catalog states
only in product text)."""
QUANTITY_FIELD = "title_quantities"
"""The relaxation field of ``Filters.title_quantities`` (a size a catalog states only in its titles)."""
RATING_FIELD = "min_rating"
"""The relaxation field of ``Filters.min_rating`` ("4.9 stars or better" where the best is 4.7)."""


class Relaxation(BaseModel):
    """A constraint the search could not meet and loosened, so the answer can say so."""

    model_config = ConfigDict(extra="forbid")

    field: str = Field(description="price, brand, exclude_brand, color, category_level, an attribute key")
    asked: str = Field(description='What the shopper asked for, in words ("under $400").')
    closest: str = Field(default="", description='How close the catalog gets ("the cheapest is $899").')
    loosened: Filters | None = Field(
        default=None,
        description="The constraint as asked (only its own fields set): what a later turn may ask "
        'for again ("forget the brand, any blender in that range?").',
    )


class RelaxedSearch(BaseModel):
    products: list[Product]
    filters: Filters
    relaxed: list[Relaxation] = Field(default_factory=list)


def _money(value: float) -> str:
    return f"${value:,.0f}" if float(value).is_integer() else f"${value:,.2f}"


def _num(value: float) -> str:
    return f"{value:g}"


def _unit(key: str) -> str:
    unit = key_unit(key)
    return f" {unit.display}" if unit else ""


def _label(key: str) -> str:
    return " ".join(key_words(key)) or key


def _range_words(key: str, bounds: NumericRange) -> str:
    if key == REVIEWS_FIELD:  # "more than 2,367 ratings"
        counts = [
            f"{word} {value:,.0f} ratings"
            for word, value in (
                ("fewer than", bounds.lt),
                ("at most", bounds.lte),
                ("more than", bounds.gt),
                ("at least", bounds.gte),
            )
            if value is not None
        ]
        return " and ".join(counts)
    parts = []
    if bounds.lt is not None:
        parts.append(f"below {_num(bounds.lt)}{_unit(key)}")
    if bounds.lte is not None:
        parts.append(f"at most {_num(bounds.lte)}{_unit(key)}")
    if bounds.gt is not None:
        parts.append(f"above {_num(bounds.gt)}{_unit(key)}")
    if bounds.gte is not None:
        parts.append(f"at least {_num(bounds.gte)}{_unit(key)}")
    return f"{_label(key)} {' and '.join(parts)}"


def _attribute(p: Product, key: str) -> float | None:
    return field_number(p, key) if key in PRODUCT_FIELDS else attribute_number(p.attributes.get(key))


def _steps(
    filters: Filters,
) -> list[tuple[str, Filters, Callable[[list[Product]], tuple[list[Product], str]], str]]:
    """Single loosenings, least explicit first: (field, loosened filters, closest-first order, asked)."""
    steps: list[tuple[str, Filters, Callable[[list[Product]], tuple[list[Product], str]], str]] = []
    for key, bounds in reversed(list(filters.attribute_ranges.items())):
        rest = {k: v for k, v in filters.attribute_ranges.items() if k != key}

        def order(
            products: list[Product], key: str = key, bounds: NumericRange = bounds
        ) -> tuple[list[Product], str]:
            target = next(b for b in (bounds.lt, bounds.lte, bounds.gt, bounds.gte) if b is not None)
            valued = [(abs((_attribute(p, key) or 1e12) - target), i, p) for i, p in enumerate(products)]
            valued.sort()
            ordered = [p for _, _, p in valued]
            values = [v for p in ordered if (v := _attribute(p, key)) is not None]
            closest = (
                f"the closest is {_num(min(values, key=lambda v: abs(v - target)))}{_unit(key)}"
                if values
                else ""
            )
            return ordered, closest

        steps.append(
            (key, filters.model_copy(update={"attribute_ranges": rest}), order, _range_words(key, bounds))
        )
    for key in list(filters.attribute_in):
        rest_in = {k: v for k, v in filters.attribute_in.items() if k != key}
        steps.append(
            (
                key,
                filters.model_copy(update={"attribute_in": rest_in}),
                lambda ps: (ps, ""),
                f"{_label(key)} {' or '.join(filters.attribute_in[key])}",
            )
        )
    for key, value in reversed(list(filters.attributes.items())):
        rest_attrs = {k: v for k, v in filters.attributes.items() if k != key}
        steps.append(
            (
                key,
                filters.model_copy(update={"attributes": rest_attrs}),
                lambda ps: (ps, ""),
                f"{_label(key)} {value}",
            )
        )
    for unit, bounds in filters.title_quantities.items():
        rest_q = {u: b for u, b in filters.title_quantities.items() if u != unit}

        def by_figure(
            products: list[Product], unit: str = unit, bounds: NumericRange = bounds
        ) -> tuple[list[Product], str]:
            order, nearest = closest([p.title for p in products], unit, bounds)
            said = f"the closest is {_num(round(nearest, 2))} {unit}" if nearest is not None else ""
            return [products[i] for i in order], said

        steps.append(
            (
                QUANTITY_FIELD,
                filters.model_copy(update={"title_quantities": rest_q}),
                by_figure,
                f"of {describe(unit, bounds)}",
            )
        )
    if filters.text_words or filters.child_age is not None:
        # a feature asked for is loosened before what the shopper ruled out ("do any come as gummies?"
        # after "nothing in capsules": not capsules again); a child's age with the kids' word it asks
        steps.append(
            (
                TEXT_FIELD,
                filters.model_copy(update={"text_words": [], "child_age": None}),
                lambda ps: (ps, ""),
                f"mentioning {' and '.join(filters.text_words)}"
                if filters.text_words
                else f"for a {filters.child_age}-year-old",
            )
        )
    elif filters.exclude_text_words:
        steps.append(
            (
                TEXT_FIELD,
                filters.model_copy(update={"exclude_text_words": []}),
                lambda ps: (ps, ""),
                f"without {' or '.join(filters.exclude_text_words)}",
            )
        )
    if filters.min_rating is not None:

        def by_rating(products: list[Product]) -> tuple[list[Product], str]:
            rated = sorted((p for p in products if p.rating is not None), key=lambda p: -(p.rating or 0.0))
            return rated or products, (
                f"the best rated is {_num(rated[0].rating or 0.0)} stars" if rated else ""
            )

        steps.append(
            (
                RATING_FIELD,
                filters.model_copy(update={"min_rating": None}),
                by_rating,
                f"rated {_num(filters.min_rating)} stars or more",
            )
        )
    if filters.colors:
        steps.append(
            (
                "color",
                filters.model_copy(update={"colors": []}),
                lambda ps: (ps, ""),
                "in " + " or ".join(sorted(filters.colors, key=len)[:2]),
            )
        )
    if filters.exclude_colors:
        steps.append(
            (
                EXCLUDED_COLOR_FIELD,
                filters.model_copy(update={"exclude_colors": []}),
                # "anything but red" where every board is red: say which colours there are
                _all_we_have(lambda p: p.color, "in"),
                "in a colour other than " + " or ".join(filters.exclude_colors),
            )
        )
    if filters.categories_all:
        steps.append(
            (
                LEVEL_FIELD,
                filters.model_copy(update={"categories_all": []}),
                lambda ps: (ps, ""),
                "in " + " and ".join(level.title() for level in filters.categories_all),
            )
        )
    if filters.price_max is not None or filters.price_min is not None:

        def by_price(products: list[Product]) -> tuple[list[Product], str]:
            priced = sorted((p for p in products if p.price is not None), key=lambda p: p.price or 0.0)
            if filters.price_max is not None and filters.price_min is not None:
                # "around $200": nothing in the range, so the nearest prices on either side first
                low, high = filters.price_min, filters.price_max

                def gap(p: Product) -> float:
                    price = p.price or 0.0
                    return max(low - price, price - high, 0.0)

                near = sorted(priced, key=gap)
                below = [p for p in priced if (p.price or 0.0) < low]
                above = [p for p in priced if (p.price or 0.0) > high]
                said = [
                    f"the closest below is {_money(below[-1].price or 0)}" if below else "",
                    f"the closest above is {_money(above[0].price or 0)}" if above else "",
                ]
                return near, "; ".join(x for x in said if x)
            if filters.price_max is not None:
                return priced, f"the cheapest is {_money(priced[0].price or 0)}" if priced else ""
            priced.reverse()
            return priced, f"the priciest is {_money(priced[0].price or 0)}" if priced else ""

        asked = (
            f"between {_money(filters.price_min)} and {_money(filters.price_max)}"
            if filters.price_min is not None and filters.price_max is not None
            else f"under {_money(filters.price_max)}"
            if filters.price_max is not None
            else f"over {_money(filters.price_min or 0)}"
        )
        steps.append(
            ("price", filters.model_copy(update={"price_min": None, "price_max": None}), by_price, asked)
        )
    if filters.brands:
        steps.append(
            (
                "brand",
                filters.model_copy(update={"brands": []}),
                lambda ps: (ps, ""),
                "from " + " or ".join(family_heads(filters.brands)),
            )
        )
    if filters.exclude_brands:
        steps.append(
            (
                EXCLUDED_BRAND_FIELD,
                filters.model_copy(update={"exclude_brands": []}),
                # "anything not made by makita?" where every planer is a Makita: say whose they all are
                _all_we_have(lambda p: p.brand, "from"),
                "from a brand other than " + " or ".join(family_heads(filters.exclude_brands)),
            )
        )
    return steps


def _all_we_have(
    value: Callable[[Product], str | None], prep: str
) -> Callable[[list[Product]], tuple[list[Product], str]]:
    """A loosening step's closest: the values the products have ("all we have is from Makita", "…
    is in Red and Red & Black") where the shopper ruled one out."""

    def closest(products: list[Product]) -> tuple[list[Product], str]:
        had = list(dict.fromkeys(v for p in products if (v := value(p))))
        return products, f"all we have is {prep} {' and '.join(had[:3])}" if had else ""

    return closest


def asked_fields(filters: Filters, before: Filters | None) -> list[str]:
    """The relaxation fields ``filters`` adds or changes relative to ``before`` (the last turn's): what
    the shopper asked for in this very turn ("any with a headrest?" after "under $200": headrest)."""
    if before is None:
        return []
    fields = [
        key
        for table, old in (
            (filters.attribute_ranges, before.attribute_ranges),
            (filters.attribute_in, before.attribute_in),
            (filters.attributes, before.attributes),
        )
        for key, value in table.items()
        if old.get(key) != value
    ]
    if filters.colors and set(filters.colors) != set(before.colors):
        fields.append("color")
    if (filters.price_min, filters.price_max) != (before.price_min, before.price_max) and (
        filters.price_min is not None or filters.price_max is not None
    ):
        fields.append("price")
    if filters.brands and set(filters.brands) != set(before.brands):
        fields.append("brand")
    if filters.exclude_brands and set(filters.exclude_brands) != set(before.exclude_brands):
        fields.append(EXCLUDED_BRAND_FIELD)
    if filters.exclude_colors and set(filters.exclude_colors) != set(before.exclude_colors):
        fields.append(EXCLUDED_COLOR_FIELD)
    if filters.categories_all and set(filters.categories_all) != set(before.categories_all):
        fields.append(LEVEL_FIELD)
    if filters.title_quantities and filters.title_quantities != before.title_quantities:
        fields.append(QUANTITY_FIELD)
    if (filters.text_words or filters.exclude_text_words or filters.child_age is not None) and (
        set(filters.text_words) != set(before.text_words)
        or set(filters.exclude_text_words) != set(before.exclude_text_words)
        or filters.child_age != before.child_age
    ):
        fields.append(TEXT_FIELD)
    return fields


def _only(filters: Filters, field: str) -> Filters:
    """The part of ``filters`` one loosening step removes (``field`` as :func:`_steps` names it)."""
    if field == "price":
        return Filters(price_min=filters.price_min, price_max=filters.price_max)
    if field == "color":
        return Filters(colors=filters.colors)
    if field == "brand":
        return Filters(brands=filters.brands)
    if field == EXCLUDED_BRAND_FIELD:
        return Filters(exclude_brands=filters.exclude_brands)
    if field == EXCLUDED_COLOR_FIELD:
        return Filters(exclude_colors=filters.exclude_colors)
    if field == LEVEL_FIELD:
        return Filters(categories_all=filters.categories_all)
    if field == RATING_FIELD:
        return Filters(min_rating=filters.min_rating)
    if field == QUANTITY_FIELD:
        return Filters(title_quantities=filters.title_quantities)
    if field == TEXT_FIELD:
        if filters.text_words or filters.child_age is not None:
            return Filters(text_words=filters.text_words, child_age=filters.child_age)
        return Filters(exclude_text_words=filters.exclude_text_words)
    return Filters(
        attributes={k: v for k, v in filters.attributes.items() if k == field},
        attribute_in={k: v for k, v in filters.attribute_in.items() if k == field},
        attribute_ranges={k: v for k, v in filters.attribute_ranges.items() if k == field},
    )


def search_relaxed(
    filters: Filters,
    run: Callable[[Filters], list[Product]],
    *,
    keep: Sequence[str] = (),
    last: Sequence[str] = (),
    defining: Sequence[str] = (),
) -> RelaxedSearch:
    """``run(filters)``; when it finds nothing, the first single loosening that does (see module doc).

    ``keep`` names fields never loosened (a category the shopper chose is kept by the caller);
    ``last`` names fields loosened only after every other one (what this very turn asked for, such
    as the attribute of "lighter?"); ``defining`` names attribute values that say what the product
    is ("an espresso machine": type), loosened after the price like a spec."""
    found = run(filters)
    if found:
        return RelaxedSearch(products=found, filters=filters)
    steps = [s for s in _steps(filters) if s[0] not in keep]

    def priority(step: tuple[str, Filters, object, str]) -> tuple[bool, float]:
        # An exact value or a color is a detail; the price next; then the specs and use cases that
        # make the product what it is ("gaming": a dedicated GPU); a named brand last. Words its text
        # must say that name the product ("an expedition sleeping bag": ``TEXT_FIELD`` in
        # ``defining``) go right after the price, before the specs.
        field = step[0]
        # (a maker the shopper ruled out is the last thing given back)
        rank = {
            "color": 0,
            TEXT_FIELD: 2.5 if TEXT_FIELD in defining else 1,
            "price": 2,
            LEVEL_FIELD: 3,
            "brand": 4,
            EXCLUDED_BRAND_FIELD: 5,
        }.get(field, 1 if field in filters.attributes and field not in defining else 3)
        return field in last, rank

    if not filters.categories and not filters.categories_all:
        # the brand is all that says what the shopper is after ("bugasalt", then "got one in
        # blue?"): loosened after anything, what this turn asked included
        ranked = priority

        def priority(step: tuple[str, Filters, object, str]) -> tuple[bool, float]:
            return (True, 9) if step[0] == "brand" else ranked(step)

    steps.sort(key=priority)
    for field, loosened, order, asked in steps:
        found = run(loosened)
        if found:
            ordered, closest = order(found)
            return RelaxedSearch(
                products=ordered or found,
                filters=loosened,
                relaxed=[
                    Relaxation(field=field, asked=asked, closest=closest, loosened=_only(filters, field))
                ],
            )
    if len(steps) > 1:
        everything = filters.model_copy(
            update={
                "attribute_ranges": {},
                "attribute_in": {},
                "attributes": {},
                "colors": [],
                "categories_all": [],
                "text_words": [],
                "exclude_text_words": [],
                "title_quantities": {},
                "child_age": None,
                "price_min": None,
                "price_max": None,
                "min_rating": None,
            }
        )
        found = run(everything)
        if found:
            return RelaxedSearch(
                products=found,
                filters=everything,
                relaxed=[
                    Relaxation(field=f, asked=a, loosened=_only(filters, f))
                    for f, _, _, a in steps
                    if f not in ("brand", EXCLUDED_BRAND_FIELD)
                ]
                + (
                    # the exclusions a feature's step kept are loosened here too, and said
                    [
                        Relaxation(
                            field=TEXT_FIELD,
                            asked=f"without {' or '.join(filters.exclude_text_words)}",
                            loosened=Filters(exclude_text_words=filters.exclude_text_words),
                        )
                    ]
                    if filters.text_words and filters.exclude_text_words
                    else []
                ),
            )
    return RelaxedSearch(products=[], filters=filters)

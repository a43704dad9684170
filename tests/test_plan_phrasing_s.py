"""Shoppers phrasing things the late-s cases showed, on the bundled demo catalog: a color said with
"instead" replaces the one it displaces and a color the shopper only sees ("looks silver only") is no
ask; "zero drop" is a measure without a unit and a bound may follow the measure's noun ("an 8mm drop or
less", "40 liters or so"); a yes/no key of what a product does by itself is asked by its verb
("empties its own bin"); a measure read against range values ("her chest is 25 in": the 22-30 harness)
and said when nothing holds it; "won't cost me more than" caps the price; the budget's object is the
product ("my range for a new laptop"); a list after a dash names its items; a new ask after a scene
about a person ("her baby brother just turned two - a first bike") names the product; a follow-up
naming another kind for someone else switches the kind and the person ("a rain shell for me, the
husband"); "numbers one and two" are positions; "spec-by-spec" compares; a comparative that names the
shown set ("the ones with the bigger drive") is no new comparison."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from assistant.plan.intents import is_compare
from assistant.plan.prices import parse_prices
from assistant.plan.references import resolve_references
from assistant.plan.semantics import find_comparative, numbers_to_digits
from assistant.plan.text import tokenize
from retrieval.filters import NumericRange
from retrieval.products import Vocabulary
from retrieval.schema import CatalogSchema
from tests.plan_support import plan_known as _plan


def test_a_color_said_instead_replaces_the_one_it_displaces(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    first = _plan("running shoes for my 9 year old, pink ones", demo_vocabulary, demo_schema, demo_titles)
    assert first.filters.colors == ["pink"]
    plan = _plan(
        "can we get them in blue instead, she's decided pink is for babies now lol",
        demo_vocabulary,
        demo_schema,
        demo_titles,
        first,
    )
    assert plan.filters.colors == ["blue"]


def test_a_color_the_shopper_sees_is_no_ask(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    first = _plan("microwaves", demo_vocabulary, demo_schema, demo_titles)
    plan = _plan("looks silver only.. anything in black", demo_vocabulary, demo_schema, demo_titles, first)
    assert plan.filters.colors == ["black"]
    # how it should look is asked
    wished = _plan("a microwave that looks silver", demo_vocabulary, demo_schema, demo_titles)
    assert wished.filters.colors == ["silver"]


@pytest.mark.parametrize(
    ("message", "key", "bounds"),
    [
        ("looking for zero drop running shoes", "drop_mm", NumericRange(gte=0.0, lte=0.0)),
        ("running shoes with zero drop", "drop_mm", NumericRange(gte=0.0, lte=0.0)),
        ("running shoes with an 8mm drop or less", "drop_mm", NumericRange(lte=8.0)),
        ("a backpack, i can live with 40 liters or so", "capacity_l", NumericRange(gte=34.0, lte=46.0)),
    ],
)
def test_a_measure_said_without_its_unit_or_with_the_bound_after_its_noun(
    message: str,
    key: str,
    bounds: NumericRange,
    demo_vocabulary: Vocabulary,
    demo_schema: CatalogSchema,
    demo_titles: Callable,
) -> None:
    plan = _plan(message, demo_vocabulary, demo_schema, demo_titles)
    assert plan.filters.attribute_ranges[key] == bounds


def test_a_bound_word_after_a_joining_word_bounds_the_next_figure(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    plan = _plan("a monitor of 27 inch with minimum 144 hz", demo_vocabulary, demo_schema, demo_titles)
    assert plan.filters.attribute_ranges["screen_in"].lte is None  # 27 inch is the size, not a cap
    assert plan.filters.attribute_ranges["screen_in"].gte == pytest.approx(26.73)
    assert plan.filters.attribute_ranges["refresh_hz"] == NumericRange(gte=144.0)


@pytest.mark.parametrize(
    ("message", "key"),
    [
        ("is there a robot vacuum that empties its own bin", "self_emptying"),
        ("a litter box that cleans itself", "self_cleaning"),
    ],
)
def test_what_a_product_does_by_itself_asks_its_yes_no_key(
    message: str, key: str, demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    plan = _plan(message, demo_vocabulary, demo_schema, demo_titles)
    assert plan.filters.attributes[key] == "yes"


def test_a_measure_read_against_range_values(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    plan = _plan(
        "a no-pull harness for my dog, measured her chest at 25 in", demo_vocabulary, demo_schema, demo_titles
    )
    assert plan.filters.attribute_in["chest_in"] == ["22-30"]
    assert "length_ft" not in plan.filters.attribute_ranges  # inches of chest, not a leash's length
    too_big = _plan(
        "a no-pull harness for my dog, his chest is 45 inches", demo_vocabulary, demo_schema, demo_titles
    )
    assert "chest_in" not in too_big.filters.attribute_in
    assert [r.field for r in too_big.relaxed] == ["chest_in"]
    assert "16 to 38 in" in too_big.relaxed[0].closest


@pytest.mark.parametrize(
    ("text", "cap"),
    [
        ("air purifier that won't cost me more than one twenty-five", 125.0),
        ("a laptop that doesnt cost more than 500", 500.0),
        ("it shouldnt set me back more than 80 bucks", 80.0),
    ],
)
def test_a_cost_said_not_to_exceed_is_a_cap(text: str, cap: float) -> None:
    prices = parse_prices(numbers_to_digits(text))
    assert prices.price_max == cap
    assert prices.price_min is None


def test_the_budget_is_for_the_product_after_it(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    plan = _plan(
        "nine to eleven hundred dollars is my range for a new laptop",
        demo_vocabulary,
        demo_schema,
        demo_titles,
    )
    assert plan.intent == "search"
    assert plan.filters.categories == ["laptops"]
    assert (plan.filters.price_min, plan.filters.price_max) == (900.0, 1100.0)


def test_a_list_after_a_dash_names_its_items(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    plan = _plan(
        "putting together a little home workout kit - resistance bands and a cork block for stretching",
        demo_vocabulary,
        demo_schema,
        demo_titles,
    )
    assert [item.categories for item in plan.items] == [["strength training"], ["yoga"]]


def test_a_new_ask_after_a_scene_about_a_person(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    plan = _plan(
        "and her baby brother just turned two - a first bike for him, the kind without pedals",
        demo_vocabulary,
        demo_schema,
        demo_titles,
    )
    assert plan.filters.categories == ["ride-ons"]
    assert plan.filters.attribute_ranges["age_min_years"] == NumericRange(lte=2.0)


def test_another_kind_for_someone_else_switches_kind_and_person(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    first = _plan(
        "my wife keeps coming home from hikes with soaked socks, she needs boots that actually keep water out",
        demo_vocabulary,
        demo_schema,
        demo_titles,
    )
    assert first.filters.categories == ["hiking boots"]
    assert first.filters.attributes["waterproof"] == "yes"
    plan = _plan(
        "sweet. and a rain shell for me, the husband, same trip",
        demo_vocabulary,
        demo_schema,
        demo_titles,
        first,
    )
    assert plan.filters.categories == ["rain jackets"]
    assert plan.filters.attribute_in["gender"] == ["men's", "unisex"]
    assert "waterproof" not in plan.filters.attributes


def test_places_listed_after_one_label() -> None:
    shown = ["a", "b", "c", "d", "e"]
    assert resolve_references("compare numbers one and two for me please", shown) == ["a", "b"]
    assert resolve_references("options 1, 3 and 4 side by side", shown) == ["a", "c", "d"]
    assert resolve_references("#1 and 3 against each other", shown) == ["a", "c"]
    assert resolve_references("i have one and two kids", shown) == []


def test_spec_by_spec_compares() -> None:
    assert is_compare("give me a quick spec-by-spec of the first and second")


def test_the_shown_set_named_by_its_comparison_is_no_new_comparison(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    first = _plan("laptops with more than 512 gb of storage", demo_vocabulary, demo_schema, demo_titles)
    plan = _plan(
        "out of the ones with the bigger drive, anything that isn't lumetric?",
        demo_vocabulary,
        demo_schema,
        demo_titles,
        first,
    )
    assert plan.comparative is None
    assert plan.filters.exclude_brands == ["lumetric"]


def test_rating_and_price_said_in_other_words(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    first = _plan(
        "which coffee maker do people rave about the most?", demo_vocabulary, demo_schema, demo_titles
    )
    assert first.sort is not None and (first.sort.key, first.sort.order) == ("rating", "desc")
    said = find_comparative([t.stem for t in tokenize("oof, pricey. anything that undercuts it?")])
    assert said is not None and said[:2] == ("price", "lower")


def test_the_kind_said_again_before_a_verb_is_the_kind(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    first = _plan("blenders", demo_vocabulary, demo_schema, demo_titles)
    plan = _plan("do any of the blenders come in black", demo_vocabulary, demo_schema, demo_titles, first)
    assert plan.filters.categories == ["blenders"]
    assert plan.filters.colors == ["black"]


def test_for_me_drops_the_childs_age(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    first = _plan(
        "my 3 yo is finally old enough for a battery toothbrush i think? something made for little kids",
        demo_vocabulary,
        demo_schema,
        demo_titles,
    )
    assert first.filters.categories == ["electric toothbrushes"]  # "little kids" says who, not which kind
    assert "age_min_years" in first.filters.attribute_ranges
    plan = _plan(
        "and for me one with more cleaning modes than hers", demo_vocabulary, demo_schema, demo_titles, first
    )
    assert plan.filters.categories == ["electric toothbrushes"]
    assert "age_min_years" not in plan.filters.attribute_ranges


def test_a_value_only_one_kind_carries_names_the_kind(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    plan = _plan(
        "my sister runs on muddy mountain trails, what would u get her",
        demo_vocabulary,
        demo_schema,
        demo_titles,
    )
    assert plan.filters.categories == ["trail running shoes"]
    assert plan.filters.attributes["terrain"] == "trail"
    # a value kinds under different branches carry (boots, trimmers, face brushes) names none
    waterproof = _plan("something waterproof", demo_vocabulary, demo_schema, demo_titles)
    assert waterproof.filters.categories == []

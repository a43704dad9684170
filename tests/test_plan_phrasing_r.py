"""Shoppers phrasing things the late-r cases showed, on the bundled demo catalog: a cap said of each
item ("neither one more than four hundred bucks") is a cap, not a floor; a feature said not to matter
("waterproof or not", "doesn't matter if they're waterproof") is no filter; "won't soak through" asks
for waterproof and "with an actual wire" for a wired one; the items of a list are asked in its last
sentence, a part that names a kind is an item even when it opens with "thinking", and a thing the
shopper's people own ("her earbuds") is no item; a follow-up naming one item narrows that item; and
"do you also sell bed frames to go with it?" asks about another kind, not the shown mattress."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from assistant.plan.prices import parse_prices
from assistant.plan.semantics import numbers_to_digits
from retrieval.products import Vocabulary
from retrieval.schema import CatalogSchema
from tests.plan_support import plan_known as _plan


@pytest.mark.parametrize(
    ("text", "cap"),
    [
        ("a standing desk and a decent chair, neither one more than four hundred bucks", 400.0),
        ("none of them over $50", 50.0),
        ("nothing more than 30 dollars", 30.0),
    ],
)
def test_a_cap_on_each_is_a_cap(text: str, cap: float) -> None:
    prices = parse_prices(numbers_to_digits(text))
    assert prices.price_max == cap
    assert prices.price_min is None


def test_more_than_alone_is_still_a_floor() -> None:
    assert parse_prices("more than 400 bucks").price_min == 400.0


@pytest.mark.parametrize(
    "message",
    [
        "whats the cheapest pair of hiking boots you sell, waterproof or not",
        "hiking boots, doesnt matter if theyre waterproof",
        "hiking boots, dont care whether its waterproof",
    ],
)
def test_a_feature_said_not_to_matter_is_no_filter(
    message: str, demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    plan = _plan(message, demo_vocabulary, demo_schema, demo_titles)
    assert plan.filters.categories == ["hiking boots"]
    assert "waterproof" not in plan.filters.attributes
    assert "waterproof" not in plan.filters.attribute_in


@pytest.mark.parametrize(
    ("message", "value"),
    [("waterproof hiking boots", "yes"), ("hiking boots but not waterproof", "no")],
)
def test_a_feature_asked_or_ruled_out_still_is(
    message: str, value: str, demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    plan = _plan(message, demo_vocabulary, demo_schema, demo_titles)
    assert plan.filters.attributes.get("waterproof") == value


def test_wont_soak_through_asks_for_waterproof(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    plan = _plan("hiking boots that wont soak through", demo_vocabulary, demo_schema, demo_titles)
    assert plan.filters.attributes.get("waterproof") == "yes"


def test_a_wire_asks_for_a_wired_one(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    first = _plan("speakers for my tv", demo_vocabulary, demo_schema, demo_titles)
    plan = _plan(
        "anything that plugs in with an actual wire instead? bluetooth always cuts out on me",
        demo_vocabulary,
        demo_schema,
        demo_titles,
        previous=first,
    )
    assert plan.filters.categories == ["speakers"]
    assert plan.filters.attributes.get("wireless") == "no"
    assert _plan("wireless headphones", demo_vocabulary, demo_schema, demo_titles).filters.attributes == {
        "wireless": "yes"
    }


@pytest.mark.parametrize(
    "message",
    [
        "thinking a tent + one of those sleeping bags?",
        "my brother basically lives outdoors, he camps every weekend. thinking a tent + a sleeping bag",
        "my daughter keeps losing her earbuds, so she needs a tent and a sleeping bag",
    ],
)
def test_the_items_of_a_list(
    message: str, demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    plan = _plan(message, demo_vocabulary, demo_schema, demo_titles)
    assert [i.categories for i in plan.items] == [["tents"], ["sleeping bags"]]


def test_a_follow_up_naming_one_item_narrows_that_item(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    first = _plan("i need a tent and a sleeping bag", demo_vocabulary, demo_schema, demo_titles)
    assert len(first.items) == 2
    plan = _plan(
        "the sleeping bag has to be under 100 tho", demo_vocabulary, demo_schema, demo_titles, previous=first
    )
    assert not plan.items
    assert plan.filters.categories == ["sleeping bags"]
    assert plan.filters.price_max == 100.0
    # a follow-up about both keeps both
    both = _plan("under 300 each", demo_vocabulary, demo_schema, demo_titles, previous=first)
    assert len(both.items) == 2


def test_asking_whether_another_kind_is_sold_is_no_question_about_the_shown_one(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    first = _plan("king size mattress please", demo_vocabulary, demo_schema, demo_titles)
    plan = _plan(
        "do you also sell bed frames to go with it", demo_vocabulary, demo_schema, demo_titles, previous=first
    )
    assert plan.intent != "product_question"
    assert "mattresses" not in plan.filters.categories
    bag = _plan("a mummy sleeping bag for a late fall trip", demo_vocabulary, demo_schema, demo_titles)
    longer = _plan(
        "I'm really tall, do you have a longer one?", demo_vocabulary, demo_schema, demo_titles, bag
    )
    assert longer.intent == "refine"
    assert longer.filters.categories == ["sleeping bags"]


def test_a_number_before_a_cue_word_makes_it_a_measure(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    # "zero drop": the shoes' heel-to-toe drop, not "drop the running shoes"
    plan = _plan("looking for zero drop running shoes", demo_vocabulary, demo_schema, demo_titles)
    assert plan.filters.categories == ["running shoes"]
    assert not any("Running Shoes" in p for p in plan.preferences)
    dropped = _plan("drop the running shoes, show me hiking boots", demo_vocabulary, demo_schema, demo_titles)
    assert dropped.filters.categories == ["hiking boots"]


@pytest.mark.parametrize(
    "message",
    ["fine, then show me everything that does at least 144hz", "ok so anything 144hz or more?"],
)
def test_a_bound_after_a_reply_opening_refines_the_kind_shown(
    message: str, demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    first = _plan("want a gaming monitor thats 240hz", demo_vocabulary, demo_schema, demo_titles)
    plan = _plan(message, demo_vocabulary, demo_schema, demo_titles, previous=first)
    assert plan.intent == "refine"
    assert plan.filters.categories == ["monitors"]
    assert plan.filters.attribute_ranges["refresh_hz"].gte == 144.0


def test_the_lowest_price_u_have_is_over_the_whole_kind(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    first = _plan("a sleeping bag under 100", demo_vocabulary, demo_schema, demo_titles)
    plan = _plan(
        "ugh fine, just show me whatever sleeping bag is the lowest price u have",
        demo_vocabulary,
        demo_schema,
        demo_titles,
        previous=first,
    )
    assert plan.filters.categories == ["sleeping bags"]
    assert plan.sort is not None and plan.sort.key == "price" and plan.sort.order == "asc"
    assert plan.filters.price_max is None  # over all of them, not the last narrowing


@pytest.mark.parametrize(
    "message",
    [
        "my cat got spayed yesterday and she wont leave her stitches alone, what do i get so she stops licking",
        "my fish tank has a slow drip at one of the corner seams, what can i reseal it with",
    ],
)
def test_asking_what_to_use_names_no_kind(message: str) -> None:
    from assistant.plan.planner import asks_vaguely

    assert asks_vaguely(message)

"""Shoppers phrasing things the late-t cases showed, on the bundled demo catalog: a stand-in followed by
a post-positive word ("the lightest thing possible") stands for the kind the question before named; a
wish about the shopper's own things ("just want the floors not buried in dog hair") is what the product
is for, not another product; a category said as a place ("make them at home") is no product; a count
word before a unit ("brews a single cup") counts the unit, not a key's value (motors: single), and "one
cup" is one of it; "doesn't have to be an espresso one" neither asks for nor rules out the value; "two
hundred-ish" is about 200; a store-wide superlative naming one item of a multi-item ask is a search
over that kind, its head word kept as a title word; "what sets the top 2 apart", "how the top two
differ" and "whats actually different between X and Y" compare; a color that is the subject of a
reason ("green shows every bit of mud") is not asked when another color is."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from assistant.plan.intents import is_compare
from assistant.plan.text_words import said_features
from assistant.plan.vocab import matcher_for
from retrieval.filters import NumericRange
from retrieval.products import Vocabulary
from retrieval.schema import CatalogSchema
from tests.plan_support import plan_known as _plan


@pytest.mark.parametrize(
    "message",
    [
        "which mouse weighs the least? i play a lot of fps and want the lightest thing possible",
        "which mouse weighs the least? i want the lightest one available",
    ],
)
def test_a_stand_in_with_a_postpositive_word_is_the_kind_named_before(
    message: str, demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    plan = _plan(message, demo_vocabulary, demo_schema, demo_titles)
    assert plan.filters.categories == ["mice"]
    assert plan.sort is not None and plan.sort.key == "weight_g" and plan.sort.order == "asc"


def test_a_wished_state_of_the_shoppers_things_is_no_product(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    plan = _plan(
        "any robot vacuum for like a hundred bucks or less? just want the floors not buried in dog hair "
        "by the time i get home",
        demo_vocabulary,
        demo_schema,
        demo_titles,
    )
    assert plan.filters.categories == ["robot vacuums"]
    assert plan.filters.price_max == 100.0


def test_a_category_said_as_a_place_is_no_product(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    plan = _plan(
        "my wife spends a fortune on lattes at the cafe every morning, want to get her a machine so she "
        "can make them at home",
        demo_vocabulary,
        demo_schema,
        demo_titles,
    )
    assert "home" not in plan.filters.categories


def test_a_count_word_before_a_unit_counts_the_unit(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    for message in (
        "smth that brews a single cup at a time",
        "ok so im in a dorm and all i need is smth that brews a single cup at a time, nothing fancy",
    ):
        plan = _plan(message, demo_vocabulary, demo_schema, demo_titles)
        assert "motors" not in plan.filters.attributes and "standing desks" not in plan.filters.categories
    # the key's own noun still says the value
    desk = _plan("a standing desk with a single motor", demo_vocabulary, demo_schema, demo_titles)
    assert desk.filters.attributes == {"motors": "single"}
    # "one cup" is one of the unit
    cups = _plan("a coffee maker that makes one cup at a time", demo_vocabulary, demo_schema, demo_titles)
    assert cups.filters.attribute_ranges["capacity_cups"] == NumericRange(gte=0.95, lte=1.05)


@pytest.mark.parametrize(
    "message",
    [
        "ooh is there anything that grinds the beans itself? doesnt have to be an espresso one",
        "one that grinds the beans itself, it doesn't need to be espresso",
    ],
)
def test_a_value_that_need_not_hold_is_neither_asked_nor_ruled_out(
    message: str, demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    first = _plan("a coffee maker", demo_vocabulary, demo_schema, demo_titles)
    plan = _plan(message, demo_vocabulary, demo_schema, demo_titles, first)
    assert plan.filters.attributes == {"built_in_grinder": "yes"}
    assert "espresso" not in plan.filters.text_words and not plan.filters.exclude_text_words
    assert "espresso" not in said_features(message, matcher_for(demo_vocabulary))
    # said as a must, it is asked
    must = _plan("it has to be an espresso one", demo_vocabulary, demo_schema, demo_titles, first)
    assert must.filters.attributes.get("type") == "espresso"


def test_a_number_word_with_ish_is_about_that_much(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    first = _plan("a coffee maker with a grinder built in", demo_vocabulary, demo_schema, demo_titles)
    plan = _plan(
        "hmm thats more than i hoped. whats there in the two hundred-ish range",
        demo_vocabulary,
        demo_schema,
        demo_titles,
        first,
    )
    assert plan.filters.categories == ["coffee makers"]
    assert plan.filters.price_max is not None and 200 <= plan.filters.price_max <= 260


def test_a_store_wide_superlative_of_one_item_searches_that_kind(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    first = _plan(
        "turning a corner of the garage into a mini gym. want a kettlebell + a jump rope to start",
        demo_vocabulary,
        demo_schema,
        demo_titles,
    )
    assert len(first.items) == 2
    plan = _plan(
        "whats the heaviest kettlebell u guys carry", demo_vocabulary, demo_schema, demo_titles, first
    )
    assert plan.intent == "search" and not plan.referenced_ids and not plan.items
    assert plan.filters.categories == ["strength training"]
    assert plan.sort is not None and plan.sort.key == "weight_lb" and plan.sort.order == "desc"
    assert said_features("whats the heaviest kettlebell u guys carry", matcher_for(demo_vocabulary)) == [
        "kettlebell"
    ]


@pytest.mark.parametrize(
    ("message", "compares"),
    [
        ("what sets the top 2 apart?", True),
        ("break down how the top two differ for me", True),
        ("whats actually different between the fathom and the tideline?", True),
        ("what makes these two stand apart", True),
        ("set it apart from the wall a bit", False),
        ("how long is it", False),
    ],
)
def test_asking_what_sets_shown_products_apart_compares(message: str, compares: bool) -> None:
    assert is_compare(message) is compares


def test_a_color_that_is_the_subject_of_a_reason_is_not_asked(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    first = _plan("trail running shoes for a guy", demo_vocabulary, demo_schema, demo_titles)
    plan = _plan(
        "got em in gray? green shows every bit of mud", demo_vocabulary, demo_schema, demo_titles, first
    )
    assert plan.filters.colors == ["gray"]
    tent = _plan("a tent in green, black is too hot", demo_vocabulary, demo_schema, demo_titles)
    assert tent.filters.colors == ["green"]
    # two colors asked stay asked
    both = _plan("running shoes in black and white", demo_vocabulary, demo_schema, demo_titles)
    assert both.filters.colors == ["black", "white"]

"""Shoppers phrasing things the late-q cases showed, on the bundled demo catalog: a scene set in one
sentence and the ask in the next ("... the appalachian trail. whats the biggest pack you guys
sell"), the ask's frame after the product ("you guys sell") no word of it, an attribute value said
of a noun the catalog has no word for ("every single day" is no single-motor desk), a superlative
over the products of a named value ("which is the cheapest white one") a sort, not a side-by-side,
"which has the top rating" no Tops, a scene told before the ask no item of a list ("the door swells
every summer n sticks, i need a planer"), a price bound on what was shown a new search, and a remark
with a comparative ("he says lighter is better") no search when a question was asked."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from assistant.plan.planner import asks, find_head, plan_turn, product_kind
from assistant.plan.prices import parse_prices
from assistant.plan.vocab import matcher_for
from assistant.schemas import HistoryTurn, QueryPlan
from retrieval.filters import Filters
from retrieval.products import Vocabulary
from retrieval.schema import CatalogSchema
from tests.plan_support import plan_known as _plan


@pytest.mark.parametrize(
    "message",
    [
        "retired last month and im finally doing a week long section of the appalachian trail. whats the "
        "biggest pack you guys sell",
        "planning a 10 day hike in the rockies this summer. what's the largest pack you have",
    ],
)
def test_the_sentence_that_asks_holds_the_product(
    message: str, demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    plan = _plan(message, demo_vocabulary, demo_schema, demo_titles)
    assert plan.intent == "search"
    assert plan.filters.categories == ["backpacks"]
    assert plan.sort is not None and plan.sort.key == "capacity_l" and plan.sort.order == "desc"
    assert not plan.filters.attributes  # "week long", "trail" set the scene


def test_whats_opens_a_question() -> None:
    assert asks("whats the biggest pack you guys sell")
    assert asks("what's the cheapest one")
    assert not asks("whatsoever happens, we go")


def test_the_asks_frame_after_the_product_is_no_word_of_it(demo_vocabulary: Vocabulary) -> None:
    assert product_kind("whats the biggest pack you guys sell", demo_vocabulary) == "biggest pack"
    # nothing before the frame: the words stay as they are
    assert product_kind("would you guys have tents", demo_vocabulary) != ""
    # a stand-in alone names no kind (the kind a sentence before named, if any: late-y)
    assert product_kind("would you guys have one", demo_vocabulary) == ""


@pytest.mark.parametrize(
    "message",
    [
        "my 5 yr old goes to forest school, theyre outside every single day rain or shine",
        "shes outside every single day rain or shine, what should she wear",
    ],
)
def test_a_value_said_of_a_noun_the_catalog_lacks_is_no_filter(
    message: str, demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    plan = _plan(message, demo_vocabulary, demo_schema, demo_titles)
    assert not plan.filters.attributes


def test_a_value_said_of_the_product_still_is(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    plan = _plan("a single motor standing desk", demo_vocabulary, demo_schema, demo_titles)
    assert plan.filters.attributes.get("motors") == "single"


def test_the_cheapest_of_a_named_color_is_a_sort_over_that_color(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    previous = QueryPlan(query="stand mixer blender", filters=Filters(categories=["blenders"]))
    plan = _plan("which is the cheapest black one then", demo_vocabulary, demo_schema, demo_titles, previous)
    assert plan.intent == "refine"
    assert plan.filters.colors and plan.filters.colors[0] == "black"
    assert plan.sort is not None and plan.sort.key == "price" and plan.sort.order == "asc"


def test_the_top_rating_is_a_superlative_not_tops(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    previous = QueryPlan(query="running shoes", filters=Filters(categories=["running shoes"]))
    plan = _plan(
        "ok of the pacecraft ones which has the top rating",
        demo_vocabulary,
        demo_schema,
        demo_titles,
        previous,
    )
    assert plan.intent == "refine"
    assert plan.filters.categories == ["running shoes"]
    assert [b.lower() for b in plan.filters.brands] == ["pacecraft"]
    assert plan.sort is not None and plan.sort.key == "rating" and plan.sort.order == "desc"


def test_a_scene_before_the_ask_is_no_item(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    plan = _plan(
        "our old dishwasher leaks all over the floor every night n stinks, i need a quiet one",
        demo_vocabulary,
        demo_schema,
        demo_titles,
    )
    assert not plan.items
    assert plan.filters.categories == ["dishwashers"]


def test_a_price_bound_on_what_was_shown_is_asked_anew(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    previous = QueryPlan(query="gaming mouse", filters=Filters(categories=["mice"]))
    history = [
        HistoryTurn(role="user", content="a gaming mouse", plan=previous),
        HistoryTurn(role="assistant", content="", shown_ids=["ms-a", "ms-b"], shown_prices=[89.0, 129.0]),
    ]
    plan = plan_turn(
        "hmm can we keep each of them at a hundred bucks or less?",
        history,
        demo_vocabulary,
        previous=previous,
        schema=demo_schema,
        word_categories=demo_titles,
    )
    assert plan.intent == "refine"
    assert plan.filters.price_max == 100


def test_a_remark_with_a_comparative_does_not_turn_a_question_into_a_search(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    previous = QueryPlan(query="gaming mouse", filters=Filters(categories=["mice"]))
    featherlight = "ms-keyforge-featherlight-black"
    history = [
        HistoryTurn(role="user", content="a gaming mouse", plan=previous),
        HistoryTurn(role="assistant", content="", shown_ids=[featherlight, "ms-lumetric-vertical"]),
    ]
    plan = plan_turn(
        "the featherlight, how many grams is it? he says lighter is better for shooters",
        history,
        demo_vocabulary,
        previous=previous,
        schema=demo_schema,
        word_categories=demo_titles,
        shown_titles={featherlight: "Keyforge Featherlight Wireless Gaming Mouse Black"},
    )
    assert plan.intent == "product_question"
    assert plan.referenced_ids == [featherlight]
    assert plan.comparative is None


def test_which_one_goes_longest_out_of_all_you_carry_sorts_the_kind(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    previous = QueryPlan(query="cordless vacuum", filters=Filters(categories=["vacuums"]))
    history = [
        HistoryTurn(role="user", content="a cordless vacuum", plan=previous),
        HistoryTurn(
            role="assistant",
            content="",
            shown_ids=["vc-dustwise-flex-s4", "vc-kestrel-stick-3-in-1-green", "vc-kestrel-handy-mini"],
        ),
    ]
    plan = plan_turn(
        "of the stick kind, which one goes the longest on one charge? out of all the ones you carry",
        history,
        demo_vocabulary,
        previous=previous,
        schema=demo_schema,
        word_categories=demo_titles,
        shown_titles={
            "vc-dustwise-flex-s4": "Dustwise Flex S4 Cordless Stick Vacuum",
            "vc-kestrel-stick-3-in-1-green": "Kestrel Home 3-in-1 Cordless Stick Vacuum, Green",
            "vc-kestrel-handy-mini": "Kestrel Home Handy Mini Handheld Vacuum",
        },
    )
    assert plan.intent == "refine"  # over every vacuum the store sells, not a question about the shown
    assert plan.sort is not None and plan.sort.key == "runtime_min" and plan.sort.order == "desc"


def test_a_figure_a_product_must_hold_is_its_weight_limit_not_a_price(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    assert (
        parse_prices(
            "ones with a headrest that hold three hundred or more".replace("three hundred", "300")
        ).price_min
        is None
    )
    assert parse_prices("chairs over 300 dollars").price_min == 300
    previous = QueryPlan(query="office chair", filters=Filters(categories=["office chairs"]))
    plan = _plan(
        "ok. then show me ones with a headrest that hold three hundred or more",
        demo_vocabulary,
        demo_schema,
        demo_titles,
        previous,
    )
    assert plan.filters.price_min is None and plan.filters.price_max is None
    assert plan.filters.attribute_ranges["max_weight_lb"].gte == 300
    assert plan.filters.attributes.get("headrest") == "yes"


def test_what_is_ruled_out_is_no_head(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    matcher = matcher_for(demo_vocabulary)
    assert find_head("a liquid not a blender", matcher, demo_schema, demo_titles) is None
    assert find_head("a blender, not a coffee maker", matcher, demo_schema, demo_titles) == ("blenders", True)

"""Shoppers phrasing things the late-m cases showed (demo catalog): a scene-setting first sentence,
a kind named after "in", "something to ..." for a child, a count said for a count-valued attribute,
acceptance ("a flashlight works"), verbs after modals, relatives as the subject, compare and
store-wide wordings, and asking whether the store sells a kind in a follow-up."""

from __future__ import annotations

import pytest
from test_plan_phrasing_more import _plan

from assistant.plan.intents import is_compare
from assistant.plan.planner import product_phrase
from assistant.plan.vocab import matcher_for
from retrieval.catalog import Product
from retrieval.products import Vocabulary
from retrieval.schema import CatalogSchema


@pytest.mark.parametrize(
    "message",
    [
        "my kitchen is tiny. microwaves",
        "the kitchen in my new place is basically a hallway, barely any counter. what microwaves do u have",
    ],
)
def test_a_scene_setting_sentence_gives_way_to_the_one_naming_the_kind(
    message: str, demo_vocabulary: Vocabulary, demo_schema: CatalogSchema
) -> None:
    plan = _plan(message, demo_vocabulary, demo_schema)
    assert plan.intent == "search" and plan.filters.categories == ["microwaves"]


def test_a_later_one_stands_for_the_kind_asked_first(demo_vocabulary: Vocabulary) -> None:
    # "... helmets? need a full face one": the later sentence's "one" is the kind asked first
    phrase = product_phrase("do you sell pressure cookers? need a kitchen one", matcher_for(demo_vocabulary))
    assert "pressure cookers" in phrase


@pytest.mark.parametrize(
    "message", ["show me what tideline has in earbuds", "what does tideline have in earbuds"]
)
def test_the_kind_after_in(message: str, demo_vocabulary: Vocabulary, demo_schema: CatalogSchema) -> None:
    assert product_phrase(message, matcher_for(demo_vocabulary)) == "earbuds"
    plan = _plan(message, demo_vocabulary, demo_schema)
    assert plan.filters.categories == ["earbuds"] and plan.filters.brands == ["tideline"]


def test_a_color_after_in_is_not_a_kind(demo_vocabulary: Vocabulary) -> None:
    assert "headphones" in product_phrase("sonovel headphones in black", matcher_for(demo_vocabulary))


def test_something_to_do_for_a_child_is_not_declined(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema
) -> None:
    plan = _plan("my 6 yr old wants something to zoom around the driveway on", demo_vocabulary, demo_schema)
    assert plan.intent == "search" and "ride-ons" in plan.filters.categories


@pytest.mark.parametrize(
    ("message", "value"), [("only the ones with two motors pls", "dual"), ("a single motor one", "single")]
)
def test_a_count_names_a_count_valued_attribute(
    message: str, value: str, demo_vocabulary: Vocabulary, demo_schema: CatalogSchema
) -> None:
    first = _plan("a standing desk", demo_vocabulary, demo_schema)
    plan = _plan(message, demo_vocabulary, demo_schema, first)
    assert plan.filters.categories == ["standing desks"] and plan.filters.attributes.get("motors") == value


def test_accepting_a_kind_is_not_naming_one(demo_vocabulary: Vocabulary, demo_schema: CatalogSchema) -> None:
    plan = _plan("ok fine a plain blender works", demo_vocabulary, demo_schema)
    assert plan.intent == "search" and plan.filters.categories == ["blenders"]


def test_a_relative_as_the_subject_sets_the_gender(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema
) -> None:
    # a unisex product is made for either; the other gender's never
    plan = _plan("ok next thing, my wife wants road running shoes", demo_vocabulary, demo_schema)
    genders = plan.filters.attribute_in.get("gender", [])
    assert "women's" in genders and "men's" not in genders and set(genders) <= {"women's", "unisex"}
    plan = _plan("my husband needs running shoes", demo_vocabulary, demo_schema)
    genders = plan.filters.attribute_in.get("gender", [])
    assert "men's" in genders and "women's" not in genders and set(genders) <= {"men's", "unisex"}


@pytest.mark.parametrize(
    ("message", "compare"),
    [
        ("can i see a breakdown of both of those", True),
        ("gimme a side-by-side of the top 2", True),
        ("head-to-head please", True),
        ("a breakdown of the price", False),
    ],
)
def test_compare_wordings(message: str, compare: bool) -> None:
    assert is_compare(message) is compare


def test_most_budget_is_the_cheapest(demo_vocabulary: Vocabulary, demo_schema: CatalogSchema) -> None:
    plan = _plan("the most budget blender you have", demo_vocabulary, demo_schema)
    assert plan.sort is not None and plan.sort.key == "price" and plan.sort.order == "asc"


def test_asking_whether_a_kind_is_sold_in_a_follow_up(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_products: list[Product]
) -> None:
    first = _plan("a blender", demo_vocabulary, demo_schema)
    shown = [p for p in demo_products if "blenders" in {c.casefold() for c in p.category}][:3]
    assert (
        _plan("do you have toasters too?", demo_vocabulary, demo_schema, first, shown).intent
        == "out_of_catalog"
    )
    red = _plan("do you have it in red?", demo_vocabulary, demo_schema, first, shown)
    assert red.intent != "out_of_catalog" and red.filters.colors

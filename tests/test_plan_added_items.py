"""Items added to a conversation the way shoppers add them (the late-be cases): "throw in", "toss in",
"grab me" and "pick up" ask for products ("throw" is no Throws then); a part of chat words alone
("ok and …") is no item; "plus" joins a singular noun too; a level the catalog names for the kinds
it lists ("headphones" of Headphones & Earbuds) is a kind named; an item whose words name no kind
but are the catalog's own words ("a cork block", "something for him to chew on") is searched by its
words."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from assistant.plan.text import ASK_CUE
from assistant.schemas import QueryPlan
from retrieval.catalog import Product
from retrieval.products import Vocabulary
from retrieval.schema import CatalogSchema
from tests.plan_support import plan_after, small_store


def _kinds(plan: QueryPlan) -> list[list[str]]:
    return [item.categories for item in plan.items]


@pytest.mark.parametrize(
    ("message", "verb"),
    [
        ("perfect. throw in a gentle face wash", "throw in"),
        ("ok whatever. toss in a strap cutter", "toss in"),
        ("great, grab me a strand of lights", "grab me"),
        ("while you're at it pick up some earbuds", "pick up"),
    ],
)
def test_adding_verbs_frame_an_ask(message: str, verb: str) -> None:
    found = ASK_CUE.search(message)
    assert found is not None and found.group(0) == verb


@pytest.mark.parametrize(
    "message", ["a throw in grey", "time to throw in the towel", "a grab bar for the tub"]
)
def test_the_same_words_as_nouns_frame_nothing(message: str) -> None:
    assert ASK_CUE.search(message) is None


@pytest.fixture(scope="module")
def store() -> tuple[Vocabulary, CatalogSchema, Callable[[str], list[tuple[str, int]]]]:
    """A feed's shape: a level named for the kinds it lists, throws beside face washes."""
    rows = [
        (["Headphones & Earbuds", "Earbud Headphones"], "Wireless Earbud Headphones"),
        (["Headphones & Earbuds", "Over-Ear Headphones"], "Studio Over-Ear Headphones"),
        (["Clothing", "Socks", "Athletic Socks"], "Cushioned Athletic Socks"),
        (["Home", "Blankets", "Throw Blankets"], "Sherpa Throw Blanket"),
        (["Beauty", "Cleansers", "Washes"], "Gentle Foaming Face Wash"),
        (["Beauty", "Hand Care", "Hand Creams & Lotions"], "Shea Butter Hand Cream"),
        (["Sports", "Bottles", "Sports Water Bottles"], "Insulated Sports Water Bottle"),
        (["Health", "Supplements", "Fish Oil"], "Omega-3 Fish Oil Softgels"),
        (["Health", "Oral Care", "Toothpaste"], "Whitening Mint Toothpaste"),
        (["Health", "Supplements", "Multivitamins"], "Daily Multivitamin Tablets"),
    ]
    return small_store(rows)


def test_thrown_in_items_are_no_throws(store: tuple) -> None:
    vocab, schema, titles = store
    first = plan_after("a sports water bottle", vocab, schema, titles)
    plan = plan_after(
        "perfect. throw in a gentle face wash and a hand cream too", vocab, schema, titles, first
    )
    assert _kinds(plan) == [["washes"], ["hand creams & lotions"]]


def test_a_level_named_for_its_kinds_is_an_item(store: tuple) -> None:
    vocab, schema, titles = store
    first = plan_after("a sports water bottle", vocab, schema, titles)
    plan = plan_after("ok. also some headphones and a pair of athletic socks", vocab, schema, titles, first)
    assert _kinds(plan) == [["headphones & earbuds"], ["athletic socks"]]


def test_ok_and_is_no_item_and_plus_joins_a_singular_noun(store: tuple) -> None:
    vocab, schema, titles = store
    first = plan_after("need a multivitamin", vocab, schema, titles)
    plan = plan_after("ok and some fish oil plus toothpaste", vocab, schema, titles, first)
    assert _kinds(plan) == [["fish oil"], ["toothpaste"]]


def test_an_item_named_by_title_words_only_is_searched_by_them(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    first = plan_after("a yoga mat please", demo_vocabulary, demo_schema, demo_titles)
    for message in (
        "perfect. throw in a cork block and some resistance bands",
        "also a cork block and some resistance bands for stretching",
    ):
        plan = plan_after(message, demo_vocabulary, demo_schema, demo_titles, first)
        assert [(i.query, i.categories) for i in plan.items] == [
            ("cork block", []),
            (plan.items[1].query, ["strength training"]),
        ]


@pytest.fixture(scope="module")
def demo_words(demo_products: list[Product]) -> set[str]:
    """The demo catalog's text, as the turn's lexical index knows it ("Four durable chew toys")."""
    return {w for p in demo_products for w in re.findall(r"[a-z]+", f"{p.title} {p.description}".lower())}


def test_something_to_do_is_an_item_by_the_catalogs_words(
    demo_words: set[str], demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    words = demo_words
    first = plan_after("dog bed", demo_vocabulary, demo_schema, demo_titles)
    plan = plan_after(
        "perfect. throw in a leash and something for him to chew on too",
        demo_vocabulary,
        demo_schema,
        demo_titles,
        first,
        known=lambda w: w in words,
    )
    assert [(i.query, i.categories) for i in plan.items] == [
        ("throw in a leash", ["leashes & harnesses"]),
        ("chew", []),
    ]


def test_an_unsold_item_is_no_item_by_words(
    demo_words: set[str], demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    words = demo_words
    assert "toaster" not in words
    first = plan_after("need a blender", demo_vocabulary, demo_schema, demo_titles)
    plan = plan_after(
        "and a toaster plus a coffee maker",
        demo_vocabulary,
        demo_schema,
        demo_titles,
        first,
        known=lambda w: w in words,
    )
    assert not any("toaster" in item.query for item in plan.items)


@pytest.mark.parametrize(
    "message",
    [
        # "a" before a plural opens one product's name
        "and a pots and pans set",
        # what is said of a thing is no item of its own
        "i need a wide standing desk, two monitors and a drawing tablet have to fit on it",
    ],
)
def test_words_that_are_no_item_of_their_own(
    message: str, demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    plan = plan_after(message, demo_vocabulary, demo_schema, demo_titles, known=lambda w: True)
    assert not any(not item.categories for item in plan.items)

"""A later turn that adds another kind of product ("oh and a webcam too, do you have those?", "also
gonna need a camp stove", "oh also, dog food?") asks for that kind afresh (the late-ci cases): the
catalog's own judgement of a first ask decides whether it is sold, and what was shown before is no
longer narrowed. What stays on the kind shown ("do they come in green too?", "also waterproof?", "a
warmer one too") is not touched."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.plan.planner import product_kind
from assistant.turn import Assistant
from retrieval.catalog import Product
from retrieval.products import Vocabulary
from tests.turn_support import MINILM, small_assistant, turn


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, demo_products: list[Product]) -> Iterator[Assistant]:
    with small_assistant(tmp_path_factory.mktemp("added-kind") / "data", demo_products, **MINILM) as a:
        yield a


@pytest.mark.parametrize(
    ("first", "added"),
    [
        ("a standing desk for my home office", "oh and a webcam too, do you have those?"),
        ("looking for a 2 person tent", "also gonna need a camp stove"),
        ("running shoes for a marathon", "need a headlamp too for my early morning runs"),
        ("dog bed for a big lab", "oh also, dog food? he's almost out"),
    ],
)
def test_an_added_kind_the_catalog_lacks_is_declined(demo: Assistant, first: str, added: str) -> None:
    shown, _, plan, sid = turn(demo, first)
    assert shown and plan.intent == "search"
    shown, text, plan, _ = turn(demo, added, sid)
    assert plan.intent == "out_of_catalog", (plan.intent, plan.query, text)
    assert not shown


def test_an_added_kind_the_catalog_sells_is_searched_afresh(demo: Assistant) -> None:
    shown, _, plan, sid = turn(demo, "wireless earbuds for the gym")
    assert shown and all(p.category[-1] == "Earbuds" for p in shown)
    shown, _, plan, _ = turn(demo, "oh and a foam roller too, do you have those?", sid)
    assert plan.intent == "search"
    assert shown and all(p.category[-1] == "Recovery" for p in shown)


@pytest.mark.parametrize(
    ("first", "category", "follow_up"),
    [
        ("looking for a 2 person tent", "Tents", "do they come in green too?"),
        ("looking for a 2 person tent", "Tents", "also waterproof?"),
        ("a sleeping bag for summer camping", "Sleeping Bags", "I need a warmer one too"),
        ("a quiet dishwasher", "Dishwashers", "do you have those in white?"),
        ("running shoes for a marathon", "Running Shoes", "need a pair for my wife too"),
    ],
)
def test_a_follow_up_on_the_kind_shown_stays_on_it(
    demo: Assistant, first: str, category: str, follow_up: str
) -> None:
    shown, _, plan, sid = turn(demo, first)
    assert shown
    shown, text, plan, _ = turn(demo, follow_up, sid)
    assert plan.intent != "out_of_catalog", text
    assert shown and all(category in p.category for p in shown), [p.category for p in shown]


def test_one_in_a_later_clause_stands_for_the_thing_just_named(demo: Assistant) -> None:
    # "the old one" is the shopper's own waffle maker, not a product shown
    shown, _, plan, sid = turn(demo, "a blender for smoothies")
    assert shown
    shown, _, plan, _ = turn(demo, "oh and a waffle maker, the old one broke", sid)
    assert plan.intent == "out_of_catalog"
    assert not shown


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        # a first question asking whether the store sells a thing names the kind; what follows says
        # what it is for, or what was wrong before
        ("also do u guys carry sawhorses? need something to lay the door across while i work", "sawhorses"),
        ("also do you sell soundbars? the tv speakers in there are awful", "soundbars"),
        ("do you sell dutch ovens? mine cracked", "dutch ovens"),
        # a stand-in asks about what was shown
        ("do you have these in blue? my wife wants a blue one", "blue"),
    ],
)
def test_the_thing_a_first_question_asks_the_store_for_is_the_kind(
    demo_vocabulary: Vocabulary, message: str, kind: str
) -> None:
    assert product_kind(message, demo_vocabulary) == kind


def test_one_after_a_clause_that_asks_for_nothing_is_another_of_the_kind_shown(demo: Assistant) -> None:
    shown, _, plan, sid = turn(demo, "whats the quietest air purifier you sell")
    assert shown
    shown, _, plan, _ = turn(
        demo, "hmm thats a desk unit tho, i need one for a living room thats about 500 sq ft", sid
    )
    assert plan.intent != "out_of_catalog"
    assert shown and all(p.category[-1] == "Air Purifiers" for p in shown)

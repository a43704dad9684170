"""In a follow-up, who the products are for said in a phrase of use ("we're a family of six", "good
for a big family") names no new kind, whatever the catalog files under one of its words (a Family
books leaf); nor does a word the shown kind's titles say ("service for 6" on dinnerware sets) that
only ends another kind's name (Health Care & Food Service)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.turn import Assistant
from retrieval.catalog import Product
from tests.turn_support import products_in, small_assistant, turn

_DINNERWARE = ["Home & Kitchen", "Kitchen & Dining", "Dining & Entertaining", "Dinnerware Sets"]
_FAMILY = ["Books", "Literature & Fiction", "Family"]
_FOOD_SERVICE = ["Industrial & Scientific", "Health Care & Food Service"]


def _products() -> list[Product]:
    return [
        *products_in(
            _DINNERWARE,
            [
                ("Corelle", "Corelle 18-Piece Dinnerware Set Service for 6", 49.0),
                ("Gibson", "Gibson Stoneware Dinnerware Set Service for 4", 39.0),
                ("Amazon Basics", "Amazon Basics Teal Dinnerware Set Service for 6", 46.0),
                ("Pfaltzgraff", "Pfaltzgraff Dinnerware Set, Service for 8", 89.0),
            ],
            "dish",
        ),
        *products_in(_FAMILY, [("Scholastic", "The Big Family Book of Stories", 12.0)], "book"),
        *products_in(_FOOD_SERVICE, [("Cambro", "Food Service Pan Lid", 9.0)], "pan"),
    ]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    with small_assistant(tmp_path_factory.mktemp("use-phrase") / "data", _products(), recommendations=3) as a:
        yield a


def test_a_family_said_of_who_it_is_for_keeps_the_kind_shown(assistant: Assistant) -> None:
    _, _, first, session = turn(assistant, "a dinnerware set")
    assert first.filters.categories == ["dinnerware sets"]
    shown, _, plan, _ = turn(assistant, "any that would work for a big family?", session)
    assert plan.intent == "refine"
    assert plan.filters.categories == ["dinnerware sets"]
    assert shown and all(p.id.startswith("dish") for p in shown)


def test_a_word_the_shown_titles_say_is_no_other_kind(assistant: Assistant) -> None:
    _, _, _, session = turn(assistant, "a dinnerware set")
    shown, _, plan, _ = turn(assistant, "any of those that are service for 6? we're a family of six", session)
    assert plan.filters.categories == ["dinnerware sets"]
    assert shown and all(p.id.startswith("dish") for p in shown)

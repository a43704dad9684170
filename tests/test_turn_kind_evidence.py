"""A kind of product read from one word of a fresh ask is checked against where the catalog's nearest
products to the whole message are filed (``Assistant._kind_in_evidence``, the seam it is tested
through, with the hash embedder: nearest means most words shared): Wood read from "a leather tool
roll to keep my wood chisels from banging around" becomes Tool Bags; "balsa wood sheets" keeps Wood;
the head noun of the phrase naming the product ("new rotors") is evidence enough; a kind the
conversation already had is left as read."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.schemas import Filters, QueryPlan
from assistant.turn import Assistant
from retrieval.catalog import Product
from tests.turn_support import products_in, small_assistant, turn

_WOOD = ["Arts & Crafts", "Craft Supplies", "Wood"]
_ROLLS = ["Tools & Home Improvement", "Tool Storage", "Tool Bags"]
_PADS = ["Sports & Outdoors", "Cycling", "Brake Pads"]
_ROTORS = ["Sports & Outdoors", "Cycling", "Rotors"]


def _products() -> list[Product]:
    return [
        *products_in(
            _WOOD,
            [
                ("Woodpeckers", "Woodpeckers Unfinished Wood Slices, 12 Pack", 15.0),
                ("Midwest", "Midwest Products Balsa Wood Sheets for Model Planes", 12.0),
                ("Craftiff", "Craftiff Basswood Boards for Carving", 19.0),
            ],
            "wood",
        ),
        *products_in(
            _ROLLS,
            [
                (
                    "Hide & Drink",
                    "Hide & Drink Leather Tool Roll for Chisels, Keeps Chisels From Banging",
                    59.0,
                ),
                ("Rustic Town", "Rustic Town Leather Tool Roll Organizer for Chisels", 45.0),
                ("Dickies", "Dickies Canvas Tool Roll, Keeps Tools From Banging Around", 22.0),
            ],
            "roll",
        ),
        *products_in(
            _PADS,
            [
                ("Shimano", "Shimano Disc Brake Pads, Stops the Grinding of Worn Disc Brakes", 18.0),
                ("SwissStop", "SwissStop Disc Brake Pads for Grinding Disc Brakes", 25.0),
                ("Zonon", "Zonon Disc Brake Pads, 4 Pairs, for Grinding Brakes", 9.0),
            ],
            "pad",
        ),
        *products_in(_ROTORS, [("Shimano", "Shimano RT56 Disc Rotor 160mm", 24.0)], "rot"),
    ]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    with small_assistant(
        tmp_path_factory.mktemp("kind-evidence") / "data", _products(), kind_evidence_k=3
    ) as a:
        yield a


_ROLL_ASK = "looking for a leather tool roll to keep my wood chisels from banging around"


def _checked(
    a: Assistant,
    message: str,
    categories: list[str],
    kind: str,
    previous: QueryPlan | None = None,
) -> list[str]:
    plan = QueryPlan(query=message, intent="search", filters=Filters(categories=categories))
    return a._kind_in_evidence(plan, previous, [], message, kind, message).filters.categories


def test_a_word_naming_a_category_the_nearest_products_are_not_in_is_not_the_kind(
    assistant: Assistant,
) -> None:
    assert _checked(assistant, _ROLL_ASK, ["wood"], "leather tool roll") == ["tool bags"]


def test_the_category_the_nearest_products_are_in_stands(assistant: Assistant) -> None:
    message = "balsa wood sheets for carving a model plane"
    assert _checked(assistant, message, ["wood"], "balsa wood sheets") == ["wood"]


def test_the_head_noun_naming_the_category_is_evidence_enough(assistant: Assistant) -> None:
    # the nearest products are the brake pads the message talks about; the shopper asked for rotors
    message = "my disc brakes have been grinding, i need new rotors"
    assert _checked(assistant, message, ["rotors"], "new rotors") == ["rotors"]
    assert _checked(assistant, message, ["rotors"], "") == ["brake pads"]
    shown, _, plan, _ = turn(assistant, message)
    assert plan.filters.categories == ["rotors"] and [p.id for p in shown] == ["rot0"]


def test_no_leaf_clearly_nearest_leaves_the_search_unfiltered_by_kind(assistant: Assistant) -> None:
    assert _checked(assistant, "craftiff basswood, dickies canvas, zonon pairs", ["rotors"], "") == []


def test_a_kind_the_conversation_had_is_left_as_read(assistant: Assistant) -> None:
    before = QueryPlan(query="wood", intent="search", filters=Filters(categories=["wood"]))
    assert _checked(assistant, _ROLL_ASK, ["wood"], "leather tool roll", previous=before) == ["wood"]


def test_no_check_when_turned_off(tmp_path_factory: pytest.TempPathFactory) -> None:
    with small_assistant(
        tmp_path_factory.mktemp("kind-evidence-off") / "data", _products(), kind_evidence_k=0
    ) as a:
        assert _checked(a, _ROLL_ASK, ["wood"], "leather tool roll") == ["wood"]

"""A fresh ask declined only against a kind the planner guessed from a side word (the late-au cases):
"flat knives for spackling" reads Flats from "flat", and no flat shoe is a knife. The guess is dropped
and the ask judged on its own words: most of the products nearest to the message are titled as knives,
so they are shown, not declined. An unsold thing whose side word names a sold kind ("a flat iron for
my hair": Flats again) is still declined: no product near it is titled an iron. End to end over a small
catalog with the bundled MiniLM embedder."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.turn import Assistant
from tests.turn_support import MINILM, products_in, small_assistant, turn

_PRODUCTS = [
    *products_in(
        ["Shoes", "Flats"],
        [
            ("Lumi", "Women's Ballet Flats, Black", 39.0),
            ("Lumi", "Pointed Toe Flats, Nude", 45.0),
            ("Stridewell", "Suede Loafer Flats", 52.0),
        ],
        "fl",
    ),
    *products_in(
        ["Tools", "Putty Knives"],
        [
            ("Hyde", "Stainless Steel Putty Knife, 3 Inch", 8.0),
            ("Red Devil", "Flexible Drywall Taping Knife, 6 Inch", 11.0),
            ("Warner", "Joint Knife for Spackle, 4 Inch", 9.0),
            ("Workpro", "Putty Knife Set for Drywall Patching", 14.0),
            ("Level5", "Wide Drywall Taping Knife, 10 Inch", 16.0),
            ("Goldblatt", "Plastic Spackle Knife, 2 Pack", 6.0),
        ],
        "pk",
    ),
    *products_in(
        ["Kitchen", "Coffee Makers"],
        [
            ("Brightwell", "Espresso Machine with Milk Frother", 199.0),
            ("Brightwell", "Drip Coffee Maker, 12 Cup", 49.0),
        ],
        "cm",
    ),
    # knives of several kinds: "knives" alone names none of them
    *products_in(
        ["Kitchen", "Knife Block Sets"],
        [
            ("Henckels", "Chef Knife Block Set, 15 Piece", 129.0),
            ("Cuisinart", "Steak Knives, Set of 6", 29.0),
        ],
        "kb",
    ),
    *products_in(
        ["Outdoors", "Pocket Knives"],
        [("Buck", "Folding Pocket Knife", 35.0), ("Gerber", "Lockback Pocket Knife", 27.0)],
        "po",
    ),
    *products_in(["Home", "Laundry Baskets"], [("Basics", "Collapsible Laundry Basket", 19.0)], "lb"),
]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    with small_assistant(
        tmp_path_factory.mktemp("wrong-guess") / "data", _PRODUCTS, **MINILM, kind_evidence_k=8
    ) as a:
        yield a


@pytest.mark.parametrize(
    "message",
    [
        "need one of those flat knives for spackling nail holes before we paint",
        "i need one of those wide flat knives to spread the mud with, patching drywall",
    ],
)
def test_a_guess_from_a_side_word_does_not_decline_what_is_sold(assistant: Assistant, message: str) -> None:
    shown, text, plan, _ = turn(assistant, message)
    assert plan.intent == "search", text
    assert shown and shown[0].category[-1] == "Putty Knives"
    assert "flats" not in plan.filters.categories


def test_flat_shoes_are_still_flats(assistant: Assistant) -> None:
    shown, _, plan, _ = turn(assistant, "flat shoes for work")
    assert plan.filters.categories == ["flats"]
    assert {p.category[-1] for p in shown} == {"Flats"}


@pytest.mark.parametrize("message", ["a flat iron for my hair", "do you sell washing machines?"])
def test_an_unsold_thing_is_still_declined(assistant: Assistant, message: str) -> None:
    shown, _, plan, _ = turn(assistant, message)
    assert plan.intent == "out_of_catalog"
    assert shown == []

"""Where a product is used is no kind it goes with: "leather loafers for the office", read by the
planner as a use ("for office"), is not a pair the store does not sell (loafers said to be for an
office product) though the catalog files office products, while "a hard case for sunglasses" where no
case says sunglasses still is (``Assistant._asked_for_unsold_pair``'s ``preferences``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.turn import Assistant
from retrieval.catalog import Product
from tests.turn_support import products_in, small_assistant, turn

_LOAFERS = ["Clothing, Shoes & Jewelry", "Women", "Shoes", "Loafers & Slip-Ons"]
_OFFICE = ["Office Products", "Business & Office"]
_CASES = ["Electronics", "Headphones, Earbuds & Accessories", "Cases"]
_SUNGLASSES = ["Clothing, Shoes & Jewelry", "Accessories", "Sunglasses"]


def _products() -> list[Product]:
    return [
        *products_in(
            _LOAFERS,
            [
                ("Clarks", "Clarks Women's Juliet Lora Loafer, Black Leather", 79.0),
                ("Clarks", "Clarks Women's Hope Roxanne Loafer, Black Leather", 69.0),
                ("Sam Edelman", "Sam Edelman Loraine Bit Loafer", 120.0),
                ("Dr. Scholl's", "Dr. Scholl's Women's Feel Good Slip-On Loafer", 49.0),
            ],
            "loafer",
        ),
        *products_in(
            _OFFICE,
            [
                ("Amazon Basics", "Office Desk Organizer with Drawer", 19.0),
                ("Marbrasse", "Office Mesh Desk Organizer", 24.0),
                ("Swingline", "Office Stapler, Desktop, 20 Sheets", 12.0),
                ("Bostitch", "Office Electric Pencil Sharpener", 29.0),
            ],
            "office",
        ),
        *products_in(
            _CASES,
            [
                ("Spigen", "Spigen Rugged Armor Case for Airpods", 17.0),
                ("Kmmin", "Kmmin Waterproof Airpods Hard Case", 15.0),
            ],
            "case",
        ),
        *products_in(
            _SUNGLASSES,
            [
                ("Sojos", "Sojos Polarized Round Sunglasses", 14.0),
                ("Feisedy", "Feisedy Cat Eye Sunglasses", 13.0),
                ("Retro Rewind", "Retro Rewind Classic Sunglasses", 15.0),
            ],
            "sun",
        ),
    ]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    with small_assistant(
        tmp_path_factory.mktemp("use-not-pair") / "data", _products(), recommendations=4
    ) as a:
        yield a


def test_the_place_a_product_is_for_is_a_use_not_a_kind(assistant: Assistant) -> None:
    shown, _, plan, _ = turn(assistant, "leather loafers for the office")
    assert plan.intent == "search"
    assert shown and all(p.category == _LOAFERS for p in shown)


def test_a_kind_no_product_of_the_asked_kind_is_for_is_still_declined(assistant: Assistant) -> None:
    shown, _, plan, _ = turn(assistant, "do u sell a hard case for sunglasses so they dont get scratched")
    assert plan.intent == "out_of_catalog"
    assert not shown

"""A need told with no kind named ("want to blitz soup smooth right in the pan, no more ladling it into
a jug") is about the leaf category that leads both the ranking of leaves by their products' nearness
in meaning and the ranking by the words their products' text shares with it: the answer shows that
kind, and the ask is not declined for its last word ("jug") or for a story naming no kind before a
question whose subject is the thing ("my husband smokes …, what gets the smell out": Air Purifiers). A
kind named that the store does not sell is still declined. Real sentence embeddings (the bundled MiniLM model): a hash embedder's
similarities say nothing about meaning."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.turn import Assistant
from retrieval.catalog import Product
from tests.turn_support import MINILM, small_assistant, turn

_HOME = "Home"
_ROWS = [
    (
        "Blenders",
        "Pro 1000 Blender",
        "Whirlwise",
        99.0,
        "A large-pitcher blender for family smoothies and soups.",
    ),
    ("Blenders", "Go Personal Blender", "Whirlwise", 39.0, "Blend a smoothie straight in the to-go cup."),
    (
        "Blenders",
        "Immersion Hand Blender 500",
        "Brightwell",
        49.0,
        "A stick blender that purees soup in the pot.",
    ),
    ("Blenders", "Chef 1800 Blender", "Brightwell", 349.0, "Crushes ice and blends hot soup smooth."),
    (
        "Coffee Makers",
        "Brewhouse 12 Thermal Drip Coffee Maker",
        "Morrow",
        139.0,
        "Brews a full pot every morning into a thermal carafe.",
    ),
    ("Coffee Makers", "Barista One Espresso Machine", "Brightwell", 349.0, "Lattes and espresso at home."),
    (
        "Coffee Makers",
        "Cold Brew Maker 1.5 L",
        "Kestrel",
        39.0,
        "Smooth iced coffee made ahead in the fridge.",
    ),
    (
        "Microwaves",
        "Compact 0.7 cu ft Microwave",
        "Kestrel",
        79.0,
        "A small microwave for dorms: reheats leftovers and pops popcorn.",
    ),
    (
        "Microwaves",
        "Family 1.2 cu ft Microwave",
        "Kestrel",
        129.0,
        "Sensor reheat for leftovers and popcorn.",
    ),
    ("Microwaves", "Inverter 1.6 cu ft Microwave", "Brightwell", 189.0, "Even heating and defrosting."),
    (
        "Air Purifiers",
        "Pure 200 HEPA Air Purifier",
        "Clearbreath",
        99.0,
        "A true-HEPA purifier for bedrooms.",
    ),
    (
        "Air Purifiers",
        "Pure 400 HEPA Air Purifier",
        "Clearbreath",
        179.0,
        "A living-room purifier for wildfire smoke seasons.",
    ),
    ("Air Purifiers", "Tower 600 Air Purifier", "Kestrel", 249.0, "Clears pet odors from open-plan spaces."),
    ("Dishwashers", "QuietClean 300 Dishwasher", "Hearthline", 649.0, "Quiet cleaning for a full load."),
    ("Dishwashers", "Compact 18 Dishwasher", "Brightwell", 499.0, "A slim dishwasher for small kitchens."),
    ("Dishwashers", "Portable 18 Dishwasher", "Kestrel", 399.0, "Hooks up to the kitchen faucet."),
]


def _products() -> list[Product]:
    return [
        Product(
            id=f"k{i}",
            title=title,
            brand=brand,
            price=price,
            description=description,
            rating=4.4,
            rating_count=100,
            category=[_HOME, leaf],
        )
        for i, (leaf, title, brand, price, description) in enumerate(_ROWS)
    ]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    data: Path = tmp_path_factory.mktemp("need-told") / "data"
    with small_assistant(data, _products(), **MINILM) as a:
        yield a


@pytest.mark.parametrize(
    ("message", "leaf"),
    [
        ("want to blitz soup smooth right in the pan, no more ladling it into a jug", "Blenders"),
        ("something to heat up leftovers and pop popcorn in my dorm room", "Microwaves"),
        (
            "my husband smokes on the balcony and it drifts into our bedroom, what gets the smell out",
            "Air Purifiers",
        ),
    ],
)
def test_a_need_told_shows_the_kind_both_meaning_and_words_lead_with(
    assistant: Assistant, message: str, leaf: str
) -> None:
    shown, _, plan, _ = turn(assistant, message)
    assert plan.intent == "search"  # not declined for the last word said
    assert shown and {p.category[-1] for p in shown} == {leaf}
    assert plan.filters.categories == [leaf.lower()]


def test_the_leaf_both_rankings_lead_with(assistant: Assistant) -> None:
    searcher = assistant.searcher
    soup = "want to blitz soup smooth right in the pan, no more ladling it into a jug"
    assert searcher.leaf_led_by_meaning_and_words(soup) == "blenders"
    # no word of the ask is in any product's text: the words lead with no leaf
    assert searcher.leaf_led_by_meaning_and_words("zqxv plorbing") is None


def test_a_kind_named_that_is_not_sold_is_still_declined(assistant: Assistant) -> None:
    shown, _, plan, _ = turn(assistant, "do you sell wetsuits? going surfing in the morning")
    assert plan.intent == "out_of_catalog" and not shown

"""A child who will use the product keeps to the kids' ones the catalog's titles name, also where the
kind is measured but gives no age or kids' size (earbuds measured in battery hours) and where only
one product of the kind is a kids' one ("Kids Smart Watch", one of five); a group of kids a product
is for ("marshmallows for the kids") or a grown-up asks no kids' version (the late-az cases)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.plan.semantics import child_uses_it
from assistant.turn import Assistant
from retrieval.catalog import Product
from tests.turn_support import small_assistant, turn

_EARBUDS = ["Audio", "Earbuds"]
_WATCHES = ["Electronics", "Wearable Technology", "Smartwatches"]
_MARSHMALLOWS = ["Grocery", "Cooking & Baking", "Marshmallows"]

_BUDS = [
    ("Sonovel", "Sonovel Pebble True Wireless Earbuds", 39.0, "6"),
    ("Tideline", "Tideline Sprint Sport Earbuds with Ear Hooks", 79.0, "9"),
    ("Halcyon", "Halcyon Aura Buds Noise Cancelling Earbuds", 199.0, "8"),
    ("Tideline", "Tideline Voyager Buds Wireless Earbuds", 149.0, "10"),
    ("Sonovel", "Sonovel Pebble NC Earbuds", 99.0, "7"),
    ("Pipsqueak", "Pipsqueak Mini Buds Kids Wireless Earbuds, Blue", 29.0, "5"),
    ("Pipsqueak", "Pipsqueak Mini Buds Kids Wireless Earbuds, Pink", 29.0, "5"),
    ("Halcyon", "Halcyon Studio Buds Wireless Earbuds", 129.0, "8"),
]
_WATCH_ROWS = [
    ("Fitbit", "Fitbit Versa Lite Smartwatch", 129.0),
    ("Fitbit", "Fitbit Versa 2 Health and Fitness Smartwatch", 179.0),
    ("Padgene", "Padgene DZ09 Bluetooth Smart Watch with Camera", 19.0),
    ("Garmin", "Garmin Venu Sq GPS Smartwatch", 199.0),
    ("GOOWJUER", "Kids Smart Watch for Boys Girls with Games", 36.0),
]
_MALLOW_ROWS = [
    ("Campfire", "Campfire Giant Roasting Marshmallows", 4.0),
    ("Jet-Puffed", "Jet-Puffed Mini Marshmallows", 3.0),
    ("Dandies", "Dandies Vegan Marshmallows", 6.0),
    ("Unicorn", "Unicorn Poop Candy Party Favors for Kids", 20.0),
]


def _products() -> list[Product]:
    buds = [
        Product(
            id=f"eb{i}",
            title=title,
            brand=brand,
            price=price,
            rating=4.0 + i / 20,
            category=_EARBUDS,
            attributes={"battery_hours": hours, "wireless": "yes"},
        )
        for i, (brand, title, price, hours) in enumerate(_BUDS)
    ]
    watches = [
        Product(id=f"sw{i}", title=t, brand=b, price=p, rating=4.0 + i / 20, category=_WATCHES)
        for i, (b, t, p) in enumerate(_WATCH_ROWS)
    ]
    mallows = [
        Product(id=f"mm{i}", title=t, brand=b, price=p, rating=4.0 + i / 20, category=_MARSHMALLOWS)
        for i, (b, t, p) in enumerate(_MALLOW_ROWS)
    ]
    return [*buds, *watches, *mallows]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    with small_assistant(tmp_path_factory.mktemp("kids-version") / "data", _products()) as a:
        yield a


@pytest.mark.parametrize(
    "message",
    ["earbuds for my 6 year old", "kids earbuds please", "my daughter is 7 and wants her own earbuds"],
)
def test_a_child_using_a_measured_kind_without_ages_keeps_to_its_kids_ones(
    assistant: Assistant, message: str
) -> None:
    shown, text, plan, _ = turn(assistant, message)
    assert "kids" in plan.filters.text_words
    assert shown and all("Kids" in p.title for p in shown)
    assert "kids' ones" in text


def test_one_kids_title_of_a_kind_is_the_one_for_a_child_who_will_wear_it(assistant: Assistant) -> None:
    shown, _, plan, _ = turn(assistant, "a smartwatch for my 8 year old")
    assert "kids" in plan.filters.text_words
    assert [p.id for p in shown] == ["sw4"]


@pytest.mark.parametrize("message", ["marshmallows for the kids", "some marshmallows for the kids to share"])
def test_a_group_of_kids_a_product_is_for_asks_no_kids_version(assistant: Assistant, message: str) -> None:
    shown, _, plan, _ = turn(assistant, message)
    assert "kids" not in plan.filters.text_words
    assert len(shown) > 1


def test_a_grown_up_asks_no_kids_version(assistant: Assistant) -> None:
    shown, _, plan, _ = turn(assistant, "earbuds for my dad, he's 60")
    assert "kids" not in plan.filters.text_words
    assert shown and not any("Kids" in p.title for p in shown)


@pytest.mark.parametrize(
    ("message", "uses"),
    [
        ("earbuds for my 6 year old", True),
        ("a smartwatch for a kid", True),
        ("kids earbuds please", True),
        ("children's toothpaste", True),
        ("marshmallows for the kids", False),
        ("and some marshmallows for the kids while they play", False),
        ("snacks for the kids to share", False),
        ("earbuds for my dad", False),
        ("a sleeping bag for my son, he is 25", False),
        ("one of the bags has to fit my son, he's 6'2 - got a long one?", False),
        ("the orange kids one - show me that", False),
    ],
)
def test_who_will_use_it(message: str, uses: bool) -> None:
    assert child_uses_it(message, {"earbud", "toothpaste", "marshmallow", "snack", "bag"}) is uses

"""A color said with a suffix that marks it ("a maroon colored backpack", "olive-colored", "rose gold
colored"; ``lexicons/colors.yaml``): the suffix is no word a product's text must say, and the color
before it is the color asked, a catalog color or not; one the catalog never uses filters nothing in,
so the search says it could not be met instead of dropping it as "part of what you named"."""

from __future__ import annotations

import pytest

from assistant.plan import plan_turn
from retrieval.catalog import Product
from retrieval.products import Vocabulary

PRODUCTS = [
    Product(id="b1", title="Daypack 20L", brand="Trailwright", category=["Outdoor", "Backpacks"], color="Navy"),
    Product(id="b2", title="Daypack 30L", brand="Trailwright", category=["Outdoor", "Backpacks"], color="Black"),
    Product(id="c1", title="Colored Pencils 24 Pack", brand="Artline", category=["Office", "Colored Pencils"]),
]  # fmt: skip


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return Vocabulary.from_products(PRODUCTS)


@pytest.mark.parametrize(
    ("message", "color"),
    [
        ("a maroon colored backpack", "maroon"),
        ("olive-colored backpack for hiking", "olive"),
        ("do you have burgundy coloured backpacks", "burgundy"),
        ("rose gold colored backpack", "rose gold"),
        ("a dark green toned backpack", "dark green"),
        ("a navy colored backpack", "navy"),
        ("a navy-colored backpack", "navy"),
    ],
)
def test_a_color_said_with_colored_is_the_color_asked(vocab: Vocabulary, message: str, color: str) -> None:
    plan = plan_turn(message, [], vocab)
    assert plan.filters.colors == [color]
    assert plan.filters.text_words == []
    assert "colored" not in plan.query and "coloured" not in plan.query
    assert plan.unknown_values == []


def test_colored_as_a_kind_word_stays(vocab: Vocabulary) -> None:
    plan = plan_turn("colored pencils for my daughter", [], vocab)
    assert plan.filters.colors == []
    assert plan.filters.categories == ["colored pencils"]


def test_a_colored_color_ruled_out_is_not_asked(vocab: Vocabulary) -> None:
    plan = plan_turn("a backpack, but nothing maroon colored", [], vocab)
    assert "maroon" not in plan.filters.colors

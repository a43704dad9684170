"""A word the kind's titles name a class of it by ("Family Tent", "Expedition Sleeping Bag"), said
before the kind, is what the product is (the late-cw cases): kept over a budget, which is loosened
first, and the cheapest named is the cheapest of what the ask still holds ("the cheapest sleeping bag
mentioning expedition is $649"; a $45 bag is the kind's cheapest, and "the cheapest sleeping bag is
$649" would be false)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.turn import Assistant
from retrieval.catalog import Product
from tests.turn_support import small_assistant, turn


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, demo_products: list[Product]) -> Iterator[Assistant]:
    with small_assistant(tmp_path_factory.mktemp("class-words") / "data", demo_products) as a:
        yield a


def test_a_class_word_a_single_title_says_picks_that_one(demo: Assistant) -> None:
    shown, _, plan, _ = turn(demo, "an expedition sleeping bag please")
    assert plan.filters.text_words == ["expedition"]
    assert shown and all("Expedition" in p.title for p in shown)


@pytest.mark.parametrize(
    ("message", "word", "cheapest"),
    [
        ("got any expedition sleeping bags under 400?", "sleeping bag mentioning expedition", 649),
        ("a family tent under 250", "tent mentioning family", 329),
    ],
)
def test_the_budget_is_loosened_before_the_class_and_the_cheapest_of_it_is_said(
    demo: Assistant, demo_products: list[Product], message: str, word: str, cheapest: int
) -> None:
    shown, text, plan, _ = turn(demo, message)
    assert any(r.field == "price" for r in plan.relaxed)
    assert f"the cheapest {word} is ${cheapest}" in text
    assert shown and shown[0].price == cheapest


def test_the_cheapest_said_is_of_the_maker_kept(demo: Assistant, demo_products: list[Product]) -> None:
    _, text, _, _ = turn(demo, "halcyon headphones under 100")
    cheapest = min(
        p.price or 0 for p in demo_products if p.brand == "Halcyon Audio" and p.category[-1] == "Headphones"
    )
    assert f"the cheapest headphone from Halcyon Audio is ${cheapest:,.0f}" in text

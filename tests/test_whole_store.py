""" "In your whole store", "in ur entire shop" asks over everything of the kind, not among the few
shown (the late-cx cases): "which paddle board in your whole store has the best reviews" ranked only
the boards on screen."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.turn import Assistant
from retrieval.catalog import Product
from tests.turn_support import small_assistant, turn


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, demo_products: list[Product]) -> Iterator[Assistant]:
    with small_assistant(tmp_path_factory.mktemp("whole-store") / "data", demo_products) as a:
        yield a


@pytest.mark.parametrize(
    "then",
    [
        "what's the cheapest pair in your whole store",
        "the cheapest headphones in ur entire shop?",
        "cheapest ones in this store?",
    ],
)
def test_the_whole_store_is_every_one_of_the_kind(
    demo: Assistant, demo_products: list[Product], then: str
) -> None:
    first, _, _, sid = turn(demo, "headphones over 200 dollars")
    shown, _, plan, _ = turn(demo, then, sid)
    # (Kids Headphones are filed under Headphones: the whole store's cheapest pair is a kids' one)
    cheapest = min(p.price or 0 for p in demo_products if "Headphones" in p.category)
    assert plan.intent != "product_question"
    assert shown and shown[0].price == cheapest
    assert cheapest < min(p.price or 0 for p in first)


def test_a_word_an_earlier_turn_asked_for_holds_only_if_said_again(
    demo: Assistant, demo_products: list[Product]
) -> None:
    _, _, plan, sid = turn(demo, "an expedition sleeping bag please")
    assert plan.filters.text_words == ["expedition"]
    shown, _, plan, _ = turn(demo, "ok and the cheapest sleeping bag in your whole store?", sid)
    cheapest = min(p.price or 0 for p in demo_products if p.category[-1] == "Sleeping Bags")
    assert plan.filters.text_words == []
    assert shown and shown[0].price == cheapest

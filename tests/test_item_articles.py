"""An item said after "and a" is read with its article, as a thing (the late-cv cases): "a jigsaw
puzzle and a stuffed animal" lost the article to the joiner, so "stuffed animal" (no word of the demo
catalog) was no item and the ask was declined; read as "a stuffed animal" it is another word for one
of the catalog's kinds (Plush Toys), and both items are shown."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.turn import Assistant
from retrieval.catalog import Product
from tests.turn_support import MINILM, small_assistant, turn


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, demo_products: list[Product]) -> Iterator[Assistant]:
    with small_assistant(tmp_path_factory.mktemp("item-articles") / "data", demo_products, **MINILM) as a:
        yield a


@pytest.mark.parametrize(
    "message",
    ["a jigsaw puzzle and a stuffed animal", "a jigsaw for my grandpa and a stuffed animal for my niece"],
)
def test_an_item_named_in_other_words_keeps_the_ask_whole(demo: Assistant, message: str) -> None:
    shown, _, plan, _ = turn(demo, message)
    assert plan.intent == "search" and len(plan.items) == 2
    assert [i.categories for i in plan.items] == [["puzzles"], ["plush toys"]]
    assert {p.category[-1] for p in shown} == {"Puzzles", "Plush Toys"}

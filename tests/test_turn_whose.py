""" "Whose is it?" asks who makes a shown product: a question about its brand, however the rest is
phrased ("whose is the first one?", "and whose is that, brand-wise", "whose is the second one") — the
late-bz cases. End to end over the bundled demo catalog (hash embedder, fake LLM)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.turn import Assistant
from retrieval.catalog import Product
from tests.turn_support import small_assistant, turn


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory, demo_products: list[Product]) -> Iterator[Assistant]:
    with small_assistant(tmp_path_factory.mktemp("whose") / "data", demo_products) as a:
        yield a


@pytest.mark.parametrize(
    ("message", "position"),
    [("whose is the first one?", 0), ("and whose is that, brand-wise", 0), ("whose is the second one", 1)],
)
def test_whose_asks_the_brand_of_a_shown_product(assistant: Assistant, message: str, position: int) -> None:
    first, _, _, sid = turn(assistant, "a standing desk for my home office")
    shown, text, plan, _ = turn(assistant, message, sid)
    assert plan.intent == "product_question", plan
    assert [p.id for p in shown] == [first[position].id]
    assert f"by {first[position].brand}" in text, text

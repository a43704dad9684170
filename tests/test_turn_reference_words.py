"""Words that name no shown product, though a title holds them: the extreme asked ("which of your
jackets is the MOST waterproof" names no "Waterproof Trench"), and what a side-by-side is for ("the
monitor c1 vs reference ob-2, which one for a small bedroom studio" compares those two, not a third
"Studio" pair shown)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.turn import Assistant
from retrieval.catalog import Product
from tests.turn_support import MINILM, small_assistant, turn


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, demo_products: list[Product]) -> Iterator[Assistant]:
    with small_assistant(tmp_path_factory.mktemp("reference-words") / "data", demo_products, **MINILM) as a:
        yield a


def test_the_extreme_asked_names_no_product(demo: Assistant, demo_products: list[Product]) -> None:
    shown, _, _, sid = turn(demo, "a rain jacket to hike in, it rains nonstop where i live")
    titled = [p for p in shown if "waterproof" in p.title.lower()]
    asked, _, plan, _ = turn(demo, "which one of these is the MOST waterproof", sid)
    assert plan.intent == "product_question" and plan.sort is not None
    assert {p.id for p in asked} <= {p.id for p in shown} and len(asked) > len(titled) >= 1
    rating = {p.id: float(p.attributes.get("waterproof_rating_mm", 0)) for p in demo_products}
    assert rating[asked[0].id] == max(rating[p.id] for p in shown)


def test_the_sides_of_vs_are_the_products_compared(demo: Assistant) -> None:
    # ("studio headphones" keeps to the two whose titles name that class; the OB-2 is "reference")
    shown, _, _, sid = turn(demo, "headphones for mixing music")
    ids = {p.id for p in shown}
    assert {"hp-fathom-monitor-c1", "hp-fathom-reference-ob2", "hp-tideline-studio-9-open"} <= ids
    compared, _, plan, _ = turn(
        demo, "the monitor c1 vs reference ob-2, which one would you get for a small bedroom studio", sid
    )
    assert plan.intent == "compare"
    assert [p.id for p in compared] == ["hp-fathom-monitor-c1", "hp-fathom-reference-ob2"]

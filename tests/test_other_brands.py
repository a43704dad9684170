""" "Other brands?" after a list no maker was asked for is a maker other than the one in front of the
shopper (the top pick's, or the product asked about), not the same list again (the late-ct cases);
after a maker was asked for, it is any maker but that one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.plan.intents import OTHER_BRAND
from assistant.turn import Assistant
from retrieval.catalog import Product, norm
from tests.turn_support import small_assistant, turn


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("other brands?", True),
        ("got any from a different brand?", True),
        ("anything by another maker?", True),
        ("other manufacturers?", True),
        ("other colors?", False),
        ("a different one", False),
    ],
)
def test_another_maker_is_asked_in_several_words(text: str, asks: bool) -> None:
    assert (OTHER_BRAND.search(text) is not None) is asks


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, demo_products: list[Product]) -> Iterator[Assistant]:
    with small_assistant(tmp_path_factory.mktemp("other-brands") / "data", demo_products) as a:
        yield a


@pytest.mark.parametrize(
    ("first", "then"),
    [
        ("noise cancelling headphones", "other brands?"),
        ("a robot vacuum", "got any from a different brand?"),
        ("coffee makers", "different brands?"),
    ],
)
def test_other_brands_leave_out_the_top_picks_maker(demo: Assistant, first: str, then: str) -> None:
    before, _, _, sid = turn(demo, first)
    maker = before[0].brand
    assert maker
    shown, text, plan, _ = turn(demo, then, sid)
    assert norm(maker) in plan.filters.exclude_brands
    assert shown and all(p.brand != maker for p in shown)
    assert f"not from {maker}" in text


def test_a_kind_only_one_maker_makes_says_so(demo: Assistant) -> None:
    before, _, _, sid = turn(demo, "trail running shoes")
    assert {p.brand for p in before} == {"Trailwright"}
    _, text, plan, _ = turn(demo, "another brand maybe?", sid)
    assert plan.relaxed and "all we have is from Trailwright" in text

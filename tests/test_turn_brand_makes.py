"""A maker named with a kind it does not make, a kind the store does not sell, is declined (the late-cf
cases): "brightsmile whitening strips" (Brightsmile makes toothbrushes) or "a tideline car charger"
(Tideline makes speakers and earbuds) is no ask for the maker's other products; the maker with a
kind it makes ("tideline earbuds") is its products."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.turn import Assistant
from retrieval.catalog import Product
from tests.turn_support import small_assistant, turn


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, demo_products: list[Product]) -> Iterator[Assistant]:
    with small_assistant(tmp_path_factory.mktemp("brand-makes") / "data", demo_products) as a:
        yield a


@pytest.mark.parametrize(
    "message", ["do you have brightsmile whitening strips", "tideline car charger", "halcyon audio turntable"]
)
def test_a_maker_with_a_kind_nobody_sells_is_declined(demo: Assistant, message: str) -> None:
    shown, _, plan, _ = turn(demo, message)
    assert plan.intent == "out_of_catalog"
    assert shown == []


def test_a_maker_with_a_kind_it_makes_is_its_products(demo: Assistant) -> None:
    shown, _, plan, _ = turn(demo, "tideline earbuds")
    assert plan.intent == "search"
    assert shown and all(p.brand == "Tideline" and p.category[-1] == "Earbuds" for p in shown)
    shown, _, plan, _ = turn(demo, "anything from tideline?")
    assert shown and all(p.brand == "Tideline" for p in shown)


def test_brand_makes_reads_the_kinds_head(demo: Assistant) -> None:
    assert demo._brand_makes(["tideline"], "tideline earbuds")
    assert demo._brand_makes(["tideline"], "tideline")  # the maker itself is the ask
    assert not demo._brand_makes(["tideline"], "tideline car charger")
    assert not demo._brand_makes(["brightsmile"], "brightsmile whitening strips")
    # the brand read from the word itself: misspelt, or by its initials; no kind named at all
    assert demo._brand_makes(["temptations"], "temptaions")
    assert demo._brand_makes(["cards against humanity"], "cah")
    assert demo._brand_makes(["tideline"], "")


def test_a_maker_asked_for_by_its_name_alone_is_its_products(demo: Assistant) -> None:
    shown, _, plan, _ = turn(
        demo, "random q but what's the most expensive tideline thing you carry? i'm curious"
    )
    assert plan.intent != "out_of_catalog"
    assert shown and all(p.brand == "Tideline" for p in shown)

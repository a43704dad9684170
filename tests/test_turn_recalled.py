"""A later turn pointing back at a list an earlier answer showed, by its products' kind (the late-cj
cases): "how much was the first tent?" after sleeping bags is the first tent shown, not a new search
of tents; "the first one" alone is still the last list's, and a message asking for another kind
recalls nothing."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.turn import Assistant
from retrieval.catalog import Product
from tests.turn_support import MINILM, small_assistant, turn


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, demo_products: list[Product]) -> Iterator[Assistant]:
    with small_assistant(tmp_path_factory.mktemp("recalled") / "data", demo_products, **MINILM) as a:
        yield a


@pytest.mark.parametrize(
    ("first", "then", "asked", "place", "fact"),
    [
        ("a 2 person tent", "a sleeping bag for 30 degrees", "how much was the first tent?", 0, "$"),
        (
            "noise cancelling headphones",
            "show me earbuds instead",
            "go back to the headphones, is the second one wireless?",
            1,
            "wireless",
        ),
        (
            "a laptop for college",
            "a wireless mouse",
            "the laptop you showed me first, how heavy is it?",
            0,
            "kg",
        ),
    ],
)
def test_a_kind_shown_before_is_pointed_back_at(
    demo: Assistant, first: str, then: str, asked: str, place: int, fact: str
) -> None:
    before, _, _, sid = turn(demo, first)
    assert len(before) > place
    turn(demo, then, sid)
    shown, text, plan, _ = turn(demo, asked, sid)
    assert plan.intent == "product_question"
    assert [p.id for p in shown] == [before[place].id]
    assert fact in text


def test_the_first_one_alone_is_the_last_lists(demo: Assistant) -> None:
    _, _, _, sid = turn(demo, "a 2 person tent")
    bags, _, _, _ = turn(demo, "a sleeping bag for 30 degrees", sid)
    shown, _, _, _ = turn(demo, "the first one, how much does it weigh?", sid)
    assert [p.id for p in shown] == [bags[0].id]


def test_asking_for_another_kind_recalls_no_list(demo: Assistant) -> None:
    _, _, _, sid = turn(demo, "a 2 person tent")
    turn(demo, "wireless earbuds", sid)
    shown, _, _, _ = turn(demo, "the tent was too pricey tbh. got sleeping bags?", sid)
    assert shown and all(p.category[-1] == "Sleeping Bags" for p in shown)

"""A best-of question that names the kind where it could point at the shown ("which tent has the best
reviews" after five tents) is over every product of the kind (the late-cg cases); "which one" and
"which of those" rank the shown products (late-ce)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.plan.catalog_stage import _names_the_kind
from assistant.turn import Assistant
from retrieval.catalog import Product
from tests.turn_support import small_assistant, turn


@pytest.mark.parametrize(
    ("text", "kinds", "named"),
    [
        ("which tent has the best reviews", ["tents"], True),
        ("which bandsaw has the highest rating? still no wen", ["band saws"], True),
        ("then just whichever hand planer is rated best", ["handheld planers"], True),
        ("which stainless kids bottle do reviewers like best", ["sports water bottles"], True),
        ("which headphones do people rate highest", ["headphones"], True),
        ("which one has the best reviews", ["tents"], False),
        ("which of those is the cheapest", ["tents"], False),
        ("which waterproof one is lightest", ["tents"], False),
        ("which color is the cheapest", ["tents"], False),
    ],
)
def test_the_kind_named_after_which(text: str, kinds: list[str], named: bool) -> None:
    assert _names_the_kind(text, kinds) is named


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, demo_products: list[Product]) -> Iterator[Assistant]:
    with small_assistant(tmp_path_factory.mktemp("which-kind") / "data", demo_products) as a:
        yield a


def test_which_tent_ranks_every_tent_and_which_one_the_shown(
    demo: Assistant, demo_products: list[Product]
) -> None:
    tents = [p for p in demo_products if p.category[-1] == "Tents"]
    best = max(p.rating or 0 for p in tents)
    first, _, _, sid = turn(demo, "show me some tents")
    assert max(p.rating or 0 for p in first) < best  # the best tent is not among the five shown
    shown, _, plan, _ = turn(demo, "which tent has the best reviews", sid)
    assert plan.sort is not None and plan.sort.key == "rating"
    assert shown[0].rating == best and all(p.category[-1] == "Tents" for p in shown)

    first, _, _, sid = turn(demo, "show me some tents")
    shown, _, plan, _ = turn(demo, "which one has the best reviews", sid)
    assert {p.id for p in shown} <= {p.id for p in first}
    assert shown[0].rating == max(p.rating or 0 for p in first)

"""A best-of asked over "those" when the products shown were a few of many (the late-ce cases): "which of
those has the best reviews" after five of fourteen tents names the best of every tent first, then the
best of the five shown; a question kept to what was shown ("of the ones you just showed me", "which
of those two") ranks only the shown."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.turn import Assistant
from retrieval.catalog import Product
from tests.turn_support import small_assistant, turn


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, demo_products: list[Product]) -> Iterator[Assistant]:
    with small_assistant(tmp_path_factory.mktemp("beyond-shown") / "data", demo_products) as a:
        yield a


def _tents(demo_products: list[Product]) -> list[Product]:
    return [p for p in demo_products if p.category[-1] == "Tents"]


def test_the_best_of_every_match_leads_when_it_beats_the_shown(
    demo: Assistant, demo_products: list[Product]
) -> None:
    first, _, _, sid = turn(demo, "show me some tents")
    tents = _tents(demo_products)
    assert 2 <= len(first) < len(tents)  # five of the fourteen
    best_rating = max(p.rating or 0 for p in tents)
    assert max(p.rating or 0 for p in first) < best_rating  # the best is not among those shown
    shown, text, plan, _ = turn(demo, "which of those has the best reviews", sid)
    assert shown[0].rating == best_rating and shown[0].id not in {p.id for p in first}
    # the shown ones follow, best first, and the answer names both
    assert {p.id for p in shown[1:]} == {p.id for p in first}
    assert [p.rating for p in shown[1:]] == sorted((p.rating for p in first), reverse=True)
    assert "not just the ones shown" in text and "Of the ones shown" in text
    assert plan.referenced_ids[0] == shown[0].id  # what a later "cheaper than that one" points at

    shown, text, _, _ = turn(demo, "show me some tents", sid)
    shown, text, _, _ = turn(demo, "which one's the cheapest of the lot", sid)
    cheapest = min(p.price or 1e9 for p in _tents(demo_products))
    assert shown[0].price == cheapest


@pytest.mark.parametrize(
    "question",
    ["of the ones you just showed me, which is the cheapest", "which of those five is the cheapest"],
)
def test_a_best_of_kept_to_the_shown_ranks_only_them(demo: Assistant, question: str) -> None:
    first, _, _, sid = turn(demo, "show me some tents")
    shown, _, _, _ = turn(demo, question, sid)
    assert shown and {p.id for p in shown} <= {p.id for p in first}
    assert shown[0].price == min(p.price or 1e9 for p in first)


def test_the_shown_best_being_the_best_of_all_changes_nothing(demo: Assistant) -> None:
    first, _, _, sid = turn(demo, "rain jacket please")
    shown, text, _, _ = turn(demo, "which one of these is the lightest", sid)
    assert {p.id for p in shown} == {p.id for p in first}
    assert "not just the ones shown" not in text

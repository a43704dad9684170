""" "The most reviews" is how many shoppers rated a product, not how well (the late-cr cases): "which
one has the most reviews" after tents put the best rated first. The count is a product field a plan
sorts and compares by (``rating_count``), said with its figure."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.plan.semantics import find_comparative, find_superlative
from assistant.plan.text import tokenize
from assistant.turn import Assistant
from retrieval.catalog import Product
from retrieval.filters import Filters, NumericRange, matches
from retrieval.schema import REVIEWS_FIELD, field_number
from tests.turn_support import small_assistant, turn


def _stems(text: str) -> list[str]:
    return [t.stem for t in tokenize(text)]


@pytest.mark.parametrize(
    ("text", "dimension"),
    [
        ("which one has the most reviews", "reviews"),
        ("what's your most reviewed blender", "reviews"),
        ("the one with the most ratings", "reviews"),
        ("which has the best reviews", "rating"),
        ("the most highly rated one", "rating"),
    ],
)
def test_the_most_reviews_is_a_count_and_the_best_reviews_a_rating(text: str, dimension: str) -> None:
    found = find_superlative(_stems(text))
    assert found is not None and found[0] == dimension and found[1] == "desc"


def test_more_reviews_is_a_comparative_on_the_count() -> None:
    found = find_comparative(_stems("any with more reviews than that one?"))
    assert found is not None and found[:2] == ("reviews", "higher")


def test_the_count_is_a_field_a_range_bounds() -> None:
    p = Product(id="a", title="A tent", category=["Tents"], rating=4.2, rating_count=1520)
    assert field_number(p, REVIEWS_FIELD) == 1520.0
    assert matches(p, Filters(attribute_ranges={REVIEWS_FIELD: NumericRange(gt=1000)}))
    assert not matches(p, Filters(attribute_ranges={REVIEWS_FIELD: NumericRange(gt=2000)}))


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, demo_products: list[Product]) -> Iterator[Assistant]:
    with small_assistant(tmp_path_factory.mktemp("most-reviews") / "data", demo_products) as a:
        yield a


def test_the_most_reviewed_of_the_shown_leads_with_its_count(demo: Assistant) -> None:
    _, _, _, sid = turn(demo, "tents")
    shown, text, plan, _ = turn(demo, "which one has the most reviews", sid)
    counts = [p.rating_count or 0 for p in shown]
    assert plan.sort is not None and plan.sort.key == REVIEWS_FIELD
    assert counts[0] == max(counts)
    assert f"{counts[0]:,}" in text


def test_the_most_reviewed_of_a_kind_is_sorted_over_all_of_it(
    demo: Assistant, demo_products: list[Product]
) -> None:
    shown, text, _, _ = turn(demo, "what's your most reviewed blender")
    blenders = [p for p in demo_products if p.category[-1] == "Blenders"]
    assert shown[0].rating_count == max(p.rating_count or 0 for p in blenders)
    assert "most reviewed" in text


def test_more_reviews_than_the_first_shows_only_more_reviewed_ones(demo: Assistant) -> None:
    first, _, _, sid = turn(demo, "tents")
    shown, text, plan, _ = turn(demo, "any with more reviews than that one?", sid)
    bar = first[0].rating_count or 0
    assert plan.comparative is not None and plan.comparative.key == REVIEWS_FIELD
    assert shown and all((p.rating_count or 0) > bar for p in shown)
    assert f"{bar:,} ratings" in text


def test_nothing_more_reviewed_than_the_most_reviewed_is_said_in_ratings(demo: Assistant) -> None:
    first, _, _, sid = turn(demo, "what's your most reviewed dog bed")
    _, text, plan, _ = turn(demo, "any with more reviews than that one?", sid)
    assert any(r.field == REVIEWS_FIELD for r in plan.relaxed)
    assert f"more than {first[0].rating_count or 0:,} ratings" in text

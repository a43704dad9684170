"""One for the shopper after one for a child (the late-bp cases): "ok and i want one for myself too"
keeps the kind, but the child's age and the kids' words the catalog's titles were asked for stay
with the child."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from assistant.schemas import QueryPlan
from retrieval.filters import Filters
from retrieval.products import Vocabulary
from retrieval.schema import CatalogSchema
from tests.plan_support import plan_after, small_store


@pytest.fixture(scope="module")
def store() -> tuple[Vocabulary, CatalogSchema, Callable[[str], list[tuple[str, int]]]]:
    rows = [
        (["Home", "Blankets & Throws", "Weighted Blankets"], "Weighted Blanket for Kids 7 lbs"),
        (["Home", "Blankets & Throws", "Weighted Blankets"], "Weighted Blanket for Adults 25 lbs"),
        (["Sports", "Bottles", "Sports Water Bottles"], "Half Gallon Water Bottle"),
    ]
    return small_store(rows)


@pytest.mark.parametrize(
    "message", ["ok and i want one for myself too, a 25 pounder", "and one for me too, a big one"]
)
def test_for_the_shopper_the_childs_age_and_kids_words_stay_behind(message: str, store: tuple) -> None:
    vocab, schema, titles = store
    before = QueryPlan(
        query="weighted blanket",
        intent="search",
        filters=Filters(categories=["weighted blankets"], text_words=["kids"], child_age=8),
    )
    plan = plan_after(message, vocab, schema, titles, before)
    assert plan.filters.categories == ["weighted blankets"]
    assert plan.filters.child_age is None and "kids" not in plan.filters.text_words


def test_for_the_child_again_they_stay(store: tuple) -> None:
    vocab, schema, titles = store
    before = QueryPlan(
        query="weighted blanket",
        intent="search",
        filters=Filters(categories=["weighted blankets"], text_words=["kids"], child_age=8),
    )
    plan = plan_after("any in blue?", vocab, schema, titles, before)
    assert plan.filters.child_age == 8 and "kids" in plan.filters.text_words

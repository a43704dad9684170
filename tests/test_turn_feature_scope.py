"""A best-of question scoped to the shown products with a feature their titles state ("which of the
polarized ones is cheapest") ranks only those; with none shown having it, the kind is searched for it,
sorted (``assistant.plan.feature_scope``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.plan.feature_scope import scoped_to_feature
from assistant.schemas import QueryPlan, SortSpec
from assistant.turn import Assistant
from retrieval.catalog import Product
from retrieval.filters import Filters
from tests.turn_support import products_in, small_assistant, turn

_SUNGLASSES = ["Clothing, Shoes & Jewelry", "Accessories", "Sunglasses"]


def _products() -> list[Product]:
    return products_in(
        _SUNGLASSES,
        [
            ("SOJOS", "SOJOS Polarized Aviator Sunglasses", 24.0),
            ("Dollger", "Dollger Oversized Square Sunglasses", 11.0),
            ("Knockaround", "Knockaround Polarized Premiums Sunglasses", 19.0),
            ("Feisedy", "Feisedy Retro Round Sunglasses", 13.0),
            ("Costa", "Costa Mirrored Sport Sunglasses", 150.0),
            ("Oakley", "Oakley Mirrored Holbrook Sunglasses", 120.0),
        ],
        "sun",
    )


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    with small_assistant(
        tmp_path_factory.mktemp("feature-scope") / "data", _products(), recommendations=4
    ) as a:
        yield a


def _four_shown(assistant: Assistant) -> tuple[list, str]:
    shown, _, _, session = turn(assistant, "sunglasses under 100")
    assert {p.title for p in shown} >= {
        "SOJOS Polarized Aviator Sunglasses",
        "Dollger Oversized Square Sunglasses",
    }
    return shown, session


def test_the_best_of_the_shown_ones_with_the_feature(assistant: Assistant) -> None:
    _, session = _four_shown(assistant)
    shown, _, plan, _ = turn(assistant, "which of the polarized ones is cheapest", session)
    assert plan.intent == "product_question"
    # the Dollger is the cheapest shown, but it is not polarized
    assert shown and shown[0].title == "Knockaround Polarized Premiums Sunglasses"
    assert all("Polarized" in p.title for p in shown)


def test_without_a_feature_every_shown_one_is_ranked(assistant: Assistant) -> None:
    _, session = _four_shown(assistant)
    shown, _, plan, _ = turn(assistant, "which of those is the cheapest", session)
    assert plan.intent == "product_question"
    assert shown and shown[0].title == "Dollger Oversized Square Sunglasses"


def test_none_shown_has_it_so_the_kind_is_searched_for_it(assistant: Assistant) -> None:
    # the four shown under 100 have no mirrored one; the kind has two (over that budget, so the
    # plan asks without it)
    plan = QueryPlan(
        query="sunglasses",
        intent="product_question",
        filters=Filters(categories=["sunglasses"]),
        sort=SortSpec(key="price", order="asc"),
        referenced_ids=["sun1"],
    )
    shown = ["sun0", "sun1", "sun2", "sun3"]
    snap = assistant.searcher.snapshot()
    args = (assistant.vocabulary, snap, assistant.schema)
    scoped = scoped_to_feature(plan, "out of the mirrored ones which is cheapest", shown, *args)
    assert scoped.intent == "refine" and scoped.filters.text_words == ["mirrored"]
    assert scoped.referenced_ids == [] and scoped.sort == plan.sort
    # a scope every shown one has leaves the question as asked; one none of the kind has is no search
    assert scoped_to_feature(plan, "which of the sunglasses ones is cheapest", shown, *args) == plan
    assert scoped_to_feature(plan, "which of the folding ones is cheapest", shown, *args) == plan

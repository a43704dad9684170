"""A soft wish ruled out where it is said ("something for my dorm, nothing big", "not too big") is no
wish: it does not rank the biggest first. The same word said plainly ("a big one") still is."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from retrieval.products import Vocabulary
from retrieval.schema import CatalogSchema
from tests.plan_support import plan_after, small_store


@pytest.fixture(scope="module")
def store() -> tuple[Vocabulary, CatalogSchema, Callable[[str], list[tuple[str, int]]]]:
    rows = [
        (["Kitchen Appliances", "Microwaves"], "Compact 0.7 cu ft Microwave"),
        (["Kitchen Appliances", "Microwaves"], "Family 1.6 cu ft Microwave"),
    ]
    return small_store(rows)


@pytest.mark.parametrize(
    "message",
    [
        "a microwave for my dorm, nothing big",
        "a microwave that is not too big",
        "a microwave, not big please",
    ],
)
def test_a_wish_ruled_out_is_none(message: str, store: tuple) -> None:
    vocab, schema, titles = store
    plan = plan_after(message, vocab, schema, titles)
    assert "big" not in plan.preferences


def test_a_wish_said_plainly_stands(store: tuple) -> None:
    vocab, schema, titles = store
    plan = plan_after("a big microwave for the family", vocab, schema, titles)
    assert "big" in plan.preferences

"""A kind the catalog files on its own, named in a follow-up as what a stand-in for the kind shown is
for or when it is used ("got any that are good for travel?", "which ones stay put during cardio",
"any that stay in while running?", "one with a strap for a yoga mat"), is no new kind asked: the
follow-up stays on the kind shown (the late-bw cases). Named as a new thing ("something for yoga",
"any yoga mats?") or as another audience beside the kind's own ("any for cats?" after dog beds), it
is asked."""

from __future__ import annotations

import pytest

from assistant.schemas import QueryPlan
from retrieval.filters import Filters
from tests.plan_support import plan_after, small_store

_ROWS = [
    (["Audio", "Earbuds"], "Sonovel Pebble Wireless Earbuds"),
    (["Audio", "Headphones"], "Halcyon Aura Noise Cancelling Headphones"),
    (["Outdoor", "Hiking", "Backpacks"], "Trailwright Ascent 38 Hiking Backpack"),
    (["Sports & Fitness", "Cardio"], "Ironleaf Speed Jump Rope"),
    (["Sports & Fitness", "Yoga"], "Flexora Grip Yoga Mat"),
    (["Pet Supplies", "Dogs", "Travel"], "Trailhound Travel Water Bottle for Dogs"),
    (["Pet Supplies", "Dogs", "Dog Beds"], "Pawsome Donut Dog Bed"),
    (["Pet Supplies", "Cats", "Cat Trees"], "Whiskerly 52-Inch Cat Tree"),
    (["Clothing", "Shoes", "Athletic", "Running"], "Pacecraft Road Running Shoe"),
]


@pytest.fixture(scope="module")
def store() -> tuple:
    return small_store(_ROWS)


def _after(kind: str) -> QueryPlan:
    return QueryPlan(query=kind, filters=Filters(categories=[kind]), intent="search")


@pytest.mark.parametrize(
    ("shown", "message"),
    [
        ("headphones", "got any that are good for travel, like long flights?"),
        ("earbuds", "which ones stay put during cardio"),
        ("earbuds", "any that stay in while running?"),
        ("backpacks", "one with a strap for a yoga mat"),
        ("earbuds", "do any of them hold up for yoga class"),
    ],
)
def test_a_kind_said_as_the_use_of_the_kind_shown_is_not_asked(
    shown: str, message: str, store: tuple
) -> None:
    vocab, schema, titles = store
    plan = plan_after(message, vocab, schema, titles, previous=_after(shown))
    assert plan.filters.categories == [shown], plan


def test_a_kind_only_hinted_before_stays_hinted(store: tuple) -> None:
    vocab, schema, titles = store
    before = QueryPlan(query="wireless earbuds", category_hint="earbuds", intent="search")
    plan = plan_after("any that stay in while running?", vocab, schema, titles, previous=before)
    assert "running" not in plan.filters.categories, plan


@pytest.mark.parametrize(
    ("shown", "message", "asked"),
    [
        # a new thing asked by a vague word or by its own name
        ("headphones", "something for yoga", "yoga"),
        ("earbuds", "any yoga mats?", "yoga"),
        # another audience beside the kind's own: its products are asked
        ("dog beds", "any for cats?", "cats"),
    ],
)
def test_a_kind_asked_as_a_new_thing_is_asked(shown: str, message: str, asked: str, store: tuple) -> None:
    vocab, schema, titles = store
    plan = plan_after(message, vocab, schema, titles, previous=_after(shown))
    assert asked in [*plan.filters.categories, *plan.filters.categories_all], plan

"""A figure of a measure said as what is needed ("i need 8 hours of battery on earbuds", "16 gigs of
ram, show me laptops") names a spec, not the product (the late-bs cases): the product is the kind
named after it, or, with none named, the one kind whose numeric attribute keys hold the measure's
noun (ram_gb: Laptops). "5 pounds of dog food" names the product."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from assistant.plan.planner import product_phrase
from assistant.plan.vocab import matcher_for
from retrieval.catalog import Product
from retrieval.filters import NumericRange
from retrieval.products import Vocabulary
from retrieval.schema import CatalogSchema
from tests.plan_support import plan_after

_ROWS = [
    (["Computers", "Laptops"], "Lumetric Air 13 Laptop", {"ram_gb": "16", "battery_hours": "18"}),
    (["Computers", "Laptops"], "Lumetric Student 14 Chromebook", {"ram_gb": "8", "battery_hours": "12"}),
    (["Audio", "Earbuds"], "Sonovel Pebble NC Earbuds", {"battery_hours": "7"}),
    (["Audio", "Earbuds"], "Tideline Voyager Buds", {"battery_hours": "10"}),
    (["Audio", "Headphones"], "Sonovel Drift NC Headphones", {"battery_hours": "40"}),
    (["Audio", "Headphones"], "Halcyon Aura ANC 500 Headphones", {"battery_hours": "30"}),
    (["Pets", "Dog Beds"], "Pawsome Donut Dog Bed", {"pet_weight_max_lb": "50"}),
]


@pytest.fixture(scope="module")
def store() -> tuple[Vocabulary, CatalogSchema, Callable[[str], list[tuple[str, int]]]]:
    from assistant.turn import _TitleCategories

    products = [
        Product(id=f"p{i}", title=title, category=path, price=100.0 + i, attributes=attrs)
        for i, (path, title, attrs) in enumerate(_ROWS)
    ]
    return (
        Vocabulary.from_products(products),
        CatalogSchema.from_products(products),
        _TitleCategories.build(0, products).get_counts,
    )


@pytest.mark.parametrize(
    ("message", "phrase"),
    [
        ("i want 40 hours of battery in my headphones", "headphones"),
        ("i need 8 hours of battery minimum on earbuds", "earbuds"),
        ("needs 16 gigs of ram, show me laptops with that", "laptops"),
        ("i need at least 16gb of ram", ""),
        # the product itself, counted by weight
        ("do you sell 5 pounds of dog food?", "5 pounds of dog food"),
    ],
)
def test_a_figure_of_a_measure_is_no_product(message: str, phrase: str, store: tuple) -> None:
    vocab, _, _ = store
    assert product_phrase(message, matcher_for(vocab)).strip() == phrase


def test_the_kind_after_the_measure_is_asked_with_it(store: tuple) -> None:
    plan = plan_after("i want 40 hours of battery in my headphones", *store)
    assert plan.intent == "search"
    assert plan.filters.categories == ["headphones"]
    assert "battery_hours" in plan.filters.attribute_ranges


def test_with_no_kind_named_the_one_kind_measured_so_is_asked(store: tuple) -> None:
    plan = plan_after("i need at least 16gb of ram", *store)
    assert plan.filters.categories == ["laptops"]
    assert plan.filters.attribute_ranges == {"ram_gb": NumericRange(gte=16.0)}


def test_a_measure_many_kinds_carry_picks_none_of_them(store: tuple) -> None:
    plan = plan_after("i need at least 20 hours of battery", *store)
    assert plan.filters.categories == []

"""A search that names no kind of product ("something tall my cats can climb and sleep on", "she needs
a proper raincoat" where the store says rain jackets) is narrowed to the leaf category whose name the
ask is clearly nearest to, and the conversation stays on that kind ("anything cheaper?"); an ask that
is near no one kind more than the others keeps its mixed matches. Real sentence embeddings (the
bundled MiniLM model): a hash embedder's similarities say nothing about meaning."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.turn import Assistant
from retrieval.catalog import Product
from tests.turn_support import small_assistant, turn

_ROWS = [
    (("Pets", "Cats", "Cat Trees"), "52-Inch Cat Tree with Condo and Perches", "Whiskerly", 89.0),
    (("Pets", "Cats", "Cat Trees"), "Compact Cat Tower with Scratching Posts", "Pawsome", 59.0),
    (("Pets", "Cats", "Feeders"), "Automatic Pet Feeder, 4 Meals", "Whiskerly", 79.0),
    (("Pets", "Dogs", "Dog Beds"), "Calming Donut Dog Bed, Medium", "Pawsome", 39.0),
    (("Pets", "Dogs", "Dog Beds"), "Orthopedic Memory Foam Dog Bed, Large", "Barkside", 119.0),
    (("Camping", "Sleeping Bags"), "Down Mummy Sleeping Bag, 15 F", "Northfold", 249.0),
    (("Camping", "Sleeping Bags"), "Rectangular Synthetic Sleeping Bag, 40 F", "Summit", 69.0),
    (("Hiking", "Backpacks"), "Day 22 Daypack with Rain Cover", "Northfold", 79.0),
    (("Hiking", "Backpacks"), "Ascent 55 Backpacking Pack", "Trailwright", 229.0),
    (("Outerwear", "Rain Jackets"), "Puddle Jumper Kids Rain Jacket", "Little Meadow", 39.0),
    (("Outerwear", "Rain Jackets"), "Packaway Waterproof Rain Jacket", "Driftwood", 69.0),
    (("Outerwear", "Rain Jackets"), "City Women's Waterproof Trench", "Driftwood", 149.0),
    (("Kids & Toys", "Puzzles"), "Ocean Friends 100-Piece Puzzle", "Little Meadow", 14.0),
]


def _products() -> list[Product]:
    return [
        Product(
            id=f"f{i}",
            title=title,
            brand=brand,
            price=price,
            rating=4.4,
            rating_count=100,
            category=list(path),
        )
        for i, (path, title, brand, price) in enumerate(_ROWS)
    ]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    data = tmp_path_factory.mktemp("kind-focus") / "data"
    # the shipped similarity thresholds (the small-catalog helper sets them for a hash embedder)
    real = {"embedder": "minilm", "out_of_catalog_similarity": 0.42, "unnamed_kind_similarity": 0.5}
    with small_assistant(data, _products(), **real) as a:
        yield a


def test_an_ask_that_names_no_kind_shows_the_kind_it_is_clearly_about(assistant: Assistant) -> None:
    shown, _, plan, sid = turn(
        assistant,
        "we have three cats and they fight over the top of the couch every night. want something "
        "tall they can climb and sleep on",
    )
    assert shown and {p.category[-1] for p in shown} == {"Cat Trees"}  # not dog beds, sleeping bags
    assert plan.filters.categories == ["cat trees"]
    shown, _, plan, _ = turn(assistant, "anything cheaper?", sid)
    assert plan.filters.categories == ["cat trees"]
    assert shown and all(p.category[-1] == "Cat Trees" for p in shown)  # not a $14 puzzle


def test_the_stores_name_for_the_kind_is_found_from_the_shoppers(assistant: Assistant) -> None:
    shown, _, _, sid = turn(
        assistant, "my 5 yr old is outside every single day rain or shine, she needs a proper raincoat"
    )
    assert shown and all(p.category[-1] == "Rain Jackets" for p in shown)  # not the daypack's rain cover
    shown, _, _, _ = turn(assistant, "under a hundred?", sid)
    assert shown and all(p.category[-1] == "Rain Jackets" and (p.price or 0) < 100 for p in shown)


def test_an_ask_near_no_one_kind_keeps_its_mixed_matches(assistant: Assistant) -> None:
    shown, _, plan, _ = turn(assistant, "something from Northfold")
    assert {p.category[-1] for p in shown} == {"Sleeping Bags", "Backpacks"}
    assert not plan.filters.categories

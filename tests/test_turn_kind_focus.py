"""A search that names no kind of product ("something tall my cats can climb and sleep on", "she needs
a proper raincoat" where the store says rain jackets) is narrowed to the leaf category whose name the
ask is clearly nearest to, and the conversation stays on that kind ("anything cheaper?"); an ask that
is near no one kind more than the others keeps its mixed matches; a kind the catalog has no word for
("a screen") is the leaf category it is another word for (Monitors); and a spec said of a whole
multi-item ask holds only for the items whose kind has it; a vague ask under one level ("my cat …
what do i get so she stops licking") is focused among that level's leaves. Real sentence embeddings (the bundled
MiniLM model): a hash embedder's similarities say nothing about meaning."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.turn import Assistant
from retrieval.catalog import Product
from tests.turn_support import MINILM, small_assistant, turn

_RAIN = ("Outerwear", "Rain Jackets")
_ROWS = [
    (("Pets", "Cats", "Cat Trees"), "52-Inch Cat Tree with Condo and Perches", "Whiskerly", 89.0),
    (("Pets", "Cats", "Cat Trees"), "Compact Cat Tower with Scratching Posts", "Pawsome", 59.0),
    (("Pets", "Cats", "Feeders"), "Automatic Pet Feeder, 4 Meals", "Whiskerly", 79.0),
    (
        ("Pets", "Health Supplies", "Recovery Collars & Cones"),
        "Soft Cat Cone Collar after Surgery",
        "Amakunft",
        19.0,
    ),
    (("Pets", "Cats", "Recovery Collars & Cones"), "Inflatable Cat Recovery Collar", "Katoggy", 17.0),
    (("Pets", "Cats", "Litter Boxes"), "Self-Cleaning Litter Box", "Whiskerly", 199.0),
    (("Pets", "Dogs", "Recovery Collars & Cones"), "Inflatable Dog Cone Collar", "Katoggy", 18.0),
    (("Pets", "Dogs", "Dog Beds"), "Calming Donut Dog Bed, Medium", "Pawsome", 39.0),
    (("Pets", "Dogs", "Dog Beds"), "Orthopedic Memory Foam Dog Bed, Large", "Barkside", 119.0),
    (("Camping", "Sleeping Bags"), "Down Mummy Sleeping Bag, 15 F", "Northfold", 249.0),
    (("Camping", "Sleeping Bags"), "Rectangular Synthetic Sleeping Bag, 40 F", "Summit", 69.0),
    (("Hiking", "Backpacks"), "Day 22 Daypack with Rain Cover", "Northfold", 79.0),
    (("Hiking", "Backpacks"), "Ascent 55 Backpacking Pack", "Trailwright", 229.0),
    (_RAIN, "Puddle Jumper Kids Rain Jacket", "Little Meadow", 39.0, {"kids": "yes"}),
    (_RAIN, "Packaway Waterproof Rain Jacket", "Driftwood", 69.0, {"kids": "no"}),
    (_RAIN, "City Women's Waterproof Trench", "Driftwood", 149.0, {"kids": "no"}),
    (("Kids & Toys", "Puzzles"), "Ocean Friends 100-Piece Puzzle", "Little Meadow", 14.0),
    (("Computers", "Monitors"), "View 27 QHD Monitor", "Lumetric", 299.0, {"screen_in": "27"}),
    (("Computers", "Monitors"), "View 24 Monitor", "Lumetric", 139.0, {"screen_in": "24"}),
    (("Computers", "Monitors"), "Arc 27 Gaming Monitor, 165 Hz", "Corvid", 329.0, {"screen_in": "27"}),
    (("Computers", "Laptops"), "Air 13 Laptop", "Lumetric", 999.0, {"screen_in": "13.3"}),
    (
        ("Footwear", "Hiking Boots"),
        "Ridgeline Mid Waterproof Hiking Boot",
        "Trailwright",
        169.0,
        {"waterproof": "yes"},
    ),
    (("Footwear", "Hiking Boots"), "Crag Low Hiking Shoe", "Summit", 119.0, {"waterproof": "no"}),
]


def _products() -> list[Product]:
    return [
        Product(
            id=f"f{i}",
            title=row[1],
            brand=row[2],
            price=row[3],
            rating=4.4,
            rating_count=100,
            category=list(row[0]),
            attributes=row[4] if len(row) > 4 else {},
        )
        for i, row in enumerate(_ROWS)
    ]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    data = tmp_path_factory.mktemp("kind-focus") / "data"
    with small_assistant(data, _products(), **MINILM) as a:
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


def test_the_catalogs_word_for_the_shoppers_kind(assistant: Assistant) -> None:
    # "a screen": no title or category says it; the catalog calls it Monitors
    for message in ("i need a new screen for my desk", "a screen to plug my laptop into"):
        shown, _, plan, _ = turn(assistant, message)
        assert plan.intent == "search"  # not declined for want of the word
        assert plan.filters.categories == ["monitors"]
        assert shown and all(p.category[-1] == "Monitors" for p in shown)
    shown, _, plan, _ = turn(assistant, "book me a flight to Paris")  # the planner's declines stand
    assert plan.intent == "out_of_catalog" and not shown


def test_a_spec_said_of_the_whole_ask_holds_for_the_items_that_have_it(assistant: Assistant) -> None:
    shown, text, plan, _ = turn(
        assistant, "week of day hikes coming up, i need boots that wont soak through and a backpack"
    )
    assert {p.category[-1] for p in shown} == {"Hiking Boots", "Backpacks"}
    boots = [p for p in shown if p.category[-1] == "Hiking Boots"]
    assert boots and all(p.attributes.get("waterproof") == "yes" for p in boots)
    assert not plan.relaxed  # the backpacks were not "loosened" for a feature they do not have
    assert "loosened" not in text


def test_a_sentence_about_a_need_is_searched_not_declined(assistant: Assistant) -> None:
    # no product noun: "what do i get so she stops licking" names a use, nothing to decline
    shown, _, plan, _ = turn(
        assistant,
        "my cat got spayed yesterday and she wont leave her stitches alone, what do i get so she stops licking",
    )
    assert plan.intent == "search"
    assert any(p.category[-1] == "Recovery Collars & Cones" for p in shown)


def test_a_vague_ask_under_one_level_is_focused_among_its_leaves(assistant: Assistant) -> None:
    shown, _, plan, _ = turn(
        assistant,
        "my cat got spayed yesterday and she wont leave her stitches alone, what do i get so she stops licking",
    )
    assert plan.filters.categories == ["recovery collars & cones"]
    assert plan.filters.categories_all == ["cats"]  # the cat's, not the dog's
    assert [p.title for p in shown] == ["Inflatable Cat Recovery Collar"]


@pytest.mark.parametrize("margin, focused", [(0.05, True), (2.0, False)])
def test_a_need_no_leaf_name_stands_out_for_is_the_kind_whose_products_are(
    tmp_path: Path, margin: float, focused: bool
) -> None:
    # leaf names out of play (kind_focus_similarity 0.99): the monitors' own products are clearly
    # the nearest to the need told; kind_products_margin above 1 turns the reading off
    real = {**MINILM, "kind_focus_similarity": 0.99, "kind_products_margin": margin}
    with small_assistant(tmp_path / "data", _products(), **real) as a:
        message = "i play fast shooters every night and my old 60hz screen feels like a slideshow. what should i upgrade to"
        shown, _, plan, sid = turn(a, message)
        assert plan.intent == "search"
        if focused:
            assert plan.filters.categories == ["monitors"]
            assert shown and all(p.category[-1] == "Monitors" for p in shown)  # not the laptop
            shown, _, plan, _ = turn(a, "under 200?", sid)  # the conversation stays on monitors
            assert [p.title for p in shown] == ["View 24 Monitor"]
        else:
            assert not plan.filters.categories

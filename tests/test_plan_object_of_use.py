"""A kind said as what the product's doing acts on is what the product is for, not the product
(``planner._object_of_a_use``, the late-dh cases): "what can i pack my tent and sleeping bag in",
"something to carry my laptop in", "for descaling my espresso machine". The kind is ruled out of the
search (``Filters.exclude_categories``, never loosened), with the kinds of it the catalog files
elsewhere; a kind asked for in the same words ("i want to buy a tent", "running shoes for my son") and
a department of things for someone ("to take my dog hiking": Dogs) stay what they were."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import pytest

from assistant.plan import plan_turn
from assistant.turn import Assistant
from retrieval.catalog import Product
from retrieval.filters import Filters, matches_metadata
from retrieval.products import Vocabulary
from retrieval.schema import CatalogSchema
from tests.plan_support import small_store
from tests.turn_support import products_in, small_assistant, turn


@pytest.mark.parametrize(
    ("message", "ruled_out"),
    [
        ("what can i pack my tent and sleeping bag in for a weekend hike", {"tents", "sleeping bags"}),
        ("i want something to carry my laptop in on my bike commute", {"laptops"}),
        ("something for cleaning my keyboard, it's full of crumbs", {"keyboards"}),
        ("what could i use to clean my running shoes", {"running shoes"}),
    ],
)
def test_the_kind_a_doing_acts_on_is_ruled_out(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, message: str, ruled_out: set[str]
) -> None:
    plan = plan_turn(message, [], demo_vocabulary, schema=demo_schema)
    assert not ruled_out & set(plan.filters.categories)
    assert ruled_out <= set(plan.filters.exclude_categories)


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("i want to buy a tent", "tents"),
        ("running shoes for my son", "running shoes"),
        ("need to replace my dishwasher, it leaks", "dishwashers"),
        ("looking to upgrade my headphones", "headphones"),
        ("a backpack for carrying my laptop to class", "backpacks"),
    ],
)
def test_a_kind_asked_for_stays_the_kind(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, message: str, kind: str
) -> None:
    plan = plan_turn(message, [], demo_vocabulary, schema=demo_schema)
    assert plan.filters.categories == [kind]
    assert kind not in plan.filters.exclude_categories


def test_a_department_of_things_for_someone_is_never_ruled_out(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema
) -> None:
    # Dogs holds Dog Beds and Dog Toys: things for a dog, never "a dog" as a product
    plan = plan_turn("need something to take my dog hiking", [], demo_vocabulary, schema=demo_schema)
    assert "dogs" not in plan.filters.exclude_categories


@pytest.fixture(scope="module")
def store() -> tuple[Vocabulary, CatalogSchema, Callable[[str], list[tuple[str, int]]]]:
    rows = [
        (["Musical Instruments", "Guitars", "Acoustic Guitars"], "Beginner Acoustic Guitar"),
        (["Musical Instruments", "Guitars", "Classical Guitars"], "Nylon String Classical Guitar"),
        (["Home", "Decorative Pillows", "Throw Pillow Covers"], "Linen Throw Pillow Covers"),
        (["Home", "Decorative Pillows", "Pillow Inserts"], "Down Throw Pillow Inserts"),
        (["Clothing", "Shoes", "Boots"], "Leather Chelsea Boots"),
        (["Outdoor", "Snow Boots"], "Waterproof Snow Boots"),
        (["Automotive", "Interior Care", "Leather Care"], "Mink Oil Leather Conditioner"),
        (["Beauty", "Skin Care"], "Vitamin C Serum"),
    ]
    return small_store(rows)


@pytest.mark.parametrize(
    "message",
    [
        "my daughter wants to learn guitar, shes 12",
        "he wants to play guitar at camp",
        "something to practice guitar on at home",
    ],
)
def test_a_thing_learnt_or_played_is_the_product(store: tuple, message: str) -> None:
    vocab, schema, _ = store
    plan = plan_turn(message, [], vocab, schema=schema)
    assert not plan.filters.exclude_categories


def test_a_thing_said_before_and_done_with_in_a_question_is_ruled_out(store: tuple) -> None:
    vocab, schema, _ = store
    message = "i bought some throw pillow covers online, what do you have to stuff them with"
    plan = plan_turn(message, [], vocab, schema=schema)
    assert "throw pillow covers" in plan.filters.exclude_categories
    assert "throw pillow covers" not in plan.filters.categories
    # a thing wanted, then what it will be used for, is the thing
    wanted = plan_turn("i want some throw pillow covers, what goes with them", [], vocab, schema=schema)
    assert "throw pillow covers" not in wanted.filters.exclude_categories


def test_the_kinds_of_a_ruled_out_kind_filed_elsewhere_go_too(store: tuple) -> None:
    vocab, schema, _ = store
    plan = plan_turn("i need something for conditioning my leather boots", [], vocab, schema=schema)
    assert {"boots", "snow boots"} <= set(plan.filters.exclude_categories)
    assert "leather care" not in plan.filters.exclude_categories  # (another kind of the same last word)
    skin = plan_turn("something to keep my skin care cold", [], vocab, schema=schema)
    assert skin.filters.exclude_categories == ["skin care"]


def _meta(*levels: str) -> dict[str, object]:
    return {f"cat{i}": level for i, level in enumerate(levels)}


def test_excluded_categories_filter_every_level_of_the_path() -> None:
    f = Filters(exclude_categories=["Boots"])
    assert not matches_metadata(_meta("shoes", "boots", "chelsea"), f)
    assert not matches_metadata(_meta("outdoor", "boots"), f)
    assert matches_metadata(_meta("care", "leather care"), f)
    assert matches_metadata({}, f)  # a product filed nowhere is no boot


def test_a_kind_asked_for_is_never_ruled_out_by_an_earlier_use_of_it() -> None:
    f = Filters(categories=["tents"], exclude_categories=["tents", "sleeping bags"])
    assert f.exclude_categories == ["sleeping bags"]


_CAMP = ["Outdoor", "Camping", "Tents"]
_PACKS = ["Outdoor", "Hiking", "Backpacks"]


def _products() -> list[Product]:
    return [
        *products_in(
            _CAMP,
            [
                ("Ridgeback", "Ridgeback 2-Person Backpacking Tent", 149.0),
                ("Northfold", "Northfold 4-Person Dome Tent", 229.0),
                ("Summit", "Summit Ultralight Tent for Backpacking Trips", 319.0),
            ],
            "tent",
        ),
        *products_in(
            _PACKS,
            [
                ("Trailwright", "Trailwright 55L Backpacking Pack, fits a tent and sleeping bag", 189.0),
                ("Ridgeback", "Ridgeback Trek 65L Pack", 229.0),
                ("Northfold", "Northfold Day Pack 22L", 79.0),
            ],
            "pack",
        ),
    ]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    with small_assistant(tmp_path_factory.mktemp("object-of-use") / "data", _products(), recommendations=3) as a:
        yield a


def test_the_tool_is_shown_not_the_thing_it_works_on(assistant: Assistant) -> None:
    shown, _, plan, _ = turn(assistant, "what can i pack my tent in for a weekend trip")
    assert "tents" in plan.filters.exclude_categories
    assert shown and all(p.category == _PACKS for p in shown)


def test_the_snapshot_mask_rules_the_kind_out(assistant: Assistant) -> None:
    snap = assistant.searcher.snapshot()
    allowed: Callable[[Filters], set[str]] = lambda f: {  # noqa: E731
        snap.ids[int(i)] for i in np.flatnonzero(snap.mask(f))
    }
    assert allowed(Filters(exclude_categories=["tents"])) == {p.id for p in _products() if p.category == _PACKS}
    assert allowed(Filters(exclude_categories=["outdoor"])) == set()

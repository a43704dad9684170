"""A follow-up that only narrows, after an ask that named a use and no kind, is about the kinds of
the products shown for it (``Assistant._kind_of_shown``, ``CatalogSchema.departments``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.turn import Assistant
from retrieval.catalog import Product
from retrieval.filters import NumericRange
from retrieval.schema import CatalogSchema
from tests.turn_support import products_in, small_assistant, turn

_CONES = ["Pet Supplies", "Health Supplies", "Recovery Collars & Cones"]
_SHIRTS = ["Clothing", "Novelty", "Shirts"]
_DISHES = ["Home & Kitchen", "Dining", "Tableware", "Sets"]
_BIKINIS = ["Clothing", "Women", "Swimsuits", "Bikinis", "Sets"]
_SPRAYS = ["Pet Supplies", "Health Supplies", "Deterrent Sprays"]
_PURIFIERS = ["Home & Kitchen", "Heating, Cooling & Air Quality", "Air Purifiers"]


def _products() -> list[Product]:
    cones = products_in(
        _CONES,
        [
            ("Vetoo", "Soft Cone Collar to Stop Licking Stitches after Surgery", 24.0),
            ("Kudes", "Recovery Cone for Cats, Stops Licking of Stitches and Wounds", 12.0),
            ("ZenPet", "Inflatable Recovery Collar after Spay or Neuter Surgery, Stitches Protector", 31.0),
            ("Alfie", "Recovery Cone Collar, Protects the Incision and Stitches", 14.0),
        ],
        "cone",
    )
    shirts = products_in(
        _SHIRTS,
        [
            ("Tee Co", "Funny Cat T-Shirt: My Cat Keeps Licking Things", 9.0),
            ("Tee Co", "Cat Mom Shirt, Stitches and Surgery Humor", 11.0),
        ],
        "tee",
    )
    dishes = products_in(_DISHES, [("Corelle", "Corelle 12-Piece Plates and Bowls Set", 49.0)], "dish")
    bikinis = products_in(_BIKINIS, [("Zaful", "Zaful Two Piece Bikini Set", 25.0)], "bik")
    sprays = products_in(
        _SPRAYS, [("Grannick", "Grannick Bitter Apple Spray for Dogs and Cats", 8.0)], "spray"
    )
    purifiers = products_in(
        _PURIFIERS,
        [("Clearbreath", "Clearbreath HEPA Air Purifier for Bedroom Allergies", 99.0)],
        "air",
    )
    return [*cones, *shirts, *dishes, *bikinis, *sprays, *purifiers]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    with small_assistant(tmp_path_factory.mktemp("shown-kind") / "data", _products(), recommendations=3) as a:
        yield a


def test_a_leaf_name_used_in_several_departments_is_told_apart() -> None:
    schema = CatalogSchema.from_products(_products())
    assert schema.departments("recovery collars & cones") == {"pet supplies"}
    # "sets" names dinnerware in one department and bikinis in another
    assert schema.departments("sets") == {"home & kitchen", "clothing"}
    assert schema.departments("nowhere") == frozenset()


def test_a_follow_up_that_only_narrows_stays_with_the_kind_shown(assistant: Assistant) -> None:
    shown, _, first, session = turn(assistant, "my cat keeps licking her stitches after surgery, help")
    assert first.filters.categories == []  # a use, no kind: retrieval found the kind
    assert shown and shown[0].category == _CONES
    shown, _, plan, _ = turn(assistant, "anything under 15 bucks?", session)
    assert plan.filters.price_max == 15.0
    assert plan.filters.categories == ["recovery collars & cones"]
    assert shown and {p.id for p in shown} == {"cone1", "cone3"}  # not the $9 and $11 shirts


def test_a_follow_up_that_adds_nothing_to_narrow_by_is_left_as_read(assistant: Assistant) -> None:
    _, _, _, session = turn(assistant, "my cat keeps licking her stitches after surgery, help")
    _, _, plan, _ = turn(assistant, "hmm what else", session)
    assert plan.filters.categories == []


def test_a_problem_told_is_searched_not_declined(assistant: Assistant) -> None:
    # the phrase read first, "bedroom air feels stuffy", is a clause: the thing it names is the air
    shown, _, plan, _ = turn(assistant, "my allergies go crazy every spring and the bedroom air feels stuffy")
    assert plan.intent != "out_of_catalog"
    assert shown  # searched (which products come first is the embedder's business: a hash here)


def test_a_budget_none_of_the_kinds_shown_meets_is_loosened_for_them(assistant: Assistant) -> None:
    shown, _, _, session = turn(assistant, "my cat keeps licking her stitches after surgery, help")
    assert {p.id for p in shown} >= {"cone0", "cone1"}
    # no cone costs under $10: the cheapest cones, the budget loosened and said; not the $8 spray one
    # level up, nor the $9 shirt (a budget alone never moves to another kind: a s'mores maker is no
    # mini fridge; a constraint that is no budget still asks the level above, "a blue one")
    shown, text, plan, _ = turn(assistant, "anything under 10 dollars?", session)
    assert plan.filters.categories == ["recovery collars & cones"]
    assert shown and all(p.id.startswith("cone") for p in shown)
    assert plan.relaxed and "Nothing matched under $10" in text


_WARMERS = ["Home & Kitchen", "Kitchen & Dining", "Lunch Boxes"]


@pytest.fixture(scope="module")
def with_warmers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    warmers = products_in(
        _WARMERS,
        [
            ("Suteng", "Electric Lunch Box Food Warmer Heater for Car 12V 24V 110V", 19.99),
            ("Real Nature", "Portable Oven 12V Personal Food Warmer, Car Heating Lunch Box", 29.98),
            ("KRIPOL", "Portable Food Warmer for Car 12V Heated Lunch Box", 24.0),
            ("Yescom", "Heated Electric Lunch Box 12V-24V Car Truck Food Warmer", 33.0),
        ],
        "warm",
    )
    with small_assistant(tmp_path_factory.mktemp("shown-size") / "data", [*_products(), *warmers]) as a:
        yield a


def test_a_size_said_after_a_use_narrows_the_kinds_shown_by_their_titles(with_warmers: Assistant) -> None:
    shown, _, first, session = turn(with_warmers, "a food warmer for the car")
    assert first.filters.categories == [] and shown and shown[0].category == _WARMERS
    # "run" after "to" is what it must do, not the thing asked for; the figure narrows the warmers
    shown, text, plan, _ = turn(
        with_warmers, "it has to run on 24 volts, his truck isnt 12v like a car", session
    )
    assert plan.filters.categories == ["lunch boxes"]
    assert plan.filters.title_quantities == {"V": NumericRange(gte=24, lt=25)}
    assert {p.id for p in shown} == {"warm0", "warm3"} and "of 24 V" in text


_STEAMERS = ["Home & Kitchen", "Laundry", "Garment Steamers"]
_TRAVEL_STEAMERS = ["Home & Kitchen", "Laundry", "Travel Garment Steamers"]
_WHISKS = ["Home & Kitchen", "Kitchen Utensils", "Whisks"]


@pytest.fixture(scope="module")
def with_steamers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    products = [
        *products_in(
            _STEAMERS,
            [
                ("Conair", "Conair Garment Steamer for Clothes, Wrinkle Remover for Shirts", 59.0),
                ("Rowenta", "Rowenta Clothes Steamer, Removes Wrinkles from Shirts and Dresses", 89.0),
            ],
            "gs",
        ),
        *products_in(
            _TRAVEL_STEAMERS,
            [
                ("PurSteam", "PurSteam Travel Steamer for Clothes, Wrinkle Remover for Shirts", 19.97),
                ("Hilife", "Hilife Handheld Steamer for Clothes, Shirts and Wrinkles", 29.99),
            ],
            "ts",
        ),
        *products_in(_WHISKS, [("Prepworks", "Prepworks Balloon Whisk, Stainless Steel Wire", 4.49)], "wh"),
    ]
    with small_assistant(tmp_path_factory.mktemp("shown-steamers") / "data", products) as a:
        yield a


def test_a_store_wide_superlative_naming_the_kind_shown_stays_with_it(with_steamers: Assistant) -> None:
    # "steamer" names no one category (two leaves say it, so the ask reads their level): after
    # steamers were shown, "the cheapest steamer you sell" is the cheapest of the kinds shown, not
    # of the whole level or department (the $4.49 whisk)
    shown, _, first, session = turn(with_steamers, "do u sell a steamer for wrinkled shirts")
    assert first.filters.categories == []
    assert sum("Steamer" in p.title for p in shown) >= 2
    shown, _, plan, _ = turn(with_steamers, "whats the cheapest steamer u sell period", session)
    assert set(plan.filters.categories) <= {"garment steamers", "travel garment steamers"}
    assert plan.filters.categories
    assert shown and shown[0].id == "ts0"


def test_a_rating_bound_after_a_use_stays_with_the_kinds_shown(assistant: Assistant) -> None:
    # "any of those …" points at every product shown, so at their kind; a bound on the rating is asked
    # of that kind (a price of $4.10 and up it is not)
    _, _, _, session = turn(assistant, "my cat keeps licking her stitches after surgery, help")
    shown, _, plan, _ = turn(assistant, "any of those rated above 4.1?", session)
    assert plan.filters.min_rating == 4.2 and plan.filters.price_min is None
    assert plan.filters.categories == ["recovery collars & cones"]
    assert {p.id for p in shown} == {"cone2", "cone3"}


def test_a_rating_none_of_the_kinds_shown_has_is_loosened_for_them(assistant: Assistant) -> None:
    # no cone has 5 stars: the best rated cones, best first, the rating loosened and said; not the
    # shown list again as if it met the ask, nor anything anywhere
    _, _, _, session = turn(assistant, "my cat keeps licking her stitches after surgery, help")
    shown, text, plan, _ = turn(assistant, "any of those rated a perfect 5 stars?", session)
    assert plan.filters.categories == ["recovery collars & cones"]
    assert plan.relaxed and "Nothing matched rated 5 stars" in text
    assert shown and all(p.id.startswith("cone") for p in shown)
    assert shown[0].id == "cone3"

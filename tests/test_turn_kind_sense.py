"""A kind named by its head noun is read where the rest of the ask points
(``assistant.plan.kind_sense.sense_of_head`` and ``Assistant._head_sense``): when the products
nearest the whole ask are not filed under the category read, another level the catalog names for the
same thing (Gift Bags for Bags) or, when the category's name qualifies the noun with words not said,
the leaf they are filed under (Mattresses for Dog Beds) is the kind; a level qualifying the noun
otherwise than the shopper did is another kind (Dish Towels for "a beach towel"); a department is
none; and "a case for my guitar" is the level whose products say guitar, not a decline."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.plan.kind_sense import Sense, sense_of_head
from assistant.schemas import Filters, QueryPlan
from assistant.turn import Assistant
from retrieval.catalog import Product
from retrieval.schema import CatalogSchema
from tests.turn_support import products_in, small_assistant, turn

_DUST_BAGS = ["Tools & Home Improvement", "Vacuum Parts", "Bags"]
_GIFT_BAGS = ["Health & Household", "Gift Wrapping Supplies", "Gift Bags"]
_DOG_BEDS = ["Pet Supplies", "Dogs", "Dog Beds"]
_MATTRESSES = ["Home", "Bedroom", "Mattresses"]
_TOWELS = ["Home & Kitchen", "Bath", "Towels"]
_DISH_TOWELS = ["Home & Kitchen", "Kitchen & Table Linens", "Dish Cloths & Dish Towels"]
_HEADPHONE_CASES = ["Electronics", "Headphones, Earbuds & Accessories", "Cases"]
_INSTRUMENT_CASES = ["Musical Instruments", "Instrument Accessories", "Bags & Cases"]
_GUITARS = ["Musical Instruments", "Guitars", "Acoustic Guitars"]


def _products() -> list[Product]:
    return [
        *products_in(
            _DUST_BAGS,
            [
                ("Makita", "Makita Dust Bag for Cordless Vacuum", 11.0),
                ("Bosch", "Bosch Vacuum Dust Bags", 9.0),
            ],
            "dust",
        ),
        *products_in(
            _GIFT_BAGS,
            [
                ("Jucoan", "Jucoan Paper Gift Bags for Birthday Presents", 13.0),
                ("bagmad", "bagmad Gift Bags for Birthday Party Presents", 17.0),
                ("Duro", "Duro Paper Gift Bags for Presents", 26.0),
                ("Sparkle", "Sparkle Mini Gift Bags for Party Presents", 19.0),
                ("Jucoan", "Jucoan Kraft Gift Bags with Handles", 15.0),
            ],
            "gift",
        ),
        *products_in(
            _DOG_BEDS,
            [("Pawsome", "Pawsome Donut Dog Bed", 39.0), ("Pawsome", "Pawsome Orthopedic Dog Bed", 79.0)],
            "dog",
        ),
        *products_in(
            _MATTRESSES,
            [
                ("Slumberloft", "Slumberloft Queen Mattress for the Guest Room", 599.0),
                ("Restwell", "Restwell Queen Mattress, Guest Room Comfort", 649.0),
                ("Restwell", "Restwell Latex Queen Mattress for a Guest Room", 1299.0),
            ],
            "mt",
        ),
        *products_in(_TOWELS, [("Indulge", "Indulge Turkish Cotton Bath Towel Set", 27.0)], "towel"),
        *products_in(
            _DISH_TOWELS,
            [
                ("Utopia", "Utopia Kitchen Towels, Big Trip Pack", 15.0),
                ("Zeppoli", "Zeppoli Kitchen Towels for the Trip", 12.0),
                ("Aunt Martha", "Aunt Martha Dish Towels, Big Pack", 14.0),
            ],
            "dish",
        ),
        *products_in(
            _HEADPHONE_CASES,
            [("Boskin", "Boskin Earbud Case", 9.0), ("Elago", "Elago AirPods Case", 12.0)],
            "hcase",
        ),
        *products_in(
            _INSTRUMENT_CASES,
            [
                ("ChromaCast", "ChromaCast Classical Guitar Hard Case", 79.0),
                ("Gator", "Gator Mixer Bag", 59.0),
            ],
            "icase",
        ),
        *products_in(
            _GUITARS,
            [
                ("Yamaha", "Yamaha FG800 Acoustic Guitar", 199.0),
                ("Fender", "Fender CD-60S Acoustic Guitar", 229.0),
                ("Taylor", "Taylor GS Mini Acoustic Guitar", 499.0),
            ],
            "gtr",
        ),
    ]


@pytest.fixture(scope="module")
def schema() -> CatalogSchema:
    return CatalogSchema.from_products(_products())


def _paths(*paths: list[str]) -> list[list[str]]:
    return list(paths)


def test_a_level_named_for_the_same_thing_holding_the_nearest_products_is_the_kind(
    schema: CatalogSchema,
) -> None:
    nearest = _paths(_GIFT_BAGS, _GIFT_BAGS, _GIFT_BAGS, _DUST_BAGS)
    assert sense_of_head(
        "bags", "bag", "bags to put birthday presents in", lambda: nearest, schema, share=0.5
    ) == Sense("gift bags", same_head=True)


def test_the_category_read_stands_when_it_holds_as_many(schema: CatalogSchema) -> None:
    nearest = _paths(_GIFT_BAGS, _GIFT_BAGS, _DUST_BAGS, _DUST_BAGS)
    assert sense_of_head("bags", "bag", "bags", lambda: nearest, schema, share=0.25) is None
    # too small a share of the nearest is no evidence either
    assert (
        sense_of_head(
            "bags", "bag", "bags", lambda: _paths(_GIFT_BAGS, _GUITARS, _GUITARS), schema, share=0.5
        )
        is None
    )


def test_a_level_qualifying_the_noun_otherwise_is_another_kind(schema: CatalogSchema) -> None:
    nearest = _paths(_DISH_TOWELS, _DISH_TOWELS, _DISH_TOWELS)
    said = "need a big beach towel for our trip"
    assert (
        sense_of_head(
            "towels", "towel", said, lambda: nearest, schema, share=0.25, qualified_by=frozenset({"beach"})
        )
        is None
    )
    # said without another word for it, the dish towels the ask is nearest to are the kind
    assert sense_of_head("towels", "towel", "a big towel", lambda: nearest, schema, share=0.25) == Sense(
        "dish cloths & dish towels", same_head=True
    )


def test_a_name_qualifying_the_noun_with_words_not_said_gives_way_to_the_nearest_leaf(
    schema: CatalogSchema,
) -> None:
    nearest = _paths(_MATTRESSES, _MATTRESSES, _MATTRESSES, _DOG_BEDS)
    said = "a bed for the guest room, queen"
    assert sense_of_head("dog beds", "bed", said, lambda: nearest, schema, share=0.5) == Sense(
        "mattresses", same_head=False
    )
    # "a bed for my dog" says the qualifier: Dog Beds stands
    assert sense_of_head("dog beds", "bed", "a bed for my dog", lambda: nearest, schema, share=0.5) is None


def test_a_department_is_no_kind() -> None:
    games = ["Toys & Games", "Games & Accessories", "Board Games"]
    video = ["Video Games", "Games"]
    schema = CatalogSchema.from_products(
        [
            *products_in(
                games,
                [
                    ("Hasbro", "Candy Land Board Game", 12.0),
                    ("Hasbro", "Chutes and Ladders Board Game", 9.0),
                    ("Hasbro", "Hi Ho Cherry-O Board Game", 11.0),
                ],
                "bg",
            ),
            *products_in(video, [("Sega", "Sonic", 20.0)], "vg"),
        ]
    )
    sense = sense_of_head(
        "games", "game", "a game for a three year old", lambda: _paths(games, games), schema, share=0.5
    )
    assert sense is not None and sense.level != "toys & games"


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    with small_assistant(
        tmp_path_factory.mktemp("kind-sense") / "data", _products(), kind_evidence_k=4, kind_sense_share=0.5
    ) as a:
        yield a


def _read(a: Assistant, message: str, categories: list[str], kind: str) -> list[str]:
    plan = QueryPlan(query=message, intent="search", filters=Filters(categories=categories))
    return a._kind_in_evidence(plan, None, [], message, kind, message).filters.categories


def test_through_the_turn_the_nearest_products_choose_the_sense(assistant: Assistant) -> None:
    assert _read(assistant, "gift bags for birthday presents", ["bags"], "bags") == ["gift bags"]
    assert _read(assistant, "vacuum dust bags", ["bags"], "bags") == ["bags"]
    assert _read(assistant, "a queen mattress for the guest room", ["dog beds"], "bed") == ["mattresses"]


def test_a_case_for_a_guitar_is_the_level_whose_products_say_guitar(assistant: Assistant) -> None:
    assert _read(assistant, "a case for my guitar", ["cases"], "case") == ["bags & cases"]
    # a case for earbuds: the Cases read have them
    assert _read(assistant, "a case for my earbuds", ["cases"], "case") == ["cases"]
    shown, text, plan, _ = turn(assistant, "a case for my guitar so i can take it to lessons")
    assert plan.intent == "search" and "icase0" in [p.id for p in shown], text


def test_a_small_category_most_of_whose_products_are_nearest_stands(schema: CatalogSchema) -> None:
    # two dog beds in the store, both among the nearest: not half of eight, but all there is
    nearest = _paths(
        _MATTRESSES, _MATTRESSES, _MATTRESSES, _MATTRESSES, _MATTRESSES, _MATTRESSES, _DOG_BEDS, _DOG_BEDS
    )
    said = "a bed for the guest room"
    assert sense_of_head("dog beds", "bed", said, lambda: nearest, schema, share=0.5, size=2) is None
    assert sense_of_head("dog beds", "bed", said, lambda: nearest, schema, share=0.5) == Sense(
        "mattresses", same_head=False
    )


def test_the_nearest_products_are_not_asked_for_when_no_other_kind_could_be_meant(
    schema: CatalogSchema,
) -> None:
    def never() -> list[list[str]]:
        raise AssertionError("the nearest products were asked for")

    # no other level is named for guitars, and "acoustic" is said
    assert (
        sense_of_head("acoustic guitars", "guitar", "an acoustic guitar", never, schema, share=0.25) is None
    )


def test_a_level_no_larger_than_twice_the_one_read_is_not_the_likelier_sense(schema: CatalogSchema) -> None:
    # two headphone cases read as Cases; Bags & Cases files two products: not the far larger sense
    nearest = _paths(_INSTRUMENT_CASES, _INSTRUMENT_CASES, _GUITARS, _GUITARS)
    assert sense_of_head("cases", "case", "a case", lambda: nearest, schema, share=0.25) is None

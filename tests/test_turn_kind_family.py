"""A kind named by its head noun alone is read where it was said (``assistant.plan.kind_family`` and
``Assistant._kind_in_family``): "and a mattress for it" after a futon frame is a futon mattress, "a
set with the conditioner" is a shampoo and conditioner set; the levels named for the same thing are
the catalog's own (``CatalogSchema.same_head``), and the words that choose between them qualify the
head in the level's name."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.plan.kind_family import kind_in_context
from assistant.schemas import Filters, QueryPlan
from assistant.turn import Assistant
from retrieval.catalog import Product
from retrieval.schema import CatalogSchema
from tests.turn_support import products_in, small_assistant, turn

_FRAMES = ["Home & Kitchen", "Furniture", "Futons", "Futon Frames"]
_FUTON_MATTRESSES = ["Home & Kitchen", "Furniture", "Futons", "Futon Mattresses"]
_MATTRESSES = ["Home & Kitchen", "Furniture", "Mattresses & Box Springs", "Mattresses"]
_SHAMPOOS = ["Beauty & Personal Care", "Hair Care", "Shampoo & Conditioner", "Shampoos"]
_SHAMPOO_SETS = ["Beauty & Personal Care", "Hair Care", "Shampoo & Conditioner", "Shampoo & Conditioner Sets"]
_SCREWDRIVERS = ["Tools & Home Improvement", "Hand Tools", "Screwdrivers & Nut Drivers", "Screwdrivers"]
_SCREWDRIVER_SETS = [
    "Tools & Home Improvement",
    "Hand Tools",
    "Screwdrivers & Nut Drivers",
    "Screwdriver Sets",
]
_SCREW_GUNS = ["Tools & Home Improvement", "Power Tools", "Screw Guns & Screwdrivers"]
_BUILDING_SETS = ["Toys & Games", "Building Toys", "Building Sets"]


def _products() -> list[Product]:
    return [
        *products_in(
            _FRAMES,
            [("DHP", "DHP Metal Futon Frame, Black", 129.0), ("Kodiak", "Kodiak Wood Futon Frame", 249.0)],
            "frame",
        ),
        *products_in(
            _FUTON_MATTRESSES,
            [
                ("DHP", "DHP 6 Inch Thermobonded Futon Mattress, Full", 119.0),
                ("Classic Brands", "Classic Brands 8-Inch Futon Mattress", 159.0),
                ("Mozaic", "Mozaic Twill Futon Mattress, Queen", 189.0),
            ],
            "fm",
        ),
        *products_in(
            _MATTRESSES,
            [
                ("Zinus", "Zinus 12 Inch Green Tea Memory Foam Mattress, Queen", 299.0),
                ("Lucid", "LUCID 10 Inch Gel Memory Foam Mattress", 249.0),
                ("Linenspa", "Linenspa 8 Inch Hybrid Mattress", 179.0),
            ],
            "bed",
        ),
        *products_in(
            _SHAMPOOS,
            [("TRESemme", "TRESemme Shampoo for Dry Hair", 6.0), ("OGX", "OGX Shampoo, Argan Oil", 8.0)],
            "sh",
        ),
        *products_in(
            _SHAMPOO_SETS,
            [("TRESemme", "TRESemme Keratin Smooth Shampoo and Conditioner Set", 28.0)],
            "shset",
        ),
        *products_in(
            _SCREWDRIVERS,
            [("Vessel", "Vessel Megadora Screwdriver +2", 9.0), ("Wera", "Wera Precision Screwdriver", 12.0)],
            "sd",
        ),
        *products_in(
            _SCREWDRIVER_SETS,
            [
                ("Vessel", "Vessel Precision Screwdriver Set TD-56", 14.0),
                ("Hozan", "Hozan JIS Screwdriver Set", 27.0),
            ],
            "sdset",
        ),
        *products_in(_SCREW_GUNS, [("DeWalt", "DeWalt Cordless Screw Gun", 149.0)], "gun"),
        *products_in(_BUILDING_SETS, [("LEGO", "LEGO Classic Building Set", 35.0)], "lego"),
    ]


@pytest.fixture(scope="module")
def schema() -> CatalogSchema:
    return CatalogSchema.from_products(_products())


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    # (three shown: a category holding fewer than are shown is topped up with other titles saying its word)
    with small_assistant(
        tmp_path_factory.mktemp("kind-family") / "data", _products(), recommendations=3
    ) as a:
        yield a


def test_levels_named_for_the_same_thing_are_the_catalogs_own(schema: CatalogSchema) -> None:
    assert schema.same_head("mattresses") == ["futon mattresses"]  # (not the level above it)
    assert set(schema.same_head("sets")) == {
        "shampoo & conditioner sets",
        "screwdriver sets",
        "building sets",
    }
    assert "screw guns & screwdrivers" in schema.same_head("screwdrivers")


def test_the_conversations_kind_chooses_among_them(schema: CatalogSchema) -> None:
    assert kind_in_context("mattresses", "and a mattress for it", ["futon frames"], schema) == [
        "futon mattresses"
    ]
    assert kind_in_context("sets", "got any sets?", ["screwdrivers"], schema) == ["screwdriver sets"]


def test_the_message_chooses_among_them(schema: CatalogSchema) -> None:
    message = "is there a set with the conditioner too?"
    assert kind_in_context("sets", message, [], schema) == ["shampoo & conditioner sets"]


def test_a_word_far_from_the_head_noun_is_no_evidence(schema: CatalogSchema) -> None:
    message = "any sets? for a rainy afternoon with my nephew, who loves building forts"
    assert kind_in_context("sets", message, [], schema) is None
    assert kind_in_context("sets", "a set he builds with", [], schema) is None


def test_nothing_said_of_any_keeps_the_kind_read(schema: CatalogSchema) -> None:
    assert kind_in_context("mattresses", "a memory foam mattress", [], schema) is None
    assert kind_in_context("sets", "any sets?", ["mattresses"], schema) is None


def test_a_word_that_qualifies_another_part_of_a_name_is_no_evidence(schema: CatalogSchema) -> None:
    # "Screw Guns & Screwdrivers": "screw" qualifies the guns, not the screwdrivers
    message = "need a decent screwdriver for little electronics screws"
    assert kind_in_context("screwdrivers", message, [], schema) is None


def test_a_futon_mattress_after_a_futon_frame_end_to_end(assistant: Assistant) -> None:
    _, _, first, session = turn(assistant, "looking for a futon frame")
    assert first.filters.categories == ["futon frames"]
    shown, _, plan, _ = turn(assistant, "and a mattress for it", session)
    assert plan.filters.categories == ["futon mattresses"]
    assert shown and {p.id for p in shown} == {"fm0", "fm1", "fm2"}


def test_a_plain_mattress_ask_is_left_as_read(assistant: Assistant) -> None:
    shown, _, plan, _ = turn(assistant, "need a new mattress, memory foam")
    assert plan.filters.categories == ["mattresses"]
    assert shown and all(p.id.startswith("bed") for p in shown)


def test_a_kind_the_conversation_had_is_left_as_read(assistant: Assistant) -> None:
    before = QueryPlan(query="mattress", intent="search", filters=Filters(categories=["mattresses"]))
    plan = QueryPlan(query="futon mattress", intent="refine", filters=Filters(categories=["mattresses"]))
    assert assistant._kind_in_family(plan, before, [], "a futon one").filters.categories == ["mattresses"]

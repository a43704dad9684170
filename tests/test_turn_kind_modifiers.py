"""A material or feature said before the kind's name ("a stainless steel water bottle" asked as Sports
Water Bottles, "a cordless rotary tool", "an insulated one") is what the products' text must say,
where it tells some of the kind from the rest (``text_words.kind_modifiers``, ``said_features``'
``modifiers`` and ``stated``). A preference or use word ("cordless", "insulated") states a feature
only in a catalog whose kinds carry no attributes; a judging word ("comfortable") never does."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.plan.planner import states_feature
from assistant.plan.text_words import kind_modifiers
from assistant.turn import Assistant
from retrieval.catalog import Product
from tests.turn_support import products_in, small_assistant, turn

_BOTTLES = ["Sports & Outdoors", "Hydration", "Sports Water Bottles"]
_ROTARY = ["Tools & Home Improvement", "Power Tools", "Rotary Tools"]
_BASKETS = ["Home & Kitchen", "Picnic Baskets"]


def _products() -> list[Product]:
    return [
        *products_in(
            _BOTTLES,
            [
                ("Zak", "Zak Designs Stainless Steel Kids Water Bottle with Straw", 12.0),
                ("Hydro", "Hydro Vacuum Insulated Stainless Steel Water Bottle 32 oz", 29.0),
                ("Nalgene", "Nalgene Kids Grip-N-Gulp Water Bottle", 9.0),
                ("Milton", "Milton 32 oz Large Sports Water Bottle with Time Marker", 16.0),
                ("CamelBak", "CamelBak Eddy Kids Water Bottle with Straw", 13.0),
                ("Contigo", "Contigo Autospout Water Bottle, 24 oz", 11.0),
            ],
            "bottle",
        ),
        *products_in(
            _ROTARY,
            [
                ("Dremel", "Dremel 8220 12-Volt Max Cordless Rotary Tool Kit", 99.0),
                ("Apexforge", "Apexforge Cordless Rotary Tool with Li-ion Battery", 55.0),
                ("Dremel", "Dremel 4000 High Performance Rotary Tool Kit", 149.0),
                ("Wen", "WEN 2305 Rotary Tool Kit with Flex Shaft", 39.0),
                ("Genesis", "Genesis Variable Speed Rotary Tool", 29.0),
            ],
            "rotary",
        ),
        *products_in(
            _BASKETS,
            [
                ("Himal", "Himal Insulated Picnic Basket with Aluminum Frame", 45.0),
                ("Pynhoklm", "Pynhoklm Insulated Picnic Basket for 2", 29.0),
                ("Picnic Time", "Picnic Time Canasta Picnic Basket", 59.0),
                ("HDKJ", "HDKJ Oval Wicker Picnic Basket with Handle", 34.0),
                ("Willow", "Willow Picnic Basket Set for 4 with Double Lids", 69.0),
            ],
            "basket",
        ),
    ]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    with small_assistant(
        tmp_path_factory.mktemp("kind-modifiers") / "data", _products(), recommendations=4
    ) as a:
        yield a


def test_what_qualifies_the_kind_is_the_phrase_before_the_kinds_own_words() -> None:
    assert kind_modifiers("stainless steel water bottle", ["sports water bottles"]) == ["stainless", "steel"]
    assert kind_modifiers("velvet desk chair", ["home office desk chairs"]) == ["velvet"]
    assert kind_modifiers("leather tool roll", ["tool bags"]) == ["leather"]
    assert kind_modifiers("water bottle", ["sports water bottles"]) == []
    assert kind_modifiers("bottle", ["sports water bottles"]) == []


def test_a_feature_word_is_a_preference_that_a_product_has_or_lacks() -> None:
    for word in ("cordless", "insulated", "waterproof", "rechargeable", "foldable"):
        assert states_feature(word), word
    for word in ("comfortable", "durable", "lighter", "cheapest", "red", "big"):
        assert not states_feature(word), word


def test_a_material_before_the_kinds_name_is_what_its_text_says(assistant: Assistant) -> None:
    shown, _, plan, _ = turn(assistant, "my daughter needs a stainless steel water bottle for school")
    assert plan.filters.categories == ["sports water bottles"]
    assert {"stainless", "steel"} <= set(plan.filters.text_words)
    assert shown and all("Stainless Steel" in p.title for p in shown)


def test_a_preference_word_before_the_kind_is_a_feature_its_titles_state(assistant: Assistant) -> None:
    shown, _, plan, _ = turn(assistant, "looking for a cordless rotary tool for carving")
    assert "cordless" in plan.filters.text_words
    assert shown and all("Cordless" in p.title for p in shown)


def test_the_feature_said_of_a_pro_form_in_a_follow_up(assistant: Assistant) -> None:
    _, _, _, session = turn(assistant, "a picnic basket for two")
    shown, _, plan, _ = turn(assistant, "an insulated one would be better", session)
    assert plan.filters.categories == ["picnic baskets"]
    assert "insulated" in plan.filters.text_words
    assert shown and all("Insulated" in p.title for p in shown)


def test_a_judging_word_is_no_feature(assistant: Assistant) -> None:
    shown, _, plan, _ = turn(assistant, "a comfortable water bottle for the gym")
    assert "comfortable" not in plan.filters.text_words
    assert len(shown) == 4

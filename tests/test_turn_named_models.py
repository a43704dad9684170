"""Products named by the shopper (the late-bd cases). A model told apart by a two-letter word of its
title: "the drift nc beige" beside a shown Sonovel Drift Lite is the Drift NC in beige, not the Drift
Lite that shares "sonovel drift"; said with no such word, the shown one still is meant. Two models
named as a choice with nothing about them asked ("orbit r5 or roam lite? cant decide") are compared;
one model's colors as a choice ("does the orbit r5 come in black or white") are no comparison. Said
with no question at all ("torn between the orbit r7 white and the orbit r9 white") the two models are
compared too, the list asked before kept; two makers as a choice ("dustwise or kestrel?") still
narrow the list to them."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.turn import Assistant
from retrieval.catalog import Product
from tests.turn_support import small_assistant, turn


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory, demo_products: list[Product]) -> Iterator[Assistant]:
    with small_assistant(tmp_path_factory.mktemp("model-letters") / "data", demo_products) as a:
        yield a


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("put the drift nc beige next to the first one", "hp-sonovel-drift-nc-beige"),
        ("sonovel drift nc green or the first one, which is better", "hp-sonovel-drift-nc-green"),
    ],
)
def test_a_two_letter_model_word_names_that_model(assistant: Assistant, message: str, expected: str) -> None:
    shown, _, _, sid = turn(assistant, "sonovel drift lite headphones")
    assert any("drift-lite" in p.id for p in shown)
    _, _, plan, _ = turn(assistant, message, sid)
    assert plan.intent == "compare"
    assert expected in plan.referenced_ids


def test_the_shown_model_said_without_such_a_word_is_still_the_one(assistant: Assistant) -> None:
    _, _, _, sid = turn(assistant, "sonovel drift lite headphones")
    _, _, plan, _ = turn(assistant, "compare the sonovel drift lite with the second one", sid)
    assert plan.referenced_ids and "drift-lite" in plan.referenced_ids[0]


def test_one_models_colors_as_a_choice_are_no_comparison(assistant: Assistant) -> None:
    _, _, _, sid = turn(assistant, "robot vacuum for dog hair")
    _, _, plan, _ = turn(assistant, "does the orbit r5 come in black or white", sid)
    assert plan.intent != "compare"


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        (
            "torn between the orbit r7 white and the orbit r9 white",
            ["vc-dustwise-orbit-r7-mop-white", "vc-dustwise-orbit-r9-station-white"],
        ),
        ("the orbit r5 or the roam lite - thoughts?", ["vc-dustwise-orbit-r5", "vc-kestrel-roam-lite"]),
        ("orbit r5 or roam lite? cant decide", ["vc-dustwise-orbit-r5", "vc-kestrel-roam-lite"]),
        (
            "orbit r7 black or orbit r9 black, what do i actually get for the extra 450",
            ["vc-dustwise-orbit-r7-mop-black", "vc-dustwise-orbit-r9-station-black"],
        ),
        (
            "orbit r7 white or orbit r9 white? worth the extra money?",
            ["vc-dustwise-orbit-r7-mop-white", "vc-dustwise-orbit-r9-station-white"],
        ),
    ],
)
def test_two_models_named_as_a_choice_are_compared(
    assistant: Assistant, message: str, expected: list[str]
) -> None:
    _, _, first, sid = turn(assistant, "robot vacuum for dog hair")
    _, _, plan, _ = turn(assistant, message, sid)
    assert plan.intent == "compare"
    assert sorted(plan.referenced_ids) == sorted(expected)
    assert plan.filters.categories == first.filters.categories
    assert not plan.filters.colors


def test_what_sets_the_top_two_apart_compares_the_top_two(assistant: Assistant) -> None:
    shown, _, _, sid = turn(assistant, "want a really comfy dog bed for my old lab")
    _, _, plan, _ = turn(assistant, "what sets the top 2 apart?", sid)
    assert plan.intent == "compare"
    assert plan.referenced_ids == [p.id for p in shown[:2]]


def test_two_makers_as_a_choice_narrow_the_list(assistant: Assistant) -> None:
    _, _, _, sid = turn(assistant, "robot vacuum for dog hair")
    _, _, plan, _ = turn(assistant, "dustwise or kestrel?", sid)
    assert plan.intent == "refine"
    assert set(plan.filters.brands) == {"dustwise", "kestrel home"}

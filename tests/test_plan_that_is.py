"""A feature said as the complement of a relative clause after a stand-in for the product (the late-aw
cases): "any that are curved?", "one that's instant", "the cheapest one that's actually human hair".
The word is where a feature sits and is asked outright; a comparative, a color or a price after the
stand-in is not one ("one that's cheaper", "ones that are black", "one that's under 300"). On the demo
catalog's vocabulary, then end to end: monitors, then "any that are curved? my desk is pretty wide"
shows the one monitor whose title says Curved."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.plan.text_words import said_features, said_requirements
from assistant.plan.vocab import matcher_for
from assistant.turn import Assistant
from retrieval.catalog import Product
from retrieval.products import Vocabulary
from tests.turn_support import small_assistant, turn


@pytest.mark.parametrize(
    ("message", "feature"),
    [
        ("any that are curved?", "curved"),
        ("one that's instant, i hate setting up", "instant"),
        ("whats the cheapest one that's actually human hair", "human"),
        ("something that is made of real bamboo", "bamboo"),
        ("ones which are ergonomic", "ergonomic"),
    ],
)
def test_the_complement_after_a_stand_in_is_a_feature_asked_outright(
    message: str, feature: str, demo_vocabulary: Vocabulary
) -> None:
    matcher = matcher_for(demo_vocabulary)
    assert feature in said_features(message, matcher)
    assert feature in said_requirements(message)


@pytest.mark.parametrize(
    "message",
    [
        "one that's cheaper",
        "ones that are black",
        "one that is not bamboo",
        "a monitor for gaming, one that's under 300",
    ],
)
def test_no_feature_where_the_clause_says_none(message: str, demo_vocabulary: Vocabulary) -> None:
    assert said_features(message, matcher_for(demo_vocabulary)) == []


def _monitor(i: int, title: str, panel: str) -> Product:
    return Product(
        id=f"mn{i}",
        title=title,
        brand="Lumetric",
        price=200.0 + 10 * i,
        rating=4.0 + i / 10,
        category=["Computers", "Monitors"],
        attributes={"panel": panel, "screen_in": "27"},
    )


_MONITORS = [
    _monitor(0, "Lumetric View 27 QHD Monitor", "IPS"),
    _monitor(1, "Lumetric View 24 Monitor", "IPS"),
    _monitor(2, "Lumetric Arc 34 Curved Ultrawide Monitor", "VA"),
    _monitor(3, "Lumetric View 32 4K Monitor", "IPS"),
]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    with small_assistant(tmp_path_factory.mktemp("that-is") / "data", _MONITORS) as a:
        yield a


def test_any_that_are_curved_shows_the_curved_one(assistant: Assistant) -> None:
    _, _, _, session = turn(assistant, "monitors for my home office")
    shown, _, plan, _ = turn(assistant, "any that are curved? my desk is pretty wide", session)
    assert [p.id for p in shown] == ["mn2"]
    assert "curved" in plan.filters.text_words

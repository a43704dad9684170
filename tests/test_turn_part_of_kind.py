"""Another category's name said in a follow-up as a part or feature of the kind shown ("remote control
ones only" after ceiling fans, "pump included" after paddle boards) keeps the kind shown and asks its
text for the part, when enough of the kind's titles say it (``planner.said_as_part``,
``text_words.part_of_kind``); said as a thing of its own ("a remote control for the tv too") it is
that other kind."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.plan.planner import said_as_part
from assistant.plan.text import tokenize
from assistant.plan.text_words import part_of_kind
from assistant.plan.vocab import matcher_for
from assistant.turn import Assistant
from retrieval.catalog import Product
from retrieval.products import Vocabulary
from tests.turn_support import products_in, small_assistant, turn

_FANS = ["Tools & Home Improvement", "Lighting & Ceiling Fans", "Ceiling Fans"]
_REMOTES = ["Electronics", "Television & Video", "Accessories", "Remote Controls"]
_BOARDS = ["Sports & Outdoors", "Water Sports", "Stand-Up Paddleboards"]
_PUMPS = ["Clothing, Shoes & Jewelry", "Women", "Shoes", "Pumps"]


def _products() -> list[Product]:
    return [
        *products_in(
            _FANS,
            [
                ("Hunter", "Hunter Dempsey 44 inch Ceiling Fan with Remote Control", 159.0),
                ("Minka-Aire", "Minka-Aire Light Wave 52 inch Ceiling Fan with Remote Control", 329.0),
                ("Westinghouse", "Westinghouse Industrial 56 inch Ceiling Fan", 119.0),
                ("Honeywell", "Honeywell Belmar 52 inch Ceiling Fan, Pull Chain", 99.0),
                ("Prominence", "Prominence Home Alvina 42 inch Ceiling Fan", 89.0),
            ],
            "fan",
        ),
        *products_in(
            _REMOTES,
            [
                ("Philips", "Philips Universal Remote Control for Samsung TVs", 12.0),
                ("Fintie", "Fintie Silicone Cover for Fire TV Remote", 7.0),
            ],
            "remote",
        ),
        *products_in(
            _BOARDS,
            [
                ("Atoll", "Atoll 11 foot Inflatable Stand Up Paddle Board with Pump and Backpack", 625.0),
                ("Roc", "Roc Inflatable Stand Up Paddle Board with Hand Pump", 299.0),
                ("Lifetime", "Lifetime Freestyle Hardshell Stand Up Paddle Board", 399.0),
                ("Bote", "Bote Breeze Epoxy Stand Up Paddle Board", 899.0),
            ],
            "sup",
        ),
        *products_in(_PUMPS, [("Clarks", "Clarks Linvale Jerica Dress Pump", 69.0)], "pump"),
    ]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    with small_assistant(
        tmp_path_factory.mktemp("part-of-kind") / "data", _products(), recommendations=4
    ) as a:
        yield a


def _match(said: str, value: str) -> tuple[str, list, object]:
    matcher = matcher_for(Vocabulary.from_products(_products()))
    tokens = tokenize(said)
    [m] = [m for m in matcher.find(tokens) if m.kind == "category" and m.value == value]
    return said, tokens, m


def test_the_grammar_of_a_part_and_of_a_thing_of_its_own() -> None:
    for said in (
        "remote control ones only",
        "it needs remote control",
        "only ones that come with remote control",
    ):
        assert said_as_part(*_match(said, "remote controls")), said
    for said in (
        "and a remote control for the tv",
        "a remote control too",
        "do you have remote controls",
        "what about remote controls",
        "remote controls as well",
    ):
        assert not said_as_part(*_match(said, "remote controls")), said


def test_a_part_said_keeps_the_kind_shown_and_asks_its_titles(assistant: Assistant) -> None:
    _, _, first, session = turn(assistant, "need a ceiling fan for the bedroom")
    assert first.filters.categories == ["ceiling fans"]
    shown, _, plan, _ = turn(assistant, "remote control ones only", session)
    assert plan.filters.categories == ["ceiling fans"]
    assert "remote" in plan.filters.text_words
    assert shown and all(p.category == _FANS and "Remote" in p.title for p in shown)


def test_a_part_that_comes_with_it_is_the_feature_not_the_word_included(assistant: Assistant) -> None:
    # (not "an inflatable paddle board": both inflatable boards come with a pump, so the pump would
    # tell nothing apart)
    _, _, first, session = turn(assistant, "stand up paddle board for the lake")
    assert first.filters.categories == ["stand-up paddleboards"]
    shown, _, plan, _ = turn(assistant, "pump included please", session)
    assert plan.filters.categories == ["stand-up paddleboards"]
    assert "pump" in plan.filters.text_words and "included" not in plan.filters.text_words
    assert shown and all(p.category == _BOARDS and "Pump" in p.title for p in shown)


def test_the_other_kind_asked_for_as_a_thing_of_its_own(assistant: Assistant) -> None:
    _, _, _, session = turn(assistant, "need a ceiling fan for the bedroom")
    shown, _, plan, _ = turn(assistant, "and a remote control for the tv too", session)
    assert plan.filters.categories == ["remote controls"]
    assert shown and shown[0].category == _REMOTES


def test_a_part_is_what_enough_of_the_kinds_titles_say(assistant: Assistant) -> None:
    snap = assistant.searcher.snapshot()
    assert part_of_kind(snap, "remote control", ["ceiling fans"])  # 2 of 5 titles
    assert part_of_kind(snap, "pump", ["stand-up paddleboards"])
    assert not part_of_kind(snap, "pump", ["ceiling fans"])  # no fan title says it
    assert not part_of_kind(snap, "pull chain", ["ceiling fans"])  # one title: incidental


def test_a_word_no_title_of_the_kind_says_is_another_kind(assistant: Assistant) -> None:
    _, _, _, session = turn(assistant, "need a ceiling fan for the bedroom")
    _, _, plan, _ = turn(assistant, "dress pumps please", session)
    assert plan.filters.categories == ["pumps"]

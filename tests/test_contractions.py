"""Contractions typed without their apostrophe ("dont", "arent", "theyre", "ive") read as the
contractions they are (``lexicons/contractions.yaml``), and a feature ruled out by a negated verb of
having ("doesn't have", "don't need", "doesn't come with") is a feature asked to be absent (the
late-bc cases). The session keeps what the shopper typed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.plan.shorthand import with_apostrophes
from assistant.turn import Assistant
from retrieval.catalog import Product
from tests.turn_support import small_assistant, turn


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("i dont want nike", "i don't want nike"),
        ("Theyre four and six", "They're four and six"),
        ("whats the cheapest one youve got", "what's the cheapest one you've got"),
        ("IM after a tent, cant spend over 200", "I'm after a tent, can't spend over 200"),
        ("any that arent northfold? hes picky", "any that aren't northfold? he's picky"),
    ],
)
def test_a_contraction_without_its_apostrophe_is_written_with_it(typed: str, read: str) -> None:
    assert with_apostrophes(typed) == read


@pytest.mark.parametrize(
    "text",
    [
        "its battery lasts, lets see",  # "its", "lets": words of their own
        "a garden shed, a shell jacket, we were well",
        "don't-care, it's fine",  # already written, or part of a hyphenated word
        "ill fitting? id card",
    ],
)
def test_words_of_their_own_are_left_as_typed(text: str) -> None:
    assert with_apostrophes(text) == text


_EARBUDS = ["Audio", "Earbuds"]
_COFFEE = ["Kitchen", "Coffee Makers"]


def _products() -> list[Product]:
    rows = [
        ("e0", "Sonovel Pebble NC Noise Cancelling Earbuds", _EARBUDS, {"noise_cancelling": "yes"}),
        ("e1", "Tideline Voyager Buds Noise Cancelling Earbuds", _EARBUDS, {"noise_cancelling": "yes"}),
        ("e2", "Tideline Sprint Sport Earbuds", _EARBUDS, {"noise_cancelling": "no"}),
        ("e3", "Sonovel Pebble True Wireless Earbuds", _EARBUDS, {"noise_cancelling": "no"}),
        ("c0", "Brightwell Grind & Brew 10 Coffee Maker", _COFFEE, {"built_in_grinder": "yes"}),
        ("c1", "Morrow Brewhouse 10 Drip Coffee Maker", _COFFEE, {"built_in_grinder": "no"}),
        ("c2", "Morrow Brewhouse 12 Thermal Coffee Maker", _COFFEE, {"built_in_grinder": "no"}),
    ]
    return [
        Product(id=i, title=t, brand=t.split()[0], price=50.0 + n, rating=4.0, category=c, attributes=a)
        for n, (i, t, c, a) in enumerate(rows)
    ]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    with small_assistant(tmp_path_factory.mktemp("contractions") / "data", _products()) as a:
        yield a


@pytest.mark.parametrize(
    "follow_up",
    [
        "any that dont have noise cancelling",
        "any that don't have noise cancelling",
        "ones that do not have noise cancelling",
        "any that arent noise cancelling",
    ],
)
def test_a_feature_a_negated_have_rules_out_is_asked_absent(assistant: Assistant, follow_up: str) -> None:
    _, _, _, sid = turn(assistant, "earbuds")
    shown, _, plan, _ = turn(assistant, follow_up, sid)
    assert plan.filters.attributes.get("noise_cancelling") == "no"
    assert shown and {p.id for p in shown} <= {"e2", "e3"}


@pytest.mark.parametrize(
    "follow_up", ["one that doesnt come with a grinder", "i dont need a built in grinder"]
)
def test_doesnt_come_with_and_dont_need_rule_a_feature_out(assistant: Assistant, follow_up: str) -> None:
    _, _, _, sid = turn(assistant, "a coffee maker")
    shown, _, plan, _ = turn(assistant, follow_up, sid)
    assert plan.filters.attributes.get("built_in_grinder") == "no"
    assert shown and {p.id for p in shown} <= {"c1", "c2"}


def test_the_session_keeps_what_the_shopper_typed(assistant: Assistant) -> None:
    _, _, _, sid = turn(assistant, "earbuds that dont have noise cancelling")
    history = assistant.store.history(sid, limit=5)
    assert any(t.content == "earbuds that dont have noise cancelling" for t in history)

"""Contractions typed without their apostrophe ("dont", "arent", "theyre", "ive") read as the
contractions they are (``lexicons/contractions.yaml``), and a feature ruled out by a negated verb of
having ("doesn't have", "don't need", "doesn't come with") is a feature asked to be absent (the
late-bc cases), while "doesn't have to be waterproof" allows it without asking for it. The session
keeps what the shopper typed."""

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
_BOOTS = ["Footwear", "Hiking Boots"]


def _products() -> list[Product]:
    rows = [
        ("e0", "Sonovel Pebble NC Noise Cancelling Earbuds", _EARBUDS, {"noise_cancelling": "yes"}),
        ("e1", "Tideline Voyager Buds Noise Cancelling Earbuds", _EARBUDS, {"noise_cancelling": "yes"}),
        ("e2", "Tideline Sprint Sport Earbuds", _EARBUDS, {"noise_cancelling": "no"}),
        ("e3", "Sonovel Pebble True Wireless Earbuds", _EARBUDS, {"noise_cancelling": "no"}),
        ("c0", "Brightwell Grind & Brew 10 Coffee Maker", _COFFEE, {"built_in_grinder": "yes"}),
        ("c1", "Morrow Brewhouse 10 Drip Coffee Maker", _COFFEE, {"built_in_grinder": "no"}),
        ("c2", "Morrow Brewhouse 12 Thermal Coffee Maker", _COFFEE, {"built_in_grinder": "no"}),
        ("b0", "Trailwright Ridgeline Mid Waterproof Hiking Boot", _BOOTS, {"waterproof": "yes"}),
        ("b1", "Trailwright Ridgeline Mid Waterproof Hiking Boot, Brown", _BOOTS, {"waterproof": "yes"}),
        ("b2", "Summit & Pine Crag Low Hiking Shoe", _BOOTS, {"waterproof": "no"}),
    ]
    # the two cheapest coffee makers tie on price: "which is the cheapest?" answers with both
    prices = {"c0": 60.0, "c1": 40.0, "c2": 40.0}
    ratings = {"c0": 4.9, "c1": 4.0, "c2": 4.1}
    return [
        Product(
            id=i,
            title=t,
            brand=t.split()[0],
            price=prices.get(i, 50.0 + n),
            rating=ratings.get(i, 4.0),
            category=c,
            attributes=a,
        )
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
        "which ones arent noise cancelling",  # a question over the set, narrowing it
        "which ones are not noise cancelling",
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


@pytest.mark.parametrize(
    ("message", "about_shown"),
    [
        ("anything low cut that's still waterproof?", False),  # a relative "that": the thing asked for
        ("anything low cut thats still waterproof?", False),
        ("a jacket that is packable?", False),
        ("one that's cheaper?", False),
        ("is that one waterproof?", True),  # "that" points at a shown product
        ("does that come in blue?", True),
        ("any of those that are waterproof?", True),
        ("how heavy is that?", True),
    ],
)
def test_a_relative_that_points_at_no_shown_product(message: str, about_shown: bool) -> None:
    from assistant.plan.intents import is_product_question

    assert is_product_question(with_apostrophes(message)) is about_shown


@pytest.mark.parametrize(
    ("text", "age"),
    [
        ("my 7 year olds first campout", 7),  # the possessive's apostrophe dropped
        ("need a bed frame for my 6 year olds room", 6),
        ("also some for my kids, theyre four and six", 4),  # the youngest said first binds
        ("they are 5 and 8", 5),
        ("they're 20 bucks cheaper elsewhere", None),  # a price, no age
        ("they're 2 inches wide", None),
    ],
)
def test_an_age_said_of_them_or_with_a_dropped_apostrophe_is_read(text: str, age: int | None) -> None:
    from assistant.plan.semantics import child_age

    found = child_age(with_apostrophes(text))
    assert (found[0] if found else None) == age


@pytest.mark.parametrize(
    "message",
    [
        "hiking boots that don't need to be waterproof",
        "hiking boots, they dont have to be waterproof",
        "hiking boots, doesn't have to be super waterproof",
    ],
)
def test_doesnt_have_to_be_allows_a_feature_without_asking_for_it(assistant: Assistant, message: str) -> None:
    shown, _, plan, _ = turn(assistant, message)
    assert "waterproof" not in plan.filters.attributes
    assert "b2" in {p.id for p in shown}


def test_doesnt_have_to_be_lifts_what_was_asked_before(assistant: Assistant) -> None:
    _, _, first, sid = turn(assistant, "waterproof hiking boots")
    assert first.filters.attributes.get("waterproof") == "yes"
    shown, _, plan, _ = turn(assistant, "they dont have to be waterproof", sid)
    assert "waterproof" not in plan.filters.attributes
    assert "b2" in {p.id for p in shown}

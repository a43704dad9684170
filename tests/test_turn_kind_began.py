"""A follow-up that only narrows ("has to work on 24 volt") after an ask that named no kind ("need
something that heats my food up in the cab") narrows the kind shown for it, also when that search was
focused on the kind (the plan then holds it); a kind the shopper named ("vegan marshmallows") is no
kind a later new ask ("also roasting sticks") is held to (``turn._kind_began``). Real sentence
embeddings (the bundled MiniLM model): the kind a need names is read from its meaning."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.schemas import HistoryTurn, QueryPlan
from assistant.turn import Assistant, _kind_began
from retrieval.catalog import Product
from retrieval.filters import Filters
from tests.turn_support import MINILM, products_in, small_assistant, turn

_LUNCH = ["Home & Kitchen", "Lunch Boxes"]


def _products() -> list[Product]:
    return [
        *products_in(
            _LUNCH,
            [
                ("Yissvic", "Electric Lunch Box for Car Truck and Work, 12V 24V 110V Food Heater", 32.0),
                ("Toursion", "Electric Lunch Box Food Warmer, Car/Truck 12V-24V and Home 110V", 36.0),
                ("Crock", "Portable Food Warmer Lunch Box for Car, 12V Heated Lunch Box", 28.0),
                ("Hot Logic", "Mini Personal Portable Oven Lunch Box Food Heater, 12V", 35.0),
                ("Bentgo", "Kids Leak-Proof Bento Lunch Box", 25.0),
            ],
            "lunch",
        ),
        *products_in(
            ["Grocery", "Marshmallows"],
            [
                ("Dandies", "Dandies Vegan Marshmallows, Gelatin Free", 6.0),
                ("Campfire", "Campfire Giant Roasting Marshmallows", 4.0),
                ("Trader", "Vegan Mini Marshmallows", 5.0),
            ],
            "mallow",
        ),
        *products_in(
            ["Patio, Lawn & Garden", "Barbecue Forks"],
            [
                ("Mountain Grillers", "Marshmallow Roasting Sticks, Telescoping, Set of 5", 15.0),
                ("Ezire", "Extendable Roasting Sticks for Campfire Smores", 12.0),
                ("Rome", "Hot Dog and Marshmallow Roasting Forks", 18.0),
            ],
            "fork",
        ),
    ]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    data = tmp_path_factory.mktemp("kind-began") / "data"
    with small_assistant(data, _products(), **MINILM) as a:
        yield a


def test_a_spec_after_a_need_narrows_the_kind_shown_for_it(assistant: Assistant) -> None:
    shown, _, plan, sid = turn(
        assistant,
        "im a long haul driver and im sick of eating cold leftovers. need something that heats my food up "
        "right in the cab",
    )
    assert shown and all(p.category[-1] == "Lunch Boxes" for p in shown)
    shown, _, plan, _ = turn(assistant, "my rig runs on 24v so it has to work with that", sid)
    assert plan.filters.categories == ["lunch boxes"]
    assert {p.id for p in shown} == {"lunch0", "lunch1"}  # the two whose titles say 24 V


def test_a_new_ask_after_a_kind_named_is_not_held_to_it(assistant: Assistant) -> None:
    _, _, plan, sid = turn(
        assistant, "bonfire this weekend and my roommate is vegan, the marshmallows cant have gelatin"
    )
    assert plan.filters.categories == ["marshmallows"]
    shown, _, plan, _ = turn(
        assistant, "perfect. also need some roasting sticks and something to get the fire going", sid
    )
    assert "marshmallows" not in plan.filters.categories
    assert shown and shown[0].category[-1] == "Barbecue Forks"


def _asked(message: str, categories: list[str]) -> list[HistoryTurn]:
    plan = QueryPlan(query=message, filters=Filters(categories=categories))
    return [HistoryTurn(role="user", content=message, plan=plan), HistoryTurn(role="assistant", content="…")]


def test_the_message_a_kind_began_with() -> None:
    history = [
        *_asked("bonfire this weekend, vegan marshmallows", ["marshmallows"]),
        *_asked("got anything under ten bucks", ["marshmallows"]),
    ]
    assert _kind_began(history, ["marshmallows"]) == "bonfire this weekend, vegan marshmallows"
    history += _asked("need something that heats food in the cab", ["lunch boxes"])
    assert _kind_began(history, ["lunch boxes"]) == "need something that heats food in the cab"
    assert _kind_began(history, []) == ""

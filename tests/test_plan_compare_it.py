"""A comparison whose one side is "it" ("how does it compare to the hi ho cherry-o", "is it better
than X") after a message that asked about one product ("tell me more about the peppa pig one")
compares that product with the one named (the late-bw cases): "it" is what the shopper just asked
about, not nothing."""

from __future__ import annotations

import pytest

from assistant.plan.planner import plan_turn
from assistant.schemas import HistoryTurn, QueryPlan
from retrieval.filters import Filters
from tests.plan_support import small_store

_TITLES = {
    "hi": "Hasbro Hi Ho! Cherry-O Board Game",
    "pp": "Hasbro Chutes and Ladders: Peppa Pig Edition Board Game",
    "cl": "Candy Land Kingdom of Sweet Adventures Board Game",
}


@pytest.fixture(scope="module")
def store() -> tuple:
    return small_store([(["Toys & Games", "Board Games"], "Board Game")])


def _history(focus: list[str]) -> list[HistoryTurn]:
    search = QueryPlan(query="board games", filters=Filters(categories=["board games"]), intent="search")
    asked = search.model_copy(update={"intent": "product_question", "referenced_ids": focus})
    return [
        HistoryTurn(role="user", content="board games for a 4 year old", plan=search),
        HistoryTurn(role="assistant", content="", shown_ids=list(_TITLES)),
        HistoryTurn(role="user", content="tell me more about the peppa pig one", plan=asked),
        # (the answer about one product leaves the list it was picked from in view)
        HistoryTurn(role="assistant", content="", shown_ids=list(_TITLES)),
    ]


@pytest.mark.parametrize(
    "message",
    [
        "how does it compare to the hi ho cherry-o",
        "compare that with hi ho cherry-o",
        "it vs the hi ho cherry-o",
    ],
)
def test_it_is_the_product_just_asked_about(message: str, store: tuple) -> None:
    vocab, schema, titles = store
    plan = plan_turn(
        message,
        _history(["pp"]),
        vocab,
        schema=schema,
        word_categories=titles,
        shown_titles=_TITLES,
    )
    assert plan.intent == "compare"
    assert plan.referenced_ids == ["pp", "hi"]


def test_without_a_product_asked_about_it_adds_nothing(store: tuple) -> None:
    vocab, schema, titles = store
    history = _history(["pp"])[:2]
    plan = plan_turn(
        "how does it compare to the hi ho cherry-o",
        history,
        vocab,
        schema=schema,
        word_categories=titles,
        shown_titles=_TITLES,
    )
    assert plan.referenced_ids == ["hi"]

"""A message whose question follows a remark asks what its question sentence asks, not a key the
remark names ("we'll go with the wireless one then. how many hours does it last between charges?": the
battery, not wireless) — the late-ca cases. End to end over the bundled demo catalog (hash embedder,
fake LLM)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.turn import Assistant
from retrieval.catalog import Product
from tests.turn_support import small_assistant, turn


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory, demo_products: list[Product]) -> Iterator[Assistant]:
    with small_assistant(tmp_path_factory.mktemp("question-sentence") / "data", demo_products) as a:
        yield a


@pytest.mark.parametrize(
    ("first", "message", "asked"),
    [
        ("wireless headphones", "the first one's wireless, nice. how heavy is it though?", "weight_g"),
        (
            "wireless headphones",
            "we'll go with the first one then. how many hours does it last between charges?",
            "battery_hours",
        ),
        # one sentence: what it names is what it asks
        ("wireless headphones", "is the first one wireless?", "wireless"),
    ],
)
def test_the_question_sentence_says_what_is_asked(
    assistant: Assistant, first: str, message: str, asked: str
) -> None:
    _, _, _, sid = turn(assistant, first)
    _, _, plan, _ = turn(assistant, message, sid)
    assert plan.intent == "product_question", plan
    assert plan.question == asked, plan

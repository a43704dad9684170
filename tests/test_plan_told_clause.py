"""A problem told as what someone or their thing does names no product (``planner._told_of``,
``_told_of_theirs``): the words of the story ("my feet are always cold", "i run every morning and my
knees hurt") are no kind asked, so the ask is searched for what it needs rather than declined for
them; a phrase naming one of the catalog's kinds stays that kind ("my tent leaks", "my sleeping bags
got soaked")."""

from __future__ import annotations

import pytest

from assistant.plan.planner import product_kind
from retrieval.products import Vocabulary


@pytest.mark.parametrize(
    "message",
    [
        "i run every morning and my knees hurt after, what should i wear on my feet",
        "my grandpa's feet are always freezing at night",
        "my dad always complains his neck hurts after sitting at the computer all day",
        "my feet are always cold in bed at night",
    ],
)
def test_a_problem_told_names_no_kind(demo_vocabulary: Vocabulary, message: str) -> None:
    assert product_kind(message, demo_vocabulary) == ""


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("my tent leaks", "tent leaks"),
        # the story's subject said by a category's name: the kind it names
        ("my sleeping bags got soaked, what dries fast", "sleeping bags"),
        ("my coffee maker died, need a new one", "coffee maker"),
        ("my daughter wants a tent for her birthday", "tent"),
        ("my kid is 6 and needs headphones", "headphones"),
    ],
)
def test_a_kind_named_in_a_story_stays_the_kind(demo_vocabulary: Vocabulary, message: str, kind: str) -> None:
    assert product_kind(message, demo_vocabulary) == kind

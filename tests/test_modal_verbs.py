"""A word said right after a modal ("… need some that won't break", "one that can't tip over") is what
the product must (not) do, never the kind asked (the late-cy cases): "my son keeps breaking his
headphones, need some that wont snap" was read as an ask for a "snap" and declined."""

from __future__ import annotations

import pytest

from assistant.plan.planner import product_kind
from retrieval.products import Vocabulary


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("my son keeps breaking his headphones, need some that wont snap", ""),
        ("need some that won't break", ""),
        ("need one that will not tip over", ""),
        ("i want some that can't leak", ""),
        ("need a tent that won't leak", "tent"),
    ],
)
def test_a_verb_after_a_modal_names_no_kind(demo_vocabulary: Vocabulary, message: str, kind: str) -> None:
    assert product_kind(message, demo_vocabulary) == kind


def test_a_noun_can_opens_a_kind(demo_vocabulary: Vocabulary) -> None:
    assert product_kind("a can opener", demo_vocabulary)  # "can" is no modal before a noun here

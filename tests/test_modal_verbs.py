"""A word said right after a modal ("… need some that won't break", "one that can't tip over") is what
the product must (not) do, never the kind asked, when the message names a kind of the catalog (the
late-cy cases): "my son keeps breaking his headphones, need some that wont snap" was read as an ask
for a "snap" and declined. A follow-up naming no kind keeps its word ("oh and it cant tick": the
"Non-Ticking" titles say it)."""

from __future__ import annotations

import pytest

from assistant.plan.planner import product_kind
from retrieval.products import Vocabulary


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("my son keeps breaking his headphones, need some that wont snap", ""),
        ("the tent leaked all night, need one that won't leak", "tent"),  # "one": the tent
        ("my kid keeps cracking his headphones, want some that will not break", ""),
        ("need a tent that won't leak", "tent"),
        ("oh and it cant tick, he says the ticking keeps him up", "tick"),
    ],
)
def test_a_verb_after_a_modal_names_no_kind(demo_vocabulary: Vocabulary, message: str, kind: str) -> None:
    assert product_kind(message, demo_vocabulary) == kind


def test_a_modal_opening_a_question_or_a_noun_can_is_no_verb_cue(demo_vocabulary: Vocabulary) -> None:
    assert "tents" in product_kind("would you guys have tents", demo_vocabulary)
    assert product_kind("a can opener", demo_vocabulary)  # "can" is no modal before a noun here

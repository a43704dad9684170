"""What a verb of the trouble acts on is no kind asked for (the late-cs cases): "our puppy is
teething and eating the furniture, what can he chew on instead" asks for something to chew, not
furniture; the products nearest the whole ask say which kind. A kind the shopper asks for with a
verb of asking ("need a new tent") is the kind."""

from __future__ import annotations

import pytest

from assistant.turn import _acted_on


@pytest.mark.parametrize(
    ("message", "kind", "acted"),
    [
        (
            "our 10 week old puppy is teething and eating the furniture, what can he chew on instead",
            "furniture",
            True,
        ),
        ("my dog chewed up my shoes, need a toy", "shoes", True),
        ("our puppy keeps chewing the legs of my office chair", "office chair", True),
        ("i need a new tent", "tent", False),
        ("furniture for the living room", "furniture", False),
        ("looking to buy a couch", "couch", False),
        ("the cat keeps scratching the couch, need a couch cover", "couch", False),  # asked for too
    ],
)
def test_what_a_verb_of_the_trouble_acts_on_is_told_not_asked(message: str, kind: str, acted: bool) -> None:
    assert _acted_on(message, kind) is acted

""" "Thinner" said of what was shown is the thickness lower (the late-ay cases: a yoga mat by
thickness_mm, a mattress by height_in), as "thicker" is higher (``comparatives.yaml``)."""

from __future__ import annotations

import pytest

from assistant.plan.semantics import find_comparative
from assistant.plan.text import tokenize


def _found(message: str) -> tuple[str, str] | None:
    found = find_comparative([t.stem for t in tokenize(message)])
    return None if found is None else (found[0], found[1])


@pytest.mark.parametrize(
    "message",
    [
        "got a thinner one that packs small?",
        "anything thinner? our bed frame is already really tall",
        "something less thick that i can travel with",
        "that one's too thick for my carry-on",
    ],
)
def test_thinner_is_the_thickness_lower(message: str) -> None:
    assert _found(message) == ("thickness", "lower")


def test_thicker_is_still_the_thickness_higher() -> None:
    assert _found("a thicker one for my knees") == ("thickness", "higher")

"""A word the dictionary lists only in its base form ("ladle") is still English in its -ing or -ed form
("ladling", "pureeing"): it is left as typed, not "corrected" to a catalog word a couple of edits away
("padding"); a real misspelling of a catalog word is still corrected."""

from __future__ import annotations

import pytest

from assistant.plan.typos import TypoCorrector

_VOCABULARY = {"padding": 40, "blender": 30, "blenders": 30, "dishwasher": 25, "soup": 12, "popcorn": 9}


def _never(_: str) -> bool:
    return False


@pytest.mark.parametrize(
    "text",
    [
        "no more ladling it into a jug",
        "done pureeing soup in batches",
        "tired of plopping it in the pot",
    ],
)
def test_an_inflected_english_word_is_left_as_typed(text: str) -> None:
    assert TypoCorrector(_VOCABULARY).correct(text, _never) == text


def test_a_misspelled_catalog_word_is_still_corrected() -> None:
    assert TypoCorrector(_VOCABULARY).correct("a new dishwaher", _never) == "a new dishwasher"

"""The comparative / superlative phrase lookup (indexed by first word) finds exactly what a plain scan
of the lexicon table finds: the first row in table order, at its first position."""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import Any

import pytest

from assistant.plan.semantics import _find_phrase, _near_at, _phrase_at, lexicons
from assistant.plan.text import singular


def _scan(stems: Sequence[str], table: Sequence[tuple[tuple[str, ...], str, Any]]) -> Any:
    for phrase, dim, how in table:
        n = len(phrase)
        for i in range(len(stems) - n + 1):
            if tuple(stems[i : i + n]) == phrase:
                return dim, how, i, i + n
    return None


@pytest.mark.parametrize("kind", ["comparatives", "superlatives"])
def test_indexed_lookup_matches_a_plain_scan(kind: str) -> None:
    table = getattr(lexicons(), kind)
    words = [w for phrase, _, _ in table for w in phrase] + ["a", "tent", "for", "my", "dad", "cheap"]
    rng = random.Random(11)
    sentences = [list(phrase) for phrase, _, _ in table]  # every phrase alone
    sentences += [[rng.choice(words) for _ in range(rng.randint(1, 9))] for _ in range(3000)]
    for stems in sentences:
        assert _find_phrase(stems, table) == _scan(stems, table), stems


def test_phrase_at_needs_the_whole_phrase_as_words() -> None:
    assert _phrase_at("a tiny kitchen please", "tiny kitchen") == (2, 14)
    assert _phrase_at("a tinykitchen", "tiny kitchen") is None
    assert _phrase_at("destiny kitchen", "tiny kitchen") is None


def test_near_at_reads_the_group_words_as_stems_in_any_order() -> None:
    assert _near_at("my kitchen is really tiny", [["tiny"], ["kitchens"]]) is not None
    assert _near_at("tiny. the kitchen", [["tiny"], ["kitchen"]]) is None  # another sentence
    assert singular("kitchens") == "kitchen"

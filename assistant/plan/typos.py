"""Typos corrected towards the catalog's own vocabulary before anything is read or declined.

SymSpell (symspellpy) over the catalog's category, brand and attribute-value words does the
correcting; its bundled English frequency list (82k words) says which words are ordinary English and
must be left alone ("loud" is not a misspelt "cloud"). A word is corrected only when it is neither
English nor in the catalog's text: "blendr" → "blender", "dishwaher" → "dishwasher".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from importlib import resources

__all__ = ["TypoCorrector", "english_words", "ordinary_word"]

_MIN_LENGTH = 4
_COMMON = 10  # products whose catalog values use a word before a rare spelling of it counts as a typo
_WORD = re.compile(r"[A-Za-z]{4,}")


@lru_cache(maxsize=1)
def _frequencies() -> dict[str, int]:
    text = resources.files("symspellpy").joinpath("frequency_dictionary_en_82_765.txt").read_text("utf-8")
    return {
        word: int(count) for word, _, count in (line.partition(" ") for line in text.splitlines() if line)
    }


@lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    """The words of symspellpy's English frequency dictionary."""
    return frozenset(_frequencies())


# A word used at least this often in the dictionary's corpus is ordinary English ("ball", "summit",
# "crest"); rarer ones there are mostly names ("hasbro" 1.6M, "altair" 0.3M).
_ORDINARY_COUNT = 3_000_000


def ordinary_word(word: str) -> bool:
    """Whether ``word`` is a common English word rather than a name that happens to be listed."""
    return _frequencies().get(word.lower(), 0) >= _ORDINARY_COUNT


_CONTRACTED = ("s", "nt", "re", "ll", "ve")


def _contraction(word: str, english: frozenset[str]) -> bool:
    """An English word with a contraction written without its apostrophe ("theres", "doesnt",
    "youre", "thatll"): no misspelling of a catalog word ("theres" is not "trees")."""
    return any(word.endswith(end) and word[: -len(end)] in english for end in _CONTRACTED)


_ENDINGS = ("ing", "ed")


def _inflected(word: str, english: frozenset[str]) -> bool:
    """An English word's -ing or -ed form the dictionary does not list ("ladling", "pureeing",
    "blitzed"): its stem is a listed word, with a dropped final e ("ladl" + e) or a doubled last
    consonant ("plopp" → "plop") put back. No misspelling of a catalog word ("ladling" is not
    "padding")."""
    for end in _ENDINGS:
        if not word.endswith(end) or len(word) - len(end) < 3:
            continue
        stem = word[: -len(end)]
        doubled = len(stem) > 3 and stem[-1] == stem[-2] and stem[-1] not in "aeiou"
        if stem in english or stem + "e" in english or (doubled and stem[:-1] in english):
            return True
    return False


_MAKER_AFTER = re.compile(r"\s+brand\b", re.IGNORECASE)
_MAKER_BEFORE = re.compile(r"\b(?:brand|made\s+by)\s+$", re.IGNORECASE)


class TypoCorrector:
    """Corrects misspellings towards ``vocabulary`` (words with their product counts)."""

    def __init__(self, vocabulary: dict[str, int]) -> None:
        from symspellpy import SymSpell

        self._spell = SymSpell(max_dictionary_edit_distance=2, prefix_length=7)
        for word, count in vocabulary.items():
            self._spell.create_dictionary_entry(word, max(1, count))
        self._vocabulary = vocabulary

    def correct(self, message: str, keep: Callable[[str], bool]) -> str:
        """``message`` with each unknown word replaced by its closest catalog word (if any).

        ``keep(word)`` protects words the caller knows (catalog text, the planner's lexicons)."""
        from symspellpy import Verbosity

        english = english_words()

        def fix(m: re.Match[str]) -> str:
            word = m.group()
            low = word.lower()
            if _MAKER_AFTER.match(message, m.end()) or _MAKER_BEFORE.search(message, 0, m.start()):
                return word  # "ridgid brand only": a maker's name, sold here or not, is no misspelling
            if (
                len(low) < _MIN_LENGTH
                or low in self._vocabulary
                or low in english
                or _contraction(low, english)
                or _inflected(low, english)
            ):
                return word
            if keep(low):
                # A misspelling some seller made too ("matress" in one title) is still a misspelling
                # of a word the catalog uses widely, one edit away; anything else the catalog says is kept.
                hits = self._spell.lookup(low, Verbosity.CLOSEST, max_edit_distance=1)
                common = [h for h in hits if h.distance == 1 and h.count >= _COMMON and len(low) >= 6]
                return common[0].term if common else word
            distance = 1 if len(low) <= 5 else 2
            hits = self._spell.lookup(low, Verbosity.CLOSEST, max_edit_distance=distance)
            return hits[0].term if hits else word

        return _WORD.sub(fix, message)

"""A follow-up the planner reads nothing in: the feature its words name in the products' titles.

"high waisted pls, the low ones keep rolling down on me" after leggings, "stemless would be better,
she knocks everything over" after wine glasses: no reading of the planner takes these words (no
category, brand, color, attribute, price or sort; no feature in a feature's place: "X ones", "with
X", "has to be X"), so the turn would show the same products again. The shopper said something, and
the catalog says which of it is a feature: of the phrases the message says (one to
:data:`MAX_WORDS` words in a row, none read as anything else), the one the titles of some but not all
of the products asked about say, weighted by how many of them say it and how particular it is to
them in the whole catalog (a word every kind's titles use, like "sleep", names no feature of this
one). The caller asks for it as a text filter, which a search that then finds nothing loosens and
says so.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np

from assistant.plan.planner import _PARTICLES, NOT_THE_ONE_WITH
from assistant.plan.text import FILLER_WORDS, Token, tokenize
from assistant.plan.text_words import _VERB_BEFORE, _evaluative, distinguishes
from assistant.plan.vocab import VocabularyMatcher, negated_words, said_either_way
from retrieval.snapshot import CatalogSnapshot
from retrieval.text import analyze

__all__ = ["MAX_WORDS", "unread_feature"]

MAX_WORDS = 3
"""The longest phrase read as one feature ("quick dry", "high waisted", "non slip deck")."""

_MIN_SAYING = 2
"""A feature is said by at least this many of the products asked about: one title alone is incidental."""


_PERSONAL = frozenset({"i", "we", "you", "they", "he", "she", "i'd", "we'd", "i'll", "we'll", "who"})
"""A word right after one of these is a verb of the sentence ("i control everything by voice")."""

_VERB_AFTER = _VERB_BEFORE | _PERSONAL
"""After a modal, "to" or a subject: a verb, not a feature."""

_ABOUT_THE_LISTING = ("brand", "color", "price", "rating")
"""Question dimensions that ask about the listing, never about what the product is ("hows it rated",
"what does it cost"): their words are no feature (``lexicons/dimensions.yaml`` questions)."""


@lru_cache(maxsize=1)
def _not_features() -> frozenset[str]:
    """Words that judge ("real", "decent") or ask about the listing ("rated", "cost"), from the data
    files: never a title feature."""
    from assistant.plan.semantics import lexicons

    questions = lexicons().question_words
    asked = {w for d in _ABOUT_THE_LISTING for phrase in questions.get(d, []) for w in phrase.split()}
    return _evaluative() | frozenset(asked)


def _word(token: Token) -> bool:
    text = token.text
    shaped = (text.isalpha() and len(text) >= 3) or (
        any(c.isdigit() for c in text) and any(c.isalpha() for c in text)  # "4k", "18v"
    )
    return (
        shaped
        and text not in FILLER_WORDS
        and token.stem not in FILLER_WORDS
        and text not in _PARTICLES  # "not just on and off": a particle, not a feature
        and text not in _not_features()
    )


def unread_feature(
    message: str, matcher: VocabularyMatcher, snap: CatalogSnapshot, asked: np.ndarray
) -> str | None:
    """The phrase of ``message`` that names a feature of some of the ``asked`` products (a mask over
    ``snap``) in their titles, as the message says it; ``None`` when no phrase does."""
    total = int(asked.sum())
    if total < 3:
        return None
    tokens = tokenize(message.lower())
    stems = [t.stem for t in tokens]
    taken = {i for m in matcher.find(tokens) for i in range(m.start, m.end)}
    lowered = message.lower()
    # "not the one with fluoride": the word a shown product is left out by
    ruled = {m.start("o") for m in NOT_THE_ONE_WITH.finditer(lowered)}
    catalog = len(snap.ids)
    best: tuple[float, str] | None = None
    seen: set[str] = set()
    for n in range(1, MAX_WORDS + 1):
        for i in range(len(tokens) - n + 1):
            window = tokens[i : i + n]
            if any(j in taken for j in range(i, i + n)) or not all(_word(t) for t in window):
                continue
            if i and tokens[i - 1].text in _VERB_AFTER:
                continue  # "i want to switch it from bed", "i control everything": a verb, not a feature
            phrase = " ".join(t.text for t in window)
            if phrase in seen or len(analyze(phrase)) != n:
                continue
            seen.add(phrase)
            before = " ".join(t.text for t in tokens[max(0, i - 3) : i])
            after = " ".join(t.text for t in tokens[i + n : i + n + 4])
            if negated_words(before, phrase, after) or said_either_way(stems, i, i + n):
                continue  # "not leather", "doesn't have to be stemless", "the wired ones always get
                # tangled": no feature asked
            if any(t.start in ruled for t in window):
                continue
            says = snap.title_states(phrase)
            k = int((asked & says).sum())
            if k < _MIN_SAYING or not distinguishes(k, total):
                continue
            # how many of the asked say it, times how particular it is to them in the catalog
            score = (k / total) * math.log(catalog / (int(says.sum()) + 1))
            if best is None or score > best[0]:
                best = (score, phrase)
    return best[1] if best is not None else None

"""What a question about a shown product asks when no attribute of its category holds the answer:
"does the first one go in the oven?" asks "oven", "is there a tilt lock on it?" asks "tilt lock".

The words left of the question once pointers at the product ("the first one", "it"), asking verbs
("does it come with…"), function and filler words, judging words and the words naming the asked
products' own kind and brand are set aside, read in runs of adjacent words: "does it have a shoe
compartment?" → ["shoe compartment"], "can the first one plug into a car?" → ["plug", "car"]. The
answer reads them against the product's listing (:mod:`assistant.listing`), never a filter.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources

import yaml

from assistant.plan.semantics import lexicons
from assistant.plan.text import FILLER_WORDS, tokenize
from retrieval.catalog import Product
from retrieval.text import analyze

__all__ = ["asked_terms", "base_adjective", "without_names"]

_MAX_TERMS = 4


@lru_cache(maxsize=1)
def _words() -> tuple[frozenset[str], frozenset[str]]:
    data = yaml.safe_load(
        resources.files("assistant.plan").joinpath("lexicons/asked.yaml").read_text("utf-8")
    )
    words = {str(w) for key in ("pointers", "asking_verbs", "question_words") for w in data.get(key) or []}
    whole = {str(w) for w in data.get("whole") or []}
    return (
        frozenset(words | {t.stem for w in words for t in tokenize(w)}),
        frozenset(whole | {t.stem for w in whole for t in tokenize(w)}),
    )


def base_adjective(word: str) -> str:
    """A superlative's or comparative's plain adjective, an English word ("loudest" → "loud",
    "biggest" → "big", "heaviest" → "heavy", "safest" → "safe"); any other word as it is."""
    from assistant.plan.typos import english_words

    known = english_words()
    for suffix in ("est", "er"):
        if not word.endswith(suffix) or len(word) < len(suffix) + 3:
            continue
        stem = word[: -len(suffix)]
        candidates = [stem[:-1] + "y"] if stem.endswith("i") else []
        if len(stem) > 2 and stem[-1] == stem[-2] and stem[-1] not in "aeiouls":
            candidates.append(stem[:-1])  # "biggest", "hottest"
        candidates += [stem, stem + "e"]  # "loudest", "safest"
        for candidate in candidates:
            if candidate in known:
                return candidate
    return word


def asked_terms(text: str, products: Sequence[Product]) -> list[str]:
    """The feature a question about ``products`` asks, as runs of the message's own words."""
    own = {
        t.stem
        for p in products
        for part in (p.category[-1:] if p.category else []) + ([p.brand] if p.brand else [])
        for t in tokenize(part)
    }
    aside, whole = _words()
    tokens = tokenize(text)
    if any(t.text in whole or t.stem in whole for t in tokens):
        return []  # "what's special about the first one?": the product as a whole
    aside = aside | lexicons().evaluative
    runs: list[list[int]] = []  # token indexes of each run of kept words
    last_end = -2
    for i, t in enumerate(tokens):
        kept = not (
            t.text in aside
            or t.stem in aside
            or t.text in FILLER_WORDS
            or not analyze(t.text)  # a stop word
            or t.stem in own
            or t.text.isdigit()
        )
        if not kept:
            last_end = -2
            continue
        if runs and last_end >= 0 and text[last_end : t.start].strip() in ("", "-"):
            runs[-1].append(i)
        else:
            runs.append([i])
        last_end = t.end
    # ("the hozan jis-5, what does that one go for": the words naming the product asked about)
    terms = [" ".join(tokens[i].text for i in run) for run in runs]
    return without_names(terms, text, products)[:_MAX_TERMS]


def without_names(terms: Sequence[str], text: str, products: Sequence[Product]) -> list[str]:
    """``terms`` less those that name one of ``products`` after "the" in ``text`` ("the corelle one,
    what does it go for": Corelle is the product asked about, shown in an earlier answer, not a
    feature of it)."""
    lowered = text.lower()
    titles = [{t.stem for t in tokenize(f"{p.brand or ''} {p.title}")} for p in products]
    return [
        term
        for term in terms
        if not (
            re.search(rf"\b(?:the|that|this)\s+{_spaced(term)}\b", lowered)
            and any({t.stem for t in tokenize(term)} <= title for title in titles)
        )
    ]


def _spaced(term: str) -> str:
    """A run's words as a pattern taking any spaces or hyphens between them ("jis-5", "dishwasher safe")."""
    return r"[\s-]+".join(re.escape(w) for w in term.split())

"""Shopper shorthand ("anc", "vac", "kicks", "smoothie maker") in the words catalogs use, read from
``lexicons/shorthand.yaml``. A form the catalog itself uses is kept: the store's own words win."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from importlib import resources

import yaml

__all__ = ["expand_shorthand", "spelling_variants", "with_apostrophes"]


@lru_cache(maxsize=1)
def _lexicon() -> dict[str, dict[str, str]]:
    data: dict[str, dict[str, str]] = yaml.safe_load(
        resources.files("assistant.plan").joinpath("lexicons/shorthand.yaml").read_text("utf-8")
    )
    return data


@lru_cache(maxsize=1)
def _table() -> tuple[tuple[re.Pattern[str], str, str], ...]:
    data = _lexicon()
    entries = sorted(data["shorthand"].items(), key=lambda kv: -len(kv[0]))  # longest phrase first
    return tuple(
        (re.compile(rf"(?<![\w'-]){re.escape(short)}(?![\w'-])", re.IGNORECASE), short, str(full))
        for short, full in entries
    )


@lru_cache(maxsize=1)
def _slang() -> tuple[tuple[re.Pattern[str], str], ...]:
    data = _lexicon()
    return tuple(
        (re.compile(rf"(?<![\w'-]){re.escape(short)}(?![\w'-])", re.IGNORECASE), str(full))
        for short, full in (data.get("slang") or {}).items()
    )


@lru_cache(maxsize=1)
def spelling_variants() -> dict[str, str]:
    """Each spelling of a word that has two ("grey" ↔ "gray"), mapped to the other."""
    pairs = {str(a): str(b) for a, b in (_lexicon().get("spellings") or {}).items()}
    return {**pairs, **{b: a for a, b in pairs.items()}}


@lru_cache(maxsize=1)
def _contractions() -> tuple[re.Pattern[str], dict[str, str]]:
    data = yaml.safe_load(
        resources.files("assistant.plan").joinpath("lexicons/contractions.yaml").read_text("utf-8")
    )
    table = {str(k).lower(): str(v) for k, v in (data.get("contractions") or {}).items()}
    words = "|".join(sorted(map(re.escape, table), key=len, reverse=True))
    return re.compile(rf"(?<![\w'’-])(?:{words})(?![\w'’-])", re.IGNORECASE), table


def with_apostrophes(message: str) -> str:
    """``message`` with each contraction typed without its apostrophe written with it ("dont" →
    "don't", "theyre" → "they're"; ``lexicons/contractions.yaml``), the first letter's case kept."""
    pattern, table = _contractions()

    def restore(m: re.Match[str]) -> str:
        full = table[m.group().lower()]
        return full[0].upper() + full[1:] if m.group()[0].isupper() else full

    return pattern.sub(restore, message)


def expand_shorthand(
    message: str, uses: Callable[[str], bool], feature: Callable[[str, str], bool] | None = None
) -> str:
    """``message`` with each shorthand the catalog does not itself use spelled out; ``uses`` tells
    whether the catalog uses a word or phrase itself. ``feature(short, full)`` tells whether the full
    form names one of the catalog's features or categories while the short form names nothing it
    files by (titles saying "ANC" or "mic" while the attribute is noise_cancelling, the category
    Microphones): then it is spelled out all the same."""
    for slang, word in _slang():
        message = slang.sub(word, message)
    for pattern, short, full in _table():
        if pattern.search(message) and (not uses(short) or (feature is not None and feature(short, full))):
            message = pattern.sub(full, message)
    return message

"""Brand names as feeds give them: a placeholder names no maker, and a title may name one.

Feeds fill the brand field with placeholders ("Unknown", "Generic") and labels ("Brand: X"). Read
as a brand, a placeholder breaks every brand rule at once: "NOT Kaweco" keeps a Kaweco pencil
labelled "Unknown", "generic" in a message turns into a brand filter. :func:`clean_brand` (applied by
:class:`retrieval.catalog.Product` to every brand it holds) makes it no brand.

A product that then has no brand often says its maker in its title's opening words ("Kaweco Special
Mechanical Pencil 0.7 mm"). :class:`TitleBrands`, built from the brands the catalog uses, reads that
maker, so ingest files the product under it and the snapshot mask, the filter metadata and Chroma's
``where`` agree on one meaning. The lexicon is ``retrieval/data/brands.yaml``.

Feeds also spell one maker several ways (HUNTER and Hunter Fan Company, Honeywell and Honeywell Home,
Jura and Jura-Capresso): :func:`families` reads from the catalog's own names which belong together (a
brand whose words begin with all the words of a shorter brand is that brand's line), and
:func:`family_heads` the names to say of a list.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml

__all__ = [
    "MIN_LETTERS",
    "BrandLexicon",
    "TitleBrands",
    "brand_lexicon",
    "clean_brand",
    "families",
    "family_heads",
]

# The same normal form as retrieval.catalog.norm and the same words as retrieval.text.words, kept
# here: the Product model imports this module, so it can import neither catalog (a cycle) nor text
# (numpy, on every import of the model).
_WS = re.compile(r"\s+")
_WORD = re.compile(r"[a-z0-9]+")


def _norm(value: str) -> str:
    return _WS.sub(" ", value).strip().casefold()


def _words(value: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(value.casefold()))


@dataclass(frozen=True)
class BrandLexicon:
    """``retrieval/data/brands.yaml``: placeholders, labels and the title rule's limits."""

    placeholders: frozenset[str]
    labels: tuple[str, ...]
    title_brand_min_products: int
    title_brand_min_prefix_words: int


@lru_cache(maxsize=1)
def brand_lexicon() -> BrandLexicon:
    text = resources.files("retrieval").joinpath("data/brands.yaml").read_text("utf-8")
    data = yaml.safe_load(text)
    return BrandLexicon(
        placeholders=frozenset(_norm(str(v)) for v in data["placeholders"]),
        labels=tuple(_norm(str(v)) for v in data["labels"]),
        title_brand_min_products=int(data["title_brand_min_products"]),
        title_brand_min_prefix_words=int(data["title_brand_min_prefix_words"]),
    )


def clean_brand(value: str) -> str | None:
    """``value`` without a leading label ("Brand: X" → "X"); ``None`` when it is a placeholder."""
    lexicon = brand_lexicon()
    name = value.strip()
    for label in lexicon.labels:
        if name.casefold().startswith(label):
            name = name[len(label) :].strip()
            break
    if not name or _norm(name) in lexicon.placeholders:
        return None
    return name


class TitleBrands:
    """The maker a brandless product's title names, among the brands a catalog uses.

    ``brands``: one display name per product that carries it (so the counts say how many products
    carry each). A title names a brand when its opening words are the brand's words (the longest
    such brand wins), or when they agree with the opening words of exactly one longer brand for at
    least ``title_brand_min_prefix_words`` words. Only brands carried by at least
    ``title_brand_min_products`` products count. The display name is the brand's most common
    spelling.
    """

    def __init__(self, brands: Iterable[str]) -> None:
        lexicon = brand_lexicon()
        counts = Counter(name for name in brands if name)
        by_norm: dict[str, Counter[str]] = {}
        for name, n in counts.items():
            by_norm.setdefault(_norm(name), Counter())[name] += n
        self._min_prefix = lexicon.title_brand_min_prefix_words
        self._exact: dict[tuple[str, ...], str] = {}
        self._starts: dict[tuple[str, ...], set[str]] = {}  # opening words of longer brands
        for spellings in by_norm.values():
            if sum(spellings.values()) < lexicon.title_brand_min_products:
                continue
            display = spellings.most_common(1)[0][0]
            key = _words(display)
            if key:
                self._exact[key] = display
                for size in range(self._min_prefix, len(key)):
                    self._starts.setdefault(key[:size], set()).add(display)
        self._longest = max((len(k) for k in self._exact), default=0)

    def __bool__(self) -> bool:
        return bool(self._exact)

    def brand_of(self, title: str) -> str | None:
        """The brand the title's opening words name, or ``None``."""
        opening = _words(title)[: max(self._longest, self._min_prefix)]
        for size in range(min(self._longest, len(opening)), 0, -1):
            if (brand := self._exact.get(opening[:size])) is not None:
                return brand
        for size in range(len(opening), self._min_prefix - 1, -1):
            found = self._starts.get(opening[:size])
            if found:
                # words that start several brands name no one maker
                return next(iter(found)) if len(found) == 1 else None
        return None


MIN_LETTERS = 3
"""A brand name with fewer letters than this names no family ("GE Sealants" is not read from "GE")."""


def _claims(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    return (
        bool(short)
        and sum(len(w) for w in short) >= MIN_LETTERS
        and len(long) > len(short)
        and long[: len(short)] == short
    )


def families(brands: Iterable[str]) -> dict[str, tuple[str, ...]]:
    """Each of ``brands`` that other brands' names begin with, word for word ("hunter": "hunter fan
    company"; "jura": "jura-capresso"), and those names, sorted."""
    by_words: dict[tuple[str, ...], list[str]] = {}
    for brand in brands:
        by_words.setdefault(_words(brand), []).append(brand)
    found: dict[str, tuple[str, ...]] = {}
    for words, names in by_words.items():
        longer = sorted(
            name for other, others in by_words.items() if _claims(words, other) for name in others
        )
        if longer:
            for name in names:
                found[name] = tuple(longer)
    return found


def family_heads(brands: Sequence[str]) -> list[str]:
    """``brands`` without the names another of them heads the family of ("hunter", not "hunter fan
    company"): the names to say."""
    said = [_words(b) for b in brands]
    return [b for b, words in zip(brands, said, strict=True) if not any(_claims(o, words) for o in said)]

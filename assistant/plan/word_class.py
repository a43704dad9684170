"""Which parts of speech an English word can be, from lemminflect's dictionary: the planner's test
for whether the phrase it read as the product asked for is a noun phrase ("bedroom air") or a
clause about a problem ("bedroom air feels stuffy", "my back hurts after"). A word the dictionary
does not have (a misspelling, a name, slang: "blendr", "dishie") is no evidence either way."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache


@lru_cache(maxsize=50_000)
def word_classes(word: str) -> frozenset[str]:
    """The universal POS tags ``word`` has in the dictionary (empty when it is not there)."""
    from lemminflect import getAllLemmas  # the dictionary loads on first use, not at import

    return frozenset(getAllLemmas(word.lower()))


def only_a_verb(word: str) -> bool:
    """A word the dictionary has only as a verb ("feels", "hurts", "keeps"), never as a noun or an
    adjective: it makes a phrase a clause."""
    classes = word_classes(word)
    return bool(classes) and classes <= {"VERB", "AUX"}


def never_a_noun(word: str) -> bool:
    """A word the dictionary has, but not as a noun ("stuffy", "after"): it cannot end a phrase that
    names a product."""
    classes = word_classes(word)
    return bool(classes) and "NOUN" not in classes and "PROPN" not in classes


def noun_phrase(words: list[str], noun: Callable[[str], bool] = lambda w: False) -> list[str]:
    """``words`` read as the product asked for, as far as they name a thing: cut before a verb that
    says what the thing does or did ("bedroom air | feels stuffy", "coffee maker | died") — a word
    only ever a verb, after at least one word, last or followed by a word that is never a noun (not
    "heated" in "electric heated blanket", not "cancelling" in "noise cancelling headphones") — and
    without words at the end that are never nouns ("hurts after": nothing; a gerund is one: "practice
    putting"). A word ``noun`` says is
    one (the catalog names a category by it) is kept as a noun."""
    for i in range(1, len(words)):
        w = words[i]
        if only_a_verb(w) and not w.endswith("ing") and (i == len(words) - 1 or never_a_noun(words[i + 1])):
            words = words[:i]
            break
    while words and never_a_noun(words[-1]) and not noun(words[-1]) and not words[-1].endswith("ing"):
        words = words[:-1]
    return words

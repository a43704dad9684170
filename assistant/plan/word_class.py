"""Which parts of speech an English word can be, from lemminflect's dictionary: the planner's test
for whether the phrase it read as the product asked for is a noun phrase ("bedroom air") or a
clause about a problem ("bedroom air feels stuffy", "my back hurts after"). A word the dictionary
does not have (a misspelling, a name, slang: "blendr", "dishie") is no evidence either way."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache


@lru_cache(maxsize=50_000)
def _lemmas(word: str) -> dict[str, tuple[str, ...]]:
    from lemminflect import getAllLemmas  # the dictionary loads on first use, not at import

    return dict(getAllLemmas(word.lower()))


def word_classes(word: str) -> frozenset[str]:
    """The universal POS tags ``word`` has in the dictionary (empty when it is not there)."""
    return frozenset(_lemmas(word))


def _inflected_verb(word: str) -> bool:
    """A verb form other than the verb itself ("feels", "died"): the dictionary lists some nouns
    only as verbs ("pan"), but never a noun's own spelling as an inflected verb."""
    return any(lemma != word.lower() for lemma in _lemmas(word).get("VERB", ()))


def only_a_verb(word: str) -> bool:
    """An inflected verb the dictionary has only as a verb ("feels", "hurts", "died"), never as a
    noun or an adjective: it makes a phrase a clause."""
    classes = word_classes(word)
    return bool(classes) and classes <= {"VERB", "AUX"} and _inflected_verb(word)


def never_a_noun(word: str) -> bool:
    """A word the dictionary has, but not as a noun ("stuffy", "after", "hurts"): it cannot end a
    phrase that names a product. A verb's own spelling is no evidence ("pan" is listed as a verb
    only)."""
    classes = word_classes(word)
    if not classes or "NOUN" in classes or "PROPN" in classes:
        return False
    return "VERB" not in classes or _inflected_verb(word)


def noun_phrase(words: list[str], noun: Callable[[str], bool] = lambda w: False) -> list[str]:
    """``words`` read as the product asked for, as far as they name a thing.

    Cut before a verb that says what the thing does or did ("bedroom air | feels stuffy", "coffee
    maker | died"): an inflected word only ever a verb, after at least one word, last (a past form,
    not an "-s" word: "pots and pans") or followed by a word that is never a noun nor a gerund (not
    "heated" in "electric heated blanket", not "rated" in "top rated fishing hat", not "cancelling"
    in "noise cancelling headphones"). Then drop the
    words at the end that are never nouns nor verbs ("hurts after"), and with them a verb they
    followed ("hurts": nothing named). A lone inflected verb stays: the dictionary lacks some plural
    nouns ("swaddles"). A word ``noun`` says is one (the catalog names a category by it) is kept."""

    def plain(word: str) -> bool:  # in the dictionary, but no noun nor verb ("after", "stuffy")
        classes = word_classes(word)
        return bool(classes) and not classes & {"NOUN", "PROPN", "VERB"}

    for i in range(1, len(words)):
        w = words[i]
        following = words[i + 1] if i + 1 < len(words) else None
        if (
            only_a_verb(w)
            and not w.endswith("ing")
            and not noun(w)
            and (
                # last: a past form ("died"); a last "-s" word may be a plural noun the dictionary
                # lists as a verb only ("pans")
                (following is None and not w.endswith("s"))
                or (
                    following is not None
                    and never_a_noun(following)
                    and not following.endswith("ing")
                    and not noun(following)
                )
            )
        ):
            words = words[:i]
            break
    dropped = False
    while words and plain(words[-1]) and not noun(words[-1]):
        words, dropped = words[:-1], True
    while dropped and words and only_a_verb(words[-1]) and not noun(words[-1]):
        words = words[:-1]
    return words

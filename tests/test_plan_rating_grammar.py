"""The best rated asked in the shopper's own words is read as a grammar (comparatives.yaml
rating_grammar), not as a list of phrases: a degree word before a verdict word, a verdict verb before
a degree word that ends the clause, the shoppers' favourite."""

from __future__ import annotations

import pytest

from assistant.plan.semantics import find_superlative, tokenize


def _superlative(text: str) -> tuple[str, str] | None:
    found = find_superlative([t.stem for t in tokenize(text.lower())])
    return (found[0], found[1]) if found else None


@pytest.mark.parametrize(
    "said",
    [
        "who has the top stars here",
        "whos got the top stars",
        "the one with the greatest reviews",
        "which has the highest star count",
        "which one has the best star rating",
        "most positively reviewed",
        "top scoring one",
        "which gets the most love from buyers",
        "which do reviewers like most",
        "which stainless kids bottle do reviewers like best",
        "which one do people seem to like the most",
        "which is the customer favorite",
    ],
)
def test_the_best_rated_in_own_words(said: str) -> None:
    assert _superlative(said) == ("rating", "desc")


@pytest.mark.parametrize(
    "said",
    [
        "i like most of them",  # a quantity
        "kids like most toys",  # "most" goes with the noun after it
        "most of the reviews say it leaks",
        "the top one",  # a position
    ],
)
def test_degree_words_that_are_no_rating(said: str) -> None:
    assert _superlative(said) is None


def test_other_dimensions_keep_their_phrases() -> None:
    assert _superlative("best value") == ("price", "asc")

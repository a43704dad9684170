"""The phrase read as the product asked for is a noun phrase, not a clause about a problem
(``assistant.plan.word_class``, used by ``assistant.plan.planner.product_kind``)."""

from __future__ import annotations

import pytest

from assistant.plan.word_class import never_a_noun, noun_phrase, only_a_verb


def test_word_classes_come_from_the_dictionary() -> None:
    assert only_a_verb("feels") and only_a_verb("hurts")
    assert not only_a_verb("tires")  # a noun too
    assert not only_a_verb("pan") and not never_a_noun("pan")  # listed as a verb only: no evidence
    assert never_a_noun("stuffy") and never_a_noun("after")
    assert not never_a_noun("blue") and not never_a_noun("wireless")
    # a word the dictionary lacks (slang, a misspelling) is no evidence
    assert not only_a_verb("dishie") and not never_a_noun("blendr")


@pytest.mark.parametrize(
    ("words", "kept"),
    [
        ("bedroom air feels stuffy", "bedroom air"),
        ("coffee maker died", "coffee maker"),
        ("hurts after", ""),
        ("noise cancelling headphones", "noise cancelling headphones"),
        ("electric heated blanket", "electric heated blanket"),
        ("washing machines", "washing machines"),
        ("loud speaker", "loud speaker"),
        ("practice putting", "practice putting"),
        ("frying pan", "frying pan"),
        ("top rated fishing hat", "top rated fishing hat"),
        ("swaddles", "swaddles"),
        ("cuisinart pots pans", "cuisinart pots pans"),
    ],
)
def test_a_clause_is_cut_to_the_thing_it_names(words: str, kept: str) -> None:
    assert " ".join(noun_phrase(words.split())) == kept


def test_a_word_the_catalog_names_a_category_by_stays_a_noun() -> None:
    assert noun_phrase(["athletic"]) == []
    assert noun_phrase(["athletic"], lambda w: w == "athletic") == ["athletic"]

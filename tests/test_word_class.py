"""The phrase read as the product asked for is a noun phrase, not a clause about a problem
(``assistant.plan.word_class``, used by ``assistant.plan.planner.product_kind``)."""

from __future__ import annotations

import pytest

from assistant.plan.word_class import never_a_noun, noun_phrase, only_a_verb
from retrieval.catalog import Product


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


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("it has to run on 24 volts, his truck isnt 12v like a car", ""),  # what it must do
        ("my daughter wants to learn guitar, what do u have", "guitar"),  # the thing after the verb
        ("a bag to carry my laptop", "bag"),  # the verb follows the thing named
    ],
)
def test_a_verb_after_to_is_no_thing_asked_for(message: str, kind: str) -> None:
    from assistant.plan.planner import product_kind
    from retrieval.products import Vocabulary

    vocabulary = Vocabulary.from_products(
        [Product(id="g", title="Acoustic Guitar 3/4 Size", category=["Music", "Guitars"])]
    )
    assert product_kind(message, vocabulary) == kind


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        # a pronoun and its verb start a clause: nothing after them names the thing
        ("can we do under forty dollars? we're broke lol", ""),
        ("which is the least we'd spend on one? it comes out of the budget lol", ""),
        ("whatever, just the cheapest one you've got", ""),
        # what comes before it still does
        ("an acoustic guitar they're gonna love", "acoustic guitar"),
    ],
)
def test_a_pronoun_contraction_starts_a_clause_not_a_thing(message: str, kind: str) -> None:
    from assistant.plan.planner import product_kind
    from retrieval.products import Vocabulary

    vocabulary = Vocabulary.from_products(
        [Product(id="g", title="Acoustic Guitar 3/4 Size", category=["Music", "Guitars"])]
    )
    assert product_kind(message, vocabulary) == kind


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        # what someone does to a thing, told after its subject and verb: no product named
        ("our puppy just got neutered and he keeps licking the incision", ""),
        ("she scratches the stitches every night", ""),
        # a thing named before the clause still is
        ("a guitar case we can take on the plane", "guitar case"),
        # a category's word after the clause still names the kind
        ("my wife and i want a guitar", "guitar"),
    ],
)
def test_a_thing_someone_does_something_to_is_no_thing_asked_for(message: str, kind: str) -> None:
    from assistant.plan.planner import product_kind
    from retrieval.products import Vocabulary

    vocabulary = Vocabulary.from_products(
        [Product(id="g", title="Acoustic Guitar 3/4 Size", category=["Music", "Guitars"])]
    )
    assert product_kind(message, vocabulary) == kind

"""A category's name of two words said as one ("bandsaw", "clothespins", "boardgame"): the same
category, even where the closed-up word is itself in the English word list. A brand's name closed up
into an English word ("sunday" for Sun Day) stays the word (the late-bd cases)."""

from __future__ import annotations

import pytest

from assistant.plan.text import tokenize
from assistant.plan.vocab import matcher_for
from retrieval.catalog import Product
from retrieval.products import Vocabulary

_PRODUCTS = [
    Product(id=f"{category}{i}", title=f"{brand} {title} {i}", brand=brand, category=["Home", category])
    for brand, title, category in (
        ("Rikon", "Benchtop Band Saw", "Band Saws"),
        ("Suptilics", "Wood Pins for Hanging Clothes", "Clothes Pins"),
        ("Hasbro", "Family Game Night Classic", "Board Games"),
        ("Sun Day", "Beach Towel", "Towels"),
    )
    for i in range(3)
]


def _found(text: str) -> list[tuple[str, str]]:
    matcher = matcher_for(Vocabulary.from_products(_PRODUCTS))
    return [(m.kind, m.value) for m in matcher.find(tokenize(text))]


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("need a bandsaw for the garage", "band saws"),
        ("do you sell bandsaws?", "band saws"),
        ("any clothespins? the wooden kind", "clothes pins"),
        ("got a boardgame the whole family can play", "board games"),
        ("a board game for the family", "board games"),  # as before: the words apart
    ],
)
def test_a_category_said_as_one_word_is_that_category(text: str, category: str) -> None:
    assert ("category", category) in _found(text)


def test_a_brand_closed_up_into_an_english_word_is_the_word() -> None:
    assert not [v for k, v in _found("see you sunday at the beach") if k == "brand"]

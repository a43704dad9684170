"""How much of a product comes ("a tube of silicone caulk", "a pack of socks", "two rolls of
ribbon") is no feature its text must state: the measure word before "of" is no title filter."""

from __future__ import annotations

import pytest

from assistant.plan.text_words import said_features
from assistant.plan.vocab import matcher_for
from retrieval.catalog import Product
from retrieval.products import Vocabulary

_PRODUCTS = [
    Product(id=f"{kind}{i}", title=f"{kind} {i}", category=["Home", kind])
    for kind in ("Silicone Caulk", "Athletic Socks", "Ribbons")
    for i in range(3)
]


@pytest.mark.parametrize(
    ("message", "measure"),
    [
        ("a tube of silicone caulk", "tube"),
        ("need a pack of athletic socks", "pack"),
        ("two rolls of ribbons for gifts", "rolls"),
    ],
)
def test_a_measure_is_no_feature(message: str, measure: str) -> None:
    # (the phrase naming the product reads "tube silicone caulk": the measure stands where a
    # modifier of the kind would)
    matcher = matcher_for(Vocabulary.from_products(_PRODUCTS))
    assert measure not in said_features(message, matcher, modifiers=[measure])


def test_a_word_before_the_kind_still_is_one() -> None:
    assert "clear" in said_features("clear silicone caulk", matcher_for(Vocabulary.from_products(_PRODUCTS)))

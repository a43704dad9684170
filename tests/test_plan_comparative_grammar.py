"""Comparatives said as a grammar, not as listed phrases (``comparatives.yaml`` comparative_grammar,
``semantics._comparative_said``): an adjective that places a product high on a dimension, with "more
… than" its direction and with "less … than", "not as / so … as", "aren't as … as" the other one; a
bare "less than" said of a product shown is its price. A figure or a dimension word after "less than"
is read elsewhere."""

from __future__ import annotations

import pytest

from assistant.plan.semantics import find_comparative, than_ones
from assistant.plan.text import tokenize


def _stems(message: str) -> list[str]:
    return [t.stem for t in tokenize(message)]


@pytest.mark.parametrize(
    ("message", "dimension", "direction"),
    [
        ("anything less than the first one?", "price", "lower"),
        ("any less than that first one?", "price", "lower"),
        ("anything a little less than the first one?", "price", "lower"),
        ("any not as pricey as the first one?", "price", "lower"),
        ("one not so pricey as the top one", "price", "lower"),
        ("something less costly than the first set", "price", "lower"),
        ("any that arent as expensive as the first one", "price", "lower"),
        ("something more spendy than that is fine", "price", "higher"),
        ("are there ones that aren't as loud as the first one", "noise", "lower"),
        ("one thats not so heavy as the first", "weight", "lower"),
    ],
)
def test_a_comparative_said_as_a_grammar(message: str, dimension: str, direction: str) -> None:
    found = find_comparative(_stems(message))
    assert found is not None and found[:2] == (dimension, direction)


@pytest.mark.parametrize(
    "message",
    [
        "less than 50 dollars",  # a price cap, read by the price parser
        "less than two of those",  # a count
        "less than one pound",  # a figure
        "not as a gift",  # no adjective of a dimension
    ],
)
def test_no_comparative_without_a_product_or_an_adjective(message: str) -> None:
    assert find_comparative(_stems(message)) is None


def test_a_dimension_word_after_less_than_is_that_dimension() -> None:
    stems = _stems("less than the first one weighs")
    assert find_comparative(stems) is None
    found = than_ones(stems)
    assert found is not None and found[:2] == ("weight", "lower")

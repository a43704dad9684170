"""Shoppers say "any brand but X", "every color but red": a quantifier, one word, then "but" rules
out the value after it (``negations.yaml`` ``any_but``), and "any brand" said before an exception
keeps its words so the exception reads as one; "any brand is fine" still drops a brand asked before."""

from __future__ import annotations

import pytest

from assistant.plan import plan_turn
from assistant.plan.intents import find_clears
from assistant.plan.vocab import negated_words
from assistant.schemas import HistoryTurn
from retrieval.catalog import Product
from retrieval.products import Vocabulary

PRODUCTS = [
    Product(id="k1", title="Sport Mechanical Pencil", brand="Kaweco", category=["Office", "Mechanical Pencils"], color="Red"),
    Product(id="k2", title="Special Mechanical Pencil", brand="Kaweco", category=["Office", "Mechanical Pencils"], color="Black"),
    Product(id="p1", title="Twist Mechanical Pencil", brand="Pentel", category=["Office", "Mechanical Pencils"], color="Blue"),
    Product(id="p2", title="Graph Gear Pencil", brand="Pentel", category=["Office", "Mechanical Pencils"], color="Black"),
]  # fmt: skip


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return Vocabulary.from_products(PRODUCTS)


@pytest.mark.parametrize(
    "message",
    [
        "i need a mechanical pencil, any brand but kaweco",
        "a mechanical pencil from any brand but kaweco",
        "mechanical pencil, whatever brand but kaweco",
        "any brand except kaweco, a mechanical pencil",
        "a mechanical pencil, any maker besides kaweco",
    ],
)
def test_any_brand_but_rules_the_brand_out(vocab: Vocabulary, message: str) -> None:
    plan = plan_turn(message, [], vocab)
    assert plan.filters.brands == []
    assert plan.filters.exclude_brands == ["kaweco"]


def test_every_color_but_rules_the_color_out(vocab: Vocabulary) -> None:
    plan = plan_turn("a mechanical pencil in every color but red", [], vocab)
    assert "red" not in plan.filters.colors


@pytest.mark.parametrize(
    ("before", "words", "negated"),
    [
        ("any brand but ", "kaweco", True),
        ("every color but ", "red", True),
        ("any brand but from ", "kaweco", True),
        ("anything but ", "kaweco", True),
        # no quantifier, or not one word between: "but" joins, it does not exclude
        ("a pencil but ", "red", False),
        ("any of those but in ", "red", False),
        ("a cheap one but ", "kaweco", False),
    ],
)
def test_which_buts_exclude(before: str, words: str, negated: bool) -> None:
    assert negated_words(before, words) is negated


def test_any_brand_alone_still_clears_the_brand_asked_before(vocab: Vocabulary) -> None:
    first = plan_turn("kaweco mechanical pencils", [], vocab)
    assert first.filters.brands == ["kaweco"]
    history = [HistoryTurn(role="assistant", content="", plan=first, shown_ids=["k1"])]
    again = plan_turn("any brand is fine", history, vocab)
    assert again.filters.brands == []
    clears = find_clears("any brand but kaweco")
    assert "brand" in clears.targets and clears.spans == []  # the words stay for the exception
    assert find_clears("any brand is fine").spans

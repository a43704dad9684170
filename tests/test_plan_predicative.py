"""A category's word said as how a thing is ("my pillows went totally flat", "they look sad and flat"):
after a linking verb (``evaluative.yaml`` linking), with degree words or "and"-joined adjectives
between and nothing naming on after it, it describes the subject and names no product (not Flats).
The category named as a noun ("flats for work", "a pair of flats") is read as before."""

from __future__ import annotations

import pytest

from assistant.plan import plan_turn
from retrieval.catalog import Product
from retrieval.products import Vocabulary

PRODUCTS = [
    Product(id="f1", title="Ballet Flat", brand="Naturalizer", category=["Shoes", "Flats"], price=59),
    Product(id="f2", title="Flat Sandal", brand="Skechers", category=["Shoes", "Flats"], price=39),
    Product(id="p1", title="Pillow Inserts 18x18, Set of 2", brand="Foamily", category=["Home", "Pillow Inserts"], price=19),
]  # fmt: skip


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return Vocabulary.from_products(PRODUCTS)


@pytest.mark.parametrize(
    "message",
    [
        "my throw pillows went totally flat, what can i restuff the covers with?",
        "the cushions on my couch look sad and flat, need new stuffing",
        "our old pillows got so flat",
        "my pillows are flat",
    ],
)
def test_a_category_word_said_as_how_a_thing_is_names_no_product(vocab: Vocabulary, message: str) -> None:
    assert "flats" not in plan_turn(message, [], vocab).filters.categories


@pytest.mark.parametrize(
    "message", ["flats for work", "looking for a pair of flats", "some flats that are comfy"]
)
def test_the_category_named_as_a_noun_is_read(vocab: Vocabulary, message: str) -> None:
    assert plan_turn(message, [], vocab).filters.categories == ["flats"]


def test_an_activity_after_go_is_no_adjective() -> None:
    camping = [
        Product(id="t1", title="Dome Tent", brand="Ridgeback", category=["Camping", "Tents"], price=99)
    ]
    plan = plan_turn(
        "going camping in october, what will keep me warm", [], Vocabulary.from_products(camping)
    )
    assert plan.filters.categories == ["camping"]

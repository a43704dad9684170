"""A question whose subject is the thing asked for names no kind (the late-bq cases): "what gets the
smell out", and "my husband smokes on the balcony, what gets the smell out", whose story before the
comma names no kind ("husband smokes" is no product asked for). A question about what the shopper
does ("what can i restuff the covers with") or one after a story naming a kind ("my throw pillows
went flat") keeps the kind the story names."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from assistant.plan.planner import product_kind
from retrieval.products import Vocabulary
from retrieval.schema import CatalogSchema
from tests.plan_support import small_store


@pytest.fixture(scope="module")
def store() -> tuple[Vocabulary, CatalogSchema, Callable[[str], list[tuple[str, int]]]]:
    rows = [
        (["Kitchen Appliances", "Blenders"], "Pro 1000 Blender"),
        (["Home", "Throw Pillows"], "Decorative Throw Pillow"),
        (["Home", "Throw Pillow Covers"], "Linen Throw Pillow Covers"),
        (["Home", "Air Purifiers"], "Pure 200 HEPA Air Purifier"),
        (["Camping", "Tents"], "Basecamp 6 Tent"),
        (["Camping", "Sleeping Bags"], "Down Mummy Sleeping Bag"),
    ]
    return small_store(rows)


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        (
            "my throw pillows went totally flat, what can i restuff the covers with?",
            "throw pillows went flat",
        ),
        ("a tent for 4, what do you have", "tent"),
        ("which sleeping bag is warmest", "sleeping bag"),
    ],
)
def test_the_question_names_the_kind(message: str, kind: str, store: tuple) -> None:
    vocab, _, _ = store
    assert product_kind(message, vocab) == kind


@pytest.mark.parametrize(
    "message",
    [
        "my husband smokes on the balcony and it drifts into our bedroom, what gets the smell out",
        "my roommate smokes and the whole place reeks, what can get rid of the smell in my bedroom",
    ],
)
def test_a_question_whose_subject_is_the_thing_names_no_kind(message: str, store: tuple) -> None:
    vocab, _, _ = store
    assert product_kind(message, vocab) == ""

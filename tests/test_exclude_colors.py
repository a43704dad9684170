"""A colour ruled out ("anything but red", "no grey please", the late-bf cases): no product whose
colour holds it in any spelling the feed uses (Red, Wood Red, Red & Black), a product without a
colour stays, the planner reads it in any catalog (not only one with few colours), and where every
product is that colour the answer says so."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.answers import constraints_text
from assistant.plan.planner import plan_turn
from assistant.schemas import HistoryTurn, QueryPlan
from retrieval.catalog import Product
from retrieval.filters import Filters, holds_colour, matches
from retrieval.products import Vocabulary
from retrieval.relax import EXCLUDED_COLOR_FIELD, search_relaxed
from retrieval.snapshot import CatalogSnapshot

_COLOURS = ["Red", "Wood Red,11'*33''*6''", "Red & Black", "Blue", None, "Rose Gold", "Gold"]


def _boards(colours: list[str | None]) -> list[Product]:
    return [
        Product(
            id=f"b{i}", title=f"Inflatable Paddle Board {i}", category=["Sports", "Paddleboards"], color=c
        )
        for i, c in enumerate(colours)
    ]


@pytest.mark.parametrize(
    ("ruled", "kept"),
    [
        (["red"], ["Blue", None, "Rose Gold", "Gold"]),
        (["rose gold"], ["Red", "Wood Red,11'*33''*6''", "Red & Black", "Blue", None, "Gold"]),
        (["red", "blue"], [None, "Rose Gold", "Gold"]),
    ],
)
def test_every_colour_holding_a_ruled_one_is_out(ruled: list[str], kept: list[str | None]) -> None:
    products = _boards(_COLOURS)
    f = Filters(exclude_colors=ruled)
    assert [p.color for p in products if matches(p, f)] == kept
    snap = CatalogSnapshot(products, np.zeros((len(products), 4), dtype=np.float32), version=1)
    assert snap.mask(f).tolist() == [matches(p, f) for p in products]


def test_a_colour_is_held_by_all_its_words() -> None:
    assert holds_colour("Red & Black", ["red"]) and not holds_colour("Gold", ["rose gold"])


def test_where_every_product_is_that_colour_the_answer_says_so() -> None:
    products = _boards(["Red", "Red & Black"])
    found = search_relaxed(Filters(exclude_colors=["red"]), lambda f: [p for p in products if matches(p, f)])
    assert [r.field for r in found.relaxed] == [EXCLUDED_COLOR_FIELD]
    assert found.relaxed[0].asked == "in a colour other than red"
    assert found.relaxed[0].closest == "all we have is in Red and Red & Black"


def test_the_answer_names_the_colour_ruled_out() -> None:
    plan = QueryPlan(query="paddle board", filters=Filters(exclude_colors=["red"]))
    assert constraints_text(plan) == " not in red"


@pytest.fixture(scope="module")
def many_colours() -> Vocabulary:
    """A feed's colours: far more than a list of "every other colour" could hold, in two spellings."""
    colours = ["Grey", "Dark Grey", "Gray", "Blue", "Red", *(f"Shade {i} Green" for i in range(600))]
    products = [
        Product(id=f"w{i}", title=f"Weighted Blanket {i}", category=["Home", "Weighted Blankets"], color=c)
        for i, c in enumerate(colours)
    ]
    return Vocabulary.from_products(products)


@pytest.mark.parametrize(
    ("message", "ruled"),
    [
        ("weighted blanket, anything but red", ["red"]),
        ("a weighted blanket that isn't blue", ["blue"]),
        ("weighted blankets, no grey please", ["grey", "gray"]),
    ],
)
def test_a_colour_ruled_out_in_a_feed_of_many_colours(
    many_colours: Vocabulary, message: str, ruled: list
) -> None:
    plan = plan_turn(message, [], many_colours)
    assert plan.filters.exclude_colors == ruled and plan.filters.colors == []


def test_a_colour_asked_again_is_no_longer_ruled_out(many_colours: Vocabulary) -> None:
    first = plan_turn("weighted blanket, anything but red", [], many_colours)
    history = [HistoryTurn(role="assistant", content="", plan=first, shown_ids=["w0"])]
    again = plan_turn("actually red ones are fine", history, many_colours, previous=first)
    assert "red" not in again.filters.exclude_colors

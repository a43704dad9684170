"""An ask under one level of the catalog that names no kind ("somewhere comfy for my old dog to sleep":
Dogs) is focused on the leaf under that level whose own products are clearly the nearest
(``kind_products_margin``; above 1 turns the reading off), and a budget said next that no product of
that kind meets is loosened and said for it, never met by cheaper things of another kind. After a use
shown as one kind, a budget alone ("can we do under forty?") stays with the kinds shown rather than
the cheaper neighbours one level up (``Assistant._kind_of_shown``). Real sentence embeddings (the
bundled MiniLM model)."""

from __future__ import annotations

from pathlib import Path

import pytest

from retrieval.catalog import Product
from tests.turn_support import MINILM, small_assistant, turn

_ROWS = [
    (("Pets", "Dogs", "Dog Beds"), "Calming Donut Dog Bed, Medium", "Pawsome", 39.0),
    (("Pets", "Dogs", "Dog Beds"), "Orthopedic Memory Foam Dog Bed, Large", "Barkside", 119.0),
    (("Pets", "Dogs", "Dog Beds"), "Bolster Dog Bed with Washable Cover", "Barkside", 45.0),
    (("Pets", "Dogs", "Leashes & Harnesses"), "Reflective Dog Leash, 6 ft", "Trailhound", 19.0),
    (("Pets", "Dogs", "Leashes & Harnesses"), "No-Pull Dog Harness", "Trailhound", 29.0),
    (("Pets", "Dogs", "Dog Toys"), "Tough Chew Toy Set for Dogs", "Pawsome", 15.0),
    (("Pets", "Cats", "Cat Trees"), "52-Inch Cat Tree with Condo", "Whiskerly", 89.0),
]  # fmt: skip
_KITCHEN = [
    (("Kitchen", "Small Appliances", "Compact Refrigerators"), "Retro Mini Fridge for Dorm Rooms, 6 Can", "Cooluli", 48.59),
    (("Kitchen", "Small Appliances", "Compact Refrigerators"), "Compact Refrigerator, 1.7 cu ft, Single Door", "Frigidaire", 124.98),
    (("Kitchen", "Small Appliances", "Compact Refrigerators"), "Personal Mini Fridge, Cools and Heats", "Chefman", 48.8),
    (("Kitchen", "Small Appliances", "Sandwich Makers"), "Panini Press and Sandwich Maker", "Nostalgia", 23.96),
    (("Kitchen", "Small Appliances", "Fondue Pots"), "Electric Fondue Pot Set", "Nostalgia", 29.99),
]  # fmt: skip


def _products(rows: list[tuple[tuple[str, ...], str, str, float]] = _ROWS) -> list[Product]:
    return [
        Product(
            id=f"l{i}",
            title=title,
            brand=brand,
            price=price,
            rating=4.4,
            rating_count=100,
            category=list(path),
        )
        for i, (path, title, brand, price) in enumerate(rows)
    ]


@pytest.mark.parametrize("margin, focused", [(0.05, True), (2.0, False)])
def test_an_ask_under_one_level_is_focused_on_the_leaf_whose_products_are_nearest(
    tmp_path: Path, margin: float, focused: bool
) -> None:
    with small_assistant(tmp_path / "data", _products(), **{**MINILM, "kind_products_margin": margin}) as a:
        shown, _, plan, sid = turn(a, "somewhere comfy for my old dog to sleep, his joints are stiff")
        if not focused:
            assert plan.filters.categories != ["dog beds"]
            return
        assert plan.filters.categories == ["dog beds"] and plan.filters.categories_all == ["dogs"]
        assert shown and all(p.category[-1] == "Dog Beds" for p in shown)  # not the leash, the chew toys
        shown, text, plan, _ = turn(a, "anything under 20 bucks?", sid)
        assert shown and all(p.category[-1] == "Dog Beds" for p in shown)  # not the $19 leash
        assert plan.relaxed and "Nothing matched under $20" in text


def test_a_budget_after_a_use_stays_with_the_kinds_shown(tmp_path: Path) -> None:
    # the ask left unfocused (leaf names and products out of play): the kinds shown carry the budget
    unfocused = {**MINILM, "kind_focus_similarity": 0.99, "kind_products_margin": 2.0}
    with small_assistant(tmp_path / "data", _products(_KITCHEN), **unfocused) as a:
        shown, _, _, sid = turn(
            a,
            "me and my roommate want somewhere to keep drinks and snacks cold in our dorm room, what would fit?",
        )
        assert [p.category[-1] for p in shown].count("Compact Refrigerators") >= 2
        shown, text, plan, _ = turn(a, "can we do under forty dollars? we're broke lol", sid)
        assert shown and all(p.category[-1] == "Compact Refrigerators" for p in shown)  # not the panini press
        assert plan.relaxed and "Nothing matched under $40" in text


_AUDIO = [
    *[(("Audio", "Headphones"), f"Wireless Over-Ear Headphones {n}", "Halcyon", 99.0 + n) for n in range(4)],
    *[(("Audio", "Headphones", "Kids Headphones"), f"Kids Volume-Limited Headphones {n}", "Pipsqueak", 29.0 + n) for n in range(4)],
]  # fmt: skip


@pytest.mark.parametrize(
    "message", ["headphones please", "headphones pls", "could i see some headphones, thanks"]
)
def test_a_level_asked_by_its_own_name_alone_is_all_of_it(tmp_path: Path, message: str) -> None:
    # Headphones holds products of its own and the Kids Headphones leaf: nothing but its name (and
    # a courtesy) was said, so no leaf under it is nearer to the ask than the others
    with small_assistant(
        tmp_path / "data", _products(_AUDIO), **{**MINILM, "kind_products_margin": 0.0}
    ) as a:
        shown, _, plan, _ = turn(a, message)
        assert plan.filters.categories == ["headphones"]
        assert any(p.category[-1] == "Headphones" for p in shown)

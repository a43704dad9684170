"""A count of a product ("a set of 4", "a 2 pack", "Pack of 12", "24 Count", "5 PCS") is one figure
whichever order it is said in (the late-aa counts): titles state it, a message asks for it as a
title quantity, and "set" or "pack" never names a kind of product ("any in a set of 4?" after throw
pillow covers is not the catalog's Sets)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.plan.semantics import said_quantities
from assistant.turn import Assistant
from retrieval.quantities import counts_as_packs, title_quantities
from tests.turn_support import MINILM, products_in, small_assistant, turn


@pytest.mark.parametrize(
    ("title", "count"),
    [
        ("JoyJolt Stemless Wine Glasses, Set of 4, 15 oz", 4),
        ("FUANRTK Danish Dough Whisk 2 Pack Premium", 2),
        ("EUNA 5 PCS Knife Set", 5),
        ("Energizer AA Batteries (24 Count)", 24),
        ("Hanes 6-Pack Crew Socks", 6),
        ("Kitchen Towels, Pack of 12", 12),
        ("Windows 10 PC Stick", None),
    ],
)
def test_a_title_states_its_count_either_way(title: str, count: int | None) -> None:
    counts = [q.value for q in title_quantities(title) if q.dimension == "count"]
    assert counts == ([count] if count is not None else [])


def test_a_count_said_first_keeps_every_span() -> None:
    text = "any in a set of 4, under 20"
    rewritten = counts_as_packs(text)
    assert len(rewritten) == len(text) and rewritten.startswith("any in a 4 ct")
    assert rewritten.endswith(", under 20")


@pytest.mark.parametrize("message", ["any in a set of 4?", "a 4 pack?", "one that comes as a pack of 4"])
def test_a_message_asks_for_a_count(message: str) -> None:
    [(unit, bounds, _)] = said_quantities(message)
    assert unit == "count" and bounds.gte is not None and bounds.gte <= 4 <= (bounds.lte or bounds.lt or 0)


_GLASSES = products_in(
    ["Home & Kitchen", "Glassware", "Wine Glasses"],
    [
        ("JoyJolt", "JoyJolt Stemless Wine Glasses, Set of 4", 19.95),
        ("Luigi", "Luigi Bormioli Stemless Wine Glasses, Set of 6", 54.35),
        ("Schott", "Schott Zwiesel Red Wine Glasses, Set of 6", 69.0),
        ("Riedel", "Riedel Wine Glasses 2 Pack", 49.0),
        ("Amazon Basics", "Amazon Basics Stemless Wine Glasses (Set of 4)", 16.16),
        ("Libbey", "Libbey Wine Glass 12 oz", 8.0),
    ],
    "wg",
)
_SETS = products_in(
    ["Clothing", "Swimwear", "Sets"],
    [
        ("Cupshe", "CUPSHE Women's Striped Bikini Set", 29.0),
        ("Cupshe", "CUPSHE Women's Ruffled Bikini Set", 31.0),
        ("Zaful", "ZAFUL Two Piece Swim Set", 25.0),
    ],
    "sw",
)


@pytest.fixture(scope="module")
def shop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    with small_assistant(tmp_path_factory.mktemp("counts") / "data", [*_GLASSES, *_SETS], **MINILM) as a:
        yield a


def test_a_set_of_six_after_wine_glasses_asks_for_sets_of_wine_glasses(shop: Assistant) -> None:
    shown, _, _, sid = turn(shop, "wine glasses")
    assert shown and all(p.id.startswith("wg") for p in shown)
    shown, text, plan, _ = turn(shop, "a set of 6?", sid)
    assert plan.intent == "refine" and "sets" not in plan.filters.categories
    assert "count" in plan.filters.title_quantities and "set" not in plan.filters.text_words
    assert {p.id for p in shown} == {"wg1", "wg2"}, text


@pytest.mark.parametrize(
    "text", ["a pack of 60 litres or more", "now the pack: biggest one", "a big pack, 60 liters"]
)
def test_a_pack_that_is_a_backpack_is_no_count(text: str) -> None:
    assert counts_as_packs(text) == text
    assert all(q.dimension != "count" for q in title_quantities(text))

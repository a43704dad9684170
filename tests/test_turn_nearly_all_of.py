"""An ask naming no kind whose first matches are all but one of one kind (at least three) is about that
kind (``Assistant._nearly_all_of``): its products fill the answer, not the odd one filed elsewhere,
and a follow-up keeps to it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.turn import Assistant
from retrieval.catalog import Product
from tests.turn_support import products_in, small_assistant, turn

_WEIGHTED = ["Home & Kitchen", "Bedding", "Weighted Blankets"]
_BED = ["Home & Kitchen", "Bedding", "Blankets & Throws", "Bed Blankets"]
_LAMPS = ["Tools & Home Improvement", "Lighting", "Night Lights"]


def _products() -> list[Product]:
    return [
        *products_in(
            _WEIGHTED,
            [
                ("Luna", "Luna Heavy Calming Sleep Weighted Blanket 15 lbs", 59.0),
                ("YnM", "YnM Heavy Calming Sleep Weighted Blanket 20 lbs", 69.0),
                ("Quility", "Quility Calming Heavy Sleep Weighted Blanket", 79.0),
                ("ZonLi", "ZonLi Cooling Heavy Calming Sleep Weighted Blanket", 49.0),
                ("Bare Home", "Bare Home Knitted Weighted Blanket 12 lbs", 89.0),
            ],
            "wb",
        ),
        *products_in(_BED, [("Bedsure", "Bedsure Heavy Calming Sleep Bed Blanket Queen", 39.0)], "bed"),
        *products_in(_LAMPS, [("Emotionlite", "Plug-in Night Light for the Hallway", 12.0)], "lamp"),
    ]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    with small_assistant(tmp_path_factory.mktemp("nearly-all") / "data", _products(), recommendations=5) as a:
        yield a


def test_an_ask_whose_matches_are_nearly_all_one_kind_is_about_it(
    assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the leaf rankings by meaning and by words disagree, as they do for this ask over a real
    # marketplace feed: neither names a kind, and the matches themselves do
    monkeypatch.setattr(assistant.searcher, "clearly_nearest_by_products", lambda *a, **k: None)
    monkeypatch.setattr(assistant.searcher, "leaf_led_by_meaning_and_words", lambda *a, **k: None)
    shown, _, plan, session = turn(assistant, "something heavy and calming so my daughter can sleep")
    assert plan.filters.categories == ["weighted blankets"]
    assert shown and all(p.id.startswith("wb") for p in shown)
    # a follow-up keeps to that kind
    shown, _, plan, _ = turn(assistant, "any under 60?", session)
    assert plan.filters.categories == ["weighted blankets"]
    assert shown and {p.id for p in shown} == {"wb0", "wb3"}


def test_matches_of_mixed_kinds_name_none(assistant: Assistant) -> None:
    wb = [p for p in _products() if p.id.startswith("wb")]
    others = [p for p in _products() if not p.id.startswith("wb")]
    assert assistant._nearly_all_of([*wb[:4], others[0]]) == "Weighted Blankets"
    assert assistant._nearly_all_of([*wb[:3], *others]) is None  # three of five: no kind
    assert assistant._nearly_all_of(wb[:3]) is None  # fewer than an answer shows

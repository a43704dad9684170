"""A shown product called "the <words> one" by words of its name asks about that product, even when one
of the words is another kind's name (the late-cd cases): "does the kestrel desk one come in black?"
after air purifiers is the Kestrel Home Desk Air Mini Purifier in black, not standing desks."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.plan.planner import called_by_name
from assistant.turn import Assistant
from retrieval.catalog import Product
from tests.turn_support import small_assistant, turn


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, demo_products: list[Product]) -> Iterator[Assistant]:
    with small_assistant(tmp_path_factory.mktemp("called-by-name") / "data", demo_products) as a:
        yield a


_TITLES = {
    "desk-white": "Kestrel Home Desk Air Mini Purifier, White",
    "pure-200": "Clearbreath Pure 200 HEPA Air Purifier",
    "room-350": "Kestrel Home Room Air 350 Purifier",
}


@pytest.mark.parametrize(
    ("message", "called"),
    [
        ("does the kestrel desk one come in black?", True),
        ("how loud is the clearbreath one", True),
        # every shown product, or none of them, is no product called by name
        ("the purifier ones", False),
        ("do you have a desk in black", False),
        ("the standing desk one", False),
    ],
)
def test_the_words_one_calls_some_shown_products(message: str, called: bool) -> None:
    assert called_by_name(message, list(_TITLES), _TITLES) is called


def test_a_kinds_word_in_a_shown_products_name_asks_about_it(demo: Assistant) -> None:
    shown, _, plan, sid = turn(demo, "need a quiet air purifier for my home office")
    assert plan.filters.categories == ["air purifiers"]
    assert any(p.id.startswith("ap-kestrel-desk-air") for p in shown)
    shown, _, plan, _ = turn(demo, "does the kestrel desk one come in black?", sid)
    assert plan.filters.categories == ["air purifiers"]
    assert shown and all(p.category[-1] == "Air Purifiers" for p in shown)
    assert "ap-kestrel-desk-air-black" in {p.id for p in shown}
    # a place said aside ("my office": a level of the catalog) asks for no other kind either
    shown, _, plan, _ = turn(
        demo, "is the kestrel desk one available in white? my office is all dark wood and white metal", sid
    )
    assert plan.filters.categories == ["air purifiers"]
    assert shown and all(p.category[-1] == "Air Purifiers" for p in shown)


def test_a_kind_asked_with_its_own_words_is_still_that_kind(demo: Assistant) -> None:
    _, _, _, sid = turn(demo, "need a quiet air purifier for my home office")
    shown, _, plan, _ = turn(demo, "also a standing desk, the wide one", sid)
    assert plan.filters.categories == ["standing desks"]
    assert shown and all(p.category[-1] == "Standing Desks" for p in shown)

"""Two words of a kind ("studio monitors", "graham crackers") are seen together only where a title
says what its product is, not in what it is made for ("… Rack for Music Studio Mixers, Controllers,
Monitors", "S'mores Maker … for Graham Crackers"): a kind no product is gets the stricter check."""

from __future__ import annotations

from assistant.turn import _TitleCategories
from retrieval.catalog import Product


def _product(pid: str, title: str, leaf: str) -> Product:
    return Product(id=pid, title=title, category=["Shop", leaf], price=10.0)


PRODUCTS = [
    _product(
        "rack",
        "Double DJ Laptop Stand | Portable Computer Clamp Rack with Duel Mounts for Music Studio Mixers, "
        "Controllers, Monitors, CD Player",
        "Racks & Stands",
    ),
    _product("hr", "Heart Rate Monitor Chest Strap", "Heart Rate Monitors"),
    _product("smores", "Electric S'mores Maker with 4 Trays for Graham Crackers, Chocolate", "Fondue Pots"),
    _product("cracker", "Saltine Crackers, Family Size", "Crackers"),
    _product("desk", "Studio Desk with Keyboard Tray", "Desks"),
    _product("mat", "Thick Yoga Mat for Home Workouts", "Yoga Mats"),
]


def test_a_pair_said_only_in_what_a_product_is_for_is_unseen() -> None:
    index = _TitleCategories.build(1, PRODUCTS)
    assert index.pair_unseen("studio", "monitors")
    assert index.pair_unseen("graham", "crackers")
    # said where the title says what the product is
    assert not index.pair_unseen("heart", "monitor")
    assert not index.pair_unseen("yoga", "mats")
    # a word no title has: not this check's to say
    assert not index.pair_unseen("salt", "crackers")

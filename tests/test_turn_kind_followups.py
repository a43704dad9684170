"""Follow-ups about the kind of product a marketplace catalog only hints at, end to end: a leaf name
several parents file ("Cases": card storage and earbud accessories) stays the one shown; a follow-up
that nothing of that kind meets is loosened within the kind and said; a word that only qualifies a
category's name ("oven" in Microwave Oven Parts) or only a description mentions ("wear a helmet") is
no kind the store sells."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.turn import Assistant
from retrieval.catalog import Product
from tests.turn_support import small_assistant, turn

_ROWS = [
    (("Toys & Games", "Card Storage & Display", "Cases"), "Deck Box 100 Cards Green", "Green", 6.99, ""),
    (("Toys & Games", "Card Storage & Display", "Cases"), "Deck Box 100 Cards White", "White", 7.99, ""),
    (("Toys & Games", "Card Storage & Display", "Cases"), "Boulder Deck Box Emerald", "Green", 11.45, ""),
    (("Toys & Games", "Card Storage & Display", "Cases"), "Boulder Deck Box Ruby", "Red", 11.39, ""),
    (("Toys & Games", "Card Storage & Display", "Cases"), "Sidewinder Deck Box Black", "Black", 16.23, ""),
    (
        ("Electronics", "Headphones, Earbuds & Accessories", "Cases"),
        "AirPods Case Cover Black",
        "Black",
        9.99,
        "",
    ),
    (
        ("Electronics", "Headphones, Earbuds & Accessories", "Cases"),
        "AirPods Case Silicone",
        "Pink",
        9.49,
        "",
    ),
    (("Electronics", "Headphones, Earbuds & Accessories", "Cases"), "Galaxy Buds Case", "Blue", 8.99, ""),
    (("Kitchen", "Pots & Pans", "Woks & Stir-Fry Pans"), "Carbon Steel Wok 14 Inch", "Black", 34.4, ""),
    (("Kitchen", "Pots & Pans", "Woks & Stir-Fry Pans"), "Stainless Stir Fry Wok Pan", "Silver", 49.99, ""),
    (("Kitchen", "Pots & Pans", "Woks & Stir-Fry Pans"), "Hand Hammered Wok", "Black", 64.99, ""),
    (("Appliances", "Microwave Oven Parts & Accessories"), "Microwave Turntable Plate", "Clear", 12.0, ""),
    (("Toys", "Ride-Ons"), "Balance Bike for Toddlers", "Blue", 79.0, "Always wear a helmet when riding."),
    (("Toys", "Ride-Ons"), "Kids Scooter 3 Wheel", "Purple", 49.0, "Wear a helmet and knee pads."),
]


def _products() -> list[Product]:
    return [
        Product(
            id=f"p{i}",
            title=title,
            brand=("Acme", "Zeta")[i % 2],
            color=color,
            price=price,
            category=list(path),
            description=description,
        )
        for i, (path, title, color, price, description) in enumerate(_ROWS)
    ]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    with small_assistant(tmp_path_factory.mktemp("kind-followups") / "data", _products()) as a:
        yield a


_turn = turn


def test_a_leaf_name_several_parents_file_stays_the_one_shown(assistant: Assistant) -> None:
    shown, _, plan, sid = _turn(assistant, "a deck box for my cards, ten to twenty bucks")
    assert plan.category_hint == "cases" and any("Card Storage & Display" in p.category for p in shown)
    cheaper, _, plan, sid = _turn(assistant, "any cheaper?", sid)
    assert cheaper and all("Card Storage & Display" in p.category for p in cheaper)
    # nothing of that kind is black under the price of "cheaper?": the price is loosened and said,
    # rather than black earbud cases shown
    black, text, plan, _ = _turn(assistant, "do they come in black", sid)
    assert black and all("Card Storage & Display" in p.category and p.color == "Black" for p in black)
    assert plan.relaxed and "Nothing matched under" in text


def test_a_word_that_only_qualifies_a_category_name_is_no_kind_sold(assistant: Assistant) -> None:
    _, _, _, sid = _turn(assistant, "got a decent wok?")
    shown, _, plan, _ = _turn(assistant, "and a dutch oven for soups?", sid)
    assert plan.intent == "out_of_catalog" and not shown


def test_a_word_only_a_description_mentions_is_no_kind_sold(assistant: Assistant) -> None:
    _, _, _, sid = _turn(assistant, "a balance bike for my 2 year old")
    shown, _, plan, _ = _turn(assistant, "does the store have kids bike helmets too?", sid)
    assert plan.intent == "out_of_catalog" and not shown


def test_one_budget_for_every_item_keeps_what_fits_with_the_others_cheapest() -> None:
    from assistant.turn import _within_total

    baskets = [Product(id=f"b{p}", title="Picnic Basket", price=p) for p in (38.0, 52.0, 60.0)]
    glasses = [Product(id=f"g{p}", title="Wine Glasses", price=p) for p in (16.0, 30.0, 55.0)]
    (kept_b, kept_g), over = _within_total([baskets, glasses], 70.0)
    assert over is None
    assert [p.price for p in kept_b] == [38.0, 52.0]  # 60 + the cheapest glasses (16) is over 70
    assert [p.price for p in kept_g] == [16.0, 30.0]  # 55 + the cheapest basket (38) is over 70
    groups, over = _within_total([baskets, glasses], 40.0)
    assert over == 54.0 and groups == [baskets, glasses]  # nothing fits: said, not emptied


def test_a_vague_ask_is_searched_when_the_catalog_knows_what_they_like(assistant: Assistant) -> None:
    shown, _, plan, _ = _turn(assistant, "any gift ideas for my dad? he loves stir fry")
    assert plan.intent != "out_of_catalog" and shown
    shown, _, plan, _ = _turn(assistant, "do you have anything for snakes?")
    assert plan.intent == "out_of_catalog" and not shown

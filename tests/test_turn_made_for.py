"""A product made for a kind is not that kind. A category level says what its products are by its
head word ("Smartwatch Bands" are bands, "Inkjet Printer Paper" is paper), unless that word names a
group of what is said before it ("Snorkeling Packages" hold snorkels); a title says what the product is
before it says what the product is made for ("Slim Bands Compatible with Orbit Smartwatch"). So a
small category widened to its kind (``Assistant._kind_test``) or topped up with matches filed
elsewhere (``Assistant._tops_up``) does not fill up with the accessories of that kind, nor with its
siblings: "Laser Printers" are not widened with "Inkjet Printers" (the same head word, another kind's
modifier)."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.schemas import QueryPlan
from assistant.turn import level_kinds, title_is_part
from retrieval.catalog import Product
from retrieval.filters import Filters
from tests.turn_support import small_assistant, turn

_WATCHES = ["Electronics", "Wearable Technology", "Smartwatches"]
_WATCH_BITS = ["Cell Phones & Accessories", "Accessories", "Smartwatch Accessories"]
_DIVING = ["Sports & Outdoors", "Water Sports", "Diving & Snorkeling"]
_KITCHEN = ["Home & Kitchen", "Kitchen & Dining"]
_PRODUCTS = [
    Product(id="w1", title="Pulse Fitness Smartwatch", category=_WATCHES, price=129.0),
    Product(id="w2", title="Orbit Smartwatch with GPS", category=_WATCHES, price=199.0),
    Product(id="b1", title="Slim Bands Compatible with Orbit Smartwatch", category=[*_WATCH_BITS, "Smartwatch Bands"], price=12.0),
    Product(id="b2", title="Sport Band for Pulse Smartwatch, Silicone", category=[*_WATCH_BITS, "Smartwatch Bands"], price=9.0),
    Product(id="c1", title="Charger Cable Compatible with Pulse Smartwatch", category=[*_WATCH_BITS, "Smartwatch Cables & Chargers"], price=8.0),
    Product(id="s1", title="Dry Top Snorkel", category=[*_DIVING, "Snorkels"], price=25.0),
    Product(id="p1", title="Mask and Snorkel Set", category=[*_DIVING, "Snorkeling Packages"], price=45.0),
    Product(id="p2", title="Mask Fins Snorkel Set for Adults", category=[*_DIVING, "Snorkeling Packages"], price=65.0),
    Product(id="t1", title="Insulated Tumbler 20 oz", category=[*_KITCHEN, "Drinkware", "Tumblers"], price=22.0),
    Product(id="k1", title="Bottle Brush Cleaner for Tumbler", category=[*_KITCHEN, "Cleaning Tools", "Brushes"], price=7.0),
    Product(id="k2", title="Steel Travel Tumbler, Lidded", category=[*_KITCHEN, "Travel Mugs"], price=18.0),
    Product(id="l1", title="Industrial Pendant Light Kit", category=["Tools & Home Improvement", "Lighting", "Pendant Lights"], price=40.0),
    Product(id="j1", title="Gold Heart Pendant", category=["Clothing, Shoes & Jewelry", "Jewelry", "Pendants"], price=60.0),
    Product(id="j2", title="Silver Moon Pendant, 18 inch"),
    Product(id="r1", title="Mono Laser Printer, Wireless", category=["Electronics", "Printers", "Laser Printers"], price=150.0),
    Product(id="r2", title="All-in-One Inkjet Printer", category=["Electronics", "Printers", "Inkjet Printers"], price=80.0),
    Product(id="r3", title="Photo Inkjet Printer", category=["Electronics", "Printers", "Inkjet Printers"], price=120.0),
    Product(id="r4", title="Office Printer, Laser, Duplex", category=["Electronics", "Printers"], price=220.0),
    Product(id="g1", title="Leather Top Handle Bag", category=["Handbags & Wallets", "Top-Handle Bags"], price=90.0),
    Product(id="g2", title="Kraft Paper Bags, 50 Pack", category=["Gift Wrapping Supplies", "Gift Bags"], price=12.0),
]  # fmt: skip


def test_a_level_is_what_its_head_word_says() -> None:
    assert level_kinds("Smartwatch Bands") == ["bands"]
    assert level_kinds("Inkjet Printer Paper") == ["paper"]
    assert level_kinds("Wall Lamps & Sconces") == ["lamps", "sconces"]
    # a word naming a group says what the group holds too
    assert level_kinds("Disc Brake Sets") == ["brake", "sets"]
    assert level_kinds("Snorkeling Packages") == ["snorkeling", "packages"]


def test_a_title_is_what_it_says_before_what_it_is_made_for() -> None:
    assert title_is_part("Slim Bands Compatible with Orbit Smartwatch").split() == ["Slim", "Bands"]
    said = title_is_part("Joyozy Bands Compatible with Charge 3/Charge 3 SE Smartwatch,Rhinestone Bracelet")
    assert "Smartwatch" not in said and "Bracelet" in said
    basket = title_is_part("Woven Picnic Basket for 4, with Lid")
    assert basket.split() == ["Woven", "Picnic", "Basket", "with", "Lid"]


@pytest.mark.parametrize(
    ("message", "category", "ids"),
    [
        # bands and chargers are made for smartwatches
        ("a smartwatch", "smartwatches", {"w1", "w2"}),
        # a printer filed as just a printer may be a laser one; inkjets are another kind of printer
        ("a laser printer", "laser printers", {"r1", "r4"}),
    ],
)
def test_a_small_category_is_widened_with_its_own_kind_only(
    tmp_path: Path, message: str, category: str, ids: set[str]
) -> None:
    with small_assistant(tmp_path / "data", _PRODUCTS) as a:
        shown, _, plan, _ = turn(a, message)
    assert plan.filters.categories == [category]
    assert {p.id for p in shown} == ids


def test_a_snorkel_ask_still_shows_snorkel_sets(tmp_path: Path) -> None:
    with small_assistant(tmp_path / "data", _PRODUCTS) as a:
        shown, _, _, _ = turn(a, "a snorkel")
    assert {"s1", "p1", "p2"} <= {p.id for p in shown}


def test_a_top_up_is_not_what_is_made_for_the_kind(tmp_path: Path) -> None:
    with small_assistant(tmp_path / "data", _PRODUCTS) as a:
        tumblers = a._tops_up(["tumblers"], {"tumbler"})
        pendants = a._tops_up(["pendants"], {"pendant"})
        # a tumbler filed beside them is one; a brush made for tumblers is not
        assert tumblers(_PRODUCTS[10]) and not tumblers(_PRODUCTS[9])
        # a pendant filed nowhere is judged by its title; a light kit filed as Pendant Lights is a light
        assert pendants(_PRODUCTS[13]) and not pendants(_PRODUCTS[11])


def test_a_word_the_shopper_ruled_out_makes_no_sibling(tmp_path: Path) -> None:
    with small_assistant(tmp_path / "data", _PRODUCTS) as a:

        def kind(query: str) -> bool:
            plan = QueryPlan(query=query, filters=Filters(categories=["top-handle bags"]))
            return a._kind_test(plan)(_PRODUCTS[-1])

        # Gift Bags are no top-handle bags; but "without handles" asks for no handle at all
        assert not kind("top handle bags")
        assert kind("paper bags without handles")


def test_a_kind_named_by_a_group_word_is_left_to_the_title(tmp_path: Path) -> None:
    nails = ["Beauty", "Foot, Hand & Nail Care"]
    acrylic = Product(
        id="n0", title="Acrylic Nail Kit", category=[*nails, "False Nails", "Acrylic Nail Kits"]
    )
    kit = Product(
        id="n1",
        title="Polygel Nail Kit with UV Lamp",
        category=[*nails, "Nail Art & Polish", "Nail Thickening Solution"],
    )
    with small_assistant(tmp_path / "data", [*_PRODUCTS, acrylic, kit]) as a:
        # "Nail Thickening Solution" names nails only as what it is for, but "Acrylic Nail Kits" are
        # kits: the kit's title says it is one
        assert a._tops_up(["acrylic nail kits"], {"nail", "kit"})(kit)

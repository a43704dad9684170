"""Turns the late-q round showed, end to end on a small marketplace-like catalog: two plain words a
one-product maker's name joins ("hair tinsel", the maker Hairtinsel) are the product, not a brand
filter; a fresh ask whose kind is only guessed from titles, under a price nothing of that kind meets,
shows the closest of the kind and says what was loosened (not other things under the price); "the
absolute cheapest one" next sorts all of that kind; "which band is the cheapest you have?" after
a narrowing to leather bands asks over every band; "of the victorinox ones which has the top rating"
sorts that brand's; "the cheapest white one" is the cheapest white of the kind; and "sleeves for
cards" are what titles call card sleeves, not the catalog's laptop Sleeves; a "laptop stand" a stand; and "the cheapest
strip lights you carry" stays with strip lights (the kind's head noun outweighs a guess from
"strip")."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.turn import Assistant
from retrieval.catalog import Product
from tests.turn_support import small_assistant, turn

_HAIR = ("Beauty", "Hair Extensions, Wigs & Accessories", "Hair Extensions")
_BANDS = ("Electronics", "Wearable Technology", "Replacement Bands")
_KNIVES = ("Sports & Outdoors", "Knives", "Pocket Knives & Folding Knives")
_KETTLES = ("Kitchen", "Small Appliances", "Electric Kettles")
_LAPTOP_SLEEVES = ("Electronics", "Bags, Cases & Sleeves", "Sleeves")
_CARD_SLEEVES = ("Toys & Games", "Card Storage & Display", "Protective Sleeves")
_LAPTOPS = ("Electronics", "Laptops", "Traditional Laptops")
_STANDS = ("Electronics", "Laptop Accessories", "Stands")
_STRIP_LIGHTS = ("Tools & Home Improvement", "Novelty Lighting", "LED Strip Lights")
_POWER_STRIPS = ("Electronics", "Power Protection", "Power Strips")
_ROWS = [
    (_HAIR, "Hair Tinsel Kit 47 Inch 12 Colors Fairy Hair", "hairtinsel", "Multi", None),
    (_HAIR, "Shining Silver Fairy Hair Tinsel 750 Strands", "Uptoup", "Silver", 6.98),
    (_HAIR, "Hair Tinsel with Tools 2000 Strands", "Uptoup", "Multi", 8.88),
    (_HAIR, "Hair Tinsel Extensions Kit 3200 Strands", "Missuhui", "Multi", 8.99),
    (_HAIR, "Clip In Hair Tinsel Glitter Strands", "Edoneery", "Gold", 11.5),
    (_HAIR, "Clip In Straight Hair Extensions 20 Inch", "Silkline", "Brown", 24.0),
    (("Beauty", "Makeup", "Body Glitter"), "Chunky Face Glitter Gel", "Karizma", "Silver", 4.99),
    (("Fashion", "Eyewear", "Sunglasses"), "Round Retro Sunglasses", "Bouti", "Black", 4.19),
    (("Kitchen", "Utensils", "Whisks"), "Mini Baking Whisk 6 Inch", "Anderson", "Silver", 4.49),
    (_BANDS, "Genuine Leather Bands for Fitbit Charge 3", "Voma", "Brown", 8.99),
    (_BANDS, "Waterproof Silicone Bands for Fitbit Charge 3", "Velavior", "Gray", 6.88),
    (_BANDS, "Stainless Steel Metal Bands for Fitbit Charge 3", "Fitlink", "Silver", 9.49),
    (_BANDS, "Woven Fabric Bands for Fitbit Charge 3", "Hooroor", "Blue", 9.99),
    (_BANDS, "Leather Loop Bands for Fitbit Charge 4", "Strapco", "Black", 14.0),
    (_KNIVES, "Swiss Army Compact Pocket Knife, Red", "Victorinox", "Red", 25.0, 4.8),
    (_KNIVES, "Swiss Army One-Hand Trekker Pocket Knife", "Victorinox", "Black", 45.0, 4.6),
    (_KNIVES, "Swiss Army Evolution 11 Pocket Knife", "Victorinox", "Red", 30.0, 4.5),
    (_KNIVES, "SlimJim Folding Pocket Knife, Black", "Sog", "Black", 20.0, 4.9),
    (_KNIVES, "Deep Carry Pocket Clip for Victorinox Swiss Army Knives", "Clip & Carry", "Silver", 12.0, 4.7),
    (_KETTLES, "Glass Electric Kettle 1.7L, Black", "Acme", "Black", 30.0),
    (_KETTLES, "Glass Electric Kettle 1.7L, White", "Acme", "White", 45.0),
    (_KETTLES, "Steel Electric Kettle 1.5L, White", "Zeta", "White", 25.0),
    (_KETTLES, "Gooseneck Electric Kettle, Black", "Crux", "Black", 55.0),
    (_KETTLES, "Travel Electric Kettle, Red", "Bolt", "Red", 19.0),
    (_LAPTOP_SLEEVES, "13 Inch Laptop Sleeve, Starry Night", "Hi Space", "Blue", 15.0),
    (_LAPTOP_SLEEVES, "Tablet Sleeve Case 9.7 Inch", "Hi Space", "Orange", 13.0),
    (_CARD_SLEEVES, "Ultimate Guard Premium Card Sleeves", "Ultimate Guard", "Clear", 6.0),
    (_CARD_SLEEVES, "Dek Prot Matte Card Sleeves", "Dek Prot", "Black", 8.0),
    (_CARD_SLEEVES, "Standard Size Board Game Card Sleeves", "Ultimate Guard", "Clear", 5.0),
    (_CARD_SLEEVES, "Clear Trading Card Sleeves", "Sleevio", "Clear", 4.0),
    (_LAPTOPS, "Inspiron 15 Laptop, 8GB RAM", "Dell", "Black", 479.0),
    (_LAPTOPS, "IdeaPad 3 Laptop 14 Inch", "Lenovo", "Gray", 399.0),
    (_STANDS, "Aluminum Laptop Stand for Desk", "Nulaxy", "Silver", 29.0),
    (_STANDS, "Adjustable Laptop Stand, Foldable", "Besign", "Black", 24.0),
    (_STANDS, "Laptop Computer Stand with Tray", "OnStage", "Black", 22.95),
    ((*_STANDS, "Single"), "Single Monitor Stand Riser", "Vivo", "Black", 35.0),
    (_STRIP_LIGHTS, "RGB LED Strip Lights 32.8ft for Bedroom", "Bathebright", "Multi", 24.99),
    (_STRIP_LIGHTS, "Flexible LED Strip Lights 16.4ft", "Foxdam", "White", 12.75),
    (_STRIP_LIGHTS, "Addressable LED Strip Light 5m", "Alitove", "Multi", 19.99),
    (_POWER_STRIPS, "Surge Protector Power Strip 6 Outlets", "Amazon Basics", "White", 9.99),
    (_POWER_STRIPS, "Power Strip with USB Ports", "Anker", "Black", 15.99),
    (_POWER_STRIPS, "Flat Plug Power Strip, 3 Outlets", "Gefen", "White", 11.99),
]


def _products() -> list[Product]:
    return [
        Product(
            id=f"q{i}",
            title=title,
            brand=brand,
            color=color,
            price=price,
            rating=row[5] if len(row) > 5 else 4.3,
            rating_count=100,
            category=list(path),
        )
        for i, row in enumerate(_ROWS)
        for path, title, brand, color, price in [row[:5]]
    ]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    with small_assistant(tmp_path_factory.mktemp("followups-q") / "data", _products()) as a:
        yield a


def test_hair_tinsel_under_a_price_nothing_meets_is_the_closest_tinsel_said_so(assistant: Assistant) -> None:
    shown, text, plan, sid = turn(assistant, "hair tinsel for my daughters sleepover, 5 dollars or less?")
    assert not plan.filters.brands  # the product, not the one-listing maker Hairtinsel
    assert shown and all("Hair Extensions" in p.category for p in shown)
    assert any(r.field == "price" for r in plan.relaxed)
    assert "$5" in text  # the answer says what it could not meet

    shown, _, plan, _ = turn(assistant, "ok so what's the absolute cheapest one", sid)
    priced = [p for p in shown if p.price is not None]
    assert shown[0].title.startswith("Shining Silver Fairy Hair Tinsel")  # $6.98, the cheapest of them
    assert priced == sorted(priced, key=lambda p: p.price or 0)
    assert all("Hair Extensions" in p.category for p in shown)


def test_a_guessed_kind_does_not_replace_matches_of_that_kind(assistant: Assistant) -> None:
    shown, _, plan, _ = turn(assistant, "hair tinsel under 10 dollars")
    assert not plan.relaxed  # tinsel under $10 exists: nothing is loosened
    assert shown and all(p.price is not None and p.price <= 10 for p in shown)


def test_the_cheapest_band_you_have_is_over_every_band(assistant: Assistant) -> None:
    _, _, _, sid = turn(assistant, "replacement bands for a fitbit charge 3, under ten bucks")
    shown, _, plan, sid = turn(assistant, "any leather ones?", sid)
    assert [p.title for p in shown] == ["Genuine Leather Bands for Fitbit Charge 3"]
    shown, _, plan, _ = turn(assistant, "and which band is the cheapest you have", sid)
    assert not plan.filters.text_words and plan.filters.price_max is None
    assert shown[0].title == "Waterproof Silicone Bands for Fitbit Charge 3"  # $6.88, not a leather one


def test_of_the_brands_ones_which_has_the_top_rating_sorts_that_brand(assistant: Assistant) -> None:
    _, _, _, sid = turn(assistant, "want to get my dad his own pocket knife for his bday")
    shown, _, plan, _ = turn(assistant, "ok of the victorinox ones which has the top rating", sid)
    assert plan.intent == "refine"
    assert shown and all(p.brand == "Victorinox" for p in shown)  # not the clip made for them
    assert shown[0].title == "Swiss Army Compact Pocket Knife, Red"  # 4.8, the best rated of them


def test_the_cheapest_white_one_is_the_cheapest_white_of_the_kind(assistant: Assistant) -> None:
    shown, _, _, sid = turn(assistant, "electric kettles in black")
    assert shown and all(p.color == "Black" for p in shown)
    shown, _, plan, _ = turn(assistant, "which is the cheapest white one then", sid)
    assert plan.sort is not None and plan.sort.key == "price"
    assert [p.title for p in shown][:2] == [
        "Steel Electric Kettle 1.5L, White",
        "Glass Electric Kettle 1.7L, White",
    ]


def test_sleeves_for_cards_are_the_card_sleeves_not_laptop_sleeves(assistant: Assistant) -> None:
    shown, _, plan, _ = turn(assistant, "the cards are getting sticky. what sleeves do u have for cards")
    assert plan.filters.categories == ["protective sleeves"]
    assert len(shown) >= 3 and all("Protective Sleeves" in p.category for p in shown[:3])


def test_a_laptop_stand_is_a_stand_not_a_laptop(assistant: Assistant) -> None:
    shown, _, plan, _ = turn(assistant, "looking for a laptop stand, thirty bucks max")
    assert plan.filters.categories == ["stands"]
    assert shown and all("Stands" in p.category for p in shown)


def test_the_cheapest_strip_lights_you_carry_stays_with_strip_lights(assistant: Assistant) -> None:
    _, _, _, sid = turn(assistant, "ok, LED strip lights for my bedroom")
    shown, _, plan, _ = turn(assistant, "what are the cheapest strip lights you carry?", sid)
    assert plan.filters.categories == ["led strip lights"]
    assert shown[0].title == "Flexible LED Strip Lights 16.4ft"  # $12.75, not a $9.99 power strip
    assert all("LED Strip Lights" in p.category for p in shown)

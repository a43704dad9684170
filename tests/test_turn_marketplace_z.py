"""Raw-catalog phrasings the late-y cases showed, end to end over a small marketplace-like catalog:
a category name said aside in a follow-up ("just the handheld portable ones", "i already have a
pile of 18v batteries", "forget full face") keeps the kind shown; a leaf the product phrase names
whole ("maybe a building set?") outranks one pieced from words elsewhere ("gift for my niece"); "tipping over on the lounge chairs" says where, not what; a colon ends the scene before the things asked;
a head noun that is only a package word ("a reusable fork/spoon set": Sets, a one-word leaf whose word
ends many other names) gives way to the kind the words before it name, so bikini sets are not what a
shopper after cutlery sees; and a message that opens with the thing it names and then says what it is
for ("a glass pitcher for water in the fridge") asks for that thing, not for the kind its use names,
though the catalog's vocabulary has no word for the thing itself."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.turn import Assistant
from retrieval.catalog import Product
from tests.turn_support import small_assistant, turn

_BIKINI_SETS = ("Clothing", "Women", "Swimsuits", "Bikinis", "Sets")
_FLATWARE_SETS = ("Home & Kitchen", "Dining", "Flatware", "Flatware Sets")
_KNIFE_SETS = ("Home & Kitchen", "Kitchen Knives", "Knife Sets")
_DINNERWARE_SETS = ("Home & Kitchen", "Dining", "Dinnerware Sets")
_SCREWDRIVER_SETS = ("Tools", "Hand Tools", "Screwdriver Sets")
_JUGS = ("Home & Kitchen", "Dining", "Serveware", "Jugs")
_FRIDGES = ("Appliances", "Refrigerators")
_BAND_SAWS = ("Tools", "Power Tools", "Saws", "Band Saws")
_PORTABLE_HOOPS = ("Sports", "Basketball", "Basketball Hoops", "Portable")
_BATTERIES = ("Electronics", "Household Batteries", "Batteries")
_POCKET_KNIVES = ("Tools", "Hand Tools", "Knives", "Pocket Knives")
_MULTITOOLS = ("Tools", "Hand Tools", "Multitools")
_TEES = ("Clothing", "Men", "Shirts", "T-Shirts")
_ROWS: list[tuple[tuple[str, ...], str, str, float]] = [
    (_BIKINI_SETS, "Cupshe", "Cupshe Women's High Waisted Bikini Set, Black", 28.0),
    (_BIKINI_SETS, "Cupshe", "Cupshe Women's Ruffled Bikini Set, Teal", 30.0),
    (_BIKINI_SETS, "Zaful", "Zaful Triangle Bikini Set", 22.0),
    (_FLATWARE_SETS, "Ybobk", "Ybobk Portable Flatware Set with Case, Stainless Knife Fork Spoon", 10.0),
    (_FLATWARE_SETS, "Wheatly", "Wheatly Reusable Wheat Straw Cutlery, Spoon Fork Knife, 4 Sets", 8.0),
    (_FLATWARE_SETS, "Hutch", "Hutch Reusable Bamboo Travel Fork", 6.0),
    (_FLATWARE_SETS, "Hutch", "Hutch Stainless Camping Spoon", 5.0),
    (_KNIFE_SETS, "Finetool", "Finetool Kitchen Knife Set with Block", 60.0),
    (_DINNERWARE_SETS, "Corelle", "Corelle 18-Piece Dinnerware Set, Service for 6", 50.0),
    (_SCREWDRIVER_SETS, "Hozan", "Hozan JIS Screwdriver Set", 27.0),
    (_JUGS, "Hiware", "Hiware Glass Pitcher with Lid, 68 oz Water Pitcher", 20.0),
    (_JUGS, "Bormioli", "Bormioli Rocco Glass Jug with Airtight Lid, Clear Pitcher", 15.0),
    (_FRIDGES, "KoolMore", "KoolMore 3 Door Back Bar Cooler, Glass Door Refrigerator", 1500.0),
    (_BAND_SAWS, "DeWalt", "DeWalt 20V Max Portable Band Saw, Cordless", 300.0),
    (_BAND_SAWS, "Makita", "Makita 18V LXT Cordless Portable Band Saw", 280.0),
    (_BAND_SAWS, "Wen", "Wen 9-Inch Benchtop Band Saw", 200.0),
    (_BAND_SAWS, "Bilt", "Bilt Hard 10-Inch Benchtop Bandsaw", 250.0),
    (_PORTABLE_HOOPS, "Lifetime", "Lifetime Portable Basketball Hoop", 180.0),
    (_PORTABLE_HOOPS, "Spalding", "Spalding Portable Basketball System", 220.0),
    (_BATTERIES, "Duracell", "Duracell AA Batteries, 24 Pack", 18.0),
    (_BATTERIES, "Energizer", "Energizer AAA Batteries, 16 Pack", 15.0),
    (_POCKET_KNIVES, "Kershaw", "Kershaw Blur Folding Pocket Knife", 80.0),
    (_POCKET_KNIVES, "SOG", "SOG SlimJim Folding Pocket Knife", 40.0),
    (_MULTITOOLS, "RoverTac", "RoverTac Multitool Knife with Pliers", 30.0),
    (_MULTITOOLS, "Gerber", "Gerber Suspension Multitool", 35.0),
    (_TEES, "Funny Tees", "Perfect Stocking Stuffers for Dad Funny T Shirt", 15.0),
    (_TEES, "Funny Tees", "Decent Dad Jokes Graphic T Shirt", 14.0),
    (
        ("Pet Supplies", "Dog Stocking Stuffers"),
        "Hearth",
        "Hearth Dog Stocking Stuffers, Toys and Treats",
        12.0,
    ),
    (("Baby", "Gifts", "Gift Sets"), "Safety 1st", "Safety 1st Baby Grooming Gift Kit", 25.0),
    (("Baby", "Gifts", "Gift Sets"), "Aveeno", "Aveeno Baby and Mommy Gift Set", 56.0),
    (("Toys", "Building Toys", "Building Sets"), "LEGO", "LEGO Friends Amusement Park Roller Coaster", 50.0),
    (
        ("Toys", "Building Toys", "Building Sets"),
        "Brick Story",
        "Brick Story Ferris Wheel Building Kit",
        40.0,
    ),
    (
        ("Sports", "Diving & Snorkeling", "Diving Masks"),
        "Maoyea",
        "Maoyea Full Face Snorkel Mask, Pink",
        30.0,
    ),
    (
        ("Sports", "Diving & Snorkeling", "Diving Masks"),
        "U.S. Divers",
        "U.S. Divers Tempered Glass Dive Mask",
        25.0,
    ),
    (("Beauty", "Skin Care", "Face", "Washes"), "OXY", "OXY Sensitive Face Wash", 7.0),
    (
        ("Home & Kitchen", "Glassware", "Wine Glasses"),
        "Tossware",
        "Tossware Stemless Plastic Wine Glasses",
        20.0,
    ),
    (
        ("Home & Kitchen", "Glassware", "Wine Glasses"),
        "Vivocci",
        "Vivocci Unbreakable Wine Glasses with Stem",
        25.0,
    ),
    (("Furniture", "Living Room", "Chairs"), "Yaheetech", "Yaheetech Tufted Lounge Chair", 120.0),
    (("Furniture", "Living Room", "Chairs"), "Flash", "Flash Furniture Reception Lounge Chair", 150.0),
    (_FRIDGES, "Phiestina", "Phiestina 15 Inch Beverage Refrigerator, 96 Can, Glass Door", 600.0),
]


def _products() -> list[Product]:
    return [
        Product(id=f"z{i}", title=title, brand=brand, price=price, rating=4.5, category=list(path))
        for i, (path, brand, title, price) in enumerate(_ROWS)
    ]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    with small_assistant(tmp_path_factory.mktemp("marketplace-z") / "data", _products()) as a:
        yield a


def test_a_package_word_gives_way_to_the_kind_named_before_it(assistant: Assistant) -> None:
    shown, _, plan, _ = turn(assistant, "i want a reusable fork/spoon set i can keep at my desk")
    assert "sets" not in plan.filters.categories
    assert len(shown) >= 2 and all(p.category[-1] == "Flatware Sets" for p in shown[:2])
    # a kind named before the package word that is itself the package's parent stays: bikini sets
    shown, _, plan, _ = turn(assistant, "a bikini set")
    assert plan.filters.categories == ["sets"]
    assert len(shown) >= 3 and all(p.category[-2:] == ["Bikinis", "Sets"] for p in shown[:3])


def test_a_thing_named_first_then_its_use_is_the_ask(assistant: Assistant) -> None:
    shown, _, plan, _ = turn(assistant, "a glass pitcher for water in the fridge")
    assert "refrigerators" not in plan.filters.categories
    assert shown and shown[0].category[-1] == "Jugs"
    # the fridge itself, asked for, is still the fridge
    shown, _, plan, _ = turn(assistant, "a glass door fridge for drinks")
    assert shown and shown[0].category[-1] == "Refrigerators"


def test_a_name_said_aside_in_a_follow_up_keeps_the_kind_shown(assistant: Assistant) -> None:
    _, _, plan, sid = turn(assistant, "looking for a band saw")
    assert plan.filters.categories == ["band saws"]
    # a word qualifying the stand-in for band saws, whatever the catalog files as Portable
    shown, _, plan, _ = turn(
        assistant, "just the handheld portable ones, im cutting conduit on job sites", sid
    )
    assert plan.filters.categories == ["band saws"]
    assert shown and all(p.category[-1] == "Band Saws" for p in shown)
    # what the shopper already has is why, not the ask
    shown, _, plan, _ = turn(assistant, "cordless only - i already have a pile of 18v and 20v batteries", sid)
    assert plan.intent != "out_of_catalog" and plan.filters.categories == ["band saws"]
    assert shown and all(p.category[-1] == "Band Saws" for p in shown)


def test_a_colon_ends_the_scene_before_the_things_asked(assistant: Assistant) -> None:
    shown, _, plan, _ = turn(assistant, "stocking stuffers for my dad: a decent pocket knife and a multitool")
    assert {c for item in plan.items for c in item.categories} == {"pocket knives", "multitools"}
    assert {"Pocket Knives", "Multitools"} <= {p.category[-1] for p in shown}
    assert not any(p.category[-1] == "T-Shirts" for p in shown)


def test_the_phrase_after_a_colon_names_the_product() -> None:
    from assistant.plan.planner import product_phrase
    from assistant.plan.vocab import matcher_for
    from retrieval.products import Vocabulary

    matcher = matcher_for(Vocabulary.from_products(_products()))
    phrase = product_phrase("stocking stuffers for my dad: a decent pocket knife and a multitool", matcher)
    assert "pocket knife" in phrase and "stuffers" not in phrase


def test_a_leaf_the_phrase_names_whole_outranks_one_pieced_from_elsewhere(assistant: Assistant) -> None:
    # (the hash embedder finds no product close to the whole message: the plan is what is asserted)
    _, _, plan, _ = turn(
        assistant,
        "gift for my niece, shes 7 and obsessed with amusement parks and rides. maybe a building set?",
    )
    assert plan.filters.categories == ["building sets"]


def test_a_wish_taken_back_keeps_the_kind_shown(assistant: Assistant) -> None:
    _, _, plan, sid = turn(assistant, "a full face snorkel mask")
    assert plan.filters.categories == ["diving masks"]
    shown, _, plan, _ = turn(assistant, "ok forget full face. any in pink?", sid)
    assert plan.filters.categories == ["diving masks"]
    assert shown and all(p.category[-1] == "Diving Masks" for p in shown)


def test_a_place_said_with_on_is_not_the_ask(assistant: Assistant) -> None:
    _, _, plan, sid = turn(assistant, "wine glasses we can use out by the pool")
    assert plan.filters.categories == ["wine glasses"]
    shown, _, plan, _ = turn(assistant, "no stems tho, they keep tipping over on the lounge chairs", sid)
    assert plan.filters.categories == ["wine glasses"]
    assert shown and all(p.category[-1] == "Wine Glasses" for p in shown)


def test_a_feature_the_text_only_denies_is_not_stated(tmp_path: Path) -> None:
    from retrieval.filters import text_holds
    from retrieval.text import only_denied

    assert only_denied("anti-reflective lens; non-polarized; UV protection", "polarized")
    assert only_denied("BPA free, dishwasher safe", "bpa")
    assert not only_denied("Polarized lenses; a non-polarized spare pair included", "polarized")
    glasses = ("Clothing", "Accessories", "Sunglasses")
    products = [
        Product(id="s1", title="Sojos Polarized Round Sunglasses", price=14.0, category=list(glasses)),
        Product(
            id="s2",
            title="Oversized Square Sunglasses",
            price=8.0,
            category=list(glasses),
            bullet_points=["Plastic frame", "anti-reflective lens; non-polarized; UV coating"],
        ),
        Product(
            id="s3",
            title="Retro Rewind Aviator Sunglasses",
            price=15.0,
            category=list(glasses),
            bullet_points=["Polarized lenses cut glare"],
        ),
    ]
    assert [text_holds(p, ["polarized"]) for p in products] == [True, False, True]
    with small_assistant(tmp_path / "data", products) as a:
        shown, _, plan, _ = turn(a, "polarized sunglasses")
        assert plan.filters.text_words == ["polarized"]
        assert {p.id for p in shown} == {"s1", "s3"}

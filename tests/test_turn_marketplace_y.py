"""Raw-catalog phrasings the late-x cases showed, end to end over a small marketplace-like catalog:
a modifier the kind is named with that none of the kind's products states ("a cast iron skillet",
"ray-ban sunglasses") is loosened and said, not dropped silently, while a word that begins the
kind's own name ("hand" planers, filed as Handheld Planers) is no such modifier; a kind whose word no
product text has anywhere, asked about outright ("do yall sell wetsuits"), needs a very close
product not to be declined (``unknown_word_similarity``; a bare "wetsuits" search shows the nearest),
and the asking sentence names it ("do yall sell wetsuits?? going to maui": not "month"); a thing
the ask cue names with an article is the product though the catalog has no word for it ("gonna
need a soundbar, the tv speakers are trash"); a colon ends the scene before a list of items."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.plan.planner import product_kind
from assistant.turn import Assistant
from retrieval.catalog import Product
from tests.turn_support import small_assistant, turn

_SKILLETS = ("Home & Kitchen", "Cookware", "Pots & Pans", "Skillets")
_DUTCH = ("Home & Kitchen", "Cookware", "Dutch Ovens")
_SUNGLASSES = ("Clothing", "Accessories", "Sunglasses")
_DEODORANT = ("Beauty", "Personal Care", "Deodorants")
_HANDHELD = ("Tools", "Power Tools", "Planers", "Handheld Planers")
_BENCHTOP = ("Tools", "Power Tools", "Planers", "Benchtop Planers")
_PLANER_KNIVES = ("Tools", "Power Tool Accessories", "Planer Knives")
_WATER_SHOES = ("Sports", "Water Sports", "Water Shoes")
_SPEAKERS = ("Electronics", "Audio", "Speakers")
_TVS = ("Electronics", "Television & Video", "TV")
_BACKPACKS = ("Outdoors", "Hiking", "Backpacks")
_BOOTS = ("Outdoors", "Hiking", "Hiking Boots")
_ROWS: list[tuple[tuple[str, ...], str, str, float]] = [
    (_SKILLETS, "T-fal", "T-fal Nonstick Skillet 12 Inch", 33.0),
    (_SKILLETS, "Cuisinart", "Cuisinart Stainless Steel Skillet 10 Inch", 45.0),
    (_SKILLETS, "Anolon", "Anolon Nouvelle Stainless Frying Pan Skillet", 90.0),
    (_SKILLETS, "Carote", "Carote Granite Nonstick Skillet 8 Inch", 20.0),
    (_DUTCH, "Lodge", "Lodge Enameled Cast Iron Dutch Oven 6 Quart", 80.0),
    (_SUNGLASSES, "Sojos", "Sojos Polarized Round Sunglasses", 14.0),
    (_SUNGLASSES, "Feisedy", "Feisedy Cat Eye Sunglasses", 13.0),
    (_SUNGLASSES, "Retro Rewind", "Retro Rewind Classic Aviator Sunglasses, Ray Blocking Lenses", 15.0),
    (_SUNGLASSES, "Sunnies", "Sunnies Polarized Sport Sunglasses", 17.0),
    (_DEODORANT, "Dove", "Dove Roll-On Deodorant, Aluminum Ban Formula", 6.0),
    (_HANDHELD, "Makita", "Makita 18V Cordless 3-1/4 Inch Planer", 180.0),
    (_HANDHELD, "Wen", "Wen 6 Amp Electric Planer", 40.0),
    (_HANDHELD, "Porter-Cable", "Porter-Cable 6 Amp Electric Planer", 90.0),
    (_PLANER_KNIVES, "Makita", "Makita Hand Planer Blade Set", 15.0),
    (_BENCHTOP, "Dewalt", "Dewalt 13 Inch Thickness Planer", 600.0),
    (_WATER_SHOES, "Joinfree", "Joinfree Quick-Dry Aqua Water Shoes", 20.0),
    (_WATER_SHOES, "Zhuanglin", "Zhuanglin Barefoot Water Shoes for Beach", 22.0),
    (_TVS, "Roku", "Roku Select 4K Smart TV", 200.0),
    (_SPEAKERS, "Comiso", "Comiso Waterproof Bluetooth Speaker", 30.0),
    (_SPEAKERS, "Pyle", "Pyle In-Wall Ceiling Speakers Pair", 107.0),
    (_BACKPACKS, "Osprey", "Osprey Talon 22 Hiking Backpack with Rain Cover", 140.0),
    (_BACKPACKS, "Teton", "Teton Scout 55L Backpack", 70.0),
    (_BOOTS, "Merrell", "Merrell Moab 3 Waterproof Hiking Boot", 150.0),
    (_BOOTS, "Columbia", "Columbia Newton Ridge Hiking Boot", 90.0),
]


def _products() -> list[Product]:
    return [
        Product(id=f"y{i}", title=title, brand=brand, price=price, rating=4.5, category=list(path))
        for i, (path, brand, title, price) in enumerate(_ROWS)
    ]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    # (the hash embedder's similarities say nothing: "cast iron skillet", two words no title says
    # together, is not declined for want of a close product here)
    with small_assistant(
        tmp_path_factory.mktemp("marketplace-y") / "data", _products(), unseen_pair_similarity=-1.0
    ) as a:
        yield a


def test_a_modifier_no_product_of_the_kind_states_is_loosened_and_said(assistant: Assistant) -> None:
    shown, text, plan, _ = turn(assistant, "looking for a cast iron skillet for searing steaks")
    assert [r.field for r in plan.relaxed] == ["text_words"]
    assert "cast iron" in plan.relaxed[0].asked
    assert shown and all(p.category[-1] == "Skillets" for p in shown)
    assert "Nothing matched mentioning cast iron" in text
    shown, text, plan, _ = turn(assistant, "Ray-Ban sunglasses")
    assert plan.relaxed and "ray ban" in plan.relaxed[0].asked
    assert shown and "Nothing matched" in text
    # a modifier some of the kind's products state is a filter, as before
    shown, _, plan, _ = turn(assistant, "a nonstick skillet")
    assert not plan.relaxed and plan.filters.text_words == ["nonstick"]
    assert {p.id for p in shown} == {"y0", "y3"}


def test_a_word_beginning_the_kinds_own_name_is_no_modifier(assistant: Assistant) -> None:
    shown, text, plan, _ = turn(assistant, "got any electric hand planers")
    assert not plan.relaxed and "hand" not in plan.filters.text_words
    assert shown and "Nothing matched" not in text


def test_the_asking_sentence_names_the_kind() -> None:
    from retrieval.products import Vocabulary

    vocabulary = Vocabulary.from_products(_products())
    assert product_kind("do yall sell wetsuits?? going to maui next month", vocabulary) == "wetsuits"
    assert product_kind("also going to need a soundbar, the built in tv speakers are trash", vocabulary) == (
        "soundbar"
    )


@pytest.mark.parametrize(("bar", "declined"), [(0.99, True), (-1.0, False)])
def test_a_kind_no_product_text_names_needs_a_very_close_product(
    tmp_path: Path, bar: float, declined: bool
) -> None:
    with small_assistant(
        tmp_path / "data", _products(), unnamed_kind_similarity=-1.0, unknown_word_similarity=bar
    ) as a:
        shown, _, plan, _ = turn(a, "do yall sell wetsuits?? going to maui next month")
        assert (plan.intent == "out_of_catalog") is declined
        assert bool(shown) is not declined
        # a bare search is not asked outright: the nearest products are shown
        shown, _, plan, _ = turn(a, "wetsuits")
        assert plan.intent == "search" and shown
        # a kind the catalog's text names is never held to that bar
        shown, _, plan, _ = turn(a, "do yall sell water shoes?? going to maui next month")
        assert plan.intent == "search" and shown


def test_a_colon_ends_the_scene_before_the_items() -> None:
    from assistant.plan.catalog_stage import _items
    from assistant.schemas import QueryPlan
    from retrieval.schema import CatalogSchema

    def infer(text: str) -> list[str]:
        # the kind an item's own words name, and none where a scene is read with them
        if "trip" in text:
            return []
        return ["backpacks"] if "pack" in text else ["hiking boots"] if "boots" in text else []

    message = "for the same trip: a pack that comes with a rain cover and boots that wont let water in"
    items = _items(message, QueryPlan(query=message), CatalogSchema.from_products(_products()), infer)
    assert [(item.query, item.categories) for item in items] == [
        ("a pack that comes with a rain cover", ["backpacks"]),
        ("boots that wont let water in", ["hiking boots"]),
    ]


def test_a_part_ending_in_a_stranded_preposition_is_no_item_of_its_own() -> None:
    # "a board i can stand on and paddle around the lake with": one thing, what one does on it
    from assistant.plan.catalog_stage import _items
    from assistant.schemas import QueryPlan
    from retrieval.schema import CatalogSchema

    def infer(text: str) -> list[str]:
        return ["backpacks"] if "pack" in text else ["hiking boots"] if "boots" in text else []

    schema = CatalogSchema.from_products(_products())
    message = "a pack i can clip my tent to and hike around in my boots with"
    assert _items(message, QueryPlan(query=message), schema, infer) == []
    # a part with its own article after it is an item of its own
    listed = "a pack i can strap my tent to and some boots"
    assert [i.categories for i in _items(listed, QueryPlan(query=listed), schema, infer)] == [
        ["backpacks"],
        ["hiking boots"],
    ]
    # two uses of one thing after "for …ing" are no second item either
    uses = "a pack for carrying my tent and my boots"
    assert _items(uses, QueryPlan(query=uses), schema, infer) == []

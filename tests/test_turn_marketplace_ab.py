"""What the late-aa / late-z tuning failures showed, end to end over a small marketplace-like catalog:
"im done with nonstick pans" rules nonstick out of the titles; "the marshmallows cant have gelatin"
asks for marshmallows (the negated verb's clause is no part of the kind); "wont touch chicken" rules
chicken out, and "touch" is no brand; a use said with no kind named ("something that heats my food
up in the cab", "comes on when i open the door") does not make the thing acted on (pet Food, Doors)
the product; "hang a feeder out there" asks for feeders (the particle ends the noun phrase); and "a
stainless steel one he cant wreck" after "his plastic bowl" asks for bowls."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.turn import Assistant
from retrieval.catalog import Product
from tests.turn_support import products_in, small_assistant, turn

_PANS = ["Home & Kitchen", "Cookware", "Skillets"]
_MALLOWS = ["Grocery", "Cooking & Baking", "Marshmallows"]
_GELATIN = ["Grocery", "Cooking & Baking", "Gelatin"]
_TREATS = ["Pet Supplies", "Cats", "Treats"]
_FOOD = ["Pet Supplies", "Cats", "Food"]
_LUNCH = ["Home & Kitchen", "Storage", "Lunch Boxes"]
_DOORS = ["Pet Supplies", "Dogs", "Doors"]
_LIGHTS = ["Tools", "Lighting", "Closet Lights"]
_FEEDERS = ["Patio", "Birds", "Feeders"]
_BOWLS = ["Pet Supplies", "Dogs", "Bowls"]


def _products() -> list[Product]:
    return [
        *products_in(
            _PANS,
            [
                ("Tfal", "T-fal Stainless Steel Frying Pan, 12 Inch", 32.99),
                ("Anolon", "Anolon Nouvelle Stainless Steel Skillet, 10 Inch", 59.0),
                ("Cooker", "Cooker King Ceramic Nonstick Frying Pan", 29.99),
                ("Carote", "Carote Nonstick Granite Frying Pan with Stainless Handle", 24.99),
                ("Imarku", "Imarku Tri-Ply Stainless Steel Pan", 45.0),
            ],
            "pan",
        ),
        *products_in(
            _MALLOWS,
            [
                ("Dandies", "Dandies Vegan Marshmallows, Gelatin Free", 8.99),
                ("Campfire", "Campfire Giant Roasting Marshmallows", 3.49),
                ("Goodland", "Goodland Mini Vegan Marshmallows", 12.0),
            ],
            "mal",
        ),
        *products_in(_GELATIN, [("Knox", "Knox Unflavored Gelatin Packets", 6.0)], "gel"),
        *products_in(
            _TREATS,
            [
                ("Greenies", "Greenies Dental Cat Treats, Tempting Tuna Flavor", 9.0),
                ("Greenies", "Greenies Dental Cat Treats, Oven Roasted Chicken Flavor", 9.0),
                ("Purina", "Purina DentaLife Cat Dental Treats, Chicken Flavor", 7.0),
                ("Greenies", "Greenies Dental Cat Treats, Savory Salmon Flavor", 9.0),
                ("TOUCH", "TOUCH Freeze Dried Cat Treats, Minnows", 11.0),
            ],
            "tr",
        ),
        *products_in(
            _FOOD,
            [
                ("Blue Buffalo", "Blue Buffalo Indoor Adult Dry Cat Food", 30.0),
                ("Purina", "Purina Cat Chow Complete Dry Cat Food", 18.0),
            ],
            "food",
        ),
        *products_in(
            _LUNCH,
            [
                ("Yissvic", "Yissvic Electric Lunch Box Food Heater for Car and Truck, 12V 24V 110V", 29.99),
                ("Hotlogic", "Hotlogic Portable Oven Heated Lunch Box for Truck Drivers", 45.0),
                ("Bentgo", "Bentgo Kids Leakproof Lunch Box", 27.0),
            ],
            "lb",
        ),
        *products_in(
            _DOORS,
            [
                ("PetSafe", "PetSafe Freedom Patio Panel Pet Door", 180.0),
                ("Ideal", "Ideal Pet Products Aluminum Dog Door", 60.0),
            ],
            "door",
        ),
        *products_in(
            _LIGHTS,
            [
                (
                    "Lepotec",
                    "Lepotec Motion Sensor Closet Light, Battery Operated, Turns On Automatically",
                    19.0,
                ),
                ("Rxwlkj", "Rxwlkj Rechargeable Motion Activated LED Light Bar for Closets", 22.0),
                ("Mr Beams", "Mr Beams Wireless Motion Sensing Ceiling Light", 25.0),
            ],
            "light",
        ),
        *products_in(
            _FEEDERS,
            [
                ("Grateful Gnome", "Grateful Gnome Hummingbird Feeder, Hand Blown Glass", 18.95),
                ("Rezipo", "Rezipo Hummingbird Feeder with Perch", 16.99),
                ("More Birds", "More Birds Hummingbird Feeder, 30 Ounces", 21.0),
            ],
            "fd",
        ),
        *products_in(
            _BOWLS,
            [
                ("Yeti", "Yeti Boomer 8 Stainless Steel Dog Bowl", 49.99),
                ("Amazon Basics", "Amazon Basics Stainless Steel Dog Bowl, Set of 2", 12.0),
                ("Loving Pets", "Loving Pets Bella Bowl for Dogs, Plastic and Stainless", 15.0),
            ],
            "bw",
        ),
    ]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    with small_assistant(tmp_path_factory.mktemp("marketplace-ab") / "data", _products()) as a:
        yield a


def test_done_with_a_word_rules_it_out_of_the_titles(assistant: Assistant) -> None:
    shown, _, plan, _ = turn(
        assistant, "im done with nonstick pans peeling. want a stainless steel frying pan"
    )
    assert "nonstick" in plan.filters.exclude_text_words
    assert shown and all("nonstick" not in p.title.lower() for p in shown)


def test_a_negated_verb_ends_the_kind(assistant: Assistant) -> None:
    shown, _, plan, _ = turn(
        assistant, "bonfire this weekend and my roommate is vegan so the marshmallows cant have gelatin"
    )
    assert plan.intent == "search"
    assert shown and all(p.category == _MALLOWS for p in shown)


def test_wont_touch_rules_a_flavor_out_and_names_no_brand(assistant: Assistant) -> None:
    _, _, _, sid = turn(assistant, "cat dental treats")
    shown, text, plan, _ = turn(assistant, "she only eats fishy flavors, wont touch chicken", sid)
    assert not plan.filters.brands
    assert "chicken" in plan.filters.exclude_text_words
    assert shown and all("chicken" not in p.title.lower() for p in shown)
    assert "touch" not in text.lower()


@pytest.mark.parametrize(
    ("message", "wanted", "acted_on"),
    [
        (
            "im a long haul driver and im sick of eating cold leftovers. need something that heats my food "
            "up right in the cab",
            _LUNCH,
            _FOOD,
        ),
        (
            "our hall closet has no light and no outlet anywhere near it. want something that just comes on "
            "by itself when i open the door and walk in",
            _LIGHTS,
            _DOORS,
        ),
    ],
)
def test_what_a_use_acts_on_is_not_the_product(
    assistant: Assistant, message: str, wanted: list[str], acted_on: list[str]
) -> None:
    shown, _, plan, _ = turn(assistant, message)
    assert plan.intent == "search"
    assert acted_on[-1].lower() not in [c.lower() for c in plan.filters.categories]
    assert shown and shown[0].category == wanted


def test_a_particle_ends_the_noun_phrase(assistant: Assistant) -> None:
    shown, _, plan, _ = turn(
        assistant, "we get hummingbirds on our balcony all summer, want to hang a feeder out there for them"
    )
    assert plan.intent == "search"
    assert shown and all(p.category == _FEEDERS for p in shown)


def test_a_stand_in_with_a_clause_after_it_takes_the_kind_named_before(assistant: Assistant) -> None:
    shown, _, plan, _ = turn(
        assistant,
        "my lab chewed thru his third plastic bowl this month. need a stainless steel one he cant wreck",
    )
    assert plan.intent == "search"
    assert shown and shown[0].category == _BOWLS

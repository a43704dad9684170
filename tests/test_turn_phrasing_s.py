"""Raw-catalog phrasings the late-s cases showed, end to end over a small marketplace-like catalog:
"fragrance free" is a phrase its titles say (not two words anywhere in the text); a code ("4k") some of
the kind's titles spell filters even when one product has it, and is loosened and said when the budget
leaves none; a brand said as one word ("bugasalt") or a category ("tshirt") is that name; "gummies or
nothing" asks for gummies; a color asked of a kind named only by its brand loosens the color, not the
brand; and "do you carry dog shampoo?" after leashes asks about a kind no product text names."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.turn import Assistant
from retrieval.catalog import Product
from tests.turn_support import small_assistant, turn

# (category path, brand, title, bullet points, price)
_ROWS: list[tuple[tuple[str, ...], str, str, list[str], float | None]] = [
    (("Beauty", "Hand Creams"), "Gold", "Healing Hand Cream - Fragrance Free, Non Greasy", [], 9.0),
    (("Beauty", "Hand Creams"), "Mild", "Unscented Hand Cream Fragrance-Free for Dry Hands", [], 11.0),
    (
        ("Beauty", "Hand Creams"),
        "Cedar",
        "Men's Hand Cream Cedar and Citron",
        ["Fragrance: cedar", "cruelty-free"],
        8.0,
    ),
    (
        ("Beauty", "Hand Creams"),
        "Rose",
        "Rose Hand Cream Gift Set",
        ["paraben free formula", "fragrance of roses"],
        12.0,
    ),
    (("Beauty", "Hand Creams"), "Shea", "Shea Butter Hand Cream Tube", [], 7.0),
    (("Computers", "Monitors"), "Lumen", "Lumen View 32 4K Monitor", [], 499.0),
    (("Computers", "Monitors"), "Lumen", "Lumen View 27 QHD Monitor", [], 299.0),
    (("Computers", "Monitors"), "Arc", "Arc 24 Monitor", [], 139.0),
    (("Computers", "Monitors"), "Arc", "Arc 27 Gaming Monitor", [], 329.0),
    (("Computers", "Monitors"), "Duo", "Duo 24 USB-C Monitor", [], 249.0),
    (("Computers", "Monitors"), "Duo", "Duo Portable 16 Monitor", [], 179.0),
    (("Garden", "Pest Control", "Repellents"), "BUG-A-SALT", "BUG-A-SALT 3.0 Fly Gun, Yellow", [], 45.0),
    (("Garden", "Pest Control", "Repellents"), "BUG-A-SALT", "BUG-A-SALT 3.0 Black Fly Edition", [], 49.0),
    (("Garden", "Pest Control", "Repellents"), "BUG-A-SALT", "BUG-A-SALT 2.0 Fly Gun", [], 39.0),
    (("Outdoors", "Personal Defense"), "Salt", "Salt Pepper Spray Launcher, Blue", [], 60.0),
    (("Outdoors", "Personal Defense"), "Salt", "Salt Pepper Spray Refill", [], 20.0),
    (("Clothing", "Women", "T-Shirts"), "Quill", "Jane Austen Book Club T-Shirt", [], 19.0),
    (("Clothing", "Women", "T-Shirts"), "Quill", "Classic Crew Neck T-Shirt", [], 15.0),
    (("Clothing", "Men", "T-Shirts"), "Quill", "Men's Pocket T-Shirt", [], 16.0),
    (("Clothing", "Women", "Shirts"), "Quill", "Linen Button Shirt", [], 29.0),
    (("Health", "Minerals", "Magnesium"), "Calm", "Magnesium Gummies for Sleep", [], 14.0),
    (("Health", "Minerals", "Magnesium"), "Calm", "Magnesium Glycinate Capsules", [], 12.0),
    (("Health", "Minerals", "Magnesium"), "Nature", "Magnesium Citrate Tablets", [], 9.0),
    (("Health", "Minerals", "Magnesium"), "Nature", "Magnesium Sleep Gummies Berry", [], 16.0),
    (("Health", "Minerals", "Magnesium"), "Pure", "Magnesium Powder Drink Mix", [], 18.0),
    (("Pet Supplies", "Dogs", "Leashes"), "Trail", "Reflective Dog Leash 6 ft", [], 19.0),
    (("Pet Supplies", "Dogs", "Leashes"), "Trail", "No-Pull Dog Harness", [], 32.0),
    (("Pet Supplies", "Dogs", "Beds"), "Paw", "Orthopedic Dog Bed", [], 59.0),
]


_COLORS = {
    "BUG-A-SALT 3.0 Fly Gun, Yellow": "Yellow",
    "BUG-A-SALT 3.0 Black Fly Edition": "Black",
    "Salt Pepper Spray Launcher, Blue": "Blue",
}


def _products() -> list[Product]:
    return [
        Product(
            id=f"p{i}",
            title=title,
            brand=brand,
            price=price,
            category=list(path),
            bullet_points=bullets,
            color=_COLORS.get(title),
        )
        for i, (path, brand, title, bullets, price) in enumerate(_ROWS)
    ]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    with small_assistant(tmp_path_factory.mktemp("phrasing-s") / "data", _products()) as a:
        yield a


def test_free_of_something_is_a_phrase_its_titles_say(assistant: Assistant) -> None:
    _, _, _, sid = turn(assistant, "hand cream for cracked hands")
    shown, _, plan, _ = turn(assistant, "needs to be fragrance free tho, scents give me migraines", sid)
    assert plan.filters.text_words == ["fragrance free"]
    assert "fragrance" not in plan.filters.exclude_text_words  # the phrase says it already
    assert {p.title for p in shown} == {
        "Healing Hand Cream - Fragrance Free, Non Greasy",
        "Unscented Hand Cream Fragrance-Free for Dry Hands",
    }  # not the cedar cream whose bullets say "fragrance" and "cruelty-free" apart


def test_a_code_titles_spell_filters_and_is_loosened_and_said(assistant: Assistant) -> None:
    shown, _, plan, _ = turn(assistant, "a 4k monitor")
    assert plan.filters.text_words == ["4k"]
    assert [p.title for p in shown] == ["Lumen View 32 4K Monitor"]
    # a word of the phrase naming the product outranks the budget: the 4K monitor, and what it costs
    shown, text, plan, _ = turn(assistant, "a 4k monitor under 300")
    assert [p.title for p in shown] == ["Lumen View 32 4K Monitor"]
    assert [r.field for r in plan.relaxed] == ["price"]
    assert "the cheapest monitor mentioning 4k is $499" in text
    _, _, plan, _ = turn(assistant, "monitors under 2k")
    assert plan.filters.text_words == [] and plan.filters.price_max == 2000.0  # "2k" is the price


def test_a_name_said_as_one_word(assistant: Assistant) -> None:
    shown, _, plan, sid = turn(
        assistant, "yo is the bugasalt thing something u guys stock?? the little salt shotgun for flies"
    )
    assert plan.filters.brands == ["bug-a-salt"]
    assert shown and all(p.brand == "BUG-A-SALT" for p in shown)
    # the brand is all that names the kind: a color none has is what is loosened
    shown, text, plan, _ = turn(assistant, "got one in blue? its for my nephew", sid)
    assert plan.filters.brands == ["bug-a-salt"]
    assert [r.field for r in plan.relaxed] == ["color"]
    assert "blue" in text.lower()  # and says so
    assert shown and all(p.brand == "BUG-A-SALT" for p in shown)
    _, _, plan, _ = turn(assistant, "her bday's coming up, thinking a tshirt")
    assert plan.filters.categories == ["t-shirts"]


def test_something_or_nothing_is_the_only_form_taken(assistant: Assistant) -> None:
    _, _, _, sid = turn(assistant, "magnesium for sleep")
    shown, _, plan, _ = turn(assistant, "i gag on pills tho. gummies or nothing", sid)
    assert plan.filters.text_words == ["gummies"]
    assert shown and all("Gummies" in p.title for p in shown)


def test_a_kind_no_text_names_under_the_shown_kinds_level_is_declined(assistant: Assistant) -> None:
    _, _, _, sid = turn(assistant, "need a leash for my border collie")
    shown, _, plan, _ = turn(assistant, "do you carry dog shampoo? she rolled in something nasty", sid)
    assert plan.intent == "out_of_catalog" and not shown

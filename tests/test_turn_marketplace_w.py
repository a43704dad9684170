"""Raw-catalog phrasings the late-w cases showed, end to end over a small marketplace-like catalog:
a level whose name lists the kind said ("a cap": Hats & Caps) filters; a kind named after a search
that named none, filing every product shown ("an actual paper book"), narrows it; "a hard case for
sunglasses" where no case says sunglasses is declined, a case for a tablet is not; "plain clear ones"
is the color its products come in; "a tablet plus a case" looks for the case beside the tablet; a
child's age in a feed without ages keeps to the kids' ones where the kind sells such, not
"marshmallows for the kids"; "… what bits should i use" asks for bits; "not an actual dremel" rules
the maker out; "ridgid brand only" is a maker's name, not a misspelling; a rating nothing reaches
is loosened and the best one said."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.plan.planner import _lists_said_kind
from assistant.plan.vocab import matcher_for
from assistant.turn import Assistant
from retrieval.catalog import Product
from retrieval.filters import Filters
from retrieval.products import Vocabulary
from retrieval.relax import RATING_FIELD, search_relaxed
from retrieval.schema import CatalogSchema
from tests.turn_support import small_assistant, turn

_CAPS = ("Clothing", "Men", "Accessories", "Hats & Caps", "Baseball Caps")
_SUN_HATS = ("Clothing", "Men", "Accessories", "Hats & Caps", "Sun Hats")
_FISHING_HATS = ("Clothing", "Men", "Accessories", "Hats & Caps", "Fishing Hats")
_TEES = ("Clothing", "Men", "Shirts", "T-Shirts")
_BOOKS = ("Books", "Children's Books", "Fairy Tales")
_SUNGLASSES = ("Clothing", "Accessories", "Sunglasses")
_EARBUD_CASES = ("Electronics", "Headphones, Earbuds & Accessories", "Cases")
_TABLET_CASES = ("Electronics", "Computers & Accessories", "Tablet Accessories", "Cases")
_TABLETS = ("Electronics", "Computers & Accessories", "Computers & Tablets", "Tablets")
_GLASSES = ("Home & Kitchen", "Glassware", "Wine Glasses")
_HEADPHONES = ("Electronics", "Headphones & Earbuds", "Over-Ear Headphones")
_MARSHMALLOWS = ("Grocery", "Cooking & Baking", "Marshmallows")
_BITS = ("Tools", "Power Tool Accessories", "Drill Bits")
_DRILLS = ("Tools", "Power Tools", "Drills")
_ROTARY = ("Tools", "Power Tools", "Rotary Tools")
_BAND_SAWS = ("Tools", "Power Tools", "Band Saws")
_ROWS: list[tuple[tuple[str, ...], str, str, float, str | None]] = [
    (_CAPS, "Ellewin", "Ellewin Quick Dry Baseball Cap", 9.0, "Black"),
    (_CAPS, "Lindo", "Lindo Trucker Cap Palm Tree", 29.0, "Gray"),
    (_CAPS, "Lacoste", "Lacoste Men's Cotton Cap", 45.0, "White"),
    (_SUN_HATS, "Dorfman", "Dorfman Men's Band Binding Hat", 35.0, "Brown"),
    (_FISHING_HATS, "Columbia", "Columbia Booney Fishing Cap", 30.0, "Khaki"),
    (_FISHING_HATS, "Ellewin", "Ellewin Fishing Cap with Neck Flap", 15.0, "Gray"),
    (_FISHING_HATS, "Home Prefer", "Home Prefer Outdoor Fishing Cap", 19.0, "Navy"),
    (_TEES, "Funcle", "Funcle Funny Dad T-Shirt for Men", 15.0, "Black"),
    (_TEES, "Gildan", "Gildan Men's Heavy Cotton T-Shirt", 8.0, "Navy"),
    (_TEES, "Hanes", "Hanes Men's Tagless Cap Sleeve T-Shirt", 10.0, "White"),
    (_BOOKS, "Scholastic", "Dragon Masters: Rise of the Earth Dragon (Paperback)", 5.0, None),
    (_BOOKS, "Scholastic", "A Friend for Dragon: An Acorn Book", 4.0, None),
    (_BOOKS, "Penguin", "How to Train Your Dragon Paperback", 8.0, None),
    (_BOOKS, "Scholastic", "Dragon Gets By: An Acorn Book", 5.0, None),
    (_BOOKS, "Little Brown", "Dragons Are Real! Picture Book", 7.0, None),
    (_BOOKS, "Disney", "Dragon Bedtime Stories Read-Aloud Book", 9.0, None),
    (_SUNGLASSES, "Sojos", "Sojos Polarized Round Sunglasses", 14.0, "Black"),
    (_SUNGLASSES, "Retro Rewind", "Retro Rewind Classic Sunglasses", 15.0, "Tortoise"),
    (_SUNGLASSES, "Feisedy", "Feisedy Cat Eye Sunglasses", 13.0, "Black"),
    (_EARBUD_CASES, "Spigen", "Spigen Rugged Armor Case for Airpods", 17.0, "Black"),
    (_EARBUD_CASES, "Kmmin", "Kmmin Waterproof Airpods Hard Case", 15.0, "Blue"),
    (_TABLET_CASES, "Maomi", "Maomi Case for Fire HD 8 Tablet", 16.0, "Black"),
    (_TABLET_CASES, "Boskin", "Boskin Kids Case for Fire HD 8 Tablet", 18.0, "Blue"),
    (_TABLETS, "Apple", "Apple iPad Air 2 Tablet (Renewed)", 189.0, "Space Gray"),
    (_TABLETS, "Samsung", "Samsung Galaxy Tab A Tablet", 149.0, "Black"),
    (_GLASSES, "Libbey", "Libbey Stemless Wine Glass Party Set", 33.0, "Clear"),
    (_GLASSES, "Aspen & Birch", "Aspen & Birch Classic Wine Glasses Set of 4", 45.0, "Clear"),
    (_GLASSES, "Splash", "Colored Stemless Wine Glasses, Vibrant Splash", 29.0, "Multicolor"),
    (_GLASSES, "Handmade", "Handmade Burgundy Wine Glasses Gift Box", 20.0, "Red"),
    (_HEADPHONES, "Jurassic", "Jurassic World Kids Headphones", 20.0, "Blue"),
    (_HEADPHONES, "Onanoff", "BuddyPhones Kids Headphones Volume Limited", 25.0, "Pink"),
    (_HEADPHONES, "iClever", "iClever Kids Headphones with Mic", 16.0, "Green"),
    (_HEADPHONES, "Sony", "Sony Over-Ear Studio Headphones", 99.0, "Black"),
    (_HEADPHONES, "Audio-Technica", "Audio-Technica Monitor Headphones", 149.0, "Black"),
    (_HEADPHONES, "Bose", "Bose QuietComfort Noise Cancelling Headphones", 279.0, "Black"),
    (_MARSHMALLOWS, "Campfire", "Campfire Giant Roasting Marshmallows", 4.0, None),
    (_MARSHMALLOWS, "Jet-Puffed", "Jet-Puffed Mini Marshmallows", 3.0, None),
    (_MARSHMALLOWS, "Dandies", "Dandies Vegan Marshmallows", 6.0, None),
    (_MARSHMALLOWS, "Unicorn", "Unicorn Poop Candy for Kids Parties", 20.0, None),
    (_BITS, "Bosch", "Bosch Cobalt Drill Bit 1/8 In.", 2.0, None),
    (_BITS, "Irwin", "Irwin Drill Bit Set, 60-Piece", 75.0, None),
    (_BITS, "Drill Hog", "Drill Hog M42 Cobalt Drill Bits for Stainless Steel", 36.0, None),
    (_DRILLS, "DeWalt", "DeWalt 20V Cordless Drill Driver", 99.0, "Yellow"),
    (_ROTARY, "Dremel", "Dremel 8220 12V Cordless Rotary Tool", 99.0, "Gray"),
    (_ROTARY, "Dremel", "Dremel 3000 Corded Rotary Tool Kit", 59.0, "Gray"),
    (_ROTARY, "Apexforge", "Apexforge 8V Cordless Rotary Tool", 56.0, "Black"),
    (_ROTARY, "Wen", "Wen 2305 Variable Speed Rotary Tool", 25.0, "Blue"),
    (_BAND_SAWS, "Wen", "Wen 3939T Benchtop Band Saw", 180.0, None),
    (_BAND_SAWS, "Skil", "Skil 3386-01 Band Saw", 290.0, None),
]


def _products() -> list[Product]:
    return [
        Product(
            id=f"w{i}", title=title, brand=brand, price=price, rating=4.5, category=list(path), color=color
        )
        for i, (path, brand, title, price, color) in enumerate(_ROWS)
    ]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    with small_assistant(tmp_path_factory.mktemp("marketplace-w") / "data", _products()) as a:
        yield a


def test_a_level_listing_the_kind_said_filters(assistant: Assistant) -> None:
    products = _products()
    schema, matcher = CatalogSchema.from_products(products), matcher_for(Vocabulary.from_products(products))
    assert _lists_said_kind("hats & caps", "a cap for my dad", matcher, schema)
    assert not _lists_said_kind("hats & caps", "my cap for these is $25", matcher, schema)
    assert not _lists_said_kind("fishing hats", "a cap for my dad", matcher, schema)
    shown, _, _, _ = turn(assistant, "a cap for my dad")
    assert shown and all("Hats & Caps" in p.category for p in shown)


def test_a_kind_filing_everything_shown_narrows_a_search_that_named_none(assistant: Assistant) -> None:
    shown, _, first, sid = turn(
        assistant, "my 7 year old loves dragons, something we can read together at bedtime"
    )
    assert not first.filters.categories and shown
    shown, _, plan, _ = turn(assistant, "an actual paper book pls", sid)
    assert plan.intent == "refine" and plan.filters.categories == ["books"]
    assert shown and all("Books" in p.category for p in shown)


def test_a_case_for_a_kind_no_case_says_is_declined(assistant: Assistant) -> None:
    _, _, _, sid = turn(assistant, "polarized sunglasses for driving")
    shown, _, plan, _ = turn(
        assistant, "do u sell a hard case for sunglasses so they dont get scratched", sid
    )
    assert plan.intent == "out_of_catalog" and not shown
    shown, _, plan, _ = turn(assistant, "a case for my fire hd 8 tablet")
    assert plan.intent == "search" and shown
    assert any("Tablet" in p.title for p in shown)


def test_a_word_the_kinds_products_come_in_as_a_color_is_that_color(assistant: Assistant) -> None:
    _, _, _, sid = turn(assistant, "wine glasses as a wedding gift")
    shown, _, plan, _ = turn(assistant, "just plain clear ones", sid)
    assert "clear" in plan.filters.colors and "clear" not in plan.filters.text_words
    assert shown and {p.color for p in shown} == {"Clear"}


def test_an_item_is_looked_for_beside_the_other_items_kind(assistant: Assistant) -> None:
    shown, _, plan, _ = turn(assistant, "getting my mom her first tablet, plus a case so she doesnt crack it")
    assert len(plan.items) == 2
    cases = [p for p in shown if p.category[-1] == "Cases"]
    assert cases and all("Tablet Accessories" in p.category for p in cases)
    assert any(p.category[-1] == "Tablets" for p in shown)


def test_a_childs_age_keeps_to_the_kids_ones_where_the_kind_sells_such(assistant: Assistant) -> None:
    shown, _, plan, _ = turn(assistant, "headphones for my 6 year old for long car rides")
    assert plan.filters.text_words == ["kids"]
    assert shown and all("Kids" in p.title for p in shown)
    shown, _, plan, _ = turn(assistant, "and some marshmallows for the kids while they play")
    assert "kids" not in plan.filters.text_words
    assert len(shown) > 1


def test_a_later_question_asking_which_of_a_kind_is_the_ask(assistant: Assistant) -> None:
    shown, _, plan, _ = turn(
        assistant,
        "gotta drill holes through a stainless bracket and my regular bits just go dull. what bits should i use",
    )
    assert plan.intent == "search" and shown
    assert shown[0].category[-1] == "Drill Bits"


def test_not_an_actual_maker_rules_it_out(assistant: Assistant) -> None:
    shown, _, plan, _ = turn(assistant, "a rotary tool for carving spoons, but not an actual dremel")
    assert "dremel" in plan.filters.exclude_brands and not plan.filters.brands
    assert shown and all(p.brand != "Dremel" for p in shown)


def test_a_maker_named_with_brand_is_not_corrected_and_is_said(assistant: Assistant) -> None:
    shown, text, plan, _ = turn(assistant, "band saw, ridgid brand only")
    assert "ridgid" in plan.unknown_values
    assert shown and "left that out" in text


def test_a_rating_nothing_reaches_is_loosened_and_the_best_said() -> None:
    products = _products()[:3]

    def run(filters: Filters) -> list[Product]:
        return [p for p in products if filters.min_rating is None or (p.rating or 0) >= filters.min_rating]

    found = search_relaxed(Filters(categories=["baseball caps"], min_rating=4.9), run)
    assert found.products and [r.field for r in found.relaxed] == [RATING_FIELD]
    assert found.relaxed[0].asked == "rated 4.9 stars or more"
    assert found.relaxed[0].closest == "the best rated is 4.5 stars"
    assert found.relaxed[0].loosened == Filters(min_rating=4.9)

"""Raw-catalog phrasings the late-cb cases showed, end to end over a small marketplace-like catalog:
a vague word in a clause of its own ("back to school stuff — my 6 yr old needs a stainless steel
water bottle") leaves the kind the next clause names, with the words naming it; a word that is
another kind's name ("yoga", a level of yoga mats) qualifies the kind it stands before when that
kind's titles say it; and a product whose own text says it does not work with something ("(Not
Support Alexa)", "not compatible with XBOX") is neither found as one that does nor described as one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.claims import verify_reason
from assistant.turn import Assistant
from retrieval.catalog import Product
from retrieval.filters import Filters, matches
from retrieval.text import denied_stems
from tests.turn_support import small_assistant, turn

_BOTTLES = ("Sports & Outdoors", "Accessories", "Sports Water Bottles")
_BOARDS = ("Sports & Outdoors", "Water Sports", "Stand-Up Paddleboarding", "Stand-Up Paddleboards")
_MATS = ("Sports & Outdoors", "Exercise & Fitness", "Yoga", "Mats")
_STRIPS = ("Tools & Home Improvement", "Lighting", "LED Strip Lights")
_ROWS: list[tuple[tuple[str, ...], str, str, float, list[str]]] = [
    (_BOTTLES, "Simple", "Simple Modern Kids Stainless Steel Water Bottle, 14 oz", 18.0, []),
    (_BOTTLES, "Zak", "Zak Designs Stainless Steel Kids Water Bottle with Straw", 12.0, []),
    (_BOTTLES, "Hydra", "Hydra Insulated Stainless Steel Water Bottle, 32 oz", 25.0, []),
    (_BOTTLES, "HomTune", "HomTune Kids Water Bottle, BPA Free Tritan Plastic", 11.0, []),
    (_BOTTLES, "Pukavt", "Pukavt Motivational Sports Water Bottle, Tritan", 15.0, []),
    (_BOTTLES, "Contigo", "Contigo Autoseal Kids Water Bottle, Plastic", 9.0, []),
    (_BOARDS, "FBSport", "FBSport Inflatable Stand Up Paddle Board, Yoga Board with Pump", 260.0, []),
    (_BOARDS, "Pexmor", "Pexmor Inflatable Paddle Board for Fishing Yoga Touring", 240.0, []),
    (_BOARDS, "Abahub", "Abahub Inflatable SUP, Wide Standup Paddleboard", 300.0, []),
    (_BOARDS, "Mousa", "Mousa Inflatable Paddle Board, Dual Player", 320.0, []),
    (_BOARDS, "Bote", "Bote Hardshell Touring Paddle Board", 900.0, []),
    (_MATS, "Gaiam", "Gaiam Essentials Yoga Mat, 10 mm", 22.0, []),
    (_MATS, "Manduka", "Manduka Pro Yoga Mat, 6 mm", 120.0, []),
    (
        _STRIPS,
        "Govee",
        "Govee RGBIC LED Strip Lights, Bluetooth App Control",
        20.0,
        ["Timer function in the Govee Home app. (Not Support Alexa)"],
    ),
    (
        _STRIPS,
        "Govee",
        "Govee Smart LED Strip Lights, WiFi, Works with Alexa",
        30.0,
        ["Voice control with Alexa."],
    ),
    (_STRIPS, "Kasa", "Kasa Smart LED Light Strip, Works with Alexa and Google", 40.0, []),
    (_STRIPS, "Daybetter", "Daybetter LED Strip Lights with Remote", 15.0, ["44-key remote."]),
]


def _products() -> list[Product]:
    return [
        Product(
            id=f"cb{i}",
            title=title,
            brand=brand,
            price=price,
            rating=4.5,
            category=list(path),
            bullet_points=bullets,
        )
        for i, (path, brand, title, price, bullets) in enumerate(_ROWS)
    ]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    with small_assistant(tmp_path_factory.mktemp("marketplace-cb") / "data", _products()) as a:
        yield a


@pytest.mark.parametrize(
    "message",
    [
        "back to school stuff — my 6 yr old needs a stainless steel water bottle, the plastic ones get funky",
        "gym stuff: i need a stainless steel water bottle",
        "camping stuff - need a stainless steel water bottle",
    ],
)
def test_a_vague_clause_of_its_own_leaves_the_kind_the_next_names(assistant: Assistant, message: str) -> None:
    shown, _, plan, _ = turn(assistant, message)
    assert plan.filters.categories == ["sports water bottles"]
    assert "stainless" in plan.filters.text_words
    assert shown and all("Stainless" in p.title for p in shown)


def test_a_vague_word_in_the_asking_clause_still_asks_vaguely() -> None:
    from assistant.plan.planner import product_kind
    from retrieval.products import Vocabulary

    vocabulary = Vocabulary.from_products(_products())
    assert product_kind("some stuff for the gym, a water bottle maybe", vocabulary) == ""
    assert "stainless steel water bottle" in product_kind(
        "back to school stuff — my son needs a stainless steel water bottle", vocabulary
    )


def test_another_kinds_name_before_the_kind_qualifies_it(assistant: Assistant) -> None:
    shown, _, plan, _ = turn(assistant, "looking for a yoga stand up paddle board for the lake")
    assert plan.filters.categories == ["stand-up paddleboards"]
    assert "yoga" in plan.filters.text_words
    assert shown and all("Yoga" in p.title for p in shown)
    # the phrase naming the product, however the kind was read: its word that names another kind
    # (Yoga) and that the kind's titles say is a feature of it
    from assistant.plan.text_words import said_features
    from assistant.plan.vocab import matcher_for
    from retrieval.products import Vocabulary

    matcher = matcher_for(Vocabulary.from_products(_products()))
    assert "yoga" in said_features("a yoga paddle board for the lake", matcher, modifiers=["yoga"])
    assert "yoga" not in said_features("a yoga paddle board for the lake", matcher)
    # the other kind itself, asked for, is still that kind
    shown, _, _, _ = turn(assistant, "a yoga mat")
    assert shown and all(p.category[-1] == "Mats" for p in shown)


def test_what_a_products_text_says_it_does_not_work_with_is_denied() -> None:
    assert denied_stems("Timer function. (Not Support Alexa)") == {"alexa"}
    assert "xbox" in denied_stems("Note: This microphone is not compatible with XBOX.")
    assert {"electr", "baseboard", "heat"} <= denied_stems(
        "Does NOT work with electric baseboard heat (120V)"
    )
    assert "kindl" in denied_stems("will not fit prior generation Kindle devices")
    assert "iphon" in denied_stems("incompatible with iPhone 12")
    assert "lid" in denied_stems("sold without a lid")
    # said once to deny, once to state: stated
    assert "alexa" not in denied_stems("Works with Alexa. Not compatible with Alexa Gen 1 hubs")
    assert "googl" in denied_stems("Works with Alexa; not compatible with Google Home")


def test_a_product_denying_a_feature_is_not_found_by_it() -> None:
    products = {p.id: p for p in _products()}
    alexa = Filters(text_words=["alexa"])
    assert not matches(products["cb13"], alexa)  # (Not Support Alexa)
    assert matches(products["cb14"], alexa) and matches(products["cb15"], alexa)


def test_a_reason_claiming_what_the_product_denies_is_unsupported() -> None:
    strip = _products()[13]
    checked = verify_reason("Works with Alexa for hands-free voice control.", strip)
    assert not checked.grounded and "alexa" in checked.claims[0].why
    # saying it does not, or what it has, stands
    assert verify_reason("It does not support Alexa.", strip).grounded
    assert verify_reason("Bluetooth app control with a timer.", strip).grounded


@pytest.mark.parametrize(
    ("message", "word"),
    [
        ("led strip lights that work with alexa", "alexa"),
        ("a home office chair with armrests", "armrests"),
        ("need a putting mat with auto ball return", "auto"),
        ("a mouse with a scroll wheel", "scroll"),
    ],
)
def test_the_word_after_with_is_read_whole(message: str, word: str) -> None:
    from assistant.plan.text_words import said_features
    from assistant.plan.vocab import matcher_for
    from retrieval.products import Vocabulary

    # (a word starting like an article, "alexa", "armrests", was read without its first letters)
    assert word in said_features(message, matcher_for(Vocabulary.from_products(_products())))


@pytest.mark.parametrize(
    ("message", "phrase"),
    [
        ("which led strip lights work with alexa? the best rated one please", "led strip lights"),
        ("it has to work with google home", ""),
        ("earbuds that pair with my iphone", "earbuds"),
        ("headphones work with ps5?", "headphones"),
        # a noun before "with" stays the product: a kind of bike, a stand
        ("kids bikes with training wheels", "kids bikes"),
        ("a stand with wheels", "a stand"),
    ],
)
def test_a_verb_of_use_before_with_is_no_word_of_the_product(message: str, phrase: str) -> None:
    from assistant.plan.planner import product_phrase

    assert " ".join(product_phrase(message).split()) == phrase


def test_what_the_product_must_work_with_names_no_kind(assistant: Assistant) -> None:
    _, _, plan, sid = turn(assistant, "led strip lights for my bedroom")
    shown, _, plan, _ = turn(assistant, "it has to work with alexa", sid)
    assert plan.filters.categories == ["led strip lights"] and plan.category_hint is None
    assert "alexa" in plan.filters.text_words
    assert shown and all(p.category[-1] == "LED Strip Lights" for p in shown)
    assert "cb13" not in {p.id for p in shown}  # (Not Support Alexa)


def test_a_price_figure_names_no_shown_product(tmp_path_factory: pytest.TempPathFactory) -> None:
    bowls = ("Pet Supplies", "Dogs", "Feeding & Watering Supplies", "Bowls & Dishes")
    rows = [
        ("SUPER DESIGN", "SUPER DESIGN Mess Free 15 Degree Slanted Dog Food Bowl", 19.94),
        ("Neater Pet", "Neater Pet Brands Stainless Steel Dog Food Bowl", 9.99),
        ("YinQin", "YinQin Bone Shape Stainless Steel Dog Food Bowl", 12.0),
        ("Spot", "SPOT Ethical Pets Tribeca Ceramic Dog Food Bowl", 11.35),
    ]
    products = [
        Product(id=f"bw{i}", title=t, brand=b, price=p, rating=4.4, category=list(bowls))
        for i, (b, t, p) in enumerate(rows)
    ]
    with small_assistant(tmp_path_factory.mktemp("price-figure") / "data", products) as a:
        shown, _, _, sid = turn(a, "a food bowl for my dog")
        assert "bw0" in {p.id for p in shown}
        # "$15" is the budget, not the "15 Degree" bowl's name
        shown, _, plan, _ = turn(a, "cant go over $15 on it", sid)
        assert plan.intent == "refine" and plan.filters.price_max == 15.0
        assert shown and all(p.price is not None and p.price <= 15 for p in shown)

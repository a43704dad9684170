"""Shoppers phrasing things the late-k cases showed (demo catalog): a framing first clause, complaints
that are comparatives, a value of the kind already shown, caps said as limits, store-wide superlatives,
chat spellings, and a brand named as what the product fits."""

from __future__ import annotations

import pytest
from test_plan_phrasing_more import _plan

from assistant.plan import plan_turn
from assistant.plan.planner import product_phrase
from assistant.plan.prices import parse_prices
from assistant.plan.semantics import numbers_to_digits
from assistant.plan.shorthand import expand_shorthand
from assistant.plan.text import tokenize
from assistant.plan.vocab import describes_brand, matcher_for
from assistant.schemas import HistoryTurn
from assistant.turn import _TitleCategories
from retrieval.catalog import Product
from retrieval.products import Vocabulary
from retrieval.schema import CatalogSchema


@pytest.mark.parametrize(
    ("message", "phrase"),
    [
        # a first clause naming nothing the catalog sells frames the ask
        ("my dad keeps asking for one of those robot vacuum things", "robot vacuum"),
        # ... but a stand-in for the product, or a question about what was shown, is the phrase
        ("something more powerful for home use", "something"),
        ("which of them is the quietest, kitchen's open to the bedroom", "quietest"),
    ],
)
def test_a_framing_clause_gives_way_to_the_one_naming_the_product(
    message: str, phrase: str, demo_vocabulary: Vocabulary
) -> None:
    assert phrase in product_phrase(message, matcher_for(demo_vocabulary))


def test_a_doer_is_not_a_category_name_for_the_phrase(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema
) -> None:
    plan = _plan(
        "something for my dad, he shaves every single morning, wet shave kind of guy. ideas?",
        demo_vocabulary,
        demo_schema,
    )
    assert plan.filters.categories == ["electric shavers"]


def test_too_small_asks_for_a_bigger_one(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_products: list[Product]
) -> None:
    solo = [p for p in demo_products if p.id == "tn-trailwright-solo-ul-1"]
    first = _plan("the lightest tent", demo_vocabulary, demo_schema)
    plan = _plan("too small, I need room for two people", demo_vocabulary, demo_schema, first, solo)
    assert plan.intent == "refine" and plan.filters.categories == ["tents"]
    assert plan.comparative is not None and plan.comparative.direction == "higher"
    assert plan.filters.attribute_ranges["capacity"].gte == 2
    assert "capacity" not in {k for k, r in plan.filters.attribute_ranges.items() if r.lte is not None}


def test_a_value_the_kind_shown_has_is_not_another_kind(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema
) -> None:
    first = _plan("dog bed, medium sized pup, like fifty bucks max", demo_vocabulary, demo_schema)
    plan = _plan("are there memory foam ones? she's getting old", demo_vocabulary, demo_schema, first)
    assert plan.filters.categories == ["dog beds"]
    assert plan.filters.attributes.get("fill") == "memory foam"


@pytest.mark.parametrize(
    "text",
    ["laptop for college, can't go over 700", "i dont want to spend more than 700", "cannot exceed $700"],
)
def test_a_cap_said_as_a_limit(text: str) -> None:
    prices = parse_prices(text)
    assert (prices.price_min, prices.price_max) == (None, 700.0)


def test_a_store_wide_superlative_drops_earlier_bounds_on_its_key(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_products: list[Product]
) -> None:
    first = _plan("a blender under 80", demo_vocabulary, demo_schema)
    shown = [p for p in demo_products if p.category and p.category[-1] == "Blenders"][:3]
    plan = _plan("whats the most expensive one you sell", demo_vocabulary, demo_schema, first, shown)
    assert plan.sort is not None and plan.sort.key == "price" and plan.sort.order == "desc"
    assert plan.filters.price_max is None and plan.filters.categories == ["blenders"]
    kept = _plan("whats the most expensive one", demo_vocabulary, demo_schema, first, shown)
    assert kept.filters.price_max == 80  # not store-wide: within the budget


def test_chat_spellings_are_spelled_out() -> None:
    said = expand_shorthand("do u have anything under 15 tho, ur U-lock n stuff", lambda _: True)
    assert said == "do you have anything under 15 though, your U-lock and stuff"


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        ("k now i need a duffel bag", "k now i need a duffel bag"),
        ("five k budget", "5000 budget"),
        ("a k cup", "a k cup"),
    ],
)
def test_k_counts_thousands_only_after_a_number(text: str, digits: str) -> None:
    assert numbers_to_digits(text) == digits


@pytest.mark.parametrize(
    ("message", "fits"),
    [
        ("a charger for my sonovel earbuds", True),
        ("looking for sonovel earbuds", False),
        ("sonovel earbuds for the gym", False),
    ],
)
def test_a_brand_after_for_names_what_the_product_fits(
    message: str, fits: bool, demo_vocabulary: Vocabulary
) -> None:
    tokens = tokenize(message)
    (brand,) = [m for m in matcher_for(demo_vocabulary).find(tokens) if m.kind == "brand"]
    assert describes_brand(tokens, brand) is fits


def test_a_pair_no_title_says_together() -> None:
    def product(i: int, title: str) -> Product:
        return Product(id=f"p{i}", title=title, category=["Home", "Things"])

    index = _TitleCategories.build(
        1, [product(1, "Lie Detector Game"), product(2, "Smoke Machine for Parties")]
    )
    assert index.pair_unseen("smoke", "detector")
    assert not index.pair_unseen("lie", "detectors")  # plural forms count
    assert not index.pair_unseen("carbon", "detector")  # a word no title has is another check's job


def test_a_leading_or_offers_another_color_instead(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema
) -> None:
    first = _plan("womens running shoes in purple", demo_vocabulary, demo_schema)
    assert _plan("or blue under 150", demo_vocabulary, demo_schema, first).filters.colors == ["blue"]
    both = _plan("any in purple or blue?", demo_vocabulary, demo_schema, first).filters.colors
    assert set(both) == {"purple", "blue"}


def test_a_question_naming_a_product_an_earlier_answer_showed(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema
) -> None:
    first = _plan("a yoga mat and a foam roller", demo_vocabulary, demo_schema)
    history = [
        HistoryTurn(
            role="assistant", content="", plan=first, shown_ids=["fit-flexora-foam-roller-blue", "mat-1"]
        ),
        HistoryTurn(role="assistant", content="", plan=first, shown_ids=["mat-2", "mat-3"]),
    ]
    titles = {
        "fit-flexora-foam-roller-blue": "Flexora Textured Foam Roller",
        "mat-1": "Flexora Travel Yoga Mat",
        "mat-2": "Flexora Grip Yoga Mat",
        "mat-3": "Flexora Cork Yoga Block",
    }
    plan = plan_turn(
        "and how long is the foam roller?",
        history,
        demo_vocabulary,
        previous=first,
        schema=demo_schema,
        shown_titles={k: v for k, v in titles.items() if k in ("mat-2", "mat-3")},
        earlier_titles={k: v for k, v in titles.items() if k not in ("mat-2", "mat-3")},
    )
    assert plan.intent == "product_question"
    assert plan.referenced_ids == ["fit-flexora-foam-roller-blue"]


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("nothing over thirty-five each", None, 35.0),
        ("budget is like 15", None, 15.0),
        ("and if i want to stay under $300?", None, 300.0),
        ("my budget is about 150", 127.5, 172.5),
    ],
)
def test_more_ways_to_say_a_budget(text: str, low: float | None, high: float | None) -> None:
    prices = parse_prices(numbers_to_digits(text))
    assert (prices.price_min, prices.price_max) == (low, high)


def test_a_child_named_without_a_product(demo_vocabulary: Vocabulary, demo_schema: CatalogSchema) -> None:
    plan = _plan(
        "my nephew turns 8 next month and he's obsessed with building things, what would work for him?",
        demo_vocabulary,
        demo_schema,
    )
    assert plan.intent == "search" and plan.filters.categories == ["building sets"]
    assert plan.filters.attribute_ranges["age_min_years"].lte == 8


def test_items_joined_by_a_plus(demo_vocabulary: Vocabulary, demo_schema: CatalogSchema) -> None:
    plan = _plan("weekend camping trip w/ the family, need a tent + a backpack", demo_vocabulary, demo_schema)
    assert [i.categories for i in plan.items] == [["tents"], ["backpacks"]]

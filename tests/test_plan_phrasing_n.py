"""Shoppers phrasing things the late-n cases showed: a kind a leaf lists as one part of its name
("men's slides": Men > … > Sport Sandals & Slides), an audience said as a relative where the catalog
files it as a path level, an ordinary word that is also a brand said of a person ("my brother"), the
shopper's own things ("kills my eyes"), "one with a keychain" after a kind, a dash between two
thoughts, rating superlatives said with a verb, and features only titles state."""

from __future__ import annotations

import numpy as np
import pytest
from test_plan_phrasing_more import _plan

from assistant.plan.intents import is_compare
from assistant.plan.planner import product_phrase
from assistant.plan.text_words import distinguishes, said_exclusions, said_features
from assistant.plan.vocab import matcher_for
from retrieval.catalog import Product
from retrieval.filters import Filters, matches
from retrieval.products import Vocabulary
from retrieval.relax import TEXT_FIELD, search_relaxed
from retrieval.schema import CatalogSchema
from retrieval.snapshot import CatalogSnapshot

_PATHS = {
    "wsl": ["Clothing", "Women", "Shoes", "Sandals", "Slides"],
    "wsp": ["Clothing", "Women", "Shoes", "Athletic", "Sport Sandals & Slides"],
    "msp": ["Clothing", "Men", "Shoes", "Athletic", "Sport Sandals & Slides"],
    "msa": ["Clothing", "Men", "Shoes", "Sandals"],
    "wsa": ["Clothing", "Women", "Shoes", "Sandals"],
    "cas": ["Electronics", "Headphones, Earbuds & Accessories", "Cases"],
    "key": ["Clothing", "Accessories", "Keychains"],
    "sun": ["Clothing", "Accessories", "Sunglasses & Eyewear Accessories", "Sunglasses"],
    "lego": ["Toys & Games", "Building Toys", "Building Sets"],
    "prn": ["Office Products", "Printers", "Laser Printers"],
    "eye": ["Beauty & Personal Care", "Makeup", "Eyes", "Eyeshadow"],
}
_TITLES = {
    "sun": ["SOJOS Polarized Sunglasses {i}", "FEISEDY Square Sunglasses {i}", "Retro Round Sunglasses {i}"],
    "eye": ["Fluoride-Free Eyeshadow {i}", "Eyeshadow with Fluoride {i}", "Plain Eyeshadow {i}"],
    "cas": ["AirPods Case Cover with Keychain {i}", "AirPods Case Silicone {i}", "Galaxy Buds Case {i}"],
}
_BRANDS = {"lego": "LEGO", "prn": "Brother", "msp": "adidas", "wsp": "adidas"}


def _products() -> list[Product]:
    out = []
    for key, path in _PATHS.items():
        titles = _TITLES.get(key, [f"{path[-1]} {{i}}"] * 3)
        for i in range(6):
            out.append(
                Product(
                    id=f"{key}{i}",
                    title=titles[i % len(titles)].format(i=i),
                    brand=_BRANDS.get(key, "Acme" if i % 2 else "Zeta"),
                    price=10.0 + 10 * i,
                    category=path,
                )
            )
    return out


@pytest.fixture(scope="module")
def products() -> list[Product]:
    return _products()


@pytest.fixture(scope="module")
def schema(products: list[Product]) -> CatalogSchema:
    return CatalogSchema.from_products(products)


@pytest.fixture(scope="module")
def vocab(products: list[Product]) -> Vocabulary:
    return Vocabulary.from_products(products)


@pytest.mark.parametrize("message", ["men's slides", "mens slides for the gym shower", "slides for men"])
def test_a_kind_a_leaf_lists_in_its_name_holds_the_level_asked(
    message: str, vocab: Vocabulary, schema: CatalogSchema
) -> None:
    # Slides itself is only under Women; Men files them as Sport Sandals & Slides
    plan = _plan(message, vocab, schema)
    assert plan.filters.categories == ["sport sandals & slides"]
    assert plan.filters.categories_all == ["men"]


def test_the_kind_named_again_keeps_the_listing_leaf_and_its_level(
    vocab: Vocabulary, schema: CatalogSchema
) -> None:
    first = _plan("men's slides", vocab, schema)
    plan = _plan("adidas slides specifically?", vocab, schema, previous=first)
    assert plan.intent == "refine" and plan.filters.brands == ["adidas"]
    assert plan.filters.categories == ["sport sandals & slides"] and plan.filters.categories_all == ["men"]


@pytest.mark.parametrize(
    ("message", "level"), [("sandals for my husband", "men"), ("my wife needs sandals", "women")]
)
def test_a_relative_picks_the_audience_level_a_catalog_files_by(
    message: str, level: str, vocab: Vocabulary, schema: CatalogSchema
) -> None:
    plan = _plan(message, vocab, schema)
    assert plan.filters.categories == ["sandals"] and plan.filters.categories_all == [level]


def test_a_level_the_shopper_named_stands_over_the_relative(vocab: Vocabulary, schema: CatalogSchema) -> None:
    plan = _plan("women's sandals for my husband", vocab, schema)
    assert plan.filters.categories_all == ["women"]


def test_an_ordinary_word_brand_said_of_a_person_is_no_brand(
    vocab: Vocabulary, schema: CatalogSchema
) -> None:
    plan = _plan("what's the most expensive lego set? my brother collects them", vocab, schema)
    assert plan.filters.brands == ["lego"]
    assert _plan("a brother printer", vocab, schema).filters.brands == ["brother"]


def test_the_shoppers_own_things_are_not_the_kind(vocab: Vocabulary, schema: CatalogSchema) -> None:
    first = _plan("sunglasses", vocab, schema)
    plan = _plan("gotta be polarized, the glare off the water kills my eyes", vocab, schema, previous=first)
    assert "eyes" not in plan.filters.categories


@pytest.mark.parametrize("message", ["one with a keychain", "any that have a keychain?"])
def test_a_kind_named_as_a_part_of_one_is_a_feature(
    message: str, vocab: Vocabulary, schema: CatalogSchema
) -> None:
    first = _plan("airpods case", vocab, schema)
    plan = _plan(message, vocab, schema, previous=first)
    assert plan.intent == "refine" and plan.filters.categories == ["cases"]
    assert said_features(message, matcher_for(vocab)) == ["keychain"]


def test_a_dash_ends_a_scene_setting_thought(demo_vocabulary: Vocabulary) -> None:
    phrase = product_phrase(
        "long road trip with the kids next week - noise cancelling headphones for me",
        matcher_for(demo_vocabulary),
    )
    assert "headphones" in phrase and "road" not in phrase


@pytest.mark.parametrize(
    "message", ["which one do people rate the highest?", "knife sets, which do shoppers rate highest"]
)
def test_rating_superlatives_said_with_a_verb(
    message: str, demo_vocabulary: Vocabulary, demo_schema: CatalogSchema
) -> None:
    plan = _plan(f"blenders. {message}", demo_vocabulary, demo_schema)
    assert plan.sort is not None and plan.sort.key == "rating" and plan.sort.order == "desc"


@pytest.mark.parametrize(
    ("message", "words"),
    [
        ("just the sunglasses now - gotta be polarized", ["polarized"]),
        ("polarized sunglasses", ["polarized"]),
        ("leather ones?", ["leather"]),
        ("a proper knife block set", []),  # a judgement, not a feature
        ("anything that's not leather ones", []),  # ruled out, not asked for
        ("black sunglasses", []),  # a color is read as a color
    ],
)
def test_said_features(message: str, words: list[str], vocab: Vocabulary) -> None:
    assert said_features(message, matcher_for(vocab)) == words


def test_how_often_is_never_a_feature() -> None:
    # "always" right after a category's word ("shirts"): the dictionary has it only as an adverb
    vocab = Vocabulary.from_products(
        [
            Product(id="s1", title="Slim Fit Dress Shirt", category=["Men", "Shirts"]),
            Product(id="s2", title="Handheld Garment Steamer", category=["Home", "Garment Steamers"]),
        ]
    )
    assert said_features("my shirts always come out wrinkled, a steamer", matcher_for(vocab)) == []
    assert said_features("my shirts flannel please, a steamer", matcher_for(vocab)) == [
        "flannel"
    ]  # a noun is


def test_a_feature_must_pick_some_but_not_all() -> None:
    assert distinguishes(2, 10) and not distinguishes(10, 10) and not distinguishes(1, 10)
    assert not distinguishes(2, 1000)  # incidental: in 0.2% of the titles


def test_text_words_filter_the_same_in_the_snapshot_and_on_a_product(products: list[Product]) -> None:
    snap = CatalogSnapshot(products, np.zeros((len(products), 4), dtype=np.float32), 1)
    for filters in (
        Filters(text_words=["polarized"]),
        Filters(text_words=["airpods", "keychain"]),
        Filters(text_words=["keychains"], categories=["cases"]),  # compared as stems
        Filters(text_words=["nowhere"]),
        Filters(exclude_text_words=["fluoride"]),
        Filters(exclude_text_words=["polarized"], categories=["sunglasses"]),
    ):
        mask = snap.mask(filters)
        assert [p.id for p, ok in zip(products, mask, strict=True) if ok] == [
            p.id for p in products if matches(p, filters)
        ]
    assert snap.mask(Filters(text_words=["polarized"])).sum() == 2


def test_a_text_word_nothing_has_is_loosened_and_said(products: list[Product]) -> None:
    filters = Filters(categories=["sunglasses"], text_words=["photochromic"])
    result = search_relaxed(filters, lambda f: [p for p in products if matches(p, f)])
    assert result.products and result.filters.text_words == []
    (relaxed,) = result.relaxed
    assert relaxed.field == TEXT_FIELD and "photochromic" in relaxed.asked


@pytest.mark.parametrize(
    "message",
    [
        "pit #1 against #3",
        "contrast the two",
        "can you break down the first two",
        "pros and cons of the first two",
        "which of the first two is better",
        "how are the first and third different",
        "is the first better than the second",
        "same question for these two: which wins",
        "table of the first two please",
    ],
)
def test_more_ways_to_ask_for_a_comparison(message: str) -> None:
    assert is_compare(message)


@pytest.mark.parametrize(
    "message", ["a high contrast monitor", "a table for the two of us", "table lamps", "a dining table for 4"]
)
def test_words_of_a_comparison_in_a_product_ask_are_not_one(message: str) -> None:
    assert not is_compare(message)


@pytest.mark.parametrize(
    ("message", "words"),
    [
        ("a toothpaste without any fluoride in it", ["fluoride"]),
        ("cat treats, no chicken please", ["chicken"]),
        ("sunglasses but not black ones", []),  # a color: the color filter reads it
        ("running shoes, nothing from pacecraft", []),
    ],
)
def test_said_exclusions(message: str, words: list[str], vocab: Vocabulary) -> None:
    assert said_exclusions(message, matcher_for(vocab)) == words


def test_an_excluded_word_said_as_absent_passes(products: list[Product]) -> None:
    filters = Filters(exclude_text_words=["fluoride"], categories=["eyeshadow"])
    kept = [p.title for p in products if matches(p, filters)]
    assert kept and all("with Fluoride" not in t for t in kept)
    assert any("Fluoride-Free" in t for t in kept) and any("Plain" in t for t in kept)

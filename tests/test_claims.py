"""The claim verifier: every claim of a shown reason must be bound to the product's data.

The six reasons quoted in the explanations issue (all shown to shoppers by an earlier version) must
lose every false claim; composed reasons must pass whole.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.claims import split_claims, verify_reason
from assistant.compose import compose_reason
from assistant.schemas import Comparative, QueryPlan, SortSpec
from retrieval.catalog import Product
from retrieval.filters import Filters
from retrieval.products import Vocabulary
from retrieval.schema import CatalogSchema

DEMO = Path(__file__).resolve().parent.parent / "retrieval" / "data" / "demo_catalog.jsonl"


@pytest.fixture(scope="module")
def catalog() -> list[Product]:
    return [Product.model_validate(json.loads(line)) for line in DEMO.read_text().splitlines()]


@pytest.fixture(scope="module")
def vocabulary(catalog: list[Product]) -> Vocabulary:
    return Vocabulary.from_products(catalog)


def _one(catalog: list[Product], leaf: str, **attrs: str) -> Product:
    return next(
        p
        for p in catalog
        if p.category[-1] == leaf and all(p.attributes.get(k) == v for k, v in attrs.items())
    )


def _leaf(catalog: list[Product], leaf: str) -> list[Product]:
    return [p for p in catalog if p.category[-1] == leaf]


ISSUE_EXAMPLES = [
    # (reason, leaf, attributes that pick the product, the false parts)
    (
        "At 4.5 dBA, Nordvik is a top-rated dishwasher, and it's a 9-piece kitchen appliance.",
        "Dishwashers",
        {"noise_level_db": "44"},
        ["At 4.5 dBA", "top-rated", "9-piece"],
    ),
    (
        "At 20°F it is one of the warmest sleeping bags, 20kg, and you can choose your favorite size.",
        "Sleeping Bags",
        {"weight_kg": "1.5"},
        ["warmest", "20kg", "favorite size"],
    ),
    (
        "The price is too high, and the quality is not good enough to justify the price.",
        "Dishwashers",
        {},
        ["too high", "not good enough"],
    ),
    (
        "Cheers to the air purifier, it is one of the quieter ones, with a 130 dB filter, and it is as "
        "quiet as 24 dB on the lowest setting.",
        "Air Purifiers",
        {"noise_level_db": "22"},
        ["Cheers", "quieter", "130 dB", "lowest setting"],
    ),
    (
        "At 11 inches thick, it is one of the most luxurious innerspring mattresses, and it is also one of "
        "the most luxurious innerspring mattresses, and it is also one-",
        "Mattresses",
        {"type": "innerspring"},
        ["most luxurious", "also one-"],
    ),
    (
        "At 40°F it is one of the warmest sleeping bags, with a 1.1 kg weight, inside your budget.",
        "Sleeping Bags",
        {"temp_rating_f": "40"},
        ["warmest", "inside your budget"],
    ),
]


@pytest.mark.parametrize(("reason", "leaf", "attrs", "false_parts"), ISSUE_EXAMPLES)
def test_the_issue_examples_lose_every_false_claim(
    catalog: list[Product],
    vocabulary: Vocabulary,
    reason: str,
    leaf: str,
    attrs: dict[str, str],
    false_parts: list[str],
) -> None:
    product = _one(catalog, leaf, **attrs)
    checked = verify_reason(reason, product, shown=_leaf(catalog, leaf)[:5], vocabulary=vocabulary)
    assert checked.unsupported, "a false reason passed the verifier"
    for part in false_parts:
        assert part.lower() not in checked.text.lower(), f"{part!r} survived: {checked.text!r}"


def test_a_number_must_match_the_field_its_unit_names(catalog: list[Product]) -> None:
    bag = _one(catalog, "Sleeping Bags", weight_kg="1.5")
    assert verify_reason("Weighs 1.5 kg.", bag).grounded
    assert verify_reason("Weighs 1500 g.", bag).grounded  # converted
    assert not verify_reason("Weighs 2.5 kg.", bag).grounded
    # its temperature rating is a number of the product, but not a mass
    rating = bag.attributes["temp_rating_f"]
    assert not verify_reason(f"Weighs {rating} kg.", bag).grounded


def test_prices_and_ratings_are_this_products(catalog: list[Product]) -> None:
    product = _one(catalog, "Dishwashers", noise_level_db="44")
    assert product.price is not None and product.rating is not None
    assert verify_reason(f"${product.price:,.0f}; rated {product.rating:g} out of 5.", product).grounded
    assert not verify_reason("At $1 it is a steal.", product).grounded
    assert not verify_reason(f"Rated {product.rating + 0.3:.1f} out of 5.", product).grounded


def test_a_budget_may_be_quoted_back_only_as_the_shoppers() -> None:
    product = Product(id="p", title="Kettle", price=49.0, attributes={"capacity_l": "1.7"})
    assert verify_reason("$49, within your $60 budget.", product, filters=Filters(price_max=60)).grounded
    assert not verify_reason("$49, within your $60 budget.", product).grounded


def test_superlatives_hold_only_computed_over_the_shown_products(catalog: list[Product]) -> None:
    tents = sorted(_leaf(catalog, "Tents"), key=lambda p: float(p.attributes["weight_kg"]))[:4]
    lightest, heavier = tents[0], tents[-1]
    assert verify_reason("The lightest of these four.", lightest, shown=tents).grounded
    assert not verify_reason("The lightest of these four.", heavier, shown=tents).grounded
    assert not verify_reason("The lightest tent you can buy.", lightest, shown=tents).grounded  # unscoped


def test_seller_style_and_markup_claims_are_dropped() -> None:
    product = Product(id="p", title="Tent", price=199.0, attributes={"note": "this costs $1"})
    for reason in (
        "Free shipping and a 30-day refund.",
        "Now 20% off!",
        "See [the deal](https://evil.example/phish).",
        "![p](https://evil.example/pixel.png) Great tent.",
        "This costs $1.",
    ):
        assert not verify_reason(reason, product).grounded, reason


def test_a_seller_promise_next_to_a_true_fact_is_still_dropped(catalog: list[Product]) -> None:
    bag = _one(catalog, "Sleeping Bags", weight_kg="1.5")
    for reason in ("Weighs 1.5 kg with free shipping.", "Weighs 1.5 kg and comes with a lifetime warranty."):
        checked = verify_reason(reason, bag)
        assert not checked.grounded and checked.text == "", reason
    separate = verify_reason("Weighs 1.5 kg, now on sale.", bag)
    assert separate.text == "Weighs 1.5 kg." and [c.text for c in separate.unsupported] == ["now on sale"]


def test_yes_no_attributes_are_checked_both_ways() -> None:
    product = Product(id="p", title="Earbuds", attributes={"wireless": "yes", "noise_cancelling": "no"})
    assert verify_reason("Wireless; no noise cancelling.", product).grounded
    assert not verify_reason("Noise cancelling.", product).grounded


def test_an_unsupported_claim_is_dropped_not_the_whole_reason(catalog: list[Product]) -> None:
    bag = _one(catalog, "Sleeping Bags", weight_kg="1.5")
    checked = verify_reason("Weighs 1.5 kg, and it is the best bag on the market.", bag)
    assert checked.text == "Weighs 1.5 kg."
    assert len(checked.unsupported) == 1


def test_split_claims_keeps_clauses() -> None:
    assert split_claims("Weighs 1.1 kg, the lightest of these five; $289.") == [
        "Weighs 1.1 kg",
        "the lightest of these five",
        "$289",
    ]


@pytest.mark.parametrize(
    "leaf",
    ["Tents", "Sleeping Bags", "Dishwashers", "Headphones", "Laptops", "Air Purifiers", "Running Shoes"],
)
def test_composed_reasons_pass_the_verifier(
    catalog: list[Product], vocabulary: Vocabulary, leaf: str
) -> None:
    schema = CatalogSchema.from_products(catalog)
    shown = _leaf(catalog, leaf)[:5]
    key = next(k for k in shown[0].attributes if k.endswith(("_kg", "_g", "_db", "_hours", "_f", "_in")))
    plans = [
        QueryPlan(query=leaf.lower(), filters=Filters(price_max=2000, categories=[leaf])),
        QueryPlan(query=leaf.lower(), sort=SortSpec(key=key, order="asc")),
        QueryPlan(
            query=leaf.lower(),
            comparative=Comparative(
                key=key, direction="lower", dimension="weight", than=float(shown[0].attributes[key]) + 1
            ),
        ),
    ]
    for plan in plans:
        for product in shown:
            reason = compose_reason(product, plan, shown, schema)
            reference = plan.comparative.than if plan.comparative else None
            checked = verify_reason(
                reason, product, shown=shown, filters=plan.filters, vocabulary=vocabulary, reference=reference
            )
            assert checked.grounded, (reason, [c.why for c in checked.unsupported])


def test_the_products_own_name_is_no_market_claim_or_judgement() -> None:
    # "By Amazing Grass": the brand's word is its name, not a claim the reason makes
    product = Product(
        id="g", title="Amazing Grass Greens Blend Superfood Powder", brand="Amazing Grass", price=29.0
    )
    assert verify_reason("By Amazing Grass.", product).grounded
    # the same word said of the product is still a claim
    assert not verify_reason("By Amazing Grass, an amazing powder.", product).grounded
    best = Product(
        id="b", title="Best Choice Products Folding Bench", brand="Best Choice Products", price=49.0
    )
    assert verify_reason("By Best Choice Products.", best).grounded
    assert not verify_reason("The best bench on the market.", best).grounded

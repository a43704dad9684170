"""More of how shoppers phrase things (demo catalog), each rule read from the catalog's schema: counts
without units, a feature word another category uses, who it is NOT for, an ask after a story or a
shrug, a question led by the product it is about, a budget lifted without a figure."""

from __future__ import annotations

import pytest

from assistant.plan import plan_turn
from assistant.plan.catalog_stage import question_dimension
from assistant.plan.intents import is_product_question, loosens_budget, opens_question
from assistant.plan.planner import product_phrase
from assistant.plan.vocab import matcher_for
from assistant.schemas import HistoryTurn, QueryPlan
from retrieval.catalog import Product, lexical_text
from retrieval.products import Vocabulary
from retrieval.schema import CatalogSchema


def _plan(
    message: str,
    vocab: Vocabulary,
    schema: CatalogSchema,
    previous: QueryPlan | None = None,
    shown: list[Product] | None = None,
) -> QueryPlan:
    ids = [p.id for p in shown] if shown else ["x"]
    history = [HistoryTurn(role="assistant", content="", plan=previous, shown_ids=ids)] if previous else []
    return plan_turn(message, history, vocab, previous=previous, schema=schema, shown_products=shown or ())


@pytest.mark.parametrize(
    ("message", "key", "low", "high"),
    [
        ("a 3 layer rain jacket", "layers", 3.0, 3.0),
        ("a rain jacket with 3 layers", "layers", 3.0, 3.0),
        ("a 1000 piece puzzle", "pieces", 1000.0, 1000.0),
        ("a blender with at least 5 speeds", "speeds", 5.0, None),
        ("a dishwasher with 12 place settings", "place_settings", 12.0, None),  # what it must hold
    ],
)
def test_counts_the_schema_keeps_without_a_unit(
    message: str,
    key: str,
    low: float | None,
    high: float | None,
    demo_vocabulary: Vocabulary,
    demo_schema: CatalogSchema,
) -> None:
    bounds = _plan(message, demo_vocabulary, demo_schema).filters.attribute_ranges[key]
    assert (bounds.gte, bounds.lte) == (low, high)


def test_a_count_of_another_category_is_no_filter(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema
) -> None:
    assert (
        "layers" not in _plan("a tent with 3 layers", demo_vocabulary, demo_schema).filters.attribute_ranges
    )


def test_a_weight_limit_asks_the_max_weight(demo_schema: CatalogSchema) -> None:
    assert (
        question_dimension("whats the weight limit on the first one", demo_schema, ["ride-ons"])
        == "max_weight_lb"
    )
    assert question_dimension("how heavy is it", demo_schema, ["ride-ons"]) != "max_weight_lb"


@pytest.mark.parametrize(
    "text",
    ["first one - how waterproof is it exactly", "the second one: does it fold", "and how heavy is that one"],
)
def test_a_question_led_by_its_product(text: str) -> None:
    assert opens_question(text) and is_product_question(text)


def test_not_a_question_without_a_question_word() -> None:
    assert not opens_question("cheap ones - anything in blue") and not opens_question("and a tent")


def test_who_it_is_not_for(demo_vocabulary: Vocabulary, demo_schema: CatalogSchema) -> None:
    plan = _plan("a rain jacket under a hundred, it's for me not my kid", demo_vocabulary, demo_schema)
    assert plan.filters.attributes.get("gender") != "kids'"
    assert "kids'" not in plan.filters.attribute_in.get("gender", ["kids'"])
    kid = _plan("no, for my kid - a rain jacket", demo_vocabulary, demo_schema)
    assert kid.filters.attributes.get("gender") == "kids'"


def test_a_feature_word_another_category_uses(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema
) -> None:
    # "smart" is a thermostat *type* elsewhere in the catalog; on air purifiers it is the yes/no feature
    first = _plan("an air purifier", demo_vocabulary, demo_schema)
    assert _plan(
        "show me ones that aren't smart", demo_vocabulary, demo_schema, first
    ).filters.attributes == {"smart": "no"}
    assert _plan("a smart air purifier", demo_vocabulary, demo_schema).filters.attributes == {"smart": "yes"}


def test_asking_the_store_casually_is_a_new_ask(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema
) -> None:
    first = _plan("a scooter", demo_vocabulary, demo_schema)
    plan = _plan("oh do u guys sell jogging strollers too", demo_vocabulary, demo_schema, first)
    assert "ride-ons" not in plan.filters.categories
    coffee = _plan("do y'all have any coffee makers", demo_vocabulary, demo_schema, first)
    assert coffee.filters.categories == ["coffee makers"]


@pytest.mark.parametrize(
    ("message", "word"),
    [
        ("nvm. a waterproof speaker for the beach then", "speaker"),
        ("my apartment kitchen is tiny. is there any dishwasher that would even fit in there", "dishwasher"),
        ("between 50 and 80 dollars for a ride on toy, my son just turned 3", "ride on"),
        ("I'm after a small gold tray to keep my perfume bottles on the dresser", "tray"),
        ("something more powerful for home use", "something"),  # a pro-form stays the product phrase
    ],
)
def test_the_phrase_that_names_the_product(message: str, word: str, demo_vocabulary: Vocabulary) -> None:
    assert word in product_phrase(message, matcher_for(demo_vocabulary))


def test_a_tiny_kitchen_said_any_way(demo_vocabulary: Vocabulary, demo_schema: CatalogSchema) -> None:
    plan = _plan(
        "my apartment kitchen is tiny. like REALLY tiny. is there any dishwasher that would even fit in there",
        demo_vocabulary,
        demo_schema,
    )
    assert plan.filters.categories == ["dishwashers"]
    assert plan.filters.attribute_ranges["width_in"].lte == 18.0


def test_a_ride_on_toy_for_a_three_year_old(demo_vocabulary: Vocabulary, demo_schema: CatalogSchema) -> None:
    plan = _plan(
        "between fifty and eighty dollars for a ride on toy, my son just turned 3",
        demo_vocabulary,
        demo_schema,
    )
    assert plan.filters.categories == ["ride-ons"]
    assert plan.filters.attribute_ranges["age_min_years"].lte == 3.0


def test_cheaper_drops_the_floor_of_a_budget_band(
    demo_products: list[Product], demo_vocabulary: Vocabulary, demo_schema: CatalogSchema
) -> None:
    first = _plan("a ride-on between 50 and 80", demo_vocabulary, demo_schema)
    shown = [p for p in demo_products if p.id == "ty-zoomtastic-balance-bike-blue"]
    plan = _plan("anything a bit cheaper?", demo_vocabulary, demo_schema, first, shown)
    assert plan.filters.price_min is None and plan.filters.price_max == 78.99


def test_a_budget_lifted_without_a_figure(
    demo_products: list[Product], demo_vocabulary: Vocabulary, demo_schema: CatalogSchema
) -> None:
    assert loosens_budget("ok i can stretch the budget a bit") and not loosens_budget(
        "stretch the budget to 400"
    )
    first = _plan("earbuds under forty bucks", demo_vocabulary, demo_schema)
    shown = [p for p in demo_products if p.id in ("eb-pipsqueak-mini-buds-pink", "eb-sonovel-pebble-blue")]
    plan = _plan(
        "ok i can stretch the budget a bit. which ones last longer on one charge?",
        demo_vocabulary,
        demo_schema,
        first,
        shown,
    )
    assert plan.intent == "refine" and plan.filters.price_max is None
    assert plan.comparative is not None and plan.comparative.key == "battery_hours"


def test_overpronation_asks_for_support(demo_vocabulary: Vocabulary, demo_schema: CatalogSchema) -> None:
    plan = _plan("running shoes for flat feet? i overpronate like crazy", demo_vocabulary, demo_schema)
    assert set(plan.filters.attribute_in["support_type"]) == {"stability", "motion control"}


def test_a_story_before_a_list_of_items(demo_vocabulary: Vocabulary, demo_schema: CatalogSchema) -> None:
    plan = _plan("going camping saturday, need a tent and a sleeping bag", demo_vocabulary, demo_schema)
    assert [i.categories for i in plan.items] == [["tents"], ["sleeping bags"]]


def test_variant_ids_are_not_searchable_words(demo_products: list[Product]) -> None:
    variant = next(p for p in demo_products if "variant_of" in p.attributes)
    assert variant.attributes["variant_of"] not in lexical_text(variant)


def test_a_unit_word_names_no_shown_product() -> None:
    from assistant.plan.references import resolve_references

    ids = ["a", "b", "c"]
    titles = {
        "a": "Morrow Brewhouse 10 Drip Coffee Maker",
        "b": "Brightwell Auto 8-Cup Coffee Maker",
        "c": "Kestrel 12 Cup",
    }
    # "cups" measures; it does not pick the two titles that say "Cup"
    assert (
        resolve_references("which of those makes the most cups?", ids, titles=titles, default_all=True) == ids
    )


def test_makes_the_most_asks_capacity(
    demo_products: list[Product], demo_vocabulary: Vocabulary, demo_schema: CatalogSchema
) -> None:
    first = _plan("coffee makers under 80", demo_vocabulary, demo_schema)
    shown = [p for p in demo_products if p.id in ("cf-morrow-brewhouse-10", "cf-kestrel-cold-brew-1-5")]
    plan = _plan(
        "out of those which makes the most coffee in one go", demo_vocabulary, demo_schema, first, shown
    )
    assert plan.intent == "product_question" and plan.sort is not None and plan.sort.key == "capacity_cups"


def test_the_doing_said_of_someone_names_the_product(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema
) -> None:
    plan = _plan("something for my dad, he shaves every single morning. ideas?", demo_vocabulary, demo_schema)
    assert plan.filters.categories == ["electric shavers"]


def test_a_word_filed_under_many_kinds_is_generic() -> None:
    from assistant.plan.planner import _generic

    spread = [(f"c{i}", 2) for i in range(30)]
    assert _generic(spread)  # "kit": a package of anything
    assert not _generic([("bathtub faucets", 16), *spread[:20]])  # mostly one kind
    assert not _generic(spread[:5])


def test_a_long_brand_said_by_its_initials() -> None:
    from assistant.plan.text import tokenize

    products = [
        Product(
            id="g1",
            title="Party Game",
            brand="Cards Against Humanity",
            category=["Toys & Games", "Card Games"],
        ),
        Product(
            id="g2",
            title="Party Game Expansion",
            brand="Cards Against Humanity LLC.",
            category=["Toys & Games", "Card Games"],
        ),
        Product(id="g3", title="Word Game", brand="Big Potato", category=["Toys & Games", "Card Games"]),
    ]
    matcher = matcher_for(Vocabulary.from_products(products))
    found = matcher.find(tokenize("a party game but not cah"))
    assert [(m.kind, m.value, m.negated) for m in found if m.kind == "brand"] == [
        ("brand", "cards against humanity", True)
    ]
    # a two-word brand has no initials to say, and its ordinary first word alone names nothing
    assert not [
        m for m in matcher.find(tokenize("a big party game")) if m.kind == "brand" and m.value == "big potato"
    ]


@pytest.mark.parametrize(
    ("text", "high"),
    [("eh, anything below 150 in any colour", 150.0), ("below 150 in black", 150.0), ("under 27 in", None)],
)
def test_in_after_a_price_is_a_preposition(text: str, high: float | None) -> None:
    from assistant.plan.prices import parse_prices

    assert parse_prices(text).price_max == high


def test_a_price_in_a_color_sets_no_screen_size(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema
) -> None:
    plan = _plan("a monitor under 300 in black", demo_vocabulary, demo_schema)
    assert plan.filters.price_max == 300.0 and "screen_in" not in plan.filters.attribute_ranges


def test_a_story_is_not_a_second_item(demo_vocabulary: Vocabulary, demo_schema: CatalogSchema) -> None:
    plan = _plan(
        "me and my gf are going camping in june and we have no gear, can you show me some tents",
        demo_vocabulary,
        demo_schema,
    )
    assert not plan.items and plan.filters.categories == ["tents"]


def test_a_switch_after_a_shrug(demo_vocabulary: Vocabulary, demo_schema: CatalogSchema) -> None:
    first = _plan("coffee maker recs", demo_vocabulary, demo_schema)
    assert _plan(
        "ok different q, a blender for smoothies", demo_vocabulary, demo_schema, first
    ).filters.categories == ["blenders"]


def test_forget_the_budget_then_a_brand(demo_vocabulary: Vocabulary, demo_schema: CatalogSchema) -> None:
    first = _plan("a blender under 80", demo_vocabulary, demo_schema)
    plan = _plan("ok forget the budget, anything from brightwell", demo_vocabulary, demo_schema, first)
    assert plan.filters.price_max is None and plan.filters.brands == ["brightwell"]
    assert not plan.filters.exclude_brands


@pytest.mark.parametrize("text", ["300 total", "300 in total", "300 all in", "300 altogether"])
def test_a_total_budget_caps_every_item(text: str) -> None:
    from assistant.plan.prices import parse_prices

    assert parse_prices(text).price_max == 300.0


def test_items_joined_by_an_ampersand(demo_vocabulary: Vocabulary, demo_schema: CatalogSchema) -> None:
    plan = _plan("blender & coffee maker", demo_vocabulary, demo_schema)
    assert [i.categories for i in plan.items] == [["blenders"], ["coffee makers"]]


@pytest.mark.parametrize(
    ("word", "describing"), [("quiet", True), ("red", True), ("hammock", False), ("fryer", False)]
)
def test_words_that_describe_rather_than_name(word: str, describing: bool) -> None:
    from assistant.plan.planner import describes

    assert describes(word) is describing

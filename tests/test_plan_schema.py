"""The planner's catalog-schema stages: numbers in words, specs with units, comparatives, use cases,
head-noun categories, typos and relaxation — each read against the demo catalog's own schema."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from assistant.plan import plan_turn
from assistant.plan.planner import head_category
from assistant.plan.semantics import (
    dimension_key,
    find_comparative,
    find_superlative,
    numbers_to_digits,
    parse_specs,
    use_case_priors,
)
from assistant.plan.text import tokenize
from assistant.plan.typos import TypoCorrector
from assistant.plan.vocab import matcher_for
from assistant.schemas import HistoryTurn, QueryPlan
from retrieval.catalog import Product
from retrieval.filters import Filters, NumericRange, matches
from retrieval.products import Vocabulary
from retrieval.relax import search_relaxed
from retrieval.schema import CatalogSchema, key_unit

DEMO = Path(__file__).resolve().parent.parent / "retrieval" / "data" / "demo_catalog.jsonl"


@pytest.fixture(scope="module")
def products(demo_products: list[Product]) -> list[Product]:
    return demo_products


@pytest.fixture(scope="module")
def schema(demo_schema: CatalogSchema) -> CatalogSchema:
    return demo_schema


@pytest.fixture(scope="module")
def vocabulary(demo_vocabulary: Vocabulary) -> Vocabulary:
    return demo_vocabulary


def test_schema_types_attributes_from_their_keys(schema: CatalogSchema) -> None:
    tents = schema.attributes(["tents"])
    assert tents["weight_kg"].kind == "numeric" and tents["weight_kg"].unit is not None
    assert tents["weight_kg"].unit.dimension == "mass"
    assert tents["season"].kind == "categorical" and "4-season" in tents["season"].values
    assert schema.attributes(["dishwashers"])["third_rack"].kind == "boolean"
    assert key_unit("room_size_sq_ft") is not None and key_unit("room_size_sq_ft").display == "sq ft"  # type: ignore[union-attr]
    # an inner level holds its leaves' attributes
    assert "age_min_years" in schema.attributes(["headphones"])  # via Kids Headphones


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("under forty bucks", "under 40 bucks"),
        ("a hundred and fifty dollars", "150 dollars"),
        ("between fifty and eighty", "between 50 and 80"),
        ("two grand max", "2000 max"),
        ("twenty five dollars", "25 dollars"),
        ("the black one", "the black one"),
        ("those two", "those two"),
    ],
)
def test_numbers_in_words(text: str, expected: str) -> None:
    assert numbers_to_digits(text) == expected


@pytest.mark.parametrize(
    ("category", "dimension", "key"),
    [
        ("tents", "weight", "weight_kg"),
        ("headphones", "weight", "weight_g"),
        ("sleeping bags", "warmth", "temp_rating_f"),
        ("dishwashers", "noise", "noise_level_db"),
        ("speakers", "power", "power_w"),
        ("blenders", "power", "wattage_w"),
        ("tents", "capacity", "capacity"),
        ("monitors", "capacity", "screen_in"),  # no capacity: the fallback dimension
        ("dog beds", "weight", None),  # a pet's max weight is not the bed's weight
    ],
)
def test_dimensions_map_to_each_categorys_own_key(
    schema: CatalogSchema, category: str, dimension: str, key: str | None
) -> None:
    assert dimension_key(schema, [category], dimension) == key


def test_comparatives_and_superlatives_in_several_phrasings() -> None:
    for phrase in ("anything lighter?", "something that weighs less", "a less heavy one"):
        found = find_comparative([t.stem for t in tokenize(phrase)])
        assert found is not None and found[:2] == ("weight", "lower"), phrase
    for phrase in ("got anything warmer?", "something warmer"):
        found = find_comparative([t.stem for t in tokenize(phrase)])
        assert found is not None and found[:2] == ("warmth", "lower"), phrase
    found = find_superlative([t.stem for t in tokenize("which of these runs longest?")])
    assert found is not None and found[:2] == ("battery", "desc")


def test_every_lexicon_phrase_is_found_as_a_shopper_writes_it() -> None:
    # Phrases are matched on the message's tokens; a phrase written with a hyphen ("lower-priced")
    # must still be found when the shopper writes it with one.
    import yaml

    lexicon = Path(__file__).resolve().parent.parent / "assistant" / "plan" / "lexicons" / "comparatives.yaml"
    data = yaml.safe_load(lexicon.read_text())
    missed = []
    for section, finder in (("comparatives", find_comparative), ("superlatives", find_superlative)):
        for grade, dims in data[section].items():
            for dimension, phrases in dims.items():
                for phrase in phrases:
                    found = finder([t.stem for t in tokenize(f"show me something {phrase} please")])
                    if found is None or found[0] != dimension:
                        missed.append((section, grade, dimension, phrase, found))
    assert missed == []


def test_specs_with_units_become_bounds_on_the_categorys_keys(schema: CatalogSchema) -> None:
    (screen,) = parse_specs("a 27 inch monitor", schema, ["monitors"])
    assert screen.key == "screen_in" and screen.bounds.holds(27.0) and not screen.bounds.holds(24.0)
    (room,) = parse_specs("for at least 400 sq ft", schema, ["air purifiers"])
    assert room.key == "room_size_sq_ft" and room.bounds.gte == 400
    found = {s.key: s.bounds for s in parse_specs("a tent for 3 people under 2 kg", schema, ["tents"])}
    assert found["capacity"].gte == 3 and found["weight_kg"].lte == 2
    (pet,) = parse_specs("a bed for a 60 lb dog", schema, ["dog beds"])
    assert pet.key == "pet_weight_max_lb" and pet.bounds.gte == 60  # a limit the bed must reach
    (runtime,) = parse_specs("runs like 3 hours", schema, ["electric shavers"])
    assert runtime.key == "runtime_min" and runtime.bounds.holds(180)  # minutes, not a minimum


def test_use_cases_read_the_categorys_schema(schema: CatalogSchema) -> None:
    (cold,) = use_case_priors("for winter camping", schema, ["sleeping bags"])
    assert cold.key == "temp_rating_f" and cold.bounds == NumericRange(lte=20)
    assert use_case_priors("for winter camping", schema, ["tents"])[0].value == "4-season"
    (child,) = use_case_priors("for my 4-year-old", schema, ["headphones"])
    assert child.key == "age_min_years" and child.bounds == NumericRange(lte=4)
    (space,) = use_case_priors("for a tiny kitchen", schema, ["dishwashers"])
    assert space.key == "width_in" and space.bounds == NumericRange(lte=18)
    assert use_case_priors("for winter camping", schema, ["blenders"]) == []  # nothing to honour


def test_head_noun_names_the_category(
    products: list[Product], schema: CatalogSchema, vocabulary: Vocabulary
) -> None:
    matcher = matcher_for(vocabulary)
    assert head_category("a travel hair dryer", matcher, schema, None) == "hair dryers"
    assert head_category("looking for a big tent for family camping", matcher, schema, None) == "tents"
    assert head_category("women's trail running shoes", matcher, schema, None) == "trail running shoes"
    assert head_category("noise cancelling headphones", matcher, schema, None) == "headphones"
    assert head_category("something more powerful for home use", matcher, schema, None) is None


def test_typos_are_corrected_towards_the_catalog_but_english_is_left_alone(vocabulary: Vocabulary) -> None:
    corrector: TypoCorrector = matcher_for(vocabulary).typo_corrector()
    assert corrector.correct("a personal blendr", keep=lambda w: False) == "a personal blender"
    assert corrector.correct("a dishwaher", keep=lambda w: False) == "a dishwasher"
    assert corrector.correct("how loud is it at least", keep=lambda w: False) == "how loud is it at least"


def _plan(
    message: str,
    schema: CatalogSchema,
    vocabulary: Vocabulary,
    history: list[HistoryTurn] | None = None,
    shown: list[Product] | None = None,
    words: Callable[[str], list[tuple[str, int]]] | None = None,
) -> QueryPlan:
    titles = {p.id: f"{p.brand or ''} {p.title} {p.color or ''}" for p in shown or []}
    return plan_turn(
        message,
        history or [],
        vocabulary,
        schema=schema,
        shown_products=shown or [],
        shown_titles=titles,
        word_categories=words,
    )


def test_a_word_from_another_category_is_not_a_filter(schema: CatalogSchema, vocabulary: Vocabulary) -> None:
    plan = _plan("a light tent for backpacking under 300", schema, vocabulary)
    assert plan.filters.categories == ["tents"]
    assert "cushioning" not in plan.filters.attributes
    assert plan.filters.price_max == 300


def test_lighter_is_relative_to_what_was_shown(
    products: list[Product], schema: CatalogSchema, vocabulary: Vocabulary
) -> None:
    first = _plan("a tent for 4 people", schema, vocabulary)
    shown = [p for p in products if p.category[-1] == "Tents" and matches(p, first.filters)][:3]
    history = [
        HistoryTurn(role="user", content="a tent for 4 people", plan=first, shown_ids=[p.id for p in shown])
    ]
    plan = _plan("anything lighter?", schema, vocabulary, history, shown)
    assert plan.comparative is not None and plan.comparative.key == "weight_kg"
    bound = plan.filters.attribute_ranges["weight_kg"]
    assert bound.lt == float(shown[0].attributes["weight_kg"])
    assert plan.filters.categories == ["tents"]  # the category is kept


def test_casual_brand_exclusions(schema: CatalogSchema, vocabulary: Vocabulary) -> None:
    for message in (
        "dishwashers but nothing from Brightwell",
        "dishwashers, skip Brightwell",
        "dishwashers, not a fan of Brightwell",
    ):
        plan = _plan(message, schema, vocabulary)
        assert plan.filters.exclude_brands == ["brightwell"], message
        assert plan.filters.brands == [], message


def test_relaxation_loosens_the_least_explicit_constraint_first(products: list[Product]) -> None:
    filters = Filters(
        categories=["laptops"], price_max=400, attribute_in={"gpu": ["dedicated 6 gb", "dedicated 8 gb"]}
    )

    def run(f: Filters) -> list[Product]:
        return [p for p in products if matches(p, f)]

    found = search_relaxed(filters, run, keep=("category",))
    assert found.products and all(p.category[-1] == "Laptops" for p in found.products)
    # "a gaming laptop under $400": the budget goes before what makes it a gaming laptop
    assert [r.field for r in found.relaxed] == ["price"]
    assert found.relaxed[0].closest.startswith("the cheapest is $")
    assert all(p.attributes["gpu"].startswith("dedicated") for p in found.products)
    prices = [p.price for p in found.products]
    assert prices == sorted(prices)  # closest to the budget first
    # asked now: the same bound is loosened last
    last = search_relaxed(filters, run, keep=("category",), last=("price",))
    assert last.relaxed[0].field == "gpu"


@pytest.mark.parametrize("bad", [float("inf"), float("nan"), float("-inf")])
def test_numbers_in_filters_and_products_are_finite(bad: float) -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        Filters(price_max=bad)
    with pytest.raises(ValidationError):
        NumericRange(lt=bad)
    with pytest.raises(ValidationError):
        Product(id="p", title="Tent", price=bad)


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("I need four new tires for my car", "tires"),  # what follows a count or an article
        ("he's cracked two desk chairs already", "desk chairs"),
        ("do you have a 55 inch TV?", "tv"),
        ("some cologne for my husband", "cologne"),
        ("a mini fridge for my dorm then?", "mini fridge"),
        ("I'm looking for a washing machine", "washing machine"),
        ("w af1 shadow se", "af1 shadow se"),  # a model code names a product; a bare number does not
    ],
)
def test_the_words_that_name_the_product_drop_uses_specs_and_fillers(
    vocabulary: Vocabulary, message: str, kind: str
) -> None:
    from assistant.plan.planner import product_kind

    assert product_kind(message, vocabulary) == kind


def test_the_product_words_are_typo_corrected_towards_the_catalog(
    vocabulary: Vocabulary, products: list[Product]
) -> None:
    import re

    from assistant.plan.planner import product_kind

    words = {w for p in products for w in re.findall(r"[a-z]+", f"{p.title} {p.description}".lower())}
    assert product_kind("a coffe maker for my mom", vocabulary, lambda w: w in words) == "coffee maker"


# --- 2026-11-30: phrasings the tuning suites' new cases exposed (each read against the catalog) ---


def test_a_range_in_words_is_two_numbers() -> None:
    assert numbers_to_digits("between a hundred and two hundred bucks") == "between 100 and 200 bucks"
    assert numbers_to_digits("under a hundred and fifty") == "under 150"
    assert numbers_to_digits("one thousand two hundred and five") == "1205"
    assert numbers_to_digits("two hundred thousand") == "200000"


def test_plural_and_singular_share_a_stem() -> None:
    from assistant.plan.text import singular

    assert singular("microwaves") == singular("microwave") == "microwave"
    assert singular("gloves") == "glove" and singular("knives") == "knife" and singular("shelves") == "shelf"


def test_a_category_named_in_the_singular_filters(schema: CatalogSchema, vocabulary: Vocabulary) -> None:
    plan = _plan("microwave somewhere between a hundred and two hundred bucks", schema, vocabulary)
    assert plan.filters.categories == ["microwaves"]
    assert (plan.filters.price_min, plan.filters.price_max) == (100, 200)


def test_more_of_a_keys_word_is_a_comparative_read_from_the_schema(
    products: list[Product], schema: CatalogSchema, vocabulary: Vocabulary
) -> None:
    single = next(p for p in products if p.id == "cf-kestrel-single-cup-black")
    history = [
        HistoryTurn(
            role="user",
            content="a single-serve coffee maker",
            plan=_plan("a single-serve coffee maker", schema, vocabulary),
        ),
        HistoryTurn(role="assistant", content="...", shown_ids=[single.id]),
    ]
    plan = _plan("something that brews more cups at once?", schema, vocabulary, history, [single])
    assert plan.comparative is not None and plan.comparative.key == "capacity_cups"
    assert plan.filters.attribute_ranges["capacity_cups"] == NumericRange(gt=1)


@pytest.mark.parametrize(
    ("message", "bounds"),
    [
        ("a tent for me and two buddies", NumericRange(gte=3)),
        ("tent for a group of 5", NumericRange(gte=5)),
        ("a 2 person tent", NumericRange(gte=2, lte=2)),
        ("tent for 4 people", NumericRange(gte=4)),
    ],
)
def test_group_sizes(
    message: str, bounds: NumericRange, schema: CatalogSchema, vocabulary: Vocabulary
) -> None:
    plan = _plan(message, schema, vocabulary)
    assert plan.filters.attribute_ranges.get("capacity") == bounds


def test_a_relative_clause_names_a_use_not_the_product(
    products: list[Product], schema: CatalogSchema, vocabulary: Vocabulary
) -> None:
    tent = next(p for p in products if p.id == "tn-northfold-cabin-8")
    first = _plan("a tent for me and two buddies", schema, vocabulary)
    history = [
        HistoryTurn(role="user", content="a tent for me and two buddies", plan=first),
        HistoryTurn(role="assistant", content="...", shown_ids=[tent.id]),
    ]
    plan = _plan("something lighter we could backpack with?", schema, vocabulary, history, [tent])
    assert plan.filters.categories == ["tents"]
    assert plan.comparative is not None and plan.comparative.key == "weight_kg"


def test_a_question_over_the_shown_set_naming_a_value_narrows(
    products: list[Product], schema: CatalogSchema, vocabulary: Vocabulary
) -> None:
    shown = [p for p in products if p.id in ("mw-brightwell-inverter-1-6", "mw-kestrel-family-1-2-silver")]
    first = _plan("microwave between 100 and 200", schema, vocabulary)
    history = [
        HistoryTurn(role="user", content="microwave between 100 and 200", plan=first),
        HistoryTurn(role="assistant", content="...", shown_ids=[p.id for p in shown]),
    ]
    plan = _plan("any of those in black?", schema, vocabulary, history, shown)
    assert plan.intent == "refine" and plan.filters.colors == ["black"]
    # a question about one shown product stays a question
    assert _plan("is the second one black?", schema, vocabulary, history, shown).intent == "product_question"


def test_compare_those_two_after_two_extremes_means_the_two_picks(
    products: list[Product], schema: CatalogSchema, vocabulary: Vocabulary
) -> None:
    lightest, roomiest = "tn-trailwright-solo-ul-1", "tn-northfold-cabin-8"
    first = _plan("what's your lightest tent?", schema, vocabulary)
    history = [
        HistoryTurn(role="user", content="what's your lightest tent?", plan=first),
        HistoryTurn(role="assistant", content="...", shown_ids=[lightest, "tn-trailwright-duo-ul-2-green"]),
    ]
    second = _plan("and the roomiest one?", schema, vocabulary, list(history))
    history += [
        HistoryTurn(role="user", content="and the roomiest one?", plan=second),
        HistoryTurn(role="assistant", content="...", shown_ids=[roomiest, "tn-ridgeback-family-dome-6"]),
    ]
    plan = _plan("compare those two for me", schema, vocabulary, history)
    assert plan.intent == "compare" and plan.referenced_ids == [lightest, roomiest]


def test_this_turns_ask_is_relaxed_last() -> None:
    from retrieval.relax import asked_fields

    before = Filters(price_max=200, categories=["office chairs"])
    now = before.model_copy(update={"attributes": {"headrest": "yes"}})
    assert asked_fields(now, before) == ["headrest"]
    assert asked_fields(now, None) == []


def test_a_budget_with_an_apostrophe_caps_the_price(schema: CatalogSchema, vocabulary: Vocabulary) -> None:
    plan = _plan("over-ear headphones, budget's a hundred fifty", schema, vocabulary)
    assert plan.filters.price_max == 150 and plan.filters.categories == ["headphones"]


def test_a_comparative_after_a_question_is_relative_to_the_product_asked_about(
    products: list[Product], schema: CatalogSchema, vocabulary: Vocabulary
) -> None:
    by_id = {p.id: p for p in products}
    shown = [by_id["bp-northfold-day-22-teal"], by_id["bp-ridgeback-trek-65-green"]]
    first = _plan("show me hiking backpacks", schema, vocabulary)
    history = [
        HistoryTurn(role="user", content="show me hiking backpacks", plan=first),
        HistoryTurn(role="assistant", content="...", shown_ids=[p.id for p in shown]),
    ]
    question = _plan("the last one - how many liters?", schema, vocabulary, list(history), shown)
    assert question.intent == "product_question" and question.referenced_ids == ["bp-ridgeback-trek-65-green"]
    history += [
        HistoryTurn(role="user", content="the last one - how many liters?", plan=question),
        HistoryTurn(role="assistant", content="...", shown_ids=[]),
    ]
    plan = _plan("a roomier one?", schema, vocabulary, history, shown)
    assert plan.comparative is not None and plan.comparative.than_id == "bp-ridgeback-trek-65-green"


def _shown(products: list[Product], plan: QueryPlan, n: int = 5) -> list[Product]:
    return [p for p in products if matches(p, plan.filters)][:n]


def _history(message: str, plan: QueryPlan, shown: list[Product]) -> list[HistoryTurn]:
    return [HistoryTurn(role="user", content=message, plan=plan, shown_ids=[p.id for p in shown])]


@pytest.mark.parametrize(
    ("message", "key", "bounds"),
    [
        # a figure on a key that measures what the product accommodates is a need: at least that
        (
            "an air purifier that can handle a 500 square foot living room",
            "room_size_sq_ft",
            NumericRange(gte=500),
        ),
        # "or quieter", "or lighter": the comparative's direction bounds the figure
        ("a dishwasher that's 45 dB or quieter", "noise_level_db", NumericRange(lte=45)),
        # a whole number is a nominal size: a "13 inch" laptop is a 13.3-inch one
        ("a 13 inch laptop", "screen_in", NumericRange(gte=12.87, lt=14)),
    ],
)
def test_stated_figures_bound_the_categorys_key(
    message: str, key: str, bounds: NumericRange, schema: CatalogSchema, vocabulary: Vocabulary
) -> None:
    plan = _plan(message, schema, vocabulary)
    assert plan.filters.attribute_ranges[key] == bounds


def test_a_purpose_or_a_doing_names_what_the_catalog_calls_it(
    schema: CatalogSchema, vocabulary: Vocabulary
) -> None:
    # "to blend" names blenders; "grinds the beans itself" the built-in grinder (catalog words)
    plan = _plan("something to blend smoothies, nothing over 80 bucks", schema, vocabulary)
    assert plan.filters.categories == ["blenders"] and plan.filters.price_max == 80
    plan = _plan("a coffee machine that grinds the beans itself", schema, vocabulary)
    assert plan.filters.attributes.get("built_in_grinder") == "yes"
    # the neighbouring words pick the key a shared value belongs to
    plan = _plan("office chair with adjustable lumbar support", schema, vocabulary)
    assert plan.filters.attributes == {"lumbar_support": "adjustable"}


def test_a_range_in_words_shares_its_scale() -> None:
    assert numbers_to_digits("two to three hundred dollars") == "200 to 300 dollars"
    assert numbers_to_digits("five to ten thousand") == "5000 to 10000"
    assert numbers_to_digits("those two") == "those two"


def test_which_one_with_a_comparative_asks_about_the_shown_products(
    products: list[Product], schema: CatalogSchema, vocabulary: Vocabulary
) -> None:
    first = _plan("cheap robot vacuum, 250 dollars tops", schema, vocabulary)
    shown = _shown(products, first)
    assert len(shown) >= 2
    plan = _plan("which one runs longer on a charge?", schema, vocabulary, _history("x", first, shown), shown)
    assert plan.intent == "product_question" and plan.question == "runtime_min"
    assert plan.sort is not None and plan.sort.order == "desc"
    named = _plan(
        "does the Dustwise one have a HEPA filter?", schema, vocabulary, _history("x", first, shown), shown
    )
    assert named.intent == "product_question"
    assert [p.brand for p in shown if p.id in named.referenced_ids] == ["Dustwise"]


def test_a_comparative_with_new_words_still_refines_what_was_shown(
    products: list[Product], schema: CatalogSchema, vocabulary: Vocabulary
) -> None:
    first = _plan("a backpack for day hikes", schema, vocabulary)
    assert first.filters.attribute_ranges["capacity_l"] == NumericRange(lte=30)  # a use case read as data
    shown = _shown(products, first)
    plan = _plan(
        "I need something bigger for a week-long trek", schema, vocabulary, _history("x", first, shown), shown
    )
    assert plan.filters.categories == ["backpacks"] and plan.intent == "refine"
    assert plan.comparative is not None and plan.comparative.key == "capacity_l"
    assert "size" not in plan.filters.attributes  # "long" is a sleeping-bag size, not a backpack's


def test_a_new_kind_after_one_is_a_topic_switch(
    products: list[Product], schema: CatalogSchema, vocabulary: Vocabulary
) -> None:
    first = _plan("office chair with adjustable lumbar support", schema, vocabulary)
    shown = _shown(products, first)
    plan = _plan(
        "I also need a desk, an electric sit stand one",
        schema,
        vocabulary,
        _history("x", first, shown),
        shown,
    )
    assert plan.filters.categories == ["standing desks"]
    assert "lumbar_support" not in plan.filters.attributes and "office" not in plan.query
    assert set(plan.filters.attribute_in.get("motors", [])) == {"single", "dual"}


def test_a_loosened_constraint_comes_back_once_another_goes(
    products: list[Product], schema: CatalogSchema, vocabulary: Vocabulary
) -> None:
    from retrieval.relax import Relaxation

    asked = _plan("a Whirlwise blender between fifty and eighty dollars", schema, vocabulary)
    assert (asked.filters.price_min, asked.filters.price_max) == (50, 80)
    loosened = asked.filters.model_copy(update={"price_min": None, "price_max": None})
    answered = asked.model_copy(
        update={
            "filters": loosened,
            "relaxed": [
                Relaxation(
                    field="price", asked="between $50 and $80", loosened=Filters(price_min=50, price_max=80)
                )
            ],
        }
    )
    shown = _shown(products, answered)
    plan = _plan(
        "ok forget Whirlwise, any blender in that range?",
        schema,
        vocabulary,
        _history("x", answered, shown),
        shown,
    )
    assert (plan.filters.price_min, plan.filters.price_max) == (50, 80)
    assert plan.filters.brands == [] and plan.filters.exclude_brands == ["whirlwise"]


def test_a_childs_age_said_of_them_overrides_the_default(
    products: list[Product], schema: CatalogSchema, vocabulary: Vocabulary
) -> None:
    from assistant.turn import _TitleCategories

    words = _TitleCategories.build(0, products).get_counts  # "scooter" names Ride-Ons through titles
    first = _plan("my daughter needs a scooter", schema, vocabulary, words=words)
    assert first.filters.categories == ["ride-ons"]
    shown = _shown(products, first)
    plan = _plan("she's only 2 though", schema, vocabulary, _history("x", first, shown), shown, words)
    assert plan.filters.attribute_ranges["age_min_years"] == NumericRange(lte=2)


@pytest.mark.parametrize(
    ("message", "key", "expected"),
    [
        ("fleece jackets in XXL", "sizes", {"s-xxl", "xs-xxl"}),
        ("men's running shoes in size 15", "sizes_us", {"7-15"}),
        ("men's running shoes in size 8", "sizes_us", {"5-11", "5-12", "5-14", "7-14", "7-15"}),
    ],
)
def test_an_asked_size_keeps_the_ranges_that_hold_it(
    message: str, key: str, expected: set[str], schema: CatalogSchema, vocabulary: Vocabulary
) -> None:
    plan = _plan(message, schema, vocabulary)
    assert set(plan.filters.attribute_in[key]) >= {
        v for v in expected if v in schema.attributes(plan.filters.categories)[key].values
    }
    assert all(v in expected for v in plan.filters.attribute_in[key])


def test_references_by_price_rank_and_by_name_next_to_a_position() -> None:
    from assistant.plan.references import resolve_references

    ids = ["a", "b", "c", "d"]
    prices = [549.0, 549.0, 1149.0, 499.0]
    titles = {
        "a": "Brightwell CleanPro",
        "b": "Hearthline QuietClean",
        "c": "Nordvik Silens",
        "d": "Kestrel Roam",
    }
    # "the two cheapest" is not "the two" (the first two)
    assert resolve_references(
        "what's the difference between the two cheapest?", ids, prices, titles=titles
    ) == ["d", "a"]
    # a name next to a position names a second product
    assert resolve_references(
        "the Nordvik vs the first one", ids, prices, titles=titles, bare_numbers=True
    ) == ["c", "a"]
    # a price the feed does not give (0) is never "the cheapest"
    assert resolve_references("the cheapest one", ids, [0.0, 30.0, 20.0, 25.0]) == ["c"]


def test_positions_in_words_and_the_middle_one() -> None:
    from assistant.plan.references import resolve_references

    ids = ["a", "b", "c", "d", "e"]
    assert resolve_references("what about number two", ids) == ["b"]
    assert resolve_references("and the middle one?", ids) == ["c"]
    assert resolve_references("option 3 please", ids) == ["c"]


def test_x_free_excludes_x_and_one_word_names_a_value_family(
    schema: CatalogSchema, vocabulary: Vocabulary
) -> None:
    latex_free = _plan("a latex-free mattress, queen", schema, vocabulary)
    assert "latex" not in latex_free.filters.attribute_in["type"]
    assert latex_free.filters.attributes.get("type") is None and "free" not in latex_free.query.split()
    down_free = _plan("down-free sleeping bag please", schema, vocabulary)
    assert down_free.filters.attribute_in["fill"] and not any(
        "down" in v for v in down_free.filters.attribute_in["fill"]
    )
    mechanical = _plan("wireless mechanical keyboard", schema, vocabulary)
    switch = mechanical.filters.attribute_in["switch_type"]
    assert len(switch) >= 2 and all(v.startswith("mechanical") for v in switch)


def test_a_yes_no_comparison_of_shown_products_is_a_question(
    products: list[Product], schema: CatalogSchema, vocabulary: Vocabulary
) -> None:
    first = _plan("quiet dishwashers", schema, vocabulary)
    shown = sorted(_shown(products, first, 50), key=lambda p: p.attributes.get("noise_level_db", 99))[:4]
    plan = _plan(
        "is the second one quieter than the first?",
        schema,
        vocabulary,
        _history("quiet dishwashers", first, shown),
        shown,
    )
    assert plan.intent == "product_question" and plan.question == "noise_level_db"
    assert set(plan.referenced_ids) == {shown[0].id, shown[1].id} and plan.comparative is None
    # "the cheaper one" points at a product; the comparative asked is the other one
    laptops = _plan("laptops between 800 and 1200", schema, vocabulary)
    two = _shown(products, laptops, 4)
    asked = _plan(
        "of the first two, is the cheaper one heavier?",
        schema,
        vocabulary,
        _history("laptops", laptops, two),
        two,
    )
    assert asked.intent == "product_question" and asked.question == "weight_kg"
    assert asked.filters.price_max == 1200 and set(asked.referenced_ids) == {two[0].id, two[1].id}


def test_going_back_asks_for_an_earlier_list_again(
    products: list[Product], schema: CatalogSchema, vocabulary: Vocabulary
) -> None:
    first = _plan("laptops between 800 and 1200", schema, vocabulary)
    history = [
        HistoryTurn(role="user", content="laptops between 800 and 1200", plan=first),
        HistoryTurn(role="assistant", content="...", shown_ids=[p.id for p in _shown(products, first)]),
    ]
    second = _plan("any with a dedicated gpu?", schema, vocabulary, history)
    history += [
        HistoryTurn(role="user", content="any with a dedicated gpu?", plan=second),
        HistoryTurn(role="assistant", content="...", shown_ids=[p.id for p in _shown(products, second)]),
    ]
    assert second.filters.attribute_in.get("gpu")
    back = _plan("nah, show me the earlier ones again", schema, vocabulary, history)
    assert back.filters == first.filters and back.query == first.query and back.intent == "refine"
    # nothing earlier to go back to: an ordinary turn
    assert _plan("go back to the first ones", schema, vocabulary, history[:2]).filters == first.filters


def test_a_size_no_range_holds_is_disclosed_not_dropped(
    schema: CatalogSchema, vocabulary: Vocabulary
) -> None:
    plan = _plan("men's running shoes in a size 17", schema, vocabulary)
    assert "sizes_us" not in plan.filters.attribute_in
    assert [r.asked for r in plan.relaxed] == ["in size 17"] and "15" in plan.relaxed[0].closest


def test_shorthand_is_spelled_out_unless_the_catalog_uses_it() -> None:
    from assistant.plan.shorthand import expand_shorthand

    assert (
        expand_shorthand("need a new vac for pet hair", lambda w: False) == "need a new vacuum for pet hair"
    )
    assert expand_shorthand("a smoothie maker", lambda w: False) == "a blender"
    # a store whose catalog says "vac" (or sells the brand HP) keeps the word
    assert expand_shorthand("need a new vac", lambda w: w == "vac") == "need a new vac"


def test_a_gift_for_a_child_reads_the_categories_that_state_an_age(
    schema: CatalogSchema, vocabulary: Vocabulary
) -> None:
    plan = _plan("a present for a 6 year old girl", schema, vocabulary)
    assert plan.intent == "search" and "building sets" in plan.filters.categories
    assert plan.filters.attribute_ranges["age_min_years"].lte == 6
    camping = _plan("something for my dad who loves camping", schema, vocabulary)
    assert camping.filters.categories == ["camping"]


def test_plus_joins_items_and_forgetting_one_keeps_the_other(
    products: list[Product], schema: CatalogSchema, vocabulary: Vocabulary
) -> None:
    from assistant.turn import _TitleCategories

    words = _TitleCategories.build(0, products).get_counts  # "kettlebell" names Strength Training via titles
    first = _plan("a yoga mat plus a kettlebell", schema, vocabulary, words=words)
    assert [i.categories for i in first.items] == [["yoga"], ["strength training"]]
    history = [
        HistoryTurn(role="user", content="a yoga mat plus a kettlebell", plan=first),
        HistoryTurn(role="assistant", content="...", shown_ids=[p.id for p in _shown(products, first)]),
    ]
    plan = _plan("forget the kettlebell - any of the mats in pink?", schema, vocabulary, history, words=words)
    assert not plan.items and plan.filters.categories == ["yoga"] and plan.filters.colors == ["pink"]


def test_a_comparative_naming_a_categorical_value_selects_it(
    schema: CatalogSchema, vocabulary: Vocabulary
) -> None:
    assert _plan("a longer sleeping bag", schema, vocabulary).filters.attributes.get("size") == "long"
    assert _plan("wider running shoes", schema, vocabulary).filters.attributes.get("width") == "wide"


def test_one_size_up_and_a_jargon_flag_word(
    products: list[Product], schema: CatalogSchema, vocabulary: Vocabulary
) -> None:
    first = _plan("orthopedic dog bed in medium", schema, vocabulary)
    shown = _shown(products, first)
    up = _plan(
        "one size up?", schema, vocabulary, _history("orthopedic dog bed in medium", first, shown), shown
    )
    assert up.filters.attributes["size"] == "large"
    # "hepa" opens only the hepa_filter key and is no ordinary English word: it names the feature
    assert (
        _plan("a stick vacuum, only HEPA ones", schema, vocabulary).filters.attributes.get("hepa_filter")
        == "yes"
    )
    # "noise" opens noise_cancelling but is an ordinary word: no filter from it alone
    assert (
        "noise_cancelling" not in _plan("headphones that block noise", schema, vocabulary).filters.attributes
    )


def test_plus_size_is_a_size_not_a_second_item() -> None:
    from assistant.plan.catalog_stage import _MULTI_JOIN

    assert _MULTI_JOIN.split("tank top plus size women") == ["tank top plus size women"]
    assert _MULTI_JOIN.split("a yoga mat plus a kettlebell") == ["a yoga mat", "kettlebell"]

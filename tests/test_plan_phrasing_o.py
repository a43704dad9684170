"""Shoppers phrasing things the late-o cases showed, on the bundled demo catalog: a kind said by the
word its titles end in ("a pack" for the Backpacks whose titles say "Backpacking Pack"), the noun a
scene-setting clause names when the ask names none ("he's cracked two desk chairs already. what would
hold him?"), a figure that is a limit to reach (a bag "for 25 degree nights"), a stated figure over
a use case's guess, a child's age in words and a grown son, British and American spellings, an
ordinary word that opens a brand's name said as an adjective, a value asked of the store ("gray
would match our kitchen, got that?"), "something more natural" relative to what was shown, another
item added to a list, and a stand-in whose kind the sentence before named."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from assistant.compose import display_value
from assistant.plan.planner import plan_turn, product_kind, product_phrase
from assistant.plan.references import resolve_references
from assistant.plan.text import tokenize
from assistant.plan.text_words import said_features
from assistant.plan.vocab import matcher_for
from assistant.schemas import HistoryTurn, QueryPlan
from assistant.turn import _TitleCategories
from retrieval.catalog import Product
from retrieval.products import Vocabulary
from retrieval.schema import CatalogSchema
from tests.plan_support import plan_after


@pytest.fixture(scope="module")
def titles(demo_titles: Callable[[str], list[tuple[str, int]]]) -> Callable[[str], list[tuple[str, int]]]:
    return demo_titles


_demo = plan_after


def _after_shown(
    message: str,
    first: QueryPlan,
    shown: dict[str, str],
    vocab: Vocabulary,
    schema: CatalogSchema,
    titles: Callable[[str], list[tuple[str, int]]],
) -> QueryPlan:
    """The plan of ``message`` after ``first`` showed the products ``shown`` (id → title)."""
    history = [HistoryTurn(role="assistant", content="", plan=first, shown_ids=list(shown))]
    return plan_turn(
        message, history, vocab, previous=first, schema=schema, word_categories=titles, shown_titles=shown
    )


@pytest.mark.parametrize(
    "message",
    [
        "ah well. then a pack with a built-in rain cover, 50 liters or more, for a week in the hills",
        "a pack with a rain cover, at least 50 liters",
    ],
)
def test_a_kind_said_by_the_word_its_titles_end_in(
    message: str, demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, titles: Callable
) -> None:
    # "pack" ends "Backpacking Pack" titles; "packs down" (a use case's verb) does not make it a non-noun
    plan = _demo(message, demo_vocabulary, demo_schema, titles)
    assert plan.filters.categories == ["backpacks"]
    assert plan.filters.attributes.get("rain_cover") == "yes"
    assert plan.filters.attribute_ranges["capacity_l"].gte == 50


def test_a_count_after_a_number_is_no_kind_a_title_names() -> None:
    counts = _TitleCategories.build(
        0,
        [
            Product(id="a", title="Crew Socks, 6 Pack", category=["Clothing", "Socks"]),
            Product(id="b", title="Trek 65 Backpacking Pack, Green", category=["Outdoor", "Backpacks"]),
            Product(id="c", title="Halcyon Audio Soundbar 3.1", category=["Audio", "Speakers"]),
        ],
    )
    assert counts.get_counts("pack") == [("backpacks", 1)]
    assert counts.get_counts("soundbar") == [("speakers", 1)]  # a model number after it


def test_the_kind_a_scene_setting_clause_names_when_the_ask_names_none(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, titles: Callable
) -> None:
    message = (
        "my dad's a big guy, close to 350 pounds, and he's cracked two desk chairs already. "
        "what would actually hold him?"
    )
    plan = _demo(message, demo_vocabulary, demo_schema, titles)
    assert plan.intent == "search" and plan.filters.categories == ["office chairs"]
    assert plan.filters.attribute_ranges["max_weight_lb"].gte == 350
    assert product_kind(message, demo_vocabulary) == "desk chairs"


def test_what_follows_an_ask_cue_stays_the_ask(demo_vocabulary: Vocabulary) -> None:
    # a later clause naming a category's head word does not replace what "do u sell" asked for
    phrase = product_phrase("do u sell tents? or like a tent and bag combo", matcher_for(demo_vocabulary))
    assert "tent" in phrase


@pytest.mark.parametrize(
    "message",
    [
        "a sleeping bag for 25 degree nights",
        "sleeping bag, nights get down to about 25 degrees",
        "a sleeping bag good down to 25F",
    ],
)
def test_a_temperature_said_for_a_bag_is_a_rating_to_reach(
    message: str, demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, titles: Callable
) -> None:
    plan = _demo(message, demo_vocabulary, demo_schema, titles)
    bounds = plan.filters.attribute_ranges["temp_rating_f"]
    assert bounds.lte == 25 and bounds.gte is None and bounds.gt is None


def test_a_stated_figure_wins_over_a_use_cases_guess(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, titles: Callable
) -> None:
    plan = _demo(
        "my studio is around 350 square feet and the cat sheds everywhere, which air purifier would actually cover it",
        demo_vocabulary,
        demo_schema,
        titles,
    )
    assert plan.filters.categories == ["air purifiers"]  # the clause that asks, not "the cat sheds"
    assert plan.filters.attribute_ranges["room_size_sq_ft"].gte == 350
    assert plan.filters.attribute_ranges["room_size_sq_ft"].lte is None
    assert not any("room size" in p for p in plan.priors)  # nothing said that was not kept


def test_a_childs_age_in_words_and_a_grown_son(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, titles: Callable
) -> None:
    plan = _demo(
        "my niece turns one in a couple weeks, what can i get her that's actually ok for a baby that age",
        demo_vocabulary,
        demo_schema,
        titles,
    )
    assert plan.intent == "search" and plan.filters.attribute_ranges["age_min_years"].lte == 1
    grown = _demo(
        "noise canceling headphones for my son's flights home from college",
        demo_vocabulary,
        demo_schema,
        titles,
    )
    assert "age_min_years" not in grown.filters.attribute_ranges
    assert grown.filters.categories == ["headphones"]


def test_a_default_child_age_does_not_replace_one_said_before(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, titles: Callable
) -> None:
    first = _demo("a balance bike for my 2 year old", demo_vocabulary, demo_schema, titles)
    plan = _demo("any kids ones in blue?", demo_vocabulary, demo_schema, titles, previous=first)
    assert plan.filters.attribute_ranges["age_min_years"].lte == 2


@pytest.mark.parametrize("spelling", ["noise canceling", "noise-canceling", "noise cancelling"])
def test_british_and_american_spellings_are_one(
    spelling: str, demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, titles: Callable
) -> None:
    plan = _demo(f"{spelling} headphones", demo_vocabulary, demo_schema, titles)
    assert plan.filters.attributes.get("noise_cancelling") == "yes"
    assert [t.stem for t in tokenize("travelled selling filling")] == ["traveled", "selling", "filling"]


def test_an_ordinary_word_opening_a_brand_is_an_adjective_after_the(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, titles: Callable
) -> None:
    plan = _demo("do you have camp stoves? the little propane kind", demo_vocabulary, demo_schema, titles)
    assert plan.filters.brands == []
    named = _demo("anything from little meadow?", demo_vocabulary, demo_schema, titles)
    assert named.filters.brands == ["little meadow"]


def test_a_value_asked_of_the_store_refines_and_a_verb_after_a_modal_names_nothing(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, titles: Callable
) -> None:
    first = _demo("a blender", demo_vocabulary, demo_schema, titles)
    plan = _after_shown(
        "black would match our kitchen, got that?",
        first,
        {"b1": "Blender Kitchen Pro", "b2": "Black Blender", "b3": "Personal Blender"},
        demo_vocabulary,
        demo_schema,
        titles,
    )
    assert plan.intent == "refine" and plan.filters.categories == ["blenders"]
    assert "black" in plan.filters.colors


def test_what_the_shopper_owns_names_no_shown_product() -> None:
    titles = {"a": "Amazon Basics 18-Piece Kitchen Dinnerware Set", "b": "TP Dinnerware Set, Gray"}
    assert resolve_references("would it match our kitchen", ["a", "b"], titles=titles) == []
    assert resolve_references("the kitchen one", ["a", "b"], titles=titles) == ["a"]
    assert resolve_references("break down the first couple for me", ["a", "b", "c"]) == ["a", "b"]


def test_something_more_of_a_quality_is_relative_to_what_was_shown(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, titles: Callable
) -> None:
    first = _demo("a blender", demo_vocabulary, demo_schema, titles)
    plan = _demo("hmm i want something more compact", demo_vocabulary, demo_schema, titles, previous=first)
    assert plan.intent == "refine" and plan.filters.categories == ["blenders"]


def test_another_item_added_to_the_list_is_a_new_search(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, titles: Callable
) -> None:
    first = _demo("a tent", demo_vocabulary, demo_schema, titles)
    plan = _demo("and a camp stove for the mornings?", demo_vocabulary, demo_schema, titles, previous=first)
    assert plan.intent != "refine" and "tent" not in plan.query
    cheaper = _demo("and a cheaper one?", demo_vocabulary, demo_schema, titles, previous=first)
    assert cheaper.intent == "refine" and cheaper.filters.categories == ["tents"]


def test_a_stand_in_takes_the_kind_the_sentence_before_named(demo_vocabulary: Vocabulary) -> None:
    phrase = product_phrase(
        "my son turns 9 next week and hes obsessed with sleeping bags. a synthetic one?",
        matcher_for(demo_vocabulary),
    )
    assert "synthetic" in phrase and "sleeping bags" in phrase


def test_a_word_before_an_occasion_or_after_to_is_no_feature() -> None:
    products = [
        Product(id=f"w{i}", title=f"Crystal Wine Glasses {i}", category=["Kitchen", "Wine Glasses"])
        for i in range(3)
    ] + [Product(id=f"g{i}", title=f"Gift Box {i}", category=["Home", "Gifts"]) for i in range(3)]
    matcher = matcher_for(Vocabulary.from_products(products))
    assert said_features("wine glasses as a wedding gift", matcher, lambda c: c == "wine glasses") == []
    assert said_features("crystal wine glasses", matcher, lambda c: c == "wine glasses") == ["crystal"]
    assert "learn" not in said_features("she wants to learn wine glasses", matcher)


def test_one_year_reads_as_one() -> None:
    assert display_value("age_min_years", "1") == "1 year"
    assert display_value("age_min_years", "3") == "3 years"


@pytest.mark.parametrize(
    ("message", "dimension", "direction"),
    [
        ("can i go lower than the first one's price?", "price", "lower"),
        ("anything rated higher than the first one?", "rating", "higher"),
        ("one that weighs less than the second one's weight", "weight", "lower"),
    ],
)
def test_a_bare_direction_then_what_it_is_compared_with_then_the_dimension(
    message: str, dimension: str, direction: str
) -> None:
    from assistant.plan.semantics import find_comparative, than_ones

    stems = [t.stem for t in tokenize(message)]
    found = find_comparative(stems) or than_ones(stems)
    assert found is not None and found[:2] == (dimension, direction)


def test_a_rating_comparison_filters_on_the_products_own_rating() -> None:
    from retrieval.filters import Filters, NumericRange, matches
    from retrieval.snapshot import CatalogSnapshot

    products = [
        Product(id=f"t{i}", title=f"Tent {i}", rating=r, category=["Tents"]) for i, r in enumerate([4.2, 4.6])
    ]
    better = Filters(attribute_ranges={"rating": NumericRange(gt=4.4)})
    snap = CatalogSnapshot(products, np.zeros((len(products), 4), dtype=np.float32), 1)
    assert [p.id for p, ok in zip(products, snap.mask(better), strict=True) if ok] == ["t1"]
    assert [matches(p, better) for p in products] == [False, True]


def test_one_of_a_unit_after_a_bound_and_a_count_of_people(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, titles: Callable
) -> None:
    plan = _demo("is there a laptop under a kilo? i fly every week", demo_vocabulary, demo_schema, titles)
    assert plan.filters.attribute_ranges["weight_kg"].lte == 1
    coffee = _demo(
        "our office break room needs a new coffee machine, there's about ten of us",
        demo_vocabulary,
        demo_schema,
        titles,
    )
    assert coffee.filters.price_min is None and coffee.filters.price_max is None


def test_a_leaf_named_by_the_head_and_a_word_said_around_it() -> None:
    products = (
        [
            Product(id=f"p{i}", title=f"Wicker Picnic Basket {i}", category=["Outdoor", "Picnic Baskets"])
            for i in range(3)
        ]
        + [
            Product(
                id=f"s{i}",
                title=f"Storage Basket {i}",
                category=["Home", "Storage & Organization", "Baskets"],
            )
            for i in range(3)
        ]
        + [Product(id=f"f{i}", title=f"Ceiling Fan {i}", category=["Home", "Ceiling Fans"]) for i in range(3)]
    )
    schema, vocab = CatalogSchema.from_products(products), Vocabulary.from_products(products)
    counts = _TitleCategories.build(0, products).get_counts
    assert _demo(
        "anniversary picnic this weekend - need a basket", vocab, schema, counts
    ).filters.categories == ["picnic baskets"]
    assert _demo("a basket for the closet", vocab, schema, counts).filters.categories != ["picnic baskets"]


@pytest.mark.parametrize(
    ("message", "together"),
    [
        ("need throw pillow covers plus inserts to stuff them, forty bucks for everything", True),
        ("a tent and a sleeping bag, $300 in total", True),
        ("a tent and a sleeping bag under 300 each", False),
    ],
)
def test_one_budget_for_every_item(message: str, together: bool) -> None:
    products = [
        Product(id=f"{k}{i}", title=f"{name} {i}", price=20.0 + i, category=["Home", name])
        for k, name in (
            ("c", "Throw Pillow Covers"),
            ("i", "Pillow Inserts"),
            ("t", "Tents"),
            ("b", "Sleeping Bags"),
        )
        for i in range(3)
    ]
    schema, vocab = CatalogSchema.from_products(products), Vocabulary.from_products(products)
    plan = _demo(message, vocab, schema, _TitleCategories.build(0, products).get_counts)
    assert len(plan.items) == 2 and plan.total_budget is together


def test_a_maker_ruled_out_under_each_name_it_files_by() -> None:
    products = [
        Product(
            id="j1",
            title="Jura S8 Automatic Coffee Machine",
            brand="Jura",
            category=["Kitchen", "Coffee Machines"],
        ),
        Product(
            id="j2", title="Jura Giga 6 Coffee Machine", brand="Jura", category=["Kitchen", "Coffee Machines"]
        ),
        Product(
            id="c1",
            title="Jura ENA 4 Coffee Center",
            brand="Jura-Capresso",
            category=["Kitchen", "Coffee Machines"],
        ),
        Product(
            id="b1",
            title="Breville Barista Express",
            brand="Breville",
            category=["Kitchen", "Coffee Machines"],
        ),
    ]
    schema, vocab = CatalogSchema.from_products(products), Vocabulary.from_products(products)
    counts = _TitleCategories.build(0, products).get_counts
    # the maker named is asked as named (a storefront's stated brand filter holds); ruling it out
    # rules out every name it files by
    assert _demo("a jura coffee machine", vocab, schema, counts).filters.brands == ["jura"]
    assert set(_demo("a coffee machine, not jura", vocab, schema, counts).filters.exclude_brands) == {
        "jura",
        "jura-capresso",
    }


def test_a_verb_after_a_subject_names_no_kind(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, titles: Callable
) -> None:
    first = _demo(
        "a rain jacket for my brother in law, under a hundred", demo_vocabulary, demo_schema, titles
    )
    plan = _demo(
        "he bikes to work in absolute downpours though... anything more waterproof?",
        demo_vocabulary,
        demo_schema,
        titles,
        previous=first,
    )
    assert plan.intent == "refine" and plan.filters.categories == ["rain jackets"]


@pytest.mark.parametrize(
    "message", ["lay out the first couple next to one another", "how do those first 2 stack up vs each other"]
)
def test_more_ways_to_ask_for_a_side_by_side(message: str) -> None:
    from assistant.plan.intents import is_compare

    assert is_compare(message)


def test_one_of_a_handful_is_a_feature_and_a_gifts_role_is_no_product(demo_vocabulary: Vocabulary) -> None:
    from assistant.plan.text_words import distinguishes

    assert distinguishes(1, 2) and not distinguishes(1, 10) and not distinguishes(2, 2)
    phrase = product_phrase(
        "would one of those electric toothbrushes make a good birthday gift for her?",
        matcher_for(demo_vocabulary),
    )
    assert "toothbrushes" in phrase and "gift" not in phrase


@pytest.mark.parametrize(
    "message",
    ["the last one you showed - whats its battery life", "2nd one's weight?", "first one - how heavy is it?"],
)
def test_a_question_about_a_shown_product_said_many_ways(message: str) -> None:
    from assistant.plan.intents import is_product_question

    assert is_product_question(message)


def test_a_question_about_a_shown_product_asks_nothing_of_the_next_search(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, titles: Callable
) -> None:
    first = _demo("wireless earbuds under 150", demo_vocabulary, demo_schema, titles)
    plan = _after_shown(
        "what about the second one, is it waterproof",
        first,
        {"e1": "", "e2": "", "e3": ""},
        demo_vocabulary,
        demo_schema,
        titles,
    )
    assert plan.intent == "product_question" and plan.referenced_ids == ["e2"]
    assert plan.filters == first.filters


def test_a_maker_the_store_does_not_sell_is_said_and_one_it_sells_filters(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, titles: Callable
) -> None:
    first = _demo("a yoga mat", demo_vocabulary, demo_schema, titles)
    plan = _demo("anything from lululemon?", demo_vocabulary, demo_schema, titles, previous=first)
    assert plan.unknown_values == ["lululemon"] and plan.filters.categories == first.filters.categories
    tents = _demo("a tent", demo_vocabulary, demo_schema, titles)
    named = _after_shown(
        "are there any tents by ridgeback? he swears by that brand",
        tents,
        {"t1": "Summit Tent 2", "t2": "Ridgeback Basecamp 4 Tent"},
        demo_vocabulary,
        demo_schema,
        titles,
    )
    assert named.intent == "refine" and named.filters.brands[:1] == ["ridgeback outfitters"]


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("something for my dad, he loves camping", ""),
        ("what should i get my husband, he runs marathons", ""),
        ("any gift ideas for my sister? she loves coffee", ""),
        ("do you sell something like a kayak?", "kayak"),
    ],
)
def test_a_vague_ask_names_no_kind_to_decline(message: str, kind: str, demo_vocabulary: Vocabulary) -> None:
    assert product_kind(message, demo_vocabulary) == kind


def test_an_age_said_for_something_is_a_child(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, titles: Callable
) -> None:
    plan = _demo("something for my 3 year old", demo_vocabulary, demo_schema, titles)
    assert plan.filters.categories and plan.filters.attribute_ranges["age_min_years"].lte == 3


def test_what_a_maker_has_and_what_something_does_are_no_question_and_no_kind(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, titles: Callable
) -> None:
    first = _demo("a tent for 4 people", demo_vocabulary, demo_schema, titles)
    plan = _after_shown(
        "what does summit & pine have",
        first,
        {"t1": "Summit & Pine Meadow 4 Tent", "t2": "Ridgeback Basecamp 4 Tent"},
        demo_vocabulary,
        demo_schema,
        titles,
    )
    assert plan.intent == "refine" and plan.filters.brands == ["summit & pine"]
    smaller = _demo("something that packs smaller", demo_vocabulary, demo_schema, titles, previous=first)
    assert smaller.intent == "refine" and smaller.filters.categories == ["tents"]


def test_a_ruled_out_word_names_no_leaf_and_a_collective_noun_no_feature() -> None:
    products = [
        Product(id=f"b{i}", title=f"Leather Belt {i}", category=["Accessories", "Belts"]) for i in range(3)
    ] + [
        Product(id=f"k{i}", title=f"Roller Belt Buckle {i}", category=["Accessories", "Belt Buckles"])
        for i in range(3)
    ]
    schema, vocab = CatalogSchema.from_products(products), Vocabulary.from_products(products)
    counts = _TitleCategories.build(0, products).get_counts
    assert _demo("brown belt without buckle", vocab, schema, counts).filters.categories == ["belts"]
    assert said_features("screen printing supplies", matcher_for(vocab)) == []

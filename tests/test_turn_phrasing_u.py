"""Phrasings the late-u cases showed, end to end over the bundled demo catalog (hash embedder, fake
LLM): a question after a spaced dash ("the teal northfold - whats its waterproof rating"); "the cheaper
of those two - how many grams is it" asks about the cheaper one; "how long is it" of a jump rope asks
its length; a color said of a product a question or comparison names is its variant in that color,
shown or not ("the white sonovel", "the purple one", "the same model in black"); a product the last
answers never showed, named by its title's words among the kinds in play ("the bus one"), is the one
asked about; a comparison may name a product an earlier answer showed ("the hybrid"); "forget the
budget and the 4k" drops the title word too; "doesnt need an outlet" asks for battery-powered ones
("i dont mind plugging it in" does not); "desk chairs keep snapping on me" names desk chairs; the verb
of a kind's doer ("blend it right in the pot") and what a kind is without ("no-pedal bikes") do not
make it another product; "cheaper than that one" after "which has the best reviews?" is the winner."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from assistant.turn import Assistant
from retrieval.catalog import Product
from retrieval.products import Vocabulary
from retrieval.schema import CatalogSchema
from tests.plan_support import plan_known
from tests.turn_support import small_assistant, turn


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory, demo_products: list[Product]) -> Iterator[Assistant]:
    with small_assistant(tmp_path_factory.mktemp("phrasing-u") / "data", demo_products) as a:
        yield a


def test_a_question_after_a_spaced_dash_is_asked(assistant: Assistant) -> None:
    _, _, _, sid = turn(assistant, "need a rain jacket, womens")
    shown, text, plan, _ = turn(assistant, "the teal northfold - whats its waterproof rating", sid)
    assert plan.intent == "product_question"
    assert plan.question == "waterproof_rating_mm"
    assert [p.id for p in shown] == ["rj-northfold-downpour-shell-w-teal"]
    assert "20,000" in text or "20000" in text


def test_the_cheaper_of_two_is_the_product_asked_about(assistant: Assistant) -> None:
    _, _, _, sid = turn(assistant, "open-back headphones for mixing, wired is fine")
    shown, text, plan, _ = turn(assistant, "the cheaper of those two - how many grams is it", sid)
    assert plan.intent == "product_question" and plan.question == "weight_g"
    assert plan.comparative is None and plan.filters.price_max is None
    assert [p.id for p in shown] == ["hp-tideline-studio-9-open"]
    assert "290" in text


def test_how_long_a_jump_rope_is_asks_its_length(assistant: Assistant) -> None:
    _, _, _, sid = turn(assistant, "a jump rope")
    _, _, plan, _ = turn(assistant, "the rope - how long is it?", sid)
    assert plan.intent == "product_question" and plan.question == "length_ft"


def test_a_color_said_of_a_compared_product_is_its_variant(assistant: Assistant) -> None:
    _, _, _, sid = turn(assistant, "noise canceling earbuds pls")
    shown, _, plan, _ = turn(assistant, "put the black halcyon next to the white sonovel", sid)
    assert plan.intent == "compare"
    assert [p.id for p in shown] == ["eb-halcyon-aura-buds-anc-black", "eb-sonovel-pebble-nc-white"]


def test_the_purple_one_is_the_shown_products_purple_variant(assistant: Assistant) -> None:
    _, _, _, sid = turn(assistant, "kids 3 wheel scooter")
    shown, text, plan, _ = turn(assistant, "whats the weight limit on the purple one", sid)
    assert plan.intent == "product_question" and plan.question == "max_weight_lb"
    assert [p.id for p in shown] == ["ty-zoomtastic-scooter-3-wheel-purple"]
    assert "110" in text


def test_the_same_model_in_another_color_is_its_variant(assistant: Assistant) -> None:
    _, _, _, sid = turn(assistant, "a countertop blender for frozen fruit, a thousand watts minimum")
    shown, text, plan, _ = turn(assistant, "the red one - is it pricier than the same model in black?", sid)
    assert plan.intent == "product_question" and plan.question == "price"
    assert {p.id for p in shown} == {"bl-whirlwise-pro-1500-red", "bl-whirlwise-pro-1500-black"}
    assert "$209" in text and "$199" in text


def test_a_product_named_by_its_title_words_is_read_from_the_catalog(assistant: Assistant) -> None:
    _, _, _, sid = turn(assistant, "a puzzle for a 5 yr old and a building set for a 6 yr old")
    shown, text, plan, _ = turn(assistant, "how many pieces is the bus one", sid)
    assert plan.intent == "product_question" and plan.question == "pieces"
    assert [p.id for p in shown] == ["ty-brickbloom-city-bus"]
    assert "248" in text


def test_a_comparison_may_name_a_product_an_earlier_answer_showed(assistant: Assistant) -> None:
    _, _, _, sid = turn(assistant, "need a queen mattress and i can't spend over three hundred")
    turn(assistant, "ugh ok. just the firm ones then, my back hates soft beds", sid)
    shown, _, plan, _ = turn(assistant, "how does the hybrid stack up against the restwell one", sid)
    assert plan.intent == "compare"
    assert [p.id for p in shown] == ["mt-slumberloft-hybrid-plus-queen", "mt-restwell-firm-support-queen"]


def test_forgetting_a_title_word_drops_it(assistant: Assistant) -> None:
    _, _, first, sid = turn(assistant, "got any 4k monitors for under three hundred?")
    assert first.relaxed  # no 4K monitor costs under $300
    _, _, plan, _ = turn(
        assistant, "ok forget the budget and the 4k, i just want the highest refresh rate", sid
    )
    assert plan.filters.text_words == [] and plan.filters.price_max is None
    assert plan.sort is not None and plan.sort.key == "refresh_hz"


@pytest.mark.parametrize(
    ("message", "battery"),
    [
        ("hosting a bbq in the backyard, want a speaker that gets loud and doesnt need an outlet", True),
        ("a speaker that doesnt need to be plugged in", True),
        ("a speaker, i dont mind plugging it in", False),
    ],
)
def test_no_outlet_asks_for_battery_powered_ones(assistant: Assistant, message: str, battery: bool) -> None:
    shown, _, plan, _ = turn(assistant, message)
    assert plan.filters.categories == ["speakers"]
    assert ("battery_hours" in plan.filters.attribute_ranges) is battery
    if battery:
        assert shown and all(p.attributes.get("battery_hours") for p in shown)


def test_what_happens_to_a_product_ends_its_name(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    plan = plan_known(
        "im a big dude, around 350 lbs, and cheap desk chairs keep snapping on me. what can actually hold me",
        demo_vocabulary,
        demo_schema,
        demo_titles,
    )
    assert plan.filters.categories == ["office chairs"]
    assert plan.filters.attribute_ranges["max_weight_lb"].gte == 350.0
    # what a person keeps doing is no end of the product's name
    plan = plan_known(
        "my 4 yr old keeps swiping my headphones on the bus, she needs her own pair",
        demo_vocabulary,
        demo_schema,
        demo_titles,
    )
    assert plan.filters.categories == ["headphones"]


@pytest.mark.parametrize(
    ("message", "category"),
    [
        (
            "i make a lot of soup and want to blend it right in the pot instead of pouring it into a jug",
            "blenders",
        ),
        ("one of those no-pedal bikes for my nephew, he just turned 2", "ride-ons"),
    ],
)
def test_a_doers_verb_or_what_a_kind_is_without_is_no_other_product(
    assistant: Assistant, message: str, category: str
) -> None:
    shown, _, plan, _ = turn(assistant, message)
    assert plan.intent != "out_of_catalog"
    assert plan.filters.categories == [category] and shown


def test_cheaper_than_that_one_after_a_ranking_is_cheaper_than_its_winner(assistant: Assistant) -> None:
    _, _, _, sid = turn(assistant, "noise canceling earbuds pls")
    ranked, _, _, _ = turn(assistant, "which of those goes longest on one charge", sid)
    _, _, plan, _ = turn(assistant, "is there one cheaper than that one?", sid)
    assert plan.comparative is not None and plan.comparative.than_id == ranked[0].id


def test_a_question_naming_values_of_one_key_asks_that_key(assistant: Assistant) -> None:
    shown, _, _, sid = turn(assistant, "coffee makers under a hundred dollars")
    assert "cf-morrow-brewhouse-10" in {p.id for p in shown}
    _, text, plan, _ = turn(assistant, "the brewhouse - is the pot glass or the thermal kind?", sid)
    assert plan.intent == "product_question" and plan.question == "carafe"
    assert "carafe" in text


@pytest.mark.parametrize(
    ("message", "key", "bounds"),
    [
        ("a countertop blender for frozen fruit, a thousand watts minimum", "wattage_w", {"gte": 1000.0}),
        ("a blender, 1200 watts at least", "wattage_w", {"gte": 1200.0}),
        ("a tent 3 kg tops", "weight_kg", {"lte": 3.0}),
    ],
)
def test_a_bound_said_after_the_figure(
    message: str,
    key: str,
    bounds: dict[str, float],
    demo_vocabulary: Vocabulary,
    demo_schema: CatalogSchema,
    demo_titles: Callable,
) -> None:
    plan = plan_known(message, demo_vocabulary, demo_schema, demo_titles)
    assert plan.filters.attribute_ranges[key].model_dump(exclude_none=True) == bounds


@pytest.mark.parametrize(
    "message",
    [
        "running shoes for my mom, she's not gonna spend more than a hundred and ten",
        "running shoes, im not spending more than 110",
    ],
)
def test_not_spending_more_than_is_a_cap(
    message: str, demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    plan = plan_known(message, demo_vocabulary, demo_schema, demo_titles)
    assert plan.filters.price_max == 110.0 and plan.filters.price_min is None

"""Shoppers phrasing things the late-p cases showed, on the bundled demo catalog: a stand-in ("a new
one") for the kind an earlier sentence named, a contraction written without its apostrophe ("theres"),
a shouted word ("a LOT"), a birthday said of anyone ("twins turning 3") and what "something they can
ride" is for, a value word that is the subject of a sentence ("twins turning"), an adjective made
from a catalog value ("wooden" toys), another child by an age said of them, and a question asked by
its unit ("how many minutes do I get")."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from assistant.plan.catalog_stage import question_dimension
from assistant.plan.planner import _head_noun_of, product_kind
from assistant.plan.semantics import child_age
from assistant.plan.typos import _contraction, english_words
from assistant.plan.vocab import matcher_for
from assistant.turn import _named_shade
from retrieval.catalog import Product
from retrieval.products import Vocabulary
from retrieval.schema import CatalogSchema
from tests.plan_support import plan_known as _plan


@pytest.mark.parametrize(
    "message",
    [
        "ok so theres 6 of us in this house and the dishwasher runs like twice a day. need a new one that "
        "can fit a LOT of dishes in one go",
        "the dishwasher is ancient and we need a new one",
    ],
)
def test_a_stand_in_is_the_kind_a_sentence_before_named(
    message: str, demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    plan = _plan(message, demo_vocabulary, demo_schema, demo_titles)
    assert plan.filters.categories == ["dishwashers"]
    assert plan.intent == "search"
    assert not plan.unknown_values  # "a LOT" is shouted, not a maker the store does not sell


def test_a_contraction_without_its_apostrophe_is_no_typo() -> None:
    english = english_words()
    assert _contraction("theres", english) and _contraction("doesnt", english)
    assert _contraction("youre", english) and _contraction("thatll", english)
    assert not _contraction("blendr", english) and not _contraction("dishwaher", english)


def test_a_birthday_said_of_anyone_is_an_age_and_what_they_can_ride_is_a_use(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    plan = _plan(
        "twins turning 3 next month!! want to get them something they can ride up and down the driveway",
        demo_vocabulary,
        demo_schema,
        demo_titles,
    )
    assert plan.filters.categories == ["ride-ons"]
    assert plan.filters.attribute_ranges["age_min_years"].lte == 3
    assert "size" not in plan.filters.attributes  # "twins" is who turns 3, not a mattress size
    assert child_age("the knob turns 3 times") is None and child_age("turn 90 degrees") is None


def test_an_adjective_made_from_a_catalog_value_is_that_value(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    plan = _plan(
        "our baby just started pulling himself up on the furniture. my wife wants wooden toys only, nothing plastic",
        demo_vocabulary,
        demo_schema,
        demo_titles,
    )
    assert plan.filters.attributes.get("material") == "wood"
    assert plan.intent == "search"


def test_another_child_asks_afresh_the_same_child_refines(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    baby = _plan("wooden toys for our baby", demo_vocabulary, demo_schema, demo_titles)
    sister = _plan(
        "his big sister is 6 and wants something like legos", demo_vocabulary, demo_schema, demo_titles, baby
    )
    assert "material" not in sister.filters.attributes  # the baby's wooden toys do not carry over
    scooter = _plan("my daughter needs a scooter", demo_vocabulary, demo_schema, demo_titles)
    younger = _plan("she's only 2 though", demo_vocabulary, demo_schema, demo_titles, scooter)
    assert younger.intent == "refine" and younger.filters.categories == ["ride-ons"]
    assert younger.filters.attribute_ranges["age_min_years"].lte == 2
    assert child_age("his big sister is 6") is not None and child_age("my sister is 34") is None


def test_a_question_asked_by_its_unit(demo_schema: CatalogSchema) -> None:
    asked = "first one - how many minutes do i get before it needs charging again"
    assert question_dimension(asked, demo_schema, ["vacuums"]) == "runtime_min"


def test_a_one_word_name_is_the_head_noun_of_a_longer_one() -> None:
    assert _head_noun_of("sets", "container sets") and _head_noun_of("lamps", "curing lamps")
    assert not _head_noun_of("container", "container sets") and not _head_noun_of("sets", "sets")


def test_a_shade_named_by_the_seller_with_its_color() -> None:
    assert _named_shade("fox,orange", ["orange"]) and _named_shade("soft mandarine, orange", ["orange"])
    assert not _named_shade("black/white", ["black"]) and not _named_shade("orange", ["orange"])
    assert not _named_shade("black, stainless", ["black"]) and not _named_shade("black/suede", ["black"])


def test_a_reaction_is_no_product_phrase(demo_vocabulary: Vocabulary) -> None:
    kind = product_kind("she'd go nuts for an orange one", demo_vocabulary, None)
    assert "nuts" not in kind


def test_a_maker_of_what_the_shopper_owns_is_no_brand_filter(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    owned = _plan(
        "his sonovel headphones finally broke so he needs new headphones",
        demo_vocabulary,
        demo_schema,
        demo_titles,
    )
    assert owned.filters.categories and "sonovel" not in owned.filters.brands
    asked = _plan("sonovel headphones please", demo_vocabulary, demo_schema, demo_titles)
    assert asked.filters.brands == ["sonovel"]


def test_scene_words_in_a_follow_up_asking_for_more(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    earbuds = _plan(
        "earbuds for cardio days at the gym, sixty max", demo_vocabulary, demo_schema, demo_titles
    )
    longer = _plan(
        "those wont make it through a double spin class + the drive home. longer battery? i can spend a little more",
        demo_vocabulary,
        demo_schema,
        demo_titles,
        earbuds,
    )
    assert longer.filters.categories == ["earbuds"]  # "the drive home" is no Home section asked for
    assert not longer.filters.brands  # "a little more" is no Little Meadow
    assert longer.comparative is not None or longer.sort is not None


def test_a_table_of_the_first_two_is_a_comparison() -> None:
    from assistant.plan.intents import is_compare

    assert is_compare("break the first two down for me in a table") and is_compare("put those in a table")
    assert not is_compare("break it down") and not is_compare("what a table")


def test_a_boy_said_by_his_age_is_no_man(demo_schema: CatalogSchema) -> None:
    from assistant.plan.semantics import use_case_priors

    assert child_age("and headphones for him for long car rides, hes 6") is not None
    boy = use_case_priors("and headphones for him for long car rides, hes 6", demo_schema, ["headphones"])
    man = use_case_priors("and headphones for him for long car rides", demo_schema, ["headphones"])
    assert not any(p.name == "for a man" for p in boy) and any(p.name == "for a man" for p in man)


def test_an_ordinary_word_brand_in_a_phrase_is_no_maker() -> None:
    from assistant.plan.text import tokenize
    from assistant.plan.vocab import describes_brand

    products = [
        Product(id=f"{b}{i}", title=f"{b} thing {i}", brand=b, category=["Misc"])
        for b in ("Chance", "Packs", "Benzoyl Peroxide", "Crest")
        for i in range(3)
    ]
    matcher = matcher_for(Vocabulary.from_products(products))

    def brands(text: str) -> list[str]:
        tokens = tokenize(text)
        return [m.value for m in matcher.find(tokens) if m.kind == "brand" and not describes_brand(tokens, m)]

    assert brands("yall sell air purifiers by any chance") == []
    assert brands("a couple packs of onesies") == []
    assert brands("it needs benzoyl peroxide in it") == []
    assert brands("hmm any crest") == ["crest"]


def test_a_group_puts_the_biggest_first_where_the_kind_counts_no_people(demo_schema: CatalogSchema) -> None:
    from assistant.plan.semantics import use_case_priors

    office = use_case_priors("there's about 10 of us drinking it all day", demo_schema, ["coffee makers"])
    assert [(p.key, p.prefer) for p in office] == [("capacity_cups", "higher")]
    assert not any(
        p.prefer for p in use_case_priors("a coffee maker for me and my wife", demo_schema, ["coffee makers"])
    )
    assert not any(p.prefer for p in use_case_priors("a tent for 6 of us", demo_schema, ["tents"]))


def test_what_a_product_attaches_to_is_a_word_its_text_says(demo_vocabulary: Vocabulary) -> None:
    from assistant.plan.text_words import said_features

    matcher = matcher_for(demo_vocabulary)
    assert "drill" in said_features("is there a scrub brush that attaches to a regular drill??", matcher)
    assert "stroller" in said_features("a cup holder that clips onto the stroller", matcher)


def test_a_feature_asked_outright_is_loosened_before_what_was_ruled_out() -> None:
    from assistant.plan.text_words import said_requirements
    from retrieval.filters import Filters, matches
    from retrieval.relax import search_relaxed

    assert "gummies" in said_requirements("do any come as gummies? he'd actually take those")
    products = [
        Product(id="a", title="Potassium 99mg Capsules", category=["Potassium"]),
        Product(id="b", title="Potassium Gluconate Tablets", category=["Potassium"]),
    ]

    def run(filters: Filters) -> list[Product]:
        return [p for p in products if matches(p, filters)]

    asked = Filters(categories=["potassium"], text_words=["gummies"], exclude_text_words=["capsules"])
    found = search_relaxed(asked, run, keep=("category",))
    assert [p.id for p in found.products] == ["b"]  # still no capsules
    assert [r.asked for r in found.relaxed] == ["mentioning gummies"]

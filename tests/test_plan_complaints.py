"""A feature or value said as the subject of a complaint ("the wired ones always get tangled", "the
plastic ones leak") is ruled out, not asked for (``lexicons/negations.yaml`` complaints): on the demo
catalog's attributes, on product text, and in the phrase the kind is read from."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from assistant.plan.text import tokenize
from assistant.plan.text_words import said_exclusions, said_features
from assistant.plan.vocab import blank_complaints, complained_of, matcher_for, negated_words
from assistant.schemas import QueryPlan
from retrieval.filters import Filters, title_says
from retrieval.products import Vocabulary
from retrieval.schema import CatalogSchema
from tests.plan_support import plan_after


@pytest.mark.parametrize(
    ("said", "ruled"),
    [
        ("the plastic ones always leak", True),
        ("the silicone ones melt, so something else", True),
        ("those leather ones are way too heavy", True),
        ("the steel ones hurt her fingers", True),
        ("the plastic ones please", False),
        ("the plastic ones for the kids", False),
        ("plastic ones only", False),
    ],
)
def test_a_complaint_after_the_pro_form(said: str, ruled: bool) -> None:
    stems = [t.stem for t in tokenize(said)]
    at = 2 if stems[0] in ("the", "those") else 1
    assert complained_of(stems, at) is ruled
    assert (
        negated_words(" ".join(said.split()[: at - 1]), said.split()[at - 1], " ".join(said.split()[at:]))
        is ruled
    )


def test_the_complained_of_word_is_an_exclusion_not_a_feature(demo_vocabulary: Vocabulary) -> None:
    matcher = matcher_for(demo_vocabulary)
    assert said_exclusions("the tritan ones always leak", matcher) == ["tritan"]
    assert "tritan" not in said_features("the tritan ones always leak", matcher)
    assert said_features("the tritan ones please", matcher) == ["tritan"]
    assert said_exclusions("the tritan ones please", matcher) == []


def test_the_complaint_names_no_product() -> None:
    assert blank_complaints("the plastic ones always look cheap").rstrip() == "the plastic ones"
    assert blank_complaints("the glass ones crack, any others?").endswith(", any others?")
    assert blank_complaints("the plastic ones please") == "the plastic ones please"


def test_a_value_complained_of_is_ruled_out(
    demo_vocabulary: Vocabulary,
    demo_schema: CatalogSchema,
    demo_titles: Callable[[str], list[tuple[str, int]]],
) -> None:
    headphones = QueryPlan(query="headphones", filters=Filters(categories=["headphones"]))
    plan = plan_after(
        "the wired ones always get tangled", demo_vocabulary, demo_schema, demo_titles, headphones
    )
    assert plan.filters.categories == ["headphones"]
    assert plan.filters.attributes.get("wireless") == "yes"
    asked = plan_after("wired please", demo_vocabulary, demo_schema, demo_titles, headphones)
    assert asked.filters.attributes.get("wireless") == "no"
    shoes = QueryPlan(query="running shoes", filters=Filters(categories=["running shoes"]))
    plan = plan_after("the white ones get filthy so fast", demo_vocabulary, demo_schema, demo_titles, shoes)
    assert "white" not in plan.filters.colors


def test_an_exclusion_passes_a_title_that_denies_another_word() -> None:
    # "BPA Free Plastic" says plastic; "Fluoride-Free" denies fluoride
    assert title_says("Unbreakable BPA Free Plastic Wine Glasses", ["plastic"])
    assert not title_says("Fluoride-Free Toothpaste", ["fluoride"])
    assert title_says("Fluoride-Free Toothpaste", ["toothpaste"])


@pytest.mark.parametrize(
    "said",
    [
        "headphones for my son, he refuses to use sonovel",
        "headphones for my son, he won't use sonovel",
        "headphones, we will not buy sonovel again",
        "headphones for my son, he wont wear sonovel",
    ],
)
def test_a_brand_refused_is_ruled_out(
    said: str,
    demo_vocabulary: Vocabulary,
    demo_schema: CatalogSchema,
    demo_titles: Callable[[str], list[tuple[str, int]]],
) -> None:
    plan = plan_after(said, demo_vocabulary, demo_schema, demo_titles)
    assert plan.filters.exclude_brands == ["sonovel"]
    assert plan.filters.brands == []
    asked = plan_after("headphones, he uses sonovel", demo_vocabulary, demo_schema, demo_titles)
    assert asked.filters.exclude_brands == []

"""A follow-up whose subject stands for the products shown and says what they must have or be ("they
need real active noise cancelling", "it needs to be fleece lined", "they need a laptop sleeve") asks a
feature of the kind shown: a category's name said in it (Active, Fleece, Laptops) is no new kind, and
the follow-up stays on the kind shown (the late-bx cases). Said of someone named before ("my kids are
always cold so they need fleece jackets") or added as a thing of its own ("they need a laptop too"),
the kind is asked."""

from __future__ import annotations

import pytest

from assistant.plan.planner import required_of_stand_in
from assistant.plan.text import tokenize
from assistant.plan.vocab import matcher_for
from assistant.schemas import QueryPlan
from retrieval.filters import Filters
from tests.plan_support import plan_after, small_store

_ROWS = [
    (["Audio", "Earbuds"], "Sonovel Pebble Active Noise Cancelling Wireless Earbuds"),
    (["Clothing", "Active"], "Stridewell Active Jogger Pants"),
    (["Apparel", "Outerwear", "Rain Jackets"], "Little Meadow Fleece-Lined Kids Rain Jacket"),
    (["Apparel", "Outerwear", "Fleece"], "Northfold Hearth Full-Zip Fleece Jacket"),
    (["Outdoor", "Hiking", "Backpacks"], "Northfold Day 22 Daypack with Laptop Sleeve"),
    (["Computers", "Laptops"], "Lumetric Student 14 Chromebook Laptop"),
]


@pytest.fixture(scope="module")
def store() -> tuple:
    return small_store(_ROWS)


def _after(kind: str) -> QueryPlan:
    return QueryPlan(query=kind, filters=Filters(categories=[kind]), intent="search")


@pytest.mark.parametrize(
    ("shown", "message"),
    [
        ("earbuds", "they need real active noise cancelling, my subway commute is brutal"),
        ("earbuds", "they must have active noise cancelling"),
        ("rain jackets", "it needs to be fleece lined, she gets cold"),
        ("rain jackets", "she's always freezing so it should be fleece lined"),
        ("backpacks", "they need a laptop sleeve though"),
        ("backpacks", "it has to have a laptop sleeve for work days"),
    ],
)
def test_a_kind_said_in_what_the_shown_must_have_is_not_asked(shown: str, message: str, store: tuple) -> None:
    vocab, schema, titles = store
    plan = plan_after(message, vocab, schema, titles, previous=_after(shown))
    assert plan.filters.categories == [shown], plan
    assert plan.intent == "refine", plan


def test_a_kind_only_hinted_before_is_not_replaced(store: tuple) -> None:
    vocab, schema, titles = store
    before = QueryPlan(query="wireless earbuds", category_hint="earbuds", intent="search")
    plan = plan_after("they need real active noise cancelling", vocab, schema, titles, previous=before)
    assert "active" not in plan.filters.categories, plan
    assert plan.intent == "refine", plan


@pytest.mark.parametrize(
    ("shown", "message", "asked"),
    [
        # "they" is someone the message named
        ("rain jackets", "my kids are always cold so they need fleece jackets", "fleece"),
        # a thing added of its own
        ("backpacks", "they need a laptop too", "laptops"),
        # no stand-in for the products shown is the subject
        ("rain jackets", "i need a fleece", "fleece"),
    ],
)
def test_a_kind_asked_of_its_own_is_asked(shown: str, message: str, asked: str, store: tuple) -> None:
    vocab, schema, titles = store
    plan = plan_after(message, vocab, schema, titles, previous=_after(shown))
    assert asked in [*plan.filters.categories, *plan.filters.categories_all], plan


def test_the_subject_must_open_its_clause(store: tuple) -> None:
    vocab, _, _ = store
    text = "the one they need is a fleece"
    tokens = tokenize(text)
    (m,) = [m for m in matcher_for(vocab).find(tokens) if m.kind == "category"]
    assert not required_of_stand_in(text, tokens, m)


def test_a_thing_of_its_own_after_an_article_is_asked(store: tuple) -> None:
    vocab, schema, titles = store
    plan = plan_after(
        "they need a laptop, my son starts college", vocab, schema, titles, previous=_after("backpacks")
    )
    assert "laptops" in plan.filters.categories, plan

"""A one-word brand that is an ordinary English word (the late-av cases), said as the word: its
plural ("got any balls for the tree": not the jar maker Ball) or a place after a preposition and "the"
("see the fish on the reef": not the sandal maker Reef) or the head of a noun phrase ("the launch
spot is all rocks": not the bowl maker SPOT) is the thing, not the maker. Said as the
maker ("reef flip flops", "ball jars", "the reef ones") it still is the brand, and so is a plural
followed by a kind of product."""

from __future__ import annotations

import pytest

from assistant.plan import plan_turn
from assistant.plan.text import tokenize
from assistant.plan.vocab import describes_brand, matcher_for
from assistant.schemas import HistoryTurn, QueryPlan
from assistant.turn import _TitleCategories
from retrieval.catalog import Product
from retrieval.products import Vocabulary
from retrieval.schema import CatalogSchema

_PRODUCTS = [
    Product(id=f"{brand}{i}", title=f"{brand} {kind} {i}", brand=brand, category=[category])
    for brand, kind, category in (
        ("Ball", "Mason Jars", "Jars"),
        ("Reef", "Flip Flop Sandals", "Sandals"),
        ("Clutch", "DJ Controller", "DJ Controllers"),
        ("SPOT", "Stoneware Dog Bowl", "Bowls"),
        ("LEGO", "Classic Brick Box", "Building Sets"),
    )
    for i in range(3)
] + [Product(id=f"cl{i}", title=f"Evening Clutch {i}", brand="Lumi", category=["Clutches"]) for i in range(3)]


def _found(text: str) -> list[tuple[str, str]]:
    matcher = matcher_for(Vocabulary.from_products(_PRODUCTS))
    tokens = tokenize(text)
    return [(m.kind, m.value) for m in matcher.find(tokens) if not describes_brand(tokens, m)]


@pytest.mark.parametrize(
    "text",
    [
        "got any balls for the tree that wont smash",
        "we want to see the fish on the reef. what gear do we need",
        "snorkeling around the reef next month",
        # the head of a noun phrase "the" opens (the late-bg cases)
        "the launch spot is all sharp rocks, what should i wear on my feet",
    ],
)
def test_an_ordinary_word_brand_said_as_the_word_is_no_maker(text: str) -> None:
    assert not [v for k, v in _found(text) if k == "brand"]


def test_a_plural_that_is_also_a_kind_is_the_kind() -> None:
    assert _found("any clutches that would go with a navy dress") == [("category", "clutches")]


@pytest.mark.parametrize(
    ("text", "brand"),
    [
        ("reef flip flops for the beach", "reef"),
        ("ball jars for canning jam", "ball"),
        ("the reef ones are cute", "reef"),
        ("do you have any Reef sandals for men", "reef"),
        ("the spot dog bowls look sturdy", "spot"),
        ("what's the most expensive lego you carry", "lego"),
    ],
)
def test_the_maker_said_as_the_maker_is_still_the_brand(text: str, brand: str) -> None:
    assert ("brand", brand) in _found(text)


_PHRASED = [
    *[Product(id=f"jar{i}", title=f"Regular Mouth Mason Jars {i}", brand="Ball", category=["Kitchen", "Jars"]) for i in range(4)],
    *[Product(id=f"pm{i}", title=f"Golf Putting Mat with Ball Return {i}", brand="Putt-A-Bout", category=["Golf", "Putting Mats"]) for i in range(4)],
    *[Product(id=f"sd{i}", title=f"Vessel Sink Pop Up Drain {i}", brand="Bestill", category=["Bath", "Sink Drains"]) for i in range(4)],
    *[Product(id=f"sc{i}", title=f"Precision Screwdriver {i}", brand="VESSEL", category=["Tools", "Screwdrivers"]) for i in range(4)],
]  # fmt: skip


def _plan_with_makers(message: str, previous: QueryPlan | None = None) -> QueryPlan:
    index = _TitleCategories.build(0, _PHRASED)
    history = [HistoryTurn(role="assistant", content="", plan=previous, shown_ids=["x"])] if previous else []
    return plan_turn(
        message,
        history,
        Vocabulary.from_products(_PHRASED),
        previous=previous,
        schema=CatalogSchema.from_products(_PHRASED),
        word_categories=index.get_counts,
        brand_leaves=index.brand_leaves,
    )


@pytest.mark.parametrize(
    ("message", "word"),
    [
        ("a golf putting mat with ball return for the office", "ball"),
        ("pop up drain for a vessel sink", "vessel"),
    ],
)
def test_a_brand_opening_a_phrase_other_makers_title_with_is_the_phrase(message: str, word: str) -> None:
    # Ball makes jars, VESSEL screwdrivers: "ball return" and "vessel sink" are what other makers'
    # products are titled with
    plan = _plan_with_makers(message)
    assert not plan.filters.brands and word in plan.query.split()


def test_a_follow_up_phrase_drops_the_maker_reading_too() -> None:
    first = _plan_with_makers("a putting mat")
    plan = _plan_with_makers("it needs the automatic ball return thing and under fifteen", first)
    assert not plan.filters.brands and plan.filters.price_max == 15


@pytest.mark.parametrize(
    ("message", "brand"), [("ball jars for canning", "ball"), ("vessel screwdrivers", "vessel")]
)
def test_a_brand_before_what_it_makes_stays_the_brand(message: str, brand: str) -> None:
    assert [b.casefold() for b in _plan_with_makers(message).filters.brands] == [brand]

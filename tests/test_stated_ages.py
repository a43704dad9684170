"""The ages a product's own text states (retrieval/ages.py) and a child's age asked of a feed that
files no age attribute (``Filters.child_age``): a game stated for older children ("Ages 8+") is not
shown for a 4-year-old, one stated for the child's age counts as a kids' one though it never says
"kids", and durations, sizes and months are no ages (the late-bb cases). "whats" (chat drops the
apostrophe) is a filler word like "what's", never a word narrowing the kind asked ("whats a good
game": not games whose titles say "what")."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np
import pytest

from assistant.turn import Assistant
from retrieval.ages import admits, for_children, stated_ages, text_ages
from retrieval.catalog import Product
from retrieval.filters import Filters, matches
from retrieval.products import Vocabulary
from retrieval.relax import TEXT_FIELD, search_relaxed
from retrieval.schema import CatalogSchema
from retrieval.snapshot import CatalogSnapshot
from tests.plan_support import plan_known
from tests.turn_support import small_assistant, turn


@pytest.mark.parametrize(
    ("text", "ages"),
    [
        ("Hasbro Gaming Mouse Trap Board Game For Kids Ages 6 and Up (Amazon Exclusive)", (6, None)),
        ("Soggy Doggy Board Game for kids ages 4-8", (4, 8)),
        ("Pandemic Board Game (Base Game) | Cooperative Board Game | Ages 8+ | 2 to 4 players", (8, None)),
        ("Skillmatics Card Game : Train of Thought | Party Game for 6 Year Olds and Up", (6, None)),
        ("Play-Doh Kitchen Creations Sushi Play Food Set for Kids 3 Years and up", (3, None)),
        ("Mattel Games Puglicious Kids Game, Gift for Kids 5 Years & Older", (5, None)),
        ("Bentgo Kids Lunch Box - Ideal Portion Sizes for Ages 3 to 7 - BPA-Free", (3, 7)),
        ('Fire HD 8 Kids tablet, 8" HD display, ages 3-7, 32 GB', (3, 7)),
        ("Great for 2-4 players. Ages 3 and up", (3, None)),
        ("Codenames Disney Family Edition | Great Game for All Ages", (0, None)),
        ("HOW TO ENJOY: Adults (18 years and older), chew two gummies", (18, None)),
        ("perfect for girls ages 7-16", (7, 16)),
    ],
)
def test_the_ages_a_text_states_are_read(text: str, ages: tuple[int, int | None]) -> None:
    assert text_ages(text) == ages


@pytest.mark.parametrize(
    "text",
    [
        "Taco vs Burrito - The Wildly Popular Surprisingly Strategic Card Game Created by a 7 Year Old",
        "Amazon Basics 24 Pack C Cell Alkaline Batteries, 5-Year Shelf Life",
        "Fire TV Stick bundle - includes Ethernet Adapter and 2-Year Protection Plan",
        "Hudson Baby Unisex Cotton Gowns, Forest, 0-6 Months",
        "Baby Boys Dress Shirt and Suspender Pants Set, Gray, Tag 120 = 3-4 Years",
        "lithium button batteries with a life span of 6-8 years, no wiring",
        "We professionally produce glassware for 36+ years",
        "NATURELO One Daily Multivitamin for Women 50+ (Iron Free)",
        "Crest Toothpaste 3D White: Adults and children 2 yrs and above, brush thoroughly",  # directions
    ],
)
def test_durations_sizes_and_months_are_no_ages(text: str) -> None:
    assert text_ages(text) is None


def test_the_title_speaks_before_the_bullets() -> None:
    assert stated_ages("Lucky Ducks Game", "For 2-4 players, ages 3 and up") == (3, None)
    assert stated_ages("Mouse Trap For Kids Ages 6 and Up", "ages 3 and up") == (6, None)
    assert admits((4, 8), 4) and admits((4, 8), 8) and not admits((4, 8), 9) and not admits((6, None), 4)
    assert for_children((3, None)) and for_children((7, 16))
    assert not for_children((0, None)) and not for_children((18, None))


_GAMES = ["Toys & Games", "Games & Accessories", "Board Games"]
_ROWS = [
    ("g0", "Hasbro Gaming Mouse Trap Board Game For Kids Ages 6 and Up", []),
    ("g1", "Pandemic Board Game | Family Board Game | Ages 8+", []),
    ("g2", "Hasbro Hi Ho! Cherry-O Board Game for 2 to 4 Players Kids Ages 3 and Up", []),
    (
        "g3",
        "Pressman Lucky Ducks -- The Memory and Matching Game that Moves",
        ["For 2-4 players, ages 3 and up"],
    ),
    ("g4", "TOMY Screwball Scramble Games for Kids", []),
    ("g5", "Trekking The World: A Family Board Game", []),
    ("g6", "Soggy Doggy Board Game for kids ages 4-8", []),
    ("g7", "Codenames Family Edition Board Game for All Ages", []),
]


def _games() -> list[Product]:
    return [
        Product(id=i, title=t, bullet_points=b, brand="Brand", price=10.0 + n, rating=4.0, category=_GAMES)
        for n, (i, t, b) in enumerate(_ROWS)
    ]


def test_a_childs_age_rules_out_what_is_stated_for_older_children_and_takes_what_is_stated_for_it() -> None:
    products = _games()
    snap = CatalogSnapshot(products, np.zeros((len(products), 4), dtype=np.float32), version=1)
    for age, expected in (
        (4, {"g2", "g3", "g4", "g6"}),
        (7, {"g0", "g2", "g3", "g4", "g6"}),
        (
            9,
            {"g0", "g1", "g2", "g3", "g4"},
        ),  # ("Ages 8+" says a kids' one; "ages 4-8" leaves a 9-year-old out)
    ):
        asked = Filters(text_words=["kids"], child_age=age)
        # (the snapshot's mask and matches() mean the same)
        assert {p.id for p in products if matches(p, asked)} == expected
        assert {products[i].id for i in np.flatnonzero(snap.mask(asked))} == expected
    alone = Filters(child_age=4)  # no kids' word asked: only what is stated for older children goes
    assert {p.id for p in products if not matches(p, alone)} == {"g0", "g1"}


def test_an_age_nothing_takes_in_is_loosened_with_the_kids_word_and_said() -> None:
    products = _games()[:2]
    asked = Filters(text_words=["kids"], child_age=3)
    found = search_relaxed(asked, lambda f: [p for p in products if matches(p, f)])
    assert found.products
    assert found.filters.child_age is None and not found.filters.text_words
    assert [r.field for r in found.relaxed] == [TEXT_FIELD]
    assert found.relaxed[0].loosened.child_age == 3


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    with small_assistant(tmp_path_factory.mktemp("stated-ages") / "data", _games()) as a:
        yield a


@pytest.mark.parametrize(
    ("message", "age"),
    [
        ("a board game my 4 year old can actually play", 4),
        ("board game for a four-year-old", 4),
        ("my son is 4, what board game could he play with his grandma", 4),
    ],
)
def test_a_board_game_for_a_four_year_old_is_none_stated_for_older_kids(
    assistant: Assistant, message: str, age: int
) -> None:
    shown, text, plan, _ = turn(assistant, message)
    assert plan.filters.child_age == age
    assert shown and {p.id for p in shown} <= {"g2", "g3", "g4", "g6"}
    # the ones whose own text says they are for the child's age come first (Lucky Ducks never says kids)
    assert {p.id for p in shown[:3]} == {"g2", "g3", "g6"}
    assert f"for a {age}-year-old" in text


@pytest.mark.parametrize(
    ("message", "age"),
    [
        ("whats a good building set for a 6 year old", 6),
        ("what's a good puzzle for my three-year-old", 3),
        ("a scooter for my seven year old", 7),
    ],
)
def test_a_childs_age_said_in_words_or_figures_and_whats_is_a_filler(
    message: str, age: int, demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    plan = plan_known(message, demo_vocabulary, demo_schema, demo_titles)
    assert "whats" not in plan.query.split()
    assert [b.lte for k, b in plan.filters.attribute_ranges.items() if k.startswith("age")] == [age]

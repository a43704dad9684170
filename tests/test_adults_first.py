"""An ask that names no child is a grown-up's (the late-cl cases): "headphones for long flights", "i get
cold easily, need a warm jacket for the rain" show what is made for adults first and a kids' product
(by its title, a level of its category, or the ages its text states) after it; a child named, or a
kids' filter kept, leaves the order as the search made it."""

from __future__ import annotations

import pytest

from assistant.plan.semantics import excluded_for_use, for_a_child
from retrieval.catalog import Product
from retrieval.filters import Filters
from retrieval.search import Searcher


def _p(pid: str, title: str, category: list[str], bullets: list[str] | None = None) -> Product:
    return Product(id=pid, title=title, category=category, bullet_points=bullets or [])


_JACKETS = [
    _p("kid", "Little Meadow Puddle Jumper Kids Rain Jacket", ["Apparel", "Rain Jackets"]),
    _p("adult1", "Northfold Downpour Rain Jacket", ["Apparel", "Rain Jackets"]),
    _p("aged", "Splash Rain Poncho", ["Apparel", "Rain Jackets"], ["For ages 3 to 7"]),
    _p("filed", "Pipsqueak KidSafe Headphones", ["Audio", "Headphones", "Kids Headphones"]),
    _p("adult2", "Driftwood Packaway Rain Jacket", ["Apparel", "Rain Jackets"]),
]


def test_kids_products_follow_the_grown_ups_in_the_order_they_had() -> None:
    ordered = Searcher.adults_first(_JACKETS, excluded_for_use())
    assert [p.id for p in ordered] == ["adult1", "adult2", "kid", "aged", "filed"]


def test_a_list_of_kids_products_only_is_left_as_it_was() -> None:
    kids = [_JACKETS[0], _JACKETS[2], _JACKETS[3]]
    assert Searcher.adults_first(kids, excluded_for_use()) == kids


@pytest.mark.parametrize(
    ("filters", "message", "child"),
    [
        (Filters(), "i get cold easily, need a warm jacket for the rain", False),
        (Filters(), "headphones for the plane", False),
        (Filters(), "headphones for my son", True),
        (Filters(), "a rain jacket for my 6 year old daughter", True),
        (Filters(child_age=6), "cheaper?", True),
        (Filters(text_words=["kids"]), "in blue?", True),
        (Filters(categories=["kids headphones"]), "wireless?", True),
        (Filters(attribute_in={"gender": ["kids'"]}), "any in red", True),
    ],
)
def test_an_ask_is_a_childs_by_its_words_or_its_kept_filters(
    filters: Filters, message: str, child: bool
) -> None:
    assert for_a_child(filters, message) is child


_STICKS = [
    _p("kidsticks", "Tripworthy Roasting Sticks (Kid Friendly)", ["Grilling", "Barbecue Skewers"]),
    _p("fork1", "Mluchee Roasting Sticks", ["Grilling", "Barbecue Forks"]),
    _p("fork2", "MalloMe Roasting Sticks", ["Grilling", "Barbecue Forks"]),
    _p("starter", "Fatwood Kindling Sticks", ["Camping", "Fire Starters"]),
    _p("skewer", "Bamboo Barbecue Skewers", ["Grilling", "Barbecue Skewers"]),
]


def test_a_grown_ups_product_past_the_window_is_pulled_up_only_if_of_a_kind_shown_in_it() -> None:
    """The kids' roasting sticks give way to the grown-ups' skewers (a kind the first three show),
    not to the kindling sticks ranked after them, of a kind none of the first three is."""
    ordered = Searcher.adults_first(_STICKS, excluded_for_use(), window=3)
    assert [p.id for p in ordered] == ["fork1", "fork2", "skewer", "kidsticks", "starter"]


def test_without_a_window_every_grown_ups_product_leads() -> None:
    ordered = Searcher.adults_first(_STICKS, excluded_for_use())
    assert [p.id for p in ordered] == ["fork1", "fork2", "starter", "skewer", "kidsticks"]

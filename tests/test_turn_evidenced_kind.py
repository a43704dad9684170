"""Asks the store sells are not declined by a check that misreads them (the late-bw cases): a kind the
products nearest the whole ask are filed under, read in place of one guessed from a side word ("my
short game": Shorts), is no guess to check again; a follow-up whose product phrase is only a colour
("any of those in pink? she'll only wear pink lol") asks that colour of what was shown; a room the
asked kind is filed under ("an espresso machine for our kitchen": Kitchen & Dining) is where it goes,
not a product it must fit."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.turn import Assistant
from retrieval.catalog import Product
from tests.turn_support import small_assistant, turn

_MATS = ["Sports & Outdoors", "Golf", "Putting Mats"]
_SHORTS = ["Clothing", "Men", "Shorts"]
_SNORKEL = ["Sports & Outdoors", "Water Sports", "Snorkeling Packages"]
_ESPRESSO = ["Home & Kitchen", "Kitchen & Dining", "Espresso Machines"]
_PLAY = ["Toys & Games", "Pretend Play", "Play Kitchens"]
_AQUARIUM = ["Pet Supplies", "Fish & Aquatic Pets", "Aquarium Decor"]
_POOL = ["Toys & Games", "Pool Toys", "Pool Floats"]


def _products() -> list[Product]:
    rows = [
        (_MATS, "Golf Putting Green Mat for Office Carpet, Indoor Practice", None),
        (_MATS, "Indoor Putting Mat, Practice Your Putting at the Office", None),
        (_MATS, "Putting Green Carpet Mat with Ball Return, Golf Pong Game", None),
        (_SHORTS, "Men's Athletic Shorts with Pockets", None),
        (_SHORTS, "Men's Cargo Shorts Relaxed Fit", None),
        (_SNORKEL, "Snorkel Set for Adults, Dry Top Snorkel and Mask to Float and See Fish", "Pink"),
        (_SNORKEL, "Snorkel Mask and Fins Set, See Fish Clearly", "Blue"),
        (_SNORKEL, "Full Face Snorkel Mask to See Fish While You Float", "Pink"),
        (_AQUARIUM, "Floating Fish Aquarium Ornament You Can See", None),
        (_AQUARIUM, "Aquarium Fish Net, See Through Mesh", None),
        (_POOL, "Inflatable Pool Float for Adults, See-Through Window", None),
        (_POOL, "Pool Float Lounger, Watch the Fish Below", None),
        (_ESPRESSO, "Jura E8 Automatic Espresso Machine", None),
        (_ESPRESSO, "Jura ENA 8 Automatic Espresso Machine", None),
        (_ESPRESSO, "Breville Barista Espresso Machine", None),
        (_PLAY, "Wooden Play Kitchen for Kids", None),
        (_PLAY, "Kids Play Kitchen Set with Sounds", None),
        (_PLAY, "Corner Play Kitchen for Toddlers", None),
    ]
    return [
        Product(id=f"p{i}", title=title, category=path, price=20.0 + i, color=color)
        for i, (path, title, color) in enumerate(rows)
    ]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    with small_assistant(
        tmp_path_factory.mktemp("evidenced") / "data",
        _products(),
        kind_evidence_k=3,
        out_of_catalog_similarity=0.42,
        # (the hash embedder's similarity is shared words: "kitchen machine" is near any machine)
        unseen_pair_similarity=0.99,
    ) as a:
        yield a


def test_a_kind_read_from_the_nearest_products_is_not_declined(assistant: Assistant) -> None:
    shown, _, plan, _ = turn(assistant, "i want to practice my short game on the carpet in my office")
    assert plan.intent != "out_of_catalog"
    assert plan.filters.categories == ["putting mats"]
    assert shown and all(p.category[-1] == "Putting Mats" for p in shown)


@pytest.fixture(scope="module")
def unguessing(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    """The catalog's assistant with no kind read from the nearest products: a need told with no kind
    named is searched over the whole catalog."""
    with small_assistant(tmp_path_factory.mktemp("unguessing") / "data", _products()) as a:
        yield a


def test_a_colour_asked_of_what_was_shown_is_no_other_kind(unguessing: Assistant) -> None:
    _, _, first, session = turn(
        unguessing, "we want to drift around and see the fish on the reef, what gear do we need?"
    )
    assert not first.filters.categories
    shown, _, plan, _ = turn(unguessing, "any of those in pink? she'll only wear pink lol", session)
    assert plan.intent != "out_of_catalog"
    assert shown and all(p.color == "Pink" for p in shown)


def test_the_room_a_kind_is_filed_under_is_where_it_goes(assistant: Assistant) -> None:
    shown, _, plan, _ = turn(assistant, "shopping for an espresso machine for our kitchen")
    assert plan.intent != "out_of_catalog"
    assert shown and all(p.category[-1] == "Espresso Machines" for p in shown)

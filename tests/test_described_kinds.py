"""A kind of product only the catalog's descriptions name is sold (the late-ch cases): "do you carry
flat irons?" when the one straightener's description opens "A ceramic flat iron …", "new trainers"
when running shoes are "A versatile neutral daily trainer …"; a kind no text names the same way
("steam irons", "a cross trainer" machine) is still declined, and a category read from one of the
words ("iron": cast-iron kettlebells) gives way to the described one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.plan.described import DescribedKinds
from assistant.turn import Assistant
from retrieval.catalog import Product
from tests.turn_support import MINILM, small_assistant, turn


def _product(pid: str, title: str, category: list[str], description: str) -> Product:
    return Product(id=pid, title=title, category=category, description=description, price=10.0)


KINDS = DescribedKinds.build(
    1,
    [
        _product(
            "s",
            "Glowen Ceramic Pro Hair Straightener",
            ["Personal Care", "Hair Straighteners"],
            "A ceramic flat iron with adjustable temperature for fine to thick hair.",
        ),
        _product(
            "k",
            "Ironleaf Cast Iron Kettlebell, 15 lb",
            ["Sports", "Strength Training"],
            "Solid cast iron with a wide handle.",
        ),
        _product(
            "r",
            "Kinetra Glide 4 Men's Neutral Running Shoe, Blue",
            ["Footwear", "Running Shoes"],
            "A versatile neutral daily trainer with a smooth, bouncy ride.",
        ),
        _product(
            "p",
            "Little Meadow Mountain Lake 1000-Piece Puzzle",
            ["Kids & Toys", "Puzzles"],
            "A family jigsaw with a mountain lake at sunrise.",
        ),
    ],
)


@pytest.mark.parametrize(
    ("kind", "leaf"),
    [
        ("flat irons", "Hair Straighteners"),
        ("ceramic flat iron", "Hair Straighteners"),
        ("jigsaw", "Puzzles"),
        ("jigsaws", "Puzzles"),
        ("family jigsaw", "Puzzles"),
        ("trainers", "Running Shoes"),
        ("running trainers", "Running Shoes"),  # a word of the leaf's titles
    ],
)
def test_a_kind_the_descriptions_name_is_their_leaf(kind: str, leaf: str) -> None:
    assert KINDS.leaf_for(kind) == leaf


@pytest.mark.parametrize("kind", ["steam iron", "waffle irons", "irons", "cross trainer", "kettle", ""])
def test_a_kind_no_description_names_so_is_none(kind: str) -> None:
    assert KINDS.leaf_for(kind) is None


def test_a_category_read_from_a_word_gives_way_only_to_words_no_title_uses_so() -> None:
    assert KINDS.unlike_titles("flat iron", ["strength training"])  # no title says "flat"
    assert KINDS.unlike_titles("trainers", ["strength training"])
    assert not KINDS.unlike_titles("trainers", ["trainers"])  # the category read is that very word
    assert not KINDS.unlike_titles("cast iron", ["strength training"])


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, demo_products: list[Product]) -> Iterator[Assistant]:
    with small_assistant(tmp_path_factory.mktemp("described") / "data", demo_products) as a:
        yield a


@pytest.mark.parametrize(
    ("message", "leaf"),
    [
        ("do you carry flat irons? mine finally died", "Hair Straighteners"),
        ("a flat iron for my hair", "Hair Straighteners"),
        ("new trainers for my morning runs", "Running Shoes"),
        ("a jigsaw for grandpa", "Puzzles"),
    ],
)
def test_the_demo_store_sells_what_its_descriptions_name(demo: Assistant, message: str, leaf: str) -> None:
    shown, _, plan, _ = turn(demo, message)
    assert plan.intent == "search"
    assert shown and all(p.category[-1] == leaf for p in shown)


@pytest.mark.parametrize(
    "message", ["do you sell steam irons?", "do you have waffle irons", "a cross trainer for my garage gym"]
)
def test_what_nothing_names_is_still_declined(demo: Assistant, message: str) -> None:
    shown, _, plan, _ = turn(demo, message)
    assert plan.intent == "out_of_catalog"
    assert shown == []


@pytest.fixture(scope="module")
def meaning(tmp_path_factory: pytest.TempPathFactory, demo_products: list[Product]) -> Iterator[Assistant]:
    """The demo store with real sentence embeddings: a synonym of a leaf's name is read by meaning."""
    with small_assistant(tmp_path_factory.mktemp("described-minilm") / "data", demo_products, **MINILM) as a:
        yield a


@pytest.mark.parametrize(
    ("message", "leaves"),
    [
        ("a jigsaw for my grandpa and a flat iron for my daughter", {"Puzzles", "Hair Straighteners"}),
        ("a flat iron and a hair dryer", {"Hair Straighteners", "Hair Dryers"}),
    ],
)
def test_items_named_only_by_descriptions_are_groups(demo: Assistant, message: str, leaves: set[str]) -> None:
    shown, _, plan, _ = turn(demo, message)
    assert {c for item in plan.items for c in item.categories} == {c.lower() for c in leaves}
    assert {p.category[-1] for p in shown} == leaves


def test_another_word_for_a_leaf_is_that_leaf_but_a_thing_of_a_titled_kind_is_not(meaning: Assistant) -> None:
    shown, _, plan, _ = turn(meaning, "a stuffed animal for my niece, she just turned one")
    assert plan.intent == "search"
    assert shown and all(p.category[-1] == "Plush Toys" for p in shown)
    # near Mattresses in meaning, but "bed" is the dog beds' title word: a bed frame is a thing of its own
    shown, _, plan, _ = turn(meaning, "do you sell bed frames?")
    assert plan.intent == "out_of_catalog"
    assert shown == []


def test_a_kind_said_in_a_categorys_own_name_is_sold(tmp_path_factory: pytest.TempPathFactory) -> None:
    # no plush toy's title says "teddy bear": the leaf's name does (ESCI files plush toys so)
    leaf = ["Toys & Games", "Stuffed Animals & Plush Toys", "Stuffed Animals & Teddy Bears"]
    products = [
        _product("p1", "Squeezamals Plush Toys, Aqua", leaf, "Squishy plush friends."),
        _product("p2", "Cuddly Bunny Plush 12 Inch", leaf, "Soft and huggable."),
        _product("k1", "Chef Knife 8 Inch", ["Kitchen", "Knives"], "Sharp."),
        # titles say "teddy" and "bear", never together
        _product("j1", "Teddy Fleece Jacket", ["Clothing", "Jackets"], "Warm."),
        _product("m1", "Bear Paw Oven Mitt", ["Kitchen", "Oven Mitts"], "Heat proof."),
    ]
    # (products far in meaning from the pair no title says: the hash embedder finds none near)
    with small_assistant(
        tmp_path_factory.mktemp("teddy") / "data", products, unseen_pair_similarity=0.99
    ) as a:
        shown, _, plan, _ = turn(a, "got any teddy bears")
        assert plan.intent == "search"
        assert {p.id for p in shown} == {"p1", "p2"}

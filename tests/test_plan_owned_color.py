"""A color said of something the shopper owns (``possessions.yaml``, ``vocab._owned_colors``): "our
floors are all gray", "my walls are gray", "she's black with white paws". With another color asked in
the same message only the asked one filters; said alone it is a soft preference (ranks, never
filters); beside colors ruled out, or with a likeness ("anything like that", "to match"), it is the
color asked. A color said of the product ("one that is black", "it's gray") is unchanged."""

from __future__ import annotations

import pytest

from assistant.plan import plan_turn
from retrieval.catalog import Product
from retrieval.products import Vocabulary

PRODUCTS = [
    Product(id="b1", title="Calm Dog Bed", brand="Pawsome", category=["Pets", "Dog Beds"], price=39, color="Gray"),
    Product(id="b2", title="Donut Dog Bed", brand="Pawsome", category=["Pets", "Dog Beds"], price=49, color="Beige"),
    Product(id="b3", title="Cooling Dog Bed", brand="Pawsome", category=["Pets", "Dog Beds"], price=59, color="Black"),
    Product(id="s1", title="Boom Speaker", brand="Tideline", category=["Audio", "Speakers"], price=99, color="Red"),
    Product(id="s2", title="Roomfill Speaker", brand="Sonovel", category=["Audio", "Speakers"], price=199, color="White"),
    Product(id="s3", title="Go Speaker", brand="Sonovel", category=["Audio", "Speakers"], price=59, color="Bronze"),
]  # fmt: skip


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return Vocabulary.from_products(PRODUCTS)


@pytest.mark.parametrize(
    ("message", "owned"),
    [
        ("a dog bed for my lab, our floors are all gray", "gray"),
        ("need a dog bed for the bedroom, my walls are gray", "gray"),
        ("a dog bed, his room is painted black", "black"),
        ("a dog bed for the den, the walls in there are beige", "beige"),
        ("a dog bed for my pup, she's mostly black", "black"),
        ("a speaker for the kitchen, our cabinets are red", "red"),
    ],
)
def test_an_owned_color_said_alone_ranks_but_does_not_filter(
    vocab: Vocabulary, message: str, owned: str
) -> None:
    plan = plan_turn(message, [], vocab)
    assert plan.filters.colors == []
    assert [p.lower() for p in plan.preferences if p.lower() == owned] == [owned]


@pytest.mark.parametrize(
    ("message", "asked"),
    [
        ("a white speaker for the kitchen, our cabinets are red", ["white"]),
        ("a speaker in white, our cabinets are red", ["white"]),
        ("a beige dog bed, our floors are gray", ["beige"]),
        ("a dog bed in gray, she's black with white paws", ["gray"]),
    ],
)
def test_with_another_color_asked_only_the_asked_one_filters(
    vocab: Vocabulary, message: str, asked: list[str]
) -> None:
    plan = plan_turn(message, [], vocab)
    assert plan.filters.colors == asked
    assert not {"red", "black", "white", "gray"} - set(asked) & {p.lower() for p in plan.preferences}


def test_a_color_joined_to_an_owned_one_is_owned_too(vocab: Vocabulary) -> None:
    plan = plan_turn("a dog bed for my dog, she's black with white paws", [], vocab)
    assert plan.filters.colors == []
    assert {p.lower() for p in plan.preferences} >= {"black", "white"}


@pytest.mark.parametrize(
    ("message", "colors"),
    [
        # beside colors ruled out, the owned color is the one asked
        ("a speaker, anything but red or bronze? the room is all white", ["white"]),
        # a likeness asks for it
        ("her old bed was beige, is there a dog bed like that", ["beige"]),
        ("a dog bed to match, our floors are gray", ["gray"]),
        # said of the product or the wish, not of a possession
        ("a dog bed that is gray", ["gray"]),
        ("a dog bed, one that's black", ["black"]),
        ("a dog bed, my favorite color is beige", ["beige"]),
        ("do you have dog beds? there are gray ones right", ["gray"]),
        # a question about the color, not a thing's color
        ("for the dog bed, is gray available?", ["gray"]),
        ("the dog bed is beige available", ["beige"]),
    ],
)
def test_an_owned_color_asked_for_or_a_color_of_the_product_filters(
    vocab: Vocabulary, message: str, colors: list[str]
) -> None:
    assert plan_turn(message, [], vocab).filters.colors == colors

"""Raw-catalog phrasings the late-t cases showed, end to end over a small marketplace-like catalog: a
color no product of the kind comes in that its titles say ("that charcoal toothpaste") is a title word,
not a color to loosen; a kind named by a doing and what it is done to (Fire Starters)
is not "to start a podcast", and the question after such a wish is the ask ("u got usb mics?"); a
judging word ("a really comfy bed") names no other kind of product."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.turn import Assistant
from retrieval.catalog import Product
from tests.turn_support import small_assistant, turn

# (category path, brand, title, price, color)
_ROWS: list[tuple[tuple[str, ...], str, str, float, str | None]] = [
    (("Health", "Oral Care", "Toothpaste"), "Glow", "Activated Charcoal Whitening Toothpaste", 9.0, None),
    (("Health", "Oral Care", "Toothpaste"), "Pure", "Charcoal Toothpaste Fluoride Free Mint", 7.0, None),
    (("Health", "Oral Care", "Toothpaste"), "Fresh", "Cavity Protection Toothpaste Mint", 4.0, "White"),
    (("Health", "Oral Care", "Toothpaste"), "Fresh", "Kids Strawberry Toothpaste", 5.0, "Pink"),
    (("Clothing", "Men", "Hoodies"), "Cozy", "Pullover Hoodie", 29.0, "Charcoal"),
    (("Clothing", "Men", "Hoodies"), "Cozy", "Zip Hoodie", 35.0, "Heather Charcoal"),
    (("Home", "Dinnerware", "Bowls", "Bowl Sets"), "Clay", "Ceramic Cereal Bowl Set of 4", 24.0, None),
    (("Pets", "Dogs", "Bowls & Dishes", "Basic Bowls"), "Paw", "Stainless Steel Dog Bowl, Large", 12.0, None),
    (("Pets", "Dogs", "Bowls & Dishes", "Basic Bowls"), "Paw", "Stainless Steel Dog Bowl, Small", 9.0, None),
    (("Pets", "Dogs", "Bowls & Dishes", "Raised Bowls"), "Lift", "Elevated Double Dog Bowl", 29.0, None),
    (("Pets", "Dogs", "Dog Beds"), "Paw", "Orthopedic Memory Foam Dog Bed, Large", 89.0, None),
    (("Pets", "Dogs", "Dog Beds"), "Paw", "Calming Donut Dog Bed", 39.0, None),
    (("Outdoors", "Camping", "Fire Starters"), "Spark", "Waterproof Fire Starter Cubes", 12.0, None),
    (("Outdoors", "Camping", "Fire Starters"), "Spark", "Magnesium Fire Starter Rod", 15.0, None),
    (("Electronics", "Audio", "Microphones"), "Voco", "USB Podcast Microphone Condenser", 59.0, None),
    (("Electronics", "Audio", "Microphones"), "Voco", "USB Mic for Streaming, Cardioid", 39.0, None),
    (("Electronics", "Audio", "Microphones"), "FIFINE", "FIFINE USB Microphone K669", 29.0, None),
]


def _products() -> list[Product]:
    return [
        Product(id=f"p{i}", title=title, brand=brand, price=price, category=list(path), color=color)
        for i, (path, brand, title, price, color) in enumerate(_ROWS)
    ]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    with small_assistant(tmp_path_factory.mktemp("phrasing-t") / "data", _products()) as a:
        yield a


def test_a_color_the_kind_never_comes_in_is_a_title_word(assistant: Assistant) -> None:
    shown, _, plan, _ = turn(assistant, "do u sell charcoal toothpaste? my sister swears by it")
    assert plan.filters.categories == ["toothpaste"]
    assert plan.filters.colors == [] and plan.filters.text_words == ["charcoal"]
    assert not plan.relaxed
    assert {p.title for p in shown} == {
        "Activated Charcoal Whitening Toothpaste",
        "Charcoal Toothpaste Fluoride Free Mint",
    }
    # a color the kind comes in stays a color
    _, _, hoodie, _ = turn(assistant, "a charcoal hoodie")
    assert "charcoal" in hoodie.filters.colors and hoodie.filters.text_words == []


def test_a_doing_names_its_kind_only_when_done_to_what_the_kind_names(assistant: Assistant) -> None:
    shown, _, plan, _ = turn(assistant, "something to start a campfire")
    assert plan.filters.categories == ["fire starters"]
    shown, _, plan, _ = turn(
        assistant, "my bf wants to start a podcast. u got usb mics? anything but fifine, his last one died"
    )
    assert plan.intent == "search" and "fire starters" not in plan.filters.categories
    assert plan.filters.exclude_brands == ["fifine"]
    assert shown and shown[0].title.startswith("USB") and all(p.brand != "FIFINE" for p in shown)


def test_a_judging_word_names_no_other_kind(assistant: Assistant) -> None:
    shown, _, plan, _ = turn(
        assistant, "our lab is 10 now, his hips are stiff.. want a really comfy bed for him"
    )
    assert plan.intent == "search" and plan.filters.categories == ["dog beds"]
    assert shown

"""Follow-ups the late-p cases showed, end to end on a small marketplace-like catalog: "do any of them
come in black?" shows the shown products' black variants and then other black products of that kind
("the black one" only the variant); a sort over a brand ranks every variant before one stands for its
group; "which set has the best reviews?" after container sets is about container sets (not bikini
Sets); a noun some description mentions but no title names a product by ("golf umbrellas") is no kind
the store sells."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.turn import Assistant
from retrieval.catalog import Product
from tests.turn_support import small_assistant, turn

_KETTLES = ("Kitchen", "Small Appliances", "Electric Kettles")
_SETS = ("Kitchen", "Food Containers", "Container Sets")
_ROWS = [
    (_KETTLES, "Acme Glass Electric Kettle 1.7L, Black", "Acme", "Black", 30.0, 4.1, ""),
    (_KETTLES, "Acme Glass Electric Kettle 1.7L, White", "Acme", "White", 45.0, 4.0, ""),
    (_KETTLES, "Zeta Steel Electric Kettle 1.5L, Silver", "Zeta", "Silver", 25.0, 4.3, ""),
    (_KETTLES, "Bolt Travel Electric Kettle, Red", "Bolt", "Red", 19.0, 3.9, ""),
    (_KETTLES, "Crux Gooseneck Electric Kettle, Black", "Crux", "Black", 55.0, 4.6, ""),
    (_SETS, "Deli Food Storage Containers 50 Sets 8oz", "Edi", "Clear", 15.99, 4.8, ""),
    (_SETS, "Plastic Food Storage Containers 48 Sets", "Pantry", "Clear", 18.99, 4.5, ""),
    (_SETS, "Glass Meal Prep Containers 10 Sets", "Prepco", "Clear", 29.99, 4.2, ""),
    (("Clothing", "Swimwear", "Sets"), "Floral Bikini Set Two Piece", "Wavy", "Floral", 21.0, 4.9, ""),
    (("Clothing", "Swimwear", "Sets"), "Striped Tankini Set", "Wavy", "Blue", 24.0, 4.7, ""),
    (
        ("Sports", "Golf"),
        "Men's Spikeless Golf Shoe",
        "Strider",
        "Black",
        89.0,
        4.4,
        "Keeps feet dry when you forget your umbrella on the course.",
    ),
    (
        ("Sports", "Golf"),
        "Men's Quick-Dry Golf Polo",
        "Strider",
        "Navy",
        29.0,
        4.2,
        "Packs next to an umbrella.",
    ),
]


def _products() -> list[Product]:
    return [
        Product(
            id=f"p{i}",
            title=title,
            brand=brand,
            color=color,
            price=price,
            rating=rating,
            rating_count=100,
            category=list(path),
            description=description,
        )
        for i, (path, title, brand, color, price, rating, description) in enumerate(_ROWS)
    ]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    with small_assistant(tmp_path_factory.mktemp("followups-p") / "data", _products()) as a:
        yield a


def _turn(assistant: Assistant, message: str, session: str | None = None) -> tuple[list, object, str]:
    shown, _, plan, sid = turn(assistant, message, session)
    return shown, plan, sid


def test_any_of_them_in_black_shows_their_variants_then_other_black_ones(assistant: Assistant) -> None:
    shown, _, sid = _turn(assistant, "electric kettles under 50")
    assert shown and all("Electric Kettles" in p.category for p in shown)
    assert not any("Crux" in p.title for p in shown)
    black, _, _ = _turn(
        assistant, "do any of them come in black? forget the budget, our toaster is black", sid
    )
    titles = [p.title for p in black]
    assert all(p.color == "Black" for p in black)
    assert any("Acme" in t for t in titles) and any("Crux" in t for t in titles)
    _, _, sid = _turn(assistant, "electric kettles")
    one, _, _ = _turn(assistant, "show me the black one", sid)
    assert one and all(p.color == "Black" for p in one)


def test_a_sort_ranks_every_variant_before_one_stands_for_its_group(assistant: Assistant) -> None:
    shown, plan, _ = _turn(assistant, "what's the most expensive acme kettle")
    assert plan.sort is not None and shown
    assert shown[0].price == 45.0  # the white variant, not the black one the text ranked first


def test_a_follow_up_by_the_head_noun_of_the_kind_shown(assistant: Assistant) -> None:
    _, _, sid = _turn(assistant, "i meal prep every sunday, need a big set of food containers")
    best, plan, _ = _turn(assistant, "which set has the best reviews out of everything you've got", sid)
    assert plan.intent != "out_of_catalog"
    assert best and all("Container Sets" in p.category for p in best)
    assert best[0].rating == 4.8


def test_a_noun_no_title_names_a_product_by_is_no_kind_sold(assistant: Assistant) -> None:
    shown, plan, _ = _turn(assistant, "my dad golfs in any weather, do you sell golf umbrellas")
    assert plan.intent == "out_of_catalog" and not shown
    shown, plan, _ = _turn(assistant, "do you sell golf shoes")
    assert plan.intent != "out_of_catalog" and shown

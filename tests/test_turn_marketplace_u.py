"""Raw-catalog phrasings the late-u cases showed, end to end over a small marketplace-like catalog:
"anything not made by makita?" where every planer is a Makita shows them and says whose they all are;
"grey" finds a color the feed files as "Gray"; another kind's name right before the kind asked ("a
pencil skirt") is a title word; "which has the strongest reviews" and "whichever is rated best" rank
by rating."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.turn import Assistant
from retrieval.catalog import Product
from retrieval.filters import Filters
from retrieval.relax import EXCLUDED_BRAND_FIELD, search_relaxed
from tests.turn_support import small_assistant, turn

_PLANERS = ("Tools", "Power Tools", "Planers")
_SKIRTS = ("Clothing", "Women", "Skirts")
_PENCILS = ("Office", "Writing", "Pencils")
_ROWS: list[tuple[tuple[str, ...], str, str, float, float, str | None]] = [
    (_PLANERS, "Makita", "Makita KP0810 3-1/4 in. Planer", 189.0, 4.7, None),
    (_PLANERS, "Makita", "Makita XPK01Z 18V Cordless Planer", 137.0, 4.5, None),
    (_PLANERS, "Makita", "Makita KP312 12 in. Planer", 499.0, 4.9, None),
    (_SKIRTS, "Floerns", "Floerns Women's High Waist Pencil Skirt", 22.0, 4.1, "Black"),
    (_SKIRTS, "Springrain", "Springrain Wool Blend Midi Pencil Skirt", 29.0, 4.3, "Gray"),
    (_SKIRTS, "Jessica", "Jessica Denim Long Skirt", 35.0, 4.2, "Blue"),
    (_SKIRTS, "Meyeeka", "Meyeeka Faux Suede A Line Mini Skirt", 25.0, 4.0, "Grey"),
    (_SKIRTS, "Hobo", "Hobo Tiered Maxi Skirt", 31.0, 4.4, "Green"),
    (_PENCILS, "Pentel", "Pentel Mechanical Pencil 0.5mm", 6.0, 4.8, "Black"),
    (_PENCILS, "Kaweco", "Kaweco Brass Pencil 0.7mm", 45.0, 4.6, "Brass"),
]


def _products() -> list[Product]:
    return [
        Product(
            id=f"p{i}", title=title, brand=brand, price=price, rating=rating, category=list(path), color=color
        )
        for i, (path, brand, title, price, rating, color) in enumerate(_ROWS)
    ]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    with small_assistant(tmp_path_factory.mktemp("marketplace-u") / "data", _products()) as a:
        yield a


def test_a_maker_ruled_out_is_given_back_last_and_said() -> None:
    products = _products()

    def run(filters: Filters) -> list[Product]:
        return [
            p
            for p in products
            if p.category[-1] == "Planers" and (p.brand or "").lower() not in filters.exclude_brands
        ]

    found = search_relaxed(Filters(categories=["planers"], exclude_brands=["makita"]), run)
    assert {p.brand for p in found.products} == {"Makita"}
    assert [r.field for r in found.relaxed] == [EXCLUDED_BRAND_FIELD]
    assert found.relaxed[0].closest == "all we have is from Makita"
    assert found.relaxed[0].loosened == Filters(exclude_brands=["makita"])


def test_nothing_but_the_ruled_out_maker_is_shown_and_said(assistant: Assistant) -> None:
    _, _, _, sid = turn(assistant, "got any planers")
    shown, text, plan, _ = turn(assistant, "anything not made by makita?", sid)
    assert [r.field for r in plan.relaxed] == [EXCLUDED_BRAND_FIELD]
    assert shown and {p.brand for p in shown} == {"Makita"}
    assert "all we have is from Makita" in text


def test_grey_finds_gray(assistant: Assistant) -> None:
    _, _, _, sid = turn(assistant, "a skirt for work")
    shown, _, plan, _ = turn(assistant, "do u have it in grey", sid)
    assert {"grey", "gray"} <= set(plan.filters.colors)
    assert {p.color for p in shown} == {"Gray", "Grey"}


def test_another_kinds_name_before_the_kind_is_a_title_word(assistant: Assistant) -> None:
    shown, _, plan, _ = turn(assistant, "i need a pencil skirt for the office")
    assert plan.filters.categories == ["skirts"] and plan.filters.text_words == ["pencil"]
    assert {p.id for p in shown} == {"p3", "p4"}


@pytest.mark.parametrize(
    "message", ["which of these has the strongest reviews", "ugh fine, whichever one is rated best"]
)
def test_review_words_rank_by_rating(assistant: Assistant, message: str) -> None:
    _, _, _, sid = turn(assistant, "show me your planers")
    _, _, plan, _ = turn(assistant, message, sid)
    assert plan.sort is not None and plan.sort.key == "rating" and plan.sort.order == "desc"

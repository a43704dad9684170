"""A word the products' text must say that names the product ("an expedition sleeping bag under
400") is loosened right after the price, not before it (the late-cw cases): the answer then shows the
expedition bag at $649 and says nothing is under $400. It still goes before a size stated in titles
("an electric lunch box that works on 24v": the 24 V is kept, the word given up first)."""

from __future__ import annotations

from retrieval.catalog import Product
from retrieval.filters import Filters, NumericRange, matches
from retrieval.relax import QUANTITY_FIELD, TEXT_FIELD, search_relaxed

_BAGS = [
    Product(id="exp", title="Glacier Expedition Sleeping Bag -20F", category=["Sleeping Bags"], price=649.0),
    Product(id="camp", title="Camp Sleeping Bag 40F", category=["Sleeping Bags"], price=149.0),
    Product(id="box24", title="Lunch Box 24V for Trucks", category=["Lunch Boxes"], price=30.0),
    Product(id="box12", title="Electric Lunch Box 12V", category=["Lunch Boxes"], price=25.0),
]


def _run(filters: Filters) -> list[Product]:
    return [p for p in _BAGS if matches(p, filters)]


def test_the_price_goes_before_a_word_naming_the_product() -> None:
    asked = Filters(categories=["sleeping bags"], text_words=["expedition"], price_max=400.0)
    found = search_relaxed(asked, _run, defining=[TEXT_FIELD])
    assert [r.field for r in found.relaxed] == ["price"]
    assert [p.id for p in found.products] == ["exp"]
    # (read as a detail, the word goes first and another bag is shown as if it were one)
    assert [r.field for r in search_relaxed(asked, _run).relaxed] == [TEXT_FIELD]


def test_a_word_naming_the_product_goes_before_a_size_its_titles_state() -> None:
    asked = Filters(
        categories=["lunch boxes"],
        text_words=["electric"],
        title_quantities={"V": NumericRange(gte=24, lte=24)},
    )
    found = search_relaxed(asked, _run, defining=[TEXT_FIELD])
    assert [r.field for r in found.relaxed] == [TEXT_FIELD]
    assert QUANTITY_FIELD not in [r.field for r in found.relaxed]
    assert [p.id for p in found.products] == ["box24"]

"""A marketplace category that holds only a few matches is topped up with matches filed elsewhere
(``Assistant._retrieve``), but only with the same kind of thing (``Assistant._tops_up``): a title with
the words the ask and the category share, filed in the same part of the store below its department
or titled with every word of the category's name. A "360 wave brush" in Hair Brushes is not topped
up with makeup brush sets that share the word "brush"; a picnic basket filed under Storage is a
picnic basket (tests/test_turn.py covers that one end to end)."""

from __future__ import annotations

from pathlib import Path

from retrieval.catalog import Product
from tests.turn_support import small_assistant

_HAIR = ["Beauty & Personal Care", "Hair Care", "Hair Brushes"]
_PRODUCTS = [
    Product(id="h1", title="Curved Wave Brush for 360 Waves", category=_HAIR),
    Product(id="h2", title="Medium Wave Brush", category=_HAIR),
    Product(id="c1", title="Palm Wave Brush and Pocket Comb Set", category=["Beauty & Personal Care", "Hair Care", "Combs"]),
    Product(id="m1", title="Makeup Brush Set 12 Pcs", category=["Beauty & Personal Care", "Makeup Brushes & Tools", "Brush Sets"]),
    Product(id="m2", title="Hair Brushes Gift Box for Makeup", category=["Beauty & Personal Care", "Makeup Brushes & Tools", "Gift Sets"]),
    Product(id="u1", title="Boar Bristle Wave Brush"),
    Product(id="k1", title="Bottle Brush for Baby Bottles", category=["Baby", "Feeding", "Bottle Brushes"]),
]  # fmt: skip


def test_only_the_same_kind_filed_elsewhere_tops_a_category_up(tmp_path: Path) -> None:
    with small_assistant(tmp_path / "data", _PRODUCTS) as a:
        fits = a._tops_up(["hair brushes"], {"brush"})
        kept = {p.id for p in _PRODUCTS if p.category != _HAIR and fits(p)}
    # Combs sits in Hair Care; the gift box is titled "hair brushes"; an uncategorised wave brush is
    # judged by its title; makeup and bottle brushes share only the word "brush"
    assert kept == {"c1", "m2", "u1"}


def test_the_words_the_ask_and_the_category_share_are_still_required(tmp_path: Path) -> None:
    with small_assistant(tmp_path / "data", _PRODUCTS) as a:
        fits = a._tops_up(["hair brushes"], {"wave", "brush"})
        kept = {p.id for p in _PRODUCTS if p.category != _HAIR and fits(p)}
    assert kept == {"c1", "u1"}

"""A feed's placeholder brand names no maker, and a brandless title may name one (``retrieval.brands``,
``retrieval/data/brands.yaml``): "Unknown"/"Generic" become no brand on every :class:`Product`; ingest
files a brandless product under the catalog brand its title opens with, so the store, the filter
metadata Chroma filters on, the snapshot mask and BM25 agree; "generic" in a message is no brand."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from assistant.plan import plan_turn
from assistant.settings import Settings
from retrieval.brands import TitleBrands, clean_brand
from retrieval.catalog import Product, index_metadata
from retrieval.components import Catalog, open_catalog
from retrieval.embed import HashEmbedder
from retrieval.filters import Filters, matches_metadata, to_where
from retrieval.ingest import ingest_products
from retrieval.products import Vocabulary


@pytest.mark.parametrize(
    ("raw", "brand"),
    [
        ("Unknown", None),
        ("Generic", None),
        ("  generic ", None),
        ("N/A", None),
        ("Unbranded", None),
        ("Brand: CITY CHRISTIAN PUBLISHING", "CITY CHRISTIAN PUBLISHING"),
        ("Kaweco", "Kaweco"),
        ("Genericon", "Genericon"),  # a word that starts like a placeholder is a name
        ("Unknown Pleasures Co", "Unknown Pleasures Co"),
    ],
)
def test_clean_brand(raw: str, brand: str | None) -> None:
    assert clean_brand(raw) == brand
    assert Product(id="p", title="Thing", brand=raw).brand == brand


def test_a_stored_record_with_a_placeholder_reads_as_no_brand() -> None:
    stored = '{"id": "p", "title": "Kaweco Special Pencil", "brand": "Unknown"}'
    assert Product.model_validate_json(stored).brand is None


BRANDS = ["Kaweco"] * 3 + ["BUG-A-SALT"] * 2 + ["Bug-A-Salt"] + ["TORINO PRO WAVE BRUSHES BY BRUSH KING"] * 2
BRANDS += ["Amazon Basics", "Amazon Essentials", "Royal"]  # Royal: one product only


@pytest.mark.parametrize(
    ("title", "brand"),
    [
        ("Kaweco Special Mechanical Pencil 0.7 mm", "Kaweco"),
        ("kaweco special s", "Kaweco"),
        ("BUG-A-SALT 3.0 Clear Em Out", "BUG-A-SALT"),  # the most common spelling
        ("Bug A Salt Passion Assassin", "BUG-A-SALT"),
        ("Torino Pro Soft Curved Palm Wave Brush", "TORINO PRO WAVE BRUSHES BY BRUSH KING"),
        # opening words that start two brands name neither
        ("Amazon Echo Dot", None),
        # a brand only one product carries does not claim titles (it may be a common word)
        ("Royal 14 x 25-Inch Kitchen Towels", None),
        # the brand must open the title, not sit inside it
        ("Mechanical Pencil like the Kaweco Special", None),
        # one opening word of a longer brand is not enough
        ("Torino Lake Photo Print", None),
    ],
)
def test_a_title_names_a_catalog_brand_by_its_opening_words(title: str, brand: str | None) -> None:
    assert TitleBrands(BRANDS).brand_of(title) == brand


def test_no_brands_name_nothing() -> None:
    titles = TitleBrands([])
    assert not titles and titles.brand_of("Kaweco Special") is None


class _Embedder:
    def __init__(self) -> None:
        self._inner = HashEmbedder()
        self.name, self.dim = self._inner.name, self._inner.dim

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._inner.embed_documents(texts)

    def embed_query(self, text: str) -> np.ndarray:
        return self._inner.embed_query(text)


@pytest.fixture
def catalog(hash_settings: Settings):
    with open_catalog(hash_settings, embedder=_Embedder()) as opened:
        yield opened


PENCILS = [
    Product(id="k1", title="Kaweco Sport Mechanical Pencil 0.7", brand="Kaweco", category=["Office", "Mechanical Pencils"]),
    Product(id="k2", title="Kaweco Special Mechanical Pencil 0.5", brand="Kaweco", category=["Office", "Mechanical Pencils"]),
    Product(id="k3", title="Kaweco Special Mechanical Pencil 0.7 mm", brand="Unknown", category=["Office", "Mechanical Pencils"]),
    Product(id="p1", title="Pentel Twist Mechanical Pencil", brand="Pentel", category=["Office", "Mechanical Pencils"]),
    Product(id="g1", title="Generic Mechanical Pencil 10 Pack", brand="Generic", category=["Office", "Mechanical Pencils"]),
]  # fmt: skip


def test_ingest_files_a_placeholder_branded_product_under_its_title_brand(catalog: Catalog) -> None:
    ingest_products(catalog, PENCILS)

    assert catalog.store.get("k3").brand == "Kaweco"
    assert catalog.store.get("g1").brand is None  # "Generic" is no maker, and opens no brand's name
    # Chroma's metadata and the in-memory check agree: excluding Kaweco excludes the Kaweco labelled
    # "Unknown"; asking for Kaweco finds it
    exclude = Filters(exclude_brands=["kaweco"])
    meta = catalog.index.metadata(["k3", "p1", "g1"])
    assert not matches_metadata(meta["k3"], exclude)
    assert matches_metadata(meta["p1"], exclude) and matches_metadata(meta["g1"], exclude)
    hits = catalog.index.query(catalog.embedder.embed_query("pencil"), k=10, where=to_where(exclude))
    assert {pid for pid, _ in hits} == {"p1", "g1"}
    found = catalog.index.query(
        catalog.embedder.embed_query("pencil"), k=10, where=to_where(Filters(brands=["kaweco"]))
    )
    assert {pid for pid, _ in found} == {"k1", "k2", "k3"}
    assert index_metadata(catalog.store.get("k3"))["brand"] == "kaweco"


def test_a_product_upserted_alone_is_read_against_the_stored_brands(catalog: Catalog) -> None:
    ingest_products(catalog, PENCILS[:2])
    ingest_products(catalog, [PENCILS[2]])

    assert catalog.store.get("k3").brand == "Kaweco"


def test_reingest_of_the_same_feed_changes_nothing(catalog: Catalog) -> None:
    ingest_products(catalog, PENCILS)
    again = ingest_products(catalog, PENCILS)

    assert (again.added, again.updated, again.unchanged) == (0, 0, len(PENCILS))


@pytest.mark.parametrize(
    "message",
    [
        "just a plain generic mechanical pencil",
        "a generic pencil is fine, nothing fancy",
    ],
)
def test_generic_in_a_message_is_no_brand_filter(message: str) -> None:
    vocab = Vocabulary.from_products(PENCILS)
    plan = plan_turn(message, [], vocab)
    assert plan.filters.brands == [] and plan.filters.exclude_brands == []
    assert "generic" not in vocab.brands

"""Ranking features that need more than the pool: negation-free query matches and category-name similarity."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from retrieval.category_vectors import cached_category_vectors
from retrieval.components import Catalog
from retrieval.embed import HashEmbedder
from retrieval.rank import FusionRanker
from retrieval.search import Searcher, SearchRequest
from retrieval.text import positive_text
from tests.search_support import generated_products, make_catalog


class CountingEmbedder(HashEmbedder):
    def __init__(self, dim: int = 128) -> None:
        super().__init__(dim)
        self.documents: list[str] = []

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        self.documents.extend(texts)
        return super().embed_documents(texts)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("dewalt tool cases without tools", "dewalt tool cases"),
        ("zipper sweaters without hoodie for women", "zipper sweaters for women"),
        ("weighted blanket without glass beads", "weighted blanket"),
        ("silicone not clear", "silicone"),
        ("wireless thermostat without c wire and with wifi", "wireless thermostat and with wifi"),
        ("Red Running Shoes", "Red Running Shoes"),  # no negation: unchanged, not even normalized
    ],
)
def test_positive_text_drops_negated_clauses(text: str, expected: str) -> None:
    assert positive_text(text) == expected


def test_category_vectors_embed_each_name_once_and_persist(tmp_path: Path) -> None:
    embedder = CountingEmbedder()
    first = cached_category_vectors(tmp_path, ["Headphones", "Yoga"], embedder)
    np.testing.assert_allclose(first, embedder.embed_documents(["Headphones", "Yoga"]))
    embedder.documents.clear()

    again = cached_category_vectors(tmp_path, ["Yoga", "Coffee", "Headphones"], CountingEmbedder())
    reader = CountingEmbedder()
    cached = cached_category_vectors(tmp_path, ["Coffee", "Yoga"], reader)

    assert reader.documents == []  # all three names come from the file now
    np.testing.assert_allclose(again[0], first[1])
    np.testing.assert_allclose(cached, again[[1, 0]])


def test_a_damaged_or_foreign_cache_is_rebuilt(tmp_path: Path) -> None:
    cached_category_vectors(tmp_path, ["Yoga"], HashEmbedder(128))
    other = CountingEmbedder(dim=64)  # another dimension: its own file, never the 128-d vectors
    assert cached_category_vectors(tmp_path, ["Yoga"], other).shape == (1, 64)
    assert other.documents == ["Yoga"]

    for path in tmp_path.iterdir():
        path.write_bytes(b"not an npz file")
    embedder = CountingEmbedder()
    vectors = cached_category_vectors(tmp_path, ["Yoga"], embedder)
    assert embedder.documents == ["Yoga"]
    np.testing.assert_allclose(vectors[0], HashEmbedder(128).embed_query("Yoga"))


@pytest.fixture
def counting_catalog(tmp_path: Path) -> Catalog:
    embedder = CountingEmbedder()
    with make_catalog(tmp_path, generated_products(), embedder=embedder) as opened:
        yield opened


def _features(searcher: Searcher, query: str) -> dict[str, dict[str, float]]:
    result = searcher.search(SearchRequest(query=query, k=200, mode="hybrid+ranker", include_features=True))
    return {c.product_id: c.features for c in result.candidates if c.features is not None}


def test_leaf_sim_compares_the_query_with_the_leaf_category_name(counting_catalog: Catalog) -> None:
    embedder = counting_catalog.embedder
    assert isinstance(embedder, CountingEmbedder)
    embedder.documents.clear()
    searcher = Searcher(counting_catalog, ranker=FusionRanker())

    rows = _features(searcher, "coffee grinder")

    assert embedder.documents == []  # ingest already embedded the category names
    query = embedder.embed_query("coffee grinder")
    assert any(row["leaf_sim"] > 0 for row in rows.values())
    for pid, row in rows.items():
        category = counting_catalog.store.get(pid).category
        expected = float(embedder.embed_query(category[-1]) @ query) if category else 0.0  # none: zeros
        assert row["leaf_sim"] == pytest.approx(expected, abs=1e-5)
    best = max(row["leaf_sim"] for row in rows.values())
    assert all(
        row["leaf_sim_gap"] == pytest.approx(best - row["leaf_sim"], abs=1e-5) for row in rows.values()
    )


def test_positive_features_ignore_the_negated_words(counting_catalog: Catalog) -> None:
    searcher = Searcher(counting_catalog, ranker=FusionRanker())
    embedder = counting_catalog.embedder

    plain = _features(searcher, "coffee grinder")
    for row in plain.values():  # without a negation, the pos_* features repeat the plain ones
        assert row["pos_dense_sim"] == row["dense_sim"]
        assert row["pos_title_cover"] == row["title_cover"]

    negated = _features(searcher, "coffee grinder without acme")
    wanted = embedder.embed_query("coffee grinder")
    other = next(
        pid
        for pid in negated
        if "coffee grinder" in _title(counting_catalog, pid) and "Acme" not in _title(counting_catalog, pid)
    )
    row = negated[other]
    assert row["title_cover"] == pytest.approx(2 / 3)  # "acme" counts as a query word it misses
    assert row["pos_title_cover"] == 1.0  # it has every word the shopper wants
    assert row["negated_in_title"] == 0.0
    vector = searcher.snapshot().vectors[searcher.snapshot().position[other]]
    assert row["pos_dense_sim"] == pytest.approx(float(vector @ wanted), abs=1e-5)
    assert row["pos_dense_sim"] != pytest.approx(row["dense_sim"], abs=1e-6)


def _title(catalog: Catalog, pid: str) -> str:
    product = catalog.store.get(pid)
    assert product is not None
    return product.title


def test_the_word_before_free_is_excluded() -> None:
    from retrieval.text import negated_terms

    assert negated_terms("fluoride-free toothpaste") == negated_terms("toothpaste without fluoride")
    assert negated_terms("free shipping") == [] and negated_terms("sugar free gum") == negated_terms(
        "no sugar gum"
    )


def test_the_snapshot_keeps_one_leaf_vector_per_category_not_per_product(counting_catalog: Catalog) -> None:
    snap = Searcher(counting_catalog, ranker=FusionRanker()).snapshot()
    leaves = [p.category[-1] if p.category else "" for p in snap.products]
    named = sorted({leaf for leaf in leaves if leaf})

    # one row per leaf name plus the zeros of "no category" (at 1M products: KBs, not 1.5 GB)
    assert snap._leaf_table.shape == (len(named) + 1, snap.vectors.shape[1])
    rows = snap.leaf_vectors_at(np.arange(len(snap)))
    embedder = counting_catalog.embedder
    for leaf, row in zip(leaves, rows, strict=True):
        expected = embedder.embed_query(leaf) if leaf else np.zeros_like(row)
        np.testing.assert_allclose(row, expected, atol=1e-6)


def test_title_bigram_cover_counts_the_query_word_pairs_a_title_has(counting_catalog: Catalog) -> None:
    from retrieval.text import analyze

    searcher = Searcher(counting_catalog, ranker=FusionRanker())
    rows = _features(searcher, "coffee grinder")

    assert rows and any(row["title_bigram_cover"] == 1.0 for row in rows.values())
    for pid, row in rows.items():
        title = analyze(counting_catalog.store.get(pid).title)
        expected = 1.0 if ("coffe", "grinder") in set(itertools.pairwise(title)) else 0.0
        assert row["title_bigram_cover"] == expected
    assert all(row["title_bigram_cover"] == -1.0 for row in _features(searcher, "grinder").values())

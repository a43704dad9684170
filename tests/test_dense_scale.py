"""Filtered dense retrieval at scale: the selectivity chooser, the IVF index (recall vs exact, filters and
exclusions inside the search) and synthetic catalogs served through the real release → searcher path."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from assistant.settings import Settings
from eval.synthetic_catalog import (
    GenSummary,
    SyntheticEmbedder,
    add_bm25,
    generate_catalog,
    generate_products,
    synthetic_queries,
)
from retrieval.ann import ANN_FILE, AnnIndex, nlist_for, nprobe_for
from retrieval.catalog import Product, lexical_text, norm
from retrieval.components import open_catalog
from retrieval.dense import DensePolicy, choose, dense_search, exact_search
from retrieval.filters import Filters, matches
from retrieval.lexical import LexicalIndex
from retrieval.search import Searcher, SearchRequest
from retrieval.snapshot import CatalogSnapshot


def _clustered(n: int = 6000, dim: int = 32, clusters: int = 40, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centers = rng.standard_normal((clusters, dim))
    data = centers[rng.integers(clusters, size=n)] + 0.6 * rng.standard_normal((n, dim))
    return (data / np.linalg.norm(data, axis=1, keepdims=True)).astype(np.float32)


@pytest.fixture(scope="module")
def vectors() -> np.ndarray:
    return _clustered()


@pytest.fixture(scope="module")
def ann(vectors: np.ndarray) -> AnnIndex:
    return AnnIndex.build(vectors, nlist=64)


def _recall(found: np.ndarray, truth: np.ndarray, k: int = 100) -> float:
    return len(set(found[:k].tolist()) & set(truth[:k].tolist())) / min(k, len(truth))


def test_chooser_scores_small_allowed_sets_exactly_and_large_ones_by_the_index(ann: AnnIndex) -> None:
    policy = DensePolicy(exact_max=1000)
    assert choose(1000, ann, policy) == "exact"
    assert choose(1001, ann, policy) == "ann"
    assert choose(10**6, None, policy) == "exact"  # no index: always exact
    assert choose(10**6, ann, DensePolicy(mode="exact")) == "exact"


def test_a_selective_filter_probes_more_lists() -> None:
    assert nprobe_for(32, 1.0, 4096) == 32
    assert nprobe_for(32, 0.1, 4096) == 320
    assert nprobe_for(32, 0.001, 4096) == 4096
    assert nprobe_for(32, 0.0, 4096) == 4096
    assert nlist_for(1_000_000) == 4096
    assert nlist_for(1000) * 39 <= 1000


@pytest.mark.parametrize("fraction", [1.0, 0.5, 0.05])
def test_ivf_recall_against_exact_under_filters(vectors: np.ndarray, ann: AnnIndex, fraction: float) -> None:
    rng = np.random.default_rng(7)
    policy = DensePolicy(exact_max=0, nprobe=8)
    recalls = []
    for _ in range(20):
        allowed = rng.random(len(vectors)) < fraction
        query = vectors[int(rng.integers(len(vectors)))] + 0.1 * rng.standard_normal(vectors.shape[1])
        query = (query / np.linalg.norm(query)).astype(np.float32)
        truth, _ = exact_search(vectors, query, allowed, 100)
        found, sims, method = dense_search(vectors, query, allowed, 100, ann, policy)
        assert method == "ann"
        assert allowed[found].all(), "a product outside the allowed set came back"
        assert len(found) == 100 and np.all(np.diff(sims) <= 1e-6)
        recalls.append(_recall(found, truth))
    assert np.mean(recalls) >= 0.95


def test_excluded_positions_never_come_back(vectors: np.ndarray, ann: AnnIndex) -> None:
    query = vectors[0]
    allowed = np.ones(len(vectors), dtype=bool)
    first, _, _ = dense_search(vectors, query, allowed, 50, ann, DensePolicy(exact_max=0))
    allowed[first[:10]] = False
    again, _, method = dense_search(vectors, query, allowed, 50, ann, DensePolicy(exact_max=0))
    assert method == "ann"
    assert not set(first[:10].tolist()) & set(again.tolist())
    assert set(first[10:].tolist()) <= set(again.tolist())


def test_too_few_allowed_in_probed_lists_falls_back_to_exact(vectors: np.ndarray, ann: AnnIndex) -> None:
    allowed = np.zeros(len(vectors), dtype=bool)
    allowed[::500] = True  # 12 products, scattered: exact answers whatever the index probes
    found, _, _ = dense_search(vectors, vectors[1], allowed, 12, ann, DensePolicy(exact_max=0, nprobe=1))
    truth, _ = exact_search(vectors, vectors[1], allowed, 12)
    assert sorted(found.tolist()) == sorted(truth.tolist())


def test_ann_index_round_trips(tmp_path: Path, vectors: np.ndarray, ann: AnnIndex) -> None:
    ann.save(tmp_path / ANN_FILE)
    for mmap in (True, False):
        loaded = AnnIndex.load(tmp_path / ANN_FILE, mmap=mmap)
        assert loaded.size == len(vectors) and loaded.nlist == ann.nlist
        a, _ = ann.search(vectors[3], 10)
        b, _ = loaded.search(vectors[3], 10, np.arange(len(vectors)) % 2 == 0)
        c, _ = ann.search(vectors[3], 10, np.arange(len(vectors)) % 2 == 0)
        assert a.tolist() == loaded.search(vectors[3], 10)[0].tolist() and b.tolist() == c.tolist()


def _esci_like(path: Path) -> Path:
    """A tiny ESCI-shaped products file (three categories)."""
    rows = []
    kinds = [
        (["Electronics", "Audio", "Headphones"], "wireless over ear headphones with noise cancelling"),
        (["Home & Kitchen", "Kitchen & Dining", "Coffee"], "burr coffee grinder with timer stainless"),
        (["Sports & Outdoors", "Fitness", "Yoga"], "non slip yoga mat extra thick"),
    ]
    for i in range(30):
        category, words = kinds[i % 3]
        rows.append(
            {
                "title": f"Brand{i % 4} {words} {i}",
                "brand": f"Brand{i % 4}",
                "bullet_points": f"Great {words.split()[0]}\nMade to last",
                "description": "" if i % 2 else f"A {words} for everyday use.",
                "color": "Black",
                "category": category,
            }
        )
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def test_synthetic_products_are_valid_and_deterministic(tmp_path: Path) -> None:
    esci = _esci_like(tmp_path / "products.ndjson")
    products = generate_products(300, esci, seed=3)
    again = generate_products(300, esci, seed=3)
    assert [p.model_dump() for p in products] == [p.model_dump() for p in again]
    for product in products:
        type(product).model_validate(product.model_dump())  # construct skipped validation: it must pass
    brands = [p.brand for p in products]
    top = max(brands.count(b) for b in set(brands))
    assert top > 3 * len(brands) / len(set(brands)), "brands should be skewed, not uniform"
    assert all(p.price is not None and p.price > 0 for p in products)


def test_mask_postings_mean_what_matches_means(tmp_path: Path) -> None:
    products = generate_products(400, _esci_like(tmp_path / "products.ndjson"))
    snap = CatalogSnapshot(products, np.zeros((len(products), 4), dtype=np.float32), 1)
    brand = norm(products[0].brand or "")
    for filters in (
        Filters(brands=[brand]),
        Filters(exclude_brands=[brand]),
        Filters(categories=["audio", "yoga"]),
        Filters(colors=["black"], price_max=100),
        Filters(categories=["no such category"]),
    ):
        expected = np.array([matches(p, filters) for p in products])
        assert snap.mask(filters).tolist() == expected.tolist(), filters


def test_a_generated_catalog_is_served_with_its_ivf_index(tmp_path: Path) -> None:
    esci = _esci_like(tmp_path / "products.ndjson")
    data_dir = tmp_path / "data"
    summary = generate_catalog(3000, data_dir, esci, ann_min_products=1000)
    assert summary.ann_built and (data_dir / "releases" / summary.release / ANN_FILE).exists()
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, data_dir=data_dir, chroma_url=None, ranker="rrf", dense_exact_max=0
    )
    embedder = SyntheticEmbedder()
    with open_catalog(settings, embedder=embedder) as catalog:
        searcher = Searcher(catalog)
        snap = searcher.snapshot()
        assert snap.release is not None and snap.release.ann is not None and len(snap) == 3000
        exact = Searcher(
            open_catalog(settings.model_copy(update={"dense_search": "exact"}), embedder=embedder)
        )
        for text, product in synthetic_queries(snap.products, 10):
            filters = Filters(price_max=100, brands=[norm(product.brand or "")])
            excluded = [product.id]
            request = SearchRequest(query=text, filters=filters, exclude_ids=excluded, mode="dense", k=20)
            got = searcher.search(request)
            assert all(matches(c.product, filters) for c in got.candidates)
            assert product.id not in got.ids
            want = exact.search(request)
            assert len(set(got.ids) & set(want.ids)) >= 0.9 * len(want.ids)


def test_bm25_added_to_a_dense_only_catalog_is_the_index_a_full_build_makes(tmp_path: Path) -> None:
    esci = _esci_like(tmp_path / "products.ndjson")
    data_dir = tmp_path / "data"
    summary = generate_catalog(400, data_dir, esci, ann_min_products=10_000, bm25=False)
    (data_dir / "gen.json").write_text(summary.model_dump_json())
    folder = data_dir / "releases" / summary.release
    assert not LexicalIndex.load(folder / "lexical").indexed  # type: ignore[union-attr]

    added = add_bm25(data_dir)

    assert added.bm25_built and added.bm25_added
    assert GenSummary.model_validate_json((data_dir / "gen.json").read_text()) == added
    stored = [Product.model_validate_json(line) for line in (folder / "products.jsonl").open()]
    full = LexicalIndex.build([p.id for p in stored], [lexical_text(p) for p in stored], version=1)
    index = LexicalIndex.load(folder / "lexical", mmap=True)
    assert index is not None and index.indexed and index.ids == full.ids
    assert set(index._retriever.vocab_dict) == set(full._retriever.vocab_dict)  # type: ignore[attr-defined]
    for product in stored[:40]:
        assert index.search(product.title, 50) == full.search(product.title, 50)
    settings = Settings(_env_file=None, data_dir=data_dir, chroma_url=None, ranker="rrf")  # type: ignore[call-arg]
    with open_catalog(settings, embedder=SyntheticEmbedder()) as catalog:
        got = Searcher(catalog).search(SearchRequest(query=stored[0].title, mode="bm25", k=5))
        assert stored[0].id in got.ids


def test_bm25_is_not_added_over_products_in_another_order(tmp_path: Path) -> None:
    esci = _esci_like(tmp_path / "products.ndjson")
    data_dir = tmp_path / "data"
    summary = generate_catalog(50, data_dir, esci, ann_min_products=10_000, bm25=False)
    (data_dir / "gen.json").write_text(summary.model_dump_json())
    products = data_dir / "releases" / summary.release / "products.jsonl"
    lines = products.read_text().splitlines(keepends=True)
    products.write_text("".join(reversed(lines)))

    with pytest.raises(ValueError, match="not the indexed id"):
        add_bm25(data_dir)
    assert not GenSummary.model_validate_json((data_dir / "gen.json").read_text()).bm25_built

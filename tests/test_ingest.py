"""Ingest: content-hash diff, updates, --sync, --strict, repair, and crash-resume under SIGKILL."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest

from assistant.errors import FeedError
from assistant.settings import Settings
from retrieval.catalog import Product, content_hash
from retrieval.components import Catalog, catalog_stats, open_catalog
from retrieval.embed import HashEmbedder
from retrieval.filters import Filters, to_where
from retrieval.ingest import ingest_feed, ingest_products
from retrieval.lexical import LexicalIndex
from retrieval.loaders import RowError

ROOT = Path(__file__).resolve().parents[1]


class CountingEmbedder:
    """The hash embedder, counting every text it is asked to embed."""

    def __init__(self) -> None:
        self._inner = HashEmbedder()
        self.name = self._inner.name
        self.dim = self._inner.dim
        self.texts: list[str] = []

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        self.texts.extend(texts)
        return self._inner.embed_documents(texts)

    def embed_query(self, text: str) -> np.ndarray:
        return self._inner.embed_query(text)


def make_products(n: int, *, start: int = 0) -> list[Product]:
    colors = ["black", "white", "red", "blue"]
    return [
        Product(
            id=f"P{i:05d}",
            title=f"Product {i} {colors[i % 4]} widget model{i}",
            brand=f"Brand{i % 7}",
            color=colors[i % 4],
            category=["Home", f"Kitchen {i % 3}"],
            price=None if i % 5 == 0 else float(10 + i),
            bullet_points=[f"feature {i}", "sturdy"],
        )
        for i in range(start, start + n)
    ]


def assert_consistent(catalog: Catalog, expected_ids: set[str]) -> None:
    """Store, Chroma and BM25 hold exactly ``expected_ids``, each once."""
    assert set(catalog.store.hashes()) == expected_ids
    assert catalog.store.count() == len(expected_ids)
    assert catalog.index.ids() == expected_ids
    assert catalog.index.count() == len(expected_ids)
    lexical = LexicalIndex.load(catalog.settings.lexical_dir)
    assert lexical is not None
    assert lexical.version == catalog.store.version()
    assert sorted(lexical.ids) == sorted(expected_ids)
    stats = catalog_stats(catalog)
    assert stats.chroma_in_sync and stats.bm25_in_sync


@pytest.fixture
def counting() -> CountingEmbedder:
    return CountingEmbedder()


@pytest.fixture
def catalog(hash_settings: Settings, counting: CountingEmbedder):
    with open_catalog(hash_settings, embedder=counting) as opened:
        yield opened


def test_first_ingest_adds_everything_and_indexes_it(catalog: Catalog, counting: CountingEmbedder) -> None:
    products = make_products(40)
    seen: list[tuple[int, int]] = []

    summary = ingest_products(catalog, products, progress=lambda done, total: seen.append((done, total)))

    assert (summary.added, summary.updated, summary.unchanged, summary.deleted) == (40, 0, 0, 0)
    assert summary.embedded == 40
    # the 40 product texts, then the leaf-category names the ranker compares queries with, once each
    assert len(counting.texts) == 43 and counting.texts[40:] == ["Kitchen 0", "Kitchen 1", "Kitchen 2"]
    assert seen[0] == (0, 40) and seen[-1] == (40, 40)
    assert_consistent(catalog, {p.id for p in products})
    # the metadata Chroma filters on is there: a filtered query finds only matching products
    where = to_where(Filters(colors=["red"], price_max=30))
    hits = catalog.index.query(catalog.embedder.embed_query("red widget"), k=10, where=where)
    assert hits
    for pid, _ in hits:
        product = catalog.store.get(pid)
        assert product is not None and product.color == "red"
        assert product.price is not None and product.price <= 30
    assert catalog.lexical().search("model7", k=3)[0][0] == "P00007"


def test_unchanged_reingest_embeds_nothing(catalog: Catalog, counting: CountingEmbedder) -> None:
    products = make_products(30)
    ingest_products(catalog, products)
    version = catalog.store.version()
    counting.texts.clear()

    summary = ingest_products(catalog, products)

    assert summary.embedded == 0 and counting.texts == []
    assert (summary.added, summary.updated, summary.unchanged) == (0, 0, 30)
    assert catalog.store.version() == version  # nothing written
    assert_consistent(catalog, {p.id for p in products})


def test_update_reembeds_only_the_changed_product(catalog: Catalog, counting: CountingEmbedder) -> None:
    products = make_products(30)
    ingest_products(catalog, products)
    counting.texts.clear()
    changed = products[3].model_copy(update={"title": "Completely new kettle", "price": 99.0})
    edited = [changed if p.id == changed.id else p for p in products]

    summary = ingest_products(catalog, edited)

    assert (summary.added, summary.updated, summary.unchanged) == (0, 1, 29)
    assert len(counting.texts) == 1 and counting.texts[0].startswith("Completely new kettle")
    assert catalog.store.get(changed.id) == changed
    assert catalog.index.metadata([changed.id])[changed.id]["hash"] == content_hash(changed)
    assert catalog.index.metadata([changed.id])[changed.id]["price"] == 99.0
    assert catalog.lexical().search("kettle", k=1)[0][0] == changed.id


def test_new_products_are_added_and_absent_ones_kept_without_sync(catalog: Catalog) -> None:
    ingest_products(catalog, make_products(20))

    summary = ingest_products(catalog, make_products(5, start=20))

    assert (summary.added, summary.unchanged, summary.deleted) == (5, 0, 0)
    assert_consistent(catalog, {p.id for p in make_products(25)})


def test_sync_deletes_products_missing_from_the_feed(catalog: Catalog) -> None:
    products = make_products(20)
    ingest_products(catalog, products)

    summary = ingest_products(catalog, products[:15], sync=True)

    assert summary.deleted == 5 and summary.unchanged == 15
    assert_consistent(catalog, {p.id for p in products[:15]})
    assert catalog.lexical().search("model17", k=5) == []


def test_sync_keeps_a_product_whose_row_could_not_be_read(catalog: Catalog) -> None:
    products = make_products(6)
    ingest_products(catalog, products)
    broken = [RowError(file="feed.jsonl", line=6, reason="price: bad", record_id=products[5].id)]

    summary = ingest_products(catalog, products[:4], sync=True, errors=broken)

    assert summary.deleted == 1
    assert_consistent(catalog, {p.id for p in products} - {products[4].id})


def test_sync_refuses_an_empty_feed(catalog: Catalog) -> None:
    ingest_products(catalog, make_products(5))

    with pytest.raises(FeedError, match="delete the whole catalog"):
        ingest_products(catalog, [], sync=True)

    assert catalog.store.count() == 5


def test_strict_with_row_errors_writes_nothing(catalog: Catalog, counting: CountingEmbedder) -> None:
    ingest_products(catalog, make_products(10))
    version = catalog.store.version()
    counting.texts.clear()
    errors = [RowError(file="feed.jsonl", line=7, reason="price is not a number")]

    with pytest.raises(FeedError, match=r"feed\.jsonl:7: price is not a number"):
        ingest_products(catalog, make_products(20, start=10), strict=True, sync=True, errors=errors)

    assert counting.texts == []
    assert catalog.store.version() == version
    assert_consistent(catalog, {p.id for p in make_products(10)})


def test_row_errors_are_reported_and_skipped_without_strict(catalog: Catalog) -> None:
    errors = [RowError(file="feed.jsonl", line=3, reason="title is missing")]

    summary = ingest_products(catalog, make_products(4), errors=errors)

    assert summary.skipped == 1 and summary.errors == errors and summary.added == 4


def test_repeated_ids_in_a_feed_keep_the_last_row(catalog: Catalog) -> None:
    first, second = make_products(1)[0], make_products(1)[0].model_copy(update={"title": "Second title"})

    summary = ingest_products(catalog, [first, second])

    assert summary.added == 1
    assert catalog.store.get(first.id) == second


def test_repair_after_the_chroma_dir_is_deleted(hash_settings: Settings) -> None:
    products = make_products(25)
    with open_catalog(hash_settings, embedder=CountingEmbedder()) as catalog:
        ingest_products(catalog, products)
    _forget_chroma_clients()
    shutil.rmtree(hash_settings.chroma_dir)

    counting = CountingEmbedder()
    with open_catalog(hash_settings, embedder=counting) as catalog:
        assert catalog.index.count() == 0
        summary = ingest_products(catalog, products[:10])  # the feed lists only some of them

        assert summary.unchanged == 0 and summary.added == 0
        assert sorted(summary.repaired) == sorted(p.id for p in products)
        assert len(counting.texts) == 25
        assert_consistent(catalog, {p.id for p in products})


def test_ids_only_chroma_holds_are_removed(catalog: Catalog) -> None:
    """A crash after Chroma's upsert but before the store's commit leaves ids only Chroma has."""
    products = make_products(10)
    ingest_products(catalog, products)
    ghost = make_products(1, start=500)[0]
    catalog.index.upsert([ghost.id], catalog.embedder.embed_documents([ghost.title]), [{"hash": "x"}])

    ingest_products(catalog, products)

    assert_consistent(catalog, {p.id for p in products})


def _forget_chroma_clients() -> None:
    """Chroma caches one system per path in a process; a deleted folder needs a fresh one."""
    from chromadb.api.client import SharedSystemClient

    SharedSystemClient.clear_system_cache()


# --- feeds through the loaders ---------------------------------------------------------------------


def write_jsonl(path: Path, products: Sequence[Product], *, bad_lines: Sequence[str] = ()) -> Path:
    lines = [p.model_dump_json() for p in products]
    lines.extend(bad_lines)
    path.write_text("\n".join(lines) + "\n")
    return path


def test_ingest_feed_jsonl_reports_bad_rows(catalog: Catalog, tmp_path: Path) -> None:
    feed = write_jsonl(tmp_path / "feed.jsonl", make_products(12), bad_lines=['{"id": "X1", "price": -3}'])

    summary = ingest_feed(catalog, feed)

    assert summary.added == 12 and summary.skipped == 1
    assert summary.errors[0].line == 13 and summary.errors[0].file.endswith("feed.jsonl")
    with pytest.raises(FeedError, match=r"feed\.jsonl:13"):
        ingest_feed(catalog, feed, strict=True)


# --- crash-resume: a real subprocess killed with SIGKILL mid-ingest -----------------------------


def _ingest_cmd(feed: Path) -> list[str]:
    return [sys.executable, "-m", "assistant.cli", "ingest", str(feed), "--format", "jsonl"]


def _stored(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM products").fetchone()[0])
    except sqlite3.OperationalError:  # schema not created yet, or locked for a moment
        return 0


def test_kill_9_mid_ingest_then_rerun_ends_exact(hash_settings: Settings, tmp_path: Path) -> None:
    total = 3000
    products = make_products(total)
    feed = write_jsonl(tmp_path / "big.jsonl", products)
    env = {
        **os.environ,
        "AISLE_DATA_DIR": str(hash_settings.data_dir),
        "AISLE_EMBEDDER": "hash",
        "AISLE_INGEST_BATCH_SIZE": "10",
        "ANONYMIZED_TELEMETRY": "False",
    }
    env.pop("AISLE_CHROMA_URL", None)

    proc = subprocess.Popen(
        _ingest_cmd(feed), cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and proc.poll() is None:
        if _stored(hash_settings.catalog_db) >= 200:
            proc.send_signal(signal.SIGKILL)
            break
        time.sleep(0.02)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL, f"ingest ended before the kill: {proc.stderr.read()!r}"
    assert 0 < _stored(hash_settings.catalog_db) < total, "killed too late to test a resume"

    rerun = subprocess.run(_ingest_cmd(feed), cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert rerun.returncode == 0, rerun.stderr

    with open_catalog(hash_settings) as catalog:
        assert_consistent(catalog, {p.id for p in products})
        hashes = {pid: meta["hash"] for pid, meta in catalog.index.metadata([p.id for p in products]).items()}
        assert hashes == {p.id: content_hash(p) for p in products}


def test_a_lexical_index_of_an_older_text_schema_is_rebuilt_without_embedding(
    hash_settings: Settings, counting: CountingEmbedder
) -> None:
    from retrieval.lexical import LEXICAL_SCHEMA, load_or_build

    products = [
        p.model_copy(update={"description": "handmade from reclaimed zebrawood"}) if p.id == "P00003" else p
        for p in make_products(12)
    ]
    with open_catalog(hash_settings, embedder=counting) as catalog:
        ingest_products(catalog, products)
        embedded = len(counting.texts)
        # the description is indexed lexically
        assert catalog.lexical().search("zebrawood", k=3)[0][0] == "P00003"
        manifest = hash_settings.lexical_dir / "aisle.json"
        info = json.loads(manifest.read_text())
        assert info["schema"] == LEXICAL_SCHEMA
        # an index saved before the schema was recorded (schema 1) is stale: rebuilt, nothing re-embedded
        del info["schema"]
        manifest.write_text(json.dumps(info))
        stale = LexicalIndex.load(hash_settings.lexical_dir)
        assert stale is not None and stale.schema == 1
        rebuilt = load_or_build(catalog.store, hash_settings.lexical_dir)
        assert rebuilt.schema == LEXICAL_SCHEMA
        assert json.loads(manifest.read_text())["schema"] == LEXICAL_SCHEMA
        assert len(counting.texts) == embedded

"""The product store: the source of truth for product records and their content hashes (SQLite).

Chroma holds vectors and filter metadata; BM25 holds its own index; both are rebuilt from this
store. Every write is one SQLite transaction, so a crash leaves either the old or the new batch.
``version`` grows with every committed change and tells derived indexes when they are stale.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from retrieval.catalog import Product, norm

__all__ = ["ProductStore", "Vocabulary"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS products (
    id TEXT PRIMARY KEY,
    hash TEXT NOT NULL,
    data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS meta (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT OR IGNORE INTO meta(key, value) VALUES ('version', '0');
"""


@dataclass(frozen=True)
class Vocabulary:
    """The catalog's own words for filter values, normalized (see :func:`retrieval.catalog.norm`).

    Maps each normalized value to its display form and the number of products carrying it.
    """

    brands: dict[str, str] = field(default_factory=dict)
    colors: dict[str, str] = field(default_factory=dict)
    categories: dict[str, str] = field(default_factory=dict)
    attributes: dict[str, dict[str, str]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)

    @classmethod
    def from_products(cls, products: Iterable[Product]) -> Vocabulary:
        brands: dict[str, str] = {}
        colors: dict[str, str] = {}
        categories: dict[str, str] = {}
        attributes: dict[str, dict[str, str]] = {}
        counts: dict[str, int] = {}

        def add(table: dict[str, str], kind: str, value: str | None) -> None:
            if value and norm(value):
                table.setdefault(norm(value), value)
                key = f"{kind}:{norm(value)}"
                counts[key] = counts.get(key, 0) + 1

        for p in products:
            add(brands, "brand", p.brand)
            add(colors, "color", p.color)
            for level in p.category:
                add(categories, "category", level)
            for key, value in p.attributes.items():
                add(attributes.setdefault(norm(key), {}), f"attr:{norm(key)}", value)
        return cls(brands, colors, categories, attributes, counts)


class ProductStore:
    """SQLite-backed product records keyed by id, with content hashes."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # reads ------------------------------------------------------------------------------------
    def count(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM products").fetchone()[0])

    def version(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT value FROM meta WHERE key='version'").fetchone()[0])

    def hashes(self) -> dict[str, str]:
        with self._lock:
            return dict(self._conn.execute("SELECT id, hash FROM products").fetchall())

    def get(self, product_id: str) -> Product | None:
        with self._lock:
            row = self._conn.execute("SELECT data FROM products WHERE id=?", (product_id,)).fetchone()
        return Product.model_validate_json(row[0]) if row else None

    def get_many(self, ids: Iterable[str]) -> dict[str, Product]:
        wanted = list(dict.fromkeys(ids))
        found: dict[str, Product] = {}
        with self._lock:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ",".join("?" * len(chunk))
                rows = self._conn.execute(f"SELECT id, data FROM products WHERE id IN ({marks})", chunk)
                for pid, data in rows.fetchall():
                    found[pid] = Product.model_validate_json(data)
        return found

    def all(self) -> Iterator[Product]:
        """Every product, ordered by id (a stable order for derived indexes)."""
        with self._lock:
            rows = self._conn.execute("SELECT data FROM products ORDER BY id").fetchall()
        for (data,) in rows:
            yield Product.model_validate_json(data)

    def brands(self) -> dict[str, str]:
        """Each product's brand as stored (id → brand), read without validating whole records."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT id, json_extract(data, '$.brand') FROM products"
                " WHERE json_extract(data, '$.brand') IS NOT NULL"
            ).fetchall()
        return {pid: str(brand) for pid, brand in rows}

    def vocabulary(self) -> Vocabulary:
        return Vocabulary.from_products(self.all())

    def get_meta(self, key: str) -> str | None:
        with self._lock:
            row = self._conn.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return row[0] if row else None

    # writes: one transaction each ---------------------------------------------------------------
    def set_meta(self, key: str, value: str) -> None:
        with self._lock:
            self._conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES (?, ?)", (key, value))

    def upsert(self, items: Iterable[tuple[Product, str]]) -> int:
        """Write ``(product, content_hash)`` pairs in one transaction; returns how many."""
        rows = [(p.id, h, p.model_dump_json()) for p, h in items]
        if not rows:
            return 0
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                self._conn.executemany(
                    "INSERT OR REPLACE INTO products(id, hash, data) VALUES (?, ?, ?)", rows
                )
                self._bump_version()
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
        return len(rows)

    def delete(self, ids: Iterable[str]) -> int:
        gone = list(dict.fromkeys(ids))
        if not gone:
            return 0
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                self._conn.executemany("DELETE FROM products WHERE id=?", [(i,) for i in gone])
                self._bump_version()
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
        return len(gone)

    def _bump_version(self) -> None:
        self._conn.execute("UPDATE meta SET value = CAST(value AS INTEGER) + 1 WHERE key='version'")

"""Catalog releases: immutable, numbered copies of the catalog that every reader serves from.

A writer (``aisle ingest``, the admin upsert) holds :func:`writer_lock`, commits to the product store and
the vector index, then :func:`publish` es a release: the products, their vectors and the BM25 index of one
store version, written to ``<data dir>/releases/v<version>/`` through a temporary folder and a rename, and
named in ``releases/CURRENT`` by an atomic replace. Readers (API workers, the UI, the CLI) only ever
:func:`load` a published release, so a reader never sees half an ingest, and never reads the embedded
Chroma files another process is writing (an embedded Chroma client's in-memory index goes stale when
another process writes, and then fails every query). A reader notices a new release by re-reading
``CURRENT`` (see :meth:`retrieval.components.Catalog.release`) and switches to it in one assignment.

The newest :data:`KEEP` releases stay on disk, so a reader that read ``CURRENT`` just before a newer
release replaced it can still load the one it named.
"""

from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from filelock import FileLock, Timeout

from assistant.errors import CatalogError
from retrieval.ann import ANN_FILE, AnnIndex
from retrieval.catalog import Product
from retrieval.lexical import LEXICAL_SCHEMA, LexicalIndex

if TYPE_CHECKING:
    from retrieval.components import Catalog

__all__ = [
    "KEEP",
    "Release",
    "current_name",
    "is_current",
    "load",
    "names",
    "publish",
    "read_manifest",
    "release_root",
    "write_release",
    "writer_lock",
]

KEEP = 3
_CURRENT = "CURRENT"
_MANIFEST = "release.json"
_LOCK = "ingest.lock"


@dataclass(frozen=True)
class Release:
    """One published catalog version: products in BM25 id order, their vectors (same order), the BM25 index."""

    name: str
    version: int
    embedder: str
    products: list[Product]
    vectors: np.ndarray
    lexical: LexicalIndex
    ann: AnnIndex | None = None  # the IVF index of a large release (see retrieval.dense)

    def __len__(self) -> int:
        return len(self.products)

    def queryable(self) -> bool:
        """Whether the release answers queries, not just loads: its vectors are readable and a product's
        own title (the first of a few whose title has an indexed word) gets a BM25 hit."""
        if not self.products or len(self.vectors) != len(self.products):
            return False
        if not np.isfinite(float(self.vectors[0] @ self.vectors[0])):  # the mapped vectors are readable
            return False
        for product in self.products[:50]:
            if self.lexical.terms(product.title):
                return bool(self.lexical.search(product.title, 1))
        return True  # no title has an indexed word (a degenerate catalog): nothing more to ask of it

    def get(self, product_id: str) -> Product | None:
        position = self.lexical.position.get(product_id)
        return None if position is None else self.products[position]


def release_root(data_dir: Path) -> Path:
    return Path(data_dir) / "releases"


@contextmanager
def writer_lock(data_dir: Path, *, wait_s: float = 0.0) -> Iterator[None]:
    """Held by whoever writes the catalog: concurrent writers queue for ``wait_s`` seconds, then fail clearly."""
    path = Path(data_dir) / _LOCK
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(path))
    try:
        lock.acquire(timeout=wait_s)
    except Timeout:
        waited = f" for {wait_s:g} s" if wait_s > 0 else ""
        raise CatalogError(
            f"another ingest is writing the catalog in {data_dir} (lock {path} held{waited}); "
            "retry when it finishes, or pass --wait SECONDS to queue behind it"
        ) from None
    try:
        yield
    finally:
        lock.release()


def current_name(data_dir: Path) -> str | None:
    """The release ``CURRENT`` names, or ``None`` before the first publish."""
    try:
        name = (release_root(data_dir) / _CURRENT).read_text().strip()
    except FileNotFoundError:
        return None
    return name or None


def read_manifest(data_dir: Path, name: str) -> dict[str, object] | None:
    """A release's manifest (version, embedder, dim, products, BM25 schema), or ``None`` when unreadable."""
    try:
        data = json.loads((release_root(data_dir) / name / _MANIFEST).read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def is_current(data_dir: Path, version: int, embedder: str) -> bool:
    """Whether ``CURRENT`` already names a complete release of this store version, embedder and BM25 schema."""
    name = current_name(data_dir)
    info = read_manifest(data_dir, name) if name else None
    return (
        info is not None
        and info.get("version") == version
        and info.get("embedder") == embedder
        and info.get("lexical_schema") == LEXICAL_SCHEMA
    )


def publish(catalog: Catalog) -> str:
    """Write the store's current version as a release and make it ``CURRENT``; returns its name.

    The caller holds :func:`writer_lock`. Publishing the version ``CURRENT`` already names is a no-op.
    """
    data_dir = catalog.settings.data_dir
    embedder = catalog.embedder.name
    version = catalog.store.version()
    if is_current(data_dir, version, embedder):
        return str(current_name(data_dir))
    lexical = catalog.build_lexical()
    found = catalog.store.get_many(lexical.ids)
    products = [found[pid] for pid in lexical.ids]
    stored = catalog.index.vectors(lexical.ids) if lexical.ids else {}
    vectors = np.zeros((len(products), catalog.embedder.dim), dtype=np.float32)
    missing = 0
    for i, pid in enumerate(lexical.ids):
        if pid in stored:
            vectors[i] = stored[pid]
        else:
            missing += 1
    if missing:
        raise CatalogError(
            f"{missing} stored product(s) have no vector in the index; rerun `aisle ingest` to repair"
        )

    name = write_release(
        data_dir,
        products,
        vectors,
        lexical,
        version=version,
        embedder=embedder,
        ann_min_products=catalog.settings.ann_min_products,
    )
    _prune(release_root(data_dir), keep=name)
    return name


def write_release(
    data_dir: Path,
    products: Sequence[Product],
    vectors: np.ndarray,
    lexical: LexicalIndex,
    *,
    version: int,
    embedder: str,
    ann_min_products: int,
) -> str:
    """Write one release (products in ``lexical.ids`` order, their vectors, BM25 and, for a release of at
    least ``ann_min_products`` products, its IVF index) and name it in ``CURRENT``; returns its name."""
    root = release_root(data_dir)
    root.mkdir(parents=True, exist_ok=True)
    name = f"v{version:012d}"
    tmp = root / f".tmp-{name}-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    try:
        with open(tmp / "products.jsonl", "w", encoding="utf-8") as handle:
            for product in products:
                handle.write(product.model_dump_json())
                handle.write("\n")
        np.save(tmp / "vectors.npy", vectors, allow_pickle=False)
        lexical.save(tmp / "lexical")
        if len(products) >= ann_min_products:
            AnnIndex.build(vectors).save(tmp / ANN_FILE)
        manifest = {
            "version": version,
            "embedder": embedder,
            "dim": int(vectors.shape[1]),
            "products": len(products),
            "lexical_schema": LEXICAL_SCHEMA,
            "published_at": time.time(),
        }
        (tmp / _MANIFEST).write_text(json.dumps(manifest))
        final = root / name
        if final.exists():  # an earlier publish of this version died before naming it CURRENT
            shutil.rmtree(final)
        os.replace(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    pointer = root / f".{_CURRENT}-{uuid.uuid4().hex[:8]}"
    pointer.write_text(name)
    os.replace(pointer, root / _CURRENT)
    return name


def _prune(root: Path, *, keep: str) -> None:
    """Drop all but the newest :data:`KEEP` releases (and temporary folders older than an hour)."""
    names = sorted(p.name for p in root.iterdir() if p.is_dir() and p.name.startswith("v"))
    for old in names[:-KEEP]:
        if old != keep:
            shutil.rmtree(root / old, ignore_errors=True)
    for tmp in root.glob(".tmp-*"):
        try:
            if time.time() - tmp.stat().st_mtime > 3600:
                shutil.rmtree(tmp, ignore_errors=True)
        except FileNotFoundError:
            continue


def load(data_dir: Path, name: str) -> Release:
    """Read a published release (raises :class:`FileNotFoundError` when it was pruned meanwhile)."""
    folder = release_root(data_dir) / name
    info = read_manifest(data_dir, name)
    if info is None:
        raise FileNotFoundError(folder / _MANIFEST)
    # A release never changes once published, so its arrays are mapped, not read: worker processes
    # share one copy in the page cache (and a pruned release stays readable while it is mapped).
    lexical = LexicalIndex.load(folder / "lexical", mmap=True)
    if lexical is None:
        raise FileNotFoundError(folder / "lexical")
    with open(folder / "products.jsonl", encoding="utf-8") as handle:
        products = [Product.model_validate_json(line) for line in handle if line.strip()]
    vectors = np.load(folder / "vectors.npy", allow_pickle=False, mmap_mode="r")
    if [p.id for p in products] != lexical.ids or len(vectors) != len(products):
        raise CatalogError(f"catalog release {folder} is inconsistent; rerun `aisle ingest` to republish it")
    ann = AnnIndex.load(folder / ANN_FILE) if (folder / ANN_FILE).exists() else None
    if ann is not None and ann.size != len(products):
        raise CatalogError(
            f"catalog release {folder} has a stale ANN index; rerun `aisle ingest` to republish it"
        )
    return Release(
        name=name,
        version=int(str(info["version"])),
        embedder=str(info["embedder"]),
        products=products,
        vectors=vectors,
        lexical=lexical,
        ann=ann,
    )


def names(data_dir: Path) -> Sequence[str]:
    """Published releases on disk, oldest first."""
    root = release_root(data_dir)
    if not root.exists():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and p.name.startswith("v"))

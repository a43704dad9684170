"""Embeddings of category names, cached on disk per embedder so that only new names are ever embedded.

The ranker compares a query with the name of each candidate's leaf category ("Activity & Fitness
Trackers" vs "Replacement Bands" for "fitbit charge 3"): a cheap product-type signal that the title and
description text blur. A catalog has far fewer categories than products, so the vectors are computed
at ingest (:func:`retrieval.ingest.ingest_feed` warms the cache) and read back by every search process.

The cache is one ``.npz`` per embedder (``names`` and ``vectors``), replaced atomically.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from retrieval.embed import Embedder

__all__ = ["cached_category_vectors"]


def _cache_file(directory: Path, embedder: Embedder) -> Path:
    slug = re.sub(r"[^A-Za-z0-9._-]+", "_", embedder.name)
    return directory / f"{slug}-{embedder.dim}.npz"


def _read(path: Path, dim: int) -> dict[str, np.ndarray]:
    try:
        with np.load(path, allow_pickle=False) as data:
            names, vectors = data["names"], data["vectors"]
    except (OSError, KeyError, ValueError):
        return {}  # missing or unreadable: rebuilt from the names asked for
    if vectors.ndim != 2 or vectors.shape[1] != dim or len(names) != len(vectors):
        return {}
    return {str(n): v.astype(np.float32) for n, v in zip(names, vectors, strict=True)}


def _write(path: Path, table: dict[str, np.ndarray], dim: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    names = sorted(table)
    vectors = np.stack([table[n] for n in names]) if names else np.zeros((0, dim), dtype=np.float32)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".npz.tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            np.savez(handle, names=np.array(names, dtype=str), vectors=vectors.astype(np.float32))
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def cached_category_vectors(directory: Path, names: Sequence[str], embedder: Embedder) -> np.ndarray:
    """An ``(len(names), dim)`` array of the names' embeddings; names not yet cached are embedded and saved."""
    path = _cache_file(Path(directory), embedder)
    table = _read(path, embedder.dim)
    missing = sorted({n for n in names if n not in table})
    if missing:
        table.update(zip(missing, embedder.embed_documents(missing), strict=True))
        _write(path, table, embedder.dim)
    if not names:
        return np.zeros((0, embedder.dim), dtype=np.float32)
    return np.stack([table[n] for n in names]).astype(np.float32)

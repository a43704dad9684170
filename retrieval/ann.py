"""An approximate nearest-neighbour index over a release's vectors: faiss IVF-Flat, inner product.

Built when a large release is published (:func:`retrieval.release.write_release`) and saved beside its
vectors as ``ann.faiss``; loaded with the release. Filters stay *inside* the search: the allowed
positions arrive as a bitmap (``faiss.IDSelectorBitmap``) that the inverted-list scan checks before it
scores a vector, so a filter never cuts the result list after the fact. A selective filter leaves fewer
allowed vectors in each probed list, so :meth:`AnnIndex.search` probes more lists (``nprobe`` grows as
the allowed fraction shrinks) to scan about as many allowed vectors as an unfiltered search does.

IVF-Flat keeps full float32 vectors (no quantization error); its ids are release positions. A release's
index is memory-mapped when loaded (``IO_FLAG_MMAP_IFC``), not copied into each worker.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import TYPE_CHECKING, cast

import numpy as np

if TYPE_CHECKING:
    import faiss

__all__ = ["ANN_FILE", "AnnIndex", "nlist_for", "nprobe_for"]

ANN_FILE = "ann.faiss"
# Training points per list (faiss warns below 39) and the most points k-means is trained on.
_TRAIN_PER_LIST = 64
_TRAIN_MAX = 256 * 1024
_SINGLE_THREADED = False


def nlist_for(n: int) -> int:
    """Inverted lists for ``n`` vectors: about 4·√n (faiss's rule of thumb), a power of two, with at least
    39 training points per list (fewer lists for a small index)."""
    lists = 1 << round(math.log2(max(1.0, 4.0 * math.sqrt(n))))
    while lists > 1 and lists * 39 > n:
        lists //= 2
    return lists


def nprobe_for(base: int, allowed_fraction: float, nlist: int) -> int:
    """Lists to probe so that about as many *allowed* vectors are scanned as ``base`` probes scan unfiltered."""
    if allowed_fraction <= 0.0:
        return nlist
    return max(1, min(nlist, math.ceil(base / allowed_fraction)))


class AnnIndex:
    """IVF-Flat over ``n`` unit vectors; ids are positions ``0..n-1``."""

    def __init__(self, index: faiss.IndexIVFFlat) -> None:
        self._index = index

    @property
    def size(self) -> int:
        return int(self._index.ntotal)

    @property
    def nlist(self) -> int:
        return int(self._index.nlist)

    @classmethod
    def build(cls, vectors: np.ndarray, *, nlist: int | None = None, seed: int = 7) -> AnnIndex:
        """Train k-means on a sample of ``vectors`` and add them all (positions become ids)."""
        import faiss

        data = np.ascontiguousarray(vectors, dtype=np.float32)
        n, dim = data.shape
        lists = nlist or nlist_for(n)
        quantizer = faiss.IndexFlatIP(dim)
        index = faiss.IndexIVFFlat(quantizer, dim, lists, faiss.METRIC_INNER_PRODUCT)
        sample = min(n, max(lists * _TRAIN_PER_LIST, 0), _TRAIN_MAX)
        rows = np.random.default_rng(seed).choice(n, size=sample, replace=False) if sample < n else None
        index.cp.seed = seed
        faiss.omp_set_num_threads(os.cpu_count() or 1)  # building uses every core …
        try:
            index.train(data[np.sort(rows)] if rows is not None else data)
            index.add(data)
        finally:
            faiss.omp_set_num_threads(1)  # … answering one query uses one (see search)
        return cls(index)

    def save(self, path: Path) -> None:
        import faiss

        faiss.write_index(self._index, str(path))

    @classmethod
    def load(cls, path: Path, *, mmap: bool = True) -> AnnIndex:
        """Read an index; ``mmap`` maps its vectors from the file instead of copying them (like the
        release's ``vectors.npy``: worker processes share one copy in the page cache)."""
        import faiss

        flags = faiss.IO_FLAG_MMAP_IFC if mmap else 0
        return cls(cast("faiss.IndexIVFFlat", faiss.read_index(str(path), flags)))

    def search(
        self, vector: np.ndarray, k: int, allowed: np.ndarray | None = None, *, nprobe: int = 32
    ) -> tuple[np.ndarray, np.ndarray]:
        """Up to ``k`` ``(positions, similarities)`` among ``allowed`` (a bool mask over positions; ``None``:
        all), best first. ``nprobe`` is the unfiltered probe count; a filter raises it (:func:`nprobe_for`)."""
        import faiss

        global _SINGLE_THREADED
        if not _SINGLE_THREADED:
            # One query per call: OpenMP threads would only spin against the other workers' queries.
            faiss.omp_set_num_threads(1)
            _SINGLE_THREADED = True
        query = np.ascontiguousarray(vector, dtype=np.float32).reshape(1, -1)
        fraction = 1.0 if allowed is None else float(np.count_nonzero(allowed)) / max(1, self.size)
        params = faiss.SearchParametersIVF()
        params.nprobe = nprobe_for(nprobe, fraction, self.nlist)
        bits = None
        if allowed is not None and fraction < 1.0:
            if allowed.shape != (self.size,):
                raise ValueError(f"allowed has shape {allowed.shape}, expected ({self.size},)")
            bits = np.packbits(allowed, bitorder="little")
            params.sel = faiss.IDSelectorBitmap(self.size, faiss.swig_ptr(bits))
        sims, ids = self._index.search(query, k, params=params)
        del bits  # the selector reads the bitmap during the search only
        found = ids[0] >= 0
        return ids[0][found].astype(np.int64), sims[0][found]

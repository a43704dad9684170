"""Filtered dense retrieval over a release's vectors, the method chosen by the filter's selectivity.

The allowed set comes from the columnar filter mask (:meth:`retrieval.snapshot.CatalogSnapshot.mask`,
excluded products removed). Then:

* **exact** — the allowed vectors scored one by one (``vectors[allowed] @ query``): no recall loss, and
  the cost grows with the allowed set. Used for every catalog without an ANN index (below
  ``AISLE_ANN_MIN_PRODUCTS``: the demo and ESCI catalogs behave exactly as before), for allowed sets of
  at most ``AISLE_DENSE_EXACT_MAX`` products, and when ``AISLE_DENSE_SEARCH=exact``.
* **ann** — the release's IVF index (:mod:`retrieval.ann`) with the allowed set as a bitmap inside the
  scan and more lists probed the more selective the filter. When the probed lists hold fewer allowed
  products than asked for, the exact method answers instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from retrieval.ann import AnnIndex

__all__ = ["DenseMethod", "DensePolicy", "DenseSearchMode", "choose", "dense_search", "exact_search"]

DenseMethod = Literal["exact", "ann"]
DenseSearchMode = Literal["auto", "exact"]


@dataclass(frozen=True)
class DensePolicy:
    """When to leave exact scoring (from :class:`~assistant.settings.Settings`)."""

    mode: DenseSearchMode = "auto"
    exact_max: int = 20_000
    nprobe: int = 128


def choose(allowed_count: int, ann: AnnIndex | None, policy: DensePolicy) -> DenseMethod:
    """``exact`` for small allowed sets, without an ANN index or when told so; ``ann`` otherwise."""
    if policy.mode == "exact" or ann is None or allowed_count <= policy.exact_max:
        return "exact"
    return "ann"


def exact_search(
    vectors: np.ndarray, vector: np.ndarray, allowed: np.ndarray, k: int
) -> tuple[np.ndarray, np.ndarray]:
    """The ``k`` allowed positions with the highest inner product, best first (ties: lower position)."""
    positions = np.flatnonzero(allowed)
    sims = vectors[positions] @ vector
    best = np.argsort(-sims, kind="stable")[:k]
    return positions[best], sims[best]


def dense_search(
    vectors: np.ndarray,
    vector: np.ndarray,
    allowed: np.ndarray,
    k: int,
    ann: AnnIndex | None,
    policy: DensePolicy,
) -> tuple[np.ndarray, np.ndarray, DenseMethod]:
    """Up to ``k`` allowed ``(positions, similarities)`` best first, and the method that found them."""
    allowed_count = int(np.count_nonzero(allowed))
    method = choose(allowed_count, ann, policy)
    if method == "ann" and ann is not None:
        everything = allowed_count == len(allowed)
        positions, sims = ann.search(vector, k, None if everything else allowed, nprobe=policy.nprobe)
        if len(positions) >= min(k, allowed_count):
            return positions, sims, "ann"
    positions, sims = exact_search(vectors, vector, allowed, k)
    return positions, sims, "exact"

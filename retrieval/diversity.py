"""Diversity over a ranked list: maximal marginal relevance and variant de-duplication.

* :func:`mmr` (Carbonell & Goldstein, 1998) re-orders a ranked list greedily by
  ``λ · relevance − (1 − λ) · max cosine to what is already chosen``; relevance is min-max scaled to
  [0, 1], so ``λ = 1`` keeps the ranking and smaller ``λ`` trades relevance for variety.
* :func:`dedupe_variants` keeps the best-ranked product of each variant group (same product in another
  color or size; see :func:`retrieval.snapshot.variant_key`).
* :func:`intra_list_diversity` (ILD) is the mean pairwise cosine distance of a list, to measure the effect.
"""

from __future__ import annotations

import numpy as np

__all__ = ["dedupe_variants", "intra_list_diversity", "mmr"]


def mmr(relevance: np.ndarray, vectors: np.ndarray, *, lambda_: float, k: int) -> list[int]:
    """Indices into ``relevance``/``vectors`` in MMR order, ``k`` of them at most.

    ``vectors`` are L2-normalized rows (cosine = dot product).
    """
    if not 0.0 <= lambda_ <= 1.0:
        raise ValueError(f"MMR lambda must be within [0, 1], got {lambda_}")
    n = len(relevance)
    k = min(k, n)
    if k <= 0:
        return []
    rel = np.asarray(relevance, dtype=np.float64)
    spread = float(rel.max() - rel.min())
    rel = (rel - rel.min()) / spread if spread > 0 else np.ones(n)
    sims = np.asarray(vectors, dtype=np.float64) @ np.asarray(vectors, dtype=np.float64).T
    chosen: list[int] = []
    closest = np.full(n, -np.inf)
    available = np.ones(n, dtype=bool)
    for _ in range(k):
        penalty = np.where(np.isinf(closest), 0.0, closest)
        score = lambda_ * rel - (1.0 - lambda_) * penalty
        score[~available] = -np.inf
        best = int(np.argmax(score))
        chosen.append(best)
        available[best] = False
        closest = np.maximum(closest, sims[best])
    return chosen


def dedupe_variants(groups: np.ndarray) -> list[int]:
    """Indices of the first (best-ranked) member of each variant group, in order."""
    seen: set[int] = set()
    kept: list[int] = []
    for index, group in enumerate(np.asarray(groups).tolist()):
        if group not in seen:
            seen.add(group)
            kept.append(index)
    return kept


def intra_list_diversity(vectors: np.ndarray) -> float:
    """Mean pairwise cosine distance (1 − cosine) of a list's vectors; 0 for fewer than two."""
    n = len(vectors)
    if n < 2:
        return 0.0
    v = np.asarray(vectors, dtype=np.float64)
    sims = v @ v.T
    upper = sims[np.triu_indices(n, k=1)]
    return float(np.mean(1.0 - upper))

"""Rank fusion of several retrievers' lists.

:func:`rrf` is reciprocal rank fusion (Cormack et al., 2009): ``sum_i w_i / (k + rank_i)``, ranks
from 1; a list that misses an id contributes nothing. ``k = 60`` is the usual default and is what
the dev split preferred among 10..100 (see ``eval/results/README.md``).
"""

from __future__ import annotations

from collections.abc import Sequence

__all__ = ["DEFAULT_RRF_K", "rrf"]

DEFAULT_RRF_K = 60


def rrf(
    rankings: Sequence[Sequence[str]], *, k: int = DEFAULT_RRF_K, weights: Sequence[float] | None = None
) -> dict[str, float]:
    """Fused scores by id (higher is better) for ranked id lists (best first)."""
    if k < 0:
        raise ValueError(f"rrf k must be non-negative, got {k}")
    if weights is not None and len(weights) != len(rankings):
        raise ValueError("one weight per ranking")
    scores: dict[str, float] = {}
    for index, ranking in enumerate(rankings):
        weight = 1.0 if weights is None else float(weights[index])
        for rank, pid in enumerate(ranking, start=1):
            scores[pid] = scores.get(pid, 0.0) + weight / (k + rank)
    return scores

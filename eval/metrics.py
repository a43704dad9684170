"""Information-retrieval metrics: pure functions over a ranked list of ids and graded judgments.

Conventions (as in the ESCI benchmark): ``gains`` maps a judged id to its gain (e.g. Exact 1.0,
Substitute 0.1, Complement 0.01, Irrelevant 0); an id missing from ``gains`` has gain 0. A product is
*relevant* for the binary metrics when its gain is at least ``threshold`` (default: any positive gain).
Every function returns a float in [0, 1] (except ``novelty``, in bits); an empty ranking, or no relevant
items, scores 0.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

__all__ = [
    "attribute_diversity",
    "average_precision",
    "candidate_error",
    "catalog_coverage",
    "dcg",
    "duplicate_error",
    "history_error",
    "intra_list_diversity",
    "mean",
    "ndcg",
    "novelty",
    "percentile",
    "precision_at",
    "recall_at",
    "reciprocal_rank",
]

_ANY_POSITIVE = 1e-12


def _relevant(gains: Mapping[str, float], threshold: float) -> set[str]:
    return {pid for pid, gain in gains.items() if gain >= threshold}


def precision_at(
    ranked: Sequence[str], gains: Mapping[str, float], k: int, threshold: float = _ANY_POSITIVE
) -> float:
    """Relevant items in the first ``k``, divided by ``k`` (a short list is not rewarded)."""
    if k <= 0:
        return 0.0
    relevant = _relevant(gains, threshold)
    return sum(1 for pid in ranked[:k] if pid in relevant) / k


def recall_at(
    ranked: Sequence[str], gains: Mapping[str, float], k: int, threshold: float = _ANY_POSITIVE
) -> float:
    """Share of all relevant items found in the first ``k``."""
    relevant = _relevant(gains, threshold)
    if not relevant:
        return 0.0
    return len(relevant.intersection(ranked[:k])) / len(relevant)


def average_precision(
    ranked: Sequence[str], gains: Mapping[str, float], k: int, threshold: float = _ANY_POSITIVE
) -> float:
    """AP@k: mean of precision at each relevant rank within ``k``, over ``min(#relevant, k)``."""
    relevant = _relevant(gains, threshold)
    if not relevant or k <= 0:
        return 0.0
    hits, total = 0, 0.0
    for rank, pid in enumerate(ranked[:k], start=1):
        if pid in relevant:
            hits += 1
            total += hits / rank
    return total / min(len(relevant), k)


def reciprocal_rank(
    ranked: Sequence[str], gains: Mapping[str, float], threshold: float = _ANY_POSITIVE
) -> float:
    """1 / rank of the first relevant item; 0 when none is retrieved."""
    relevant = _relevant(gains, threshold)
    for rank, pid in enumerate(ranked, start=1):
        if pid in relevant:
            return 1.0 / rank
    return 0.0


def dcg(values: Sequence[float], k: int) -> float:
    """Discounted cumulative gain of graded ``values`` (linear gain, ``log2(rank + 1)`` discount)."""
    return sum(gain / math.log2(rank + 1) for rank, gain in enumerate(values[:k], start=1))


def ndcg(ranked: Sequence[str], gains: Mapping[str, float], k: int) -> float:
    """nDCG@k with graded gains; the ideal ranking orders every judged item by gain."""
    ideal = dcg(sorted(gains.values(), reverse=True), k)
    if ideal <= 0:
        return 0.0
    return dcg([gains.get(pid, 0.0) for pid in ranked], k) / ideal


def mean(values: Sequence[float]) -> float:
    """Arithmetic mean; 0 for no values."""
    return sum(values) / len(values) if values else 0.0


def percentile(values: Sequence[float], q: float) -> float:
    """The ``q``-th percentile (0..100) with linear interpolation (numpy's default); 0 for no values."""
    if not values:
        return 0.0
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100.0
    low = math.floor(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


# --- recommendation-list metrics (eval suites) ----------------------------------------------------
# Beyond relevance: how varied, how non-obvious and how valid a recommended list is. The error rates
# follow RecLM-eval: the share of recommended items that are invented, repeated or already rejected.


def intra_list_diversity(vectors: Sequence[Sequence[float]]) -> float:
    """Mean pairwise cosine dissimilarity ``1 - cos`` of the items' embeddings (0 for < 2 items).

    Clipped to [0, 1]: opposite vectors count as fully dissimilar, not more.
    """
    n = len(vectors)
    if n < 2:
        return 0.0
    total, pairs = 0.0, 0
    for i in range(n):
        for j in range(i + 1, n):
            total += min(1.0, max(0.0, 1.0 - _cosine(vectors[i], vectors[j])))
            pairs += 1
    return total / pairs


def _cosine(a: Sequence[float], b: Sequence[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    na, nb = math.sqrt(sum(x * x for x in a)), math.sqrt(sum(y * y for y in b))
    return dot / (na * nb) if na and nb else 0.0


def attribute_diversity(items: Sequence[Sequence[str | None]]) -> float:
    """Mean pairwise dissimilarity by categorical attributes (e.g. ``(category, brand)`` per item).

    Two items' dissimilarity is the share of attribute positions where they differ; unknown values
    (``None``) count as different. 0 for fewer than two items.
    """
    n = len(items)
    if n < 2:
        return 0.0
    total, pairs = 0.0, 0
    for i in range(n):
        for j in range(i + 1, n):
            a, b = items[i], items[j]
            width = max(len(a), len(b))
            if width == 0:
                continue
            same = sum(1 for x, y in zip(a, b, strict=False) if x is not None and x == y)
            total += 1.0 - same / width
            pairs += 1
    return total / pairs if pairs else 0.0


def novelty(ranked: Sequence[str], popularity: Mapping[str, int]) -> float:
    """Mean self-information ``-log2(p(i))`` of the items, ``p(i) = (count_i + 1) / (total + N)``.

    ``popularity`` maps every catalog item to its interaction count (e.g. ``rating_count``); the
    add-one smoothing gives never-rated and unknown items a finite, high surprise. Not bounded by 1:
    higher means less obvious recommendations. 0 for an empty list.
    """
    if not ranked:
        return 0.0
    total = sum(popularity.values()) + len(popularity)
    if total <= 0:
        return 0.0
    return sum(-math.log2((popularity.get(pid, 0) + 1) / total) for pid in ranked) / len(ranked)


def catalog_coverage(lists: Sequence[Sequence[str]], catalog_size: int) -> float:
    """Share of the catalog recommended at least once across all ``lists``."""
    if catalog_size <= 0:
        return 0.0
    return min(1.0, len({pid for items in lists for pid in items}) / catalog_size)


def candidate_error(ranked: Sequence[str], candidates: Iterable[str]) -> float:
    """Share of recommended items that are not among ``candidates`` (the catalog or the shown set)."""
    if not ranked:
        return 0.0
    allowed = set(candidates)
    return sum(1 for pid in ranked if pid not in allowed) / len(ranked)


def duplicate_error(ranked: Sequence[str]) -> float:
    """Share of recommended items that repeat an earlier item of the list."""
    if not ranked:
        return 0.0
    return (len(ranked) - len(set(ranked))) / len(ranked)


def history_error(ranked: Sequence[str], rejected: Iterable[str]) -> float:
    """Share of recommended items the shopper already rejected (not interested, thumbs down)."""
    if not ranked:
        return 0.0
    refused = set(rejected)
    return sum(1 for pid in ranked if pid in refused) / len(ranked)

"""IR metrics against values computed by hand."""

from __future__ import annotations

import math

import pytest

from eval.metrics import (
    average_precision,
    dcg,
    mean,
    ndcg,
    percentile,
    precision_at,
    recall_at,
    reciprocal_rank,
)

RANKED = ["a", "x", "b", "y", "c"]
GAINS = {"a": 1.0, "b": 0.1, "c": 1.0, "d": 1.0, "x": 0.0, "z": 0.01}


def test_precision_at_k() -> None:
    # relevant (gain > 0) in the first 3: a, b -> 2/3
    assert precision_at(RANKED, GAINS, 3) == pytest.approx(2 / 3)
    # Exact only in the first 5: a, c -> 2/5
    assert precision_at(RANKED, GAINS, 5, threshold=1.0) == pytest.approx(0.4)
    # a short list is not rewarded: 2 exact of k=10
    assert precision_at(RANKED, GAINS, 10, threshold=1.0) == pytest.approx(0.2)
    assert precision_at(RANKED, GAINS, 0) == 0.0


def test_recall_at_k() -> None:
    # Exact: a, c, d; found within 5: a, c
    assert recall_at(RANKED, GAINS, 5, threshold=1.0) == pytest.approx(2 / 3)
    assert recall_at(RANKED, GAINS, 1, threshold=1.0) == pytest.approx(1 / 3)
    # any positive gain: a, b, c, d, z -> a, b, c found
    assert recall_at(RANKED, GAINS, 5) == pytest.approx(3 / 5)
    assert recall_at(RANKED, {"q": 0.0}, 5) == 0.0


def test_average_precision() -> None:
    # Exact hits at ranks 1 and 5: (1/1 + 2/5) / min(3 relevant, k=5) = 1.4 / 3
    assert average_precision(RANKED, GAINS, 5, threshold=1.0) == pytest.approx(1.4 / 3)
    # k=2: one hit at rank 1, normalized by min(3, 2) = 2
    assert average_precision(RANKED, GAINS, 2, threshold=1.0) == pytest.approx(0.5)
    assert average_precision([], GAINS, 10) == 0.0


def test_reciprocal_rank() -> None:
    assert reciprocal_rank(RANKED, GAINS, threshold=1.0) == 1.0
    assert reciprocal_rank(["x", "y", "b"], GAINS) == pytest.approx(1 / 3)
    assert reciprocal_rank(["x", "y"], GAINS) == 0.0


def test_dcg_and_ndcg_graded() -> None:
    assert dcg([1.0, 0.0, 0.1], 3) == pytest.approx(1.0 + 0.1 / 2.0)
    # ranked gains a=1, x=0, b=0.1 at k=3 -> 1 + 0.1/log2(4) = 1.05
    # ideal gains 1, 1, 1 (a, c, d) -> 1 + 1/log2(3) + 1/2
    expected = 1.05 / (1.0 + 1.0 / math.log2(3) + 0.5)
    assert ndcg(RANKED, GAINS, 3) == pytest.approx(expected)
    # the ideal ordering scores 1
    assert ndcg(["a", "c", "d", "b", "z"], GAINS, 5) == pytest.approx(1.0)
    # unjudged ids count as 0
    assert ndcg(["unjudged", "a"], {"a": 1.0}, 10) == pytest.approx(1.0 / math.log2(3))
    assert ndcg(RANKED, {}, 10) == 0.0


def test_mean_and_percentile() -> None:
    assert mean([]) == 0.0
    assert mean([1.0, 2.0, 6.0]) == pytest.approx(3.0)
    values = [10.0, 20.0, 30.0, 40.0, 50.0]
    assert percentile(values, 50) == 30.0
    assert percentile(values, 95) == pytest.approx(48.0)  # 40 + 0.8 * 10
    assert percentile([7.0], 95) == 7.0
    assert percentile([], 50) == 0.0

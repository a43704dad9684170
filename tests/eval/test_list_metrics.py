"""Recommendation-list metrics, computed by hand."""

from __future__ import annotations

import math

import pytest

from eval import metrics


def test_intra_list_diversity_by_embeddings() -> None:
    assert metrics.intra_list_diversity([[1.0, 0.0]]) == 0.0
    # identical, orthogonal, opposite (clipped at 1): pairs (a,a)=0, (a,b)=1, (a,b)=1 → 2/3
    assert metrics.intra_list_diversity([[1, 0], [1, 0], [0, 1]]) == pytest.approx(2 / 3)
    assert metrics.intra_list_diversity([[1, 0], [-1, 0]]) == 1.0


def test_attribute_diversity() -> None:
    items = [("Dishwashers", "Bosch"), ("Dishwashers", "Hearthline"), ("Blenders", "Bosch")]
    # pairs: (0,1) differ in brand → 0.5; (0,2) differ in category → 0.5; (1,2) both → 1.0
    assert metrics.attribute_diversity(items) == pytest.approx(2 / 3)
    assert metrics.attribute_diversity([("a", None), ("a", None)]) == pytest.approx(0.5)  # unknown ≠ unknown
    assert metrics.attribute_diversity([("a", "b")]) == 0.0


def test_novelty() -> None:
    popularity = {"hit": 6, "niche": 0}  # total = 6 + 2 (add-one) = 8
    assert metrics.novelty(["hit"], popularity) == pytest.approx(-math.log2(7 / 8))
    assert metrics.novelty(["niche"], popularity) == pytest.approx(3.0)
    assert metrics.novelty(["hit", "niche"], popularity) == pytest.approx((3.0 - math.log2(7 / 8)) / 2)
    assert metrics.novelty([], popularity) == 0.0


def test_catalog_coverage() -> None:
    assert metrics.catalog_coverage([["a", "b"], ["b", "c"]], 10) == pytest.approx(0.3)
    assert metrics.catalog_coverage([], 10) == 0.0
    assert metrics.catalog_coverage([["a"]], 0) == 0.0


def test_error_rates() -> None:
    assert metrics.candidate_error(["a", "x", "b", "y"], {"a", "b", "c"}) == 0.5
    assert metrics.candidate_error([], {"a"}) == 0.0
    assert metrics.duplicate_error(["a", "b", "a", "a"]) == 0.5
    assert metrics.duplicate_error(["a", "b"]) == 0.0
    assert metrics.history_error(["a", "b", "c"], {"c", "z"}) == pytest.approx(1 / 3)
    assert metrics.history_error([], {"c"}) == 0.0

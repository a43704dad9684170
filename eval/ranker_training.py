"""Train the LightGBM ranker on judged queries (ESCI dev), choosing hyper-parameters by grouped CV.

Training rows are the hybrid candidate pools of each query (exactly what the ranker sees when
serving, featurized by the same :meth:`Searcher.features`); labels are ESCI grades (Exact 3,
Substitute 2, Complement 1, Irrelevant or unjudged 0) with ESCI's gains as LightGBM ``label_gain``.
Cross-validation folds split by query; a fold's score is nDCG@10 over the full catalog's judgments
(:func:`eval.metrics.ndcg`), the metric the benchmark reports. Only the given split is read.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from pydantic import BaseModel

from eval.esci import EsciDataset
from eval.metrics import mean, ndcg
from retrieval.features import FEATURE_NAMES
from retrieval.rank import RankerManifest, fit_lambdarank, save_ranker
from retrieval.search import Searcher, SearchRequest

__all__ = [
    "CVResult",
    "TrainingSet",
    "collect_training_set",
    "cross_validate",
    "default_grid",
    "train_ranker",
]

DEPTH = 200


def grade(gain: float) -> int:
    """ESCI gain → integer grade for lambdarank (0 irrelevant/unjudged … 3 exact)."""
    if gain >= 1.0:
        return 3
    if gain >= 0.1:
        return 2
    if gain >= 0.01:
        return 1
    return 0


@dataclass(frozen=True)
class TrainingSet:
    """Feature rows grouped by query, with labels and the pool ids to score rankings."""

    features: list[np.ndarray]
    labels: list[np.ndarray]
    ids: list[list[str]]
    gains: list[dict[str, float]]

    def stack(self, queries: Sequence[int]) -> tuple[np.ndarray, np.ndarray, list[int]]:
        features = np.vstack([self.features[q] for q in queries])
        labels = np.concatenate([self.labels[q] for q in queries])
        return features, labels, [len(self.features[q]) for q in queries]


class CVResult(BaseModel):
    params: dict[str, float | int | str]
    num_boost_round: int
    ndcg_10: float
    fold_ndcg_10: list[float]


def collect_training_set(searcher: Searcher, dataset: EsciDataset, *, depth: int = DEPTH) -> TrainingSet:
    """Each query's hybrid candidate pool, featurized as at serve time, with graded labels."""
    features, labels, ids, gains = [], [], [], []
    snap = searcher.snapshot()
    for query in dataset.queries:
        request = SearchRequest(query=query.text, depth=depth, mode="hybrid+ranker")
        retrieved = searcher.retrieve(request)
        pool_ids = [snap.ids[p] for p in retrieved.pool.positions]
        features.append(searcher.features(request, retrieved))
        labels.append(np.array([grade(query.gains.get(pid, 0.0)) for pid in pool_ids], dtype=np.int32))
        ids.append(pool_ids)
        gains.append(query.gains)
    return TrainingSet(features, labels, ids, gains)


def _fold_score(
    model_scores: Callable[[np.ndarray], np.ndarray], data: TrainingSet, queries: Sequence[int]
) -> float:
    values = []
    for q in queries:
        order = np.argsort(-model_scores(data.features[q]), kind="stable")
        values.append(ndcg([data.ids[q][i] for i in order], data.gains[q], 10))
    return mean(values)


def default_grid() -> list[tuple[dict[str, float | int | str], int]]:
    """Small, regularized models (the dev split has 75 queries): 3-seed ensembles or one booster.

    Grouped CV on dev (5 folds × 6 repeats × 2 fold seeds, 45 features, one seed): ``rank_xendcg``
    with 31 leaves × 200 trees 0.662 at ``feature_fraction`` 0.7, 0.666 at 0.5, 0.655 at 0.9; 15 leaves,
    ``min_data_in_leaf`` 60 or a slower learning rate 0.663–0.664; ``lambdarank`` and binary/regression
    objectives scored lower on earlier feature sets. A 5-seed ensemble of 15 leaves × 400 trees took
    hybrid+ranker p50 over the 40 ms budget; 3 × 200 trees of 31 leaves cost ~6 ms.
    ``bags`` is not a LightGBM parameter: :func:`~retrieval.rank.fit_lambdarank` merges that many
    seeded boosters into one model.
    """
    grid = []
    for bags, feature_fraction in ((3, 0.5), (3, 0.7), (1, 0.7)):
        params: dict[str, float | int | str] = {
            "objective": "rank_xendcg",
            "num_leaves": 31,
            "min_data_in_leaf": 30,
            "learning_rate": 0.05,
            "feature_fraction": feature_fraction,
            "bagging_fraction": 0.8,
            "bagging_freq": 1,
            "lambda_l2": 1.0,
            "bags": bags,
        }
        grid.append((params, 200))
    return grid


def cross_validate(
    data: TrainingSet,
    grid: Sequence[tuple[dict[str, float | int | str], int]],
    *,
    folds: int = 5,
    repeats: int = 1,
    seed: int = 13,
) -> list[CVResult]:
    """Grouped K-fold CV over queries (repeated with reshuffled folds) for each grid point, best first."""
    rng = np.random.default_rng(seed)
    partitions = []
    for _ in range(repeats):
        order = rng.permutation(len(data.features))
        partitions.append([order[i::folds].tolist() for i in range(folds)])
    results = []
    for params, rounds in grid:
        fold_scores = []
        for splits, k in itertools.product(partitions, range(folds)):
            held = splits[k]
            train = [q for j, s in enumerate(splits) if j != k for q in s]
            x, y, groups = data.stack(train)
            booster = fit_lambdarank(x, y, groups, params, num_boost_round=rounds)
            fold_scores.append(_fold_score(booster.predict, data, held))
        results.append(
            CVResult(
                params=params, num_boost_round=rounds, ndcg_10=mean(fold_scores), fold_ndcg_10=fold_scores
            )
        )
    return sorted(results, key=lambda r: -r.ndcg_10)


def rrf_score(data: TrainingSet) -> float:
    """nDCG@10 of the fused (RRF) order over all queries: the baseline the ranker must beat."""
    column = FEATURE_NAMES.index("rrf")
    return _fold_score(lambda f: f[:, column], data, range(len(data.features)))


def train_ranker(
    searcher: Searcher,
    dataset: EsciDataset,
    out: Path,
    *,
    grid: Sequence[tuple[dict[str, float | int | str], int]] | None = None,
    folds: int = 5,
    repeats: int = 2,
    dataset_name: str = "esci",
) -> RankerManifest:
    """Choose parameters by grouped CV on ``dataset``, fit on all of it, write ``out`` + manifest."""
    data = collect_training_set(searcher, dataset)
    results = cross_validate(data, grid or default_grid(), folds=folds, repeats=repeats)
    best = results[0]
    x, y, groups = data.stack(range(len(data.features)))
    booster = fit_lambdarank(x, y, groups, best.params, num_boost_round=best.num_boost_round)
    manifest = RankerManifest(
        feature_names=list(FEATURE_NAMES),
        params={**best.params, "num_boost_round": best.num_boost_round},
        num_trees=int(booster.num_trees()),
        trained_on=f"{dataset_name}:{dataset.split} ({len(dataset.queries)} queries, {len(y)} rows), "
        f"{datetime.now(UTC).date().isoformat()}",
        metrics={
            "cv_ndcg@10": round(best.ndcg_10, 4),
            "cv_folds": folds,
            "cv_repeats": repeats,
            "rrf_ndcg@10": round(rrf_score(data), 4),
            "train_ndcg@10": round(_fold_score(booster.predict, data, range(len(data.features))), 4),
        },
    )
    save_ranker(booster, out, manifest)
    return manifest

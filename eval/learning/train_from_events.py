"""``aisle ranker train --from-events``: retrain the LightGBM ranker from debiased clicks, and ship it
only when an offline counterfactual estimate says it beats the current ranker.

1. Join the store's served lists and events (:func:`eval.learning.logs.join_logs`).
2. Estimate examination per position from the randomized swaps (:mod:`eval.learning.click_model`) and
   turn clicks into debiased CTR per (logged search text, product), graded 0..3.
3. Featurize each logged search's pool with the shared feature function (``Searcher.retrieve`` +
   ``Searcher.features``, exactly as served) and label the products that were shown (``min_examinations``
   expected examinations at least); optionally add the judged ESCI split's pools with row weight ``W``.
4. Fit a LightGBM ranker (the shipped model's parameters, one booster).
5. On the same logs, SNIPS of the new vs the current ranker's top ``n`` (each re-running the search
   for the logged text and filters) with a paired bootstrap CI; ``beats_current`` when the lift's CI
   lies above zero.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from pydantic import BaseModel

from assistant.experiments.variants import TunedSearcher
from eval.esci import EsciDataset
from eval.learning.click_model import PositionBias, click_labels, estimate_position_bias, grade_from_ctr
from eval.learning.counterfactual import Comparison, compare_policies
from eval.learning.logs import LoggedList
from eval.ranker_training import collect_training_set
from retrieval.features import FEATURE_NAMES
from retrieval.filters import Filters
from retrieval.rank import Ranker, RankerManifest, fit_lambdarank, save_ranker
from retrieval.search import Searcher, SearchRequest

__all__ = ["ClickTrainingReport", "rankings_for", "train_from_events"]

PARAMS: dict[str, float | int | str] = {
    "objective": "rank_xendcg",
    "num_leaves": 31,
    "min_data_in_leaf": 30,
    "learning_rate": 0.05,
    "feature_fraction": 0.7,
    "bagging_fraction": 0.8,
    "bagging_freq": 1,
    "lambda_l2": 1.0,
}
ROUNDS = 200


class ClickTrainingReport(BaseModel):
    lists: int
    queries: int
    click_rows: int
    judged_rows: int
    blend_judged: float
    position_bias: PositionBias
    label_counts: dict[int, int]
    comparison: Comparison
    shipped: bool
    output: str


def _key(item: LoggedList) -> tuple[str, str]:
    return item.query, json.dumps(dict(item.filters), sort_keys=True)


def _request(query: str, filters_json: str, k: int) -> SearchRequest:
    return SearchRequest(
        query=query, filters=Filters.model_validate(json.loads(filters_json)), k=k, depth=200
    )


def rankings_for(
    searcher: Searcher, lists: Sequence[LoggedList], n: int, depth: int = 20
) -> dict[tuple[str, str], list[str]]:
    """The top ``n`` the searcher serves for each logged (search text, filters), searched ``depth`` deep
    as the turn does (``AISLE_RERANK_DEPTH``: MMR's window depends on it): one search per key."""
    out: dict[tuple[str, str], list[str]] = {}
    for item in lists:
        key = _key(item)
        if key not in out and item.query:
            out[key] = searcher.search(_request(*key, k=depth)).ids[:n]
    return out


def _click_rows(
    searcher: Searcher, lists: Sequence[LoggedList], bias: PositionBias, min_examinations: float
) -> tuple[list[np.ndarray], list[np.ndarray]]:
    labels = click_labels(lists, bias)
    filters_of = {item.query: _key(item)[1] for item in lists}
    by_query: dict[str, dict[str, int]] = defaultdict(dict)
    for label in labels:
        if label.examinations >= min_examinations:
            by_query[label.query][label.product_id] = grade_from_ctr(label.ctr)
    features, grades = [], []
    snap = searcher.snapshot()
    for query, graded in by_query.items():
        if len(graded) < 2:
            continue
        request = _request(query, filters_of[query], k=10)
        retrieved = searcher.retrieve(request)
        rows = searcher.features(request, retrieved)
        ids = [snap.ids[p] for p in retrieved.pool.positions]
        keep = [i for i, pid in enumerate(ids) if pid in graded]
        if len(keep) < 2:
            continue
        features.append(rows[keep])
        grades.append(np.array([graded[ids[i]] for i in keep], dtype=np.int32))
    return features, grades


def train_from_events(
    searcher: Searcher,
    lists: Sequence[LoggedList],
    output: Path,
    *,
    current: Ranker,
    n: int = 5,
    judged: EsciDataset | None = None,
    blend_judged: float = 0.0,
    min_examinations: float = 1.0,
    force: bool = False,
    bootstrap: int = 1000,
) -> ClickTrainingReport:
    """Train, estimate offline, and write ``output`` (+ manifest) only if it beats ``current`` (or
    ``force``); the report says which."""
    bias = estimate_position_bias(lists, n, bootstrap=200)
    features, grades = _click_rows(searcher, lists, bias, min_examinations)
    if not features:
        raise ValueError("no logged query has two or more shown products with enough examinations")
    weights = [np.ones(len(g)) for g in grades]
    judged_rows = 0
    if judged is not None and blend_judged > 0:
        data = collect_training_set(searcher, judged)
        features += data.features
        grades += data.labels
        weights += [np.full(len(y), blend_judged) for y in data.labels]
        judged_rows = int(sum(len(y) for y in data.labels))
    x = np.vstack(features)
    y = np.concatenate(grades)
    booster = fit_lambdarank(
        x, y, [len(g) for g in grades], PARAMS, num_boost_round=ROUNDS, weights=np.concatenate(weights)
    )

    class _Booster:
        name = "candidate"

        def score(self, rows: np.ndarray) -> np.ndarray:
            if len(rows) == 0:
                return np.zeros(0)
            return np.asarray(booster.predict(rows, num_threads=1), dtype=np.float64)

    new_top = rankings_for(TunedSearcher(searcher, ranker=_Booster(), request_update={}), lists, n)
    cur_top = rankings_for(TunedSearcher(searcher, ranker=current, request_update={}), lists, n)
    comparison = compare_policies(
        lists,
        lambda item: new_top.get(_key(item), []),
        lambda item: cur_top.get(_key(item), []),
        bias,
        n,
        bootstrap=bootstrap,
    )
    click_rows = int(sum(len(g) for g in grades)) - judged_rows
    ship = comparison.beats_current or force
    if ship:
        metrics: dict[str, float] = {
            "snips_ctr": comparison.candidate.snips,
            "snips_ctr_current": comparison.current.snips,
            "snips_lift_ci_low": comparison.lift_ci_low,
            "snips_lift_ci_high": comparison.lift_ci_high,
        }
        params: dict[str, Any] = {**PARAMS, "num_boost_round": ROUNDS, "blend_judged": blend_judged}
        manifest = RankerManifest(
            feature_names=list(FEATURE_NAMES),
            params=params,
            num_trees=int(booster.num_trees()),
            trained_on=f"events: {len(lists)} served lists, {click_rows} click-labelled rows"
            + (f" + {judged.split} judgments ×{blend_judged}" if judged_rows and judged else "")
            + f", {datetime.now(UTC).date().isoformat()}",
            metrics=metrics,
        )
        save_ranker(booster, output, manifest)
    counts = np.unique(y, return_counts=True)
    return ClickTrainingReport(
        lists=len(lists),
        queries=len({item.query for item in lists if item.query}),
        click_rows=click_rows,
        judged_rows=judged_rows,
        blend_judged=blend_judged,
        position_bias=bias,
        label_counts={int(k): int(v) for k, v in zip(*counts, strict=True)},
        comparison=comparison,
        shipped=ship,
        output=str(output),
    )

"""Offline (counterfactual) estimates of a new ranking's CTR from logged lists: IPS and SNIPS.

For each logged list ``i`` and a candidate ranking ``L`` of the same query (top ``n``), under the
position-based click model (:mod:`eval.learning.click_model`)::

    V_i = Σ_{d shown at p}  click_i(p) / θ_p · θ_{L(d)} · 1[d ∈ L] / π_i(p)
    W_i = Σ_{d shown at p}  θ_{L(d)} · 1[d ∈ L] / π_i(p)  /  Σ_{d ∈ L} θ_{L(d)}

``click/θ_p`` is an unbiased estimate of ``d``'s attractiveness, ``θ_{L(d)}`` re-examines it where
``L`` would put it, and ``π_i(p)`` (the serve-time probability that the item was in the list at all,
``ExposureContext.inclusion``) corrects for which items the logging policy showed. ``IPS = mean V_i``
is unbiased for the expected clicks of ``L`` per list when every item of ``L`` could have been shown;
``SNIPS = Σ V_i / Σ W_i`` divides by the realized weight (its expectation is the *coverage*: the
share of ``L``'s examination mass the log could show), trading a little bias for much less variance.
CTR = clicks per impression (expected clicks over the ranking's list lengths). Confidence intervals are percentile bootstraps over lists; a
comparison of two rankings is paired (same resampled lists).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from pydantic import BaseModel

from eval.learning.click_model import PositionBias
from eval.learning.logs import LoggedList

__all__ = ["Comparison", "Estimate", "compare_policies", "estimate_policy", "policy_terms"]

Ranking = Callable[[LoggedList], Sequence[str]]


class Estimate(BaseModel):
    """An offline CTR estimate (clicks per impression) with a 95% bootstrap CI."""

    ips: float
    snips: float
    ci_low: float
    ci_high: float
    coverage: float
    lists: int


class Comparison(BaseModel):
    """Candidate vs current ranking on the same logs (SNIPS), with the paired 95% CI of the difference."""

    candidate: Estimate
    current: Estimate
    lift: float
    lift_ci_low: float
    lift_ci_high: float
    beats_current: bool


def policy_terms(
    lists: Sequence[LoggedList], ranking: Ranking, bias: PositionBias, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``V_i``, ``W_i`` and the ranking's list length per logged list (see the module doc)."""
    values = np.zeros(len(lists))
    weights = np.zeros(len(lists))
    sizes = np.zeros(len(lists))
    for i, item in enumerate(lists):
        target = {pid: p for p, pid in enumerate(list(ranking(item))[:n], start=1)}
        sizes[i] = len(target)
        if not target:
            continue
        mass = sum(bias.at(p) for p in target.values())
        inclusion = item.exposure.inclusion or [1.0] * len(item.product_ids)
        for p, pid in enumerate(item.product_ids, start=1):
            if pid not in target:
                continue
            propensity = inclusion[p - 1] if p - 1 < len(inclusion) else 1.0
            gain = bias.at(target[pid]) / max(propensity, 1e-6)
            values[i] += item.clicked(p) / bias.at(p) * gain
            weights[i] += gain / mass
    return values, weights, sizes


def _snips(values: np.ndarray, weights: np.ndarray, sizes: np.ndarray) -> float:
    """Self-normalized clicks per list over the mean list length: clicks per impression."""
    if weights.sum() <= 0 or sizes.sum() <= 0:
        return 0.0
    return float(values.sum() / weights.sum() * len(values) / sizes.sum())


def _estimate(values: np.ndarray, weights: np.ndarray, sizes: np.ndarray, picks: np.ndarray) -> Estimate:
    ips = float(values.sum() / sizes.sum()) if sizes.sum() > 0 else 0.0
    boot = [_snips(values[p], weights[p], sizes[p]) for p in picks]
    return Estimate(
        ips=round(ips, 5),
        snips=round(_snips(values, weights, sizes), 5),
        ci_low=round(float(np.percentile(boot, 2.5)), 5),
        ci_high=round(float(np.percentile(boot, 97.5)), 5),
        coverage=round(float(weights.mean()), 4),
        lists=len(values),
    )


def _picks(count: int, bootstrap: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, count, size=(bootstrap, count))


def estimate_policy(
    lists: Sequence[LoggedList],
    ranking: Ranking,
    bias: PositionBias,
    n: int,
    *,
    bootstrap: int = 1000,
    seed: int = 0,
) -> Estimate:
    """IPS and SNIPS CTR of ``ranking`` on ``lists`` (CI on SNIPS)."""
    values, weights, sizes = policy_terms(lists, ranking, bias, n)
    return _estimate(values, weights, sizes, _picks(len(lists), bootstrap, seed))


def compare_policies(
    lists: Sequence[LoggedList],
    candidate: Ranking,
    current: Ranking,
    bias: PositionBias,
    n: int,
    *,
    bootstrap: int = 1000,
    seed: int = 0,
) -> Comparison:
    """SNIPS of ``candidate`` vs ``current``; ``beats_current`` when the lift's CI lies above zero."""
    v_new, w_new, s_new = policy_terms(lists, candidate, bias, n)
    v_cur, w_cur, s_cur = policy_terms(lists, current, bias, n)
    picks = _picks(len(lists), bootstrap, seed)
    new = _estimate(v_new, w_new, s_new, picks)
    cur = _estimate(v_cur, w_cur, s_cur, picks)
    diffs = [_snips(v_new[p], w_new[p], s_new[p]) - _snips(v_cur[p], w_cur[p], s_cur[p]) for p in picks]
    low, high = float(np.percentile(diffs, 2.5)), float(np.percentile(diffs, 97.5))
    return Comparison(
        candidate=new,
        current=cur,
        lift=round(new.snips - cur.snips, 5),
        lift_ci_low=round(low, 5),
        lift_ci_high=round(high, 5),
        beats_current=low > 0,
    )

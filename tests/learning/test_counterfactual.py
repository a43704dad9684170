from __future__ import annotations

import numpy as np
import pytest
from planted import THETA, planted_logs, relevance

from eval.learning.click_model import PositionBias
from eval.learning.counterfactual import compare_policies, estimate_policy
from eval.learning.logs import LoggedList
from retrieval.exposure import ExposurePolicy

POLICY = ExposurePolicy(explore_rate=0.5, explore_slot=5, explore_depth=8, swap_rate=0.2)


def best_first(rel: dict[str, dict[str, float]]):  # type: ignore[no-untyped-def]
    def ranking(item: LoggedList) -> list[str]:
        scores = rel[item.query]
        return sorted(scores, key=lambda pid: -scores[pid])

    return ranking


def true_ctr(rel: dict[str, dict[str, float]], ranking, queries: list[str], n: int = 5) -> float:  # type: ignore[no-untyped-def]
    values = []
    for q in queries:
        top = ranking(LoggedList("", "", None, [], context={"query": q}))[:n]
        values.append(sum(THETA[p] * rel[q][pid] for p, pid in enumerate(top)) / n)
    return float(np.mean(values))


def test_ips_is_unbiased_for_a_ranking_the_log_never_served_as_such() -> None:
    rel = relevance(queries=6, pool=8, seed=7)
    ranking = best_first(rel)
    bias = PositionBias.known(THETA)
    estimates = []
    for seed in range(4):
        logs = planted_logs(rel, 3_000, POLICY, seed=seed)
        estimates.append(estimate_policy(logs, ranking, bias, 5, bootstrap=1).ips)
        truth_queries = [item.query for item in logs]
    truth = true_ctr(rel, ranking, truth_queries)
    logged = float(np.mean([len(i.clicks) / 5 for i in logs]))
    assert np.mean(estimates) == pytest.approx(truth, rel=0.05)
    assert abs(logged - truth) > 0.02  # the logging policy's own CTR is far from the target's


def test_snips_comparison_prefers_the_better_ranking() -> None:
    rel = relevance(queries=6, pool=8, seed=7)
    logs = planted_logs(rel, 3_000, POLICY, seed=3)
    bias = PositionBias.known(THETA)

    def worst_first(item: LoggedList) -> list[str]:
        return best_first(rel)(item)[::-1]

    result = compare_policies(logs, best_first(rel), worst_first, bias, 5, bootstrap=200)
    assert result.beats_current and result.lift > 0
    assert (
        result.candidate.ci_low
        <= true_ctr(rel, best_first(rel), [i.query for i in logs])
        <= result.candidate.ci_high
    )
    assert not compare_policies(logs, worst_first, best_first(rel), bias, 5, bootstrap=200).beats_current

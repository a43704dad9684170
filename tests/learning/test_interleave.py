from __future__ import annotations

import numpy as np

from retrieval.interleave import credit, interleaving_outcome, team_draft

THETA = (1.0, 0.6, 0.4, 0.3, 0.2)


def test_team_draft_takes_each_rankers_best_and_labels_it() -> None:
    rng = np.random.default_rng(0)
    served, teams = team_draft(["a1", "x", "a2"], ["b1", "x", "b2"], 4, rng)
    assert len(served) == 4 and len(set(served)) == 4
    assert {served[0], served[1]} == {"a1", "b1"}
    assert teams.count("a") == 2 and teams.count("b") == 2
    assert credit(teams, [served.index("a1") + 1]) == "a"
    assert credit(teams, []) is None


def test_interleaving_credits_the_better_ranker_on_planted_clicks() -> None:
    rng = np.random.default_rng(1)
    results = []
    for _ in range(800):
        rel = {f"d{i}": float(v) for i, v in enumerate(rng.uniform(0.0, 0.8, 10))}
        good = sorted(rel, key=lambda d: -rel[d])
        bad = sorted(rel, key=lambda d: rel[d] + rng.normal(0, 0.3))  # noisy and mostly reversed
        served, teams = team_draft(bad, good, 5, rng)  # ranker a is the bad one
        clicks = [p for p, d in enumerate(served, start=1) if rng.random() < THETA[p - 1] * rel[d]]
        results.append((credit(teams, clicks), bool(clicks)))
    outcome = interleaving_outcome(results)
    assert outcome.wins_b > outcome.wins_a
    assert outcome.preference < 0 and outcome.p_value < 0.001

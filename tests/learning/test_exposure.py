from __future__ import annotations

import numpy as np
import pytest

from retrieval.exposure import ExposurePolicy, ItemStats, decide_exposure, thompson_choice, turn_rng

RANKED = [f"p{i}" for i in range(30)]


def test_no_policy_serves_the_ranker_order() -> None:
    shown, context = decide_exposure(RANKED, 5, ExposurePolicy(), turn_rng("t"))
    assert shown == RANKED[:5] and context.inclusion == [1.0] * 5 and context.swapped is None


def test_swaps_and_exploration_happen_at_their_rates_with_propensities() -> None:
    policy = ExposurePolicy(swap_rate=0.2, explore_rate=0.1, explore_slot=5, cold_impressions=5)
    stats = {pid: ItemStats(impressions=100, clicks=5) for pid in RANKED[:10]}
    swaps = explores = 0
    for i in range(3000):
        shown, context = decide_exposure(RANKED, 5, policy, turn_rng(str(i)), stats=stats)
        assert sorted(shown) == sorted(set(shown)) and len(shown) == 5
        swaps += context.swapped is not None
        if context.explored_product:
            explores += 1
            assert context.explored_product not in RANKED[:10]  # only cold products are explored
            assert shown[context.explored_position - 1] == context.explored_product  # type: ignore[operator]
            assert 0 < context.inclusion[context.explored_position - 1] <= 0.1  # type: ignore[operator]
    assert swaps / 3000 == pytest.approx(0.2, abs=0.03)
    assert explores / 3000 == pytest.approx(0.1, abs=0.02)


def test_thompson_prefers_what_gets_clicked_and_reports_its_probability() -> None:
    ids = ["cold", "hot"]
    stats = {"cold": ItemStats(impressions=15, clicks=0), "hot": ItemStats(impressions=15, clicks=9)}
    rng = np.random.default_rng(3)
    picks = [thompson_choice(ids, stats, {}, ExposurePolicy(), rng) for _ in range(200)]
    assert sum(1 for index, _ in picks if index == 1) > 180
    assert all(0 < share <= 1 for _, share in picks)

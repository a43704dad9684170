"""Statistics for experiment reports: fixed-horizon intervals and tests (statsmodels), and an
always-valid sequential test that stays valid however often the results are looked at.

Sequential test: the mixture sequential probability ratio test (mSPRT) for the difference of two
proportions, with a normal mixing distribution N(0, tau^2) over the difference (Johari, Pekelis &
Walsh, "Always valid inference", 2017/2022; the test behind Optimizely's stats engine). With
``d`` = the observed difference and ``V`` its plug-in variance after each new unit,

    Lambda_n = sqrt(V / (V + tau^2)) * exp(d^2 tau^2 / (2 V (V + tau^2)))

is (asymptotically) a nonnegative martingale under "no difference", so by Ville's inequality
``P(sup_n Lambda_n >= 1/alpha) <= alpha``: the always-valid p-value ``min(1, 1 / max_n Lambda_n)``
may be read after every unit. Inverting the same statistic at every look gives a confidence
sequence for the difference (intersected over time). The plug-in variance is unreliable on the
first few units, so looks start once each arm has ``min_units`` units.

No PyPI library does this well today: ``confseq`` (Howard et al.) needs Boost to build and its last
release is from 2023; ``savvi``'s two-arm conversion test solves a convex program (cvxpy and eight
more packages) at every update. The closed form is a few lines of numpy.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    proportion_confint,
    test_proportions_2indep,
)

__all__ = [
    "DEFAULT_TAU",
    "Interval",
    "SequentialResult",
    "TwoProportions",
    "compare_proportions",
    "ratio_interval",
    "sequential_two_proportions",
    "wilson",
]

DEFAULT_TAU = 0.03
"""Mixing scale of the mSPRT: the size of absolute differences in a rate it is tuned to find."""


@dataclass(frozen=True)
class Interval:
    low: float
    high: float


def wilson(successes: int, trials: int, alpha: float = 0.05) -> Interval:
    """Wilson score interval for a proportion (``[0, 1]`` when there are no trials)."""
    if trials == 0:
        return Interval(0.0, 1.0)
    low, high = proportion_confint(successes, trials, alpha=alpha, method="wilson")
    return Interval(float(low), float(high))


@dataclass(frozen=True)
class TwoProportions:
    """Fixed-horizon comparison of a treatment rate with the control's."""

    difference: float
    interval: Interval
    """Newcombe's hybrid score interval for treatment − control."""
    p_value: float
    """Two-sided score test of equal rates (valid once, at a horizon fixed in advance)."""


def compare_proportions(
    successes: int, trials: int, control_successes: int, control_trials: int, alpha: float = 0.05
) -> TwoProportions | None:
    """Treatment vs control at a fixed horizon; ``None`` while either arm is empty."""
    if trials == 0 or control_trials == 0:
        return None
    low, high = confint_proportions_2indep(
        successes, trials, control_successes, control_trials, method="newcomb", alpha=alpha
    )
    diff = successes / trials - control_successes / control_trials
    if successes + control_successes in (0, trials + control_trials):
        p_value = 1.0  # no variation at all: nothing to test
    else:
        result = test_proportions_2indep(
            successes, trials, control_successes, control_trials, method="score", return_results=True
        )
        p_value = float(result.pvalue)
    return TwoProportions(diff, Interval(float(low), float(high)), p_value)


@dataclass(frozen=True)
class SequentialResult:
    """The mSPRT over units in arrival order."""

    p_value: float
    """Always-valid p-value after the last unit (the running minimum)."""
    interval: Interval
    """Always-valid confidence sequence for treatment − control after the last unit."""
    looks: np.ndarray
    """Units seen (both arms) at each look."""
    p_values: np.ndarray
    """The always-valid p-value at each look."""
    lows: np.ndarray
    highs: np.ndarray
    rejected_at: int | None
    """Units seen when the p-value first fell to alpha (``None``: never)."""


def sequential_two_proportions(
    treated: np.ndarray,
    outcomes: np.ndarray,
    *,
    alpha: float = 0.05,
    tau: float = DEFAULT_TAU,
    min_units: int = 100,
) -> SequentialResult:
    """mSPRT of equal rates over units in arrival order: ``treated[i]`` (bool) says the arm of the
    i-th unit and ``outcomes[i]`` (0/1) its outcome. Looks after every unit once both arms have
    ``min_units``."""
    treated = np.asarray(treated, dtype=bool)
    y = np.asarray(outcomes, dtype=float)
    n1 = np.cumsum(treated)
    n0 = np.cumsum(~treated)
    s1 = np.cumsum(y * treated)
    s0 = np.cumsum(y * ~treated)
    ready = (n1 >= min_units) & (n0 >= min_units)
    idx = np.flatnonzero(ready)
    if not len(idx):
        empty = np.array([])
        return SequentialResult(1.0, Interval(-1.0, 1.0), empty, empty, empty, empty, None)
    a1, a0 = n1[idx].astype(float), n0[idx].astype(float)
    p1, p0 = s1[idx] / a1, s0[idx] / a0
    diff = p1 - p0
    # Plug-in variance, floored at the variance of one success in each arm (p = 0 or 1 gives 0).
    var = np.maximum(p1 * (1 - p1), 1.0 / a1) / a1 + np.maximum(p0 * (1 - p0), 1.0 / a0) / a0
    t2 = tau * tau
    log_lambda = 0.5 * np.log(var / (var + t2)) + diff**2 * t2 / (2 * var * (var + t2))
    p_now = np.minimum(1.0, np.exp(-log_lambda))
    p_values = np.minimum.accumulate(p_now)
    radius = np.sqrt(var * (var + t2) / t2 * (2 * math.log(1 / alpha) + np.log((var + t2) / var)))
    lows = np.maximum.accumulate(diff - radius)
    highs = np.minimum.accumulate(diff + radius)
    hits = np.flatnonzero(p_values <= alpha)
    looks = idx + 1
    return SequentialResult(
        p_value=float(p_values[-1]),
        interval=Interval(float(lows[-1]), float(highs[-1])),
        looks=looks,
        p_values=p_values,
        lows=lows,
        highs=highs,
        rejected_at=int(looks[hits[0]]) if len(hits) else None,
    )


def ratio_interval(numerators: np.ndarray, denominators: np.ndarray, alpha: float = 0.05) -> Interval:
    """Interval for ``sum(numerators) / sum(denominators)`` over independent units (e.g. clicks over
    impressions, clustered by shopper), by the delta method; ``[0, 1]`` with fewer than two units."""
    x = np.asarray(numerators, dtype=float)
    n = np.asarray(denominators, dtype=float)
    units = len(x)
    if units < 2 or n.sum() == 0:
        return Interval(0.0, 1.0)
    ratio = x.sum() / n.sum()
    residual = x - ratio * n
    se = math.sqrt(float(np.var(residual, ddof=1)) / units) / float(n.mean())
    z = _z(alpha)
    return Interval(max(0.0, ratio - z * se), min(1.0, ratio + z * se))


def _z(alpha: float) -> float:
    from scipy.stats import norm

    return float(norm.ppf(1 - alpha / 2))

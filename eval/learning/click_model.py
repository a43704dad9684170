"""A position-based click model (PBM) estimated from randomized swaps, and debiased relevance labels.

Under the PBM a click on item ``d`` at position ``k`` happens with probability ``θ_k · r(d)``:
examination depends only on the position, attractiveness only on the item (for its query). In lists
served with a RandPair swap the items of positions 1 and ``k`` trade places at random
(:mod:`retrieval.exposure`), so for each ``k``::

    A_k = mean clicks at k over lists swapped (1, k)      → θ_k · r(d₁)
    B_k = mean clicks at k over eligible unswapped lists  → θ_k · r(d_k)
    C   = mean clicks at 1 over eligible unswapped lists  → θ_1 · r(d₁)
    D_k = mean clicks at 1 over lists swapped (1, k)      → θ_1 · r(d_k)
    θ_k / θ_1 = (A_k + B_k) / (C + D_k)

(an intervention-harvesting ratio, Joachims et al. 2017; both orders pooled for lower variance).
Relevance per (query, product) is then ``clicks / Σ θ(position of each impression)``: clicks over
expected examinations, so an item shown low is not penalized for being seen less.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

import numpy as np
from pydantic import BaseModel, Field

from eval.learning.logs import LoggedList

__all__ = ["ClickLabel", "PositionBias", "click_labels", "estimate_position_bias", "grade_from_ctr"]


_THETA_FLOOR = 0.01


class PositionBias(BaseModel):
    """Examination propensity per 1-based position, relative to position 1 (θ_1 = 1)."""

    theta: list[float]
    swapped_lists: list[int] = Field(
        description="Index 0: eligible lists left unswapped; index k-1: lists swapped (1, k)."
    )
    ci_low: list[float] = Field(default_factory=list)
    ci_high: list[float] = Field(default_factory=list)

    def at(self, position: int) -> float:
        """θ at a 1-based position (the last estimated one beyond the list), floored at 0.01 so a
        position that got no click in a small log never divides by zero."""
        index = min(max(position, 1), len(self.theta)) - 1
        return max(self.theta[index], _THETA_FLOOR)

    @classmethod
    def known(cls, theta: Sequence[float]) -> PositionBias:
        return cls(theta=[t / theta[0] for t in theta], swapped_lists=[0] * len(theta))


def _ratios(clicks: np.ndarray, swap_k: np.ndarray, n: int) -> np.ndarray:
    """θ_k / θ_1 for k = 1..n from a (lists × n) click matrix (NaN past a list's end) and each list's
    swap partner (0 = none)."""
    plain = swap_k == 0
    theta = np.ones(n)
    for k in range(2, n + 1):
        swapped = swap_k == k
        long_plain = plain & ~np.isnan(clicks[:, k - 1])
        if not swapped.any() or not long_plain.any():
            theta[k - 1] = np.nan
            continue
        a = clicks[swapped, k - 1].mean()
        b = clicks[long_plain, k - 1].mean()
        c = clicks[long_plain, 0].mean()
        d = clicks[swapped, 0].mean()
        theta[k - 1] = (a + b) / (c + d) if c + d > 0 else np.nan
    return theta


def estimate_position_bias(
    lists: Sequence[LoggedList], n: int, *, bootstrap: int = 200, seed: int = 0
) -> PositionBias:
    """θ_k / θ_1 for positions 1..n from the lists served under a swap policy, with 95% bootstrap CIs.

    Only lists whose context says a swap could have happened (``swap_rate > 0``) count; position ``k``
    is estimated from the lists at least ``k`` long.
    """
    eligible = [item for item in lists if len(item.product_ids) >= 2 and item.exposure.swap_rate > 0]
    if not eligible:
        raise ValueError("no lists served under a swap policy: set a swap rate and collect clicks first")
    clicks = np.array(
        [
            [item.clicked(p) if p <= len(item.product_ids) else np.nan for p in range(1, n + 1)]
            for item in eligible
        ],
        dtype=np.float64,
    )
    swap_k = np.array(
        [item.exposure.swapped[1] if item.exposure.swapped else 0 for item in eligible], dtype=np.int64
    )
    theta = _ratios(clicks, swap_k, n)
    rng = np.random.default_rng(seed)
    samples = []
    for _ in range(bootstrap):
        pick = rng.integers(0, len(eligible), len(eligible))
        samples.append(_ratios(clicks[pick], swap_k[pick], n))
    stacked = np.array(samples)
    low = np.nanpercentile(stacked, 2.5, axis=0) if bootstrap else theta
    high = np.nanpercentile(stacked, 97.5, axis=0) if bootstrap else theta
    # Unestimable positions (no swaps there yet) inherit the previous position's value.
    for k in range(1, n):
        if not np.isfinite(theta[k]):
            theta[k] = theta[k - 1]
    return PositionBias(
        theta=[round(float(t), 4) for t in theta],
        swapped_lists=[int((swap_k == 0).sum())] + [int((swap_k == k).sum()) for k in range(2, n + 1)],
        ci_low=[round(float(x), 4) for x in np.nan_to_num(low, nan=0.0)],
        ci_high=[round(float(x), 4) for x in np.nan_to_num(high, nan=0.0)],
    )


class ClickLabel(BaseModel):
    """The debiased attractiveness of one product for one logged query."""

    query: str
    product_id: str
    impressions: int
    clicks: int
    examinations: float
    ctr: float
    """clicks / (expected examinations + smoothing)."""


def click_labels(
    lists: Sequence[LoggedList], bias: PositionBias, *, smoothing: float = 1.0
) -> list[ClickLabel]:
    """Debiased CTR per (query, product) over every logged list with a query."""
    clicks: dict[tuple[str, str], int] = defaultdict(int)
    shown: dict[tuple[str, str], int] = defaultdict(int)
    examined: dict[tuple[str, str], float] = defaultdict(float)
    for item in lists:
        if not item.query:
            continue
        for position, pid in enumerate(item.product_ids, start=1):
            key = (item.query, pid)
            shown[key] += 1
            examined[key] += bias.at(position)
            clicks[key] += item.clicked(position)
    return [
        ClickLabel(
            query=q,
            product_id=pid,
            impressions=shown[(q, pid)],
            clicks=clicks[(q, pid)],
            examinations=round(examined[(q, pid)], 4),
            ctr=clicks[(q, pid)] / (examined[(q, pid)] + smoothing),
        )
        for q, pid in shown
    ]


def grade_from_ctr(ctr: float, thresholds: Sequence[float] = (0.05, 0.15, 0.35)) -> int:
    """A debiased CTR as a 0..3 grade (the ranker's label scale): above each threshold, one grade more."""
    return int(sum(ctr >= t for t in thresholds))

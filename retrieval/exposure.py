"""What a served list exposes, decided at serve time: randomized swaps, an exploration slot, propensities.

Two small randomizations, each in a configured share of traffic, make clicks learnable:

* **RandPair swaps** (Joachims et al., 2017): with probability ``swap_rate`` the item at position 1
  trades places with one at a uniformly drawn position ``k`` in ``2..n``. Comparing clicks on the same
  items at both positions gives the examination ratio ``θ_k / θ_1`` without modelling relevance
  (:mod:`eval.learning.click_model`).
* **A bounded exploration slot** for cold products: with probability ``explore_rate`` the item at
  ``explore_slot`` is replaced by a product from further down the ranked pool that has had fewer than
  ``cold_impressions`` impressions, chosen by Thompson sampling over a Beta prior centred on the
  catalog's popularity prior and updated with the product's impressions and clicks.

:func:`decide_exposure` returns the served order and a :class:`ExposureContext` (what was randomized,
and the probability that each shown item was in the list at all) for the served list's ``context``,
so offline estimators (IPS/SNIPS) can reweight. Deterministic given the ``rng``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "ExposureContext",
    "ExposurePolicy",
    "ItemStats",
    "decide_exposure",
    "thompson_choice",
    "turn_rng",
]

_MONTE_CARLO_DRAWS = 512


class ExposurePolicy(BaseModel):
    """How much of the traffic is randomized (all zero: the ranker's order is served untouched)."""

    model_config = ConfigDict(extra="forbid")

    swap_rate: float = Field(default=0.0, ge=0.0, le=1.0, description="Share of lists with a RandPair swap.")
    explore_rate: float = Field(
        default=0.0, ge=0.0, le=1.0, description="Share of lists whose exploration slot shows a cold product."
    )
    explore_slot: int = Field(default=5, ge=1, description="1-based position of the exploration slot.")
    explore_depth: int = Field(default=30, ge=1, description="Cold products are drawn from the pool's top N.")
    cold_impressions: int = Field(
        default=20, ge=1, description="Below this many impressions a product is cold."
    )
    prior_strength: float = Field(default=20.0, gt=0.0, description="Pseudo-impressions of the Beta prior.")
    prior_ctr: float = Field(
        default=0.1, gt=0.0, lt=1.0, description="Prior CTR of a product with the catalog's best popularity."
    )

    @property
    def active(self) -> bool:
        return self.swap_rate > 0 or self.explore_rate > 0


class ItemStats(BaseModel):
    """Impressions and clicks of one product so far (from the interaction events)."""

    impressions: int = 0
    clicks: int = 0


class ExposureContext(BaseModel):
    """What was randomized in one served list (stored in the served list's ``context``)."""

    policy: str = "ranker"
    swap_rate: float = 0.0
    swapped: list[int] | None = Field(
        default=None, description="The two 1-based positions that traded places, e.g. [1, 4]."
    )
    swap_propensity: float = Field(default=1.0, description="Probability of exactly this swap decision.")
    explore_rate: float = 0.0
    explore_slot: int | None = Field(
        default=None, description="1-based exploration slot, when it was eligible."
    )
    explored_position: int | None = Field(default=None, description="1-based position of the explored item.")
    explored_product: str | None = None
    inclusion: list[float] = Field(
        default_factory=list,
        description="Per served position: the probability that the item shown there was in the list at all.",
    )
    logged_order: list[str] = Field(
        default_factory=list, description="The ranker's order before any randomization (top n)."
    )


def turn_rng(*parts: str) -> np.random.Generator:
    """A generator seeded from text (e.g. the turn id): reproducible per turn, independent across turns."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return np.random.default_rng(int.from_bytes(digest[:8], "little"))


def _beta_params(
    ids: Sequence[str], stats: Mapping[str, ItemStats], prior: Mapping[str, float], policy: ExposurePolicy
) -> tuple[np.ndarray, np.ndarray]:
    top = max([prior.get(i, 0.0) for i in ids] + [1e-6])
    mean = np.array([policy.prior_ctr * max(prior.get(i, 0.0), 0.05 * top) / top for i in ids])
    alpha = policy.prior_strength * mean
    beta = policy.prior_strength * (1.0 - mean)
    clicks = np.array([stats.get(i, ItemStats()).clicks for i in ids], dtype=np.float64)
    views = np.array([stats.get(i, ItemStats()).impressions for i in ids], dtype=np.float64)
    return alpha + clicks, beta + np.maximum(views - clicks, 0.0)


def thompson_choice(
    ids: Sequence[str],
    stats: Mapping[str, ItemStats],
    prior: Mapping[str, float],
    policy: ExposurePolicy,
    rng: np.random.Generator,
) -> tuple[int, float]:
    """Index of the product Thompson sampling picks among ``ids`` and the probability it is picked.

    The probability is a Monte-Carlo estimate (512 draws from the same posteriors), floored at
    ``1 / draws`` so an importance weight is never infinite.
    """
    alpha, beta = _beta_params(ids, stats, prior, policy)
    chosen = int(np.argmax(rng.beta(alpha, beta)))
    draws = rng.beta(alpha[:, None], beta[:, None], size=(len(ids), _MONTE_CARLO_DRAWS))
    share = float(np.mean(np.argmax(draws, axis=0) == chosen))
    return chosen, max(share, 1.0 / _MONTE_CARLO_DRAWS)


def decide_exposure(
    ranked: Sequence[str],
    n: int,
    policy: ExposurePolicy,
    rng: np.random.Generator,
    *,
    stats: Mapping[str, ItemStats] | None = None,
    prior: Mapping[str, float] | None = None,
) -> tuple[list[str], ExposureContext]:
    """The ``n`` ids to serve from the ranker's order ``ranked``, and what was randomized.

    Exploration first (the slot's item is replaced by a cold product from ``ranked[n:explore_depth]``),
    then the swap. ``inclusion[p]`` is ``1`` for items the ranker put in the top ``n`` and could not be
    displaced, ``1 - explore_rate`` for the item in the exploration slot when it could have been, and
    ``explore_rate × P(Thompson picks it)`` for an explored product.
    """
    stats = stats or {}
    prior = prior or {}
    shown = list(ranked[:n])
    inclusion = [1.0] * len(shown)
    context = ExposureContext(
        swap_rate=policy.swap_rate, explore_rate=policy.explore_rate, logged_order=list(shown)
    )
    slot = min(policy.explore_slot, len(shown)) - 1
    cold = [
        pid
        for pid in ranked[n : max(policy.explore_depth, n)]
        if stats.get(pid, ItemStats()).impressions < policy.cold_impressions
    ]
    if policy.explore_rate > 0 and cold and slot >= 0:
        inclusion[slot] = 1.0 - policy.explore_rate
        context.explore_slot = slot + 1
        if rng.random() < policy.explore_rate:
            index, share = thompson_choice(cold, stats, prior, policy, rng)
            shown[slot] = cold[index]
            inclusion[slot] = policy.explore_rate * share
            context.explored_position = slot + 1
            context.explored_product = cold[index]
    if policy.swap_rate > 0 and len(shown) >= 2:
        pairs = len(shown) - 1
        if rng.random() < policy.swap_rate:
            k = int(rng.integers(1, len(shown)))
            shown[0], shown[k] = shown[k], shown[0]
            inclusion[0], inclusion[k] = inclusion[k], inclusion[0]
            context.swapped = [1, k + 1]
            context.swap_propensity = policy.swap_rate / pairs
            if context.explored_position in (1, k + 1):
                context.explored_position = k + 1 if context.explored_position == 1 else 1
        else:
            context.swap_propensity = 1.0 - policy.swap_rate
    context.inclusion = inclusion
    context.policy = "randomized" if policy.active else "ranker"
    return shown, context

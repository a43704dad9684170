"""Simulated shoppers: hidden preferences and a click model with position bias and noise.

A shopper has a few interests (judged ESCI queries they will ask about) and a hidden, noisy taste for
each product: the attractiveness of product ``d`` for query ``q`` starts from its ESCI judgment
(Exact / Substitute / Complement / Irrelevant or unjudged → :attr:`ClickModel.attractiveness`) and is
multiplied by a per-(shopper, product) log-normal factor. A shown product at 1-based position ``k`` is
examined with probability ``θ_k = 1 / k^η`` and clicked when examined with its attractiveness (the
position-based model the learning code must undo). A click becomes an add-to-cart with
``cart_given_click`` × the product's grade weight, and a cart a purchase with ``purchase_given_cart``.
Everything is drawn from seeded generators: the same seed gives the same shoppers and reactions.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

__all__ = ["ClickModel", "Reaction", "Shopper", "grade_of", "make_shoppers", "react"]

Grade = Literal["E", "S", "C", "I"]


def grade_of(gain: float) -> Grade:
    if gain >= 1.0:
        return "E"
    if gain >= 0.1:
        return "S"
    if gain >= 0.01:
        return "C"
    return "I"


class ClickModel(BaseModel):
    """How simulated shoppers react to a served list."""

    model_config = ConfigDict(extra="forbid")

    eta: float = Field(default=1.0, ge=0.0, description="Position bias: θ_k = 1 / k^η.")
    attractiveness: dict[str, float] = Field(
        default_factory=lambda: {"E": 0.5, "S": 0.2, "C": 0.08, "I": 0.02}
    )
    noise: float = Field(
        default=0.3, ge=0.0, description="σ of the log-normal taste noise per shopper × product."
    )
    cart_given_click: float = Field(default=0.3, ge=0.0, le=1.0)
    purchase_given_cart: float = Field(default=0.5, ge=0.0, le=1.0)
    effect: dict[str, float] = Field(
        default_factory=dict,
        description="Planted effect: variant name → multiplier of the click probability under that variant.",
    )

    def theta(self, position: int) -> float:
        return float(position**-self.eta)


@dataclass(frozen=True)
class Shopper:
    shopper_id: str
    interests: tuple[int, ...]
    """Indices of the queries this shopper asks about."""


def make_shoppers(count: int, queries: int, rng: np.random.Generator, *, interests: int = 3) -> list[Shopper]:
    """``count`` shoppers, each interested in ``interests`` distinct queries (uniformly drawn)."""
    k = min(interests, queries)
    return [
        Shopper(f"sim-{i:05d}", tuple(int(q) for q in rng.choice(queries, size=k, replace=False)))
        for i in range(count)
    ]


@functools.lru_cache(maxsize=1_000_000)
def _taste(shopper_id: str, product_id: str, sigma: float, seed: int) -> float:
    """A fixed log-normal factor for one shopper and product (hash-seeded: no table to keep)."""
    digest = hashlib.sha256(f"{seed}\x1f{shopper_id}\x1f{product_id}".encode()).digest()
    z = np.random.default_rng(int.from_bytes(digest[:8], "little")).standard_normal()
    return float(np.exp(sigma * z - sigma**2 / 2))


class Reaction(BaseModel):
    type: Literal["impression", "click", "add_to_cart", "purchase"]
    product_id: str
    position: int


def react(
    shopper: Shopper,
    shown: Sequence[str],
    gains: Mapping[str, float],
    model: ClickModel,
    rng: np.random.Generator,
    *,
    seed: int = 0,
    variant: str | None = None,
) -> list[Reaction]:
    """Impressions for every shown product, then clicks, carts and purchases by the click model."""
    lift = model.effect.get(variant or "", 1.0)
    out = [Reaction(type="impression", product_id=pid, position=p) for p, pid in enumerate(shown, start=1)]
    for position, pid in enumerate(shown, start=1):
        grade = grade_of(gains.get(pid, 0.0))
        attract = model.attractiveness[grade] * _taste(shopper.shopper_id, pid, model.noise, seed)
        if rng.random() >= min(1.0, model.theta(position) * attract * lift):
            continue
        out.append(Reaction(type="click", product_id=pid, position=position))
        weight = {"E": 1.0, "S": 0.5, "C": 0.3, "I": 0.1}[grade]
        if rng.random() < model.cart_given_click * weight:
            out.append(Reaction(type="add_to_cart", product_id=pid, position=position))
            if rng.random() < model.purchase_given_cart:
                out.append(Reaction(type="purchase", product_id=pid, position=position))
    return out

"""Drive simulated shoppers through the real API: ``POST /v1/chat`` then ``POST /v1/events``.

Each session is one shopper asking about one of their interests (a judged query's text) as a new chat
session; the served recommendations are what the shopper sees, in order. Their reactions
(:func:`eval.simulator.shoppers.react`) are posted as one event batch with deterministic event ids, so
a re-run posts nothing twice. The client is any ``httpx.Client``-like object: a ``TestClient`` over the
in-process app (:func:`eval.simulator.app.in_process_client`) or an ``httpx.Client`` for a live server.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable, Sequence
from typing import Any, Protocol

import numpy as np
from pydantic import BaseModel, Field

from eval.esci import EsciQuery
from eval.simulator.shoppers import ClickModel, Reaction, Shopper, make_shoppers, react

__all__ = ["HttpClient", "SimulationConfig", "SimulationSummary", "VariantCtr", "simulate"]

_NAMESPACE = uuid.UUID("6f1c9a52-2b7e-4a8e-9a3d-5d1f0c7e4b21")


class HttpClient(Protocol):
    def post(self, url: str, *, json: Any = ..., headers: Any = ...) -> Any: ...


class SimulationConfig(BaseModel):
    sessions: int = Field(ge=1)
    seed: int = 0
    shoppers: int = Field(default=300, ge=1)
    interests: int = Field(default=3, ge=1)
    click_model: ClickModel = Field(default_factory=ClickModel)
    api_key: str | None = None


class VariantCtr(BaseModel):
    lists: int
    impressions: int
    clicks: int
    carts: int
    purchases: int
    ctr: float
    """Clicks per impression."""
    ctr_ci_low: float
    ctr_ci_high: float


class SimulationSummary(BaseModel):
    config: SimulationConfig
    sessions: int
    failed_turns: int
    empty_lists: int
    events_posted: int
    duplicates: int
    overall: VariantCtr
    by_variant: dict[str, VariantCtr] = Field(default_factory=dict)
    per_list_clicks: list[int] = Field(default_factory=list, exclude=True)


def _ctr(clicks: Sequence[int], sizes: Sequence[int], carts: int, purchases: int) -> VariantCtr:
    """CTR = Σ clicks / Σ impressions; 95% CI by the delta method over lists (a ratio estimator)."""
    c = np.asarray(clicks, dtype=np.float64)
    s = np.asarray(sizes, dtype=np.float64)
    n = len(c)
    ratio = float(c.sum() / s.sum()) if s.sum() else 0.0
    if n > 1 and s.mean() > 0:
        residual = c - ratio * s
        se = math.sqrt(float(residual.var(ddof=1)) / n) / float(s.mean())
    else:
        se = 0.0
    return VariantCtr(
        lists=n,
        impressions=int(s.sum()),
        clicks=int(c.sum()),
        carts=carts,
        purchases=purchases,
        ctr=round(ratio, 5),
        ctr_ci_low=round(ratio - 1.96 * se, 5),
        ctr_ci_high=round(ratio + 1.96 * se, 5),
    )


def _event_id(seed: int, session: int, reaction: Reaction) -> str:
    return str(
        uuid.uuid5(_NAMESPACE, f"{seed}:{session}:{reaction.type}:{reaction.position}:{reaction.product_id}")
    )


def simulate(
    client: HttpClient,
    queries: Sequence[EsciQuery],
    config: SimulationConfig,
    *,
    variant_of: Callable[[str], str | None] | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> SimulationSummary:
    """Run ``config.sessions`` sessions; ``variant_of(turn_id)`` names the variant a turn ran under
    (for a planted effect and per-variant CTR)."""
    rng = np.random.default_rng(config.seed)
    shoppers: list[Shopper] = make_shoppers(config.shoppers, len(queries), rng, interests=config.interests)
    headers = {"Authorization": f"Bearer {config.api_key}"} if config.api_key else {}
    stats: dict[str, tuple[list[int], list[int], list[int], list[int]]] = {}
    failed = empty = posted = duplicates = 0
    per_list: list[int] = []
    for session in range(config.sessions):
        shopper = shoppers[int(rng.integers(len(shoppers)))]
        query = queries[shopper.interests[int(rng.integers(len(shopper.interests)))]]
        reply = client.post(
            "/v1/chat", json={"message": query.text, "shopper_id": shopper.shopper_id}, headers=headers
        )
        if reply.status_code != 200:
            failed += 1
            continue
        body = reply.json()
        shown = [r["product"]["id"] for r in body.get("recommendations", [])]
        if not shown:
            empty += 1
            continue
        variant = variant_of(body["turn_id"]) if variant_of else None
        reactions = react(
            shopper, shown, query.gains, config.click_model, rng, seed=config.seed, variant=variant
        )
        events = [
            {
                "event_id": _event_id(config.seed, session, r),
                "type": r.type,
                "session_id": body["session_id"],
                "turn_id": body["turn_id"],
                "product_id": r.product_id,
                "position": r.position,
                "shopper_id": shopper.shopper_id,
            }
            for r in reactions
        ]
        answer = client.post("/v1/events", json={"events": events}, headers=headers)
        if answer.status_code >= 300:
            raise RuntimeError(f"POST /v1/events answered {answer.status_code}: {answer.text[:300]}")
        counts = answer.json()
        accepted, dup = int(counts.get("accepted", 0)), int(counts.get("duplicates", 0))
        posted += accepted
        duplicates += dup
        clicks = sum(1 for r in reactions if r.type == "click")
        per_list.append(clicks)
        for key in ("all", variant or ""):
            if not key:
                continue
            row = stats.setdefault(key, ([], [], [], []))
            row[0].append(clicks)
            row[1].append(len(shown))
            row[2].append(sum(1 for r in reactions if r.type == "add_to_cart"))
            row[3].append(sum(1 for r in reactions if r.type == "purchase"))
        if progress:
            progress(session + 1, config.sessions)
    overall = stats.get("all", ([], [], [], []))
    return SimulationSummary(
        config=config,
        sessions=config.sessions,
        failed_turns=failed,
        empty_lists=empty,
        events_posted=posted,
        duplicates=duplicates,
        overall=_ctr(overall[0], overall[1], sum(overall[2]), sum(overall[3])),
        by_variant={
            k: _ctr(v[0], v[1], sum(v[2]), sum(v[3])) for k, v in sorted(stats.items()) if k != "all"
        },
        per_list_clicks=per_list,
    )

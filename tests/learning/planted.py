"""Planted logs for the learning tests: queries with known relevance, served by the real exposure
policy, clicked by a position-based model with known examination."""

from __future__ import annotations

import numpy as np

from eval.learning.logs import LoggedList
from retrieval.exposure import ExposurePolicy, decide_exposure

THETA = (1.0, 0.6, 0.4, 0.3, 0.2)


def relevance(queries: int, pool: int, seed: int = 1) -> dict[str, dict[str, float]]:
    rng = np.random.default_rng(seed)
    return {
        f"q{q}": {f"q{q}-d{d}": float(rng.uniform(0.05, 0.9)) for d in range(pool)} for q in range(queries)
    }


def planted_logs(
    rel: dict[str, dict[str, float]],
    lists: int,
    policy: ExposurePolicy,
    *,
    n: int = 5,
    theta: tuple[float, ...] = THETA,
    seed: int = 2,
) -> list[LoggedList]:
    """``lists`` served lists over random queries; the logging ranker orders a query's pool by id."""
    rng = np.random.default_rng(seed)
    names = sorted(rel)
    out = []
    for i in range(lists):
        query = names[int(rng.integers(len(names)))]
        ranked = list(rel[query])
        shown, context = decide_exposure(ranked, n, policy, rng)
        clicks = {p for p, pid in enumerate(shown, start=1) if rng.random() < theta[p - 1] * rel[query][pid]}
        out.append(
            LoggedList(
                turn_id=f"t{i}",
                session_id=f"s{i}",
                shopper_id=None,
                product_ids=shown,
                context={"query": query, "exposure": context.model_dump()},
                clicks=clicks,
            )
        )
    return out

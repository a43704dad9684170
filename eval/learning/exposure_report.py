"""Exposure reports over logged lists: novelty per session, intra-list diversity, brand exposure, and
the share of impressions given to explored (cold-start) products.

* **Novelty** of a session: the share of the distinct items it showed that its shopper had never been
  shown in an earlier session (the issue's band: 15–30% new items per session). A shopper's first
  session is skipped (everything is new).
* **Intra-list diversity**: mean pairwise cosine distance of a list's product vectors
  (:func:`retrieval.diversity.intra_list_diversity`).
* **Brand exposure**: each brand's share of impressions next to its share of the relevant items of the
  queries that were served (a brand shown far more often than its share of relevant items is
  over-exposed; the ratio is ``impression share / relevant share``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Mapping, Sequence

import numpy as np
from pydantic import BaseModel

from eval.learning.logs import LoggedList
from retrieval.diversity import intra_list_diversity

__all__ = [
    "BrandExposure",
    "ExplorationReport",
    "NoveltyReport",
    "brand_exposure",
    "exploration_report",
    "mean_intra_list_diversity",
    "novelty_report",
]


class NoveltyReport(BaseModel):
    sessions: int
    mean: float
    median: float
    in_band: float
    """Share of sessions whose novelty lies within [band_low, band_high]."""
    band_low: float
    band_high: float
    below_band: float
    above_band: float


def novelty_report(lists: Sequence[LoggedList], *, band: tuple[float, float] = (0.15, 0.30)) -> NoveltyReport:
    """Novelty per session (lists grouped by session, sessions ordered by their first list)."""
    sessions: dict[str, list[LoggedList]] = defaultdict(list)
    order: list[str] = []
    for item in lists:
        if item.session_id not in sessions:
            order.append(item.session_id)
        sessions[item.session_id].append(item)
    seen_by_shopper: dict[str, set[str]] = defaultdict(set)
    values = []
    for session_id in order:
        shown = {pid for item in sessions[session_id] for pid in item.product_ids}
        shopper = sessions[session_id][0].shopper_id or session_id
        before = seen_by_shopper[shopper]
        if before and shown:
            values.append(len(shown - before) / len(shown))
        before |= shown
    array = np.array(values) if values else np.zeros(1)
    low, high = band
    return NoveltyReport(
        sessions=len(values),
        mean=round(float(array.mean()), 4),
        median=round(float(np.median(array)), 4),
        in_band=round(float(((array >= low) & (array <= high)).mean()), 4),
        band_low=low,
        band_high=high,
        below_band=round(float((array < low).mean()), 4),
        above_band=round(float((array > high).mean()), 4),
    )


def mean_intra_list_diversity(
    lists: Sequence[LoggedList], vector_of: Callable[[str], np.ndarray | None]
) -> float:
    """Mean ILD over lists of two or more items whose vectors are known."""
    scores = []
    for item in lists:
        vectors = [v for v in (vector_of(pid) for pid in item.product_ids) if v is not None]
        if len(vectors) >= 2:
            scores.append(intra_list_diversity(np.stack(vectors)))
    return round(float(np.mean(scores)), 4) if scores else 0.0


class BrandExposure(BaseModel):
    brand: str
    impression_share: float
    relevant_share: float
    ratio: float


def brand_exposure(
    lists: Sequence[LoggedList],
    relevant: Mapping[str, Sequence[str]],
    brand_of: Callable[[str], str],
    *,
    top: int = 15,
) -> list[BrandExposure]:
    """Per brand, share of impressions vs share of relevant items (``relevant``: query → product ids),
    relevant items counted once per served list of their query. Most-shown brands first."""
    shown: Counter[str] = Counter()
    wanted: Counter[str] = Counter()
    for item in lists:
        for pid in item.product_ids:
            shown[brand_of(pid) or "(none)"] += 1
        for pid in relevant.get(item.query, []):
            wanted[brand_of(pid) or "(none)"] += 1
    total_shown = sum(shown.values()) or 1
    total_wanted = sum(wanted.values()) or 1
    rows = []
    for brand, count in shown.most_common(top):
        imp = count / total_shown
        rel = wanted[brand] / total_wanted
        rows.append(
            BrandExposure(
                brand=brand,
                impression_share=round(imp, 4),
                relevant_share=round(rel, 4),
                ratio=round(imp / rel, 2) if rel > 0 else float("inf"),
            )
        )
    return rows


class ExplorationReport(BaseModel):
    lists: int
    explored_lists: int
    impressions: int
    explored_impressions: int
    explored_share: float
    """Share of all impressions given to explored (cold-start) products."""
    ctr_explored_slot: float
    """CTR of the exploration slot when it showed a cold product (lists without a swap)."""
    ctr_slot_unexplored: float
    """CTR of the same slot when it showed the ranker's item."""
    ctr_all: float
    ctr_cost: float
    """Relative CTR cost of exploration: explored share × (slot CTR unexplored − explored) / CTR."""


def exploration_report(lists: Sequence[LoggedList]) -> ExplorationReport:
    explored = [item for item in lists if item.exposure.explored_position]
    impressions = sum(len(item.product_ids) for item in lists)
    clicks = sum(len(item.clicks) for item in lists)
    # The slot's CTR is compared on lists without a swap (a swap may move the explored item to the top).
    slot_clicks = [
        item.clicked(item.exposure.explored_position or 0) for item in explored if not item.exposure.swapped
    ]
    plain_clicks = [
        item.clicked(item.exposure.explore_slot or 0)
        for item in lists
        if item.exposure.explore_slot and not item.exposure.explored_position and not item.exposure.swapped
    ]
    return ExplorationReport(
        lists=len(lists),
        explored_lists=len(explored),
        impressions=impressions,
        explored_impressions=len(explored),
        explored_share=round(len(explored) / impressions, 4) if impressions else 0.0,
        ctr_explored_slot=round(float(np.mean(slot_clicks)), 4) if slot_clicks else 0.0,
        ctr_slot_unexplored=round(float(np.mean(plain_clicks)), 4) if plain_clicks else 0.0,
        ctr_all=round(clicks / impressions, 4) if impressions else 0.0,
        ctr_cost=round(
            len(explored)
            / impressions
            * (float(np.mean(plain_clicks)) - float(np.mean(slot_clicks)))
            / (clicks / impressions),
            4,
        )
        if impressions and clicks and plain_clicks and slot_clicks
        else 0.0,
    )

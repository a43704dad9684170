"""The turn's exposure step: which of the ranked candidates are served, in which order, and why.

:meth:`Exposure.serve` applies the configured randomization (:mod:`retrieval.exposure`: RandPair swaps
and a Thompson-sampled exploration slot for cold products, ``AISLE_EXPOSURE_*``) to the ranked
candidates of a search turn and returns the served order plus the served list's ``context`` (the
search text and filters, so a ranker can be retrained on the logged turn, and the randomization with
its propensities). Impressions and clicks per product come from the stored interaction events, read
incrementally at most every ``refresh_s`` seconds. With every rate at 0 the ranker's order is served
unchanged and no events are read.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, defaultdict
from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any

from retrieval.catalog import Product
from retrieval.exposure import ExposurePolicy, ItemStats, decide_exposure, turn_rng
from retrieval.filters import Filters

if TYPE_CHECKING:
    from assistant.settings import Settings
    from assistant.store import SessionStore
    from retrieval.search import Searcher

__all__ = ["Exposure", "policy_from_settings"]

_CONTEXTS_KEPT = 10_000


def policy_from_settings(settings: Settings) -> ExposurePolicy:
    return ExposurePolicy(
        swap_rate=settings.exposure_swap_rate,
        explore_rate=settings.exposure_explore_rate,
        explore_slot=min(settings.exposure_explore_slot, settings.recommendations),
        explore_depth=settings.rerank_depth,
        cold_impressions=settings.exposure_cold_impressions,
    )


class Exposure:
    """Serve-time randomization for one assistant (thread-safe)."""

    def __init__(
        self, settings: Settings, store: SessionStore, searcher: Searcher, *, refresh_s: float = 5.0
    ):
        self.policy = policy_from_settings(settings)
        self.n = settings.recommendations
        self.store = store
        self.searcher = searcher
        self.refresh_s = refresh_s
        self._stats: dict[str, ItemStats] = defaultdict(ItemStats)
        self._since: datetime | None = None
        self._read_at = -float("inf")
        self._lock = threading.Lock()
        self._contexts: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self.settings = settings
        self._rival: Searcher | None = None

    def context_for(self, turn_id: str) -> dict[str, Any]:
        """The served-list context :meth:`serve` decided for ``turn_id`` (once; empty if none)."""
        with self._lock:
            return self._contexts.pop(turn_id, {})

    def stats(self) -> dict[str, ItemStats]:
        """Impressions and clicks per product so far (refreshed from the event log when stale)."""
        with self._lock:
            if time.monotonic() - self._read_at >= self.refresh_s:
                self._read_at = time.monotonic()
                for event in self.store.events(since=self._since):
                    if self._since is not None and event.received_at <= self._since:
                        continue
                    if event.type == "impression":
                        self._stats[event.product_id].impressions += 1
                    elif event.type == "click":
                        self._stats[event.product_id].clicks += 1
                    if self._since is None or event.received_at > self._since:
                        self._since = event.received_at
            return dict(self._stats)

    def serve(
        self, turn_id: str, query: str, filters: Filters, candidates: Sequence[Product]
    ) -> list[Product]:
        """The candidates in served order (the first ``n`` are shown); the served list's context is kept
        for :meth:`context_for` (the API's served-list log reads it)."""
        shown_products, context = self._decide(turn_id, query, filters, candidates)
        with self._lock:
            self._contexts[turn_id] = context
            while len(self._contexts) > _CONTEXTS_KEPT:
                self._contexts.popitem(last=False)
        return shown_products

    def _decide(
        self, turn_id: str, query: str, filters: Filters, candidates: Sequence[Product]
    ) -> tuple[list[Product], dict[str, Any]]:
        context: dict[str, Any] = {
            "query": query,
            "filters": filters.model_dump(mode="json", exclude_defaults=True),
        }
        if self.settings.interleave_ranker_model is not None and candidates:
            return self._interleave(turn_id, query, filters, candidates, context)
        if not self.policy.active or not candidates:
            return list(candidates), context
        by_id = {p.id: p for p in candidates}
        ranked = list(by_id)
        snap = self.searcher.snapshot()
        prior = {pid: float(snap.prior[snap.position[pid]]) for pid in ranked if pid in snap.position}
        stats = self.stats() if self.policy.explore_rate > 0 else {}
        shown, decided = decide_exposure(
            ranked, self.n, self.policy, turn_rng(turn_id), stats=stats, prior=prior
        )
        context["exposure"] = decided.model_dump(mode="json")
        rest = [pid for pid in ranked if pid not in set(shown)]
        return [by_id[pid] for pid in shown + rest], context

    def _interleave(
        self,
        turn_id: str,
        query: str,
        filters: Filters,
        candidates: Sequence[Product],
        context: dict[str, Any],
    ) -> tuple[list[Product], dict[str, Any]]:
        """Team-draft the served order (team ``a``) with the rival model's order for the same search
        (team ``b``); no swap or exploration on an interleaved list."""
        from assistant.experiments.variants import TunedSearcher
        from retrieval.interleave import team_draft
        from retrieval.rank import LightGBMRanker
        from retrieval.search import SearchRequest

        if self._rival is None:
            rival = LightGBMRanker(self.settings.interleave_ranker_model)
            self._rival = TunedSearcher(self.searcher, ranker=rival, request_update={})
        found = self._rival.search(
            SearchRequest(
                query=query,
                filters=filters,
                k=len(candidates),
                depth=self.settings.search_depth,
                mmr_lambda=self.settings.mmr_lambda,
            )
        )
        by_id = {p.id: p for p in candidates} | {c.product_id: c.product for c in found.candidates}
        ranked = [p.id for p in candidates]
        served, teams = team_draft(ranked, found.ids, self.n, turn_rng(turn_id, "interleave"))
        context["teams"] = list(teams)
        context["interleaving"] = {"a": "served ranker", "b": str(self.settings.interleave_ranker_model)}
        rest = [pid for pid in ranked if pid not in set(served)]
        return [by_id[pid] for pid in served + rest], context

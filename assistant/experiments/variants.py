"""The assistant a turn runs on under its experiment assignments.

The served :class:`~assistant.turn.Assistant` is the control. A set of assignments whose variants
override settings gets an assistant over the same catalog, session store and snapshot, with:

* the settings overridden (:meth:`VariantAssistants.settings_for`): prompt versions, rerank depth,
  number of recommendations, LLM modes…;
* its own chat model when an LLM setting changes (:data:`~.config.CHAT_MODEL_FIELDS`), else the
  served one (and its circuit breaker);
* a :class:`TunedSearcher` when the ranker or a retrieval setting changes: the served searcher's
  catalog snapshot and query vectors, its own ranker, and the retrieval settings applied to every
  search of the turn.

Assistants are built once per distinct set of overrides and kept.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from assistant.experiments.config import CHAT_MODEL_FIELDS, RANKER_FIELDS, SEARCH_FIELDS, ExperimentsConfig
from retrieval.search import Searcher, SearchRequest, SearchResult

if TYPE_CHECKING:
    from assistant.llm.circuit import CircuitBreaker
    from assistant.settings import Settings
    from assistant.turn import Assistant
    from retrieval.rank import Ranker
    from retrieval.snapshot import CatalogSnapshot

__all__ = ["TunedSearcher", "VariantAssistants"]


class TunedSearcher(Searcher):
    """A searcher sharing ``base``'s snapshot and query vectors, with its own ranker, that applies
    ``request_update`` (SearchRequest fields, e.g. ``rrf_k``) to every request."""

    def __init__(self, base: Searcher, *, ranker: Ranker | None, request_update: Mapping[str, Any]) -> None:
        super().__init__(base.catalog, ranker=ranker)
        self._base = base
        self._update = dict(request_update)

    def snapshot(self) -> CatalogSnapshot:
        return self._base.snapshot()

    def embed_query(self, text: str) -> np.ndarray:
        return self._base.embed_query(text)

    @property
    def ranker(self) -> Ranker:
        return self._ranker if self._ranker is not None else self._base.ranker

    def search(self, request: SearchRequest) -> SearchResult:
        return super().search(request.model_copy(update=self._update) if self._update else request)


class VariantAssistants:
    """Which assistant runs a turn, given the turn's assignments (experiment → variant)."""

    def __init__(self, base: Assistant, config: ExperimentsConfig) -> None:
        self.base = base
        self.config = config
        self._built: dict[tuple[tuple[str, str], ...], Assistant] = {}
        self._lock = threading.Lock()

    def overrides_for(self, assignments: Mapping[str, str]) -> dict[str, Any]:
        """The settings the assigned variants override (experiments never overlap: see the config)."""
        changes: dict[str, Any] = {}
        for e in self.config.running:
            name = assignments.get(e.name)
            if name is not None:
                changes.update(e.variant(name).changes())
        return changes

    def settings_for(self, assignments: Mapping[str, str]) -> Settings:
        changes = self.overrides_for(assignments)
        return self.base.settings.model_copy(update=changes) if changes else self.base.settings

    def assistant_for(self, assignments: Mapping[str, str]) -> Assistant:
        changes = self.overrides_for(assignments)
        if not changes:
            return self.base
        key = tuple(sorted((k, repr(v)) for k, v in changes.items()))
        with self._lock:
            found = self._built.get(key)
            if found is None:
                found = self._build(changes)
                self._built[key] = found
            return found

    def _build(self, changes: Mapping[str, Any]) -> Assistant:
        from assistant.turn import Assistant

        base = self.base
        settings = base.settings.model_copy(update=dict(changes))
        chat_model, description = base.chat_model, base.llm_description
        circuit: CircuitBreaker | None = base.llm_circuit  # a new model gets its own breaker
        if any(f in changes for f in CHAT_MODEL_FIELDS):
            from assistant.llm import describe, make_chat_model

            chat_model, description, circuit = make_chat_model(settings), describe(settings), None
        searcher = base.searcher
        update = {SEARCH_FIELDS[f]: changes[f] for f in SEARCH_FIELDS if f in changes}
        if update or any(f in changes for f in RANKER_FIELDS):
            ranker = None
            if any(f in changes for f in RANKER_FIELDS):
                from retrieval.rank import make_ranker

                ranker = make_ranker(settings)
            searcher = TunedSearcher(base.searcher, ranker=ranker, request_update=update)
        return Assistant(
            settings,
            catalog=base.catalog,
            searcher=searcher,
            store=base.store,
            chat_model=chat_model,
            llm_description=description,
            llm_circuit=circuit,
        )

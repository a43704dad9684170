"""Warm start: a served worker builds its assistant and runs one search before it accepts requests.

Without it the first chats on each worker pay for loading torch and the embedding model, the catalog
release and the ranker (10-15 s with MiniLM), and with several workers behind one port a load
balancer cannot tell which worker is still cold: ``/readyz`` answers from whichever worker accepted
it. A catalog that cannot be searched yet (none ingested) is logged and left to ``/readyz`` to report.
"""

from __future__ import annotations

import logging
import time
from typing import Any

from assistant.api.deps import app_assistant
from assistant.errors import AisleError
from assistant.plan.word_class import word_classes

__all__ = ["warm_up"]

log = logging.getLogger("assistant.api")

WARM_QUERY = "warm up"


def warm_up(state: Any) -> None:
    """Build the assistant of an app's ``state`` and run one search (loads the embedder, the served
    release and the ranker); failures are logged, never raised: the worker still starts."""
    from retrieval.search import SearchRequest

    started = time.perf_counter()
    try:
        assistant = app_assistant(state)
        if not assistant.searcher.snapshot().ids:
            log.warning("warm start skipped (the catalog is empty): ingest a feed; /readyz says not ready")
            return
        assistant.searcher.search(SearchRequest(query=WARM_QUERY, k=5))
        for cached in ("vocabulary", "schema"):  # the planner's catalog views, when the core has them
            getattr(assistant, cached, None)
        word_classes(WARM_QUERY.split()[0])  # the planner's English dictionary (about 2 s to load)
    except (AisleError, OSError, RuntimeError, ValueError) as exc:
        log.warning("warm start skipped (%s): the first requests will load the catalog", type(exc).__name__)
        return
    log.info("warm start: assistant ready in %.1f s", time.perf_counter() - started)

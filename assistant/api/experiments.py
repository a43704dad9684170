"""The API's side of experiments and the served-list log: which variant a turn runs under, and the
record of what it showed.

:func:`run_turn` is what the chat routes (``/v1/chat`` and the OpenAI façade) call: it assigns the
turn's unit (shopper, else session) to each running experiment's variant, runs the turn on that
variant's assistant (:class:`~assistant.experiments.variants.VariantAssistants`), and logs a
:class:`~assistant.events.ServedList` (with the assignments) before the final list reaches the client:
when the ``recommendations`` event passes (``rank`` = position), or, for a turn that only showed
``products`` (a comparison), at ``done``. Events a storefront sends for the turn are attributed to it.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import AsyncIterator, Mapping
from typing import TYPE_CHECKING, Annotated, Any

import anyio.to_thread
from fastapi import Depends, Request

from assistant.api.turns import iterate_turn
from assistant.events import ServedList
from assistant.experiments.assign import assign, assignment_unit
from assistant.experiments.config import ExperimentsConfig, load_experiments
from assistant.schemas import ChatEvent, ChatRequest, DoneEvent, ProductsEvent, RecommendationsEvent

if TYPE_CHECKING:
    from assistant.api.deps import ChatAssistant
    from assistant.experiments.variants import VariantAssistants
    from assistant.settings import Settings
    from assistant.store import SessionStore

__all__ = ["Experiments", "ExperimentsDep", "get_experiments", "log_served", "run_turn"]


class Experiments:
    """The experiments file, loaded once per app, and the variant assistants over the app's assistant."""

    def __init__(self, settings: Settings) -> None:
        self.config: ExperimentsConfig = load_experiments(settings.experiments)
        self._variants: tuple[Any, VariantAssistants] | None = None
        self._lock = threading.Lock()

    def assignments(self, shopper_id: str | None, session_id: str) -> dict[str, str]:
        return assign(self.config.running, assignment_unit(shopper_id, session_id))

    def assistant_for(self, base: ChatAssistant, assignments: Mapping[str, str]) -> ChatAssistant:
        """The assistant the assigned variants run on (``base`` when none overrides a setting)."""
        if not any(self.config.running):
            return base
        from assistant.experiments.variants import VariantAssistants

        with self._lock:
            if self._variants is None or self._variants[0] is not base:
                self._variants = (base, VariantAssistants(base, self.config))  # type: ignore[arg-type]
            variants = self._variants[1]
        return variants.assistant_for(assignments)


def get_experiments(request: Request) -> Experiments:
    return request.app.state.experiments  # type: ignore[no-any-return]


async def run_turn(
    assistant: ChatAssistant, experiments: Experiments, request: ChatRequest
) -> AsyncIterator[ChatEvent]:
    """The turn's events, run under its variants, with what it showed logged (see the module)."""
    store = assistant.store
    session_id = request.session_id or ""
    shopper_id = request.shopper_id
    if shopper_id is None:
        info = await anyio.to_thread.run_sync(store.get_session, session_id)
        shopper_id = info.shopper_id
    assignments = experiments.assignments(shopper_id, session_id)
    runner = experiments.assistant_for(assistant, assignments)
    events = iterate_turn(runner.chat(request))
    async for event in log_served(events, store, assignments, shopper_id):
        yield event


async def log_served(
    events: AsyncIterator[ChatEvent],
    store: SessionStore,
    assignments: Mapping[str, str],
    shopper_id: str | None,
) -> AsyncIterator[ChatEvent]:
    """Pass ``events`` through, recording the turn's :class:`ServedList` before the final list passes;
    closing this closes ``events``."""
    candidates: list[str] = []
    logged = False

    async def record(event: ChatEvent, product_ids: list[str], source: str) -> None:
        served = ServedList(
            turn_id=event.turn_id,
            session_id=event.session_id,
            shopper_id=shopper_id,
            product_ids=product_ids,
            assignments=dict(assignments),
            context={"source": source},
        )
        await anyio.to_thread.run_sync(functools.partial(store.record_served, served))

    try:
        async for event in events:
            if not logged:
                if isinstance(event, RecommendationsEvent) and event.recommendations:
                    ordered = sorted(event.recommendations, key=lambda r: r.rank)
                    await record(event, [r.product.id for r in ordered], "recommendations")
                    logged = True
                elif isinstance(event, ProductsEvent):
                    candidates = [p.id for p in event.products]
                elif isinstance(event, DoneEvent) and candidates:
                    await record(event, candidates, "products")
                    logged = True
            yield event
    finally:
        await events.aclose()  # type: ignore[attr-defined]


ExperimentsDep = Annotated[Experiments, Depends(get_experiments)]

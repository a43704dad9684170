"""Running one turn of the core's sync event generator from async code.

The core's ``Assistant.chat`` is a *sync* generator. :func:`iterate_turn` advances it one event at a
time in a worker thread, and closes it — in a worker thread, shielded from cancellation — whenever
the async side stops early: the client disconnected, the response was cancelled, or an error. Closing
the generator raises ``GeneratorExit`` at its current ``yield``, which is how the core stops a turn.
"""

from __future__ import annotations

import functools
import re
from collections.abc import AsyncIterator, Iterator
from typing import TYPE_CHECKING, TypeVar

import anyio
import anyio.to_thread

from assistant.errors import AisleError

if TYPE_CHECKING:
    from assistant.api.deps import Principal
    from assistant.api.metrics import ApiMetrics
    from assistant.schemas import ChatEvent
    from assistant.store import SessionStore

__all__ = ["error_code", "iterate_turn", "observed", "open_session"]

T = TypeVar("T")

_END = object()
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def _next(events: Iterator[T]) -> T | object:
    # StopIteration must not cross into the event loop (it cannot be raised through a coroutine).
    return next(events, _END)


def _close(events: Iterator[T]) -> None:
    close = getattr(events, "close", None)
    if close is not None:
        close()


async def iterate_turn(events: Iterator[T]) -> AsyncIterator[T]:
    """Yield ``events`` without blocking the event loop; the generator is always closed at the end."""
    try:
        while True:
            # Not abandoned on cancel: a cancelled request waits for the current step, then closes.
            item = await anyio.to_thread.run_sync(_next, events)
            if item is _END:
                return
            yield item  # type: ignore[misc]
    finally:
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(_close, events)


async def observed(events: AsyncIterator[ChatEvent], metrics: ApiMetrics) -> AsyncIterator[ChatEvent]:
    """Pass ``events`` through, feeding each to the metrics; closing this closes ``events``."""
    try:
        async for event in events:
            metrics.observe_event(event)
            yield event
    finally:
        await events.aclose()  # type: ignore[attr-defined]


async def open_session(
    store: SessionStore, caller: Principal, session_id: str | None, shopper_id: str | None
) -> str:
    """The session this turn runs in: issued now when ``session_id`` is ``None``, else one the
    caller's key (and shopper) may continue; ``NotFoundError`` (404) otherwise."""
    open_ = functools.partial(store.open_session, session_id, owner=caller.owner, shopper_id=shopper_id)
    return await anyio.to_thread.run_sync(open_)


def error_code(exc: AisleError) -> str:
    """``LLMError`` → ``llm_error``, ``NotFoundError`` → ``not_found_error`` (an ``error`` event's code)."""
    return _CAMEL.sub("_", type(exc).__name__).lower()

"""Streaming a reply within the turn's deadline: :class:`TextStream` reads the model in a worker
thread, so waiting for the next piece never outlasts the call's time (a hung or dripping stream is
cut at the deadline), and tells the circuit breaker how the stream went.
"""

from __future__ import annotations

import contextvars
import queue
import threading
from collections.abc import Iterator, Sequence
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage

from assistant.errors import LLMError
from assistant.llm.calls import (
    MAX_RETRIES,
    backend_errors,
    call_usage,
    log_failure,
    model_name,
    report,
    retry_wait,
    take_permit,
    with_request_timeout,
)
from assistant.llm.circuit import CircuitBreaker, Permit
from assistant.llm.deadline import Deadline
from assistant.llm.failures import ModelFailure, classify
from assistant.llm.local import LocalChatModel
from assistant.schemas import Usage

__all__ = ["TextStream", "stream_text"]


_CHUNK, _END, _RAISED = "chunk", "end", "raised"


class TextStream(Iterator[str]):
    """Text pieces of one streamed reply; :attr:`usage` and :attr:`text` are set once it is exhausted.

    The reply is read in a worker thread, so waiting for the next piece never outlasts the call's
    time (``deadline`` bounded by ``timeout_s``): a hung or dripping stream is cut there with a
    ``ModelFailure("timeout")``. Backend failures surface as ``ModelFailure`` from iteration; a
    spent budget or an open circuit from the first ``next()``. :meth:`close` stops reading.
    """

    def __init__(
        self,
        model: BaseChatModel,
        messages: Sequence[BaseMessage],
        *,
        timeout_s: float | None = None,
        deadline: Deadline | None = None,
        breaker: CircuitBreaker | None = None,
    ) -> None:
        self._model = model
        self._messages = list(messages)
        self._pieces: list[str] = []
        self._last_usage: AIMessage | None = None
        self._breaker = breaker
        self._permit: Permit | None = None
        self._queue: queue.Queue[tuple[str, Any]] = queue.Queue()
        self._stop = threading.Event()
        self._done = False
        self._refused: ModelFailure | None = None
        self.usage: Usage | None = None
        deadline = deadline or Deadline.unlimited()
        self._call = Deadline(deadline.timeout(timeout_s if timeout_s is not None else float("inf")))
        try:
            self._permit = take_permit(deadline, breaker)
        except ModelFailure as failure:
            self._refused = failure
            return
        thread = threading.Thread(
            target=contextvars.copy_context().run, args=(self._pump,), name="aisle-llm-stream", daemon=True
        )
        thread.start()

    @property
    def text(self) -> str:
        """Everything received so far."""
        return "".join(self._pieces)

    def __iter__(self) -> TextStream:
        return self

    # --- the worker ----------------------------------------------------------------------------
    def _open(self) -> Iterator[Any]:
        remaining = self._call.remaining()
        if isinstance(self._model, LocalChatModel):
            return self._model.stream(self._messages, timeout_s=min(remaining, self._model.timeout_s))
        return with_request_timeout(self._model, remaining).stream(self._messages)

    def _pump(self) -> None:
        retries = MAX_RETRIES
        while True:
            started = False
            chunks: Iterator[Any] = iter(())
            try:
                chunks = self._open()
                for chunk in chunks:
                    started = True
                    if self._stop.is_set():
                        return
                    self._queue.put((_CHUNK, chunk))
                self._queue.put((_END, None))
                return
            except BaseException as exc:  # handed to the reader, which decides what it means
                if self._stop.is_set():
                    return
                if not started and isinstance(exc, backend_errors()):
                    wait = retry_wait(classify(exc), self._call, retries)
                    if wait is not None:
                        retries -= 1
                        if self._stop.wait(wait):
                            return
                        continue
                self._queue.put((_RAISED, exc))
                return
            finally:
                close = getattr(chunks, "close", None)
                if close is not None:
                    close()

    # --- the reader ----------------------------------------------------------------------------
    def _finish(self, failure: ModelFailure | None) -> None:
        self._done = True
        self._stop.set()
        report(self._breaker, self._permit, failure)

    def __next__(self) -> str:
        if self._refused is not None:
            refused, self._refused, self._done = self._refused, None, True
            raise refused
        while not self._done:
            remaining = self._call.remaining()
            try:
                if remaining <= 0:
                    raise queue.Empty
                kind, item = self._queue.get(timeout=None if remaining == float("inf") else remaining)
            except queue.Empty:
                failure = ModelFailure("timeout", detail=f"stream cut after {len(self._pieces)} pieces")
                self._finish(failure)
                raise failure from None
            if kind == _END:
                self._finish(None)
                self.usage = call_usage(self._model, self._messages, self._last_usage, self.text)
                break
            if kind == _RAISED:
                error: BaseException = item
                if not isinstance(error, (*backend_errors(), LLMError)):
                    self.close()
                    raise error
                failure = classify(error)
                log_failure(f"{model_name(self._model)} stream", failure)
                self._finish(failure)
                raise failure from error
            if getattr(item, "usage_metadata", None):
                self._last_usage = AIMessage(content="", usage_metadata=item.usage_metadata)
            piece = item.text
            if piece:
                self._pieces.append(piece)
                return piece
        raise StopIteration

    def close(self) -> None:
        """Stop reading (the worker closes the HTTP stream at its next piece); idempotent."""
        if not self._done:
            self._done = True
            self._stop.set()
            if self._permit is not None and self._breaker is not None:
                self._breaker.abandoned(self._permit)


def stream_text(
    model: BaseChatModel,
    messages: Sequence[BaseMessage],
    *,
    timeout_s: float | None = None,
    deadline: Deadline | None = None,
    breaker: CircuitBreaker | None = None,
) -> TextStream:
    """Stream ``model``'s reply as text pieces (token by token where the backend allows), within
    ``deadline`` (bounded by ``timeout_s``) and through ``breaker``."""
    return TextStream(model, messages, timeout_s=timeout_s, deadline=deadline, breaker=breaker)

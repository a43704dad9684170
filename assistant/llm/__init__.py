"""Aisle's LLM boundary: LangChain's ``BaseChatModel``, one of three backends picked by ``AISLE_LLM``.

- ``local``: llama.cpp over a GGUF (default SmolLM2-135M-Instruct) — :mod:`assistant.llm.local`
- ``openai``: the OpenAI API or any OpenAI-compatible server — :mod:`assistant.llm.openai`
- ``fake``: a scripted model for tests — :mod:`assistant.llm.fake`

:func:`structured` returns a validated pydantic instance or raises ``LLMError``;
:func:`stream_text` yields text pieces and records the call's :class:`~assistant.schemas.Usage`.
Both draw their time from a turn's :class:`~assistant.llm.deadline.Deadline` and go through the
assistant's :class:`~assistant.llm.circuit.CircuitBreaker`; what they raise is a
:class:`~assistant.llm.failures.ModelFailure`, whose message is safe to show (upstream detail only
at DEBUG).
"""

from __future__ import annotations

import concurrent.futures
import contextvars
import logging
import queue
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, get_args

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from pydantic import BaseModel, ValidationError

from assistant.errors import ConfigurationError, LLMError
from assistant.llm.circuit import CircuitBreaker, Permit
from assistant.llm.deadline import Deadline
from assistant.llm.failures import ModelFailure, classify
from assistant.llm.fake import FakeChatModel, ScriptItem
from assistant.llm.local import LocalChatModel, default_model_path, make_local_model
from assistant.llm.openai import make_openai_model
from assistant.schemas import Usage
from assistant.settings import LLMName
from assistant.tokens import TiktokenCounter, TokenCounter, count_messages, estimate_cost

if TYPE_CHECKING:
    from assistant.settings import Settings

__all__ = [
    "BACKENDS",
    "CircuitBreaker",
    "Deadline",
    "ModelFailure",
    "TextStream",
    "describe",
    "make_chat_model",
    "stream_text",
    "structured",
    "token_counter",
]

log = logging.getLogger(__name__)

M = TypeVar("M", bound=BaseModel)

BACKENDS: tuple[str, ...] = get_args(LLMName)


def _check_backend(name: str) -> None:
    if name not in BACKENDS:
        raise ConfigurationError(f"unknown AISLE_LLM={name!r}: choose one of {', '.join(BACKENDS)}")


def make_chat_model(settings: Settings, *, script: Iterable[ScriptItem] | None = None) -> BaseChatModel:
    """The chat model ``settings.llm`` names. Nothing heavy loads here: llama.cpp loads on first call.

    ``script`` seeds the fake backend (only); an empty fake answers ``fake.DEFAULT_REPLY``.
    """
    name = settings.llm
    _check_backend(name)
    if script is not None and name != "fake":
        raise ConfigurationError(f"a reply script only applies to AISLE_LLM=fake, not {name!r}")
    if name == "fake":
        if settings.fake_script == "realistic":
            from assistant.llm.scripted import realistic_reply

            return FakeChatModel(script or (), responder=realistic_reply, model_name="fake-realistic")
        return FakeChatModel(script or ())
    if name == "openai":
        return make_openai_model(settings)
    return make_local_model(settings)


def describe(settings: Settings) -> str:
    """A one-line description of the configured model for the UI and the ``done`` event."""
    name = settings.llm
    _check_backend(name)
    if name == "fake":
        return "fake: scripted replies"
    if name == "openai":
        where = "" if settings.llm_base_url is None else f" @ {settings.llm_base_url}"
        return f"openai: {settings.llm_model}{where}"
    path = settings.local_model_path or default_model_path()
    stem = path.name.removesuffix(".gguf")
    model, _, quant = stem.rpartition(".")
    return f"local: {model} {quant}" if model else f"local: {stem}"


# --- errors & usage -----------------------------------------------------------------------------


def _backend_errors() -> tuple[type[BaseException], ...]:
    """Exceptions a backend raises for a failed call. ``openai`` and ``httpx`` count only once something
    imported them (a stream cut mid-body raises httpx's error straight through the openai SDK)."""
    errors: tuple[type[BaseException], ...] = (ValueError, RuntimeError, OSError)
    openai = sys.modules.get("openai")
    if openai is not None:
        errors += (openai.OpenAIError,)
    httpx = sys.modules.get("httpx")
    if httpx is not None:
        errors += (httpx.HTTPError, httpx.StreamError)
    return errors


def _model_name(model: BaseChatModel) -> str:
    return str(getattr(model, "model_name", None) or type(model).__name__)


def token_counter(model: BaseChatModel) -> TokenCounter:
    """Counts tokens as ``model`` does: llama.cpp's own tokenizer locally (loads it), tiktoken otherwise."""
    if isinstance(model, LocalChatModel):
        return model.counter()
    return TiktokenCounter(_model_name(model))


def _usage(
    model: BaseChatModel, messages: Sequence[BaseMessage], reply: AIMessage | None, text: str
) -> Usage:
    """Usage from the backend's ``usage_metadata``, else counted with the model's tokenizer."""
    meta = reply.usage_metadata if reply is not None else None
    if meta:
        prompt, completion = meta["input_tokens"], meta["output_tokens"]
    else:
        counter = token_counter(model)
        prompt, completion = count_messages(messages, counter=counter), counter.count(text)
    usage = Usage(prompt_tokens=prompt, completion_tokens=completion, llm_calls=1)
    usage.cost_usd = estimate_cost(_model_name(model), usage)
    return usage


# --- limits: the turn's deadline and the circuit breaker ----------------------------------------

R = TypeVar("R")

_RETRY_BACKOFF_S = 0.5
"""Wait before retrying a server error or a dropped connection (a 429 waits its ``Retry-After``)."""
_MAX_RETRIES = 1


def _permit(deadline: Deadline, breaker: CircuitBreaker | None) -> Permit | None:
    """Leave to call the model now; raises ``ModelFailure`` (budget spent / circuit open) instead."""
    if deadline.spent:
        raise ModelFailure("budget_spent")
    if breaker is None:
        return None
    permit = breaker.acquire()
    if permit is None:
        raise ModelFailure("circuit_open")
    return permit


def _report(breaker: CircuitBreaker | None, permit: Permit | None, failure: ModelFailure | None) -> None:
    """Tell the breaker how the call went: invalid output still means the model is up."""
    if breaker is None or permit is None:
        return
    if failure is None or not failure.unavailable:
        breaker.succeeded(permit)
    else:
        breaker.failed(permit)


def _retry_wait(failure: ModelFailure, deadline: Deadline, retries_left: int) -> float | None:
    """Seconds to wait before one more try, or ``None``: never past the turn's deadline."""
    if retries_left <= 0 or not failure.retryable:
        return None
    wait = failure.retry_after_s if failure.retry_after_s is not None else _RETRY_BACKOFF_S
    if not deadline.allows_wait(wait):
        log.info("not retrying (%s): waiting %.1fs would pass the turn's deadline", failure, wait)
        return None
    log.info("retrying in %.1fs: %s", wait, failure)
    return wait


def _log_failure(what: str, failure: ModelFailure) -> None:
    """Upstream detail (error bodies, model output) only at DEBUG."""
    if failure.detail:
        log.debug("%s: %s (%s)", what, failure, failure.detail)


# --- structured output --------------------------------------------------------------------------


def _with_timeout(call: Callable[[], R], timeout_s: float) -> R:
    """Run ``call`` in a worker thread and give up after ``timeout_s`` (the worker finishes on its own)."""
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="aisle-llm")
    future = pool.submit(contextvars.copy_context().run, call)
    try:
        return future.result(timeout=timeout_s)
    except concurrent.futures.TimeoutError as exc:
        raise ModelFailure("timeout", detail=f"no answer within {timeout_s:.2f}s") from exc
    finally:
        pool.shutdown(wait=False)


def _invalid(schema: type[BaseModel], detail: object, raw: AIMessage | None = None) -> ModelFailure:
    if raw is not None and raw.response_metadata.get("finish_reason") == "length":
        log.warning(
            "a %s reply was cut off at AISLE_LLM_MAX_TOKENS: bound string lengths in the schema or raise it",
            schema.__name__,
        )
    return ModelFailure("invalid_output", detail=f"not a valid {schema.__name__}: {_short(detail)}")


def _validate_text(raw: AIMessage, schema: type[M]) -> M:
    try:
        return schema.model_validate_json(raw.text)
    except ValidationError as exc:
        raise _invalid(schema, exc, raw) from exc


def _short(exc: object, limit: int = 300) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _structured_text(
    model: BaseChatModel, messages: list[BaseMessage], schema: type[M], timeout_s: float
) -> tuple[M, AIMessage]:
    """Local and fake backends: constrain (llama.cpp grammar) when possible, then validate the text."""
    kwargs: dict[str, Any] = {}
    if isinstance(model, LocalChatModel):
        kwargs["response_format"] = {"type": "json_object", "schema": schema.model_json_schema()}
        kwargs["timeout_s"] = timeout_s
    reply = model.invoke(messages, **kwargs)
    if not isinstance(reply, AIMessage):
        raise ModelFailure("invalid_output", detail=f"{type(reply).__name__}, not an AI message")
    return _validate_text(reply, schema), reply


def _is_json_schema_unsupported(exc: BaseException) -> bool:
    """The server said it cannot do ``response_format: json_schema`` (HTTP 400 naming it)."""
    openai = sys.modules.get("openai")
    text = str(exc)
    if openai is not None and isinstance(exc, openai.BadRequestError):
        return "json_schema" in text or "response_format" in text
    # langchain-openai rewrites OpenAI's own wording of that 400 into this ValueError.
    return isinstance(exc, ValueError) and "does not support OpenAI's structured output" in text


def _with_request_timeout(model: BaseChatModel, timeout_s: float) -> BaseChatModel:
    """``model`` whose HTTP requests time out after ``timeout_s`` (what is left of the turn's budget),
    so a request never outlives the turn that waits for it. ``ChatOpenAI`` passes ``model_kwargs`` to
    the client's ``create()``, where ``timeout`` is a per-request option; a shallow copy shares the
    client."""
    kwargs = getattr(model, "model_kwargs", None)
    if not isinstance(kwargs, dict) or timeout_s == float("inf"):
        return model
    return model.model_copy(update={"model_kwargs": {**kwargs, "timeout": timeout_s}})


def _structured_langchain(
    model: BaseChatModel, messages: list[BaseMessage], schema: type[M], timeout_s: float
) -> tuple[M, AIMessage]:
    """Any other chat model (``ChatOpenAI``): LangChain's ``with_structured_output`` in json_schema mode.

    A server without json_schema support (it answers 400 naming it) is retried once in json_mode,
    logged: then the prompt itself must describe the JSON shape.
    """
    model = _with_request_timeout(model, timeout_s)
    result: dict[str, Any]
    try:
        result = model.with_structured_output(schema, method="json_schema", include_raw=True).invoke(messages)  # type: ignore[assignment]
    except _backend_errors() as exc:
        if not _is_json_schema_unsupported(exc):
            raise
        log.warning("%s rejected json_schema output (HTTP 400); retrying in json_mode", _model_name(model))
        log.debug("json_schema rejection: %s", _short(exc))
        result = model.with_structured_output(schema, method="json_mode", include_raw=True).invoke(messages)  # type: ignore[assignment]
    raw = result["raw"]
    if not isinstance(raw, AIMessage):
        raise ModelFailure("invalid_output", detail=f"{type(raw).__name__}, not an AI message")
    if result.get("parsing_error") is not None:
        raise _invalid(schema, result["parsing_error"], raw)
    parsed = result.get("parsed")
    if not isinstance(parsed, schema):  # e.g. the parser returned nothing or a dict: validate it ourselves
        parsed = _validate_text(raw, schema)
    return parsed, raw


def structured(
    model: BaseChatModel,
    messages: Sequence[BaseMessage],
    schema: type[M],
    *,
    timeout_s: float,
    deadline: Deadline | None = None,
    breaker: CircuitBreaker | None = None,
) -> tuple[M, Usage]:
    """Ask ``model`` for a ``schema`` instance; returns it validated with the call's usage.

    The call's timeout is what is left of ``deadline`` (a turn's budget), bounded by ``timeout_s``;
    a server error or a 429 is retried once only if its wait fits in the budget. ``breaker`` is told
    how the call went and, while open, refuses it. Raises :class:`ModelFailure` (an ``LLMError``
    whose message is safe to show) for a timeout, a backend error, invalid output, a spent budget
    or an open circuit.
    """
    deadline = deadline or Deadline.unlimited()
    msgs = list(messages)
    permit = _permit(deadline, breaker)

    def call() -> tuple[M, AIMessage]:
        timeout = deadline.timeout(timeout_s)
        if isinstance(model, LocalChatModel | FakeChatModel):
            return _structured_text(model, msgs, schema, timeout)
        return _structured_langchain(model, msgs, schema, timeout)

    retries = _MAX_RETRIES
    while True:
        try:
            instance, raw = _with_timeout(call, deadline.timeout(timeout_s))
        except BaseException as exc:
            if not isinstance(exc, (*_backend_errors(), LLMError, ValidationError)):
                if permit is not None and breaker is not None:
                    breaker.abandoned(permit)
                raise
            failure = _invalid(schema, exc) if isinstance(exc, ValidationError) else classify(exc)
            _log_failure(f"{_model_name(model)} structured call", failure)
            wait = _retry_wait(failure, deadline, retries)
            if wait is None:
                _report(breaker, permit, failure)
                raise failure from exc
            retries -= 1
            time.sleep(wait)
            continue
        _report(breaker, permit, None)
        return instance, _usage(model, msgs, raw, raw.text)


# --- streaming ----------------------------------------------------------------------------------

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
            self._permit = _permit(deadline, breaker)
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
        return _with_request_timeout(self._model, remaining).stream(self._messages)

    def _pump(self) -> None:
        retries = _MAX_RETRIES
        while True:
            started = False
            chunks = self._open()
            try:
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
                if not started and isinstance(exc, _backend_errors()):
                    wait = _retry_wait(classify(exc), self._call, retries)
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
        _report(self._breaker, self._permit, failure)

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
                self.usage = _usage(self._model, self._messages, self._last_usage, self.text)
                break
            if kind == _RAISED:
                error: BaseException = item
                if not isinstance(error, (*_backend_errors(), LLMError)):
                    self.close()
                    raise error
                failure = classify(error)
                _log_failure(f"{_model_name(self._model)} stream", failure)
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

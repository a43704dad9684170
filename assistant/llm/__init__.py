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
import json
import logging
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, get_args

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from pydantic import BaseModel, ValidationError

from assistant.errors import ConfigurationError, LLMError
from assistant.llm.calls import (
    MAX_RETRIES,
    backend_errors,
    call_usage,
    log_failure,
    model_name,
    report,
    retry_wait,
    take_permit,
    token_counter,
    with_request_timeout,
)
from assistant.llm.circuit import CircuitBreaker
from assistant.llm.deadline import Deadline
from assistant.llm.failures import ModelFailure, classify
from assistant.llm.fake import FakeChatModel, ScriptItem
from assistant.llm.local import LocalChatModel, default_model_path, make_local_model
from assistant.llm.openai import make_openai_model
from assistant.llm.streaming import TextStream, stream_text
from assistant.schemas import Usage
from assistant.settings import LLMName

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
    "structured_json",
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
        timing = {"first_token_s": settings.fake_first_token_s, "tokens_per_s": settings.fake_tokens_per_s}
        if settings.fake_script == "realistic":
            from assistant.llm.scripted import realistic_reply

            return FakeChatModel(
                script or (), responder=realistic_reply, model_name="fake-realistic", **timing
            )
        if settings.fake_script == "plans":
            from assistant.llm.replay import PlanReplay

            if settings.fake_plans is None:
                raise ConfigurationError(
                    "AISLE_FAKE_SCRIPT=plans needs AISLE_FAKE_PLANS (a recorded plans file)"
                )
            return FakeChatModel(
                script or (),
                responder=PlanReplay.load(settings.fake_plans),
                model_name="fake-replay",
                **timing,
            )
        return FakeChatModel(script or (), **timing)
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


R = TypeVar("R")

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


def _structured_langchain(
    model: BaseChatModel, messages: list[BaseMessage], schema: type[M], timeout_s: float
) -> tuple[M, AIMessage]:
    """Any other chat model (``ChatOpenAI``): LangChain's ``with_structured_output`` in json_schema mode.

    A server without json_schema support (it answers 400 naming it) is retried once in json_mode,
    logged: then the prompt itself must describe the JSON shape.
    """
    model = with_request_timeout(model, timeout_s)
    result: dict[str, Any]
    try:
        result = model.with_structured_output(schema, method="json_schema", include_raw=True).invoke(messages)  # type: ignore[assignment]
    except backend_errors() as exc:
        if not _is_json_schema_unsupported(exc):
            raise
        log.warning("%s rejected json_schema output (HTTP 400); retrying in json_mode", model_name(model))
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


def _limited(
    model: BaseChatModel,
    msgs: list[BaseMessage],
    call: Callable[[float], tuple[R, AIMessage]],
    *,
    what: str,
    invalid: Callable[[ValidationError], ModelFailure],
    timeout_s: float,
    deadline: Deadline,
    breaker: CircuitBreaker | None,
) -> tuple[R, Usage]:
    """One model call within the turn's limits: the deadline, the circuit breaker, one retry only when
    its wait fits, each request timed out with what is left of the budget."""
    permit = take_permit(deadline, breaker)
    retries = MAX_RETRIES
    while True:
        try:
            instance, raw = _with_timeout(
                lambda: call(deadline.timeout(timeout_s)), deadline.timeout(timeout_s)
            )
        except BaseException as exc:
            if not isinstance(exc, (*backend_errors(), LLMError, ValidationError)):
                if permit is not None and breaker is not None:
                    breaker.abandoned(permit)
                raise
            failure = invalid(exc) if isinstance(exc, ValidationError) else classify(exc)
            log_failure(f"{model_name(model)} {what}", failure)
            wait = retry_wait(failure, deadline, retries)
            if wait is None:
                report(breaker, permit, failure)
                raise failure from exc
            retries -= 1
            time.sleep(wait)
            continue
        report(breaker, permit, None)
        return instance, call_usage(model, msgs, raw, raw.text)


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
    msgs = list(messages)

    def call(timeout: float) -> tuple[M, AIMessage]:
        if isinstance(model, LocalChatModel | FakeChatModel):
            return _structured_text(model, msgs, schema, timeout)
        return _structured_langchain(model, msgs, schema, timeout)

    return _limited(
        model,
        msgs,
        call,
        what="structured call",
        invalid=lambda exc: _invalid(schema, exc),
        timeout_s=timeout_s,
        deadline=deadline or Deadline.unlimited(),
        breaker=breaker,
    )


def _json_mode_messages(msgs: list[BaseMessage], schema: dict[str, Any]) -> list[BaseMessage]:
    """JSON mode (no schema enforcement): the schema goes into the prompt, after the system message."""
    from langchain_core.messages import SystemMessage

    note = SystemMessage(
        content="Answer with one JSON object that validates against this JSON Schema:\n"
        + json.dumps(schema, separators=(",", ":"))
    )
    return [*msgs[:1], note, *msgs[1:]]


def _json_reply(
    model: BaseChatModel,
    msgs: list[BaseMessage],
    response_format: dict[str, Any],
    timeout: float,
    *,
    json_schema: bool = True,
) -> tuple[str, AIMessage]:
    schema = response_format["json_schema"]["schema"]
    if not json_schema and not isinstance(model, LocalChatModel):
        reply = with_request_timeout(model, timeout).invoke(
            _json_mode_messages(msgs, schema), response_format={"type": "json_object"}
        )
    elif isinstance(model, LocalChatModel):  # llama.cpp constrains by a grammar built from the schema
        reply = model.invoke(
            msgs, response_format={"type": "json_object", "schema": schema}, timeout_s=timeout
        )
    elif isinstance(model, FakeChatModel):
        reply = model.invoke(msgs, response_format=response_format)
    else:
        timed = with_request_timeout(model, timeout)
        try:
            reply = timed.invoke(msgs, response_format=response_format)
        except backend_errors() as exc:
            if not _is_json_schema_unsupported(exc):
                raise
            log.warning("%s rejected json_schema output (HTTP 400); retrying in JSON mode", model_name(model))
            log.debug("json_schema rejection: %s", _short(exc))
            reply = timed.invoke(_json_mode_messages(msgs, schema), response_format={"type": "json_object"})
    if not isinstance(reply, AIMessage):
        raise ModelFailure("invalid_output", detail=f"{type(reply).__name__}, not an AI message")
    if reply.response_metadata.get("finish_reason") == "length":
        raise ModelFailure("invalid_output", detail="the JSON reply was cut off at AISLE_LLM_MAX_TOKENS")
    start, end = reply.text.find("{"), reply.text.rfind("}")
    if start < 0 or end < start:  # not even an object to read values from: the caller falls back
        raise ModelFailure("invalid_output", detail="the reply holds no JSON object")
    return reply.text, reply


def structured_json(
    model: BaseChatModel,
    messages: Sequence[BaseMessage],
    response_format: dict[str, Any],
    *,
    timeout_s: float,
    deadline: Deadline | None = None,
    breaker: CircuitBreaker | None = None,
    json_schema: bool = True,
) -> tuple[str, Usage]:
    """Ask ``model`` for JSON by a ``json_schema`` ``response_format`` built at run time (e.g. from the
    catalog, :meth:`assistant.plan.plan_schema.PlanSchema.response_format`); returns the reply text,
    which the caller checks value by value (a strict endpoint follows the schema, but a JSON-mode
    fallback or a hostile model need not).

    OpenAI-compatible servers get the schema as ``response_format`` (strict); one that answers 400
    naming it is asked once more in JSON mode with the schema in the prompt (logged); with
    ``json_schema=False`` (the model profile says the endpoint lacks it) JSON mode is asked at once.
    llama.cpp is constrained by the schema's grammar. Same limits and failures as :func:`structured`.
    """
    msgs = list(messages)
    return _limited(
        model,
        msgs,
        lambda timeout: _json_reply(model, msgs, response_format, timeout, json_schema=json_schema),
        what="JSON call",
        invalid=lambda exc: ModelFailure("invalid_output", detail=_short(exc)),
        timeout_s=timeout_s,
        deadline=deadline or Deadline.unlimited(),
        breaker=breaker,
    )

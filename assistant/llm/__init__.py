"""Aisle's LLM boundary: LangChain's ``BaseChatModel``, one of three backends picked by ``AISLE_LLM``.

- ``local``: llama.cpp over a GGUF (default SmolLM2-135M-Instruct) — :mod:`assistant.llm.local`
- ``openai``: the OpenAI API or any OpenAI-compatible server — :mod:`assistant.llm.openai`
- ``fake``: a scripted model for tests — :mod:`assistant.llm.fake`

:func:`structured` returns a validated pydantic instance or raises ``LLMError``;
:func:`stream_text` yields text pieces and records the call's :class:`~assistant.schemas.Usage`.
"""

from __future__ import annotations

import concurrent.futures
import contextvars
import logging
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any, TypeVar, get_args

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from pydantic import BaseModel, ValidationError

from assistant.errors import ConfigurationError, LLMError
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
    """Exceptions a backend raises for a failed call. ``openai`` counts only once something imported it."""
    errors: tuple[type[BaseException], ...] = (ValueError, RuntimeError, OSError)
    openai = sys.modules.get("openai")
    if openai is not None:
        errors += (openai.OpenAIError,)
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


# --- structured output --------------------------------------------------------------------------

R = TypeVar("R")


def _with_timeout(call: Callable[[], R], timeout_s: float) -> R:
    """Run ``call`` in a worker thread and give up after ``timeout_s`` (the worker finishes on its own)."""
    pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="aisle-llm")
    future = pool.submit(contextvars.copy_context().run, call)
    try:
        return future.result(timeout=timeout_s)
    except concurrent.futures.TimeoutError as exc:
        raise LLMError(f"the model did not answer within {timeout_s:g}s (AISLE_LLM_TIMEOUT_S)") from exc
    finally:
        pool.shutdown(wait=False)


def _invalid(schema: type[BaseModel], detail: object, raw: AIMessage | None = None) -> LLMError:
    hint = ""
    if raw is not None and raw.response_metadata.get("finish_reason") == "length":
        hint = (
            " (the reply was cut off at AISLE_LLM_MAX_TOKENS: bound string lengths in the schema or raise it)"
        )
    return LLMError(f"the model's reply is not a valid {schema.__name__}{hint}: {_short(detail)}")


def _validate_text(raw: AIMessage, schema: type[M]) -> M:
    try:
        return schema.model_validate_json(raw.text)
    except ValidationError as exc:
        raise _invalid(schema, exc, raw) from exc


def _short(exc: object, limit: int = 300) -> str:
    text = " ".join(str(exc).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _structured_text(
    model: BaseChatModel, messages: list[BaseMessage], schema: type[M]
) -> tuple[M, AIMessage]:
    """Local and fake backends: constrain (llama.cpp grammar) when possible, then validate the text."""
    kwargs: dict[str, Any] = {}
    if isinstance(model, LocalChatModel):
        kwargs["response_format"] = {"type": "json_object", "schema": schema.model_json_schema()}
    reply = model.invoke(messages, **kwargs)
    if not isinstance(reply, AIMessage):
        raise LLMError(f"the model returned {type(reply).__name__}, not an AI message")
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
    model: BaseChatModel, messages: list[BaseMessage], schema: type[M]
) -> tuple[M, AIMessage]:
    """Any other chat model (``ChatOpenAI``): LangChain's ``with_structured_output`` in json_schema mode.

    A server without json_schema support (it answers 400 naming it) is retried once in json_mode,
    logged: then the prompt itself must describe the JSON shape.
    """
    result: dict[str, Any]
    try:
        result = model.with_structured_output(schema, method="json_schema", include_raw=True).invoke(messages)  # type: ignore[assignment]
    except _backend_errors() as exc:
        if not _is_json_schema_unsupported(exc):
            raise
        log.warning(
            "%s rejected json_schema output (%s); retrying in json_mode", _model_name(model), _short(exc)
        )
        result = model.with_structured_output(schema, method="json_mode", include_raw=True).invoke(messages)  # type: ignore[assignment]
    raw = result["raw"]
    if not isinstance(raw, AIMessage):
        raise LLMError(f"the model returned {type(raw).__name__}, not an AI message")
    if result.get("parsing_error") is not None:
        raise _invalid(schema, result["parsing_error"], raw)
    parsed = result.get("parsed")
    if not isinstance(parsed, schema):  # e.g. the parser returned nothing or a dict: validate it ourselves
        parsed = _validate_text(raw, schema)
    return parsed, raw


def structured(
    model: BaseChatModel, messages: Sequence[BaseMessage], schema: type[M], *, timeout_s: float
) -> tuple[M, Usage]:
    """Ask ``model`` for a ``schema`` instance; returns it validated with the call's usage.

    Raises ``LLMError`` for a timeout, a backend error, or a reply that is not valid JSON for ``schema``.
    """
    msgs = list(messages)

    def call() -> tuple[M, AIMessage]:
        if isinstance(model, LocalChatModel | FakeChatModel):
            return _structured_text(model, msgs, schema)
        return _structured_langchain(model, msgs, schema)

    try:
        instance, raw = _with_timeout(call, timeout_s)
    except LLMError:
        raise
    except ValidationError as exc:  # the OpenAI SDK validates the reply itself while parsing it
        raise _invalid(schema, exc) from exc
    except _backend_errors() as exc:
        raise LLMError(f"{_model_name(model)} failed: {_short(exc)}") from exc
    return instance, _usage(model, msgs, raw, raw.text)


# --- streaming ----------------------------------------------------------------------------------


class TextStream(Iterator[str]):
    """Text pieces of one streamed reply; :attr:`usage` and :attr:`text` are set once it is exhausted.

    Backend failures surface as ``LLMError`` from iteration.
    """

    def __init__(self, model: BaseChatModel, messages: Sequence[BaseMessage]) -> None:
        self._model = model
        self._messages = list(messages)
        self._chunks = model.stream(self._messages)
        self._pieces: list[str] = []
        self._last_usage: AIMessage | None = None
        self.usage: Usage | None = None

    @property
    def text(self) -> str:
        """Everything received so far."""
        return "".join(self._pieces)

    def __iter__(self) -> TextStream:
        return self

    def __next__(self) -> str:
        while True:
            try:
                chunk = next(self._chunks)
            except StopIteration:
                if self.usage is None:
                    self.usage = _usage(self._model, self._messages, self._last_usage, self.text)
                raise
            except LLMError:
                raise
            except _backend_errors() as exc:
                raise LLMError(f"{_model_name(self._model)} failed while streaming: {_short(exc)}") from exc
            if getattr(chunk, "usage_metadata", None):
                self._last_usage = AIMessage(content="", usage_metadata=chunk.usage_metadata)
            piece = chunk.text
            if piece:
                self._pieces.append(piece)
                return piece


def stream_text(model: BaseChatModel, messages: Sequence[BaseMessage]) -> TextStream:
    """Stream ``model``'s reply as text pieces (token by token where the backend allows)."""
    return TextStream(model, messages)

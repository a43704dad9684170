"""What every LLM call goes through, whichever way it is made (structured or streamed): the errors a
backend raises, the usage it reports, and its limits — the turn's :class:`Deadline`, the
:class:`CircuitBreaker`, one retry only when its wait fits in the budget, and a per-request timeout.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Sequence

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage

from assistant.llm.circuit import CircuitBreaker, Permit
from assistant.llm.deadline import Deadline
from assistant.llm.failures import ModelFailure
from assistant.llm.local import LocalChatModel
from assistant.schemas import Usage
from assistant.tokens import TiktokenCounter, TokenCounter, count_messages, estimate_cost

__all__ = [
    "MAX_RETRIES",
    "RETRY_BACKOFF_S",
    "backend_errors",
    "call_usage",
    "log_failure",
    "model_name",
    "report",
    "retry_wait",
    "take_permit",
    "token_counter",
    "with_request_timeout",
]

log = logging.getLogger("assistant.llm")


def backend_errors() -> tuple[type[BaseException], ...]:
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


def model_name(model: BaseChatModel) -> str:
    return str(getattr(model, "model_name", None) or type(model).__name__)


def token_counter(model: BaseChatModel) -> TokenCounter:
    """Counts tokens as ``model`` does: llama.cpp's own tokenizer locally (loads it), tiktoken otherwise."""
    if isinstance(model, LocalChatModel):
        return model.counter()
    return TiktokenCounter(model_name(model))


def call_usage(
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
    usage.cost_usd = estimate_cost(model_name(model), usage)
    return usage


RETRY_BACKOFF_S = 0.5
"""Wait before retrying a server error or a dropped connection (a 429 waits its ``Retry-After``)."""
MAX_RETRIES = 1


def take_permit(deadline: Deadline, breaker: CircuitBreaker | None) -> Permit | None:
    """Leave to call the model now; raises ``ModelFailure`` (budget spent / circuit open) instead."""
    if deadline.spent:
        raise ModelFailure("budget_spent")
    if breaker is None:
        return None
    permit = breaker.acquire()
    if permit is None:
        raise ModelFailure("circuit_open")
    return permit


def report(breaker: CircuitBreaker | None, permit: Permit | None, failure: ModelFailure | None) -> None:
    """Tell the breaker how the call went: invalid output still means the model is up."""
    if breaker is None or permit is None:
        return
    if failure is None or not failure.unavailable:
        breaker.succeeded(permit)
    else:
        breaker.failed(permit)


def retry_wait(failure: ModelFailure, deadline: Deadline, retries_left: int) -> float | None:
    """Seconds to wait before one more try, or ``None``: never past the turn's deadline."""
    if retries_left <= 0 or not failure.retryable:
        return None
    wait = failure.retry_after_s if failure.retry_after_s is not None else RETRY_BACKOFF_S
    if not deadline.allows_wait(wait):
        log.info("not retrying (%s): waiting %.1fs would pass the turn's deadline", failure, wait)
        return None
    log.info("retrying in %.1fs: %s", wait, failure)
    return wait


def log_failure(what: str, failure: ModelFailure) -> None:
    """Upstream detail (error bodies, model output) only at DEBUG."""
    if failure.detail:
        log.debug("%s: %s (%s)", what, failure, failure.detail)


def with_request_timeout(model: BaseChatModel, timeout_s: float) -> BaseChatModel:
    """``model`` whose HTTP requests time out after ``timeout_s`` (what is left of the turn's budget),
    so a request never outlives the turn that waits for it. ``ChatOpenAI`` passes ``model_kwargs`` to
    the client's ``create()``, where ``timeout`` is a per-request option; a shallow copy shares the
    client."""
    kwargs = getattr(model, "model_kwargs", None)
    if not isinstance(kwargs, dict) or timeout_s == float("inf"):
        return model
    return model.model_copy(update={"model_kwargs": {**kwargs, "timeout": timeout_s}})

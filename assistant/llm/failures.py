"""What went wrong with an LLM call, said safely: :class:`ModelFailure` and :func:`classify`.

Upstream error bodies and raw model output are untrusted text: they may hold internal hostnames,
stack traces, keys echoed back, or whatever a prompt injection made the model write. A failure's
``str()`` is therefore only a short fixed description ("the model timed out", "the model returned
HTTP 500"); the upstream detail is kept on :attr:`ModelFailure.detail` for DEBUG logging only.

The kind also says whether the failure is evidence that the model is *unavailable* (it counts
towards the circuit breaker, :mod:`assistant.llm.circuit`) or that it answered badly (invalid
output: the model is up, so it does not), and whether the call was never made (budget spent,
circuit open).
"""

from __future__ import annotations

import json
import logging
import sys
import time
from email.utils import parsedate_to_datetime
from typing import Literal

from pydantic import ValidationError

from assistant.errors import LLMError

__all__ = ["FailureKind", "ModelFailure", "classify", "describe_failure", "retry_after_s"]

log = logging.getLogger(__name__)

FailureKind = Literal[
    "timeout",
    "rate_limited",
    "http_error",
    "unreachable",
    "malformed",
    "backend",
    "invalid_output",
    "budget_spent",
    "circuit_open",
]

_DESCRIPTIONS: dict[str, str] = {
    "timeout": "the model timed out",
    "rate_limited": "the model was rate-limited (HTTP 429)",
    "http_error": "the model returned HTTP {status}",
    "unreachable": "the connection to the model server failed",
    "malformed": "the model server sent a malformed or incomplete response",
    "backend": "the model backend failed",
    "invalid_output": "the model's output was invalid",
    "budget_spent": "the turn's time budget for the model was spent",
    "circuit_open": "the model is paused after repeated failures",
}

_UNAVAILABLE = frozenset({"timeout", "rate_limited", "http_error", "unreachable", "malformed", "backend"})
_SKIPPED = frozenset({"budget_spent", "circuit_open"})
_DETAIL_CHARS = 500


class ModelFailure(LLMError):
    """An LLM call that failed (or was not made); ``str()`` is safe to show and to log at INFO."""

    def __init__(
        self,
        kind: FailureKind,
        *,
        status: int | None = None,
        detail: str = "",
        retry_after_s: float | None = None,
    ) -> None:
        self.kind: FailureKind = kind
        self.status = status
        self.detail = detail[:_DETAIL_CHARS]
        self.retry_after_s = retry_after_s
        super().__init__(self.description)

    @property
    def description(self) -> str:
        text = _DESCRIPTIONS[self.kind]
        return text.format(status=self.status if self.status is not None else "an error")

    @property
    def unavailable(self) -> bool:
        """Evidence that the model cannot be used right now (counts towards the circuit breaker)."""
        return self.kind in _UNAVAILABLE

    @property
    def skipped(self) -> bool:
        """The call was never made (the turn's budget was spent, or the circuit is open)."""
        return self.kind in _SKIPPED

    @property
    def retryable(self) -> bool:
        """Worth one more try within the budget: rate limits, server errors, a dropped connection."""
        if self.kind == "http_error":
            return self.status is not None and (self.status >= 500 or self.status in (408, 409))
        return self.kind in ("rate_limited", "unreachable")


def _detail(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {' '.join(str(exc).split())}"


def classify(exc: BaseException) -> ModelFailure:
    """The :class:`ModelFailure` for any error a backend raised (openai, httpx, llama.cpp, validation)."""
    if isinstance(exc, ModelFailure):
        return exc
    detail = _detail(exc)
    openai = sys.modules.get("openai")
    if openai is not None:
        if isinstance(exc, openai.APITimeoutError):
            return ModelFailure("timeout", detail=detail)
        if isinstance(exc, openai.RateLimitError):
            return ModelFailure("rate_limited", status=429, detail=detail, retry_after_s=retry_after_s(exc))
        if isinstance(exc, openai.APIStatusError):
            return ModelFailure("http_error", status=exc.status_code, detail=detail)
        if isinstance(exc, openai.APIConnectionError):
            return ModelFailure("unreachable", detail=detail)
        if isinstance(exc, openai.APIResponseValidationError):
            return ModelFailure("malformed", detail=detail)
    httpx = sys.modules.get("httpx")
    if httpx is not None:
        if isinstance(exc, httpx.TimeoutException):
            return ModelFailure("timeout", detail=detail)
        if isinstance(exc, httpx.RemoteProtocolError | httpx.DecodingError):
            return ModelFailure("malformed", detail=detail)
        if isinstance(exc, httpx.TransportError):
            return ModelFailure("unreachable", detail=detail)
    if isinstance(exc, json.JSONDecodeError):
        return ModelFailure("malformed", detail=detail)
    if isinstance(exc, ValidationError):
        return ModelFailure("invalid_output", detail=detail)
    if isinstance(exc, TimeoutError) or "timed out" in str(exc).lower():
        return ModelFailure("timeout", detail=detail)
    return ModelFailure("backend", detail=detail)


def describe_failure(exc: BaseException) -> str:
    """``skipped (…)`` or ``failed (…)`` with the safe description, for a ``degraded`` event."""
    failure = classify(exc)
    return f"{'skipped' if failure.skipped else 'failed'} ({failure})"


def retry_after_s(exc: BaseException) -> float | None:
    """Seconds a 429 asks to wait (``retry-after-ms``, ``retry-after`` in seconds or as an HTTP date)."""
    response = getattr(exc, "response", None)
    headers = getattr(response, "headers", None)
    if headers is None:
        return None
    try:
        if (ms := headers.get("retry-after-ms")) is not None:
            return max(float(ms) / 1000.0, 0.0)
        value = headers.get("retry-after")
        if value is None:
            return None
        try:
            return max(float(value), 0.0)
        except ValueError:
            return max(parsedate_to_datetime(value).timestamp() - time.time(), 0.0)
    except (TypeError, ValueError, OverflowError):
        log.debug("unreadable Retry-After header on a 429")
        return None

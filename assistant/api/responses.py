"""Error bodies and the OpenAPI ``responses`` each route declares, so the spec lists every status a
route can answer with (checked by the schemathesis test in ``tests/api``).

Routes say which statuses apply: ``responses=errors(401, 404, 422, 429, 503)``.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field

__all__ = [
    "SESSION_HEADER",
    "SESSION_HEADER_DOC",
    "ErrorPublic",
    "OpenAIErrorBody",
    "OpenAIErrorPublic",
    "TurnErrorPublic",
    "ValidationErrorItem",
    "ValidationErrorPublic",
    "errors",
]

SESSION_HEADER = "X-Aisle-Session-Id"
"""The response header that carries the turn's session id (server-issued when the request had none)."""
SESSION_HEADER_DOC = {
    SESSION_HEADER: {
        "description": "The turn's session id (issued now if none was sent).",
        "schema": {"type": "string"},
    }
}


class ErrorPublic(BaseModel):
    """An error answer: what went wrong and what to do, and the core's error class when it has one."""

    detail: str
    error: str | None = Field(default=None, description="The error's class, for errors from the core.")


class TurnErrorPublic(ErrorPublic):
    """A turn that failed before anything was streamed (``POST /v1/chat``)."""

    code: str | None = Field(default=None, description="The `error` event's code, e.g. `llm_error`.")
    session_id: str | None = None


class ValidationErrorItem(BaseModel):
    model_config = ConfigDict(extra="allow")

    loc: list[str | int]
    msg: str
    type: str


class ValidationErrorPublic(BaseModel):
    """A request that is not valid: one item per problem (``loc`` names the field), or, for a feed the
    catalog refused, one message."""

    detail: list[ValidationErrorItem] | str
    error: str | None = None


class OpenAIErrorBody(BaseModel):
    message: str
    type: str
    code: str | None = None


class OpenAIErrorPublic(BaseModel):
    """The OpenAI error shape (``POST /v1/chat/completions`` when the turn fails)."""

    error: OpenAIErrorBody


_DESCRIPTIONS: dict[int, tuple[str, type[BaseModel]]] = {
    401: ("Missing or unknown API key (`Authorization: Bearer <key>`).", ErrorPublic),
    403: ("The key's role may not use this route (it needs an admin key).", ErrorPublic),
    404: ("Not found, or not visible to this key / shopper.", ErrorPublic),
    413: ("The request body is over the size limit (the message names the setting).", ErrorPublic),
    415: ("The body is not sent as JSON: send `Content-Type: application/json`.", ErrorPublic),
    422: (
        "Invalid request: each item names the field (`loc`) and the problem, e.g. a non-finite number.",
        ValidationErrorPublic,
    ),
    429: (
        "Too many requests for this key, or too many failed authentications from this address; "
        "see `Retry-After`.",
        ErrorPublic,
    ),
    502: ("The turn failed; the body has the error code and message.", TurnErrorPublic),
    503: ("Not configured or the catalog is unavailable; the message says what to do.", ErrorPublic),
}

_RETRY_AFTER = {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "string"}}}


def errors(*statuses: int, **models: type[BaseModel]) -> dict[int | str, dict[str, Any]]:
    """The ``responses`` entries for ``statuses``; ``models`` overrides a body model by status
    (``s502=OpenAIErrorPublic``)."""
    out: dict[int | str, dict[str, Any]] = {}
    for status in statuses:
        description, model = _DESCRIPTIONS[status]
        entry: dict[str, Any] = {"description": description, "model": models.get(f"s{status}", model)}
        if status == 429:
            entry["headers"] = _RETRY_AFTER
        out[status] = entry
    return out

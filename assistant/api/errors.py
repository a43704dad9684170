"""The one place Aisle's errors become HTTP statuses."""

from __future__ import annotations

import math
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from assistant.errors import (
    AisleError,
    CatalogError,
    ConfigurationError,
    FeedError,
    LLMError,
    NotFoundError,
    StoreUnavailableError,
)

__all__ = ["STATUS_BY_ERROR", "install_error_handlers", "status_for"]

STATUS_BY_ERROR: tuple[tuple[type[AisleError], int], ...] = (
    (NotFoundError, 404),
    (FeedError, 422),
    (ConfigurationError, 503),
    (CatalogError, 503),
    (StoreUnavailableError, 503),
    (LLMError, 502),
)


def status_for(exc: AisleError) -> int:
    for cls, status in STATUS_BY_ERROR:
        if isinstance(exc, cls):
            return status
    return 500


async def _aisle_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, AisleError)
    return JSONResponse({"detail": str(exc), "error": type(exc).__name__}, status_code=status_for(exc))


async def _unexpected_error(_request: Request, _exc: Exception) -> JSONResponse:
    # Nothing of the exception reaches the client; the server re-raises it after this response, so
    # its traceback is logged there.
    return JSONResponse({"detail": "internal server error", "error": "internal_error"}, status_code=500)


_ECHO_CHARS = 200


def _json_safe(value: Any) -> Any:
    """``value`` as valid, short JSON: non-finite floats spelled as strings (``NaN`` is not JSON),
    lone surrogates escaped (they cannot be encoded as UTF-8), long strings cut."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, str):
        short = value if len(value) <= _ECHO_CHARS else value[:_ECHO_CHARS] + "…"
        return short.encode("utf-8", "backslashreplace").decode("utf-8")
    if isinstance(value, dict):
        return {_json_safe(str(key)): _json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    return value


def _problem(error: dict[str, Any]) -> dict[str, Any]:
    """One validation problem for the client: the rejected ``input`` is echoed only when it is a
    scalar (never a whole object back); a JSON syntax error says what is wrong in ``msg``."""
    out = {key: item for key, item in error.items() if key not in ("input", "url")}
    if not isinstance(error.get("input"), dict | list):
        out["input"] = error.get("input")
    ctx = error.get("ctx")
    if isinstance(ctx, dict):
        out["ctx"] = {key: str(item) if isinstance(item, Exception) else item for key, item in ctx.items()}
        if error.get("type") == "json_invalid" and ctx.get("error"):
            out["msg"] = f"invalid JSON: {ctx['error']}"
    return _json_safe(jsonable_encoder(out))  # type: ignore[no-any-return]


async def _invalid_request(_request: Request, exc: Exception) -> JSONResponse:
    # FastAPI's own handler echoes the rejected input back; a body holding NaN or Infinity (which
    # Python's JSON parser accepts) then made the 422 itself fail to encode and became a 500.
    assert isinstance(exc, RequestValidationError)
    return JSONResponse({"detail": [_problem(error) for error in exc.errors()]}, status_code=422)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(RequestValidationError, _invalid_request)
    app.add_exception_handler(AisleError, _aisle_error)
    app.add_exception_handler(Exception, _unexpected_error)

"""The one place Aisle's errors become HTTP statuses."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from assistant.errors import (
    AisleError,
    CatalogError,
    ConfigurationError,
    FeedError,
    LLMError,
    NotFoundError,
)

__all__ = ["STATUS_BY_ERROR", "install_error_handlers", "status_for"]

STATUS_BY_ERROR: tuple[tuple[type[AisleError], int], ...] = (
    (NotFoundError, 404),
    (FeedError, 422),
    (ConfigurationError, 503),
    (CatalogError, 503),
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


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(AisleError, _aisle_error)
    app.add_exception_handler(Exception, _unexpected_error)

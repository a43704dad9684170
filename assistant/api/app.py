"""The app factory: ``create_app(settings=None, assistant=None)``. Nothing is built at import.

The assistant is built from the settings on the first request that needs it (or injected, e.g. by
tests and ``aisle demo``). With no ``AISLE_API_KEYS`` the API runs in open dev mode and says so
loudly at startup.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.openapi.utils import get_openapi
from pydantic import TypeAdapter

from assistant.api.deps import ChatAssistant
from assistant.api.errors import install_error_handlers
from assistant.api.experiments import Experiments
from assistant.api.limits import BodySizeLimitMiddleware, RateLimiter
from assistant.api.logs import redact_access_log
from assistant.api.metrics import ApiMetrics, MetricsMiddleware
from assistant.api.openai_schemas import ChatCompletionChunkPublic
from assistant.api.responses import SESSION_HEADER
from assistant.api.routers import (
    catalog,
    chat,
    events,
    feedback,
    health,
    openai_compat,
    products,
    sessions,
    shoppers,
)
from assistant.schemas import ChatEvent
from assistant.settings import Settings, get_settings

__all__ = ["OPEN_MODE_WARNING", "create_app"]

log = logging.getLogger("assistant.api")

OPEN_MODE_WARNING = (
    "AISLE_API_KEYS is not set: the API is in OPEN DEV MODE — every route, including admin catalog "
    "upserts and shopper export/delete, is open to anyone who can reach it. Set AISLE_API_KEYS, e.g. "
    '\'{"sk-shop1": "storefront", "sk-ops": "admin"}\', before exposing it.'
)


def _openapi(app: FastAPI) -> dict[str, Any]:
    """The generated schema plus the SSE payload models (``ChatEvent`` and its variants, chunks)."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    ref = "#/components/schemas/{model}"
    for name, adapter in (
        ("ChatEvent", TypeAdapter(ChatEvent)),
        ("ChatCompletionChunkPublic", TypeAdapter(ChatCompletionChunkPublic)),
    ):
        extra = adapter.json_schema(ref_template=ref, mode="serialization")
        for def_name, definition in extra.pop("$defs", {}).items():
            components.setdefault(def_name, definition)
        components.setdefault(name, extra)
    app.openapi_schema = schema
    return schema


def create_app(settings: Settings | None = None, assistant: ChatAssistant | None = None) -> FastAPI:
    """A new API app over ``settings`` (default: :func:`get_settings`) and an optional ``assistant``."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        redact_access_log()
        if not settings.api_keys:
            log.warning(OPEN_MODE_WARNING)
        else:
            roles = sorted(settings.api_keys.values())
            log.info("API keys configured: %d (%s)", len(roles), ", ".join(roles))
        yield

    app = FastAPI(
        title="Aisle",
        version="0.1.0",
        description=(
            "A conversational shopping assistant over your catalog. Send `Authorization: Bearer <key>`; "
            "`storefront` keys chat, search, read products and sessions and send feedback; `admin` keys "
            "can also upsert the catalog and export/delete shopper data."
        ),
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.assistant = assistant
    app.state.metrics = ApiMetrics()
    app.state.experiments = Experiments(settings)  # reads AISLE_EXPERIMENTS: a bad file fails here
    app.state.rate_limiter = RateLimiter(settings.rate_limit_per_minute)
    app.state.auth_failures = RateLimiter(settings.auth_failures_per_minute)

    install_error_handlers(app)
    for module in (chat, openai_compat, feedback, events, sessions, shoppers, products, catalog, health):
        app.include_router(module.router)

    # Added last = outermost: metrics see every status, then CORS, then the body size limit.
    app.add_middleware(
        BodySizeLimitMiddleware,
        max_bytes=settings.max_request_bytes,
        per_path={
            "/v1/catalog": (settings.max_upsert_bytes, "AISLE_MAX_UPSERT_BYTES"),
            "/v1/events": (settings.max_events_bytes, "AISLE_MAX_EVENTS_BYTES"),
        },
    )
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST", "DELETE", "OPTIONS"],
            allow_headers=["Authorization", "Content-Type", "Accept"],
            expose_headers=[SESSION_HEADER],  # so browser clients can read the issued session id
        )
    app.add_middleware(MetricsMiddleware, metrics=app.state.metrics)
    app.openapi = lambda: _openapi(app)  # type: ignore[method-assign]
    return app

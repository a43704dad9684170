"""FastAPI dependencies, as ``Annotated`` aliases the routers use.

* ``SettingsDep``: the app's :class:`~assistant.settings.Settings` (given to :func:`create_app`).
* ``AssistantDep``: the core, built on first use; tests override :func:`get_assistant`.
* ``StorefrontKey`` / ``AdminKey``: the caller's :class:`Principal` after the bearer key, its role
  and the per-key rate limit were checked (401 / 403 / 429). A client address whose keys failed
  ``AISLE_AUTH_FAILURES_PER_MINUTE`` times gets a 429 before its key is looked at. With no keys
  configured every route is open (dev mode) and the caller is an anonymous admin, limited per
  client address.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Annotated, Any, Protocol

from fastapi import Depends, HTTPException, Request, Security
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, SecretStr

from assistant.api.limits import RateLimiter
from assistant.api.metrics import ApiMetrics
from assistant.schemas import ChatEvent, ChatRequest, FeedbackRequest
from assistant.settings import ApiRole, Settings

if TYPE_CHECKING:
    from assistant.store import SessionStore
    from retrieval.components import Catalog
    from retrieval.search import Searcher

__all__ = [
    "AdminKey",
    "AssistantDep",
    "ChatAssistant",
    "MetricsDep",
    "Principal",
    "SettingsDep",
    "StorefrontKey",
    "app_assistant",
    "get_assistant",
    "get_metrics",
    "get_settings_dep",
]


class ChatAssistant(Protocol):
    """What the API needs of :class:`assistant.turn.Assistant` (the seam tests fake)."""

    settings: Settings
    catalog: Catalog
    searcher: Searcher
    store: SessionStore
    llm_description: str

    def chat(self, request: ChatRequest) -> Iterator[ChatEvent]: ...

    def record_feedback(self, feedback: FeedbackRequest) -> Any: ...


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings  # type: ignore[no-any-return]


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


def get_metrics(request: Request) -> ApiMetrics:
    return request.app.state.metrics  # type: ignore[no-any-return]


MetricsDep = Annotated[ApiMetrics, Depends(get_metrics)]

_build_lock = threading.Lock()


def get_assistant(request: Request) -> ChatAssistant:
    """The app's assistant; built from the app's settings the first time a route needs it."""
    return app_assistant(request.app.state)


def app_assistant(state: Any) -> ChatAssistant:
    """The assistant of an app's ``state``, built from its settings on first use (thread-safe)."""
    if state.assistant is None:
        with _build_lock:
            if state.assistant is None:
                from assistant.turn import build_assistant

                state.assistant = build_assistant(state.settings)
    return state.assistant  # type: ignore[no-any-return]


AssistantDep = Annotated[ChatAssistant, Depends(get_assistant)]


class Principal(BaseModel):
    """Who is calling: a short fingerprint of the key (never the key itself), its role, and the
    namespace its sessions live in (``owner``: the fingerprint; ``open`` in open dev mode)."""

    key_id: str
    role: ApiRole
    owner: str


_bearer = HTTPBearer(auto_error=False, description="An API key from AISLE_API_KEYS.")
_RANK: dict[ApiRole, int] = {"storefront": 0, "admin": 1}


def _fingerprint(key: str) -> str:
    return "key-" + hashlib.sha256(key.encode()).hexdigest()[:10]


def _unauthorized(detail: str) -> HTTPException:
    return HTTPException(401, detail=detail, headers={"WWW-Authenticate": "Bearer"})


def _too_many(wait: float, detail: str) -> HTTPException:
    return HTTPException(429, detail=detail, headers={"Retry-After": RateLimiter.retry_after(wait)})


def _authenticate(
    request: Request, settings: Settings, credentials: HTTPAuthorizationCredentials | None
) -> Principal:
    client = request.client.host if request.client else "unknown"
    if not settings.api_keys:
        return Principal(key_id=f"open-{client}", role="admin", owner="open")
    failures: RateLimiter = request.app.state.auth_failures
    wait = failures.wait(client)
    if wait is not None:
        raise _too_many(
            wait,
            f"too many failed authentications from this address (AISLE_AUTH_FAILURES_PER_MINUTE="
            f"{failures.per_minute}); retry later with a valid key",
        )
    role = settings.api_keys.get(SecretStr(credentials.credentials)) if credentials is not None else None
    if credentials is None or role is None:
        failures.acquire(client)
        if credentials is None:
            raise _unauthorized("missing API key: send 'Authorization: Bearer <key>'")
        raise _unauthorized("unknown API key")
    key_id = _fingerprint(credentials.credentials)
    return Principal(key_id=key_id, role=role, owner=key_id)


def _require(role: ApiRole) -> Callable[..., Principal]:
    def dependency(
        request: Request,
        settings: SettingsDep,
        credentials: Annotated[HTTPAuthorizationCredentials | None, Security(_bearer)],
    ) -> Principal:
        principal = _authenticate(request, settings, credentials)
        if _RANK[principal.role] < _RANK[role]:
            raise HTTPException(403, detail=f"this route needs an {role} key; yours is {principal.role}")
        limiter: RateLimiter = request.app.state.rate_limiter
        wait = limiter.acquire(principal.key_id)
        if wait is not None:
            raise _too_many(
                wait,
                f"rate limit of {limiter.per_minute} requests/minute exceeded (AISLE_RATE_LIMIT_PER_MINUTE)",
            )
        return principal

    dependency.__name__ = f"require_{role}_key"
    return dependency


StorefrontKey = Annotated[Principal, Depends(_require("storefront"))]
AdminKey = Annotated[Principal, Depends(_require("admin"))]

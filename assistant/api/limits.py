"""In-process limits at the HTTP edge: token buckets (requests per key, failed authentications per
client address) and a request body size cap (one for most routes, larger ones for named paths)."""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["BodySizeLimitMiddleware", "RateLimiter"]


@dataclass
class _Bucket:
    tokens: float
    updated: float


class RateLimiter:
    """A token bucket per key: ``per_minute`` events a minute, bursts up to ``per_minute``.

    ``per_minute == 0`` disables limiting. ``clock`` is injectable (tests). :meth:`acquire` spends a
    token; :meth:`wait` only looks (used for failed authentications: a client address that spent its
    tokens is refused before its key is even checked, so guessing cannot continue at full speed).
    """

    def __init__(self, per_minute: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self._clock = clock
        self._buckets: dict[str, _Bucket] = {}
        self._lock = threading.Lock()

    def acquire(self, key: str) -> float | None:
        """Take one token for ``key``; ``None`` if allowed, else the seconds until a token is free."""
        return self._take(key, spend=True)

    def wait(self, key: str) -> float | None:
        """``None`` if ``key`` has a token left (none is taken), else the seconds until it has one."""
        return self._take(key, spend=False)

    def _take(self, key: str, *, spend: bool) -> float | None:
        if self.per_minute <= 0:
            return None
        rate = self.per_minute / 60.0
        now = self._clock()
        with self._lock:
            bucket = self._buckets.get(key)
            if bucket is None:
                if not spend:
                    return None
                bucket = self._buckets[key] = _Bucket(tokens=float(self.per_minute), updated=now)
            bucket.tokens = min(float(self.per_minute), bucket.tokens + (now - bucket.updated) * rate)
            bucket.updated = now
            if bucket.tokens >= 1.0:
                if spend:
                    bucket.tokens -= 1.0
                return None
            return (1.0 - bucket.tokens) / rate

    @staticmethod
    def retry_after(seconds: float) -> str:
        return str(max(1, math.ceil(seconds)))


def _reason(size: str, limit: int, setting: str) -> str:
    return f"request body is {size} bytes; the limit is {limit} bytes ({setting})"


class BodySizeLimitMiddleware:
    """Refuse request bodies above ``max_bytes`` with a 413 that says the limit and the setting.

    ``per_path`` maps an exact path to its own ``(limit, setting name)`` (the admin catalog upsert
    takes larger bodies). A declared ``Content-Length`` is checked before anything is read; a chunked
    body is counted as it arrives and raises an ``HTTPException(413)`` that the app's exception
    handling turns into the answer.
    """

    def __init__(
        self, app: ASGIApp, max_bytes: int, per_path: Mapping[str, tuple[int, str]] | None = None
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.per_path = dict(per_path or {})

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, setting = self.per_path.get(scope.get("path", ""), (self.max_bytes, "AISLE_MAX_REQUEST_BYTES"))
        for name, value in scope.get("headers", []):
            if name == b"content-length" and value.isdigit() and int(value) > limit:
                response = JSONResponse({"detail": _reason(value.decode(), limit, setting)}, status_code=413)
                await response(scope, receive, send)
                return

        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise HTTPException(413, detail=_reason(f"more than {limit}", limit, setting))
            return message

        await self.app(scope, limited_receive, send)

"""A tiny OpenAI-compatible chat server for tests: FastAPI + uvicorn in a thread on 127.0.0.1.

It answers ``POST /v1/chat/completions`` streaming (SSE chunks, one word each, then a usage chunk when
``stream_options.include_usage`` asks) and non-streaming, replies from a script (else a default), and
records every request body it got. ``reject_json_schema`` makes it answer 400 to
``response_format: json_schema`` like servers without structured output do.

``mode`` makes it misbehave the ways real upstreams do (see :data:`MODES`): ``hang`` never answers,
``http_500`` fails with an error body, ``rate_limited`` answers 429 with ``Retry-After``, ``malformed``
sends a body (or stream chunks) that is not JSON, ``truncated`` drops the connection mid-body, and
``drip`` sends one word every ``drip_s`` seconds (non-streaming replies wait for all of them).

Tests get it through the ``stub_server`` (one per module) and ``stub`` (reset for each test) fixtures
of ``tests/conftest.py``, and settings pointing at it from :func:`stub_settings` /
:func:`deadline_settings`.
"""

from __future__ import annotations

import asyncio
import json
import re
import socket
import threading
import time
from collections import deque
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, get_args

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse

from assistant.settings import Settings

DEFAULT_REPLY = "Hello from the test server"
SECRET_DETAIL = "UPSTREAM-SECRET-7f3a internal stack at db-prod-3"
"""Put in every error body the stub sends: it must never reach a client-facing event or an INFO log."""

Mode = Literal["ok", "hang", "http_500", "rate_limited", "malformed", "truncated", "drip"]
MODES: tuple[str, ...] = get_args(Mode)


@dataclass
class OpenAIStub:
    """Script and recordings of the stub server."""

    url: str = ""
    replies: deque[str] = field(default_factory=deque)
    requests: list[dict[str, Any]] = field(default_factory=list)
    received_at: list[float] = field(default_factory=list)
    """``time.monotonic()`` when each request arrived (aligned with :attr:`requests`)."""
    chunk_delay_s: float = 0.0
    reject_json_schema: bool = False
    mode: Mode = "ok"
    stream_mode: Mode | None = None
    """Overrides ``mode`` for streaming requests (e.g. quick structured calls, then a dripping answer)."""
    retry_after_s: int = 20
    drip_s: float = 2.0
    hung_up: int = 0
    """Hanging requests whose client gave up and closed the connection."""
    closing: threading.Event = field(default_factory=threading.Event)

    def add(self, *replies: str) -> None:
        self.replies.extend(replies)

    def reset(self) -> None:
        """Back to a well-behaved server with no script and no recorded requests."""
        self.replies.clear()
        self.requests.clear()
        self.received_at.clear()
        self.chunk_delay_s = 0.0
        self.reject_json_schema = False
        self.mode = "ok"
        self.stream_mode = None
        self.retry_after_s = 20
        self.drip_s = 2.0
        self.hung_up = 0

    def _next(self) -> str:
        return self.replies.popleft() if self.replies else DEFAULT_REPLY

    async def sleep(self, seconds: float) -> None:
        """Sleep, but wake up when the server shuts down (so a hung request never blocks teardown)."""
        end = time.monotonic() + seconds
        while not self.closing.is_set() and time.monotonic() < end:
            await asyncio.sleep(min(0.05, max(end - time.monotonic(), 0)))


def _usage(body: dict[str, Any], text: str) -> dict[str, int]:
    prompt = sum(len(str(m.get("content", "")).split()) for m in body.get("messages", []))
    completion = len(text.split())
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def _chunk(model: str, delta: dict[str, Any], finish: str | None = None, **extra: Any) -> str:
    payload = {
        "id": "chatcmpl-stub",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}] if delta is not None else [],
        **extra,
    }
    return f"data: {json.dumps(payload)}\n\n"


def _completion(body: dict[str, Any], model: str, text: str) -> dict[str, Any]:
    message = {"role": "assistant", "content": text}
    return {
        "id": "chatcmpl-stub",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
        "usage": _usage(body, text),
    }


def _error(status: int, message: str, **headers: str) -> JSONResponse:
    body = {"error": {"message": f"{message}: {SECRET_DETAIL}", "type": "server_error", "code": status}}
    return JSONResponse(body, status_code=status, headers=headers)


class _Dropped(Exception):
    """Raised inside a response body: uvicorn then drops the connection without finishing it."""


def _misbehave(stub: OpenAIStub, mode: Mode, body: dict[str, Any], model: str, text: str) -> Response | None:
    """The response of a misbehaving mode that does not depend on streaming, else ``None``."""
    if mode == "http_500":
        return _error(500, "the model server crashed")
    if mode == "rate_limited":
        return _error(429, "rate limit reached", **{"Retry-After": str(stub.retry_after_s)})
    if mode == "malformed" and not body.get("stream"):
        return Response('{"id": "chatcmpl-stub", "choices": [{"message": ', media_type="application/json")
    if mode == "truncated" and not body.get("stream"):
        whole = json.dumps(_completion(body, model, text))

        async def half() -> AsyncIterator[str]:
            yield whole[: len(whole) // 2]
            raise _Dropped("connection dropped mid-body")

        return StreamingResponse(half(), media_type="application/json")
    return None


def build_app(stub: OpenAIStub) -> FastAPI:
    app = FastAPI()

    @app.post("/v1/chat/completions")
    async def chat(request: Request) -> Any:
        body = await request.json()
        stub.received_at.append(time.monotonic())
        stub.requests.append(body)
        model = body.get("model", "stub")
        response_format = body.get("response_format") or {}
        if stub.reject_json_schema and response_format.get("type") == "json_schema":
            error = {
                "message": "'response_format' of type 'json_schema' is not supported",
                "type": "invalid_request",
            }
            return JSONResponse({"error": error}, status_code=400)
        mode = stub.stream_mode if body.get("stream") and stub.stream_mode is not None else stub.mode
        if mode == "hang":
            end = time.monotonic() + 3600
            while not stub.closing.is_set() and time.monotonic() < end:
                if await request.is_disconnected():
                    stub.hung_up += 1
                    break
                await asyncio.sleep(0.05)
            return _error(504, "gave up")
        text = stub._next()
        bad = _misbehave(stub, mode, body, model, text)
        if bad is not None:
            return bad
        if not body.get("stream"):
            if mode == "drip":
                await stub.sleep(stub.drip_s * len(text.split()))
            return _completion(body, model, text)
        delay = stub.drip_s if mode == "drip" else stub.chunk_delay_s

        async def events() -> AsyncIterator[str]:
            yield _chunk(model, {"role": "assistant", "content": ""})
            for i, piece in enumerate(re.findall(r"\S+\s*", text)):
                await stub.sleep(delay)
                if mode == "truncated" and i == 2:
                    raise _Dropped("connection dropped mid-stream")
                if mode == "malformed" and i == 1:
                    yield "data: {not json at all\n\n"
                    continue
                yield _chunk(model, {"content": piece})
            yield _chunk(model, {}, "stop")
            if (body.get("stream_options") or {}).get("include_usage"):
                yield _chunk(model, None, usage=_usage(body, text))
            yield "data: [DONE]\n\n"

        return StreamingResponse(events(), media_type="text/event-stream")

    return app


@contextmanager
def serve_stub() -> Iterator[OpenAIStub]:
    """Run the stub on a free 127.0.0.1 port for the duration of the block."""
    stub = OpenAIStub()
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(
        build_app(stub), log_level="critical", lifespan="off", timeout_graceful_shutdown=1
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the OpenAI stub server did not start")
        time.sleep(0.01)
    stub.url = f"http://127.0.0.1:{port}/v1"
    try:
        yield stub
    finally:
        stub.closing.set()
        server.should_exit = True
        thread.join(timeout=5)
        sock.close()


# --- the setup the LLM tests share ----------------------------------------------------------------


def stub_settings(stub: OpenAIStub, data_dir: Path | None = None, **overrides: Any) -> Settings:
    """Settings whose chat model is the stub (``AISLE_LLM=openai`` at its URL, model ``stub-7b``),
    with the hash embedder, no ``.env`` file, on ``data_dir`` (default: ``AISLE_DATA_DIR``'s);
    ``overrides`` win."""
    values: dict[str, Any] = {
        **({"data_dir": data_dir} if data_dir is not None else {}),
        "embedder": "hash",
        "llm": "openai",
        "llm_base_url": stub.url,
        "llm_model": "stub-7b",
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[arg-type]


def deadline_settings(stub: OpenAIStub, root: Path, *, budget_s: float, **overrides: Any) -> Settings:
    """:func:`stub_settings` for turns under a deadline (``budget_s``; a generous per-call timeout; the
    circuit opens after two failures and stays open) over the demo dishwashers and headphones,
    ingested once into ``root/data``."""
    from http_support import DEMO_CATEGORIES, open_demo_catalog

    open_demo_catalog(root, DEMO_CATEGORIES).close()
    return stub_settings(
        stub,
        root / "data",
        llm_timeout_s=10.0,
        turn_budget_s=budget_s,
        llm_breaker_failures=2,
        llm_breaker_cooldown_s=60.0,
        **overrides,
    )

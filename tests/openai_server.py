"""A tiny OpenAI-compatible chat server for tests: FastAPI + uvicorn in a thread on 127.0.0.1.

It answers ``POST /v1/chat/completions`` streaming (SSE chunks, one word each, then a usage chunk when
``stream_options.include_usage`` asks) and non-streaming, replies from a script (else a default), and
records every request body it got. ``reject_json_schema`` makes it answer 400 to
``response_format: json_schema`` like servers without structured output do.
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
from typing import Any

import uvicorn
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, StreamingResponse

DEFAULT_REPLY = "Hello from the test server"


@dataclass
class OpenAIStub:
    """Script and recordings of the stub server."""

    url: str = ""
    replies: deque[str] = field(default_factory=deque)
    requests: list[dict[str, Any]] = field(default_factory=list)
    chunk_delay_s: float = 0.0
    reject_json_schema: bool = False

    def add(self, *replies: str) -> None:
        self.replies.extend(replies)

    def _next(self) -> str:
        return self.replies.popleft() if self.replies else DEFAULT_REPLY


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


def build_app(stub: OpenAIStub) -> FastAPI:
    app = FastAPI()

    @app.post("/v1/chat/completions")
    async def chat(request: Request) -> Any:
        body = await request.json()
        stub.requests.append(body)
        model = body.get("model", "stub")
        response_format = body.get("response_format") or {}
        if stub.reject_json_schema and response_format.get("type") == "json_schema":
            error = {
                "message": "'response_format' of type 'json_schema' is not supported",
                "type": "invalid_request",
            }
            return JSONResponse({"error": error}, status_code=400)
        text = stub._next()
        if not body.get("stream"):
            message = {"role": "assistant", "content": text}
            return {
                "id": "chatcmpl-stub",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": model,
                "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
                "usage": _usage(body, text),
            }

        async def events() -> AsyncIterator[str]:
            yield _chunk(model, {"role": "assistant", "content": ""})
            for piece in re.findall(r"\S+\s*", text):
                await asyncio.sleep(stub.chunk_delay_s)
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
    server = uvicorn.Server(uvicorn.Config(build_app(stub), log_level="warning", lifespan="off"))
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
        server.should_exit = True
        thread.join(timeout=5)
        sock.close()

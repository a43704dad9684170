"""Helpers shared by the API, UI and browser tests: a scripted fake assistant, a tiny SSE parser,
and a real uvicorn server on a free loopback port."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import uvicorn
from fastapi import FastAPI

from assistant.schemas import (
    ChatEvent,
    ChatRequest,
    DegradedEvent,
    DoneEvent,
    ErrorEvent,
    FeedbackRequest,
    PlanEvent,
    ProductCard,
    ProductsEvent,
    QueryPlan,
    Recommendation,
    RecommendationsEvent,
    TokenEvent,
    Usage,
)
from assistant.settings import Settings
from assistant.store import SessionStore
from retrieval.catalog import Product
from retrieval.lexical import LexicalIndex
from retrieval.release import Release

__all__ = ["CARDS", "FakeAssistant", "FakeCatalog", "LiveServer", "free_port", "make_settings", "parse_sse"]

CARDS = [
    ProductCard(id="p1", title="Quiet Dishwasher", brand="Hearthline", price=499.0, rating=4.5),
    ProductCard(id="p2", title="Compact Dishwasher", brand="Bosch", price=649.0, rating=4.1),
]


@dataclass
class FakeCatalog:
    """Just enough of ``retrieval.components.Catalog`` for ``/readyz``: a real release of the two cards."""

    def release(self) -> Release:
        products = [Product(id=c.id, title=c.title, brand=c.brand, price=c.price) for c in CARDS]
        ids = [p.id for p in products]
        lexical = LexicalIndex.build(ids, [p.title for p in products], version=1)
        vectors = np.zeros((len(products), 8), dtype=np.float32)
        return Release("v000000000001", 1, "hash-8", products, vectors, lexical)


@dataclass
class FakeAssistant:
    """An ``Assistant``-shaped object whose ``chat`` replays a script and records how it ended."""

    settings: Settings
    store: SessionStore
    tokens: list[str] = field(default_factory=lambda: ["Here ", "are ", "two ", "quiet ", "dishwashers."])
    token_delay_s: float = 0.0
    degrade: bool = False
    fail_after_products: BaseException | None = None
    fail_at_start: BaseException | None = None
    no_events: bool = False  # the turn ends without a single event (a state the real core never reaches)
    error_event_at_start: str | None = None  # the turn's only event is an ``error`` event with this message
    error_event_after_products: str | None = None  # ``plan``, ``products``, then an ``error`` event
    llm_description: str = "fake: scripted test assistant"
    catalog: FakeCatalog = field(default_factory=FakeCatalog)
    searcher: object = None
    requests: list[ChatRequest] = field(default_factory=list)
    feedback: list[FeedbackRequest] = field(default_factory=list)
    closed: threading.Event = field(default_factory=threading.Event)
    completed: threading.Event = field(default_factory=threading.Event)
    tokens_sent: int = 0

    def chat(self, request: ChatRequest) -> Iterator[ChatEvent]:
        self.requests.append(request)
        return self._turn(request)

    def _turn(self, request: ChatRequest) -> Iterator[ChatEvent]:
        if self.fail_at_start is not None:
            raise self.fail_at_start
        ids = {"session_id": request.session_id or "sess-new", "turn_id": f"turn-{len(self.requests)}"}
        if self.no_events:
            return
        if self.error_event_at_start is not None:
            yield ErrorEvent(**ids, code="llm_error", message=self.error_event_at_start)
            return
        try:
            yield PlanEvent(**ids, plan=QueryPlan(query="quiet dishwasher"))
            yield ProductsEvent(**ids, products=CARDS)
            if self.fail_after_products is not None:
                raise self.fail_after_products
            if self.error_event_after_products is not None:
                yield ErrorEvent(**ids, code="llm_error", message=self.error_event_after_products)
                return
            for text in self.tokens:
                if self.token_delay_s:
                    time.sleep(self.token_delay_s)
                self.tokens_sent += 1
                yield TokenEvent(**ids, text=text)
            recs = [
                Recommendation(rank=i + 1, product=c, reason=f"reason {i + 1}") for i, c in enumerate(CARDS)
            ]
            yield RecommendationsEvent(**ids, recommendations=recs)
            if self.degrade:
                yield DegradedEvent(**ids, stage="explain", reason="fake model returned invalid JSON")
            yield DoneEvent(
                **ids,
                message="".join(self.tokens),
                timings_ms={"plan": 1.5, "retrieve_rank": 3.0, "total": 10.0},
                usage=Usage(prompt_tokens=120, completion_tokens=30, llm_calls=2),
                llm=self.llm_description,
            )
            self.completed.set()
        except GeneratorExit:
            self.closed.set()
            raise

    def record_feedback(self, request: FeedbackRequest) -> None:
        self.feedback.append(request)


def make_settings(data_dir: Path, **overrides: object) -> Settings:
    """Validated settings (api_keys become SecretStr) on ``data_dir``, ignoring the environment's .env."""
    return Settings(_env_file=None, data_dir=data_dir, embedder="hash", llm="fake", **overrides)  # type: ignore[arg-type]


def parse_sse(text: str) -> list[tuple[str, dict | str]]:
    """``(event name, parsed data)`` for each SSE message; comments are returned as ``(":", text)``."""
    out: list[tuple[str, dict | str]] = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        name, data = "message", []
        for line in block.split("\n"):
            if line.startswith(":"):
                out.append((":", line[1:].strip()))
            elif line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].removeprefix(" "))
        if data:
            raw = "\n".join(data)
            out.append((name, json.loads(raw) if raw.startswith("{") else raw))
    return out


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LiveServer:
    """A real uvicorn server for ``app`` on a free loopback port, in a thread."""

    def __init__(self, app: FastAPI) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(
            uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on")
        )
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


DEMO_CATEGORIES = ("Dishwashers", "Headphones")


def write_small_catalog(path: Path, categories: tuple[str, ...] = DEMO_CATEGORIES) -> Path:
    """A JSONL slice of the bundled demo catalog (the products of ``categories``)."""
    from importlib.resources import files

    demo = files("retrieval") / "data" / "demo_catalog.jsonl"
    rows = [line for line in demo.read_text().splitlines() if line.strip()]
    keep = [line for line in rows if set(json.loads(line).get("category") or []) & set(categories)]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(keep) + "\n")
    return path

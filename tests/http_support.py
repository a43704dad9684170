"""Helpers shared by the API, UI, eval and browser tests: the real assistant over a small
hash-embedder slice of the demo catalog with the scripted chat model (the two allowed seams), a tiny
SSE parser, a real uvicorn server on a free loopback port, and ``FakeAssistant`` — a stand-in kept
only for states the real core cannot reach (a turn with no events, a turn that reports failure)."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import uvicorn
from fastapi import FastAPI
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage
from langchain_core.outputs import ChatGenerationChunk
from pydantic import PrivateAttr

from assistant.llm.fake import FakeChatModel, ScriptItem
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

if TYPE_CHECKING:
    from assistant.turn import Assistant
    from retrieval.components import Catalog

__all__ = [
    "CARDS",
    "CORE_CATEGORIES",
    "DEMO_CATEGORIES",
    "FakeAssistant",
    "FakeCatalog",
    "LiveServer",
    "RealCore",
    "SlowStreamModel",
    "core_settings",
    "free_port",
    "make_settings",
    "open_demo_catalog",
    "parse_sse",
    "real_assistant",
    "scripted_model",
    "write_small_catalog",
]

CARDS = [
    ProductCard(id="p1", title="Quiet Dishwasher", brand="Hearthline", price=499.0, rating=4.5),
    ProductCard(id="p2", title="Compact Dishwasher", brand="Bosch", price=649.0, rating=4.1),
]


@dataclass
class FakeCatalog:  # stand-in: see FakeAssistant
    """Just enough of ``retrieval.components.Catalog`` for ``/readyz``: a real release of the two cards."""

    def release(self) -> Release:
        products = [Product(id=c.id, title=c.title, brand=c.brand, price=c.price) for c in CARDS]
        ids = [p.id for p in products]
        lexical = LexicalIndex.build(ids, [p.title for p in products], version=1)
        vectors = np.zeros((len(products), 8), dtype=np.float32)
        return Release("v000000000001", 1, "hash-8", products, vectors, lexical)


@dataclass
class FakeAssistant:
    """An ``Assistant``-shaped object whose ``chat`` replays a script and records how it ended.

    A stand-in for the whole core: use it only to force a state the real core cannot reach (a turn
    with no events; a turn that fails with ``LLMError`` or an ``error`` event — the core degrades
    instead), and say so in the test. Everything else runs on :func:`real_assistant`."""

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
    values = {"embedder": "hash", "llm": "fake", **overrides}
    return Settings(_env_file=None, data_dir=data_dir, **values)  # type: ignore[arg-type]


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


# --- the real core with the two allowed seams -----------------------------------------------------


CORE_CATEGORIES = (*DEMO_CATEGORIES, "Tents")
"""The demo slice the shared real core serves (``demo_catalog`` in tests/conftest.py)."""


def open_demo_catalog(root: Path, categories: tuple[str, ...] = CORE_CATEGORIES) -> Catalog:
    """The real catalog (hash embedder) under ``root/data`` with the demo slice of ``categories``
    ingested through the real ingest path. Build it once per module or session: readers share it."""
    from retrieval.components import open_catalog
    from retrieval.embed import HashEmbedder
    from retrieval.ingest import ingest_feed

    settings = make_settings(root / "data")
    catalog = open_catalog(settings, embedder=HashEmbedder())
    feed = write_small_catalog(root / "feed.jsonl", categories)
    if ingest_feed(catalog, feed).added == 0:
        raise RuntimeError(f"the demo slice {categories} ingested nothing")
    return catalog


def core_settings(data_dir: Path, **overrides: object) -> Settings:
    """:func:`make_settings` for the real core: the hash embedder and the scripted fake model that
    answers like a capable one (``AISLE_FAKE_SCRIPT=realistic``)."""
    return make_settings(data_dir, **{"fake_script": "realistic", **overrides})


def scripted_model(settings: Settings, *script: ScriptItem) -> FakeChatModel:
    """The chat model ``settings`` name through the real factory: with ``make_settings`` that is the
    scripted fake answering like a capable model (``AISLE_FAKE_SCRIPT=realistic``, planted mistakes
    included); ``script`` replies come first (an exception, a delay, a fixed text)."""
    from assistant.llm import make_chat_model

    model = make_chat_model(settings, script=script)
    assert isinstance(model, FakeChatModel), f"AISLE_LLM={settings.llm} is not the scripted model"
    return model


def real_assistant(
    settings: Settings,
    catalog: Catalog,
    model: BaseChatModel | None = None,
    *,
    store: SessionStore | None = None,
) -> Assistant:
    """The real ``Assistant`` (plan, search, rank, explain, answer, store) over ``catalog`` with
    ``model`` (default: :func:`scripted_model`) and the session store ``settings`` choose — or
    ``store``, a real store built with options settings do not carry (e.g. a short pool timeout)."""
    from assistant.turn import Assistant, build_assistant
    from retrieval.search import Searcher

    model = model or scripted_model(settings)
    if store is None:
        return build_assistant(settings, chat_model=model, catalog=catalog)
    description = f"{settings.llm}: {type(model).__name__}"
    searcher = Searcher(catalog)
    return Assistant(
        settings,
        catalog=catalog,
        searcher=searcher,
        store=store,
        chat_model=model,
        llm_description=description,
    )


@dataclass
class RealCore:
    """A real assistant and the scripted model it calls (tests append failures or delays to it)."""

    assistant: Assistant
    model: FakeChatModel

    @property
    def store(self) -> SessionStore:
        return self.assistant.store

    def turns(self) -> int:
        """How many turns reached the model (each finished turn makes two calls: rerank, answer)."""
        return len(self.model.calls)


class SlowStreamModel(FakeChatModel):
    """The scripted model, streaming its reply one word every ``word_delay_s`` seconds; records how
    many words were sent and whether the consumer closed the stream before the end."""

    word_delay_s: float = 0.005
    _sent: int = PrivateAttr(default=0)
    _closed: threading.Event = PrivateAttr(default_factory=threading.Event)
    _finished: threading.Event = PrivateAttr(default_factory=threading.Event)

    @property
    def sent(self) -> int:
        return self._sent

    @property
    def closed(self) -> threading.Event:
        return self._closed

    @property
    def finished(self) -> threading.Event:
        return self._finished

    def _stream(
        self, messages: list[BaseMessage], *args: Any, **kwargs: Any
    ) -> Iterator[ChatGenerationChunk]:
        try:
            for chunk in super()._stream(messages, *args, **kwargs):
                time.sleep(self.word_delay_s)
                self._sent += 1
                yield chunk
            self._finished.set()
        except GeneratorExit:
            self._closed.set()
            raise

"""Fixtures for the API tests: a scripted fake assistant (injected through ``create_app`` /
``app.dependency_overrides``), a real uvicorn server on a free loopback port, and a real assistant
(hash embedder, fake LLM) over a small slice of the demo catalog."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from http_support import FakeAssistant, LiveServer, make_settings, parse_sse

from assistant.api import create_app
from assistant.api.deps import get_assistant
from assistant.settings import Settings
from assistant.stores.sqlite import SqliteSessionStore


@pytest.fixture
def api_settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path / "data")


@pytest.fixture
def fake_assistant(api_settings: Settings) -> Iterator[FakeAssistant]:
    store = SqliteSessionStore(api_settings.store_db)
    yield FakeAssistant(settings=api_settings, store=store)
    store.close()


@pytest.fixture
def make_client(api_settings: Settings, fake_assistant: FakeAssistant) -> Iterator[Callable[..., TestClient]]:
    """A TestClient over a fresh app with the fake assistant injected via ``dependency_overrides``."""
    clients: list[TestClient] = []

    def make(**overrides: object) -> TestClient:
        settings = make_settings(api_settings.data_dir, **overrides)
        app = create_app(settings)
        app.dependency_overrides[get_assistant] = lambda: fake_assistant
        client = TestClient(app)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client()


@pytest.fixture
def sse() -> Callable[[str], list[tuple[str, dict | str]]]:
    return parse_sse


@pytest.fixture
def live_server(api_settings: Settings, fake_assistant: FakeAssistant) -> Iterator[LiveServer]:
    app = create_app(api_settings, assistant=fake_assistant)
    with LiveServer(app) as server:
        yield server

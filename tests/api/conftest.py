"""Fixtures for the API tests: the real core (``Assistant`` over the session's demo catalog, hash
embedder, scripted chat model) handed to the app factory (``create_app(settings, assistant=...)``,
served to the routes by ``deps.get_assistant`` as in production), and a real uvicorn server on a free
loopback port."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from http_support import LiveServer, RealCore, core_settings, parse_sse, real_assistant, scripted_model

from assistant.api import create_app
from assistant.settings import Settings
from assistant.turn import Assistant
from retrieval.components import Catalog


@pytest.fixture
def api_settings(tmp_path: Path) -> Settings:
    return core_settings(tmp_path / "data")


@pytest.fixture
def core(api_settings: Settings, demo_catalog: Catalog) -> Iterator[RealCore]:
    """A fresh real assistant (its own session store, its own scripted model) over the shared catalog."""
    model = scripted_model(api_settings)
    assistant = real_assistant(api_settings, demo_catalog, model)
    yield RealCore(assistant, model)
    assistant.store.close()


@pytest.fixture
def make_client(api_settings: Settings, core: RealCore) -> Iterator[Callable[..., TestClient]]:
    """A TestClient over a fresh app (settings ``overrides`` applied) serving the real core."""
    clients: list[TestClient] = []

    def make(**overrides: object) -> TestClient:
        app = create_app(core_settings(api_settings.data_dir, **overrides), assistant=core.assistant)
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
def live_server(api_settings: Settings, core: RealCore) -> Iterator[LiveServer]:
    app = create_app(api_settings, assistant=core.assistant)
    with LiveServer(app) as server:
        yield server


@pytest.fixture
def fake_assistant(core: RealCore) -> Assistant:
    """The old stand-in's fixture name, kept so tests written against it (``test_api_events.py`` reads
    ``fake_assistant.store``) run unchanged — now on the real core. Prefer ``core``."""
    return core.assistant

"""How ``aisle serve`` runs the app: workers warm up before taking requests, and enough threads that
turns waiting for the LLM never hold back new chats' searches."""

from __future__ import annotations

import logging
from pathlib import Path

import anyio.to_thread
import pytest
from fastapi.testclient import TestClient
from http_support import make_settings, write_small_catalog

from assistant.api import create_app
from retrieval.components import open_catalog
from retrieval.ingest import ingest_feed


def test_a_served_app_builds_its_assistant_and_searches_once_before_any_request(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "data")
    with open_catalog(settings) as catalog:
        ingest_feed(catalog, write_small_catalog(tmp_path / "feed.jsonl"))
    lazy = create_app(settings)
    with TestClient(lazy):
        assert lazy.state.assistant is None  # tests and in-process callers build on first use
    app = create_app(settings, warm=True)
    with TestClient(app) as client:
        assistant = app.state.assistant
        assert assistant is not None
        assert len(assistant.catalog.release()) > 0
        assert client.get("/readyz").status_code == 200
        assert app.state.assistant is assistant


def test_a_warm_start_over_an_empty_catalog_still_starts_and_says_why(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(make_settings(tmp_path / "empty"), warm=True)
    with caplog.at_level(logging.WARNING, logger="assistant.api"), TestClient(app) as client:
        assert "warm start skipped" in caplog.text
        assert client.get("/readyz").status_code == 503


def test_the_app_sizes_the_thread_pool_turns_run_in(tmp_path: Path) -> None:
    app = create_app(make_settings(tmp_path / "data", api_threads=300))
    with TestClient(app) as client:
        total = client.portal.call(lambda: anyio.to_thread.current_default_thread_limiter().total_tokens)  # type: ignore[union-attr]
    assert total == 300

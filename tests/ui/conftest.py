"""Fixtures for the UI tests: the Streamlit app under ``AppTest`` with an injected transport."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from http_support import FakeAssistant, make_settings
from ui_support import ScriptedAssistant

from assistant.stores.sqlite import SqliteSessionStore


@pytest.fixture
def ui_fake_assistant(tmp_path: Path) -> Iterator[FakeAssistant]:
    settings = make_settings(tmp_path / "data")
    store = SqliteSessionStore(settings.store_db)
    yield FakeAssistant(settings=settings, store=store)
    store.close()


@pytest.fixture
def ui_scripted_assistant(tmp_path: Path) -> Iterator[ScriptedAssistant]:
    settings = make_settings(tmp_path / "data")
    store = SqliteSessionStore(settings.store_db)
    yield ScriptedAssistant(settings=settings, store=store)
    store.close()

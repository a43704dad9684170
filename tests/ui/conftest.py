"""Fixtures for the UI tests: the Streamlit app under ``AppTest`` with an injected transport over the
real core (``ui_core``: the session's demo catalog, hash embedder, scripted chat model), and the
stand-ins kept for the renderer tests that must force what the core does not produce."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from http_support import FakeAssistant, RealCore, core_settings, make_settings, real_assistant, scripted_model
from ui_support import ScriptedAssistant

from assistant.stores.sqlite import SqliteSessionStore
from retrieval.components import Catalog


@pytest.fixture
def ui_core(tmp_path: Path, demo_catalog: Catalog) -> Iterator[RealCore]:
    settings = core_settings(tmp_path / "data")
    model = scripted_model(settings)
    assistant = real_assistant(settings, demo_catalog, model)
    yield RealCore(assistant, model)
    assistant.store.close()


@pytest.fixture
def ui_fake_assistant(tmp_path: Path) -> Iterator[FakeAssistant]:
    """Stand-in: only for a turn that fails with an LLM error (the core degrades instead)."""
    settings = make_settings(tmp_path / "data")
    store = SqliteSessionStore(settings.store_db)
    yield FakeAssistant(settings=settings, store=store)
    store.close()


@pytest.fixture
def ui_scripted_assistant(tmp_path: Path) -> Iterator[ScriptedAssistant]:
    """Stand-in: only for renderer tests that force exact cards, reasons and comparison rows (hostile
    text in every field, duplicate titles, short rows, every row shape in one table)."""
    settings = make_settings(tmp_path / "data")
    store = SqliteSessionStore(settings.store_db)
    yield ScriptedAssistant(settings=settings, store=store)
    store.close()

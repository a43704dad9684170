"""The in-process store the simulator talks to: the real FastAPI app over a catalog data dir, with the
fake chat model (deterministic planner and reasons), the shipped or a given ranker, the exposure
randomization and a session/event store of its own (a SQLite file or ``AISLE_DATABASE_URL``)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import SecretStr

from assistant.settings import Settings

if TYPE_CHECKING:
    from fastapi.testclient import TestClient

    from assistant.store import SessionStore
    from assistant.turn import Assistant

__all__ = ["build_sim_assistant", "in_process_client", "sim_settings"]


def sim_settings(
    data_dir: Path,
    *,
    ranker_model: Path | None = None,
    swap_rate: float = 0.0,
    explore_rate: float = 0.0,
    explore_slot: int = 5,
    database_url: str | None = None,
    embedder: str = "minilm",
) -> Settings:
    return Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=Path(data_dir),
        embedder=embedder,
        chroma_url=None,
        llm="fake",
        llm_rerank="off",
        ranker_model=ranker_model,
        exposure_swap_rate=swap_rate,
        exposure_explore_rate=explore_rate,
        exposure_explore_slot=explore_slot,
        database_url=SecretStr(database_url) if database_url else None,
        rate_limit_per_minute=0,
    )


def build_sim_assistant(settings: Settings, *, store_db: Path | None = None) -> Assistant:
    """The assistant for the simulated store; its sessions and events go to ``store_db`` (SQLite)
    unless ``settings.database_url`` is set."""
    from assistant.llm import describe, make_chat_model
    from assistant.store import open_session_store
    from assistant.stores.sqlite import SqliteSessionStore
    from assistant.turn import Assistant
    from retrieval.components import open_catalog
    from retrieval.search import Searcher

    catalog = open_catalog(settings)
    store: SessionStore
    if settings.database_url is None and store_db is not None:
        Path(store_db).parent.mkdir(parents=True, exist_ok=True)
        store = SqliteSessionStore(Path(store_db))
    else:
        store = open_session_store(settings)
    return Assistant(
        settings,
        catalog=catalog,
        searcher=Searcher(catalog),
        store=store,
        chat_model=make_chat_model(settings),
        llm_description=describe(settings),
    )


def in_process_client(assistant: Assistant) -> TestClient:
    from fastapi.testclient import TestClient

    from assistant.api.app import create_app

    return TestClient(create_app(assistant.settings, assistant=assistant))

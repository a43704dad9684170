"""Shared pytest fixtures. Each block is owned by the module named in its heading; add yours below."""

from __future__ import annotations

import ipaddress
import json
import socket
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from pg_support import PostgresServer

from assistant.settings import Settings, get_settings
from retrieval.catalog import Product
from retrieval.products import Vocabulary
from retrieval.schema import CatalogSchema

if TYPE_CHECKING:  # the helpers below are imported by the fixtures that use them (heavy imports)
    from openai_server import OpenAIStub

    from retrieval.components import Catalog

# --- no network (all tests) ---------------------------------------------------------------------
# Tests never need a network or a key: any connection to a non-loopback address fails loudly, so
# nothing can reach a real API (or a model hub) by accident. Loopback servers started by tests work.

_real_connect = socket.socket.connect


def _loopback_only(self: socket.socket, address: object) -> None:
    if self.family in (socket.AF_INET, socket.AF_INET6) and isinstance(address, tuple):
        host = str(address[0])
        try:
            allowed = ipaddress.ip_address(host).is_loopback
        except ValueError:
            allowed = host == "localhost"
        if not allowed:
            raise ConnectionRefusedError(f"tests may not open network connections (to {host})")
    _real_connect(self, address)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def _no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(socket.socket, "connect", _loopback_only)
    for name in (
        "OPENAI_API_KEY",
        "AISLE_OPENAI_API_KEY",
        "AISLE_LLM_BASE_URL",
        "AISLE_CHROMA_URL",
        "AISLE_DATABASE_URL",  # tests never write to a real shared database: they pass their own
    ):
        monkeypatch.delenv(name, raising=False)


# --- catalog / ingest (tests/test_ingest.py, test_catalog_cli.py, test_chroma_server.py) ------------


@pytest.fixture
def hash_settings(tmp_path: Path) -> Settings:
    """Settings on a fresh tmp data dir with the deterministic hash embedder and small ingest batches."""
    return Settings(
        _env_file=None, data_dir=tmp_path / "data", embedder="hash", chroma_url=None, ingest_batch_size=16
    )


@pytest.fixture
def hash_settings_env(hash_settings: Settings, monkeypatch: pytest.MonkeyPatch) -> Iterator[Settings]:
    """``hash_settings`` exported as ``AISLE_*`` variables, with ``get_settings()`` re-read (CLI tests)."""
    monkeypatch.setenv("AISLE_DATA_DIR", str(hash_settings.data_dir))
    monkeypatch.setenv("AISLE_EMBEDDER", "hash")
    monkeypatch.setenv("AISLE_INGEST_BATCH_SIZE", str(hash_settings.ingest_batch_size))
    monkeypatch.delenv("AISLE_CHROMA_URL", raising=False)
    get_settings.cache_clear()
    yield get_settings()
    get_settings.cache_clear()


# --- session store on PostgreSQL (tests/test_store.py, tests/api/test_api_postgres.py) -----------


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A real PostgreSQL server on a free loopback port for the whole run (see tests/pg_support.py).
    Never skipped: if it cannot start, every test that needs it fails with the reason."""
    server = PostgresServer()
    try:
        server.start()
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        server.stop()
        pytest.fail(f"the PostgreSQL test server did not start: {exc}", pytrace=False)
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> str:
    """The URL of a fresh, empty database on the test server."""
    return postgres_server.create_database()


# --- the real core over a demo slice (tests/http_support.py; tests/api, tests/ui, tests/eval) ------


@pytest.fixture(scope="session")
def demo_catalog(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Catalog]:
    """The dishwashers, headphones and tents of the demo catalog, ingested once per run (hash embedder).
    Shared read-only: a test that writes to a catalog builds its own."""
    from http_support import open_demo_catalog

    catalog = open_demo_catalog(tmp_path_factory.mktemp("demo-catalog"))
    yield catalog
    catalog.close()


# --- a loopback OpenAI-compatible server (tests/openai_server.py; test_llm*.py, api deadlines) ------


@pytest.fixture(scope="module")
def stub_server() -> Iterator[OpenAIStub]:
    """The stub server, one per test module (a hung request of one module never outlives it)."""
    from openai_server import serve_stub

    with serve_stub() as stub:
        yield stub


@pytest.fixture
def stub(stub_server: OpenAIStub) -> OpenAIStub:
    """The module's stub server, back to well-behaved with no script and no recorded requests."""
    stub_server.reset()
    return stub_server


# --- the demo catalog as records, its schema and vocabulary (planner tests) -------------------------

DEMO_FEED = Path(__file__).resolve().parent.parent / "retrieval" / "data" / "demo_catalog.jsonl"


@pytest.fixture(scope="session")
def demo_products() -> list[Product]:
    return [Product.model_validate(json.loads(line)) for line in DEMO_FEED.read_text().splitlines()]


@pytest.fixture(scope="session")
def demo_schema(demo_products: list[Product]) -> CatalogSchema:
    return CatalogSchema.from_products(demo_products)


@pytest.fixture(scope="session")
def demo_vocabulary(demo_products: list[Product]) -> Vocabulary:
    return Vocabulary.from_products(demo_products)


@pytest.fixture(scope="session")
def demo_titles(demo_products: list[Product]) -> Callable[[str], list[tuple[str, int]]]:
    """Which categories the demo catalog's titles put a word under (the planner's ``word_categories``)."""
    from assistant.turn import _TitleCategories

    return _TitleCategories.build(0, demo_products).get_counts

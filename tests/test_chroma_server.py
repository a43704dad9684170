"""Ingest into a real Chroma server (``chroma run``) through AISLE_CHROMA_URL, then a filtered query."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.settings import Settings
from retrieval.catalog import Product
from retrieval.components import open_catalog
from retrieval.filters import Filters, to_where
from retrieval.ingest import ingest_products

CHROMA = Path(sys.executable).with_name("chroma")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for_heartbeat(url: str, proc: subprocess.Popen[bytes], timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"chroma run exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.2)
    raise TimeoutError(f"chroma at {url} did not answer its heartbeat within {timeout:.0f}s")


@pytest.fixture
def chroma_server_url(tmp_path: Path) -> Iterator[str]:
    """A ``chroma run`` server on a free localhost port over a tmp folder; stopped afterwards."""
    if not CHROMA.exists():
        pytest.fail(f"{CHROMA} is missing: chromadb is not installed in this venv")
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    log = (tmp_path / "chroma.log").open("wb")
    proc = subprocess.Popen(
        [
            str(CHROMA),
            "run",
            "--path",
            str(tmp_path / "chroma-server"),
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
    )
    try:
        _wait_for_heartbeat(url, proc)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def test_ingest_into_a_chroma_server_and_query_with_filters(
    hash_settings: Settings, chroma_server_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AISLE_CHROMA_URL", chroma_server_url)
    settings = Settings(_env_file=None, data_dir=hash_settings.data_dir, embedder="hash", ingest_batch_size=7)
    assert settings.chroma_url == chroma_server_url
    products = [
        Product(
            id=f"S{i}",
            title=f"{color} wool scarf {i}",
            color=color,
            price=10.0 * (i + 1),
            category=["Apparel"],
        )
        for i, color in enumerate(["red", "blue", "red", "green", "red", "blue"] * 4)
    ]

    with open_catalog(settings) as catalog:
        summary = ingest_products(catalog, products)
        assert summary.added == len(products)
        assert catalog.index.count() == len(products)
        assert not settings.chroma_dir.exists()  # nothing embedded on disk: the server holds the vectors

        where = to_where(Filters(colors=["red"], price_max=100))
        hits = catalog.index.query(catalog.embedder.embed_query("red wool scarf"), k=50, where=where)
        expected = {p.id for p in products if p.color == "red" and p.price is not None and p.price <= 100}
        assert {pid for pid, _ in hits} == expected

        again = ingest_products(catalog, products[:10], sync=True)
        assert again.unchanged == 10 and again.deleted == len(products) - 10
        assert catalog.index.ids() == {p.id for p in products[:10]}

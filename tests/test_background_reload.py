"""A large newer release is loaded, and its snapshot built, off the query path: queries meanwhile are
answered from the previous release, then the new one takes over without a restart."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

import retrieval.components
from assistant.settings import Settings
from retrieval.components import open_catalog
from retrieval.embed import HashEmbedder
from retrieval.ingest import ingest_products
from retrieval.search import Searcher, SearchRequest
from tests.search_support import generated_products


def _wait_for(check, timeout: float = 20.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False


def test_newer_large_release_is_served_after_a_background_load(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    products = generated_products(60)
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=tmp_path / "data",
        embedder="hash",
        chroma_url=None,
        catalog_refresh_s=0.0,
        background_reload_min_products=1,
    )
    embedder = HashEmbedder()
    writer = open_catalog(settings, embedder=embedder)
    ingest_products(writer, products[:40], sync=True)
    reader = Searcher(open_catalog(settings, embedder=embedder))
    assert len(reader.snapshot()) == 40

    # The background load waits until the queries below have been answered: a 60-product release
    # otherwise loads fast enough to race them (seen once in CI).
    loaded = retrieval.components.load
    may_load = threading.Event()

    def gated_load(*args, **kwargs):  # type: ignore[no-untyped-def]
        if threading.current_thread().name == "aisle-release-load":
            may_load.wait(20)
        return loaded(*args, **kwargs)

    monkeypatch.setattr(retrieval.components, "load", gated_load)
    ingest_products(writer, products, sync=True)
    first = reader.search(SearchRequest(query="wireless headphones", mode="bm25"))
    assert first.candidates  # answered at once, from the release it already had …
    assert len(reader.snapshot()) == 40  # … while the newer one loads in the background
    may_load.set()
    assert _wait_for(lambda: len(reader.snapshot()) == len(products)), "the newer release never took over"
    assert reader.snapshot().release is reader.catalog.release()

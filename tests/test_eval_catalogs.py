"""Cached eval catalogs (``eval.catalogs.prepare_catalog``): opened without reading the feed again while
neither the feed nor the code reading it changed; changed reading code (a placeholder brand now read
as none) ingests the same feed again into the same dir, so a stale cache never grades new code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from assistant.settings import Settings
from eval import catalogs
from retrieval.components import open_catalog


def _feed(tmp_path: Path) -> Path:
    rows = [
        {"id": "k1", "title": "Kaweco Sport Pencil", "brand": "Kaweco"},
        {"id": "k2", "title": "Kaweco Special Pencil", "brand": "Kaweco"},
        {"id": "k3", "title": "Kaweco Special Pencil 0.7", "brand": "Unknown"},
    ]
    feed = tmp_path / "pencils.jsonl"
    feed.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    return feed


def test_a_changed_reader_ingests_the_cached_feed_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    feed = _feed(tmp_path)
    data_dir = catalogs.prepare_catalog(feed, "hash", tmp_path / "cache")
    stamp = (data_dir / ".eval-ready").read_text().split()
    assert stamp == [catalogs.feed_digest(feed), catalogs.reader_digest()]

    calls: list[Path] = []
    real = catalogs.feed_digest
    monkeypatch.setattr("retrieval.ingest.ingest_feed", lambda catalog, path, **kw: calls.append(path))
    assert catalogs.prepare_catalog(feed, "hash", tmp_path / "cache") == data_dir
    assert calls == []  # same feed, same reader: opened as is

    monkeypatch.setattr(catalogs, "reader_digest", lambda: "another-reader")
    assert catalogs.prepare_catalog(feed, "hash", tmp_path / "cache") == data_dir
    assert calls == [feed]  # the same dir, ingested again
    assert (data_dir / ".eval-ready").read_text().split() == [real(feed), "another-reader"]

    settings = Settings(_env_file=None, data_dir=data_dir, embedder="hash", chroma_url=None)  # type: ignore[call-arg]
    with open_catalog(settings) as catalog:
        assert catalog.store.get("k3").brand == "Kaweco"

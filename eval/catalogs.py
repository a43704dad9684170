"""Cached catalog data dirs for eval runs: one per (feed content, embedder), ingested once.

The dir is named ``<feed stem>-<embedder>-<sha256 of the feed>[:12]`` under the cache root (default
``$AISLE_DATA_DIR/eval-cache``). A stamp file records a finished ingest, so a repeated run opens
the dir without reading the feed again; a changed feed gets a new dir. Ingest itself diffs by
content hash, so even a half-finished dir re-embeds only what is missing.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

from assistant.settings import EmbedderName, Settings

__all__ = ["feed_digest", "prepare_catalog"]

_STAMP = ".eval-ready"
_LOCK = threading.Lock()


def feed_digest(path: Path) -> str:
    """sha256 of the feed file's bytes."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def prepare_catalog(feed: Path, embedder: EmbedderName, cache_root: Path) -> Path:
    """The data dir holding ``feed`` indexed with ``embedder``; ingests it on the first call only."""
    from retrieval.components import open_catalog
    from retrieval.ingest import ingest_feed

    digest = feed_digest(feed)
    data_dir = Path(cache_root) / f"{feed.name.split('.')[0]}-{embedder}-{digest[:12]}"
    stamp = data_dir / _STAMP
    with _LOCK:
        if stamp.exists() and stamp.read_text(encoding="utf-8").strip() == digest:
            return data_dir
        settings = Settings(_env_file=None, data_dir=data_dir, embedder=embedder, chroma_url=None)  # type: ignore[call-arg]
        with open_catalog(settings) as catalog:
            ingest_feed(catalog, feed, sync=True)
        stamp.write_text(digest + "\n", encoding="utf-8")
    return data_dir

"""Cached catalog data dirs for eval runs: one per (feed content, embedder), ingested once.

The dir is named ``<feed stem>-<embedder>-<sha256 of the feed>[:12]`` under the cache root (default
``$AISLE_DATA_DIR/eval-cache``). A stamp file records a finished ingest — the feed's digest and
the digest of the code that turns feed rows into products (:func:`reader_digest`) — so a repeated
run opens the dir without reading the feed again; a changed feed gets a new dir, and changed reading
code (a placeholder brand now read as none) ingests the feed again into the same dir. Ingest diffs
by content hash, so that re-embeds only the products whose records changed, and even a half-finished
dir re-embeds only what is missing.
"""

from __future__ import annotations

import hashlib
import threading
from importlib import resources
from pathlib import Path

from assistant.settings import EmbedderName, Settings

__all__ = ["feed_digest", "prepare_catalog", "reader_digest"]

_STAMP = ".eval-ready"
_LOCK = threading.Lock()
_INGEST_WAIT_S = 1800.0


def feed_digest(path: Path) -> str:
    """sha256 of the feed file's bytes."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def reader_digest() -> str:
    """sha256 of the sources that read feed rows into products: loaders, the product model, brands."""
    root = resources.files("retrieval")
    parts = ["catalog.py", "brands.py", "markup.py", "ingest.py", "data/brands.yaml"]
    loaders = root.joinpath("loaders")
    parts += sorted(f"loaders/{p.name}" for p in loaders.iterdir() if p.name.endswith(".py"))
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode() + b"\0" + root.joinpath(part).read_bytes())
    return digest.hexdigest()


def prepare_catalog(feed: Path, embedder: EmbedderName, cache_root: Path) -> Path:
    """The data dir holding ``feed`` indexed with ``embedder``; ingests it on the first call only."""
    from retrieval.components import open_catalog
    from retrieval.ingest import ingest_feed

    digest = feed_digest(feed)
    data_dir = Path(cache_root) / f"{feed.name.split('.')[0]}-{embedder}-{digest[:12]}"
    stamp = data_dir / _STAMP
    stamped = f"{digest} {reader_digest()}"
    with _LOCK:
        if stamp.exists() and stamp.read_text(encoding="utf-8").strip() == stamped:
            return data_dir
        settings = Settings(_env_file=None, data_dir=data_dir, embedder=embedder, chroma_url=None)  # type: ignore[call-arg]
        with open_catalog(settings) as catalog:
            # Parallel eval processes wait for the one ingesting, then find nothing left to do.
            ingest_feed(catalog, feed, sync=True, wait_s=_INGEST_WAIT_S)
        stamp.write_text(stamped + "\n", encoding="utf-8")
    return data_dir

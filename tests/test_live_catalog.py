"""A catalog that changes under a live server: readers serve published releases, writers take turns.

Real processes, as an operator would run them: the API (uvicorn, in this process) serves chats while
``aisle ingest`` runs in another process on the same data dir with the embedded Chroma. Before catalog
releases, the server's embedded Chroma client went stale the moment the other process wrote, and every
search and chat answered 500 until a restart.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from http_support import LiveServer, make_settings, parse_sse, write_small_catalog

from assistant.api import create_app
from assistant.errors import CatalogError
from retrieval.components import open_catalog
from retrieval.ingest import ingest_feed
from retrieval.release import current_name, names, writer_lock

REFRESH_S = 0.5
NEW = {
    "id": "zz-zephyrwood-kettle",
    "title": "Zephyrwood Electric Kettle 1.7 L",
    "brand": "Zephyrwood",
    "category": ["Kitchen", "Kettles"],
    "price": 39.0,
    "description": "A quiet kettle with a zephyrwood handle.",
}


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AISLE_")}
    env.update(AISLE_DATA_DIR=str(data_dir), AISLE_EMBEDDER="hash", AISLE_LLM="fake")
    return env


def _ingest_process(feed: Path, data_dir: Path, *extra: str) -> subprocess.Popen[str]:
    code = "from assistant.cli import app; app()"
    return subprocess.Popen(
        [sys.executable, "-c", code, "ingest", str(feed), *extra],
        env=_env(data_dir),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    settings = make_settings(data)
    with open_catalog(settings) as catalog:
        ingest_feed(catalog, write_small_catalog(tmp_path / "feed.jsonl"))
    return data


def test_ingest_in_another_process_while_20_chats_stream(data_dir: Path, tmp_path: Path) -> None:
    one = tmp_path / "one.jsonl"
    one.write_text(json.dumps(NEW) + "\n")
    # 20 shoppers from one loopback address would otherwise meet the per-key rate limit.
    settings = make_settings(data_dir, catalog_refresh_s=REFRESH_S, rate_limit_per_minute=0)
    failures: list[str] = []
    turns = 0
    stop = threading.Event()
    lock = threading.Lock()

    with LiveServer(create_app(settings)) as server:

        def chat(i: int) -> None:
            nonlocal turns
            with httpx.Client(base_url=server.url, timeout=60) as client:
                while not stop.is_set():
                    r = client.post(
                        "/v1/chat",
                        json={"message": "a quiet dishwasher under $800"},
                        headers={"Accept": "text/event-stream"},
                    )
                    events = [name for name, _ in parse_sse(r.text)] if r.status_code == 200 else []
                    s = client.get("/v1/search", params={"q": "dishwasher"})
                    with lock:
                        turns += 1
                        if r.status_code != 200 or "products" not in events or "error" in events:
                            failures.append(f"chat {i}: {r.status_code} {events[-3:]}")
                        if s.status_code != 200:
                            failures.append(f"search {i}: {s.status_code}")

        threads = [threading.Thread(target=chat, args=(i,)) for i in range(20)]
        for t in threads:
            t.start()
        time.sleep(1.0)
        writer = _ingest_process(one, data_dir)
        _, err = writer.communicate(timeout=120)
        ingested = time.monotonic()
        assert writer.returncode == 0, err
        found_after = None
        with httpx.Client(base_url=server.url, timeout=30) as client:
            while time.monotonic() - ingested < 20:
                asked = time.monotonic()  # the server is busy with 20 chats: count from when we asked
                found = client.get("/v1/search", params={"q": "zephyrwood kettle"})
                assert found.status_code == 200, found.text
                hits = found.json()["products"]
                if hits and hits[0]["id"] == NEW["id"]:
                    found_after = asked - ingested
                    break
                time.sleep(0.05)
            time.sleep(1.0)  # keep chatting on the new release for a moment
            stop.set()
            for t in threads:
                t.join(timeout=60)
            ready = client.get("/readyz").json()

    assert turns >= 20
    assert failures == [], failures[:5]
    assert found_after is not None, "the new product never became findable"
    # Asked one refresh interval after the ingest ended, the search already finds it.
    assert found_after <= REFRESH_S + 0.5, found_after
    assert ready["ready"], ready


def test_concurrent_ingests_fail_fast_or_queue(data_dir: Path, tmp_path: Path) -> None:
    one = tmp_path / "one.jsonl"
    one.write_text(json.dumps(NEW) + "\n")
    settings = make_settings(data_dir)
    # Another writer holds the lock: the second ingest fails at once, with a clear message, writing nothing.
    with writer_lock(data_dir):
        started = time.monotonic()
        second = _ingest_process(one, data_dir)
        _, err = second.communicate(timeout=120)
        assert second.returncode == 1
        assert "another ingest is writing the catalog" in err and "--wait" in err
        with open_catalog(settings) as catalog:
            assert catalog.store.get(NEW["id"]) is None
        # It did not sit waiting: the exit came well before any import-heavy timeout.
        assert time.monotonic() - started < 60
    # With --wait, it queues behind the writer and then succeeds.
    with writer_lock(data_dir):
        queued = _ingest_process(one, data_dir, "--wait", "60")
        time.sleep(2.0)
        assert queued.poll() is None  # still waiting for the lock
    _, err = queued.communicate(timeout=120)
    assert queued.returncode == 0, err
    with open_catalog(settings) as catalog:
        assert catalog.release().get(NEW["id"]) is not None


def test_in_process_writer_raises_catalog_error_when_locked(data_dir: Path, tmp_path: Path) -> None:
    one = tmp_path / "one.jsonl"
    one.write_text(json.dumps(NEW) + "\n")
    with (
        writer_lock(data_dir),
        open_catalog(make_settings(data_dir)) as catalog,
        pytest.raises(CatalogError, match="another ingest"),
    ):
        ingest_feed(catalog, one)


def test_releases_are_immutable_and_pruned(data_dir: Path, tmp_path: Path) -> None:
    settings = make_settings(data_dir, catalog_refresh_s=3600)
    with open_catalog(settings) as reader, open_catalog(make_settings(data_dir)) as writer:
        before = reader.release()
        for i in range(5):
            path = tmp_path / f"f{i}.jsonl"
            path.write_text(json.dumps({**NEW, "id": f"zz-{i}", "title": f"Kettle number{i}"}) + "\n")
            ingest_feed(writer, path)
        # The reader keeps serving the release it loaded until its refresh interval passes ...
        assert reader.release() is before and before.get("zz-4") is None
        assert len(names(data_dir)) == 3  # the newest three stay on disk
        assert current_name(data_dir) == names(data_dir)[-1]
        assert writer.release().get("zz-4") is not None
    # ... and a fresh reader loads the newest one.
    with open_catalog(make_settings(data_dir)) as fresh:
        assert fresh.release().get("zz-4") is not None
        assert len(fresh.release()) == len(before) + 5

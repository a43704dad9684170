"""``aisle serve --workers 2``: several API processes on one data dir, as a store scales out on one host.

Every worker serves the published catalog release and follows new ones; sessions live in the shared
session database, so a conversation can hop workers (each request below opens a new connection).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from http_support import free_port, make_settings, write_small_catalog

from retrieval.components import open_catalog
from retrieval.ingest import ingest_feed

NEW = {"id": "zz-quillon-lamp", "title": "Quillon Desk Lamp", "category": ["Lighting"], "price": 25.0}


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AISLE_")}
    env.update(
        AISLE_DATA_DIR=str(data_dir),
        AISLE_EMBEDDER="hash",
        AISLE_LLM="fake",
        AISLE_CATALOG_REFRESH_S="0.5",
        AISLE_RATE_LIMIT_PER_MINUTE="0",
    )
    return env


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-c", "from assistant.cli import app; app()", *args]


@pytest.fixture
def server(tmp_path: Path):  # type: ignore[no-untyped-def]
    data = tmp_path / "data"
    with open_catalog(make_settings(data)) as catalog:
        ingest_feed(catalog, write_small_catalog(tmp_path / "feed.jsonl"))
    port = free_port()
    env = _env(data)
    process = subprocess.Popen(
        _cli("serve", "--port", str(port), "--workers", "2"),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            process.kill()
            raise RuntimeError(f"aisle serve --workers 2 did not start: {process.stderr.read()[-2000:]}")
        time.sleep(0.3)
    yield url, data, env
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()


def test_two_workers_share_sessions_and_follow_catalog_updates(server, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    url, _data, env = server
    messages = [
        "a quiet dishwasher",
        "under $700",
        "anything cheaper?",
        "wireless headphones",
        "the first one",
    ]
    session_id = None
    for message in messages:
        body: dict[str, object] = {"message": message}
        if session_id:
            body["session_id"] = session_id
        with httpx.Client(base_url=url, timeout=60) as client:  # a new connection: any worker may answer
            r = client.post("/v1/chat", json=body)
        assert r.status_code == 200, r.text
        session_id = session_id or r.json()["session_id"]
        assert r.json()["session_id"] == session_id
    with httpx.Client(base_url=url, timeout=30) as client:
        history = client.get(f"/v1/sessions/{session_id}").json()
    said = [m["content"] for m in history["messages"] if m["role"] == "user"]
    assert said == messages

    feed = tmp_path / "one.jsonl"
    feed.write_text(json.dumps(NEW) + "\n")
    done = subprocess.run(_cli("ingest", str(feed)), env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    time.sleep(1.0)  # two refresh intervals
    for _ in range(12):
        with httpx.Client(base_url=url, timeout=30) as client:
            hits = client.get("/v1/search", params={"q": "quillon desk lamp"}).json()["products"]
        assert hits and hits[0]["id"] == NEW["id"]

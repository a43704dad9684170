"""Load benchmark: N concurrent SSE chats against a real ``aisle serve`` (fake LLM, hash embedder).

Not a test: it starts the API on a free loopback port over a temporary data dir holding the
bundled demo catalog, fires ``--concurrency`` chats at once (each a ``POST /v1/chat`` with
``Accept: text/event-stream``), records per-chat time to the ``products`` event and to ``done``,
stops the server and writes ``benchmarks/results/load_chat.json`` and ``.md``. Bounded: every chat
has a timeout and the whole run a deadline; loopback only.

    .venv/bin/python benchmarks/load_chat.py            # 100 concurrent chats
    .venv/bin/python benchmarks/load_chat.py --concurrency 20 --output /tmp/bench
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
from pydantic import BaseModel, Field

from ui.client import iter_sse

__all__ = ["ChatTiming", "LoadResult", "main", "run"]

ROOT = Path(__file__).resolve().parents[1]
MESSAGES = (
    "a quiet dishwasher under $800",
    "wireless noise cancelling headphones",
    "a lightweight running shoe for long runs",
    "a tent for two people under $300",
    "an espresso machine",
    "a standing desk",
    "a waterproof rain jacket in blue",
    "kids headphones with volume limit",
)


class ChatTiming(BaseModel):
    ok: bool
    products_s: float | None = None
    done_s: float | None = None
    events: int = 0
    error: str | None = None


class LoadResult(BaseModel):
    """One run of the load benchmark."""

    command: str
    concurrency: int
    chats: int
    errors: int
    error_samples: list[str] = Field(default_factory=list)
    products_p50_s: float
    products_p95_s: float
    done_p50_s: float
    done_p95_s: float
    done_max_s: float
    wall_s: float
    throughput_chats_per_s: float
    catalog_products: int
    llm: str
    embedder: str
    ranker: str
    server_workers: int = 1
    load_avg_1m_before: float
    machine: str
    cpus: int
    python: str
    recorded_at: str


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return round(ordered[index], 4)


async def _one_chat(client: httpx.AsyncClient, message: str, start: asyncio.Event) -> ChatTiming:
    await start.wait()
    began = time.perf_counter()
    timing = ChatTiming(ok=False)
    try:
        async with client.stream(
            "POST", "/v1/chat", json={"message": message}, headers={"Accept": "text/event-stream"}
        ) as response:
            if response.status_code != 200:
                await response.aread()
                timing.error = f"HTTP {response.status_code}: {response.text[:200]}"
                return timing
            lines: list[str] = []
            async for line in response.aiter_lines():
                lines.append(line)
                if line:
                    continue
                for event in iter_sse(lines):
                    timing.events += 1
                    if event.event == "products" and timing.products_s is None:
                        timing.products_s = time.perf_counter() - began
                    elif event.event == "error":
                        timing.error = event.data[:200]
                    elif event.event == "done":
                        timing.done_s = time.perf_counter() - began
                lines.clear()
    except httpx.HTTPError as exc:
        timing.error = f"{type(exc).__name__}: {exc}"
        return timing
    timing.ok = timing.error is None and timing.done_s is not None and timing.products_s is not None
    if not timing.ok and timing.error is None:
        timing.error = "stream ended without products/done"
    return timing


async def _load(url: str, concurrency: int, timeout_s: float) -> tuple[list[ChatTiming], float]:
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=url, timeout=timeout_s, limits=limits) as client:
        start = asyncio.Event()
        tasks = [
            asyncio.create_task(_one_chat(client, MESSAGES[i % len(MESSAGES)], start))
            for i in range(concurrency)
        ]
        await asyncio.sleep(0.2)
        began = time.perf_counter()
        start.set()
        timings = await asyncio.wait_for(asyncio.gather(*tasks), timeout=timeout_s * 2)
        return list(timings), time.perf_counter() - began


def _wait_ready(url: str, process: subprocess.Popen[bytes], deadline_s: float = 120) -> None:
    deadline = time.monotonic() + deadline_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"aisle serve exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/readyz", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"{url}/readyz not ready after {deadline_s}s")


def run(concurrency: int, timeout_s: float, data_dir: Path) -> LoadResult:
    from assistant.settings import Settings
    from retrieval.components import open_catalog
    from retrieval.ingest import ingest_feed

    env = {
        **os.environ,
        "AISLE_DATA_DIR": str(data_dir),
        "AISLE_EMBEDDER": "hash",
        "AISLE_LLM": "fake",
        "AISLE_API_KEYS": "{}",
        "AISLE_RATE_LIMIT_PER_MINUTE": "0",
    }
    env.pop("AISLE_CHROMA_URL", None)
    settings = Settings(_env_file=None, data_dir=data_dir, embedder="hash", llm="fake")
    with open_catalog(settings) as catalog:
        from importlib.resources import as_file, files

        with as_file(files("retrieval") / "data" / "demo_catalog.jsonl") as feed:
            ingest_feed(catalog, feed)
        products = catalog.store.count()
    load_before = os.getloadavg()[0]
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "assistant.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    log = (data_dir / "serve.log").open("wb")
    server = subprocess.Popen(cmd, env=env, cwd=data_dir, stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_ready(url, server)
        timings, wall = asyncio.run(_load(url, concurrency, timeout_s))
    finally:
        server.terminate()
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
    ok = [t for t in timings if t.ok]
    products_s = [t.products_s for t in ok if t.products_s is not None]
    done_s = [t.done_s for t in ok if t.done_s is not None]
    errors = [t.error or "?" for t in timings if not t.ok]
    return LoadResult(
        command=f"python benchmarks/load_chat.py --concurrency {concurrency}",
        concurrency=concurrency,
        chats=len(timings),
        errors=len(errors),
        error_samples=sorted(set(errors))[:5],
        products_p50_s=_percentile(products_s, 0.5),
        products_p95_s=_percentile(products_s, 0.95),
        done_p50_s=_percentile(done_s, 0.5),
        done_p95_s=_percentile(done_s, 0.95),
        done_max_s=round(max(done_s), 4) if done_s else float("nan"),
        wall_s=round(wall, 3),
        throughput_chats_per_s=round(len(ok) / wall, 2) if wall else 0.0,
        catalog_products=products,
        llm="fake",
        embedder="hash",
        ranker=settings.ranker,
        load_avg_1m_before=round(load_before, 2),
        machine=platform.platform(),
        cpus=os.cpu_count() or 0,
        python=platform.python_version(),
        recorded_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )


def _markdown(r: LoadResult) -> str:
    return f"""# Load: {r.concurrency} concurrent SSE chats

`{r.command}` — `aisle serve` (one uvicorn worker) with the fake LLM, hash embedder and the shipped LightGBM ranker
over the demo catalog ({r.catalog_products} products), loopback only. Recorded {r.recorded_at} on
{r.machine}, {r.cpus} CPUs shared with other work (1-min load average {r.load_avg_1m_before} at
the start), Python {r.python}.

| metric | value |
|---|---|
| chats / errors | {r.chats} / {r.errors} |
| time to `products` p50 / p95 | {r.products_p50_s:.3f} s / {r.products_p95_s:.3f} s |
| time to `done` p50 / p95 / max | {r.done_p50_s:.3f} s / {r.done_p95_s:.3f} s / {r.done_max_s:.3f} s |
| wall time, all chats | {r.wall_s:.2f} s |
| throughput | {r.throughput_chats_per_s:.2f} chats/s |

All chats start at the same instant, so the percentiles include queueing behind each other on 2
cores: they measure the server's behaviour under a burst, not a single turn's latency.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--concurrency", type=int, default=100)
    parser.add_argument("--timeout", type=float, default=120.0, help="Seconds per chat.")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results")
    args = parser.parse_args(argv)
    if not 1 <= args.concurrency <= 500:
        parser.error("--concurrency must be between 1 and 500")
    with tempfile.TemporaryDirectory(prefix="aisle-load-") as tmp:
        result = run(args.concurrency, args.timeout, Path(tmp))
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / "load_chat.json").write_text(json.dumps(result.model_dump(), indent=2) + "\n")
    (args.output / "load_chat.md").write_text(_markdown(result))
    print(_markdown(result))
    return 0 if result.errors == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())

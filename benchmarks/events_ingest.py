"""Event ingestion through ``POST /v1/events``: sustained events/s, and nothing acknowledged is lost
when the server is killed with ``kill -9``. SQLite and PostgreSQL.

Not a test. For each store: a fresh data dir (and, for PostgreSQL, a throwaway durable server from
tests/pg_support.py), 64 sessions each with a logged served list of 10 products (written through the
store, as the chat routes would), then a real ``aisle serve`` process (one uvicorn worker, open dev
mode, no rate limit, hash embedder, fake LLM) and an asyncio load generator in this process:
``--concurrency`` clients each posting batches of ``--batch`` new events (impressions and clicks with
positions) back to back.

1. **Throughput**: ``--seconds`` of load; events/s = events acknowledged (200 answers) / wall time.
2. **kill -9**: load again; after ``--kill-after`` seconds the server gets SIGKILL mid-load. Every event
   in a batch that got a 200 answer is *acknowledged*. The store is then opened afresh and each
   acknowledged event looked up: lost = acknowledged − found. Then the server is restarted and every
   batch that was in flight (sent, no answer) is retried: each event comes back as accepted (it had
   not been stored) or duplicate (it had been stored, its answer was lost): never twice.

    flock /tmp/aisle-bench.lock env PYTHONPATH=. .venv/bin/python benchmarks/events_ingest.py
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

if TYPE_CHECKING:
    from assistant.store import SessionStore

ROOT = Path(__file__).resolve().parents[1]
COMMAND = "flock /tmp/aisle-bench.lock env PYTHONPATH=. .venv/bin/python benchmarks/events_ingest.py"
SESSIONS = 64
PRODUCTS = [f"B0{n:08d}" for n in range(10)]


@dataclass
class Load:
    acked: list[tuple[str, str]] = field(default_factory=list)
    in_flight: list[list[dict[str, Any]]] = field(default_factory=list)
    requests: int = 0
    errors: int = 0
    latencies: list[float] = field(default_factory=list)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _store(data_dir: Path, database_url: str | None) -> SessionStore:
    from assistant.settings import Settings
    from assistant.store import open_session_store

    return open_session_store(Settings(_env_file=None, data_dir=data_dir, database_url=database_url))  # type: ignore[call-arg,arg-type]


def _prepare(data_dir: Path, database_url: str | None) -> list[tuple[str, str]]:
    """Sessions with a served turn each: ``(session_id, turn_id)``."""
    from assistant.events import ServedList

    turns = []
    with _store(data_dir, database_url) as store:
        for i in range(SESSIONS):
            sid = store.create_session(f"bench-shopper-{i}")
            turn = f"turn-{i:04d}"
            store.record_served(
                ServedList(
                    turn_id=turn, session_id=sid, shopper_id=f"bench-shopper-{i}", product_ids=PRODUCTS
                )
            )
            turns.append((sid, turn))
    return turns


def _stored(data_dir: Path, database_url: str | None) -> list[tuple[str, str]]:
    with _store(data_dir, database_url) as store:
        return [(e.session_id, e.event_id) for e in store.events()]


def _start(env: dict[str, str], data_dir: Path, port: int) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "assistant.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    log = (data_dir / "serve.log").open("ab")
    server = subprocess.Popen(cmd, env=env, cwd=data_dir, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"aisle serve exited with {server.returncode}; see {data_dir / 'serve.log'}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                # the first events request builds the assistant: warm it up
                httpx.post(
                    f"http://127.0.0.1:{port}/v1/events",
                    json={
                        "events": [
                            {
                                "event_id": "warm",
                                "type": "click",
                                "session_id": "x",
                                "turn_id": "x",
                                "product_id": "x",
                            }
                        ]
                    },
                    timeout=60,
                )
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit("the server did not start")


def _batch(
    turns: list[tuple[str, str]], counter: itertools.count[int], size: int, run: str
) -> list[dict[str, Any]]:
    events = []
    for _ in range(size):
        n = next(counter)
        sid, turn = turns[n % len(turns)]
        pos = n % len(PRODUCTS)
        events.append(
            {
                "event_id": f"{run}-{n:09d}",
                "type": "click" if n % 7 == 0 else "impression",
                "session_id": sid,
                "turn_id": turn,
                "product_id": PRODUCTS[pos],
                "position": pos + 1,
                "occurred_at": "2026-11-30T12:00:00Z",
            }
        )
    return events


async def _client(
    url: str,
    turns: list[tuple[str, str]],
    counter: itertools.count[int],
    size: int,
    run: str,
    stop_at: float,
    load: Load,
) -> None:
    async with httpx.AsyncClient(timeout=30) as client:
        while time.monotonic() < stop_at:
            events = _batch(turns, counter, size, run)
            load.in_flight.append(events)
            started = time.perf_counter()
            try:
                r = await client.post(f"{url}/v1/events", json={"events": events})
            except httpx.HTTPError:
                load.errors += 1
                await asyncio.sleep(0.05)
                continue  # no answer: stays in flight
            load.in_flight.remove(events)
            load.requests += 1
            if r.status_code != 200:
                load.errors += 1
                continue
            load.latencies.append(time.perf_counter() - started)
            rejected = {x["index"] for x in r.json()["rejected"]}
            load.acked += [
                (e["session_id"], e["event_id"]) for i, e in enumerate(events) if i not in rejected
            ]


async def _load(
    url: str, turns: list[tuple[str, str]], seconds: float, concurrency: int, size: int, run: str
) -> tuple[Load, float]:
    load = Load()
    counter = itertools.count()
    started = time.monotonic()
    stop_at = started + seconds
    await asyncio.gather(
        *(_client(url, turns, counter, size, run, stop_at, load) for _ in range(concurrency))
    )
    return load, time.monotonic() - started


async def _load_and_kill(
    url: str,
    turns: list[tuple[str, str]],
    kill_after: float,
    concurrency: int,
    size: int,
    server: subprocess.Popen[bytes],
) -> Load:
    load = Load()
    counter = itertools.count()
    stop_at = time.monotonic() + kill_after + 0.2  # batches sent after the kill were never received

    async def killer() -> None:
        await asyncio.sleep(kill_after)
        os.kill(server.pid, signal.SIGKILL)

    await asyncio.gather(
        killer(), *(_client(url, turns, counter, size, "kill", stop_at, load) for _ in range(concurrency))
    )
    return load


def run_store(name: str, database_url: str | None, args: argparse.Namespace) -> dict[str, Any]:
    data_dir = Path(tempfile.mkdtemp(prefix=f"aisle-events-{name}-"))
    env = {
        **os.environ,
        "AISLE_DATA_DIR": str(data_dir),
        "AISLE_EMBEDDER": "hash",
        "AISLE_LLM": "fake",
        "AISLE_API_KEYS": "{}",
        "AISLE_RATE_LIMIT_PER_MINUTE": "0",
    }
    env.pop("AISLE_EXPERIMENTS", None)
    if database_url:
        env["AISLE_DATABASE_URL"] = database_url
    else:
        env.pop("AISLE_DATABASE_URL", None)
    turns = _prepare(data_dir, database_url)
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server = _start(env, data_dir, port)
    try:
        load, wall = asyncio.run(_load(url, turns, args.seconds, args.concurrency, args.batch, "tput"))
    finally:
        server.terminate()
        server.wait(timeout=30)
    lat = sorted(load.latencies)
    throughput = {
        "events_acked": len(load.acked),
        "seconds": round(wall, 2),
        "events_per_s": round(len(load.acked) / wall, 1),
        "batches_per_s": round(load.requests / wall, 1),
        "batch_p50_ms": round(1000 * lat[len(lat) // 2], 1) if lat else None,
        "batch_p95_ms": round(1000 * lat[int(len(lat) * 0.95)], 1) if lat else None,
        "errors": load.errors,
    }
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    server = _start(env, data_dir, port)
    killed = asyncio.run(_load_and_kill(url, turns, args.kill_after, args.concurrency, args.batch, server))
    server.wait(timeout=30)
    after_kill = set(_stored(data_dir, database_url))
    present = sum(1 for key in killed.acked if key in after_kill)
    # restart and retry the batches that got no answer
    port = _free_port()
    server = _start(env, data_dir, port)
    accepted = duplicates = 0
    try:
        with httpx.Client(timeout=30) as client:
            for events in killed.in_flight:
                r = client.post(f"http://127.0.0.1:{port}/v1/events", json={"events": events})
                r.raise_for_status()
                accepted += r.json()["accepted"]
                duplicates += r.json()["duplicates"]
    finally:
        server.terminate()
        server.wait(timeout=30)
    keys = _stored(data_dir, database_url)
    stored_twice = len(keys) - len(set(keys))
    kill = {
        "killed_after_s": args.kill_after,
        "events_acked_before_kill": len(killed.acked),
        "acked_events_found_after_restart": present,
        "lost": len(killed.acked) - present,
        "in_flight_batches_retried": len(killed.in_flight),
        "retried_accepted": accepted,
        "retried_duplicates": duplicates,
        "events_stored_twice": stored_twice,
    }
    return {"store": name, "throughput": throughput, "kill9": kill}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--kill-after", type=float, default=6)
    parser.add_argument("--stores", default="sqlite,postgres")
    parser.add_argument("--output", type=Path, default=ROOT / "eval" / "results" / "events")
    args = parser.parse_args()
    rows = []
    for name in args.stores.split(","):
        if name == "postgres":
            sys.path.insert(0, str(ROOT / "tests"))
            from pg_support import PostgresServer

            pg = PostgresServer(durable=True).start()
            try:
                rows.append(run_store(name, pg.create_database(), args))
            finally:
                pg.stop()
        else:
            rows.append(run_store(name, None, args))
        print(json.dumps(rows[-1]), flush=True)
    meta = {
        "command": COMMAND,
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores shared by the server, the load generator, "
        "PostgreSQL and other workers' tests (held the bench lock; other workers' unit tests may have run)",
        "batch": args.batch,
        "concurrency": args.concurrency,
    }
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / "ingest.json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=2) + "\n")
    lines = [
        "# Event ingestion: `POST /v1/events` throughput and kill -9",
        "",
        f"`{COMMAND}` — {meta['when']}; {meta['machine']}. One `aisle serve` process (one uvicorn worker), "
        f"{args.concurrency} concurrent clients posting batches of {args.batch} events for {args.seconds:g} s; "
        "PostgreSQL with its durable defaults (synchronous_commit=on), SQLite in WAL mode (synchronous=NORMAL).",
        "",
        "| store | events/s | batches/s | batch p50 ms | batch p95 ms | errors | acked before kill -9 | lost | in-flight retried: accepted / duplicate | stored twice |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---:|",
    ]
    for r in rows:
        t, k = r["throughput"], r["kill9"]
        lines.append(
            f"| {r['store']} | {t['events_per_s']} | {t['batches_per_s']} | {t['batch_p50_ms']} | {t['batch_p95_ms']} | "
            f"{t['errors']} | {k['events_acked_before_kill']} | {k['lost']} | {k['retried_accepted']} / {k['retried_duplicates']} | "
            f"{k['events_stored_twice']} |"
        )
    (args.output / "ingest.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

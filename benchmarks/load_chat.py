"""Load benchmark: bursts of concurrent SSE chats against a live ``aisle serve`` at 1, 2 and 4 workers.

Not a test. For each worker count it starts ``aisle serve --workers N`` on a free loopback port over a
temporary data dir holding the bundled demo catalog (ingested once, with the same embedder), waits
until the workers are warm, then fires bursts of ``--concurrency`` chats at once (each a
``POST /v1/chat`` with ``Accept: text/event-stream``, a different shopper's opening message from the
conversation suites) and records per chat the time to the ``products`` event, to the first ``token``
and to ``done``, plus the server's own per-stage timings (the ``done`` event's ``timings_ms``) and
each worker's RSS. The LLM is the fake with a hosted model's timing (``AISLE_FAKE_FIRST_TOKEN_S``,
``AISLE_FAKE_TOKENS_PER_S``) answering like a capable model (``AISLE_FAKE_SCRIPT=realistic``).

Rows are written to ``benchmarks/results/load_chat.json`` and ``.md`` under ``--label``; rows of other
labels already there are kept (a "before" next to an "after"). Bounded: every chat has a timeout, and
the load generator runs on the same 2 cores as the server (it is counted in what they share).

    .venv/bin/python benchmarks/load_chat.py                         # 1,2,4 workers × 1,10,50,200 chats
    .venv/bin/python benchmarks/load_chat.py --workers 2 --concurrency 200 --label try --output /tmp/b
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx
import yaml
from pydantic import BaseModel, Field

from assistant.api.responses import SESSION_HEADER
from ui.client import iter_sse

__all__ = [
    "BurstResult",
    "ChatTiming",
    "LoadReport",
    "SessionShape",
    "main",
    "run_workers",
    "shopper_conversations",
    "shopper_messages",
]

ROOT = Path(__file__).resolve().parents[1]
SUITES = (
    ROOT / "eval" / "suites" / "conversations" / "demo.yaml",
    ROOT / "eval" / "suites" / "conversations" / "heldout" / "demo.yaml",
)
WARM_START = 700  # the warm-up's messages: never among a recorded burst's (those start at 0)
STAGES = (
    "history",
    "plan",
    "search.load",
    "search.filter",
    "search.embed",
    "search.dense",
    "search.bm25",
    "search.fuse",
    "search.features",
    "search.rank",
    "search.diversify",
    "retrieve_rank",
    "explain",
    "total",
)


class ChatTiming(BaseModel):
    ok: bool
    products_s: float | None = None
    first_token_s: float | None = None
    done_s: float | None = None
    events: int = 0
    stages_ms: dict[str, float] = Field(default_factory=dict)
    error: str | None = None
    session_id: str | None = None


class WorkerMemory(BaseModel):
    pid: int
    rss_mb: float
    peak_rss_mb: float


class BurstResult(BaseModel):
    """One burst: ``concurrency`` chats started at the same instant against ``workers`` workers; or,
    with ``mode="sessions"``, ``concurrency`` shoppers chatting at once (``chats`` is their turns)."""

    label: str
    mode: str = "burst"
    shape: str = ""  # sessions: how shoppers arrive and pace their turns
    workers: int
    concurrency: int
    chats: int
    errors: int
    error_samples: list[str] = Field(default_factory=list)
    products_s: dict[str, float]
    first_token_s: dict[str, float]
    done_s: dict[str, float]
    wall_s: float
    turns_per_s: float
    server_stages_p50_ms: dict[str, float] = Field(default_factory=dict)
    worker_memory: list[WorkerMemory] = Field(default_factory=list)
    load_avg_1m_before: float


class LoadReport(BaseModel):
    command: str
    catalog_products: int
    embedder: str
    llm: str
    torch_threads: str
    machine: str
    cpus: int
    python: str
    recorded_at: str
    bursts: list[BurstResult]


# Ways shoppers add to the same ask; with the suites' openings they make every chat's text unique, so
# no chat is served from another's cached query vector.
ASIDES = (
    "",
    " please",
    ", something well reviewed",
    " for a gift",
    " — what would you recommend?",
    " on a budget",
    ", nothing too fancy",
    " that will last",
    " for my partner",
    ", any good ones?",
)


def shopper_messages(n: int, *, start: int = 0) -> list[str]:
    """``n`` distinct shopper messages: the opening message of every demo conversation in the eval
    suites (varied, realistic asks), each with one of a few asides once the openings run out."""
    openings: list[str] = []
    for path in SUITES:
        suite = yaml.safe_load(path.read_text())
        openings.extend(str(t["vars"]["conversation"][0]) for t in suite["tests"])
    total = len(openings) * len(ASIDES)
    if start + n > total:
        raise ValueError(f"only {total} distinct messages; asked for {n} from {start}")
    return [openings[i % len(openings)] + ASIDES[i // len(openings)] for i in range(start, start + n)]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _percentiles(values: list[float]) -> dict[str, float]:
    if not values:
        return {}
    ordered = sorted(values)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))], 4)

    return {"p50": at(0.5), "p95": at(0.95), "p99": at(0.99), "max": round(ordered[-1], 4)}


async def _one_chat(
    client: httpx.AsyncClient, message: str, start: asyncio.Event, session_id: str | None = None
) -> ChatTiming:
    await start.wait()
    began = time.perf_counter()
    timing = ChatTiming(ok=False)
    body: dict[str, str] = {"message": message}
    if session_id:
        body["session_id"] = session_id
    try:
        async with client.stream(
            "POST", "/v1/chat", json=body, headers={"Accept": "text/event-stream"}
        ) as response:
            timing.session_id = response.headers.get(SESSION_HEADER)
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
                    now = time.perf_counter() - began
                    if event.event == "products" and timing.products_s is None:
                        timing.products_s = now
                    elif event.event == "token" and timing.first_token_s is None:
                        timing.first_token_s = now
                    elif event.event == "error":
                        timing.error = event.data[:200]
                    elif event.event == "done":
                        timing.done_s = now
                        timing.stages_ms = {
                            k: v
                            for k, v in json.loads(event.data).get("timings_ms", {}).items()
                            if k in STAGES
                        }
                lines.clear()
    except httpx.HTTPError as exc:
        timing.error = f"{type(exc).__name__}: {exc}"[:200]
        return timing
    timing.ok = timing.error is None and timing.done_s is not None
    if not timing.ok and timing.error is None:
        timing.error = "stream ended without done"
    return timing


async def _burst(url: str, messages: list[str], timeout_s: float) -> tuple[list[ChatTiming], float]:
    n = len(messages)
    limits = httpx.Limits(max_connections=n, max_keepalive_connections=n)
    async with httpx.AsyncClient(base_url=url, timeout=timeout_s, limits=limits) as client:
        start = asyncio.Event()
        tasks = [asyncio.create_task(_one_chat(client, m, start)) for m in messages]
        await asyncio.sleep(0.2)
        began = time.perf_counter()
        start.set()
        timings = await asyncio.wait_for(asyncio.gather(*tasks), timeout=timeout_s * 2)
        return list(timings), time.perf_counter() - began


class SessionShape(BaseModel):
    """How the shoppers of a sessions run arrive and pace themselves."""

    turns: int = 3
    ramp_s: float = 10.0
    think_s: tuple[float, float] = (3.0, 10.0)
    seed: int = 7

    def describe(self) -> str:
        lo, hi = self.think_s
        return (
            f"{self.turns} turns each, starts spread over {self.ramp_s:g} s, "
            f"{lo:g}–{hi:g} s between the end of an answer and the next message"
        )


def shopper_conversations(n: int, turns: int, *, start: int = 0) -> list[list[str]]:
    """``n`` conversations of up to ``turns`` messages: the demo suites' conversations, each opening
    made unique with an aside (as in :func:`shopper_messages`)."""
    convs: list[list[str]] = []
    for path in SUITES:
        suite = yaml.safe_load(path.read_text())
        convs.extend([str(m) for m in t["vars"]["conversation"]] for t in suite["tests"])
    openings = shopper_messages(n, start=start)
    return [[openings[i], *convs[(start + i) % len(convs)][1:turns]] for i in range(n)]


async def _sessions(
    url: str, conversations: list[list[str]], shape: SessionShape, timeout_s: float
) -> tuple[list[ChatTiming], float]:
    """Every shopper starts within ``ramp_s``, sends a message, reads the whole answer, thinks, and
    sends the next one in the same session: ``len(conversations)`` chats open at once."""
    import random

    rng = random.Random(shape.seed)
    plans = [(rng.uniform(0, shape.ramp_s), [rng.uniform(*shape.think_s) for _ in c]) for c in conversations]
    n = len(conversations)
    limits = httpx.Limits(max_connections=n, max_keepalive_connections=n)
    ready = asyncio.Event()
    ready.set()

    async def shopper(messages: list[str], offset: float, thinks: list[float]) -> list[ChatTiming]:
        await asyncio.sleep(offset)
        session: str | None = None
        out: list[ChatTiming] = []
        for message, think in zip(messages, thinks, strict=False):
            timing = await _one_chat(client, message, ready, session)
            out.append(timing)
            if not timing.ok:
                break
            session = timing.session_id or session
            await asyncio.sleep(think)
        return out

    async with httpx.AsyncClient(base_url=url, timeout=timeout_s, limits=limits) as client:
        began = time.perf_counter()
        done = await asyncio.wait_for(
            asyncio.gather(*(shopper(c, o, t) for c, (o, t) in zip(conversations, plans, strict=True))),
            timeout=timeout_s * (shape.turns + 1) + shape.ramp_s,
        )
        return [t for chats in done for t in chats], time.perf_counter() - began


def _wait_ready(url: str, process: subprocess.Popen[bytes], deadline_s: float = 300) -> None:
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


def _children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(c) for c in text.split()]


def _worker_pids(server_pid: int, workers: int) -> list[int]:
    """The processes serving requests: the server itself, or its spawned uvicorn workers."""
    if workers == 1:
        return [server_pid]
    found = []
    for child in _children(server_pid):
        try:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:
            continue
        if b"spawn_main" in cmdline:
            found.append(child)
    return found


def _memory(pid: int) -> WorkerMemory | None:
    try:
        fields = dict(
            line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line
        )
    except OSError:
        return None

    def mb(key: str) -> float:
        return round(int(fields[key].split()[0]) / 1024, 1)

    return WorkerMemory(pid=pid, rss_mb=mb("VmRSS"), peak_rss_mb=mb("VmHWM"))


def _ready_workers(server_pid: int, workers: int, deadline_s: float = 300) -> list[int]:
    """Wait until every worker process exists and has warmed up (its RSS stops growing)."""
    deadline = time.monotonic() + deadline_s
    last: dict[int, float] = {}
    while time.monotonic() < deadline:
        pids = _worker_pids(server_pid, workers)
        if len(pids) == workers:
            now = {p: m.rss_mb for p in pids if (m := _memory(p)) is not None}
            if now and now == last:
                return pids
            last = now
        time.sleep(3)
    raise SystemExit(f"{workers} workers did not settle within {deadline_s}s")


def _ingest(data_dir: Path, embedder: str) -> int:
    from importlib.resources import as_file, files

    from assistant.settings import Settings
    from retrieval.components import open_catalog
    from retrieval.ingest import ingest_feed

    settings = Settings(_env_file=None, data_dir=data_dir, embedder=embedder, llm="fake", chroma_url=None)
    with open_catalog(settings) as catalog:
        with as_file(files("retrieval") / "data" / "demo_catalog.jsonl") as feed:
            ingest_feed(catalog, feed)
        return catalog.store.count()


def _burst_result(
    label: str, workers: int, timings: list[ChatTiming], wall: float, pids: list[int], load: float
) -> BurstResult:
    ok = [t for t in timings if t.ok]
    errors = [t.error or "?" for t in timings if not t.ok]
    stages: dict[str, list[float]] = {}
    for t in ok:
        for k, v in t.stages_ms.items():
            stages.setdefault(k, []).append(v)
    return BurstResult(
        label=label,
        workers=workers,
        concurrency=len(timings),
        chats=len(timings),
        errors=len(errors),
        error_samples=sorted(set(errors))[:5],
        products_s=_percentiles([t.products_s for t in ok if t.products_s is not None]),
        first_token_s=_percentiles([t.first_token_s for t in ok if t.first_token_s is not None]),
        done_s=_percentiles([t.done_s for t in ok if t.done_s is not None]),
        wall_s=round(wall, 3),
        turns_per_s=round(len(ok) / wall, 2) if wall else 0.0,
        server_stages_p50_ms={k: round(statistics.median(v), 1) for k, v in sorted(stages.items())},
        worker_memory=[m for p in pids if (m := _memory(p)) is not None],
        load_avg_1m_before=round(load, 2),
    )


def run_workers(
    *,
    label: str,
    workers: int,
    concurrencies: list[int],
    data_dir: Path,
    env: dict[str, str],
    timeout_s: float,
    log: Path,
    profile: Path | None = None,
    sessions: SessionShape | None = None,
) -> list[BurstResult]:
    """Start ``aisle serve --workers N``, run one burst per concurrency, stop it; with ``profile``,
    py-spy samples every worker during each burst (raw collapsed stacks, one file per burst). With
    ``sessions``, each concurrency is that many shoppers chatting at once instead of a burst."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    cmd = [sys.executable, "-m", "assistant.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    cmd += ["--workers", str(workers)]
    results: list[BurstResult] = []
    with log.open("ab") as out:
        server = subprocess.Popen(cmd, env=env, cwd=data_dir, stdout=out, stderr=subprocess.STDOUT)
        try:
            try:
                _wait_ready(url, server)
            except SystemExit:
                print(log.read_text()[-3000:], file=sys.stderr)
                raise
            pids = _ready_workers(server.pid, workers)
            # Not recorded: a few small bursts (from the end of the messages), so every worker has served turns.
            warm = shopper_messages(8 * workers, start=WARM_START)
            for i in range(0, len(warm), 2 * workers):
                asyncio.run(_burst(url, warm[i : i + 2 * workers], timeout_s))
            offset = 0
            for n in concurrencies:
                load = os.getloadavg()[0]
                spy = _py_spy(server.pid, profile, f"w{workers}-c{n}") if profile else None
                try:
                    if sessions is None:
                        timings, wall = asyncio.run(_burst(url, shopper_messages(n, start=offset), timeout_s))
                    else:
                        convs = shopper_conversations(n, sessions.turns, start=offset)
                        timings, wall = asyncio.run(_sessions(url, convs, sessions, timeout_s))
                finally:
                    if spy is not None:
                        spy.send_signal(signal.SIGINT)
                        spy.wait(timeout=60)
                offset += n
                result = _burst_result(label, workers, timings, wall, pids, load)
                if sessions is not None:
                    result = result.model_copy(
                        update={"mode": "sessions", "shape": sessions.describe(), "concurrency": n}
                    )
                results.append(result)
                print(_row(result), flush=True)
                time.sleep(2)
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
    return results


def _py_spy(server_pid: int, folder: Path, name: str) -> subprocess.Popen[bytes]:
    """``py-spy record`` on the server and its workers until SIGINT (non-blocking: the workers are not
    paused, so the profile perturbs the timings little; a profiled run's timings are not recorded)."""
    folder.mkdir(parents=True, exist_ok=True)
    spy = Path(sys.executable).with_name("py-spy")
    cmd = [str(spy), "record", "--pid", str(server_pid), "--subprocesses", "--nonblocking", "--rate", "50"]
    cmd += ["--format", "raw", "--output", str(folder / f"{name}.txt")]
    process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1.0)  # attached before the burst starts
    return process


def _fmt(p: dict[str, float], key: str) -> str:
    return f"{p[key]:.2f}" if key in p else "–"


def _row(r: BurstResult) -> str:
    rss = "/".join(f"{m.peak_rss_mb:.0f}" for m in r.worker_memory) or "–"
    return (
        f"| {r.label} | {r.workers} | {r.concurrency} | {r.errors} "
        f"| {_fmt(r.products_s, 'p50')} / {_fmt(r.products_s, 'p95')} / {_fmt(r.products_s, 'p99')} "
        f"| {_fmt(r.first_token_s, 'p50')} / {_fmt(r.first_token_s, 'p95')} "
        f"| {_fmt(r.done_s, 'p50')} / {_fmt(r.done_s, 'p95')} / {_fmt(r.done_s, 'p99')} "
        f"| {r.turns_per_s:.2f} | {rss} |"
    )


HEADER = (
    "| label | workers | chats at once | errors | `products` p50 / p95 / p99 (s) | first token p50 / p95 (s) "
    "| full turn p50 / p95 / p99 (s) | turns/s | peak RSS per worker (MB) |\n"
    "|---|---|---|---|---|---|---|---|---|"
)


EARLIER = (
    "## earlier (hash embedder)\n\n"
    "The previous version of this benchmark (2026-11-29: one worker, the hash embedder, the fake LLM answering at "
    "once, 100 chats at once, 8 messages repeated): 0 errors, `products` p50 2.53 s / p95 3.43 s, full turn "
    "p95 3.78 s, 25.7 turns/s. Not comparable with the rows above: no model embeds there and the LLM takes no time.\n"
)


def _stage_table(bursts: list[BurstResult]) -> str:
    keys = [k for k in STAGES if any(k in b.server_stages_p50_ms for b in bursts)]
    lines = [
        "| label | workers | chats | " + " | ".join(f"`{k}`" for k in keys) + " |",
        "|---" * (3 + len(keys)) + "|",
    ]
    for b in bursts:
        cells = [f"{b.server_stages_p50_ms[k]:.0f}" if k in b.server_stages_p50_ms else "–" for k in keys]
        lines.append(f"| {b.label} | {b.workers} | {b.concurrency} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _mode_table(report: LoadReport, mode: str) -> str:
    rows = [b for b in report.bursts if b.mode == mode]
    if not rows:
        return ""
    if mode == "burst":
        return f"{HEADER}\n" + "\n".join(_row(b) for b in rows) + "\n\n"
    shapes = sorted({b.shape for b in rows})
    return (
        f"Shoppers chatting at once ({'; '.join(shapes)}); percentiles over every turn of every shopper:\n\n"
        + HEADER.replace("chats at once", "shoppers at once")
        + "\n"
        + "\n".join(_row(b) for b in rows)
        + "\n\n"
    )


def markdown(reports: list[LoadReport]) -> str:
    parts = ["# Load: concurrent SSE chats against `aisle serve --workers N`\n"]
    for r in reports:
        labels = sorted({b.label for b in r.bursts})
        parts.append(
            f"## {', '.join(labels)}\n\n`{r.command}` — recorded {r.recorded_at}; {r.catalog_products} demo "
            f"products, embedder {r.embedder} (torch threads per worker: {r.torch_threads}), LLM {r.llm}; "
            f"{r.machine}, {r.cpus} CPUs shared with the load generator and with other workers' tests "
            f"(1-min load average before each burst in the JSON), Python {r.python}.\n\n"
            + "".join(_mode_table(r, mode) for mode in ("burst", "sessions"))
            + "Server-side stage times, median over the burst's chats (ms, from the `done` event's "
            "`timings_ms`; `plan` and `retrieve_rank` include waiting for the CPU):\n\n"
            f"{_stage_table(r.bursts)}\n"
        )
    parts.append(EARLIER)
    parts.append(
        "All chats of a burst start at the same instant, so the percentiles include queueing behind each "
        "other on 2 cores: they measure the server under a burst, not one turn's latency. `products` is "
        "the moment the shopper sees the product cards (retrieval and ranking done); the first token and "
        "the full turn include the fake LLM's timing (the rerank with reasons is one structured call "
        "of ~200 tokens, then the answer streams).\n"
    )
    return "\n".join(parts)


def _server_env(data_dir: Path, args: argparse.Namespace) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AISLE_")}
    env.update(
        AISLE_DATA_DIR=str(data_dir),
        AISLE_EMBEDDER=args.embedder,
        AISLE_LLM="fake",
        AISLE_FAKE_SCRIPT="realistic",
        AISLE_FAKE_FIRST_TOKEN_S=str(args.first_token_s),
        AISLE_FAKE_TOKENS_PER_S=str(args.tokens_per_s),
        AISLE_API_KEYS="{}",
        AISLE_RATE_LIMIT_PER_MINUTE="0",
        HF_HUB_OFFLINE="1",
        TRANSFORMERS_OFFLINE="1",
        TOKENIZERS_PARALLELISM="false",
        ANONYMIZED_TELEMETRY="False",
    )
    for key in args.server_env or []:
        name, _, value = key.partition("=")
        env[name] = value
    return env


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--concurrency", type=int, nargs="+", default=[1, 10, 50, 200])
    parser.add_argument("--embedder", choices=["minilm", "hash"], default="minilm")
    parser.add_argument(
        "--first-token-s", type=float, default=0.3, help="Fake LLM: seconds to the first token."
    )
    parser.add_argument("--tokens-per-s", type=float, default=30.0, help="Fake LLM: decoding speed.")
    parser.add_argument("--timeout", type=float, default=180.0, help="Seconds per chat.")
    parser.add_argument("--label", default="current", help="Rows of this label replace earlier ones.")
    parser.add_argument(
        "--server-env", action="append", metavar="AISLE_X=V", help="Extra environment for the server."
    )
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results")
    parser.add_argument(
        "--profile",
        type=Path,
        metavar="DIR",
        help="Sample the workers with py-spy during each burst into DIR (the run's figures are not recorded).",
    )
    parser.add_argument(
        "--sessions",
        action="store_true",
        help="Shoppers in conversation (ramped starts, think time between turns) instead of bursts.",
    )
    parser.add_argument("--turns", type=int, default=3, help="--sessions: messages per shopper.")
    parser.add_argument("--ramp-s", type=float, default=10.0, help="--sessions: starts spread over.")
    parser.add_argument(
        "--think-s", type=float, nargs=2, default=[3.0, 10.0], help="--sessions: pause between turns."
    )
    args = parser.parse_args(argv)
    if not all(1 <= n <= 500 for n in args.concurrency) or sum(args.concurrency) > WARM_START:
        parser.error(f"--concurrency must be between 1 and 500, at most {WARM_START} chats in all")
    shown = " ".join(sys.argv[1:] if argv is None else argv)
    bursts: list[BurstResult] = []
    with tempfile.TemporaryDirectory(prefix="aisle-load-") as tmp:
        data_dir = Path(tmp)
        products = _ingest(data_dir, args.embedder)
        env = _server_env(data_dir, args)
        for workers in args.workers:
            bursts += run_workers(
                label=args.label,
                workers=workers,
                concurrencies=args.concurrency,
                data_dir=data_dir,
                env=env,
                timeout_s=args.timeout,
                log=data_dir / "serve.log",
                profile=args.profile,
                sessions=SessionShape(turns=args.turns, ramp_s=args.ramp_s, think_s=tuple(args.think_s))
                if args.sessions
                else None,
            )
        if any(b.errors for b in bursts):
            print((data_dir / "serve.log").read_text()[-3000:], file=sys.stderr)
    report = LoadReport(
        command=f"python benchmarks/load_chat.py {shown}".strip(),
        catalog_products=products,
        embedder=args.embedder,
        llm=f"fake (realistic replies; first token {args.first_token_s} s, {args.tokens_per_s:g} tokens/s)",
        torch_threads=env.get("AISLE_TORCH_THREADS", "default"),
        machine=platform.platform(),
        cpus=os.cpu_count() or 0,
        python=platform.python_version(),
        recorded_at=datetime.now(UTC).isoformat(timespec="seconds"),
        bursts=bursts,
    )
    if args.profile:
        print(markdown([report]))
        return 0
    args.output.mkdir(parents=True, exist_ok=True)
    path = args.output / "load_chat.json"
    kept: list[LoadReport] = []
    if path.exists():
        try:
            raw = json.loads(path.read_text())
            kept = [LoadReport.model_validate(r) for r in raw.get("reports", [])]
        except (ValueError, AttributeError):
            kept = []  # an older single-run file: replaced
    kept = [r for r in kept if {b.label for b in r.bursts} != {args.label}] + [report]
    path.write_text(json.dumps({"reports": [r.model_dump() for r in kept]}, indent=2) + "\n")
    (args.output / "load_chat.md").write_text(markdown(kept))
    print(markdown([report]))
    return 0 if all(b.errors == 0 for b in bursts) else 1


if __name__ == "__main__":
    raise SystemExit(main())

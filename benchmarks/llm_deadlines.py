"""Turn wall time against a misbehaving OpenAI-compatible model server (issue 10, "deadlines, not hangs").

Not a test: it ingests a slice of the demo catalog (hash embedder) into a temporary data dir, starts
the loopback stub server of ``tests/openai_server.py`` in each misbehaving mode (hang, HTTP 500, 429
with ``Retry-After: 20``, malformed JSON, truncated stream, 2 s/token drip) and runs ``--turns`` turns
per mode through the real ``Assistant`` with the real OpenAI adapter, one fresh assistant (and so
one fresh circuit breaker) per mode, after one warm-up turn against a healthy server. For each turn: the time to ``products`` and to ``done``, the
requests the server got, and the stages that reported ``degraded``. Default settings otherwise
(``AISLE_LLM_TIMEOUT_S`` 30 s, ``AISLE_TURN_BUDGET_S`` 20 s where the code has it).

Works against older code too (the "before" figures): put that code first on the path.

    PYTHONPATH=$PWD .venv/bin/python benchmarks/llm_deadlines.py --turns 4
    PYTHONPATH=/work/main .venv/bin/python benchmarks/llm_deadlines.py --turns 1 --label before
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
MESSAGE = "a quiet dishwasher under $800"
MODES = ("hang", "http_500", "rate_limited", "malformed", "truncated", "drip")


def _turn(assistant: Any, stub: Any, message: str) -> dict[str, Any]:
    from assistant.schemas import ChatRequest

    before = len(stub.requests)
    started = time.perf_counter()
    products_s = done_s = None
    degraded: list[str] = []
    error = None
    try:
        for event in assistant.chat(ChatRequest(message=message)):
            elapsed = round(time.perf_counter() - started, 2)
            if event.type == "products" and products_s is None:
                products_s = elapsed
            elif event.type == "degraded":
                degraded.append(event.stage)
            elif event.type == "done":
                done_s = elapsed
    except Exception as exc:  # the old code let some upstream errors escape the turn: record them
        error = type(exc).__name__
        traceback.print_exc()
    return {
        "products_s": products_s,
        "done_s": done_s,
        "wall_s": round(time.perf_counter() - started, 2),
        "requests": len(stub.requests) - before,
        "degraded": degraded,
        "error": error,
    }


def run(turns: int, modes: tuple[str, ...], budget: float | None) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT / "tests"))
    from http_support import write_small_catalog  # type: ignore[import-not-found]
    from openai_server import serve_stub  # type: ignore[import-not-found]

    from assistant.settings import Settings
    from assistant.turn import build_assistant
    from retrieval.ingest import ingest_feed

    results: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="aisle-deadlines-") as tmp, serve_stub() as stub:
        extra: dict[str, Any] = {} if budget is None else {"turn_budget_s": budget}
        base = Settings(
            _env_file=None,  # type: ignore[call-arg]
            data_dir=Path(tmp) / "data",
            embedder="hash",
            llm="openai",
            llm_base_url=stub.url,
            llm_model="stub-7b",
            **extra,
        )
        seed = build_assistant(base)
        ingest_feed(seed.catalog, write_small_catalog(Path(tmp) / "feed.jsonl"))
        # One turn against a healthy server first: the process's cold start (ranker, indexes,
        # tokenizer: ~3 s here) is not the model's time, so it is not attributed to the first mode.
        warm = _turn(seed, stub, MESSAGE)
        print("warm-up (healthy server)", json.dumps(warm), flush=True)
        seed.store.close()
        seed.catalog.close()
        for mode in modes:
            stub.reset()
            stub.mode = mode
            assistant = build_assistant(base)
            try:
                results[mode] = [_turn(assistant, stub, MESSAGE) for _ in range(turns)]
            finally:
                assistant.store.close()
                assistant.catalog.close()
            print(mode, json.dumps(results[mode]), flush=True)
        results["_settings"] = {
            "llm_timeout_s": base.llm_timeout_s,
            "turn_budget_s": getattr(base, "turn_budget_s", None),
        }
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--turns", type=int, default=4)
    parser.add_argument("--modes", default=",".join(MODES))
    parser.add_argument("--budget", type=float, default=None, help="AISLE_TURN_BUDGET_S (default: settings)")
    parser.add_argument("--label", default="after")
    parser.add_argument("--output", type=Path, default=ROOT / "benchmarks" / "results")
    args = parser.parse_args()
    results = run(args.turns, tuple(args.modes.split(",")), args.budget)
    args.output.mkdir(parents=True, exist_ok=True)
    path = args.output / f"llm-deadlines-{args.label}.json"
    path.write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {path}")


if __name__ == "__main__":
    main()

"""Where a worker's CPU goes, per turn stage, from py-spy's raw collapsed stacks.

``benchmarks/load_chat.py --profile DIR`` samples the API workers with ``py-spy record --format raw``
during each burst; this reads those files and attributes every sample to the stage of the innermost
frame that names one (a torch frame under ``retrieval/embed.py`` is ``embed``; a thread pool bm25s starts
is ``bm25``); only stacks no stage names go to the serving machinery (``sse/http``, ``event loop/threads``). Idle threads (waiting for the LLM, a lock or a socket) are not sampled, so the
shares are of CPU time actually spent.

    .venv/bin/python benchmarks/profile_stages.py DIR/w1-c200.txt [DIR/w2-c200.txt …]
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

__all__ = ["STAGE_RULES", "stage_of", "stage_shares"]

# (stage, substrings of a frame): checked from the innermost frame outwards, first hit wins.
STAGE_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("embed", ("retrieval/embed.py", "sentence_transformers/", "transformers/", "torch/")),
    ("filter", ("mask (retrieval/snapshot.py", "retrieval/filters.py")),
    ("dense", ("_dense (retrieval/search.py",)),
    ("bm25", ("retrieval/lexical.py", "bm25s/")),
    ("fuse", ("retrieval/fusion.py",)),
    ("features", ("retrieval/features.py",)),
    ("rank", ("retrieval/rank.py", "lightgbm/")),
    ("diversify", ("retrieval/diversity.py", "_diversify (retrieval/search.py")),
    (
        "catalog snapshot/release",
        ("retrieval/snapshot.py", "retrieval/release.py", "retrieval/components.py"),
    ),
    ("search (other)", ("retrieval/search.py", "retrieval/relax.py")),
    ("plan", ("assistant/plan/",)),
    ("explain/compose/verify", ("assistant/explain.py", "assistant/claims.py", "assistant/compose.py")),
    ("explain/compose/verify", ("assistant/answers.py", "assistant/responses.py", "prompts/")),
    ("llm call (fake model, streaming)", ("assistant/llm/", "langchain_core/", "langchain/")),
    ("sessions store", ("assistant/store.py", "assistant/stores/", "sqlite3/")),
    ("turn (other)", ("assistant/turn.py",)),
)
# Checked only when no stage above names a frame: the serving machinery around the turn.
GENERIC_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "sse/http",
        ("sse_starlette/", "assistant/api/", "starlette/", "fastapi/", "uvicorn/", "h11/", "httptools/"),
    ),
    ("event loop/threads", ("asyncio/", "anyio/", "concurrent/futures", "threading.py")),
)

# A stack whose innermost frame is one of these is a thread waiting (py-spy's non-blocking sampling
# does not always tell idle threads apart): counted apart, out of the stage shares.
WAITS = (
    "Condition.wait (",
    "Event.wait (",
    "Thread._wait_for_tstate_lock (",
    "Thread.join (",
    "select (",
    "Runner.run (",
    "asyncio_run (",
    "Server.run (",
)


def stage_of(stack: str) -> str:
    """The stage of one collapsed stack (frames root-first, ``;``-separated)."""
    frames = stack.split(";")
    if any(frames[-1].startswith(w) for w in WAITS):
        return "(waiting)"
    for rules in (STAGE_RULES, GENERIC_RULES):
        for frame in reversed(frames):
            for stage, needles in rules:
                if any(n in frame for n in needles):
                    return stage
    return "other"


def stage_shares(path: Path) -> Counter[str]:
    """Samples per stage in one raw py-spy file."""
    counts: Counter[str] = Counter()
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            counts[stage_of(stack)] += int(count)
    return counts


def table(paths: list[Path]) -> str:
    """Stage shares of the CPU samples (waiting threads left out), one column per file."""
    raw = [(p.stem, stage_shares(p)) for p in paths]
    waiting = {name: c.pop("(waiting)", 0) for name, c in raw}
    columns = raw
    stages = sorted({s for _, c in columns for s in c}, key=lambda s: -sum(c[s] for _, c in columns))
    head = "| stage | " + " | ".join(f"{name} (% of CPU samples)" for name, _ in columns) + " |"
    lines = [head, "|---" * (1 + len(columns)) + "|"]
    for stage in stages:
        cells = []
        for _, counts in columns:
            total = sum(counts.values()) or 1
            cells.append(f"{100 * counts[stage] / total:.1f}")
        lines.append(f"| {stage} | " + " | ".join(cells) + " |")
    lines.append("| CPU samples | " + " | ".join(str(sum(c.values())) for _, c in columns) + " |")
    lines.append("| (waiting, left out) | " + " | ".join(str(waiting[name]) for name, _ in columns) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("files", type=Path, nargs="+")
    args = parser.parse_args(argv)
    missing = [p for p in args.files if not p.exists()]
    if missing:
        print(f"missing: {', '.join(map(str, missing))}", file=sys.stderr)
        return 2
    print(table(args.files))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

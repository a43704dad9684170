"""A/A false-positive rate and A/B power of the experiment tests on synthetic Bernoulli units.

Not a test. Each repetition draws ``--units`` units, each assigned to A or B with probability 1/2 and
converting with probability ``base`` (A) or ``base + lift`` (B), in arrival order. For each repetition:

* ``always_valid``: the mSPRT of :mod:`assistant.experiments.stats` run after every unit (the
  always-valid p-value at the end ≤ alpha means it rejected at some look);
* ``fixed``: the fixed-horizon score test, once, at the end;
* ``naive_peeking``: the fixed-horizon test read after every ``--peek-every`` units, stopping at the
  first p ≤ alpha (what people do with a dashboard; the reason an always-valid test is needed).

    PYTHONPATH=. .venv/bin/python eval/experiments_power.py      # writes eval/results/events/aa-power.{md,json}
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from assistant.experiments.stats import DEFAULT_TAU, compare_proportions, sequential_two_proportions, wilson

__all__ = ["main", "simulate"]

ROOT = Path(__file__).resolve().parents[1]
COMMAND = "PYTHONPATH=. .venv/bin/python eval/experiments_power.py"
SCENARIOS = [(0.10, 0.0), (0.30, 0.0), (0.02, 0.0), (0.10, 0.01), (0.10, 0.02), (0.10, 0.03), (0.30, 0.03)]


def simulate(
    base: float, lift: float, *, units: int, reps: int, seed: int, alpha: float, tau: float, peek_every: int
) -> dict[str, float | int]:
    rng = np.random.default_rng(seed)
    hits = {"always_valid": 0, "fixed": 0, "naive_peeking": 0}
    stop_at: list[int] = []
    for _ in range(reps):
        treated = rng.random(units) < 0.5
        y = (rng.random(units) < np.where(treated, base + lift, base)).astype(float)
        seq = sequential_two_proportions(treated, y, alpha=alpha, tau=tau)
        if seq.p_value <= alpha:
            hits["always_valid"] += 1
            stop_at.append(seq.rejected_at or units)
        s1, n1 = np.cumsum(y * treated), np.cumsum(treated)
        s0, n0 = np.cumsum(y * ~treated), np.cumsum(~treated)
        final = compare_proportions(int(s1[-1]), int(n1[-1]), int(s0[-1]), int(n0[-1]), alpha=alpha)
        hits["fixed"] += bool(final and final.p_value <= alpha)
        for m in range(peek_every - 1, units, peek_every):
            c = compare_proportions(int(s1[m]), int(n1[m]), int(s0[m]), int(n0[m]), alpha=alpha)
            if c is not None and c.p_value <= alpha:
                hits["naive_peeking"] += 1
                break
    out: dict[str, float | int] = {"base": base, "lift": lift, "units": units, "reps": reps}
    for name, k in hits.items():
        ci = wilson(k, reps)
        out[name] = k / reps
        out[f"{name}_low"], out[f"{name}_high"] = round(ci.low, 4), round(ci.high, 4)
    out["median_units_to_reject"] = int(np.median(stop_at)) if stop_at else 0
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--units", type=int, default=10_000)
    parser.add_argument("--reps", type=int, default=400)
    parser.add_argument("--alpha", type=float, default=0.05)
    parser.add_argument("--tau", type=float, default=DEFAULT_TAU)
    parser.add_argument("--peek-every", type=int, default=500)
    parser.add_argument("--output", type=Path, default=ROOT / "eval" / "results" / "events")
    args = parser.parse_args()
    started = time.perf_counter()
    rows = [
        simulate(
            b,
            lift,
            units=args.units,
            reps=args.reps,
            seed=i,
            alpha=args.alpha,
            tau=args.tau,
            peek_every=args.peek_every,
        )
        for i, (b, lift) in enumerate(SCENARIOS)
    ]
    took = time.perf_counter() - started
    meta = {
        "command": COMMAND,
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, 2 cores shared with other workers' tests",
        "alpha": args.alpha,
        "tau": args.tau,
        "peek_every": args.peek_every,
        "seconds": round(took, 1),
    }
    args.output.mkdir(parents=True, exist_ok=True)
    (args.output / "aa-power.json").write_text(json.dumps({"meta": meta, "rows": rows}, indent=2) + "\n")
    lines = [
        "# Experiment tests: A/A false-positive rate and A/B power (synthetic Bernoulli units)",
        "",
        f"`{COMMAND}` — {meta['when']}; {args.reps} repetitions × {args.units} units per scenario, split 50/50; "
        f"alpha {args.alpha}; mSPRT tau {args.tau}; naive peeking = fixed test read every {args.peek_every} units. "
        "Rates with 95% Wilson intervals over repetitions. Lift 0 rows are A/A: the rate is the false-positive rate.",
        "",
        "| base rate | lift | always-valid (mSPRT, looks after every unit) | fixed horizon (one look) | naive peeking | median units to reject (mSPRT) |",
        "|---:|---:|---|---|---|---:|",
    ]
    for r in rows:
        cells = [
            f"{r[k]:.3f} [{r[k + '_low']:.3f}, {r[k + '_high']:.3f}]"
            for k in ("always_valid", "fixed", "naive_peeking")
        ]
        lines.append(
            f"| {r['base']:.2f} | {r['lift']:+.2f} | "
            + " | ".join(cells)
            + f" | {r['median_units_to_reject']} |"
        )
    (args.output / "aa-power.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()

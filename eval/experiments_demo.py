"""End to end: an experiment run through the real API, then ``aisle experiments report`` on its logs.

Not a test, and not the shopper simulator (issue 14's learning work builds that): shoppers here are
Bernoulli clickers with a planted lift, so the report's numbers can be checked against the truth.

1. The demo catalog is ingested into a fresh data dir (hash embedder, fake LLM) and an experiments
   file declares ``shortlist``: ``control`` vs ``three`` (``recommendations: 3``, ``mmr_lambda: 0.6``).
2. ``--shoppers`` shoppers each run one ``POST /v1/chat`` turn (a query from a fixed list) through
   the real app; the turn logs its served list with the shopper's variant.
3. The storefront side posts ``impression`` events for every recommendation and, with probability
   ``--ctr`` (control) or ``--ctr + --lift`` (three), a ``click`` on one of them, then with
   probability 0.5 an ``add_to_cart`` and 0.3 a ``purchase`` (``POST /v1/events``, one batch per turn).
4. ``aisle experiments report --experiment shortlist --output eval/results/events/example-report``.

    PYTHONPATH=. .venv/bin/python eval/experiments_demo.py
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import uuid
from importlib.resources import as_file, files
from pathlib import Path

import numpy as np
from fastapi.testclient import TestClient

__all__ = ["main"]

ROOT = Path(__file__).resolve().parents[1]
QUERIES = [
    "a quiet dishwasher",
    "wireless headphones with noise cancelling",
    "a tent for four people",
    "running shoes",
    "a coffee maker",
    "a laptop backpack",
]
EXPERIMENTS = """experiments:
  - name: shortlist
    variants:
      - {name: control, weight: 1}
      - name: three
        weight: 1
        overrides: {recommendations: 3, mmr_lambda: 0.6}
"""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--shoppers", type=int, default=600)
    parser.add_argument("--ctr", type=float, default=0.25)
    parser.add_argument("--lift", type=float, default=0.15)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument(
        "--output", type=Path, default=ROOT / "eval" / "results" / "events" / "example-report"
    )
    args = parser.parse_args()

    from assistant.api import create_app
    from assistant.settings import Settings
    from assistant.turn import build_assistant
    from retrieval.ingest import ingest_feed

    root = Path(tempfile.mkdtemp(prefix="aisle-exp-demo-"))
    (root / "experiments.yaml").write_text(EXPERIMENTS)
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        data_dir=root / "data",
        embedder="hash",
        llm="fake",
        rate_limit_per_minute=0,
        experiments=root / "experiments.yaml",
    )
    assistant = build_assistant(settings)
    with as_file(files("retrieval") / "data" / "demo_catalog.jsonl") as feed:
        ingest_feed(assistant.catalog, feed)
    rng = np.random.default_rng(args.seed)
    with TestClient(create_app(settings, assistant=assistant)) as client:
        for i in range(args.shoppers):
            shopper = f"demo-shopper-{i:05d}"
            r = client.post("/v1/chat", json={"message": QUERIES[i % len(QUERIES)], "shopper_id": shopper})
            r.raise_for_status()
            turn = r.json()
            recs = turn["recommendations"]
            if not recs:
                continue
            variant = assistant.store.served_turns([turn["turn_id"]])[turn["turn_id"]].assignments[
                "shortlist"
            ]
            ids = {"session_id": turn["session_id"], "turn_id": turn["turn_id"], "shopper_id": shopper}
            events = [
                {
                    "event_id": uuid.uuid4().hex,
                    "type": "impression",
                    "product_id": x["product"]["id"],
                    "position": x["rank"],
                    **ids,
                }
                for x in recs
            ]
            rate = args.ctr + (args.lift if variant == "three" else 0.0)
            if rng.random() < rate:
                pick = recs[min(int(rng.geometric(0.5)) - 1, len(recs) - 1)]
                for kind, p in (("click", 1.0), ("add_to_cart", 0.5), ("purchase", 0.3)):
                    if rng.random() >= p:
                        break
                    event = {
                        "event_id": uuid.uuid4().hex,
                        "type": kind,
                        "product_id": pick["product"]["id"],
                        **ids,
                    }
                    if kind == "purchase":
                        event["value"] = pick["product"]["price"] or 0.0
                    events.append(event)
            answer = client.post("/v1/events", json={"events": events})
            answer.raise_for_status()
            assert not answer.json()["rejected"], answer.json()
    assistant.store.close()
    assistant.catalog.close()
    env = {
        **os.environ,
        "AISLE_DATA_DIR": str(settings.data_dir),
        "AISLE_EXPERIMENTS": str(root / "experiments.yaml"),
    }
    env.pop("AISLE_DATABASE_URL", None)
    cmd = [
        sys.executable,
        "-m",
        "assistant.cli",
        "experiments",
        "report",
        "--experiment",
        "shortlist",
        "--output",
        str(args.output),
    ]
    subprocess.run(cmd, env=env, check=True)
    readme = args.output / "README.md"
    readme.write_text(
        "# Example: `aisle experiments report` on logs made through the real API\n\n"
        f"`PYTHONPATH=. .venv/bin/python eval/experiments_demo.py` ({args.shoppers} shoppers, one turn each; "
        f"planted click-through {args.ctr:.2f} in control, {args.ctr + args.lift:.2f} in `three`; "
        "add-to-cart 0.5 and purchase 0.3 of clicks in both). See `report.md`, `rates.png`, `sequential.png`.\n"
    )


if __name__ == "__main__":
    main()

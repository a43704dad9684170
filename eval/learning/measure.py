"""The learning figures recorded in ``eval/results/learning/`` (``python -m eval.learning.measure …``).

* ``exposure STORE``: position bias recovered from the swaps (vs the planted ``θ_k = 1/k^η``),
  exploration share and CTR cost, novelty per session vs the 15–30% band, intra-list diversity and
  the brand-exposure table, over a simulator store.
* ``power STORE [REPS]``: A/A false-positive rate and A/B power of the experiment tests
  (:mod:`assistant.experiments.stats`: the fixed-horizon score test and the always-valid mSPRT) on
  click-through (lists with a click), by re-drawing the simulated shoppers' clicks on the lists the
  real API served: sessions split 50/50 by hash per repetition, a planted relative click lift on B.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import numpy as np

from assistant.experiments.stats import compare_proportions, sequential_two_proportions
from eval.esci import DEFAULT_ESCI_DIR, load_esci
from eval.learning.click_model import estimate_position_bias
from eval.learning.exposure_report import brand_exposure, exploration_report, novelty_report
from eval.learning.logs import LoggedList, join_logs
from eval.simulator.shoppers import ClickModel, Shopper, react

__all__ = ["main"]


def _lists(store_path: Path) -> list[LoggedList]:
    from assistant.stores.sqlite import SqliteSessionStore

    store = SqliteSessionStore(store_path)
    return join_logs(store.served(), store.events())


def _asked(store_path: Path, lists: list[LoggedList]) -> dict[str, str]:
    """Session id → what the shopper typed (the ESCI query text; the logged search text is the
    planner's rewrite of it, so the hidden judgments are looked up by this)."""
    from assistant.stores.sqlite import SqliteSessionStore

    store = SqliteSessionStore(store_path)
    asked = {}
    for item in lists:
        if item.session_id not in asked:
            first = next((h for h in store.history(item.session_id, limit=2) if h.role == "user"), None)
            asked[item.session_id] = first.content if first else ""
    return asked


def exposure(store_path: Path, eta: float = 1.0) -> dict[str, object]:
    from assistant.settings import Settings
    from retrieval.components import open_catalog

    lists = _lists(store_path)
    bias = estimate_position_bias(lists, 5, bootstrap=300)
    queries = {q.text: q for q in load_esci(DEFAULT_ESCI_DIR, split="all").queries}
    asked = _asked(store_path, lists)
    relevant = {
        item.query: [pid for pid, g in queries[asked[item.session_id]].gains.items() if g >= 0.1]
        for item in lists
        if asked[item.session_id] in queries
    }
    settings = Settings(_env_file=None, data_dir=Path(".aisle/bench/esci"), chroma_url=None)  # type: ignore[call-arg]
    with open_catalog(settings) as catalog:  # read only: no ingest
        brands = {p.id: p.brand or "" for p in catalog.release().products}
    return {
        "lists": len(lists),
        "position_bias": bias.model_dump(),
        "planted_theta": [round(k**-eta, 4) for k in range(1, 6)],
        "exploration": exploration_report(lists).model_dump(),
        "novelty": novelty_report(lists).model_dump(),
        "brand_exposure": [
            row.model_dump() for row in brand_exposure(lists, relevant, lambda p: brands.get(p, ""))
        ],
    }


def power(store_path: Path, lift: float = 1.2, reps: int = 200, seed: int = 0) -> dict[str, object]:
    lists = [item for item in _lists(store_path) if item.product_ids]
    gains = {q.text: q.gains for q in load_esci(DEFAULT_ESCI_DIR, split="all").queries}
    asked = _asked(store_path, lists)
    out: dict[str, object] = {"lists": len(lists), "reps": reps, "planted_lift": lift, "alpha": 0.05}
    for name, effect in (("aa", 1.0), ("ab", lift)):
        model = ClickModel(effect={"B": effect})
        fixed = sequential = 0
        for r in range(reps):
            rng = np.random.default_rng(seed * 100_003 + r)
            arm = np.array(
                [hashlib.sha256(f"{r}:{item.session_id}".encode()).digest()[0] % 2 == 1 for item in lists]
            )
            clicked = np.zeros(len(lists), dtype=bool)
            for i, item in enumerate(lists):
                shopper = Shopper(item.shopper_id or item.session_id, ())
                reactions = react(
                    shopper,
                    item.product_ids,
                    gains.get(asked[item.session_id], {}),
                    model,
                    rng,
                    seed=1,
                    variant="B" if arm[i] else "A",
                )
                clicked[i] = any(x.type == "click" for x in reactions)
            test = compare_proportions(
                int(clicked[arm].sum()), int(arm.sum()), int(clicked[~arm].sum()), int((~arm).sum())
            )
            fixed += test is not None and test.p_value < 0.05
            sequential += sequential_two_proportions(arm, clicked.astype(float)).p_value < 0.05
        out[f"{name}_fixed_rejection_rate"] = fixed / reps
        out[f"{name}_always_valid_rejection_rate"] = sequential / reps
    return out


def interleaving(store_path: Path) -> dict[str, object]:
    """Team-draft outcome over the interleaved lists of a store (team a: served ranker, b: the rival)."""
    from retrieval.interleave import credit, interleaving_outcome

    lists = [item for item in _lists(store_path) if item.teams]
    results = [(credit(item.teams, item.clicks), bool(item.clicks)) for item in lists]  # type: ignore[arg-type]
    return interleaving_outcome(results).model_dump()


def main(argv: list[str] | None = None) -> None:
    args = argv if argv is not None else sys.argv[1:]
    what, store = args[0], Path(args[1])
    if what == "exposure":
        result = exposure(store)
    elif what == "interleaving":
        result = interleaving(store)
    else:
        reps = int(args[2]) if len(args) > 2 else 200
        result = power(store, lift=float(args[3]) if len(args) > 3 else 1.2, reps=reps)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()

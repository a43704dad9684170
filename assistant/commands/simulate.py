"""``aisle simulate``: simulated shoppers chat through the real API and report their interactions."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

__all__ = ["register"]

_err = Console(stderr=True)


def simulate(
    sessions: Annotated[
        int, typer.Option("--sessions", min=1, help="Shopper sessions (one search turn each).")
    ],
    seed: Annotated[int, typer.Option("--seed", help="Shoppers, their choices and reactions.")] = 0,
    split: Annotated[
        str, typer.Option("--split", help="ESCI queries the shoppers ask: dev, test, all.")
    ] = "test",
    data_dir: Annotated[Path, typer.Option("--data-dir", help="The ESCI catalog data dir.")] = Path(
        ".aisle/bench/esci"
    ),
    store: Annotated[
        Path, typer.Option("--store", help="SQLite file for sessions, served lists and events.")
    ] = Path(".aisle/sim/store.sqlite"),
    database_url: Annotated[
        str | None, typer.Option("--database-url", help="PostgreSQL instead of --store.")
    ] = None,
    ranker_model: Annotated[Path | None, typer.Option("--ranker-model", help="Serve this ranker.")] = None,
    swap_rate: Annotated[float, typer.Option("--swap-rate", min=0, max=0.5)] = 0.0,
    explore_rate: Annotated[float, typer.Option("--explore-rate", min=0, max=0.5)] = 0.0,
    shoppers: Annotated[int, typer.Option("--shoppers", min=1)] = 300,
    eta: Annotated[float, typer.Option("--eta", min=0, help="Position bias θ_k = 1/k^η.")] = 1.0,
    experiments: Annotated[
        Path | None, typer.Option("--experiments", help="AISLE_EXPERIMENTS file the store runs under.")
    ] = None,
    interleave_with: Annotated[
        Path | None,
        typer.Option("--interleave-with", help="Team-draft every list with this second model (team b)."),
    ] = None,
    effect: Annotated[
        list[str] | None,
        typer.Option("--effect", help="Planted effect VARIANT=MULTIPLIER on click probability (repeatable)."),
    ] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the summary here.")] = None,
) -> None:
    """Run simulated ESCI shoppers through the in-process API (fake LLM) and log what they did."""
    import torch

    from eval.esci import DEFAULT_ESCI_DIR, load_esci
    from eval.simulator.app import build_sim_assistant, in_process_client, sim_settings
    from eval.simulator.run import SimulationConfig
    from eval.simulator.run import simulate as run
    from eval.simulator.shoppers import ClickModel

    torch.set_num_threads(1)
    settings = sim_settings(
        data_dir,
        ranker_model=ranker_model,
        swap_rate=swap_rate,
        explore_rate=explore_rate,
        database_url=database_url,
    )
    if experiments is not None:
        settings = settings.model_copy(update={"experiments": experiments})
    if interleave_with is not None:
        settings = settings.model_copy(update={"interleave_ranker_model": interleave_with})
    assistant = build_sim_assistant(settings, store_db=store)
    client = in_process_client(assistant)
    queries = load_esci(DEFAULT_ESCI_DIR, split=split).queries  # type: ignore[arg-type]
    planted = {}
    for item in effect or []:
        name, _, value = item.partition("=")
        planted[name] = float(value)
    config = SimulationConfig(
        sessions=sessions, seed=seed, shoppers=shoppers, click_model=ClickModel(eta=eta, effect=planted)
    )

    def variant_of(turn_id: str) -> str | None:
        served = assistant.store.served_turns([turn_id]).get(turn_id)
        return next(iter(served.assignments.values()), None) if served and served.assignments else None

    def progress(done: int, total: int) -> None:
        if done % 200 == 0 or done == total:
            _err.print(f"{done}/{total} sessions", highlight=False)

    summary = run(client, queries, config, progress=progress, variant_of=variant_of if experiments else None)
    text = summary.model_dump_json(indent=2)
    if json_out:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(text + "\n", encoding="utf-8")
    typer.echo(json.dumps(summary.overall.model_dump()))


def register(app: typer.Typer) -> None:
    app.command("simulate")(simulate)

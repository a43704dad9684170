"""``aisle experiments report``: an experiment's per-variant metrics, tests and plots."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from assistant.errors import AisleError
from assistant.settings import get_settings

__all__ = ["register"]

_err = Console(stderr=True)

experiments_app = typer.Typer(help="Online experiments declared in AISLE_EXPERIMENTS.", no_args_is_help=True)


@experiments_app.command("report")
def report(
    experiment: Annotated[str, typer.Option("--experiment", "-e", help="The experiment's name.")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write report.md, report.json and plots here.")
    ] = None,
    since: Annotated[
        datetime | None, typer.Option("--since", help="Only turns and events from this time on (UTC).")
    ] = None,
    alpha: Annotated[float, typer.Option("--alpha", min=0.0001, max=0.5)] = 0.05,
    tau: Annotated[
        float, typer.Option("--tau", min=0.0001, max=1.0, help="mSPRT mixing scale (absolute difference).")
    ] = 0.03,
) -> None:
    """CTR, add-to-cart and conversion per variant with intervals; each treatment vs the control by a
    fixed-horizon test and an always-valid sequential test (safe to run as often as you like)."""
    from assistant.experiments import load_experiments
    from assistant.experiments.report import build_report, render_markdown, write_report
    from assistant.store import open_session_store

    settings = get_settings()
    try:
        config = load_experiments(settings.experiments)
        declared = next((e for e in config.experiments if e.name == experiment), None)
        with open_session_store(settings) as store:
            data = build_report(
                store.served(since=since, experiment=experiment),
                store.events(since=since, experiment=experiment),
                experiment,
                variants=[v.name for v in declared.variants] if declared else None,
                weights={v.name: v.weight for v in declared.variants} if declared else None,
                alpha=alpha,
                tau=tau,
                since=since,
            )
    except AisleError as exc:
        _err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from None
    if not any(v.units for v in data.report.variants):
        _err.print(f"[yellow]no served turns or events carry experiment {experiment!r}[/yellow]")
    typer.echo(render_markdown(data.report))  # plain: the table must survive pipes and narrow terminals
    if output is not None:
        for path in write_report(data, output):
            _err.print(f"wrote {path}")


def register(app: typer.Typer) -> None:
    app.add_typer(experiments_app, name="experiments")

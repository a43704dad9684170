"""``aisle eval retrieval``: every search system on a judged query set in one run (see :mod:`eval.retrieval_bench`);
``aisle eval injection``: the prompt-injection corpus (see :mod:`eval.injection`)."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from assistant.errors import AisleError

__all__ = ["eval_app", "register"]

_out = Console()
_err = Console(stderr=True)

eval_app = typer.Typer(
    help="Offline evaluation: retrieval benchmarks and assistant suites.", no_args_is_help=True
)


class SplitOption(StrEnum):
    dev = "dev"
    test = "test"


@eval_app.command("retrieval")
def retrieval(
    dataset: Annotated[str, typer.Option("--dataset", help="Judged dataset.")] = "esci",
    split: Annotated[
        SplitOption, typer.Option("--split", help="dev (tune on it) or test (report only).")
    ] = SplitOption.dev,
    json_path: Annotated[
        Path | None, typer.Option("--json", help="Also write the report as JSON here.")
    ] = None,
    data_dir: Annotated[
        Path, typer.Option("--data-dir", help="Cached benchmark catalog (incremental).")
    ] = Path(".aisle/bench/esci"),
) -> None:
    """bm25, dense, hybrid, hybrid+ranker, hybrid+ranker+mmr: nDCG@10, MAP@10, MRR, P@10, Recall@100, latency."""
    from eval.retrieval_bench import format_table, load_dataset, open_esci_catalog, run_retrieval_bench
    from retrieval.search import Searcher

    try:
        data = load_dataset(dataset, split.value)
        _err.print("preparing the catalog (first run embeds it; later runs reuse it)…")
        with open_esci_catalog(data_dir) as catalog:
            report = run_retrieval_bench(Searcher(catalog), data, dataset_name=dataset)
    except AisleError as exc:
        _err.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(1) from exc
    typer.echo(f"{dataset} {split.value}: {report.n_queries} queries\n")
    typer.echo(format_table(report))
    if json_path is not None:
        json_path.parent.mkdir(parents=True, exist_ok=True)
        json_path.write_text(report.model_dump_json(indent=2) + "\n", encoding="utf-8")
        _err.print(f"wrote {json_path}")


@eval_app.command("injection")
def injection(
    llm: Annotated[
        list[str] | None,
        typer.Option("--llm", help="LLM backend(s) to play the corpus with: fake, local, openai."),
    ] = None,
    local_reasons: Annotated[
        int,
        typer.Option(
            "--local-reasons", min=0, max=20, help="Reasons the embedded model writes (local only)."
        ),
    ] = 3,
    cases: Annotated[int | None, typer.Option("--cases", min=1, help="Play only the first N cases.")] = None,
    output: Annotated[
        Path, typer.Option("--output", help="Where to write report.md and results.json.")
    ] = Path("eval/results/injection"),
) -> None:
    """The prompt-injection corpus (eval/injection/): hostile products beside the demo catalog, hostile and
    normal shoppers; counts prompt leaks, off-catalog picks, wrong prices, live links, followed instructions.
    Exits 1 when any count is not 0."""
    import shlex
    import sys

    from eval.injection import run_injection, write_report

    llms = llm or ["fake"]
    try:
        report = run_injection(llms, cases=cases, overrides={"local": {"local_reasons": local_reasons}})
    except AisleError as exc:
        _err.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(1) from exc
    report.command = "aisle eval " + shlex.join(sys.argv[2:]) if len(sys.argv) > 2 else "aisle eval injection"
    path = write_report(report, output)
    typer.echo(path.read_text(encoding="utf-8"))
    if any(run.metrics.total() for run in report.runs):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    from eval.cli import register as register_suite_commands

    register_suite_commands(eval_app)  # aisle eval suite | compare | make-esci-suite
    app.add_typer(eval_app, name="eval")

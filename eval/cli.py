"""``aisle eval suite | compare | make-esci-suite``: thin typer commands over :mod:`eval.suite`,
:mod:`eval.compare`, :mod:`eval.report` and :mod:`eval.datasets.esci`.

``register(eval_app)`` adds them to the ``aisle eval`` group (``assistant/commands/eval.py``).
Exit codes of ``suite`` follow promptfoo: 0 all passed (or every provider at or above its recorded
floor with ``--thresholds``), 100 quality failure, 2 bad suite file or options.
"""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from assistant.errors import AisleError

__all__ = ["EXIT_FAILED", "EXIT_INVALID", "compare", "make_esci_suite", "register", "suite"]

EXIT_FAILED = 100
EXIT_INVALID = 2

_out = Console()
_err = Console(stderr=True)


def _fail(message: str, code: int = EXIT_INVALID) -> typer.Exit:
    _err.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
    return typer.Exit(code)


def _names(value: str | None) -> list[str] | None:
    return [n.strip() for n in value.split(",") if n.strip()] if value else None


def suite(
    path: Annotated[Path, typer.Argument(help="The suite YAML file.", dir_okay=False)],
    providers: Annotated[
        str | None, typer.Option("--providers", help="Comma-separated provider labels.")
    ] = None,
    repeat: Annotated[int, typer.Option("--repeat", min=1, help="Run every case N times.")] = 1,
    output: Annotated[
        Path | None, typer.Option("--output", help="Write results.json, report.md/html and plots here.")
    ] = None,
    concurrency: Annotated[
        int, typer.Option("--concurrency", min=1, max=64, help="Cases run in parallel.")
    ] = 4,
    thresholds: Annotated[
        Path | None,
        typer.Option("--thresholds", help="Fail only below the recorded pass rates (eval/thresholds.yaml)."),
    ] = None,
    cache_dir: Annotated[Path | None, typer.Option("--cache-dir", help="Cached catalog data dirs.")] = None,
    no_progress: Annotated[bool, typer.Option("--no-progress", help="No progress bar.")] = False,
) -> None:
    """Run a prompt-eval suite against one or more Aisle configurations; exit 100 when quality fails."""
    from eval.judge import make_judge
    from eval.report import write_report
    from eval.suite import RunOptions, run_suite
    from eval.suite_format import load_suite
    from eval.thresholds import check_thresholds, load_thresholds

    try:
        loaded = load_suite(path)
        floors = load_thresholds(thresholds) if thresholds else None
        judge = make_judge(loaded.judge)
        options = RunOptions(
            providers=_names(providers),
            repeat=repeat,
            concurrency=concurrency,
            cache_dir=cache_dir,
            progress=not no_progress,
            command="aisle eval " + shlex.join(sys.argv[2:]) if len(sys.argv) > 2 else "",
        )
        results = run_suite(loaded, options, judge=judge)
    except AisleError as exc:
        raise _fail(str(exc)) from exc
    _print_summary(results)
    if output is not None:
        results.save(output / "results.json")
        files = write_report(results, output)
        _out.print(
            f"wrote {output / 'results.json'}, {files.markdown}, {files.html} and {len(files.plots)} plots"
        )
    for note in results.notes:
        _out.print(f"[yellow]note:[/yellow] {note}", highlight=False)
    problems = check_thresholds(results, floors)
    for problem in problems:
        _err.print(f"[red]FAIL[/red] {problem}", highlight=False)
    if problems:
        raise typer.Exit(EXIT_FAILED)


def _print_summary(results) -> None:  # type: ignore[no-untyped-def]
    from eval.classes import class_rates

    rates = class_rates(results.rows)
    if any(r.turn_class != "unclassified" for r in rates):
        table = Table(title=f"{results.suite} · turns passed per class")
        for column in ("class", "part", "provider", "turns", "rate"):
            table.add_column(column)
        for r in rates:
            table.add_row(r.turn_class, r.part, r.provider, f"{r.passed}/{r.turns}", f"{r.rate:.1%}")
        _out.print(table)
    for summary in results.summaries:
        table = Table(title=f"{results.suite} · {summary.provider}")
        table.add_column("case")
        table.add_column("result")
        table.add_column("score", justify="right")
        table.add_column("why", overflow="fold")
        for row in (r for r in results.rows if r.provider.label == summary.provider):
            verdict = (
                "[green]PASS[/green]"
                if row.success
                else ("[red]ERROR[/red]" if row.error else "[red]FAIL[/red]")
            )
            why = "" if row.success else (row.error or row.grading_result.reason)[:160]
            table.add_row(row.description[:60], verdict, f"{row.score:.2f}", why)
        _out.print(table)
        ndcg = "" if summary.ndcg_mean is None else f", nDCG {summary.ndcg_mean:.3f}"
        _out.print(
            f"[bold]{summary.provider}[/bold]: {summary.passed}/{summary.cases} passed ({summary.pass_rate:.1%}), "
            f"mean score {summary.mean_score:.3f}, p50 {summary.latency_p50_ms:.0f} ms{ndcg}",
            highlight=False,
        )


def compare(
    a: Annotated[Path, typer.Argument(help="Baseline results.json (or its directory).")],
    b: Annotated[
        Path | None, typer.Argument(help="Candidate results.json; default: A again (compare providers).")
    ] = None,
    provider_a: Annotated[str | None, typer.Option("--a", help="Provider label in A.")] = None,
    provider_b: Annotated[str | None, typer.Option("--b", help="Provider label in B.")] = None,
    alpha: Annotated[float, typer.Option("--alpha", min=0.001, max=0.5, help="Significance level.")] = 0.05,
    show: Annotated[int, typer.Option("--show", min=0, help="Flipped / changed cases to list.")] = 30,
) -> None:
    """A/B: per-case flips, score deltas, bootstrap CI and exact McNemar test; prints a verdict."""
    from eval.compare import compare_results
    from eval.results import load_results

    try:
        left = load_results(a)
        right = load_results(b) if b is not None else left
        result = compare_results(left, right, label_a=provider_a, label_b=provider_b, alpha=alpha)
    except AisleError as exc:
        raise _fail(str(exc)) from exc
    changed = [c for c in result.cases if c.flip or abs(c.delta) > 1e-9]
    table = Table(title=f"A = {result.label_a}  vs  B = {result.label_b}")
    for column in ("case", "A", "B", "Δ score", "flip"):
        table.add_column(column)
    for c in sorted(changed, key=lambda c: (not c.flip, c.delta))[:show]:
        flip = {"pass→fail": "[red]pass→fail[/red]", "fail→pass": "[green]fail→pass[/green]"}.get(c.flip, "")
        table.add_row(c.description[:60], f"{c.score_a:.2f}", f"{c.score_b:.2f}", f"{c.delta:+.2f}", flip)
    if changed:
        _out.print(table)
    _out.print(f"{len(result.cases)} paired cases, {len(changed)} changed, {result.unmatched} unmatched")
    _out.print(f"[bold]verdict:[/bold] {result.summary()}", highlight=False)


def make_esci_suite(
    output: Annotated[Path, typer.Option("--output", help="Where to write the suite.")] = Path(
        "eval/suites/esci-dev.yaml"
    ),
    data: Annotated[Path | None, typer.Option("--data", help="The ESCI dataset directory.")] = None,
    k: Annotated[int, typer.Option("--k", min=1, help="nDCG cut-off.")] = 10,
    threshold: Annotated[
        float, typer.Option("--ndcg-threshold", min=0.0, max=1.0, help="Per-case pass mark.")
    ] = 0.3,
    split: Annotated[str, typer.Option("--split", help="dev (in-sample for the ranker) or test.")] = "dev",
) -> None:
    """Generate an ESCI suite (one case per query of the split, with its judgments)."""
    from eval.datasets.esci import write_esci_suite
    from eval.esci import DEFAULT_ESCI_DIR

    try:
        count = write_esci_suite(output, data or DEFAULT_ESCI_DIR, k=k, ndcg_threshold=threshold, split=split)
    except AisleError as exc:
        raise _fail(str(exc)) from exc
    _out.print(f"wrote {count} cases to {output}")


def reasons_generate(
    output: Annotated[Path, typer.Option("--output", help="Where to write the generated reasons (JSONL).")],
    smollm2: Annotated[int, typer.Option("--smollm2", min=0, help="SmolLM2 reasons per turn (0: none).")] = 2,
    per_turn: Annotated[int, typer.Option("--per-turn", min=1, help="Products per turn.")] = 3,
    cache_dir: Annotated[Path, typer.Option("--cache-dir", help="Cached catalog data dirs.")] = Path(
        ".aisle/eval-cache"
    ),
) -> None:
    """Generate unlabelled reasons for the reasons corpus: composer and raw SmolLM2 reasons for the first
    turn of every case of the shipped suites (demo and ESCI)."""
    from eval.reasons_audit import generate_corpus, write_corpus

    root = Path(__file__).resolve().parent / "suites"
    suites = {
        "demo": [root / "shopping-core.yaml", root / "conversations" / "demo.yaml"],
        "esci": [root / "conversations" / "esci.yaml"],
    }
    items = generate_corpus(suites=suites, cache_dir=cache_dir, per_turn=per_turn, smollm2_per_turn=smollm2)
    _out.print(f"wrote {write_corpus(items, output)} reasons to {output}")


def reasons_audit(
    corpus: Annotated[Path, typer.Argument(help="The labelled corpus (JSONL).", dir_okay=False)],
    output: Annotated[Path, typer.Option("--output", help="Where to write audit.json and audit.md.")] = Path(
        "eval/results/reasons-audit"
    ),
) -> None:
    """Audit the labelled reasons corpus: the claim verifier's precision and recall, and the unsupported
    claims each source's shown reasons would carry."""
    from eval.reasons_audit import _catalogs, audit_corpus, load_corpus, write_audit

    items = load_corpus(corpus)
    catalogs = _catalogs()
    report = audit_corpus(items, catalogs, corpus=str(corpus))
    parts = [audit_corpus(items, catalogs, corpus=str(corpus), split=half) for half in ("dev", "test")]
    path = write_audit(report, output, parts)
    _out.print(path.read_text(encoding="utf-8"))


def register(eval_app: typer.Typer) -> None:
    """Add ``suite``, ``compare``, ``make-esci-suite`` and the reasons corpus commands to ``aisle eval``."""
    eval_app.command("suite")(suite)
    eval_app.command("reasons-generate")(reasons_generate)
    eval_app.command("reasons-audit")(reasons_audit)
    eval_app.command("compare")(compare)
    eval_app.command("make-esci-suite")(make_esci_suite)

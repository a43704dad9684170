"""``aisle search "query"`` (hybrid retrieval, filters inside, learned ranker) and ``aisle ranker train``."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from assistant.errors import AisleError
from assistant.settings import get_settings

__all__ = ["register"]

_out = Console()
_err = Console(stderr=True)

ranker_app = typer.Typer(help="Train the learned ranker shipped in retrieval/models.", no_args_is_help=True)


class ModeOption(StrEnum):
    bm25 = "bm25"
    dense = "dense"
    hybrid = "hybrid"
    ranker = "hybrid+ranker"
    full = "hybrid+ranker+mmr"


class SplitOption(StrEnum):
    dev = "dev"
    test = "test"


def search(
    query: Annotated[str, typer.Argument(help="What to look for.")],
    max_price: Annotated[float | None, typer.Option("--max-price", min=0)] = None,
    min_price: Annotated[float | None, typer.Option("--min-price", min=0)] = None,
    brand: Annotated[list[str] | None, typer.Option("--brand", help="Only this brand (repeatable).")] = None,
    color: Annotated[list[str] | None, typer.Option("--color", help="Only this color (repeatable).")] = None,
    category: Annotated[
        list[str] | None, typer.Option("--category", help="Any category level (repeatable).")
    ] = None,
    in_stock: Annotated[bool, typer.Option("--in-stock", help="Only products in stock.")] = False,
    k: Annotated[int, typer.Option("-k", "--k", min=1, max=1000, help="Results.")] = 10,
    mode: Annotated[
        ModeOption, typer.Option("--mode", help="How far to run the pipeline.")
    ] = ModeOption.full,
    json_out: Annotated[bool, typer.Option("--json", help="Print the SearchResult as JSON.")] = False,
) -> None:
    """Search the catalog: hard filters inside retrieval, BM25 + dense fused, learned ranker, diversity."""
    from pydantic import ValidationError

    from retrieval.components import open_catalog
    from retrieval.filters import Filters
    from retrieval.search import Searcher, SearchRequest

    settings = get_settings()
    try:
        filters = Filters(
            price_min=min_price,
            price_max=max_price,
            brands=brand or [],
            colors=color or [],
            categories=category or [],
            in_stock=True if in_stock else None,
        )
    except ValidationError as exc:
        raise typer.BadParameter(str(exc.errors()[0]["msg"])) from exc
    request = SearchRequest(
        query=query,
        filters=filters,
        k=k,
        mode=mode.value,
        depth=settings.search_depth,
        mmr_lambda=settings.mmr_lambda,
    )
    with open_catalog(settings) as catalog:
        try:
            result = Searcher(catalog).search(request)
        except AisleError as exc:
            _err.print(f"[red]error:[/red] {exc}", highlight=False)
            raise typer.Exit(1) from exc
    if json_out:
        typer.echo(result.model_dump_json(indent=2))
        return
    for unknown in result.unknown_filter_values:
        _err.print(
            f"[yellow]note:[/yellow] the catalog has no {unknown.field} {unknown.value!r}", highlight=False
        )
    table = Table(title=f"{query!r}: {len(result.candidates)} of {result.total_matching} matching")
    for column in ("#", "id", "title", "brand", "price", "score"):
        table.add_column(column)
    for rank, c in enumerate(result.candidates, start=1):
        price = f"{c.product.price:.2f} {c.product.currency}" if c.product.price is not None else "–"
        table.add_row(
            str(rank), c.product_id, c.product.title[:70], c.product.brand or "", price, f"{c.final:.3f}"
        )
    _out.print(table)
    timings = ", ".join(f"{stage} {ms:.1f}" for stage, ms in result.timings_ms.items())
    _err.print(f"ms: {timings}", highlight=False)


@ranker_app.command("train")
def train(
    dataset: Annotated[str, typer.Option("--dataset", help="Judged dataset.")] = "esci",
    split: Annotated[
        SplitOption, typer.Option("--split", help="Train (and cross-validate) on this split.")
    ] = SplitOption.dev,
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Model path; default: the shipped retrieval/models/ranker.txt."),
    ] = None,
    data_dir: Annotated[Path, typer.Option("--data-dir", help="Cached benchmark catalog.")] = Path(
        ".aisle/bench/esci"
    ),
    folds: Annotated[int, typer.Option("--folds", min=2, max=20)] = 5,
    from_events: Annotated[
        bool,
        typer.Option(
            "--from-events",
            help="Train from the store's served lists and clicks (debiased by the swap click model) instead.",
        ),
    ] = False,
    store: Annotated[
        Path | None,
        typer.Option("--store", help="--from-events: the SQLite store (default: AISLE_* settings)."),
    ] = None,
    database_url: Annotated[
        str | None, typer.Option("--database-url", help="--from-events: read events from PostgreSQL.")
    ] = None,
    blend_judged: Annotated[
        float,
        typer.Option(
            "--blend-judged", min=0, help="--from-events: add --split judgments with this row weight."
        ),
    ] = 0.0,
    force: Annotated[
        bool,
        typer.Option(
            "--force", help="--from-events: write the model even if it does not beat the current one."
        ),
    ] = False,
    report: Annotated[
        Path | None, typer.Option("--report", help="--from-events: write the JSON report here.")
    ] = None,
) -> None:
    """Train the LightGBM lambdarank ranker on a judged split (grouped CV picks the parameters), or
    ``--from-events`` on debiased clicks; the latter ships only if an offline SNIPS estimate says the new
    model beats the current one (exit code 3 otherwise)."""
    if from_events:
        _train_from_events(out, data_dir, split, store, database_url, blend_judged, force, report)
        return
    from eval.ranker_training import train_ranker
    from eval.retrieval_bench import load_dataset, open_esci_catalog
    from retrieval.rank import FusionRanker, default_model_path
    from retrieval.search import Searcher

    if split is SplitOption.test:
        _err.print(
            "[yellow]warning:[/yellow] training on the test split makes its benchmark numbers meaningless"
        )
    target = out or default_model_path()
    try:
        data = load_dataset(dataset, split.value)
        catalog = open_esci_catalog(data_dir)
        manifest = train_ranker(
            Searcher(catalog, ranker=FusionRanker()), data, target, folds=folds, dataset_name=dataset
        )
    except AisleError as exc:
        _err.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(1) from exc
    _out.print(f"wrote {target} and {target.with_suffix('.json')}")
    _out.print(manifest.model_dump_json(indent=2))


EXIT_NOT_BETTER = 3


def _train_from_events(
    out: Path | None,
    data_dir: Path,
    split: SplitOption,
    store_path: Path | None,
    database_url: str | None,
    blend_judged: float,
    force: bool,
    report_path: Path | None,
) -> None:
    from pydantic import SecretStr

    from assistant.store import open_session_store
    from assistant.stores.sqlite import SqliteSessionStore
    from eval.learning.logs import join_logs
    from eval.learning.train_from_events import train_from_events
    from eval.retrieval_bench import load_dataset, open_esci_catalog
    from retrieval.rank import make_ranker
    from retrieval.search import Searcher

    settings = get_settings()
    if database_url:
        settings = settings.model_copy(update={"database_url": SecretStr(database_url)})
    if out is None:
        raise typer.BadParameter("--from-events needs --out MODEL (the shipped model is never overwritten)")
    try:
        store = (
            SqliteSessionStore(store_path)
            if store_path and not database_url
            else open_session_store(settings)
        )
        lists = join_logs(store.served(), store.events())
        catalog = open_esci_catalog(data_dir)
        judged = load_dataset("esci", split.value) if blend_judged > 0 else None
        result = train_from_events(
            Searcher(catalog),
            lists,
            out,
            current=make_ranker(settings),
            n=settings.recommendations,
            judged=judged,
            blend_judged=blend_judged,
            force=force,
        )
    except (AisleError, ValueError) as exc:
        _err.print(f"[red]error:[/red] {exc}", highlight=False)
        raise typer.Exit(1) from exc
    text = result.model_dump_json(indent=2)
    if report_path:
        report_path.parent.mkdir(parents=True, exist_ok=True)
        report_path.write_text(text + "\n", encoding="utf-8")
    _out.print(text)
    c = result.comparison
    verdict = "beats" if c.beats_current else "does NOT beat"
    _err.print(
        f"new ranker {verdict} the current one offline: SNIPS CTR {c.candidate.snips:.4f} vs {c.current.snips:.4f}, "
        f"lift {c.lift:+.4f} (95% CI {c.lift_ci_low:+.4f}..{c.lift_ci_high:+.4f})",
        highlight=False,
    )
    if result.shipped:
        _err.print(f"wrote {out}", highlight=False)
    else:
        _err.print("not written (use --force to write it anyway)", highlight=False)
        raise typer.Exit(EXIT_NOT_BETTER)


def register(app: typer.Typer) -> None:
    app.command("search")(search)
    app.add_typer(ranker_app, name="ranker")

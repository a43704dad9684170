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
) -> None:
    """Train the LightGBM lambdarank ranker on a judged split (grouped CV picks the parameters)."""
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


def register(app: typer.Typer) -> None:
    app.command("search")(search)
    app.add_typer(ranker_app, name="ranker")

"""``aisle ingest`` and ``aisle catalog stats|show``: thin wrappers over :mod:`retrieval.ingest` and
:mod:`retrieval.components`."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from assistant.errors import AisleError, CatalogError, FeedError
from assistant.settings import get_settings

__all__ = ["register"]

_out = Console()
_err = Console(stderr=True)

catalog_app = typer.Typer(
    help="Inspect the catalog: counts, index health, one product.", no_args_is_help=True
)


class FeedFormatOption(StrEnum):
    auto = "auto"
    jsonl = "jsonl"
    csv = "csv"
    shopify = "shopify"
    esci = "esci"


def _column_map(values: list[str] | None) -> dict[str, str] | None:
    if not values:
        return None
    mapping: dict[str, str] = {}
    for value in values:
        field, sep, column = value.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise typer.BadParameter(f"{value!r} is not field=COLUMN (e.g. --column title=Name)")
        mapping[field.strip()] = column.strip()
    return mapping


def ingest(
    path: Annotated[Path, typer.Argument(help="The feed file.", exists=True, dir_okay=False, readable=True)],
    fmt: Annotated[FeedFormatOption, typer.Option("--format", help="Feed format.")] = FeedFormatOption.auto,
    sync: Annotated[bool, typer.Option("--sync", help="Delete products the feed no longer lists.")] = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="Refuse the whole feed if any row is bad.")
    ] = False,
    column: Annotated[
        list[str] | None,
        typer.Option("--column", help="Map a product field to a feed column: field=COLUMN (repeatable)."),
    ] = None,
    wait: Annotated[
        float | None,
        typer.Option(
            "--wait",
            min=0,
            max=3600,
            help="Seconds to queue behind another ingest of the same data dir (default AISLE_INGEST_WAIT_S: 0).",
        ),
    ] = None,
) -> None:
    """Add, update (and with --sync delete) products from a feed; only changed products are embedded."""
    from retrieval.components import open_catalog
    from retrieval.ingest import ingest_feed

    column_map = _column_map(column)
    with (
        open_catalog(get_settings()) as catalog,
        Progress(
            TextColumn("embedding"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeRemainingColumn(),
            console=_err,
            transient=True,
        ) as bar,
    ):
        task = bar.add_task("embedding", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        try:
            summary = ingest_feed(
                catalog,
                path,
                fmt=fmt.value,
                sync=sync,
                strict=strict,
                column_map=column_map,
                progress=progress,
                wait_s=wait,
            )
        except (FeedError, CatalogError) as exc:
            bar.stop()
            _err.print(f"[red]error:[/red] {exc}", highlight=False)
            raise typer.Exit(1) from exc

    table = Table(title=f"ingest {path.name}", show_header=False)
    for name, value in (
        ("added", summary.added),
        ("updated", summary.updated),
        ("unchanged", summary.unchanged),
        ("deleted", summary.deleted),
        ("repaired", len(summary.repaired)),
        ("skipped rows", summary.skipped),
        ("embedded", summary.embedded),
        ("seconds", f"{summary.seconds:.2f}"),
        ("products/s", f"{summary.products_per_s:.1f}"),
    ):
        table.add_row(name, str(value))
    _out.print(table)
    for error in summary.errors:
        _out.print(f"[yellow]skipped[/yellow] {escape(str(error))}", highlight=False)
    for warning in summary.warnings:
        _out.print(f"[yellow]warning[/yellow] {escape(str(warning))}", highlight=False)


@catalog_app.command("stats")
def stats(json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Products, brands, categories, price coverage, and whether Chroma and BM25 agree with the store."""
    from retrieval.components import catalog_stats, open_catalog

    with open_catalog(get_settings()) as catalog:
        try:
            result = catalog_stats(catalog)
        except AisleError as exc:
            _err.print(f"[red]error:[/red] {exc}", highlight=False)
            raise typer.Exit(1) from exc
    if json_out:
        typer.echo(result.model_dump_json(indent=2))
        return
    table = Table(title="catalog", show_header=False)
    table.add_row("products", str(result.products))
    table.add_row("brands", str(result.brands))
    table.add_row("categories", str(result.categories))
    table.add_row("colors", str(result.colors))
    table.add_row("price coverage", f"{result.price_coverage:.1%} ({result.with_price})")
    table.add_row("chroma", f"{result.chroma_count} " + _health(result.chroma_in_sync))
    table.add_row("served release", f"{result.release or 'none'} " + _health(result.release_in_sync))
    bm25 = "missing" if result.bm25_count is None else str(result.bm25_count)
    table.add_row("bm25", f"{bm25} " + _health(result.bm25_in_sync))
    _out.print(table)
    if not (result.chroma_in_sync and result.bm25_in_sync and result.release_in_sync):
        _out.print("Run `aisle ingest FEED` again to repair the indexes.")


def _health(ok: bool) -> str:
    return "[green]in sync[/green]" if ok else "[red]out of sync[/red]"


@catalog_app.command("show")
def show(
    product_id: Annotated[str, typer.Argument(metavar="ID", help="The product id.")],
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """One product as the store records it."""
    from retrieval.components import open_catalog

    with open_catalog(get_settings()) as catalog:
        product = catalog.store.get(product_id)
    if product is None:
        _err.print(f"no product with id {product_id!r}; `aisle catalog stats` shows what is in the catalog")
        raise typer.Exit(1)
    if json_out:
        typer.echo(product.model_dump_json(indent=2))
        return
    table = Table(title=product.id, show_header=False)
    for name, value in product.model_dump(exclude={"id"}).items():
        if value not in (None, "", [], {}):
            table.add_row(name, str(value))
    _out.print(table)


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest)
    app.add_typer(catalog_app, name="catalog")

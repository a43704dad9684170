"""``aisle chat``: an interactive, streaming REPL, or one turn as JSON for scripts.

Thin: it renders the events of :meth:`assistant.turn.Assistant.chat`.
"""

from __future__ import annotations

import json
import logging
import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from assistant.errors import AisleError
from assistant.schemas import (
    ChatEvent,
    ChatRequest,
    ComparisonEvent,
    DegradedEvent,
    DoneEvent,
    ErrorEvent,
    ProductsEvent,
    RecommendationsEvent,
    TokenEvent,
    TurnResult,
)
from assistant.settings import get_settings

__all__ = ["register"]

_out = Console()
_err = Console(stderr=True)


def _one_turn_json(events: list[ChatEvent]) -> dict[str, object]:
    """The script-facing summary of one turn: plan, recommendations, message, timings, usage."""
    turn = TurnResult.from_events(events)
    return {
        "session_id": turn.session_id,
        "turn_id": turn.turn_id,
        "plan": turn.plan.model_dump(mode="json") if turn.plan else None,
        "recommendations": [
            {
                "id": r.product.id,
                "title": r.product.title,
                "price": r.product.price,
                "brand": r.product.brand,
                "category": r.product.category,
                "reason": r.reason,
            }
            for r in turn.recommendations
        ],
        "comparison": turn.comparison.model_dump(mode="json", include={"products", "rows"})
        if turn.comparison
        else None,
        "message": turn.message,
        "timings": turn.timings_ms,
        "usage": turn.usage.model_dump(mode="json"),
        "prompt_versions": turn.prompt_versions,
        "llm": turn.llm,
        "degraded": [{"stage": d.stage, "reason": d.reason} for d in turn.degraded],
    }


def _comparison_table(event: ComparisonEvent) -> Table:
    """The side-by-side as a table: one column per product, the winner of each row marked ✓."""
    table = Table(show_lines=False)
    table.add_column("")
    for card in event.products:
        table.add_column(Text(card.title[:40]))
    for row in event.rows:
        cells = [
            Text(("✓ " if i == row.winner else "") + (value or "—")) for i, value in enumerate(row.values)
        ]
        table.add_row(Text(row.label), *cells)
    return table


def _render(events: object) -> str | None:
    """Print a turn's events as they arrive; returns the session id."""
    session_id = None
    for event in events:  # type: ignore[attr-defined]
        session_id = event.session_id
        if isinstance(event, ProductsEvent) and event.products:
            _out.print(f"[dim]found {len(event.products)} products…[/dim]")
        elif isinstance(event, TokenEvent):
            _out.print(Text(event.text), end="", highlight=False, soft_wrap=True)  # model text: never markup
        elif isinstance(event, DegradedEvent):
            _err.print(Text(f"\nnote: {event.stage} fell back: {event.reason}", style="yellow"))
        elif isinstance(event, ErrorEvent):
            _err.print(Text(f"\n{event.message}", style="red"))
        elif isinstance(event, ComparisonEvent):
            _out.print()
            _out.print(_comparison_table(event))
        elif isinstance(event, RecommendationsEvent):
            _out.print()
            for r in event.recommendations:
                price = f"${r.product.price:,.2f}" if r.product.price is not None else "price n/a"
                brand = f" · {escape(r.product.brand)}" if r.product.brand else ""
                _out.print(
                    f" [bold]{r.rank}. {escape(r.product.title)}[/bold] — {price}{brand}  "
                    f"[dim]({escape(r.product.id)})[/dim]"
                )
                _out.print(Text(f"    {r.reason}"), highlight=False)  # catalog/model text: never markup
        elif isinstance(event, DoneEvent):
            _out.print(f"\n[dim]{event.timings_ms.get('total', 0):.0f} ms · {event.llm}[/dim]")
    return session_id


def chat(
    message: Annotated[
        str | None, typer.Argument(help="One message (omit for the interactive chat).")
    ] = None,
    session: Annotated[
        str | None, typer.Option("--session", help="Continue this session (kept on disk).")
    ] = None,
    shopper: Annotated[
        str | None, typer.Option("--shopper", help="The shopper id (feedback, profile).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object for the turn.")] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Log fallbacks and their details.")
    ] = False,
) -> None:
    """Chat with Aisle over the ingested catalog."""
    from assistant.turn import build_assistant

    # Fallbacks already show as notes (degraded events); their technical details are for --verbose.
    logging.basicConfig(
        level=logging.INFO if verbose else logging.ERROR, format="%(levelname)s %(name)s: %(message)s"
    )

    try:
        assistant = build_assistant(get_settings())
        if message is not None:
            request = ChatRequest(message=message, session_id=session, shopper_id=shopper)
            if as_json:
                events = list(assistant.chat(request))
                typer.echo(json.dumps(_one_turn_json(events), ensure_ascii=False))
            else:
                _render(assistant.chat(request))
            return
        _out.print(f"[bold]Aisle[/bold] — {assistant.llm_description}. Ctrl-D to quit.")
        while True:
            try:
                line = _out.input("[bold cyan]you>[/bold cyan] ") if sys.stdin.isatty() else input()
            except EOFError:
                break
            if not line.strip():
                continue
            session = _render(
                assistant.chat(ChatRequest(message=line, session_id=session, shopper_id=shopper))
            )
    except AisleError as exc:
        _err.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(1) from exc


def register(app: typer.Typer) -> None:
    app.command("chat")(chat)

"""The ``aisle`` command line. Thin: each command group lives in ``assistant.commands`` and calls the core."""

from __future__ import annotations

import importlib

import typer

__all__ = ["app", "main"]

app = typer.Typer(
    name="aisle",
    help="Aisle: a conversational shopping assistant over your own catalog.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)

# Command groups, each a module in assistant/commands with a register(app) function.
_GROUPS = ("catalog", "bench", "chat", "serve", "ui", "search", "eval", "experiments")


def _register() -> None:
    for name in _GROUPS:
        importlib.import_module(f"assistant.commands.{name}").register(app)


_register()


def main() -> None:
    app()


if __name__ == "__main__":  # pragma: no cover
    main()

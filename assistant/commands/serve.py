"""``aisle serve`` (the API) and ``aisle demo`` (API + UI over the bundled demo catalog). Thin: uvicorn
and streamlit processes around :func:`assistant.api.create_app` and ``ui/app.py``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from importlib.resources import as_file, files
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from assistant.commands.ui import streamlit_command
from assistant.settings import get_settings

__all__ = ["demo_catalog_path", "register"]

_err = Console(stderr=True)


def demo_catalog_path() -> Path:
    """The bundled demo feed (package data of ``retrieval``)."""
    resource = files("retrieval") / "data" / "demo_catalog.jsonl"
    with as_file(resource) as path:
        return Path(path)


def serve(
    host: Annotated[str | None, typer.Option(help="Bind address (default AISLE_API_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default AISLE_API_PORT).")] = None,
    workers: Annotated[
        int | None, typer.Option(min=1, max=64, help="Worker processes (default AISLE_API_WORKERS: 1).")
    ] = None,
) -> None:
    """Run the HTTP API (FastAPI + SSE) with uvicorn.

    With ``--workers N`` every worker process builds its own app from the same settings (environment):
    each serves the catalog release named ``CURRENT`` and follows new ones, and all share the session
    database, so a conversation may hop workers.
    """
    import uvicorn

    from assistant.api import create_app

    settings = get_settings()
    workers = workers or settings.api_workers
    common = {
        "host": host or settings.api_host,
        "port": port or settings.api_port,
        "log_level": "info",
        "timeout_graceful_shutdown": 5,
    }
    if workers > 1:
        # Each worker reads its settings from the environment: it learns how many workers share the
        # machine (torch threads are shared out among them, see retrieval.embed.torch_threads).
        os.environ["AISLE_API_WORKERS"] = str(workers)
        # Worker processes import the app themselves: a factory import string, not an app object.
        uvicorn.run("assistant.api:create_served_app", factory=True, workers=workers, **common)  # type: ignore[arg-type]
    else:
        uvicorn.run(create_app(settings, warm=True), **common)  # type: ignore[arg-type]


def _stop(processes: list[subprocess.Popen[bytes]]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGINT)
    deadline = time.monotonic() + 10
    for process in processes:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()


def demo(
    api_port: Annotated[int | None, typer.Option(help="API port (default AISLE_API_PORT).")] = None,
    ui_port: Annotated[int | None, typer.Option(help="UI port (default AISLE_UI_PORT).")] = None,
) -> None:
    """Ingest the demo catalog if the store is empty, then run the API and the UI until Ctrl-C."""
    from retrieval.components import open_catalog
    from retrieval.ingest import ingest_feed

    settings = get_settings()
    with open_catalog(settings) as catalog:
        if catalog.store.count() == 0:
            _err.print("Empty catalog: ingesting the bundled demo catalog…")
            summary = ingest_feed(catalog, demo_catalog_path())
            _err.print(f"ingested {summary.added} products in {summary.seconds:.1f}s")
    api_port = api_port or settings.api_port
    ui_port = ui_port or settings.ui_port
    api_url = f"http://127.0.0.1:{api_port}"
    env = dict(os.environ, AISLE_API_URL=api_url)
    if settings.api_keys and not settings.ui_api_key:
        _err.print(
            "[yellow]AISLE_API_KEYS is set but AISLE_UI_API_KEY is not: the UI will get 401s.[/yellow]"
        )
    serve_cmd = [
        sys.executable,
        "-m",
        "assistant.cli",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(api_port),
    ]
    processes = [subprocess.Popen(serve_cmd), subprocess.Popen(streamlit_command(ui_port), env=env)]
    typer.echo(f"Aisle API: {api_url}  (docs: {api_url}/docs)")
    typer.echo(f"Aisle UI:  http://127.0.0.1:{ui_port}")
    typer.echo("Ctrl-C stops both.")
    try:
        while all(p.poll() is None for p in processes):
            time.sleep(0.5)
        failed = [
            p.args[3] if isinstance(p.args, list) else p.args for p in processes if p.poll() is not None
        ]
        _err.print(f"[red]stopped:[/red] {failed} exited; stopping the other one")
    except KeyboardInterrupt:
        pass
    finally:
        _stop(processes)


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.command("demo")(demo)

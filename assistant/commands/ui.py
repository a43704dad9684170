"""``aisle ui``: the Streamlit chat (``ui/app.py``), headless on 127.0.0.1."""

from __future__ import annotations

import os
import subprocess
import sys
from importlib.resources import as_file, files
from pathlib import Path
from typing import Annotated

import typer

from assistant.settings import get_settings

__all__ = ["register", "streamlit_command"]


def _ui_script() -> Path:
    with as_file(files("ui") / "app.py") as path:
        return Path(path)


def streamlit_command(port: int) -> list[str]:
    """``streamlit run ui/app.py`` headless on loopback at ``port``."""
    return [
        sys.executable, "-m", "streamlit", "run", str(_ui_script()),
        "--server.headless", "true", "--server.address", "127.0.0.1", "--server.port", str(port),
        "--browser.gatherUsageStats", "false",
    ]  # fmt: skip


def ui(
    port: Annotated[int | None, typer.Option(help="Port (default AISLE_UI_PORT).")] = None,
    api_url: Annotated[
        str | None,
        typer.Option("--api-url", help="Talk to this API; default AISLE_API_URL, else in-process."),
    ] = None,
) -> None:
    """Run the Streamlit chat UI on 127.0.0.1."""
    settings = get_settings()
    env = dict(os.environ)
    if api_url:
        env["AISLE_API_URL"] = api_url
    raise typer.Exit(subprocess.call(streamlit_command(port or settings.ui_port), env=env))


def register(app: typer.Typer) -> None:
    app.command("ui")(ui)

"""The README's examples, run as written (bash, the real CLI, curl against a live API).

Only placeholders a reader must fill in are substituted: the feed paths, ``PRODUCT_ID``, ``dw-…`` and
``…`` (a session id), the port (a free one instead of 8000) and the data dir (a temporary one, through
``AISLE_DATA_DIR``). The interactive ``aisle chat`` line gets its input on stdin.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from http_support import LiveServer, make_settings, write_small_catalog

from assistant.api import create_app

README = Path(__file__).resolve().parents[1] / "README.md"
AISLE = Path(sys.executable).parent / "aisle"


def _blocks(heading: str) -> list[str]:
    """The bash code blocks under the README section ``heading`` (up to the next ``## ``)."""
    text = README.read_text(encoding="utf-8")
    section = text.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.*?)```", section, flags=re.S)


def _commands(block: str) -> list[str]:
    """Shell commands of a block: comments dropped, ``\\`` continuations joined."""
    joined = re.sub(r"\\\n\s*", " ", block)
    return [
        line.split("  #", 1)[0].strip()
        for line in joined.splitlines()
        if line.strip() and not line.startswith("#")
    ]


def _run(command: str, env: dict[str, str], cwd: Path, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", "-c", command], env=env, cwd=cwd, input=stdin, capture_output=True, text=True, timeout=180
    )


@pytest.fixture
def workdir(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    if not AISLE.exists():
        pytest.fail(f"{AISLE} is missing: the README's commands need the installed console script")
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / ".venv" / "bin" / "aisle").symlink_to(AISLE)
    env = {k: v for k, v in os.environ.items() if not k.startswith("AISLE_")}
    env.update(AISLE_DATA_DIR=str(tmp_path / "data"), AISLE_EMBEDDER="hash", AISLE_LLM="fake")
    return tmp_path, env


def test_using_it_cli_examples_run_as_written(workdir: tuple[Path, dict[str, str]]) -> None:
    cwd, env = workdir
    jsonl = write_small_catalog(cwd / "feed.jsonl")
    rows = [json.loads(line) for line in jsonl.read_text().splitlines()]
    (cwd / "path" / "to").mkdir(parents=True)
    with open(cwd / "path" / "to" / "feed.csv", "w", encoding="utf-8") as handle:
        handle.write("id,title,brand,price,category\n")
        for row in rows[:5]:
            handle.write(
                f'csv-{row["id"]},"{row["title"]}",{row.get("brand") or ""},{row.get("price") or ""},Dishes\n'
            )
    commands = [
        c for block in _blocks("Using it") for c in _commands(block) if c.startswith(".venv/bin/aisle")
    ]
    ran = 0
    for command in commands:
        if " serve" in command or command.endswith(" ui"):
            continue  # long-running servers: the API is exercised below, the UI by tests/ui
        command = command.replace("PRODUCT_ID", rows[0]["id"])
        stdin = "quit\n" if command.endswith("aisle chat") else ""
        done = _run(command, env, cwd, stdin)
        assert done.returncode == 0, f"{command}\n{done.stdout[-1500:]}\n{done.stderr[-1500:]}"
        ran += 1
        if "--json" in command and "search" in command:
            assert json.loads(done.stdout)["candidates"], done.stdout[:500]
    assert ran >= 6


def test_storefront_curl_examples_run_as_written(tmp_path: Path) -> None:
    if shutil.which("curl") is None:
        pytest.fail("curl is needed for the README's storefront examples (apt-get install curl)")
    settings = make_settings(tmp_path / "data", api_keys={"sk-shop1": "storefront"}, rate_limit_per_minute=0)
    from retrieval.components import open_catalog
    from retrieval.ingest import ingest_feed

    with open_catalog(settings) as catalog:
        ingest_feed(catalog, write_small_catalog(tmp_path / "feed.jsonl"))
    commands = [c for block in _blocks("Using it") for c in _commands(block) if c.startswith("curl")]
    assert len(commands) == 3, commands
    with LiveServer(create_app(settings)) as server:
        port = str(server.port)
        env = dict(os.environ)
        chat = _run(commands[0].replace("8000", port), env, tmp_path)
        assert chat.returncode == 0, chat.stderr
        events = re.findall(r"^event: (\w+)", chat.stdout, flags=re.M)
        assert events[:2] == ["plan", "products"] and events[-1] == "done", chat.stdout[:800]
        first = json.loads(re.search(r"^event: products\ndata: (.*)$", chat.stdout, flags=re.M).group(1))  # type: ignore[union-attr]
        product_id, session_id = first["products"][0]["id"], first["session_id"]

        search = _run(commands[1].replace("8000", port), env, tmp_path)
        assert search.returncode == 0, search.stderr
        body = json.loads(search.stdout)
        assert "products" in body, body

        feedback = (
            commands[2].replace("8000", port).replace("dw-…", product_id).replace('"…"', f'"{session_id}"')
        )
        sent = _run(feedback, env, tmp_path)
        assert sent.returncode == 0, sent.stderr
        assert "error" not in json.loads(sent.stdout), sent.stdout

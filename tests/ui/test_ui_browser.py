"""The real thing: ``aisle serve`` (fake LLM, hash embedder, a small catalog) and ``streamlit run
ui/app.py`` on free loopback ports, driven by Debian's headless Chromium through Playwright."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from http_support import free_port, make_settings, write_small_catalog

from assistant.commands.ui import streamlit_command

CHROMIUM = Path("/usr/bin/chromium")
OUTPUT = Path(__file__).resolve().parents[1] / "output"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium missing: run scripts/system-deps.sh"),
]


def _wait_http(url: str, process: subprocess.Popen[bytes], timeout_s: float = 60) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{process.args!r} exited with {process.returncode}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.25)
    raise TimeoutError(f"{url} did not answer within {timeout_s}s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def running_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """API + UI processes; yields the UI's URL."""
    from retrieval.components import open_catalog
    from retrieval.ingest import ingest_feed

    root = tmp_path_factory.mktemp("browser")
    settings = make_settings(root / "data")
    with open_catalog(settings) as catalog:
        ingest_feed(catalog, write_small_catalog(root / "feed.jsonl"))
    api_port, ui_port = free_port(), free_port()
    env = {
        **os.environ,
        "AISLE_DATA_DIR": str(settings.data_dir),
        "AISLE_EMBEDDER": "hash",
        "AISLE_LLM": "fake",
        "AISLE_API_KEYS": "{}",
        "AISLE_API_URL": f"http://127.0.0.1:{api_port}",
    }
    env.pop("AISLE_CHROMA_URL", None)
    logs = root / "logs"
    logs.mkdir()
    api = subprocess.Popen(
        [sys.executable, "-m", "assistant.cli", "serve", "--host", "127.0.0.1", "--port", str(api_port)],
        env=env, cwd=root, stdout=(logs / "api.log").open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    ui = subprocess.Popen(
        streamlit_command(ui_port),
        env=env,
        cwd=root,
        stdout=(logs / "ui.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_http(f"http://127.0.0.1:{api_port}/healthz", api)
        _wait_http(f"http://127.0.0.1:{ui_port}/_stcore/health", ui)
        yield f"http://127.0.0.1:{ui_port}"
    finally:
        _stop(ui)
        _stop(api)


def test_browser_chat_shows_cards_and_streamed_text(running_stack: str) -> None:
    from playwright.sync_api import expect, sync_playwright

    OUTPUT.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(running_stack, wait_until="domcontentloaded")
            box = page.get_by_placeholder("What are you shopping for?")
            expect(box).to_be_visible(timeout=60_000)
            expect(page.get_by_text("LLM: fake")).to_be_visible(timeout=30_000)
            box.fill("a quiet dishwasher under $800")
            box.press("Enter")

            assistant = page.locator('[data-testid="stChatMessage"]').nth(1)
            expect(assistant).to_be_visible(timeout=60_000)
            # product cards (title in bold, price caption) and their feedback buttons after the turn
            expect(assistant.locator("strong", has_text="Dishwasher").first).to_be_visible(timeout=60_000)
            expect(assistant.get_by_role("button", name="Like").first).to_be_visible(timeout=60_000)
            expect(assistant.get_by_text("$", exact=False).first).to_be_visible()
            # the streamed text made it into the message
            paragraphs = assistant.locator('[data-testid="stMarkdownContainer"] p')
            texts = [t.strip() for t in paragraphs.all_inner_texts()]
            assert any(len(t) > 20 and "$" not in t[:2] for t in texts), texts
            # feedback round trip
            assistant.get_by_role("button", name="Like").first.click()
            expect(page.get_by_text("Thanks — noted.")).to_be_visible(timeout=30_000)
            page.screenshot(path=str(OUTPUT / "browser_chat.png"), full_page=True)
        finally:
            browser.close()

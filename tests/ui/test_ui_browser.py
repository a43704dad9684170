"""The real thing: ``aisle serve`` (fake LLM, hash embedder, a small catalog) and ``streamlit run
ui/app.py`` on free loopback ports, driven by Debian's headless Chromium through Playwright.

What the shopper must see is known independently of the page: the same conversation is replayed
through the API's JSON mode in its own session (the stack is deterministic), and the UI's own turns
are read back from ``GET /v1/sessions/{id}``. The page must show each turn's answer verbatim, every
card's reason, the comparison table, and for a decline the decline text and no cards."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

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

CONVERSATION = ("a quiet dishwasher under $800", "compare the first two", "do you sell car tires?")
TURN_TIMEOUT_MS = 60_000

pytestmark = [
    pytest.mark.browser,
    pytest.mark.timeout(420),
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


@dataclass(frozen=True)
class Stack:
    ui_url: str
    api_url: str


@pytest.fixture(scope="module")
def running_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """API + UI processes; yields their URLs."""
    from retrieval.components import open_catalog
    from retrieval.ingest import ingest_feed

    root = tmp_path_factory.mktemp("browser")
    settings = make_settings(root / "data")
    with open_catalog(settings) as catalog:
        ingest_feed(catalog, write_small_catalog(root / "feed.jsonl"))
    api_port, ui_port = free_port(), free_port()
    api_url = f"http://127.0.0.1:{api_port}"
    env = {
        **os.environ,
        "AISLE_DATA_DIR": str(settings.data_dir),
        "AISLE_EMBEDDER": "hash",
        "AISLE_LLM": "fake",
        "AISLE_API_KEYS": "{}",
        "AISLE_API_URL": api_url,
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
        _wait_http(f"{api_url}/healthz", api)
        _wait_http(f"http://127.0.0.1:{ui_port}/_stcore/health", ui)
        yield Stack(ui_url=f"http://127.0.0.1:{ui_port}", api_url=api_url)
    finally:
        _stop(ui)
        _stop(api)


def _replay(api_url: str, messages: tuple[str, ...]) -> list[dict[str, Any]]:
    """The conversation through ``POST /v1/chat`` (JSON) in a session of its own: each finished turn."""
    turns: list[dict[str, Any]] = []
    session_id: str | None = None
    with httpx.Client(base_url=api_url, timeout=120) as http:
        for message in messages:
            body = {"message": message, **({"session_id": session_id} if session_id else {})}
            response = http.post("/v1/chat", json=body)
            assert response.status_code == 200, response.text
            turns.append(response.json())
            session_id = turns[-1]["session_id"]
    return turns


def _stored_answers(api_url: str, session_id: str) -> dict[str, str]:
    """The UI session's assistant messages by turn id, as the API stored them."""
    response = httpx.get(f"{api_url}/v1/sessions/{session_id}", timeout=30)
    assert response.status_code == 200, response.text
    return {m["turn_id"]: m["content"] for m in response.json()["messages"] if m["role"] == "assistant"}


def test_browser_chat_shows_answers_reasons_comparison_and_decline(running_stack: Stack) -> None:
    from playwright.sync_api import expect, sync_playwright

    expected = _replay(running_stack.api_url, CONVERSATION)
    search, compare, decline = expected
    # the scenario is what it claims to be (else the UI assertions below would prove little)
    assert search["recommendations"] and search["message"], search
    assert all(r["reason"].strip() for r in search["recommendations"]), search["recommendations"]
    assert compare["comparison"] and len(compare["comparison"]["products"]) == 2, compare
    assert not decline["products"] and not decline["recommendations"] and decline["message"], decline

    OUTPUT.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=LAUNCH_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.set_default_timeout(TURN_TIMEOUT_MS)
            expect.set_options(timeout=15_000)
            page.goto(running_stack.ui_url, wait_until="domcontentloaded")
            box = page.get_by_placeholder("What are you shopping for?")
            expect(box).to_be_visible()
            expect(page.get_by_text("LLM: fake")).to_be_visible(timeout=30_000)
            messages = page.get_by_test_id("stChatMessage")

            def send(index: int) -> tuple[Any, str, str]:
                """Send turn ``index``; wait for its final render; return it, its turn id and answer."""
                box.fill(CONVERSATION[index])
                box.press("Enter")
                message = messages.nth(2 * index + 1)
                answer = message.locator('[class*="st-key-answer-"]')
                expect(answer).to_be_visible(timeout=TURN_TIMEOUT_MS)
                turn_id = re.search(r"st-key-answer-([0-9a-f]+)", answer.get_attribute("class") or "")
                assert turn_id, answer.get_attribute("class")
                sidebar = page.get_by_test_id("stSidebar").get_by_text("Session:")
                expect(sidebar).to_be_visible()
                session = re.search(r"Session:\s*(\S+)", sidebar.inner_text())
                assert session, sidebar.inner_text()
                stored = _stored_answers(running_stack.api_url, session.group(1))
                assert turn_id.group(1) in stored, (turn_id.group(1), stored)
                text = stored[turn_id.group(1)]
                # the replay agrees with the UI's own turn: its reasons and table are the ones to expect
                assert text == expected[index]["message"]
                # the answer the API streamed is on the page, verbatim, as text
                expect(answer).to_have_text(text)
                return message, turn_id.group(1), text

            def expect_cards(message: Any, turn_id: str, recommendations: list[dict[str, Any]]) -> None:
                for rec in recommendations:
                    card = message.locator(f".st-key-card-{turn_id}-{rec['product']['id']}-True")
                    expect(card).to_be_visible()
                    expect(card.get_by_text(rec["product"]["title"], exact=True)).to_be_visible()
                    expect(card.get_by_text(rec["reason"], exact=True)).to_be_visible()
                    expect(card.get_by_role("button", name="Like", exact=True)).to_be_visible()
                expect(message.locator('[class*="st-key-card-"]')).to_have_count(len(recommendations))

            # 1. a search: the answer, a card per recommendation with its reason, the fallback notice
            first, first_turn, _ = send(0)
            expect_cards(first, first_turn, search["recommendations"])
            for degraded in search["degraded"]:
                expect(first.get_by_text(f"{degraded['stage']} fell back", exact=False)).to_be_visible()
            expect(first.get_by_test_id("stDataFrame")).to_have_count(0)

            # 2. "compare the first two": the side-by-side table (a column per product, winners marked)
            second, second_turn, _ = send(1)
            table = second.get_by_test_id("stDataFrame")
            expect(table).to_be_visible()
            for product in compare["comparison"]["products"]:
                expect(table.locator("th", has_text=product["title"])).to_have_count(1)
            for row in compare["comparison"]["rows"]:
                expect(table.get_by_text(row["label"], exact=False).first).to_be_attached()
                if row["winner"] is not None:
                    winner = f"✓ {row['values'][row['winner']]}"
                    expect(table.get_by_text(winner, exact=True).first).to_be_attached()
            expect_cards(second, second_turn, compare["recommendations"])
            page.screenshot(path=str(OUTPUT / "browser_compare.png"), full_page=True)

            # 3. a decline: its text, and no cards, no table, no feedback buttons
            third, _, _ = send(2)
            expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)  # the run has finished
            expect(third.locator('[class*="st-key-card-"]')).to_have_count(0)
            expect(third.get_by_test_id("stDataFrame")).to_have_count(0)
            expect(third.get_by_role("button", name="Like", exact=True)).to_have_count(0)

            # feedback round trip on the first turn's first card
            first.get_by_role("button", name="Like", exact=True).first.click()
            expect(page.get_by_text("Thanks — noted.")).to_be_visible(timeout=30_000)
            page.screenshot(path=str(OUTPUT / "browser_chat.png"), full_page=True)
        finally:
            browser.close()

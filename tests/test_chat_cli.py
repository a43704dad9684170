"""``aisle chat`` for scripts: one JSON object per turn, the session kept on disk between runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.settings import Settings

DEMO = Path(__file__).resolve().parents[1] / "retrieval" / "data" / "demo_catalog.jsonl"


@pytest.fixture
def chat_env(hash_settings_env: Settings, monkeypatch: pytest.MonkeyPatch) -> Settings:
    monkeypatch.setenv("AISLE_LLM", "fake")
    result = CliRunner().invoke(app, ["ingest", str(DEMO)])
    assert result.exit_code == 0, result.output
    return hash_settings_env


def _turn(message: str, *extra: str) -> dict:
    result = CliRunner().invoke(app, ["chat", "--json", *extra, message])
    assert result.exit_code == 0, result.output
    return json.loads(result.output.strip().splitlines()[-1])


def test_json_turns_keep_the_session_between_invocations(chat_env: Settings) -> None:
    first = _turn("a quiet dishwasher under $600", "--session", "cli-s1")
    assert set(first) >= {"plan", "recommendations", "message", "timings", "usage"}
    assert first["plan"]["filters"]["price_max"] == 600
    assert first["recommendations"] and all(r["price"] <= 600 for r in first["recommendations"])
    assert set(first["recommendations"][0]) == {"id", "title", "price", "brand", "category", "reason"}
    second = _turn("cheaper ones?", "--session", "cli-s1")
    cap = second["plan"]["filters"]["price_max"]
    assert cap is not None and cap < max(r["price"] for r in first["recommendations"])
    assert all(r["price"] <= cap for r in second["recommendations"])


def test_interactive_chat_streams_until_end_of_input(chat_env: Settings) -> None:
    result = CliRunner().invoke(app, ["chat"], input="hi\na tent for 4 people\n")
    assert result.exit_code == 0, result.output
    assert "What are you shopping for" in result.output
    assert "1. " in result.output  # a numbered recommendation was printed


def test_the_cli_renders_a_comparison_as_a_table_and_seller_text_as_text() -> None:
    from rich.console import Console

    from assistant.commands.chat import _comparison_table
    from assistant.schemas import ComparisonEvent, ComparisonRow, ProductCard

    event = ComparisonEvent(
        session_id="s",
        turn_id="t",
        products=[ProductCard(id="a", title="[red]Tent A[/red]"), ProductCard(id="b", title="Tent B")],
        rows=[ComparisonRow(attribute="weight_kg", label="weight", values=["1.2 kg", "2.4 kg"], winner=0)],
    )
    console = Console(record=True, width=120)
    console.print(_comparison_table(event))
    text = console.export_text()
    assert "[red]Tent A[/red]" in text  # seller markup shown as text, not interpreted
    assert "Tent B" in text and "✓ 1.2 kg" in text and "2.4 kg" in text


def test_streamed_answer_and_notices_are_never_rich_markup(monkeypatch: pytest.MonkeyPatch) -> None:
    from rich.console import Console

    from assistant.commands import chat as chat_command
    from assistant.schemas import DegradedEvent, ErrorEvent, TokenEvent

    out, err = Console(record=True, width=200), Console(record=True, width=200)
    monkeypatch.setattr(chat_command, "_out", out)
    monkeypatch.setattr(chat_command, "_err", err)
    ids = {"session_id": "s", "turn_id": "t"}
    chat_command._render(
        [
            TokenEvent(**ids, text="[red]hurry[/red] [link=https://evil.example]refund[/link]"),
            DegradedEvent(**ids, stage="answer", reason="[bold]x[/bold]"),
            ErrorEvent(**ids, code="llm", message="[blink]boom[/blink]"),
        ]
    )
    assert "[red]hurry[/red] [link=https://evil.example]refund[/link]" in out.export_text()
    shown = err.export_text()
    assert "[bold]x[/bold]" in shown and "[blink]boom[/blink]" in shown

"""CI's quality gates: the shipped suites with the deterministic fake LLM must stay at or above the pass
rates recorded in eval/thresholds.yaml (real MiniLM, Chroma, BM25 and ranker): shopping-core per case,
the conversation suites (demo and ESCI, tuning and held-out parts) per turn."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_shopping_core_with_the_fake_llm_meets_its_threshold(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app,
        [
            "eval",
            "suite",
            str(ROOT / "eval" / "suites" / "shopping-core.yaml"),
            "--providers",
            "fake",
            "--thresholds",
            str(ROOT / "eval" / "thresholds.yaml"),
            "--output",
            str(tmp_path / "out"),
            "--cache-dir",
            str(tmp_path / "cache"),
            "--no-progress",
        ],
    )
    assert result.exit_code == 0, result.output[-3000:]
    assert (tmp_path / "out" / "results.json").is_file()
    assert (tmp_path / "out" / "report.md").is_file()


@pytest.fixture(scope="module")
def conversation_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One catalog cache for every conversation suite (ESCI is embedded once)."""
    return tmp_path_factory.mktemp("conversation-cache")


@pytest.mark.slow
@pytest.mark.parametrize(
    "suite",
    ["demo.yaml", "esci.yaml", "heldout/demo.yaml", "heldout/esci.yaml"],
)
def test_conversation_suites_meet_their_turn_floors(suite: str, conversation_cache: Path, tmp_path: Path) -> None:
    path = ROOT / "eval" / "suites" / "conversations" / suite
    if "esci" in suite and not (ROOT.parent / "shared" / "data" / "esci-shopping" / "products.ndjson").is_file():
        pytest.skip("the ESCI data is not beside the checkout")
    result = CliRunner().invoke(
        app,
        [
            "eval",
            "suite",
            str(path),
            "--providers",
            "fake",
            "--thresholds",
            str(ROOT / "eval" / "thresholds.yaml"),
            "--output",
            str(tmp_path / "out"),
            "--cache-dir",
            str(conversation_cache),
            "--no-progress",
        ],
    )
    assert result.exit_code == 0, result.output[-3000:]
    assert "turns passed per class" in result.output

"""CI's quality gate: the shipped shopping-core suite with the deterministic fake LLM must stay at or
above the pass rate recorded in eval/thresholds.yaml (real MiniLM, Chroma, BM25 and ranker)."""

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

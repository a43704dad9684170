"""``aisle eval suite | compare | make-esci-suite`` through typer's CliRunner, on the real assistant
(fake LLM, hash embedder, demo catalog): exit codes, files written, verdicts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from eval.cli import EXIT_FAILED, EXIT_INVALID, register

SUITE = """
description: cli smoke
embedder: hash
providers:
  - id: fake
    config: {ranker: "off"}
tests:
  - description: budget dishwasher
    vars: {conversation: ["quiet dishwasher under $600", "cheaper ones?"]}
    assert:
      - {type: respects-filters, value: {price_max: 600}}
      - {type: recommends-any, value: {category: Dishwashers}}
      - {type: no-invented-products}
  - description: tires
    vars: {conversation: "do you sell car tires?"}
    assert: [{type: declines-out-of-catalog}]
"""

FAILING = SUITE.replace(
    "{type: declines-out-of-catalog}", "{type: recommends-any, value: {brand: NoSuchBrand}}"
)


@pytest.fixture
def cli() -> typer.Typer:
    app = typer.Typer()
    group = typer.Typer()
    register(group)
    app.add_typer(group, name="eval")
    return app


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    from assistant.settings import get_settings

    monkeypatch.setenv("AISLE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("AISLE_JUDGE_LLM", raising=False)
    get_settings.cache_clear()
    yield tmp_path
    get_settings.cache_clear()


def run(cli: typer.Typer, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["eval", *args])


def test_suite_passes_writes_files_and_compare(cli: typer.Typer, env: Path) -> None:
    suite = env / "smoke.yaml"
    suite.write_text(SUITE)
    out = env / "out"
    result = run(cli, "suite", str(suite), "--output", str(out), "--no-progress", "--concurrency", "2")
    assert result.exit_code == 0, result.output
    assert "2/2 passed" in result.output
    data = json.loads((out / "results.json").read_text())
    assert len(data["results"]["results"]) == 2 and data["results"]["stats"]["successes"] == 2
    assert (out / "report.md").exists() and (out / "report.html").exists()
    assert (out / "latency.png").stat().st_size > 0
    # the catalog was ingested once and is reused
    assert len(list((env / "data" / "eval-cache").iterdir())) == 1

    failing = env / "failing.yaml"
    failing.write_text(FAILING)
    out_b = env / "out-b"
    result = run(cli, "suite", str(failing), "--output", str(out_b), "--no-progress")
    assert result.exit_code == EXIT_FAILED, result.output
    assert "1 of 2 cases failed" in result.output

    thresholds = env / "thresholds.yaml"
    thresholds.write_text("suites:\n  failing:\n    fake: 0.5\n")
    result = run(cli, "suite", str(failing), "--no-progress", "--thresholds", str(thresholds))
    assert result.exit_code == 0, result.output

    result = run(cli, "compare", str(out / "results.json"), str(out_b / "results.json"))
    assert result.exit_code == 0, result.output
    assert "verdict:" in result.output and "pass→fail" in result.output
    assert "no significant difference" in result.output


def test_bad_suite_and_unknown_provider_exit_2(cli: typer.Typer, env: Path) -> None:
    bad = env / "bad.yaml"
    bad.write_text(SUITE.replace("respects-filters", "respects-filterz"))
    result = run(cli, "suite", str(bad), "--no-progress")
    assert result.exit_code == EXIT_INVALID
    assert "tests[0].assert[0]" in result.output and "respects-filterz" in result.output
    good = env / "good.yaml"
    good.write_text(SUITE)
    result = run(cli, "suite", str(good), "--providers", "nope", "--no-progress")
    assert result.exit_code == EXIT_INVALID and "unknown provider nope" in result.output
    result = run(cli, "compare", str(env / "missing.json"))
    assert result.exit_code == EXIT_INVALID


def test_make_esci_suite(cli: typer.Typer, env: Path) -> None:
    from eval.esci import DEFAULT_ESCI_DIR

    if not (DEFAULT_ESCI_DIR / "judgments.json").exists():
        pytest.skip("ESCI data not available")
    out = env / "esci.yaml"
    result = run(cli, "make-esci-suite", "--output", str(out))
    assert result.exit_code == 0, result.output
    from eval.suite_format import load_suite

    suite = load_suite(out)
    assert len(suite.tests) == 75
    assert all(t.assert_[0].type == "ndcg-at-k" for t in suite.tests)
    assert any(a.type == "respects-filters" for t in suite.tests for a in t.assert_)


def test_a_stated_brand_takes_in_the_makers_other_names_its_exact_products_carry() -> None:
    # "adidas gym bag": the judges marked adidas Originals bags Exact, so the filter the case
    # asserts allows them; a brand no Exact product carries, or one the query does not name, is not added
    from eval.datasets.esci import stated_constraints
    from eval.esci import EsciQuery
    from retrieval.catalog import Product

    products = {
        "a": Product(id="a", title="adidas Diablo Duffel", brand="adidas"),
        "o": Product(id="o", title="adidas Originals Santiago Duffel", brand="adidas Originals"),
        "n": Product(id="n", title="Nike Brasilia Duffel", brand="Nike"),
    }
    query = EsciQuery(text="adidas gym bag for women", gains={"a": 1.0, "o": 1.0, "n": 1.0})
    assert stated_constraints(query, products) == {"brands": ["adidas", "adidas Originals"]}
    only = EsciQuery(text="adidas gym bag", gains={"a": 1.0, "n": 1.0})
    assert stated_constraints(only, products) == {"brands": ["adidas"]}

"""``aisle ingest`` and ``aisle catalog stats|show`` through typer's CliRunner (hash embedder, tmp data dir)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.settings import Settings
from retrieval.catalog import Product

runner = CliRunner()


def _products(n: int) -> list[Product]:
    return [
        Product(
            id=f"SKU{i}",
            title=f"Trail shoe model{i}",
            brand="Acme" if i % 2 else "Zeta",
            category=["Shoes", "Running"],
            price=None if i == 0 else 50.0 + i,
        )
        for i in range(n)
    ]


@pytest.fixture
def feed(tmp_path: Path) -> Path:
    path = tmp_path / "feed.jsonl"
    lines = [p.model_dump_json() for p in _products(5)]
    lines.append('{"id": "BAD1", "title": "Broken", "price": "twelve"}')
    path.write_text("\n".join(lines) + "\n")
    return path


def test_ingest_prints_the_summary_and_skipped_rows(hash_settings_env: Settings, feed: Path) -> None:
    result = runner.invoke(app, ["ingest", str(feed)])

    assert result.exit_code == 0, result.output
    assert "added" in result.output and "5" in result.output
    assert "feed.jsonl:6" in result.output and "twelve" in result.output

    again = runner.invoke(app, ["ingest", str(feed), "--format", "jsonl"])
    assert again.exit_code == 0, again.output
    stats = json.loads(runner.invoke(app, ["catalog", "stats", "--json"]).stdout)
    assert stats["products"] == 5


def test_strict_exits_1_with_the_reasons_and_writes_nothing(hash_settings_env: Settings, feed: Path) -> None:
    result = runner.invoke(app, ["ingest", str(feed), "--strict"])

    assert result.exit_code == 1
    assert "feed.jsonl:6" in result.output and "--strict" in result.output
    stats = json.loads(runner.invoke(app, ["catalog", "stats", "--json"]).stdout)
    assert stats["products"] == 0 and stats["chroma_count"] == 0


def test_sync_deletes_products_the_feed_dropped(
    hash_settings_env: Settings, feed: Path, tmp_path: Path
) -> None:
    assert runner.invoke(app, ["ingest", str(feed)]).exit_code == 0
    smaller = tmp_path / "smaller.jsonl"
    smaller.write_text("\n".join(p.model_dump_json() for p in _products(3)) + "\n")

    result = runner.invoke(app, ["ingest", str(smaller), "--sync"])

    assert result.exit_code == 0, result.output
    stats = json.loads(runner.invoke(app, ["catalog", "stats", "--json"]).stdout)
    assert stats["products"] == 3 and stats["chroma_count"] == 3 and stats["bm25_count"] == 3
    assert runner.invoke(app, ["catalog", "show", "SKU4"]).exit_code == 1


def test_column_option_maps_csv_columns(hash_settings_env: Settings, tmp_path: Path) -> None:
    csv_feed = tmp_path / "shop.csv"
    csv_feed.write_text("SKU,Name,Cost\nA1,Red kettle,19.99\nA2,Blue kettle,24.50\n")

    result = runner.invoke(
        app,
        ["ingest", str(csv_feed), "--column", "id=SKU", "--column", "title=Name", "--column", "price=Cost"],
    )

    assert result.exit_code == 0, result.output
    shown = json.loads(runner.invoke(app, ["catalog", "show", "A2", "--json"]).stdout)
    assert shown["title"] == "Blue kettle" and shown["price"] == 24.5


def test_column_option_rejects_a_value_without_equals(hash_settings_env: Settings, feed: Path) -> None:
    result = runner.invoke(app, ["ingest", str(feed), "--column", "title"])

    assert result.exit_code == 2
    assert "field=COLUMN" in result.output


def test_stats_reports_counts_coverage_and_index_health(hash_settings_env: Settings, feed: Path) -> None:
    runner.invoke(app, ["ingest", str(feed)])

    stats = json.loads(runner.invoke(app, ["catalog", "stats", "--json"]).stdout)

    assert stats["products"] == 5 and stats["brands"] == 2
    assert stats["with_price"] == 4 and stats["price_coverage"] == pytest.approx(0.8)
    assert stats["chroma_in_sync"] and stats["bm25_in_sync"] and stats["chroma_count"] == 5
    assert stats["release_in_sync"] and stats["release"].startswith("v")

    table = runner.invoke(app, ["catalog", "stats"])
    assert table.exit_code == 0 and "80.0%" in table.output and "in sync" in table.output


def test_stats_shows_a_lost_bm25_index_as_out_of_sync(hash_settings_env: Settings, feed: Path) -> None:
    runner.invoke(app, ["ingest", str(feed)])
    shutil.rmtree(hash_settings_env.lexical_dir)

    stats = json.loads(runner.invoke(app, ["catalog", "stats", "--json"]).stdout)
    assert stats["bm25_count"] is None and not stats["bm25_in_sync"]
    assert "aisle ingest" in runner.invoke(app, ["catalog", "stats"]).output


def test_show_prints_a_product_and_fails_clearly_when_missing(
    hash_settings_env: Settings, feed: Path
) -> None:
    runner.invoke(app, ["ingest", str(feed)])

    shown = runner.invoke(app, ["catalog", "show", "SKU3", "--json"])
    assert shown.exit_code == 0
    assert json.loads(shown.stdout)["title"] == "Trail shoe model3"
    assert "Trail shoe model3" in runner.invoke(app, ["catalog", "show", "SKU3"]).output

    missing = runner.invoke(app, ["catalog", "show", "NOPE"])
    assert missing.exit_code == 1
    assert "no product with id 'NOPE'" in missing.output


def test_unreadable_feed_format_exits_1(hash_settings_env: Settings, tmp_path: Path) -> None:
    weird = tmp_path / "feed.bin"
    weird.write_text("just one word\n")

    result = runner.invoke(app, ["ingest", str(weird)])

    assert result.exit_code == 1
    assert "format" in result.output

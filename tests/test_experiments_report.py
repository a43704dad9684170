"""Experiment statistics and ``aisle experiments report`` over a real SQLite store of synthetic logs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from assistant.cli import app
from assistant.events import InteractionEvent, ServedList
from assistant.experiments.report import build_report
from assistant.experiments.stats import compare_proportions, ratio_interval, sequential_two_proportions
from assistant.settings import get_settings
from assistant.stores.sqlite import SqliteSessionStore


def test_the_sequential_test_rejects_a_real_difference_and_not_noise() -> None:
    rng = np.random.default_rng(7)
    treated = rng.random(6000) < 0.5
    same = (rng.random(6000) < 0.2).astype(float)
    lifted = (rng.random(6000) < np.where(treated, 0.3, 0.2)).astype(float)
    assert sequential_two_proportions(treated, same).p_value > 0.05
    found = sequential_two_proportions(treated, lifted)
    assert found.p_value <= 0.05 and found.rejected_at is not None
    assert found.interval.low > 0 and found.interval.low <= 0.1 <= found.interval.high
    # the p-value never goes back up, and the sequence only narrows
    assert np.all(np.diff(found.p_values) <= 0) and np.all(np.diff(found.highs - found.lows) <= 1e-12)
    assert len(sequential_two_proportions(treated[:150], lifted[:150]).looks) == 0  # too few to look


def test_fixed_horizon_helpers() -> None:
    c = compare_proportions(30, 100, 20, 100)
    assert c is not None and c.interval.low < 0.1 < c.interval.high and 0.05 < c.p_value < 0.2
    assert compare_proportions(0, 0, 1, 10) is None
    assert compare_proportions(0, 50, 0, 50).p_value == 1.0  # type: ignore[union-attr]
    ci = ratio_interval(np.array([1, 0, 2, 1]), np.array([5, 5, 5, 5]))
    assert ci.low < 0.2 < ci.high


def _log(store: SqliteSessionStore, rng: np.random.Generator, units: int, rates: dict[str, float]) -> None:
    start = datetime(2026, 11, 30, tzinfo=UTC)
    for i in range(units):
        sid = store.create_session(f"shopper-{i}")
        variant = "control" if i % 2 else "treatment"
        turn = f"turn-{i}"
        store.record_served(
            ServedList(
                turn_id=turn,
                session_id=sid,
                shopper_id=f"shopper-{i}",
                product_ids=["p1", "p2", "p3"],
                assignments={"ranker": variant},
                served_at=start + timedelta(seconds=i),
            )
        )
        events = [
            InteractionEvent(
                event_id=f"i{i}-{p}", type="impression", session_id=sid, turn_id=turn, product_id=p
            )
            for p in ("p1", "p2", "p3")
        ]
        if rng.random() < rates[variant]:
            events.append(
                InteractionEvent(
                    event_id=f"c{i}", type="click", session_id=sid, turn_id=turn, product_id="p1"
                )
            )
            if rng.random() < 0.5:
                events.append(
                    InteractionEvent(
                        event_id=f"a{i}", type="add_to_cart", session_id=sid, turn_id=turn, product_id="p1"
                    )
                )
        store.record_events(events, {"ranker": variant})


def test_report_over_a_store(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    with SqliteSessionStore(tmp_path / "aisle.sqlite") as store:
        _log(store, rng, 1200, {"control": 0.2, "treatment": 0.35})
        data = build_report(
            store.served(experiment="ranker"),
            store.events(experiment="ranker"),
            "ranker",
            variants=["control", "treatment"],
            weights={"control": 1, "treatment": 1},
        )
    report = data.report
    assert [v.variant for v in report.variants] == ["control", "treatment"]
    control, treatment = report.variants
    assert control.units == treatment.units == 600 and control.impressions == 1800
    assert report.impressions_from == "impression events"
    assert 0.15 < control.click_through.value < 0.25 and 0.3 < treatment.click_through.value < 0.4
    assert abs(treatment.ctr.value - treatment.clicks / treatment.impressions) < 1e-12
    by_metric = {c.metric: c for c in report.comparisons}
    assert by_metric["click_through"].significant and by_metric["conversion"].always_valid_p_value == 1.0
    assert report.sample_ratio_p_value is not None and report.sample_ratio_p_value > 0.5


def test_the_cli_writes_tables_and_plots(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data_dir = tmp_path / "data"
    with SqliteSessionStore(data_dir / "aisle.sqlite") as store:
        _log(store, np.random.default_rng(1), 400, {"control": 0.2, "treatment": 0.2})
    (tmp_path / "experiments.yaml").write_text(
        "experiments:\n  - name: ranker\n    variants: [{name: control}, {name: treatment}]\n"
    )
    monkeypatch.setenv("AISLE_DATA_DIR", str(data_dir))
    monkeypatch.setenv("AISLE_EXPERIMENTS", str(tmp_path / "experiments.yaml"))
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(
            app, ["experiments", "report", "--experiment", "ranker", "--output", str(tmp_path / "out")]
        )
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "| control | 200 |" in result.output and "always-valid p" in result.output
    assert {p.name for p in (tmp_path / "out").iterdir()} == {
        "report.md",
        "report.json",
        "rates.png",
        "sequential.png",
    }

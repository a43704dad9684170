"""Recorded quality floors: the minimum pass rate per suite and provider (``eval/thresholds.yaml``).

    suites:
      shopping-core:
        fake: 0.90

With ``--thresholds``, a run fails only when a provider's pass rate drops below its floor (a
regression), not on every failing case. A suite or provider without a floor must pass every case.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from eval.results import EvalResults
from eval.suite_format import SuiteError, format_validation_error

__all__ = ["Thresholds", "check_thresholds", "load_thresholds"]


class Floor(BaseModel):
    """A provider's floors: the share of cases and/or of turns (each turn graded on its own) that pass."""

    model_config = ConfigDict(extra="forbid")

    cases: float | None = Field(default=None, ge=0, le=1)
    turns: float | None = Field(default=None, ge=0, le=1)


class Thresholds(BaseModel):
    model_config = ConfigDict(extra="forbid")

    suites: dict[str, dict[str, float | Floor]] = Field(default_factory=dict)

    def floor(self, suite: str, provider: str) -> float | None:
        value = self.suites.get(suite, {}).get(provider)
        return value.cases if isinstance(value, Floor) else value

    def turn_floor(self, suite: str, provider: str) -> float | None:
        value = self.suites.get(suite, {}).get(provider)
        return value.turns if isinstance(value, Floor) else None


def load_thresholds(path: Path) -> Thresholds:
    try:
        data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise SuiteError(f"cannot read thresholds {path}: {exc}") from exc
    try:
        thresholds = Thresholds.model_validate(data)
    except ValidationError as exc:
        raise SuiteError(format_validation_error(str(path), exc)) from exc
    for suite, floors in thresholds.suites.items():
        for provider, value in floors.items():
            if isinstance(value, float | int) and not 0.0 <= value <= 1.0:
                raise SuiteError(f"{path}: suites.{suite}.{provider}: {value} is not a pass rate in [0, 1]")
    return thresholds


def check_thresholds(results: EvalResults, thresholds: Thresholds | None) -> list[str]:
    """Why the run fails (empty: it passes). Without thresholds every case must pass."""
    problems = []
    for summary in results.summaries:
        floor = thresholds.floor(results.suite, summary.provider) if thresholds is not None else None
        turn_floor = (
            thresholds.turn_floor(results.suite, summary.provider) if thresholds is not None else None
        )
        if turn_floor is not None:
            outcomes = [
                o for r in results.rows if r.provider.label == summary.provider for o in r.turn_outcomes
            ]
            rate = sum(o.passed for o in outcomes) / len(outcomes) if outcomes else 0.0
            if rate < turn_floor:
                problems.append(
                    f"{summary.provider}: turn pass rate {rate:.1%} is below the recorded {turn_floor:.1%}"
                )
            if floor is None:
                continue
        if floor is None:
            if summary.passed < summary.cases:
                problems.append(
                    f"{summary.provider}: {summary.cases - summary.passed} of {summary.cases} cases failed"
                )
        elif summary.pass_rate < floor:
            problems.append(
                f"{summary.provider}: pass rate {summary.pass_rate:.1%} is below the recorded {floor:.1%}"
            )
    return problems

"""Pass rates per turn class and per part (tuning vs held-out), from graded results.

A conversation suite tags each message with the class it tests (``vars.turn_classes``) and marks
held-out cases with the tag ``heldout``; this module folds the per-turn verdicts into one table per
provider, so a report shows which kinds of asks fail, not one total.
"""

from __future__ import annotations

from collections.abc import Iterable

from pydantic import BaseModel, Field

from eval.results import EvalResults, ResultRow

__all__ = ["ClassRate", "class_rates", "class_table"]

HELDOUT_TAG = "heldout"


class ClassRate(BaseModel):
    provider: str
    part: str
    turn_class: str = Field(alias="class")
    passed: int
    turns: int

    @property
    def rate(self) -> float:
        return self.passed / self.turns if self.turns else 0.0


def _part(row: ResultRow) -> str:
    tags = row.vars.get("tags", []) if isinstance(row.vars, dict) else []
    return "held-out" if HELDOUT_TAG in tags else "tuning"


def class_rates(rows: Iterable[ResultRow]) -> list[ClassRate]:
    """(provider, part, class) → passed/turns, plus an ``all`` row per (provider, part)."""
    tally: dict[tuple[str, str, str], list[int]] = {}
    for row in rows:
        part = _part(row)
        for outcome in row.turn_outcomes:
            for cls in (outcome.turn_class or "unclassified", "all"):
                cell = tally.setdefault((row.provider.label, part, cls), [0, 0])
                cell[0] += int(outcome.passed)
                cell[1] += 1
    return [
        ClassRate.model_validate({"provider": p, "part": part, "class": c, "passed": v[0], "turns": v[1]})
        for (p, part, c), v in sorted(
            tally.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] == "all", kv[0][2])
        )
    ]


def class_table(results: EvalResults) -> list[list[str]]:
    """A table: class | part | provider | passed/turns | rate."""
    rates = class_rates(results.rows)
    table = [["class", "part", "provider", "turns passed", "rate"]]
    for r in rates:
        table.append([r.turn_class, r.part, r.provider, f"{r.passed}/{r.turns}", f"{r.rate:.1%}"])
    return table

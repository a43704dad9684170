"""The ``results.json`` of a suite run, in promptfoo's shape where it maps.

``results.results[]`` holds one row per (provider, test, repeat) with ``provider``, ``vars``,
``response``, ``success``, ``score``, ``gradingResult.componentResults[]`` and ``latencyMs``;
``results.stats`` the totals. Aisle adds ``summaries`` (per provider: pass rate, latency, nDCG,
pass rate per assertion type, diversity/novelty/coverage and the RecLM-eval error rates).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistant.schemas import QueryPlan
from eval.assertions import GradingResult
from eval.suite_format import SuiteError, format_validation_error

__all__ = [
    "AssertionTally",
    "EvalResults",
    "GradingSummary",
    "ProviderRef",
    "ProviderSummary",
    "RecListMetrics",
    "ResponseOut",
    "ResultRow",
    "ResultsBlock",
    "Stats",
    "TokenUsage",
    "TurnSummary",
    "load_results",
]


class _Camel(BaseModel):
    model_config = ConfigDict(populate_by_name=True)


class ProviderRef(_Camel):
    id: str
    label: str


class TokenUsage(_Camel):
    total: int = 0
    prompt: int = 0
    completion: int = 0
    num_requests: int = Field(default=0, alias="numRequests")


class RecommendedItem(_Camel):
    id: str
    rank: int
    title: str
    price: float | None = None
    brand: str | None = None
    reason: str = ""


class TurnSummary(_Camel):
    """One turn as the report shows it (the events, condensed)."""

    turn: int
    message: str
    output: str
    plan: QueryPlan | None = None
    products: list[str] = Field(default_factory=list)
    recommendations: list[RecommendedItem] = Field(default_factory=list)
    latency_ms: float = Field(default=0.0, alias="latencyMs")
    timings_ms: dict[str, float] = Field(default_factory=dict, alias="timingsMs")
    degraded: list[str] = Field(default_factory=list)
    errors: list[str] = Field(default_factory=list)
    exception: str | None = None
    prompt_versions: dict[str, str] = Field(default_factory=dict, alias="promptVersions")
    llm: str = ""


class ResponseOut(_Camel):
    output: str = ""
    token_usage: TokenUsage = Field(default_factory=TokenUsage, alias="tokenUsage")
    cost: float | None = None
    turns: list[TurnSummary] = Field(default_factory=list)


class GradingSummary(_Camel):
    passed: bool = Field(alias="pass")
    score: float
    reason: str
    component_results: list[GradingResult] = Field(default_factory=list, alias="componentResults")


class RecListMetrics(_Camel):
    """Beyond-accuracy metrics of the graded turn's recommended list."""

    diversity: float = 0.0
    novelty: float = 0.0
    candidate_error: float = 0.0
    duplicate_error: float = 0.0
    history_error: float = 0.0
    ndcg: float | None = None


class TurnOutcome(_Camel):
    """One turn of a case graded on its own: every assertion aimed at it (defaults included)."""

    turn: int
    turn_class: str = Field(default="", alias="class")
    passed: bool
    failures: list[str] = Field(default_factory=list)


class ResultRow(_Camel):
    id: str
    test_idx: int = Field(alias="testIdx")
    repeat_index: int = Field(default=0, alias="repeatIndex")
    description: str
    provider: ProviderRef
    vars: dict[str, Any]
    response: ResponseOut
    success: bool
    score: float
    named_scores: dict[str, float] = Field(default_factory=dict, alias="namedScores")
    latency_ms: float = Field(alias="latencyMs")
    cost: float | None = None
    grading_result: GradingSummary = Field(alias="gradingResult")
    error: str | None = None
    metrics: RecListMetrics = Field(default_factory=RecListMetrics)
    turn_outcomes: list[TurnOutcome] = Field(default_factory=list, alias="turnOutcomes")


class Stats(_Camel):
    successes: int = 0
    failures: int = 0
    errors: int = 0
    token_usage: TokenUsage = Field(default_factory=TokenUsage, alias="tokenUsage")


class ResultsBlock(_Camel):
    version: int = 3
    timestamp: str
    results: list[ResultRow]
    stats: Stats


class AssertionTally(_Camel):
    passed: int = 0
    failed: int = 0
    skipped: int = 0

    @property
    def pass_rate(self) -> float:
        graded = self.passed + self.failed
        return self.passed / graded if graded else 0.0


class ProviderSummary(_Camel):
    provider: str
    cases: int
    passed: int
    errors: int
    pass_rate: float = Field(alias="passRate")
    mean_score: float = Field(alias="meanScore")
    latency_p50_ms: float = Field(alias="latencyP50Ms")
    latency_p95_ms: float = Field(alias="latencyP95Ms")
    ndcg_mean: float | None = Field(default=None, alias="ndcgMean")
    by_assertion: dict[str, AssertionTally] = Field(default_factory=dict, alias="byAssertion")
    diversity: float = 0.0
    novelty: float = 0.0
    coverage: float = 0.0
    candidate_error: float = Field(default=0.0, alias="candidateError")
    duplicate_error: float = Field(default=0.0, alias="duplicateError")
    history_error: float = Field(default=0.0, alias="historyError")


class EvalResults(_Camel):
    eval_id: str = Field(alias="evalId")
    created_at: str = Field(default_factory=lambda: datetime.now(UTC).isoformat(), alias="createdAt")
    suite: str
    description: str = ""
    command: str = ""
    config: dict[str, Any] = Field(default_factory=dict)
    results: ResultsBlock
    summaries: list[ProviderSummary] = Field(default_factory=list)
    notes: list[str] = Field(default_factory=list)

    @property
    def rows(self) -> list[ResultRow]:
        return self.results.results

    def providers(self) -> list[str]:
        return list(dict.fromkeys(r.provider.label for r in self.rows))

    def to_json(self) -> str:
        return self.model_dump_json(by_alias=True, indent=2)

    def save(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.to_json() + "\n", encoding="utf-8")
        return path


def load_results(path: Path) -> EvalResults:
    """Read a ``results.json`` written by ``aisle eval suite`` (or a directory holding one)."""
    path = Path(path)
    if path.is_dir():
        path = path / "results.json"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SuiteError(f"cannot read results {path}: {exc}") from exc
    except ValueError as exc:
        raise SuiteError(f"{path}: not JSON: {exc}") from exc
    try:
        return EvalResults.model_validate(data)
    except ValidationError as exc:
        raise SuiteError(format_validation_error(str(path), exc)) from exc

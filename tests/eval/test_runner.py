"""The runner over a scripted stand-in assistant; reports, compare verdicts and thresholds on its results."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from eval_helpers import CATALOG, IDS, card

from assistant.schemas import (
    ChatRequest,
    DoneEvent,
    FeedbackRequest,
    PlanEvent,
    ProductsEvent,
    QueryPlan,
    Recommendation,
    RecommendationsEvent,
    TokenEvent,
)
from eval.assertions import MemoryCatalog
from eval.compare import bootstrap_ci, compare_results, mcnemar_exact
from eval.report import write_report
from eval.results import EvalResults, load_results
from eval.suite import RunOptions, run_suite, score_case
from eval.suite_format import Suite
from eval.thresholds import Thresholds, check_thresholds, load_thresholds
from retrieval.filters import Filters


class _Store(MemoryCatalog):
    def all(self):  # type: ignore[no-untyped-def]
        return iter(CATALOG)

    def count(self) -> int:
        return len(CATALOG)


class _Catalog:
    store = _Store(CATALOG)


class ScriptedAssistant:
    """Dishwashers for any message, honouring "not interested"; ``leaky`` ignores the price cap."""

    catalog = _Catalog()

    def __init__(self, *, leaky: bool = False) -> None:
        self.leaky = leaky
        self.rejected: dict[str | None, set[str]] = {}

    def record_feedback(self, request: FeedbackRequest) -> str:
        self.rejected.setdefault(request.shopper_id, set()).add(request.product_id)
        return request.shopper_id or ""

    def chat(self, request: ChatRequest) -> Iterator[object]:
        if "tires" in request.message:
            yield PlanEvent(**IDS, plan=QueryPlan(query="car tires", intent="out_of_catalog"))
            yield TokenEvent(**IDS, text="Sorry, we don't carry car tires.")
            yield DoneEvent(**IDS, message="Sorry, we don't carry car tires.")
            return
        cap = None if self.leaky else 600.0
        ids = [
            p.id
            for p in CATALOG
            if p.id.startswith("dw") and p.id not in self.rejected.get(request.shopper_id, set())
        ]
        ids = [i for i in ids if cap is None or (card(i).price or 0) <= cap]
        yield PlanEvent(**IDS, plan=QueryPlan(query="dishwasher", filters=Filters(price_max=cap)))
        yield ProductsEvent(**IDS, products=[card(i) for i in ids])
        yield TokenEvent(**IDS, text="Here are dishwashers.")
        recs = [
            Recommendation(rank=n, product=card(i), reason=f"{card(i).brand} dishwasher")
            for n, i in enumerate(ids, 1)
        ]
        yield RecommendationsEvent(**IDS, recommendations=recs)
        yield DoneEvent(**IDS, message="Here are dishwashers.")


SUITE = {
    "description": "tiny",
    "providers": ["fake", {"id": "fake", "label": "leaky"}],
    "tests": [
        {
            "description": "budget",
            "vars": {"conversation": ["dishwasher under $600"]},
            "assert": [
                {"type": "respects-filters", "value": {"price_max": 600}},
                {"type": "no-invented-products"},
            ],
        },
        {
            "description": "feedback",
            "vars": {
                "conversation": ["dishwasher", "more"],
                "feedback": [{"turn": 2, "product": "@turn1.rec1", "kind": "not_interested"}],
            },
            "assert": [{"type": "recommends-none", "value": "@turn1.rec1"}],
        },
        {
            "description": "tires",
            "vars": {"conversation": "car tires?"},
            "assert": [{"type": "declines-out-of-catalog"}],
        },
        {
            "description": "judge",
            "vars": {"conversation": "dishwasher"},
            "assert": [
                {"type": "llm-rubric", "value": "helpful"},
                {"type": "ndcg-at-k", "value": {"judgments": {"dw1": 1.0}}},
            ],
        },
    ],
}


def factory(provider, feed):  # type: ignore[no-untyped-def]
    return ScriptedAssistant(leaky=provider.name == "leaky")


@pytest.fixture(scope="module")
def results() -> EvalResults:
    suite = Suite.model_validate(SUITE)
    return run_suite(suite, RunOptions(progress=False, concurrency=2), factory=factory)


def rows(results: EvalResults, provider: str) -> dict[str, bool]:
    return {r.description: r.success for r in results.rows if r.provider.label == provider}


def test_runner_grades_every_provider_and_case(results: EvalResults) -> None:
    assert rows(results, "fake") == {"budget": True, "feedback": True, "tires": True, "judge": True}
    assert rows(results, "leaky") == {"budget": False, "feedback": True, "tires": True, "judge": True}
    leaky = next(r for r in results.rows if r.provider.label == "leaky" and r.description == "budget")
    assert "dw2" in leaky.grading_result.reason
    judge_row = next(r for r in results.rows if r.description == "judge")
    skipped = [c for c in judge_row.grading_result.component_results if c.skipped]
    assert skipped and skipped[0].assertion is not None and skipped[0].assertion.type == "llm-rubric"
    assert any("llm-rubric assertions skipped" in n for n in results.notes)
    feedback = next(r for r in results.rows if r.description == "feedback")
    assert (
        feedback.response.turns[1].recommendations[0].id != feedback.response.turns[0].recommendations[0].id
    )
    assert results.results.stats.successes == 7 and results.results.stats.failures == 1
    fake = results.summaries[0]
    assert fake.provider == "fake" and fake.pass_rate == 1.0 and fake.ndcg_mean is not None
    assert fake.by_assertion["llm-rubric"].skipped == 1


def test_results_round_trip_promptfoo_shape(results: EvalResults, tmp_path: Path) -> None:
    path = results.save(tmp_path / "results.json")
    import json

    data = json.loads(path.read_text())
    row = data["results"]["results"][0]
    for key in ("provider", "vars", "response", "success", "score", "gradingResult", "latencyMs"):
        assert key in row
    assert (
        "componentResults" in row["gradingResult"] and "pass" in row["gradingResult"]["componentResults"][0]
    )
    assert {"successes", "failures", "errors", "tokenUsage"} <= set(data["results"]["stats"])
    again = load_results(tmp_path)
    assert (
        again.rows[0].grading_result.component_results[0].passed
        == results.rows[0].grading_result.component_results[0].passed
    )


def test_report_files_and_plots(results: EvalResults, tmp_path: Path) -> None:
    files = write_report(results, tmp_path)
    names = {p.name for p in files.plots}
    assert {"pass_rate_by_assertion.png", "latency.png", "ndcg_by_provider.png", "ab_deltas.png"} <= names
    for plot in files.plots:
        assert plot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and plot.stat().st_size > 1000
    text = files.markdown.read_text()
    assert "| leaky |" in text and "Failing cases" in text and "A vs B" in text
    assert "<table>" in files.html.read_text()


def test_compare_same_run_is_no_difference(results: EvalResults) -> None:
    same = compare_results(results, results, label_a="fake", label_b="fake")
    assert same.verdict == "no significant difference" and same.mean_delta == 0 and same.mcnemar_p == 1.0
    one_flip = compare_results(results, results, label_a="fake", label_b="leaky")
    assert one_flip.pass_to_fail == 1 and one_flip.fail_to_pass == 0
    assert one_flip.verdict == "no significant difference"  # one flip in four cases proves nothing


def _synthetic(scores: list[tuple[bool, float]], label: str) -> EvalResults:
    suite = Suite.model_validate(SUITE)
    base = run_suite(suite, RunOptions(progress=False, providers=["fake"]), factory=factory)
    template = base.rows[0]
    new_rows = [
        template.model_copy(
            update={
                "test_idx": i,
                "success": ok,
                "score": score,
                "provider": template.provider.model_copy(update={"label": label}),
            }
        )
        for i, (ok, score) in enumerate(scores)
    ]
    return base.model_copy(update={"results": base.results.model_copy(update={"results": new_rows})})


def test_compare_significant_better_and_worse() -> None:
    a = _synthetic([(False, 0.2)] * 12 + [(True, 1.0)] * 8, "A")
    b = _synthetic([(True, 1.0)] * 20, "B")
    better = compare_results(a, b)
    assert better.fail_to_pass == 12 and better.verdict == "better" and better.ci_low > 0
    assert better.mcnemar_p == pytest.approx(2 / 2**12)
    assert compare_results(b, a).verdict == "worse"


def test_statistics_by_hand() -> None:
    assert mcnemar_exact(0, 0) == 1.0
    assert mcnemar_exact(0, 5) == pytest.approx(2 / 32)
    assert mcnemar_exact(1, 4) == pytest.approx(2 * 6 / 32)
    assert bootstrap_ci([0.5] * 10) == (0.5, 0.5)
    low, high = bootstrap_ci([0.0, 1.0] * 20)
    assert low < 0.5 < high


def test_score_case_weights_and_threshold() -> None:
    from eval.assertions import GradingResult
    from eval.suite_format import AssertionSpec

    def comp(passed: bool, score: float, weight: float) -> GradingResult:
        return GradingResult(
            passed=passed,
            score=score,
            reason="r",
            assertion=AssertionSpec(type="no-duplicates", weight=weight),
        )

    parts = [comp(True, 1.0, 3), comp(False, 0.0, 1)]
    assert score_case(parts, None).passed is False and score_case(parts, None).score == 0.75
    assert score_case(parts, 0.7).passed is True
    assert score_case(parts, 0.8).passed is False
    assert score_case([comp(False, 0.0, 0), comp(True, 1.0, 1)], None).passed  # weight 0 is informational


def test_thresholds(results: EvalResults, tmp_path: Path) -> None:
    assert check_thresholds(results, None) == ["leaky: 1 of 4 cases failed"]
    floors = Thresholds(suites={"suite": {"leaky": 0.7}})
    assert check_thresholds(results, floors) == []
    floors = Thresholds(suites={"suite": {"leaky": 0.8, "fake": 1.0}})
    assert check_thresholds(results, floors) == ["leaky: pass rate 75.0% is below the recorded 80.0%"]
    path = tmp_path / "t.yaml"
    path.write_text("suites: {suite: {fake: 1.5}}\n")
    from eval.suite_format import SuiteError

    with pytest.raises(SuiteError, match="not a pass rate"):
        load_thresholds(path)

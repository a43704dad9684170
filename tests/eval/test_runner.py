"""The runner over the real core: each provider is a real ``Assistant`` built by the runner's own
factory (``default_factory``: the suite's feed ingested with the hash embedder, settings from the
provider's config, the scripted chat model); reports, compare verdicts and thresholds on its results.

The two providers differ only in the model's script: ``capable`` answers like a capable model
(``AISLE_FAKE_SCRIPT=realistic``: it names the top pick and its price, nothing else), ``plain`` is the
empty fake, so the core composes the answer from catalog facts. Expectations are the catalog's facts
(``eval_helpers.CATALOG``: dw1 44 dBA $579, dw2 46 dBA $749, dw3 52 dBA $399.99, one running shoe).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from eval_helpers import CATALOG

from eval.compare import bootstrap_ci, compare_results, mcnemar_exact
from eval.report import write_report
from eval.results import EvalResults, load_results
from eval.suite import RunOptions, run_suite, score_case
from eval.suite_format import Suite
from eval.thresholds import Thresholds, check_thresholds, load_thresholds


def suite_for(feed: Path) -> dict:
    return {
        "description": "tiny",
        "catalog": str(feed),
        "embedder": "hash",
        "providers": [
            {"id": "fake", "label": "capable", "config": {"settings": {"fake_script": "realistic"}}},
            {"id": "fake", "label": "plain"},
        ],
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
            {
                "description": "quiet",
                "vars": {"conversation": "a quiet dishwasher"},
                "assert": [
                    {"type": "ranked-first", "value": {"attribute": "noise_level_db", "order": "min"}},
                    {
                        "type": "mentions-fact",
                        "value": {"product": "@turn1.rec1", "attribute": "noise_level_db"},
                    },
                ],
            },
        ],
    }


@pytest.fixture(scope="module")
def feed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("feed") / "dishwashers.jsonl"
    path.write_text("\n".join(p.model_dump_json(exclude_none=True) for p in CATALOG) + "\n")
    return path


@pytest.fixture(scope="module")
def results(feed: Path, tmp_path_factory: pytest.TempPathFactory) -> EvalResults:
    suite = Suite.model_validate(suite_for(feed))
    options = RunOptions(progress=False, concurrency=2, cache_dir=tmp_path_factory.mktemp("eval-cache"))
    return run_suite(suite, options)


def rows(results: EvalResults, provider: str) -> dict[str, bool]:
    return {r.description: r.success for r in results.rows if r.provider.label == provider}


def test_runner_grades_every_provider_and_case(results: EvalResults) -> None:
    every = {"budget": True, "feedback": True, "tires": True, "judge": True, "quiet": True}
    assert rows(results, "plain") == every
    # The capable model's answer names the top pick and its price but never the noise level asked for.
    assert rows(results, "capable") == {**every, "quiet": False}
    quiet = {r.provider.label: r for r in results.rows if r.description == "quiet"}
    reason = quiet["capable"].grading_result.reason
    assert "the answer does not state noise_level_db (44 " in reason and reason.endswith(" of dw1")
    assert quiet["capable"].response.turns[0].recommendations[0].id == "dw1"  # ranked right, still
    assert "44 dB" in quiet["plain"].response.turns[0].output
    budget = next(r for r in results.rows if r.description == "budget")
    assert {c.id for c in budget.response.turns[0].recommendations} == {"dw1", "dw3"}  # the two under $600
    judge_row = next(r for r in results.rows if r.description == "judge")
    skipped = [c for c in judge_row.grading_result.component_results if c.skipped]
    assert skipped and skipped[0].assertion is not None and skipped[0].assertion.type == "llm-rubric"
    assert any("llm-rubric assertions skipped" in n for n in results.notes)
    for feedback in (r for r in results.rows if r.description == "feedback"):
        first, second = feedback.response.turns
        assert second.recommendations and first.recommendations[0].id not in {
            c.id for c in second.recommendations
        }
    tires = next(r for r in results.rows if r.description == "tires")
    assert not tires.response.turns[0].recommendations
    assert results.results.stats.successes == 9 and results.results.stats.failures == 1
    plain = next(s for s in results.summaries if s.provider == "plain")
    assert plain.pass_rate == 1.0 and plain.ndcg_mean is not None
    assert plain.by_assertion["llm-rubric"].skipped == 1


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
    assert "| capable |" in text and "Failing cases" in text and "A vs B" in text
    assert "<table>" in files.html.read_text()


def test_compare_same_run_is_no_difference(results: EvalResults) -> None:
    same = compare_results(results, results, label_a="plain", label_b="plain")
    assert same.verdict == "no significant difference" and same.mean_delta == 0 and same.mcnemar_p == 1.0
    one_flip = compare_results(results, results, label_a="plain", label_b="capable")
    assert one_flip.pass_to_fail == 1 and one_flip.fail_to_pass == 0
    assert one_flip.verdict == "no significant difference"  # one flip in five cases proves nothing


def _synthetic(base: EvalResults, scores: list[tuple[bool, float]], label: str) -> EvalResults:
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


def test_compare_significant_better_and_worse(results: EvalResults) -> None:
    a = _synthetic(results, [(False, 0.2)] * 12 + [(True, 1.0)] * 8, "A")
    b = _synthetic(results, [(True, 1.0)] * 20, "B")
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
    assert check_thresholds(results, None) == ["capable: 1 of 5 cases failed"]
    floors = Thresholds(suites={"suite": {"capable": 0.8}})
    assert check_thresholds(results, floors) == []
    floors = Thresholds(suites={"suite": {"capable": 0.85, "plain": 1.0}})
    assert check_thresholds(results, floors) == ["capable: pass rate 80.0% is below the recorded 85.0%"]
    path = tmp_path / "t.yaml"
    path.write_text("suites: {suite: {fake: 1.5}}\n")
    from eval.suite_format import SuiteError

    with pytest.raises(SuiteError, match="not a pass rate"):
        load_thresholds(path)

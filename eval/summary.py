"""Condensing a run: turn summaries for ``results.json``, list metrics per row, summaries per provider."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from eval import metrics
from eval.assertions import GradeContext
from eval.results import (
    AssertionTally,
    ProviderSummary,
    RecListMetrics,
    RecommendedItem,
    ResultRow,
    TurnSummary,
)
from eval.suite_format import SuiteCase
from eval.transcript import CaseTranscript, TurnRecord

__all__ = ["row_metrics", "summarize", "turn_summary"]


def turn_summary(turn: TurnRecord) -> TurnSummary:
    done = turn.done
    recs = turn.recommendations
    items = (
        [
            RecommendedItem(
                id=r.product.id,
                rank=r.rank,
                title=r.product.title,
                price=r.product.price,
                brand=r.product.brand,
                reason=r.reason,
            )
            for r in recs
        ]
        if turn.has_recommendations
        else [
            RecommendedItem(id=c.id, rank=i, title=c.title, price=c.price, brand=c.brand)
            for i, c in enumerate(turn.products, start=1)
        ]
    )
    return TurnSummary(
        turn=turn.turn,
        message=turn.message,
        output=turn.text,
        plan=turn.plan,
        products=[c.id for c in turn.products],
        recommendations=items,
        latency_ms=round(turn.latency_ms, 2),
        timings_ms=done.timings_ms if done else {},
        degraded=[f"{d.stage}: {d.reason}" for d in turn.degraded],
        errors=[f"{e.code}: {e.message}" for e in turn.errors],
        exception=turn.exception,
        prompt_versions=done.prompt_versions if done else {},
        llm=done.llm if done else "",
    )


def row_metrics(
    transcript: CaseTranscript, case: SuiteCase, popularity: Mapping[str, int], ctx: GradeContext
) -> RecListMetrics:
    """Diversity (category leaf + brand), novelty, error rates and nDCG of the last turn's list."""
    if not transcript.turns:
        return RecListMetrics()
    turn = transcript.turns[-1]
    cards = turn.recommended
    ids = [c.id for c in cards]
    known = set(ctx.catalog.get_many(ids)) if ctx.catalog is not None else set(ids)
    ndcg = None
    for spec in case.asserts:
        if spec.type == "ndcg-at-k" and isinstance(spec.value, dict):
            gains = spec.value.get("judgments") or {}
            ndcg = metrics.ndcg(
                [c.id for c in turn.cards(spec.config.source)], gains, int(spec.value.get("k", 10))
            )
    return RecListMetrics(
        diversity=metrics.attribute_diversity(
            [(c.category[-1] if c.category else None, c.brand) for c in cards]
        ),
        novelty=metrics.novelty(ids, popularity) if popularity else 0.0,
        candidate_error=metrics.candidate_error(ids, known),
        duplicate_error=metrics.duplicate_error(ids),
        history_error=metrics.history_error(ids, transcript.rejected_before(turn.turn)),
        ndcg=ndcg,
    )


def summarize(provider: str, rows: Sequence[ResultRow], coverage: float) -> ProviderSummary:
    latencies = [r.latency_ms for r in rows]
    tallies: dict[str, AssertionTally] = {}
    for row in rows:
        for c in row.grading_result.component_results:
            if c.assertion is None:
                continue
            tally = tallies.setdefault(c.assertion.type, AssertionTally())
            if c.skipped:
                tally.skipped += 1
            elif c.passed:
                tally.passed += 1
            else:
                tally.failed += 1
    ndcgs = [r.metrics.ndcg for r in rows if r.metrics.ndcg is not None]
    with_recs = [r for r in rows if r.response.turns and r.response.turns[-1].recommendations]

    def avg(name: str, subset: Sequence[ResultRow]) -> float:
        return round(metrics.mean([getattr(r.metrics, name) for r in subset]), 4)

    return ProviderSummary(
        provider=provider,
        cases=len(rows),
        passed=sum(r.success for r in rows),
        errors=sum(r.error is not None for r in rows),
        pass_rate=round(sum(r.success for r in rows) / len(rows), 4) if rows else 0.0,
        mean_score=round(metrics.mean([r.score for r in rows]), 4),
        latency_p50_ms=round(metrics.percentile(latencies, 50), 1),
        latency_p95_ms=round(metrics.percentile(latencies, 95), 1),
        ndcg_mean=round(metrics.mean(ndcgs), 4) if ndcgs else None,
        by_assertion=dict(sorted(tallies.items())),
        diversity=avg("diversity", with_recs),
        novelty=avg("novelty", with_recs),
        coverage=round(coverage, 4),
        candidate_error=avg("candidate_error", with_recs),
        duplicate_error=avg("duplicate_error", with_recs),
        history_error=avg("history_error", with_recs),
    )

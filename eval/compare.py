"""A/B comparison of two runs (or two providers of one run), case by case.

Cases are paired by (test index, repeat) and, when both sides hold several providers, by provider
label. Reported: flips (pass→fail, fail→pass), the mean score delta B − A with a paired bootstrap
95% confidence interval, and an exact McNemar test (a two-sided binomial sign test on the flips).
The verdict calls B better or worse only when one of the two tests is significant and neither
contradicts it.
"""

from __future__ import annotations

import math
import random
from typing import Literal

from pydantic import BaseModel, Field

from eval.results import EvalResults, ResultRow
from eval.suite_format import SuiteError

__all__ = [
    "CaseDelta",
    "Comparison",
    "bootstrap_ci",
    "compare_results",
    "mcnemar_exact",
]

Verdict = Literal["better", "worse", "no significant difference", "mixed"]


class CaseDelta(BaseModel):
    key: str
    description: str
    provider_a: str
    provider_b: str
    passed_a: bool
    passed_b: bool
    score_a: float
    score_b: float

    @property
    def delta(self) -> float:
        return self.score_b - self.score_a

    @property
    def flip(self) -> str:
        if self.passed_a and not self.passed_b:
            return "pass→fail"
        if not self.passed_a and self.passed_b:
            return "fail→pass"
        return ""


class Comparison(BaseModel):
    label_a: str
    label_b: str
    cases: list[CaseDelta]
    unmatched: int = Field(default=0, description="Cases present on one side only (ignored).")
    pass_rate_a: float
    pass_rate_b: float
    mean_delta: float
    ci_low: float
    ci_high: float
    pass_to_fail: int
    fail_to_pass: int
    mcnemar_p: float
    alpha: float = 0.05
    verdict: Verdict

    @property
    def significant(self) -> bool:
        return self.verdict in ("better", "worse")

    def summary(self) -> str:
        return (
            f"B ({self.label_b}) vs A ({self.label_a}): {self.verdict}; pass rate {self.pass_rate_a:.1%} → "
            f"{self.pass_rate_b:.1%}, mean score Δ {self.mean_delta:+.3f} "
            f"(95% CI {self.ci_low:+.3f} … {self.ci_high:+.3f}), flips {self.fail_to_pass} fail→pass / "
            f"{self.pass_to_fail} pass→fail (McNemar exact p = {self.mcnemar_p:.3g})"
        )


def bootstrap_ci(
    deltas: list[float], *, resamples: int = 10_000, level: float = 0.95, seed: int = 0
) -> tuple[float, float]:
    """Percentile bootstrap CI of the mean of paired ``deltas`` (fixed seed: reproducible)."""
    if not deltas:
        return 0.0, 0.0
    rng = random.Random(seed)
    n = len(deltas)
    means = sorted(sum(deltas[rng.randrange(n)] for _ in range(n)) / n for _ in range(resamples))
    tail = (1.0 - level) / 2.0
    low = means[math.floor(tail * (resamples - 1))]
    high = means[math.ceil((1.0 - tail) * (resamples - 1))]
    return low, high


def mcnemar_exact(b: int, c: int) -> float:
    """Two-sided exact McNemar p-value for ``b`` and ``c`` discordant pairs (binomial, p = 1/2)."""
    n = b + c
    if n == 0:
        return 1.0
    k = min(b, c)
    tail = sum(math.comb(n, i) for i in range(k + 1)) / 2**n
    return min(1.0, 2.0 * tail)


def _index(results: EvalResults, label: str | None) -> dict[tuple[str, int, int], ResultRow]:
    rows = [r for r in results.rows if label is None or r.provider.label == label]
    if label is not None and not rows:
        raise SuiteError(f"no provider {label!r} in {results.suite} (has: {', '.join(results.providers())})")
    return {(r.provider.label, r.test_idx, r.repeat_index): r for r in rows}


def _pairs(
    a: EvalResults, b: EvalResults, label_a: str | None, label_b: str | None
) -> tuple[list[tuple[ResultRow, ResultRow]], int]:
    ia, ib = _index(a, label_a), _index(b, label_b)
    single = (label_a is not None or len(a.providers()) == 1) and (
        label_b is not None or len(b.providers()) == 1
    )
    if single:
        ka = {(t, r): row for (_, t, r), row in ia.items()}
        kb = {(t, r): row for (_, t, r), row in ib.items()}
        pairs = sorted(set(ka) & set(kb))
        return [(ka[k], kb[k]) for k in pairs], len(set(ka) ^ set(kb))
    keys = sorted(set(ia) & set(ib))
    return [(ia[k], ib[k]) for k in keys], len(set(ia) ^ set(ib))


def compare_results(
    a: EvalResults,
    b: EvalResults,
    *,
    label_a: str | None = None,
    label_b: str | None = None,
    alpha: float = 0.05,
    resamples: int = 10_000,
) -> Comparison:
    """Compare run ``b`` against baseline ``a`` (optionally one provider of each)."""
    pairs, unmatched = _pairs(a, b, label_a, label_b)
    if not pairs:
        raise SuiteError("the two runs share no cases (compare results of the same suite)")
    cases = [
        CaseDelta(
            key=f"{ra.test_idx}:{ra.repeat_index}",
            description=ra.description,
            provider_a=ra.provider.label,
            provider_b=rb.provider.label,
            passed_a=ra.success,
            passed_b=rb.success,
            score_a=ra.score,
            score_b=rb.score,
        )
        for ra, rb in pairs
    ]
    deltas = [c.delta for c in cases]
    low, high = bootstrap_ci(deltas, resamples=resamples, level=1.0 - alpha)
    worse = sum(c.flip == "pass→fail" for c in cases)
    better = sum(c.flip == "fail→pass" for c in cases)
    p = mcnemar_exact(worse, better)
    mean_delta = sum(deltas) / len(deltas)
    votes: set[Verdict] = set()
    if low > 0:
        votes.add("better")
    if high < 0:
        votes.add("worse")
    if p < alpha:
        votes.add("better" if better > worse else "worse")
    verdict: Verdict = (
        "no significant difference" if not votes else ("mixed" if len(votes) > 1 else votes.pop())
    )
    return Comparison(
        label_a=label_a or ",".join(a.providers()),
        label_b=label_b or ",".join(b.providers()),
        cases=cases,
        unmatched=unmatched,
        pass_rate_a=sum(c.passed_a for c in cases) / len(cases),
        pass_rate_b=sum(c.passed_b for c in cases) / len(cases),
        mean_delta=mean_delta,
        ci_low=low,
        ci_high=high,
        pass_to_fail=worse,
        fail_to_pass=better,
        mcnemar_p=p,
        alpha=alpha,
        verdict=verdict,
    )

"""``aisle experiments report``: per-variant metrics of one experiment from the served-list log and
the interaction events, with intervals, fixed-horizon and always-valid tests, plots and a table.

Unit of analysis = unit of assignment (the shopper, else the session: see
:func:`~assistant.experiments.assign.assignment_unit`), so units are independent and the tests are
valid. Per variant:

* **CTR** = clicks / impressions (impressions: the storefront's ``impression`` events when the
  experiment has any, else the products the served lists showed), with a delta-method interval
  clustered by unit;
* **click-through**, **add-to-cart rate** and **conversion**: the share of units with at least one
  click, add-to-cart or purchase; Wilson intervals; each treatment is compared with the control
  (the experiment's first variant) by Newcombe's interval and a score test (valid at one look at a
  horizon fixed in advance) and by the mSPRT (:mod:`.stats`), whose p-value and confidence
  sequence stay valid however often the report is run;
* a sample-ratio-mismatch check (chi-square of units per variant against the configured weights).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from pydantic import BaseModel, Field

from assistant.events import LoggedEvent, ServedList
from assistant.experiments.assign import assignment_unit
from assistant.experiments.stats import (
    DEFAULT_TAU,
    SequentialResult,
    compare_proportions,
    ratio_interval,
    sequential_two_proportions,
    wilson,
)

__all__ = [
    "BINARY_METRICS",
    "Comparison",
    "ExperimentReport",
    "VariantMetrics",
    "build_report",
    "render_markdown",
    "write_report",
]

BINARY_METRICS: dict[str, str] = {
    "click_through": "click",
    "add_to_cart_rate": "add_to_cart",
    "conversion": "purchase",
}
"""Unit-level metrics (share of units with at least one such event) → event type."""
_LABELS = {
    "ctr": "CTR (clicks / impressions)",
    "click_through": "click-through (units)",
    "add_to_cart_rate": "add-to-cart rate (units)",
    "conversion": "conversion (units)",
}


class Rate(BaseModel):
    value: float
    low: float
    high: float


class VariantMetrics(BaseModel):
    variant: str
    units: int
    turns: int
    impressions: int
    clicks: int
    add_to_carts: int
    purchases: int
    revenue: float
    ctr: Rate
    click_through: Rate
    add_to_cart_rate: Rate
    conversion: Rate


class Comparison(BaseModel):
    """One treatment's metric against the control's."""

    variant: str
    metric: str
    difference: float
    fixed_low: float
    fixed_high: float
    fixed_p_value: float
    always_valid_p_value: float
    sequence_low: float
    sequence_high: float
    significant: bool = Field(description="The always-valid p-value is at most alpha.")
    first_significant_at_units: int | None = None


class ExperimentReport(BaseModel):
    experiment: str
    control: str
    generated_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    since: datetime | None = None
    alpha: float
    tau: float
    impressions_from: str
    variants: list[VariantMetrics]
    comparisons: list[Comparison]
    sample_ratio_p_value: float | None = None
    notes: list[str] = Field(default_factory=list)


@dataclass
class _Unit:
    variant: str
    first_seen: datetime
    turns: int = 0
    shown: int = 0
    counts: dict[str, int] = field(default_factory=dict)
    revenue: float = 0.0


@dataclass
class ReportData:
    """The report and what its plots need (the sequential paths)."""

    report: ExperimentReport
    sequences: dict[tuple[str, str], SequentialResult]


def build_report(
    served: Iterable[ServedList],
    events: Iterable[LoggedEvent],
    experiment: str,
    *,
    variants: list[str] | None = None,
    weights: Mapping[str, float] | None = None,
    alpha: float = 0.05,
    tau: float = DEFAULT_TAU,
    min_units: int = 100,
    since: datetime | None = None,
) -> ReportData:
    """The report of ``experiment`` over the served lists and events that carry it. ``variants``
    (the configured order; the first is the control) and ``weights`` come from the experiments file
    when it still declares the experiment; else the variants seen, in name order."""
    units: dict[str, _Unit] = {}
    turn_unit: dict[str, str] = {}
    mixed: set[str] = set()
    for s in served:
        variant = s.assignments.get(experiment)
        if variant is None:
            continue
        key = assignment_unit(s.shopper_id, s.session_id)
        unit = units.get(key)
        if unit is None:
            unit = units[key] = _Unit(variant, s.served_at)
        elif unit.variant != variant:
            mixed.add(key)
        unit.first_seen = min(unit.first_seen, s.served_at)
        unit.turns += 1
        unit.shown += len(s.product_ids)
        turn_unit[s.turn_id] = key
    has_impressions = False
    for e in events:
        variant = e.assignments.get(experiment)
        if variant is None:
            continue
        key = turn_unit.get(e.turn_id) or assignment_unit(e.shopper_id, e.session_id)
        unit = units.get(key)
        if unit is None:  # its turn was served before ``since``: the unit enters with the event
            unit = units[key] = _Unit(variant, e.received_at)
        elif unit.variant != variant:
            mixed.add(key)
            continue
        unit.counts[e.type] = unit.counts.get(e.type, 0) + 1
        has_impressions = has_impressions or e.type == "impression"
        if e.type == "purchase" and e.value is not None:
            unit.revenue += e.value
    for key in mixed:
        units.pop(key, None)
    seen = sorted({u.variant for u in units.values()})
    order = list(variants) if variants else seen
    order += [v for v in seen if v not in order]
    if not order:
        order = ["control"]
    control = order[0]
    notes: list[str] = []
    if mixed:
        notes.append(
            f"{len(mixed)} units were seen in more than one variant (the split changed) and are left out"
        )
    metrics = [
        _variant_metrics(v, [u for u in units.values() if u.variant == v], has_impressions) for v in order
    ]
    arrival = sorted(units.values(), key=lambda u: u.first_seen)
    comparisons: list[Comparison] = []
    sequences: dict[tuple[str, str], SequentialResult] = {}
    control_units = [u for u in arrival if u.variant == control]
    for treatment in order[1:]:
        pair = [u for u in arrival if u.variant in (control, treatment)]
        treated = np.array([u.variant == treatment for u in pair], dtype=bool)
        for metric, kind in BINARY_METRICS.items():
            outcome = np.array([1.0 if u.counts.get(kind) else 0.0 for u in pair])
            k1, n1 = int(outcome[treated].sum()), int(treated.sum())
            k0, n0 = int(outcome[~treated].sum()), len(control_units)
            fixed = compare_proportions(k1, n1, k0, n0, alpha=alpha)
            seq = sequential_two_proportions(treated, outcome, alpha=alpha, tau=tau, min_units=min_units)
            sequences[(treatment, metric)] = seq
            comparisons.append(
                Comparison(
                    variant=treatment,
                    metric=metric,
                    difference=fixed.difference if fixed else 0.0,
                    fixed_low=fixed.interval.low if fixed else -1.0,
                    fixed_high=fixed.interval.high if fixed else 1.0,
                    fixed_p_value=fixed.p_value if fixed else 1.0,
                    always_valid_p_value=seq.p_value,
                    sequence_low=seq.interval.low,
                    sequence_high=seq.interval.high,
                    significant=seq.p_value <= alpha,
                    first_significant_at_units=seq.rejected_at,
                )
            )
    if any(len(s.looks) == 0 for s in sequences.values()):
        notes.append(f"the sequential test looks only once each arm has {min_units} units")
    report = ExperimentReport(
        experiment=experiment,
        control=control,
        since=since,
        alpha=alpha,
        tau=tau,
        impressions_from="impression events" if has_impressions else "served lists",
        variants=metrics,
        comparisons=comparisons,
        sample_ratio_p_value=_sample_ratio(metrics, weights),
        notes=notes,
    )
    return ReportData(report, sequences)


def _variant_metrics(variant: str, units: list[_Unit], has_impressions: bool) -> VariantMetrics:
    shown = np.array(
        [u.counts.get("impression", 0) if has_impressions else u.shown for u in units], dtype=float
    )
    clicks = np.array([u.counts.get("click", 0) for u in units], dtype=float)
    n = len(units)

    def share(kind: str) -> Rate:
        k = sum(1 for u in units if u.counts.get(kind))
        ci = wilson(k, n)
        return Rate(value=k / n if n else 0.0, low=ci.low, high=ci.high)

    ctr_ci = ratio_interval(clicks, shown)
    return VariantMetrics(
        variant=variant,
        units=n,
        turns=sum(u.turns for u in units),
        impressions=int(shown.sum()),
        clicks=int(clicks.sum()),
        add_to_carts=sum(u.counts.get("add_to_cart", 0) for u in units),
        purchases=sum(u.counts.get("purchase", 0) for u in units),
        revenue=round(sum(u.revenue for u in units), 2),
        ctr=Rate(
            value=float(clicks.sum() / shown.sum()) if shown.sum() else 0.0, low=ctr_ci.low, high=ctr_ci.high
        ),
        click_through=share("click"),
        add_to_cart_rate=share("add_to_cart"),
        conversion=share("purchase"),
    )


def _sample_ratio(metrics: list[VariantMetrics], weights: Mapping[str, float] | None) -> float | None:
    if not weights or len(metrics) < 2 or any(m.variant not in weights for m in metrics):
        return None
    observed = np.array([m.units for m in metrics], dtype=float)
    if observed.sum() == 0:
        return None
    from scipy.stats import chisquare

    expected = np.array([weights[m.variant] for m in metrics], dtype=float)
    expected = expected / expected.sum() * observed.sum()
    return float(chisquare(observed, expected).pvalue)


def _pct(rate: Rate) -> str:
    return f"{rate.value:.2%} [{rate.low:.2%}, {rate.high:.2%}]"


def render_markdown(report: ExperimentReport) -> str:
    """The report as markdown: one table per-variant, one of comparisons with the control."""
    lines = [
        f"# Experiment `{report.experiment}`",
        "",
        f"Generated {report.generated_at:%Y-%m-%d %H:%M} UTC"
        + (f", events since {report.since:%Y-%m-%d %H:%M}" if report.since else "")
        + f". Control: `{report.control}`. Unit: shopper (else session). Impressions from {report.impressions_from}.",
        "",
        "| variant | units | turns | impressions | clicks | add-to-cart | purchases | revenue | CTR | click-through | add-to-cart rate | conversion |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|---|---|---|",
    ]
    for m in report.variants:
        lines.append(
            f"| {m.variant} | {m.units} | {m.turns} | {m.impressions} | {m.clicks} | {m.add_to_carts} | "
            f"{m.purchases} | {m.revenue:.2f} | {_pct(m.ctr)} | {_pct(m.click_through)} | "
            f"{_pct(m.add_to_cart_rate)} | {_pct(m.conversion)} |"
        )
    if report.comparisons:
        lines += [
            "",
            f"Treatment − control (95% intervals; alpha {report.alpha}). *Fixed*: Newcombe interval and score "
            "test, valid for one look at a pre-set horizon. *Always valid*: mSPRT p-value and confidence "
            f"sequence (tau {report.tau}), valid however often this report is run.",
            "",
            "| variant | metric | difference | fixed interval | fixed p | always-valid p | confidence sequence | significant (always valid) |",
            "|---|---|---:|---|---:|---:|---|---|",
        ]
        for c in report.comparisons:
            at = f" (at {c.first_significant_at_units} units)" if c.first_significant_at_units else ""
            lines.append(
                f"| {c.variant} | {_LABELS[c.metric]} | {c.difference:+.2%} | [{c.fixed_low:+.2%}, {c.fixed_high:+.2%}] | "
                f"{c.fixed_p_value:.4f} | {c.always_valid_p_value:.4f} | [{c.sequence_low:+.2%}, {c.sequence_high:+.2%}] | "
                f"{'yes' + at if c.significant else 'no'} |"
            )
    if report.sample_ratio_p_value is not None:
        flag = (
            " — **sample ratio mismatch: check the assignment**"
            if report.sample_ratio_p_value < 0.001
            else ""
        )
        lines += [
            "",
            f"Sample ratio check (units vs weights): chi-square p = {report.sample_ratio_p_value:.4f}{flag}",
        ]
    lines += [f"- {n}" for n in report.notes]
    return "\n".join(lines) + "\n"


def write_report(data: ReportData, out_dir: Path) -> list[Path]:
    """``report.md``, ``report.json``, ``rates.png`` and ``sequential.png`` in ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = [out_dir / "report.md", out_dir / "report.json"]
    written[0].write_text(render_markdown(data.report), encoding="utf-8")
    written[1].write_text(json.dumps(data.report.model_dump(mode="json"), indent=2) + "\n", encoding="utf-8")
    written.append(_plot_rates(data.report, out_dir / "rates.png"))
    if data.sequences:
        written.append(_plot_sequences(data, out_dir / "sequential.png"))
    return written


def _plot_rates(report: ExperimentReport, path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = ["ctr", *BINARY_METRICS]
    fig, axes = plt.subplots(1, len(names), figsize=(4 * len(names), 3.4))
    for ax, name in zip(axes, names, strict=True):
        rates = [getattr(m, name) for m in report.variants]
        values = [r.value for r in rates]
        errors = [[r.value - r.low for r in rates], [r.high - r.value for r in rates]]
        ax.bar([m.variant for m in report.variants], values, yerr=errors, capsize=4, color="#4C72B0")
        ax.set_title(_LABELS[name], fontsize=9)
        ax.yaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    fig.suptitle(f"{report.experiment}: rates with 95% intervals", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _plot_sequences(data: ReportData, path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    keys = list(data.sequences)
    fig, axes = plt.subplots(2, len(keys), figsize=(3.6 * len(keys), 5.6), squeeze=False)
    alpha = data.report.alpha
    for col, key in enumerate(keys):
        seq = data.sequences[key]
        top, bottom = axes[0][col], axes[1][col]
        top.set_title(f"{key[0]}: {_LABELS[key[1]]}", fontsize=8)
        if len(seq.looks):
            top.plot(seq.looks, seq.p_values, color="#C44E52")
            bottom.fill_between(seq.looks, seq.lows, seq.highs, color="#55A868", alpha=0.4)
        top.axhline(alpha, ls="--", color="grey", lw=1)
        top.set_yscale("log")
        top.set_ylabel("always-valid p", fontsize=8)
        bottom.axhline(0, color="grey", lw=1)
        bottom.set_ylabel("difference (conf. sequence)", fontsize=8)
        bottom.set_xlabel("units", fontsize=8)
    fig.suptitle(f"{data.report.experiment}: sequential test vs control", fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path

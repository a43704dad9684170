"""Query encoder benchmark: torch vs ONNX Runtime fp32 vs ONNX Runtime dynamic int8 for all-MiniLM-L6-v2.

Not a test. Measures, in one process on this machine:

- agreement with torch: cosine between each backend's vector and torch's for the first ``--titles``
  ESCI product titles and every judged ESCI query (min / mean);
- dense top-100 overlap with torch on the ESCI dev queries: the documents are the torch vectors of
  every ESCI product title (exact cosine search), so only the query encoder differs;
- encode latency: one query at a time (p50/p95 over the judged queries) at 1 and 2 threads, and
  batches of 32 queries.

Exports go to ``--data-dir`` (``<data-dir>/models``, as the server does). Prints a Markdown table and
writes the numbers as JSON to ``--json``. Hold the shared lock when the timings matter:

    flock /tmp/aisle-bench.lock .venv/bin/python benchmarks/query_encoder.py --json /tmp/qe.json
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import numpy as np

from eval.esci import DEFAULT_ESCI_DIR, load_esci
from retrieval.embed import Embedder, SentenceTransformerEmbedder
from retrieval.onnx_embed import OnnxEmbedder


def _titles(directory: Path) -> list[str]:
    titles: list[str] = []
    with (directory / "products.ndjson").open(encoding="utf-8") as feed:
        for line in feed:
            record = json.loads(line)
            if "title" in record:
                titles.append(str(record["title"]))
    return titles


def _percentile(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def _set_threads(encoder: Embedder, threads: int) -> Embedder:
    if isinstance(encoder, SentenceTransformerEmbedder):
        import torch

        torch.set_num_threads(threads)
        return encoder
    assert isinstance(encoder, OnnxEmbedder)
    fresh = OnnxEmbedder(encoder.directory.parents[1], variant=encoder.variant, threads=threads)
    fresh.embed_query("warm up")
    return fresh


def _latency(encoder: Embedder, queries: list[str], batches: list[list[str]]) -> dict[str, float]:
    single: list[float] = []
    for text in queries:
        started = time.perf_counter()
        encoder.embed_query(text)
        single.append((time.perf_counter() - started) * 1000)
    batched: list[float] = []
    for batch in batches:
        started = time.perf_counter()
        encoder.embed_documents(batch)
        batched.append((time.perf_counter() - started) * 1000)
    return {
        "single_p50_ms": _percentile(single, 50),
        "single_p95_ms": _percentile(single, 95),
        "batch32_p50_ms": _percentile(batched, 50),
        "batch32_p95_ms": _percentile(batched, 95),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=Path("/tmp/aisle-query-encoder"))
    parser.add_argument("--esci", type=Path, default=DEFAULT_ESCI_DIR)
    parser.add_argument("--titles", type=int, default=1000)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()

    titles = _titles(args.esci)
    every_query = [q.text for q in load_esci(args.esci, "all").queries]
    dev_queries = [q.text for q in load_esci(args.esci, "dev").queries]

    torch_encoder = SentenceTransformerEmbedder(threads=2)
    encoders: dict[str, Embedder] = {
        "torch": torch_encoder,
        "onnx": OnnxEmbedder(args.data_dir, variant="fp32", threads=2),
        "onnx-int8": OnnxEmbedder(args.data_dir, variant="int8", threads=2),
    }
    started = time.perf_counter()
    documents = torch_encoder.embed_documents(titles)
    print(f"{len(titles)} titles embedded by torch in {time.perf_counter() - started:.1f} s")
    reference_titles = documents[: args.titles]
    reference_queries = torch_encoder.embed_documents(every_query)
    reference_dev = torch_encoder.embed_documents(dev_queries)
    reference_top = np.argsort(-(reference_dev @ documents.T), axis=1)[:, :100]

    report: dict[str, dict[str, object]] = {}
    for name, encoder in encoders.items():
        started = time.perf_counter()
        encoder.embed_query("warm up")  # the export happens here the first time
        row: dict[str, object] = {"load_s": round(time.perf_counter() - started, 1)}
        title_vectors = encoder.embed_documents(titles[: args.titles])
        query_vectors = encoder.embed_documents(every_query)
        cos_titles = np.sum(title_vectors * reference_titles, axis=1)
        cos_queries = np.sum(query_vectors * reference_queries, axis=1)
        both = np.concatenate([cos_titles, cos_queries])
        dev_vectors = encoder.embed_documents(dev_queries)
        top = np.argsort(-(dev_vectors @ documents.T), axis=1)[:, :100]
        overlap = [len(set(a) & set(b)) / 100 for a, b in zip(top, reference_top, strict=True)]
        norms = np.linalg.norm(query_vectors, axis=1)
        row.update(
            {
                "dtype": str(query_vectors.dtype),
                "dim": int(query_vectors.shape[1]),
                "norm_max_error": float(np.max(np.abs(norms - 1.0))),
                "cos_min": float(both.min()),
                "cos_mean": float(both.mean()),
                "cos_titles_min": float(cos_titles.min()),
                "cos_queries_min": float(cos_queries.min()),
                "dev_recall100_vs_torch_mean": statistics.fmean(overlap),
                "dev_recall100_vs_torch_min": min(overlap),
            }
        )
        batches = [every_query[i : i + 32] for i in range(0, len(every_query) - 31, 8)]
        for threads in (1, 2):
            timed = _set_threads(encoder, threads)
            row[f"threads{threads}"] = _latency(timed, every_query, batches)
        report[name] = row
        print(name, json.dumps(row))

    print()
    print(
        f"| backend | cosine vs torch min / mean ({args.titles} titles + {len(every_query)} queries) "
        f"| dev top-100 overlap vs torch mean / min ({len(dev_queries)} queries) "
        "| 1 query p50 / p95 ms, 1 thread | 2 threads | 32 queries p50 / p95 ms, 1 thread | 2 threads |"
    )
    print("|---|---|---|---|---|---|---|")
    for name, row in report.items():
        t1, t2 = row["threads1"], row["threads2"]
        assert isinstance(t1, dict) and isinstance(t2, dict)
        print(
            f"| {name} | {row['cos_min']:.5f} / {row['cos_mean']:.5f} "
            f"| {row['dev_recall100_vs_torch_mean']:.3f} / {row['dev_recall100_vs_torch_min']:.2f} "
            f"| {t1['single_p50_ms']:.1f} / {t1['single_p95_ms']:.1f} | {t2['single_p50_ms']:.1f} / "
            f"{t2['single_p95_ms']:.1f} | {t1['batch32_p50_ms']:.0f} / {t1['batch32_p95_ms']:.0f} "
            f"| {t2['batch32_p50_ms']:.0f} / {t2['batch32_p95_ms']:.0f} |"
        )
    if args.json is not None:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()

"""One-off profile of ``Searcher.search`` on a bench catalog (``aisle bench gen``), loaded as the scale bench loads it.

Run under the bench lock and py-spy, then aggregate the samples under ``Searcher.search``::

    flock /tmp/aisle-bench.lock py-spy record -r 50 -f raw -o search.folded -- \\
        python benchmarks/profile_search_scale.py 1000000 40

Prints each filter's stage p50 ms. There is no IVF warm-up (unlike ``aisle bench retrieval-scale``), so the
first filter shows what a freshly started process pays until the mapped IVF file is in memory.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from threadpoolctl import threadpool_limits

from assistant.settings import get_settings
from eval.scale_bench import FILTER_NAMES
from eval.synthetic_catalog import SyntheticEmbedder, synthetic_queries
from retrieval.catalog import Product, norm
from retrieval.components import open_catalog
from retrieval.filters import Filters
from retrieval.search import Searcher, SearchRequest


def _filters(name: str, product: Product) -> Filters:
    level = product.category[1] if len(product.category) > 1 else product.category[0]
    return {
        "none": Filters(),
        "price < 100": Filters(price_max=100),
        "brand =": Filters(brands=[norm(product.brand or "")]),
        "price and category": Filters(price_max=100, categories=[norm(level)]),
    }[name]


def main(n: int, count: int) -> None:
    threadpool_limits(limits=1, user_api="blas")
    data = Path(f"/tmp/aisle-scale-catalogs/n{n}")
    settings = get_settings().model_copy(
        update={"data_dir": data, "chroma_url": None, "catalog_refresh_s": 3600.0}
    )
    searcher = Searcher(open_catalog(settings, embedder=SyntheticEmbedder()))
    started = time.perf_counter()
    snap = searcher.snapshot()
    print("loaded", round(time.perf_counter() - started, 1), flush=True)
    asked = synthetic_queries(snap.products, count)
    for text, product in asked[:3]:
        searcher.search(SearchRequest(query=text, filters=_filters("none", product)))
    for name in FILTER_NAMES:
        stages: dict[str, list[float]] = {}
        for text, product in asked:
            result = searcher.search(SearchRequest(query=text, filters=_filters(name, product)))
            for stage, ms in result.timings_ms.items():
                stages.setdefault(stage, []).append(ms)
        print(name, {k: round(sorted(v)[len(v) // 2], 1) for k, v in stages.items()}, flush=True)


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))

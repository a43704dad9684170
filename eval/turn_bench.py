"""The turn benchmark: the pipeline's own latency before the LLM is called, on the ESCI catalog.

For every ESCI query (a fresh session each), one real turn runs through
:meth:`assistant.turn.Assistant.chat` with the real MiniLM embedder, Chroma, BM25 and ranker. The
chat model is a stand-in that notes the moment it is first called and answers at once, so what is
measured is Aisle's own work: plan + retrieve + rank + prompt build (time to the first LLM call),
and the time to the ``products`` event. LLM time is the backend's and is measured by its own bench.
"""

from __future__ import annotations

import json
import tempfile
import time
from pathlib import Path

from pydantic import BaseModel

from eval.esci import DEFAULT_ESCI_DIR, load_esci
from eval.metrics import percentile
from eval.retrieval_bench import DEFAULT_BENCH_DIR, open_esci_catalog

__all__ = ["TurnBench", "run_turn_bench"]

P50_TARGET_MS = 60.0
P95_TARGET_MS = 150.0
PLAN_P95_TARGET_MS = 20.0
EXPLAIN_P95_TARGET_MS = 10.0


class TurnBench(BaseModel):
    dataset: str
    n_turns: int
    to_first_llm_call_ms_p50: float
    to_first_llm_call_ms_p95: float
    to_products_ms_p50: float
    to_products_ms_p95: float
    stage_ms_p50: dict[str, float]
    stage_ms_p95: dict[str, float] = {}
    compose_verify_ms_p50: float = 0.0
    compose_verify_ms_p95: float = 0.0
    plan_target_p95_ms: float = PLAN_P95_TARGET_MS
    explain_target_p95_ms: float = EXPLAIN_P95_TARGET_MS
    target_p50_ms: float = P50_TARGET_MS
    target_p95_ms: float = P95_TARGET_MS
    passed: bool


def run_turn_bench(
    data_dir: Path = DEFAULT_BENCH_DIR, dataset_dir: Path = DEFAULT_ESCI_DIR, *, limit: int | None = None
) -> TurnBench:
    from assistant.claims import verify_reason
    from assistant.compose import compose_reason
    from assistant.llm.fake import FakeChatModel
    from assistant.schemas import ChatRequest, PlanEvent, ProductsEvent, RecommendationsEvent
    from assistant.turn import build_assistant

    queries = [q.text for q in load_esci(dataset_dir, "all").queries][:limit]
    catalog = open_esci_catalog(data_dir, dataset_dir=dataset_dir)
    first_call: list[float] = []

    def reply(messages: list) -> str:
        first_call.append(time.perf_counter())
        return json.dumps({"ranking": []})

    to_llm: list[float] = []
    to_products: list[float] = []
    compose_verify: list[float] = []
    stages: dict[str, list[float]] = {}
    with tempfile.TemporaryDirectory(prefix="aisle-turn-bench-") as tmp:
        settings = catalog.settings.model_copy(
            update={"data_dir": Path(tmp), "llm": "openai", "llm_rerank": "on", "llm_plan": "off"}
        )
        model = FakeChatModel(default_reply="ok")
        assistant = build_assistant(settings, chat_model=model, catalog=catalog)
        list(assistant.chat(ChatRequest(message="warm up the caches")))  # loads the snapshot and models
        for query in queries:
            first_call.clear()
            model.add(reply)
            started = time.perf_counter()
            products_at = None
            plan = None
            shown = []
            for event in assistant.chat(ChatRequest(message=query)):
                if isinstance(event, ProductsEvent) and products_at is None:
                    products_at = time.perf_counter()
                if isinstance(event, PlanEvent):
                    plan = event.plan
                if isinstance(event, RecommendationsEvent):
                    shown = [r.product.id for r in event.recommendations]
                if event.type == "done":
                    for stage, ms in event.timings_ms.items():
                        stages.setdefault(stage, []).append(ms)
            if plan is not None and shown:
                # The fact composer and the claim verifier on this turn's shown products (what the
                # embedded default runs instead of a model): one composed, verified reason each.
                products = list(catalog.store.get_many(shown).values())
                schema = assistant.schema
                vocabulary = assistant.vocabulary
                start = time.perf_counter()
                for product in products:
                    reason = compose_reason(product, plan, products, schema)
                    verify_reason(
                        reason, product, shown=products, filters=plan.filters, vocabulary=vocabulary
                    )
                compose_verify.append((time.perf_counter() - start) * 1000)
            if products_at is not None and first_call:
                to_products.append((products_at - started) * 1000)
                to_llm.append((first_call[0] - started) * 1000)
        assistant.store.close()
    catalog.close()
    p50, p95 = percentile(to_llm, 50), percentile(to_llm, 95)
    return TurnBench(
        dataset=str(dataset_dir),
        n_turns=len(to_llm),
        to_first_llm_call_ms_p50=round(p50, 1),
        to_first_llm_call_ms_p95=round(p95, 1),
        to_products_ms_p50=round(percentile(to_products, 50), 1),
        to_products_ms_p95=round(percentile(to_products, 95), 1),
        stage_ms_p50={k: round(percentile(v, 50), 2) for k, v in sorted(stages.items()) if v},
        stage_ms_p95={k: round(percentile(v, 95), 2) for k, v in sorted(stages.items()) if v},
        compose_verify_ms_p50=round(percentile(compose_verify, 50), 2) if compose_verify else 0.0,
        compose_verify_ms_p95=round(percentile(compose_verify, 95), 2) if compose_verify else 0.0,
        passed=p50 <= P50_TARGET_MS
        and p95 <= P95_TARGET_MS
        and percentile(stages.get("plan", [0.0]), 95) <= PLAN_P95_TARGET_MS
        and (percentile(compose_verify, 95) if compose_verify else 0.0) <= EXPLAIN_P95_TARGET_MS,
    )

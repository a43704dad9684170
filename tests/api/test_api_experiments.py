"""Experiments on the real core (hash embedder, fake LLM, a slice of the demo catalog): a variant's
setting overrides change the turn it runs, and its assignments travel with the served list."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from http_support import make_settings, write_small_catalog

from assistant.api import create_app
from assistant.experiments import assign, assignment_unit, load_experiments
from assistant.settings import Settings

SHOP = {"Authorization": "Bearer sk-shop"}
EXPERIMENTS = """
experiments:
  - name: shortlist
    variants:
      - {name: control, weight: 1}
      - name: two
        weight: 1
        overrides: {recommendations: 2, rrf_k: 10, mmr_lambda: 0.6, ranker: rrf}
  - name: paused
    enabled: false
    variants: [{name: only}]
"""


@pytest.fixture(scope="module")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("exp")
    (root / "experiments.yaml").write_text(EXPERIMENTS)
    return make_settings(
        root / "data",
        api_keys={"sk-shop": "storefront"},
        rate_limit_per_minute=0,
        experiments=root / "experiments.yaml",
    )


@pytest.fixture(scope="module")
def client(settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    from assistant.turn import build_assistant
    from retrieval.ingest import ingest_feed

    assistant = build_assistant(settings)
    feed = write_small_catalog(tmp_path_factory.mktemp("feed") / "small.jsonl")
    assert ingest_feed(assistant.catalog, feed).added > 0
    with TestClient(create_app(settings, assistant=assistant)) as c:
        yield c
    assistant.store.close()
    assistant.catalog.close()


def _shopper_in(settings: Settings, variant: str) -> str:
    config = load_experiments(settings.experiments)
    for i in range(100):
        if assign(config.running, assignment_unit(f"s{i}", "any"))["shortlist"] == variant:
            return f"s{i}"
    raise AssertionError("no shopper found")


def test_each_variant_runs_with_its_overrides(client: TestClient, settings: Settings) -> None:
    store = client.app.state.assistant.store  # type: ignore[attr-defined]
    shown: dict[str, int] = {}
    for variant in ("control", "two"):
        shopper = _shopper_in(settings, variant)
        r = client.post("/v1/chat", json={"message": "a dishwasher", "shopper_id": shopper}, headers=SHOP)
        assert r.status_code == 200, r.text
        turn = r.json()
        shown[variant] = len(turn["recommendations"])
        served = store.served_turns([turn["turn_id"]])[turn["turn_id"]]
        assert served.assignments == {"shortlist": variant}  # the disabled experiment assigns nothing
        assert served.product_ids == [x["product"]["id"] for x in turn["recommendations"]]
    assert shown["two"] == 2 and shown["control"] > 2


def test_the_tuned_searcher_applies_the_variant_settings(client: TestClient, settings: Settings) -> None:
    from assistant.experiments.variants import TunedSearcher, VariantAssistants
    from retrieval.rank import FusionRanker
    from retrieval.search import SearchRequest

    base = client.app.state.assistant  # type: ignore[attr-defined]
    variants = VariantAssistants(base, load_experiments(settings.experiments))
    assert variants.assistant_for({"shortlist": "control"}) is base
    two = variants.assistant_for({"shortlist": "two"})
    assert two is variants.assistant_for({"shortlist": "two"})  # built once
    assert two.settings.recommendations == 2 and two.store is base.store and two.catalog is base.catalog
    assert isinstance(two.searcher, TunedSearcher) and isinstance(two.searcher.ranker, FusionRanker)
    assert two.searcher.snapshot() is base.searcher.snapshot()
    seen: list[SearchRequest] = []
    original = TunedSearcher.__mro__[1].search

    def spy(self: object, request: SearchRequest) -> object:
        seen.append(request)
        return original(self, request)  # type: ignore[arg-type]

    TunedSearcher.__mro__[1].search = spy  # type: ignore[method-assign]
    try:
        two.searcher.search(SearchRequest(query="dishwasher"))
    finally:
        TunedSearcher.__mro__[1].search = original  # type: ignore[method-assign]
    assert (seen[0].rrf_k, seen[0].mmr_lambda) == (10, 0.6)


def test_assignment_is_deterministic_and_follows_the_weights(tmp_path: Path) -> None:
    path = tmp_path / "e.yaml"
    path.write_text(
        "experiments:\n"
        "  - {name: a, variants: [{name: x, weight: 1}, {name: y, weight: 3}]}\n"
        "  - {name: b, variants: [{name: p}, {name: q}]}\n"
    )
    config = load_experiments(path)
    units = [assignment_unit(None, f"session-{i}") for i in range(8000)]
    first = [assign(config.running, u) for u in units]
    assert first == [assign(config.running, u) for u in units]
    share_y = sum(a["a"] == "y" for a in first) / len(first)
    assert 0.72 < share_y < 0.78
    # independent across experiments: b's split is the same inside each of a's variants
    for v in ("x", "y"):
        inside = [a["b"] for a in first if a["a"] == v]
        assert 0.46 < inside.count("p") / len(inside) < 0.54
    assert assignment_unit("alice", "s1") == assignment_unit("alice", "s2")


def test_an_llm_backend_variant_gets_its_own_model_and_breaker(client: TestClient, tmp_path: Path) -> None:
    from assistant.experiments.variants import VariantAssistants

    path = tmp_path / "llm.yaml"
    path.write_text(
        "experiments:\n  - name: llm\n    variants:\n"
        "      - {name: control}\n      - {name: realistic, overrides: {fake_script: realistic}}\n"
    )
    base = client.app.state.assistant  # type: ignore[attr-defined]
    other = VariantAssistants(base, load_experiments(path)).assistant_for({"llm": "realistic"})
    assert other.settings.fake_script == "realistic" and other.chat_model is not base.chat_model
    assert other.llm_circuit is not base.llm_circuit and other.searcher is base.searcher

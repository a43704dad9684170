"""The learned ranker: one feature function for train and serve, the artifact, fusion, MMR and dedupe."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from assistant.errors import ConfigurationError
from assistant.settings import Settings
from eval.esci import EsciDataset, EsciQuery
from eval.ranker_training import collect_training_set, cross_validate, grade
from retrieval.components import Catalog
from retrieval.diversity import dedupe_variants, intra_list_diversity, mmr
from retrieval.features import FEATURE_NAMES
from retrieval.fusion import rrf
from retrieval.rank import (
    FusionRanker,
    LightGBMRanker,
    RankerManifest,
    default_model_path,
    fit_lambdarank,
    make_ranker,
    save_ranker,
)
from retrieval.search import Searcher, SearchRequest
from tests.search_support import generated_products, make_catalog

QUERIES = ["wireless headphones", "coffee grinder", "yoga mat", "running shoes", "acme budget"]


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    with make_catalog(tmp_path, generated_products()) as opened:
        yield opened


def _dataset() -> EsciDataset:
    queries = []
    for text in QUERIES:
        words = text.split()
        gains = {
            p.id: (
                1.0
                if all(w in p.title.lower() for w in words)
                else 0.1
                if words[0] in p.title.lower()
                else 0.0
            )
            for p in generated_products()
        }
        queries.append(EsciQuery(text=text, gains={k: v for k, v in gains.items() if v > 0}))
    return EsciDataset(directory=Path("."), split="dev", queries=queries)


def test_features_are_identical_in_training_and_serving(catalog: Catalog) -> None:
    searcher = Searcher(catalog, ranker=FusionRanker())
    data = collect_training_set(searcher, _dataset())
    for q, text in enumerate(QUERIES):
        served = searcher.search(SearchRequest(query=text, k=20, mode="hybrid+ranker", include_features=True))
        assert served.candidates
        rows = {pid: data.features[q][i] for i, pid in enumerate(data.ids[q])}
        for candidate in served.candidates:
            assert candidate.features is not None
            assert list(candidate.features) == list(FEATURE_NAMES)
            np.testing.assert_array_equal(
                np.array(list(candidate.features.values()), dtype=np.float32), rows[candidate.product_id]
            )


def test_grades_follow_esci_gains() -> None:
    assert [grade(g) for g in (1.0, 0.1, 0.01, 0.0)] == [3, 2, 1, 0]


def test_trained_model_round_trips_and_ranks(catalog: Catalog, tmp_path: Path) -> None:
    searcher = Searcher(catalog, ranker=FusionRanker())
    data = collect_training_set(searcher, _dataset())
    x, y, groups = data.stack(range(len(QUERIES)))
    params = {"num_leaves": 3, "min_data_in_leaf": 2, "learning_rate": 0.3}
    booster = fit_lambdarank(x, y, groups, params, num_boost_round=20)
    path = tmp_path / "models" / "ranker.txt"
    save_ranker(
        booster, path, RankerManifest(feature_names=list(FEATURE_NAMES), num_trees=booster.num_trees())
    )
    ranker = LightGBMRanker(path)
    scores = ranker.score(x)
    np.testing.assert_allclose(scores, booster.predict(x), rtol=1e-6)
    learned = Searcher(catalog, ranker=ranker).search(
        SearchRequest(query="coffee grinder", k=5, mode="hybrid+ranker")
    )
    assert learned.candidates[0].ranker == pytest.approx(max(c.ranker or 0 for c in learned.candidates))
    results = cross_validate(data, [(params, 10)], folds=2)
    assert 0.0 <= results[0].ndcg_10 <= 1.0 and len(results[0].fold_ndcg_10) == 2


def test_a_model_for_other_features_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ranker.txt"
    path.write_text("tree\n")
    path.with_suffix(".json").write_text(json.dumps({"feature_names": ["a", "b"]}))
    with pytest.raises(ConfigurationError, match="other features"):
        LightGBMRanker(path).score(np.zeros((1, 2), dtype=np.float32))
    with pytest.raises(ConfigurationError, match="aisle ranker train"):
        LightGBMRanker(tmp_path / "missing.txt").score(np.zeros((1, len(FEATURE_NAMES))))


def test_the_shipped_model_ranks_without_training() -> None:
    path = default_model_path()
    assert path.exists(), "retrieval/models/ranker.txt must ship with the package"
    ranker = LightGBMRanker()
    assert ranker.manifest().feature_names == list(FEATURE_NAMES)
    scores = ranker.score(np.zeros((3, len(FEATURE_NAMES)), dtype=np.float32))
    assert scores.shape == (3,)


def test_make_ranker_picks_the_adapter(tmp_path: Path) -> None:
    assert isinstance(make_ranker(Settings(_env_file=None, ranker="rrf")), FusionRanker)  # type: ignore[call-arg]
    assert isinstance(make_ranker(Settings(_env_file=None)), LightGBMRanker)  # type: ignore[call-arg]


def test_fusion_ranker_reproduces_rrf_order(catalog: Catalog) -> None:
    searcher = Searcher(catalog, ranker=FusionRanker())
    hybrid = searcher.search(SearchRequest(query="wireless headphones", k=10, mode="hybrid"))
    ranked = searcher.search(SearchRequest(query="wireless headphones", k=10, mode="hybrid+ranker"))
    assert ranked.ids == hybrid.ids


def test_rrf_by_hand() -> None:
    scores = rrf([["a", "b", "c"], ["b", "d"]], k=60)
    assert scores["a"] == pytest.approx(1 / 61)
    assert scores["b"] == pytest.approx(1 / 62 + 1 / 61)
    assert scores["d"] == pytest.approx(1 / 62)
    assert max(scores, key=scores.__getitem__) == "b"
    weighted = rrf([["a"], ["b"]], k=0, weights=[2.0, 1.0])
    assert weighted == {"a": 2.0, "b": 1.0}
    with pytest.raises(ValueError):
        rrf([["a"]], weights=[1.0, 2.0])


def test_mmr_orders_by_relevance_then_penalizes_near_duplicates() -> None:
    vectors = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
    relevance = np.array([1.0, 0.9, 0.5])
    assert mmr(relevance, vectors, lambda_=1.0, k=3) == [0, 1, 2]
    assert mmr(relevance, vectors, lambda_=0.5, k=3) == [0, 2, 1]
    assert mmr(relevance, vectors, lambda_=0.5, k=1) == [0]
    with pytest.raises(ValueError):
        mmr(relevance, vectors, lambda_=1.5, k=2)


def test_dedupe_and_ild() -> None:
    assert dedupe_variants(np.array([4, 4, 2, 4, 9, 2])) == [0, 2, 4]
    same = np.array([[1.0, 0.0], [1.0, 0.0]])
    apart = np.array([[1.0, 0.0], [0.0, 1.0]])
    assert intra_list_diversity(same) == pytest.approx(0.0)
    assert intra_list_diversity(apart) == pytest.approx(1.0)
    assert intra_list_diversity(apart[:1]) == 0.0


def test_a_bagged_model_is_one_booster_scoring_the_sum_of_its_seeds(catalog: Catalog, tmp_path: Path) -> None:
    searcher = Searcher(catalog, ranker=FusionRanker())
    data = collect_training_set(searcher, _dataset())
    x, y, groups = data.stack(range(len(QUERIES)))
    params = {
        "num_leaves": 3,
        "min_data_in_leaf": 2,
        "learning_rate": 0.3,
        "bagging_fraction": 0.7,
        "bagging_freq": 1,
    }
    single = [fit_lambdarank(x, y, groups, params, num_boost_round=10, seed=s) for s in (7, 8, 9)]
    bagged = fit_lambdarank(x, y, groups, {**params, "bags": 3}, num_boost_round=10, seed=7)
    assert bagged.num_trees() == sum(b.num_trees() for b in single)
    np.testing.assert_allclose(bagged.predict(x), sum(b.predict(x) for b in single), rtol=1e-6, atol=1e-9)
    path = tmp_path / "ranker.txt"
    save_ranker(bagged, path, RankerManifest(feature_names=list(FEATURE_NAMES), num_trees=bagged.num_trees()))
    np.testing.assert_allclose(LightGBMRanker(path).score(x), bagged.predict(x), rtol=1e-6, atol=1e-9)

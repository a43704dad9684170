"""Search: hard filters inside retrieval, unknown filter values, incremental BM25, diversity, profiles."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np
import pytest

from retrieval.catalog import Product, index_metadata
from retrieval.components import Catalog
from retrieval.filters import Filters, matches, matches_metadata
from retrieval.ingest import ingest_products
from retrieval.profile import ShopperProfile
from retrieval.rank import FusionRanker
from retrieval.search import Searcher, SearchMode, SearchRequest
from tests.search_support import BRANDS, COLORS, generated_products, make_catalog, variant_products

MODES: tuple[SearchMode, ...] = ("bm25", "dense", "hybrid", "hybrid+ranker", "hybrid+ranker+mmr")
TIGHT = Filters(brands=["acme"], colors=["red"], price_max=20)


@pytest.fixture
def catalog(tmp_path: Path) -> Catalog:
    with make_catalog(tmp_path, generated_products()) as opened:
        yield opened


@pytest.fixture
def searcher(catalog: Catalog) -> Searcher:
    return Searcher(catalog, ranker=FusionRanker())


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("depth", [1, 2, 5, 200])
def test_hard_filters_hold_at_any_depth(searcher: Searcher, mode: SearchMode, depth: int) -> None:
    products = {p.id: p for p in generated_products()}
    result = searcher.search(
        SearchRequest(query="wireless headphones", filters=TIGHT, depth=depth, k=50, mode=mode)
    )
    assert result.total_matching == 3
    assert result.candidates, "a filtered search must still find the matching products"
    for candidate in result.candidates:
        assert matches(products[candidate.product_id], TIGHT), candidate.product_id
    assert len(result.candidates) <= max(depth, 1) * 2


def test_filtered_set_smaller_than_depth_is_returned_whole(searcher: Searcher) -> None:
    # Most of the catalog is about headphones from other brands; the filter keeps 3 Acme products,
    # of which only one is a headphone. Post-filtering a top-k cut would lose the other two.
    result = searcher.search(SearchRequest(query="wireless headphones", filters=TIGHT, k=10, mode="hybrid"))
    assert sorted(result.ids) == ["acme0", "acme1", "acme2"]
    assert result.ids[0] == "acme0"
    assert "acme-noprice" not in result.ids  # an unknown price never passes a price cap


def test_numbers_compare_as_numbers(searcher: Searcher) -> None:
    result = searcher.search(
        SearchRequest(query="acme", filters=Filters(brands=["acme"], price_min=10.5), k=10)
    )
    assert sorted(result.ids) == ["acme1", "acme2"]  # 10.99 and 11.99; 9.99 is below


def test_mask_has_the_meaning_of_matches_metadata(searcher: Searcher) -> None:
    snap = searcher.snapshot()
    rng = random.Random(5)
    checked = 0
    for _ in range(200):
        low, high = rng.choice([None, 20, 100.5]), rng.choice([None, 50, 250])
        if low is not None and high is not None and low > high:
            continue
        filters = Filters(
            price_min=low,
            price_max=high,
            brands=rng.sample(["acme", *BRANDS], rng.randint(0, 2)),
            exclude_brands=rng.sample(BRANDS, rng.randint(0, 1)),
            colors=rng.sample(COLORS, rng.randint(0, 2)),
            categories=rng.sample(["Electronics", "Kitchen", "Yoga", "Nope"], rng.randint(0, 2)),
            in_stock=rng.choice([None, True]),
            min_rating=rng.choice([None, 3.5]),
        )
        checked += 1
        expected = np.array(
            [matches_metadata(index_metadata(p, content_hash_value="-"), filters) for p in snap.products]
        )
        assert np.array_equal(snap.mask(filters), expected), filters
    assert checked > 100


def test_unknown_filter_values_are_reported(searcher: Searcher) -> None:
    filters = Filters(brands=["Acme", "Nonesuch"], colors=["ultraviolet"], categories=["Kitchen"])
    result = searcher.search(SearchRequest(query="grinder", filters=filters))
    reported = {(u.field, u.value) for u in result.unknown_filter_values}
    assert reported == {("brand", "nonesuch"), ("color", "ultraviolet")}
    clean = searcher.search(SearchRequest(query="grinder", filters=Filters(brands=["acme"])))
    assert clean.unknown_filter_values == []


def test_excluded_ids_never_appear(searcher: Searcher) -> None:
    first = searcher.search(SearchRequest(query="coffee grinder", k=5, mode="hybrid"))
    dropped = first.ids[:3]
    again = searcher.search(SearchRequest(query="coffee grinder", k=5, mode="hybrid", exclude_ids=dropped))
    assert not set(dropped) & set(again.ids)
    assert len(again.ids) == 5
    wider = searcher.search(SearchRequest(query="coffee grinder", k=30, mode="hybrid"))
    assert set(again.ids) <= set(wider.ids) - set(dropped)


def test_bm25_follows_incremental_ingests_and_deletes(catalog: Catalog, searcher: Searcher) -> None:
    request = SearchRequest(query="zanzibar", k=5, mode="bm25")
    assert searcher.search(request).ids == []
    new = Product(id="new1", title="Zanzibar spice grinder", brand="Acme", color="Red", price=5.0)
    ingest_products(catalog, [new])
    assert searcher.search(request).ids == ["new1"]
    assert set(catalog.lexical().ids) == set(catalog.store.hashes())
    # an update that removes the word, then a delete via sync
    ingest_products(catalog, [new.model_copy(update={"title": "Plain spice grinder"})])
    assert searcher.search(request).ids == []
    assert searcher.search(SearchRequest(query="plain spice", k=1, mode="bm25")).ids == ["new1"]
    ingest_products(catalog, generated_products(), sync=True)
    assert "new1" not in catalog.lexical().position
    assert (
        searcher.search(SearchRequest(query="plain spice grinder", k=200, mode="hybrid")).ids.count("new1")
        == 0
    )
    assert len(searcher.snapshot()) == catalog.store.count()


def test_empty_query_browses_the_filtered_catalog_by_popularity(searcher: Searcher) -> None:
    result = searcher.search(SearchRequest(query="", filters=Filters(brands=["acme"]), k=10))
    assert set(result.ids) == {"acme0", "acme1", "acme2", "acme-noprice"}


# diversity -----------------------------------------------------------------------------------------


@pytest.fixture
def variant_searcher(tmp_path: Path) -> Searcher:
    return Searcher(make_catalog(tmp_path, variant_products()), ranker=FusionRanker())


def test_variant_dedupe_keeps_one_per_group(variant_searcher: Searcher) -> None:
    plain = variant_searcher.search(SearchRequest(query="cotton crew tee", k=10, mode="hybrid"))
    assert {"tee-red", "tee-blue", "tee-green", "tee-black"} <= set(plain.ids)
    deduped = variant_searcher.search(
        SearchRequest(query="cotton crew tee", k=10, mode="hybrid", dedupe_variants=True)
    )
    # one of each group first: red/blue share a title without color words; green/black share the
    # variant_of attribute
    families = deduped.ids[:4]
    tees = [pid for pid in families if pid.startswith("tee-")]
    assert len(tees) == 2
    assert len({"tee-red", "tee-blue"} & set(tees)) == 1
    assert len({"tee-green", "tee-black"} & set(tees)) == 1
    assert {"polo", "hoodie"} <= set(families)
    # fewer families than asked for: the other colors fill the list after them, never before
    assert sorted(deduped.ids[4:]) == sorted({"tee-red", "tee-blue", "tee-green", "tee-black"} - set(tees))
    # enough families for the list: no variant is added
    three = variant_searcher.search(
        SearchRequest(query="cotton crew tee", k=3, mode="hybrid", dedupe_variants=True)
    )
    assert len(three.ids) == 3 and len({"tee-red", "tee-blue"} & set(three.ids)) <= 1


def test_mmr_trades_relevance_for_variety(variant_searcher: Searcher) -> None:
    from retrieval.diversity import intra_list_diversity

    snap = variant_searcher.snapshot()

    def ild(ids: list[str]) -> float:
        return intra_list_diversity(snap.vectors[[snap.position[i] for i in ids]])

    base = variant_searcher.search(SearchRequest(query="globex cotton crew tee", k=3, mode="hybrid"))
    keep = variant_searcher.search(
        SearchRequest(query="globex cotton crew tee", k=3, mode="hybrid", diversify=True, mmr_lambda=1.0)
    )
    varied = variant_searcher.search(
        SearchRequest(query="globex cotton crew tee", k=3, mode="hybrid", diversify=True, mmr_lambda=0.3)
    )
    assert keep.ids == base.ids
    assert varied.ids[0] == base.ids[0]
    assert varied.ids != base.ids
    assert ild(varied.ids) > ild(base.ids)


# personalization -----------------------------------------------------------------------------------


def test_disliked_products_and_their_variants_are_dropped(variant_searcher: Searcher) -> None:
    profile = ShopperProfile(disliked_ids=["tee-red", "tee-green"])
    result = variant_searcher.search(SearchRequest(query="cotton tee", k=10, mode="hybrid", profile=profile))
    assert not {"tee-red", "tee-blue", "tee-green", "tee-black"} & set(result.ids)
    assert "polo" in result.ids


def test_affinities_and_likes_shift_the_ranking(variant_searcher: Searcher) -> None:
    request = SearchRequest(query="cotton tee", k=10, mode="hybrid", dedupe_variants=True)
    cold = variant_searcher.search(request)
    assert cold.ids.index("hoodie") < cold.ids.index("polo")

    def gap(profile: ShopperProfile) -> float:
        finals = {
            c.product_id: c.final
            for c in variant_searcher.search(request.model_copy(update={"profile": profile})).candidates
        }
        return finals["polo"] - finals["hoodie"]

    neutral = ShopperProfile(brand_affinity={"no such brand": 0.5})
    fan = ShopperProfile(brand_affinity={"INITECH": 1.0}, category_affinity={"clothing": 0.5})
    assert gap(fan) == pytest.approx(gap(neutral) + 0.2)  # brand weight; the category boost lifts both
    avoid = ShopperProfile(brand_affinity={"initech": -0.5})
    assert gap(avoid) == pytest.approx(gap(neutral) - 0.1)
    assert gap(ShopperProfile(liked_ids=["polo"])) > gap(neutral) + 0.01
    assert gap(ShopperProfile(clicked_ids=["polo"])) > gap(neutral) + 0.005
    empty = variant_searcher.search(request.model_copy(update={"profile": ShopperProfile()}))
    assert empty.ids == cold.ids


def test_soft_preferences_rank_but_never_filter(variant_searcher: Searcher) -> None:
    request = SearchRequest(query="cotton", k=10, mode="hybrid", dedupe_variants=True)
    base = variant_searcher.search(request)
    preferring = variant_searcher.search(request.model_copy(update={"preferences": ["polo shirt"]}))
    assert preferring.ids[0] == "polo"
    assert set(preferring.ids) == set(base.ids)


def test_stage_scores_and_timings_are_reported(searcher: Searcher) -> None:
    result = searcher.search(SearchRequest(query="yoga mat", k=5, mode="hybrid+ranker"))
    top = result.candidates[0]
    assert top.dense_sim is not None and top.fused is not None and top.ranker is not None
    assert top.bm25_rank == 1 or top.dense_rank == 1
    for stage in ("filter", "embed", "dense", "bm25", "fuse", "features", "rank", "total"):
        assert stage in result.timings_ms


@pytest.mark.parametrize("raw", ["44", " 44 ", "12.5", "1e3", "+5", "-3", "inf", "nan", "44 dBA", "abc", ""])
def test_attribute_bounds_mean_the_same_in_memory_and_per_product(raw: str) -> None:
    # The snapshot's numpy columns and the per-product matcher read a numeric attribute the same way.
    from retrieval.filters import NumericRange, matches
    from retrieval.snapshot import CatalogSnapshot

    product = Product(id="p", title="Thing", category=["Things"], attributes={"size": raw})
    filters = Filters(attribute_ranges={"size": NumericRange(gte=-1e9, lte=1e9)})
    snap = CatalogSnapshot([product], np.zeros((1, 4), dtype=np.float32), version=1)
    assert bool(snap.mask(filters)[0]) == matches(product, filters), raw


def test_a_catalog_whose_titles_have_no_indexable_word_still_ingests_and_searches(tmp_path) -> None:  # type: ignore[no-untyped-def]
    # "x" is a stopword-length token BM25 drops: the index has documents but no vocabulary.
    from retrieval.lexical import LexicalIndex

    index = LexicalIndex.build(["p1"], ["x"], version=1)
    assert index.search("x", 3) == [] and not index.knows("x")
    index.save(tmp_path / "lex")
    loaded = LexicalIndex.load(tmp_path / "lex")
    assert loaded is not None and loaded.ids == ["p1"] and loaded.search("x", 3) == []

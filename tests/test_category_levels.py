"""Category levels on one path: "sandals for women" is Women > … > Sandals, not sandals OR anything for
women; "and for men?" swaps the level and keeps the kind."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.plan import plan_turn
from assistant.plan.text import singular
from assistant.schemas import HistoryTurn, QueryPlan
from retrieval.catalog import Product, index_metadata
from retrieval.filters import Filters, matches, matches_metadata, to_where
from retrieval.products import Vocabulary
from retrieval.relax import LEVEL_FIELD, search_relaxed
from retrieval.schema import CatalogSchema
from retrieval.snapshot import CatalogSnapshot

_PATHS = {
    "ws": ["Clothing", "Women", "Shoes", "Sandals"],
    "wb": ["Clothing", "Women", "Shoes", "Boots"],
    "wd": ["Clothing", "Women", "Dresses"],
    "ms": ["Clothing", "Men", "Shoes", "Sandals"],
    "mp": ["Clothing", "Men", "Pants", "Dress"],
    "tn": ["Outdoor", "Camping", "Tents"],
    "sb": ["Outdoor", "Camping", "Sleeping Bags"],
}


def _products() -> list[Product]:
    out = []
    for key, path in _PATHS.items():
        for i in range(3):
            out.append(
                Product(
                    id=f"{key}{i}",
                    title=f"{' '.join(path[1:])} {i}",
                    brand="Acme" if i else "Zeta",
                    price=10.0 + 10 * i,
                    category=path,
                )
            )
    return out


@pytest.fixture(scope="module")
def products() -> list[Product]:
    return _products()


@pytest.fixture(scope="module")
def schema(products: list[Product]) -> CatalogSchema:
    return CatalogSchema.from_products(products)


@pytest.fixture(scope="module")
def vocab(products: list[Product]) -> Vocabulary:
    return Vocabulary.from_products(products)


def test_possessives_and_plural_possessives_read_as_the_plain_word() -> None:
    assert singular("women's") == singular("women") == singular("womens") == "woman"
    assert singular("mens") == singular("men's") == "man"
    assert singular("kid's") == "kid"


def test_schema_knows_which_levels_share_a_path(schema: CatalogSchema) -> None:
    assert schema.on_one_path(["women", "sandals"]) == 3
    assert schema.on_one_path(["women", "shoes"]) == 6
    assert schema.on_one_path(["women", "tents"]) == 0
    assert schema.depth("sandals", ["women"]) > schema.depth("women", ["sandals"])
    assert schema.siblings("women", "men")
    assert not schema.siblings("women", "sandals")
    assert not schema.siblings("tents", "men")


def test_levels_filter_is_all_of_everywhere(products: list[Product]) -> None:
    f = Filters(categories=["sandals"], categories_all=["Women"])
    assert f.categories_all == ["women"]
    hits = {p.id for p in products if matches(p, f)}
    assert hits == {"ws0", "ws1", "ws2"}
    # the Chroma clause and the index metadata agree
    assert all(
        matches_metadata(index_metadata(p, content_hash_value="-"), f) == (p.id in hits) for p in products
    )
    where = to_where(f)
    assert where is not None and len(where["$and"]) == 2
    snapshot = CatalogSnapshot(products, np.zeros((len(products), 4), dtype=np.float32), version=1)
    mask = snapshot.mask(f)
    assert {snapshot.ids[i] for i in mask.nonzero()[0]} == hits
    # levels alone (no kind) work too
    only_levels = Filters(categories_all=["men", "shoes"])
    assert {p.id for p in products if matches(p, only_levels)} == {"ms0", "ms1", "ms2"}


def test_a_level_nothing_meets_is_loosened_last_but_before_the_brand(products: list[Product]) -> None:
    f = Filters(categories=["boots"], categories_all=["men"], colors=["red"])
    relaxed = search_relaxed(f, lambda flt: [p for p in products if matches(p, flt)])
    assert {p.id for p in relaxed.products} == {"wb0", "wb1", "wb2"}
    assert all(r.field in ("color", LEVEL_FIELD) for r in relaxed.relaxed)
    assert any("Men" in r.asked for r in relaxed.relaxed)


def _plan(
    message: str, vocab: Vocabulary, schema: CatalogSchema, previous: QueryPlan | None = None
) -> QueryPlan:
    history = (
        [HistoryTurn(role="assistant", content="", plan=previous, shown_ids=["ws0"])] if previous else []
    )
    return plan_turn(message, history, vocab, previous=previous, schema=schema)


@pytest.mark.parametrize(
    ("message", "kind", "levels"),
    [
        ("sandals for women", ["sandals"], ["women"]),
        ("womens sandals", ["sandals"], ["women"]),
        ("women's sandals", ["sandals"], ["women"]),
        ("mens sandals", ["sandals"], ["men"]),
        ("dress pants for men", ["dress"], ["men", "pants"]),
    ],
)
def test_names_on_one_path_narrow_each_other(
    message: str, kind: list[str], levels: list[str], vocab: Vocabulary, schema: CatalogSchema
) -> None:
    plan = _plan(message, vocab, schema)
    assert plan.filters.categories == kind
    assert sorted(plan.filters.categories_all) == sorted(levels)


def test_two_kinds_on_different_paths_stay_any_of(vocab: Vocabulary, schema: CatalogSchema) -> None:
    plan = _plan("a tent and a sleeping bag", vocab, schema)
    assert set(plan.filters.categories) >= {"tents", "sleeping bags"} or plan.items
    assert plan.filters.categories_all == []


def test_a_level_alone_later_swaps_the_level_and_keeps_the_kind(
    vocab: Vocabulary, schema: CatalogSchema
) -> None:
    first = _plan("sandals for women", vocab, schema)
    second = _plan("and for men?", vocab, schema, previous=first)
    assert second.intent == "refine"
    assert second.filters.categories == ["sandals"]
    assert second.filters.categories_all == ["men"]
    assert "women" not in second.query.split()
    # a new kind that is not on the level's paths drops the level
    third = _plan("what about a tent", vocab, schema, previous=second)
    assert third.filters.categories_all == []
    assert "tents" in third.filters.categories

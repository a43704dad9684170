"""A budget said as a limit or as something done to the price ("cap it at 100", "my ceiling is 200",
"60 is the limit", "nothing north of ten bucks") is a cap; a question opening with who asks about
what was shown ("who's got the most stars")."""

from __future__ import annotations

import pytest

from assistant.plan import parse_prices, plan_turn
from assistant.plan.catalog_stage import _REFERS_TO_SHOWN
from assistant.schemas import HistoryTurn, QueryPlan
from retrieval.filters import Filters
from retrieval.products import Vocabulary
from retrieval.schema import CatalogSchema


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("cap it at 100", None, 100.0),
        ("my ceiling is 200", None, 200.0),
        ("ceiling's 120", None, 120.0),
        ("a hard cap of 80", None, 80.0),
        ("the limit is 90", None, 90.0),
        ("60 is the limit", None, 60.0),
        ("250 is my ceiling", None, 250.0),
        ("100 bucks is my cap", None, 100.0),
        ("80's my max", None, 80.0),
        ("anything that tops out at 60?", None, 60.0),
        ("keep it to 20", None, 20.0),
        ("limit it to 18", None, 18.0),
        ("nothing north of 10 bucks", None, 10.0),
        ("something south of 40", None, 40.0),
        ("north of 50", 50.0, None),
        # sizes and loads stay what they are
        ("my ceiling is 8 feet high", None, None),
        ("a 52 inch ceiling fan", None, None),
        ("it holds up to 300 lbs", None, None),
    ],
)
def test_a_limit_named_or_applied_is_a_cap(text: str, low: float | None, high: float | None) -> None:
    parsed = parse_prices(text)
    assert (parsed.price_min, parsed.price_max) == (low, high)


def test_the_limit_word_is_no_word_to_search() -> None:
    parsed = parse_prices("my ceiling is 15")
    assert parsed.spans == [(0, len("my ceiling is 15"))]


def _followup(message: str, previous: QueryPlan, vocab: Vocabulary, schema: CatalogSchema) -> QueryPlan:
    history = [HistoryTurn(role="assistant", content="", plan=previous, shown_ids=["x"])]
    return plan_turn(message, history, vocab, previous=previous, schema=schema)


@pytest.mark.parametrize("said", ["cap it at 100", "100 is the limit", "my ceiling is 100"])
def test_a_limit_in_a_followup_caps_the_kind_shown(
    said: str, demo_vocabulary: Vocabulary, demo_schema: CatalogSchema
) -> None:
    previous = QueryPlan(query="coffee maker", filters=Filters(categories=["coffee makers"]))
    plan = _followup(said, previous, demo_vocabulary, demo_schema)
    assert plan.filters.categories == ["coffee makers"]
    assert plan.filters.price_max == 100.0
    assert not any(w in plan.query.split() for w in ("cap", "limit", "ceiling"))


@pytest.mark.parametrize(
    "said", ["who's got the most stars", "who has the top stars here", "best reviewed of the bunch?"]
)
def test_who_and_the_bunch_refer_to_what_was_shown(said: str) -> None:
    assert _REFERS_TO_SHOWN.search(said.lower())


def test_who_makes_it_is_still_no_reference_to_a_product_kind() -> None:
    assert not _REFERS_TO_SHOWN.search("a gift for someone who runs")

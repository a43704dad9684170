"""Another kind's value whose words are this kind's value and the name of its key ("full size", a
keyboard layout "full-size" elsewhere) is this kind's value: a mattress's size, full
(``catalog_stage._value_and_key``)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from assistant.plan.planner import plan_turn
from assistant.schemas import HistoryTurn, QueryPlan
from retrieval.filters import Filters
from retrieval.products import Vocabulary
from retrieval.schema import CatalogSchema


@pytest.mark.parametrize("message", ["full size, not queen", "we need a full size one"])
def test_full_size_said_of_mattresses_is_their_size(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable, message: str
) -> None:
    previous = QueryPlan(query="mattress", filters=Filters(categories=["mattresses"]))
    history = [
        HistoryTurn(role="user", content="a mattress", plan=previous),
        HistoryTurn(role="assistant", content="", shown_ids=["mt-a", "mt-b"], shown_prices=[549.0, 999.0]),
    ]
    plan = plan_turn(
        message, history, demo_vocabulary, previous=previous, schema=demo_schema, word_categories=demo_titles
    )
    assert plan.filters.categories == ["mattresses"]
    assert plan.filters.attributes.get("size") == "full"
    assert "layout" not in plan.filters.attributes

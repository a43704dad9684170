"""A topic switch said outright (the late-ax cases): "different thing -", "totally unrelated but",
"switching gears", "on another note", "separate purchase:" open an ask that carries nothing over from
the last one, even when it names no kind the planner reads ("unrelated question, what do you have
from pawsome co?"). "Another question" about a shown one, "any different brands?" and "something
totally different" are no switch. On the bundled demo catalog."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from assistant.plan.intents import find_clears
from assistant.schemas import QueryPlan
from retrieval.filters import Filters
from retrieval.products import Vocabulary
from retrieval.schema import CatalogSchema
from tests.plan_support import plan_known


@pytest.mark.parametrize(
    ("text", "switch"),
    [
        ("sorted. different thing - his little boy is turning 5, what puzzle would work", True),
        ("unrelated but my husband wants that salt gun thing for killing flies", True),
        ("totally separate thing - my husband wants a beer fridge", True),
        ("switching gears - i need a flush mount ceiling light", True),
        ("on another note, do you have dog beds", True),
        ("separate purchase: over-ear headphones", True),
        ("another question: does the first one have a rain cover?", False),
        ("any different brands?", False),
        ("something totally different please", False),
        ("is there a different color", False),
    ],
)
def test_a_switch_said_outright_clears_everything(text: str, switch: bool) -> None:
    assert ("all" in find_clears(text).targets) is switch


_DESKS = QueryPlan(
    intent="search",
    query="standing desks home office",
    filters=Filters(categories=["standing desks"], price_max=600.0),
)


def test_a_brand_after_a_switch_asks_for_any_of_its_kinds(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    plan = plan_known(
        "unrelated question, what do you have from pawsome co?",
        demo_vocabulary,
        demo_schema,
        demo_titles,
        _DESKS,
    )
    assert plan.intent == "search"
    assert plan.filters.categories == [] and plan.filters.price_max is None
    assert plan.filters.brands == ["pawsome co."]


def test_without_a_switch_the_brand_narrows_what_was_asked(
    demo_vocabulary: Vocabulary, demo_schema: CatalogSchema, demo_titles: Callable
) -> None:
    plan = plan_known("what do you have from deskwright?", demo_vocabulary, demo_schema, demo_titles, _DESKS)
    assert plan.filters.categories == ["standing desks"]

"""The grounded-claim checker: what a reason may and may not state about a product."""

from __future__ import annotations

import pytest

from assistant.explain import fallback_reason
from assistant.grounding import check_reason
from assistant.schemas import QueryPlan
from retrieval.catalog import Product
from retrieval.filters import Filters
from retrieval.products import Vocabulary

DISHWASHER = Product(
    id="dw-1",
    title="Hearthline QuietClean 300 Dishwasher, 44 dBA",
    brand="Hearthline",
    price=549.0,
    color="Silver",
    category=["Kitchen Appliances", "Dishwashers"],
    attributes={"noise_level_db": "44", "finish": "stainless steel", "place_settings": "14"},
    rating=4.4,
    rating_count=1822,
)
OTHER = Product(id="dw-2", title="Brightwell CleanPro", brand="Brightwell", price=449.0, color="White")
VOCAB = Vocabulary.from_products([DISHWASHER, OTHER])


@pytest.mark.parametrize(
    "reason",
    [
        "Quiet at 44 dBA with a stainless steel finish, for $549.",
        "Hearthline's 14 place settings model at $549.00, rated 4.4/5 by 1,822 shoppers.",
        "Under your $600 budget and quiet.",
        "Silver and quiet.",
    ],
)
def test_grounded_reasons_pass(reason: str) -> None:
    report = check_reason(reason, DISHWASHER, vocabulary=VOCAB, filters=Filters(price_max=600))
    assert report.grounded, report.unsupported


@pytest.mark.parametrize(
    ("reason", "claim"),
    [
        ("Only $499 and very quiet.", "number 499"),
        ("Whisper quiet at 39 dBA.", "number 39"),
        ("A Brightwell classic.", "brand Brightwell"),
        ("Looks great in white.", "color White"),
        ("Holds 16 place settings.", "number 16"),
    ],
)
def test_ungrounded_claims_are_named(reason: str, claim: str) -> None:
    report = check_reason(reason, DISHWASHER, vocabulary=VOCAB)
    assert not report.grounded
    assert claim in report.unsupported


def test_a_rounded_budget_may_be_quoted() -> None:
    report = check_reason(
        "Within your $499 budget.", OTHER, vocabulary=VOCAB, filters=Filters(price_max=498.99)
    )
    assert report.grounded, report.unsupported


@pytest.mark.parametrize(
    "plan",
    [
        QueryPlan(query="quiet dishwasher", preferences=["quiet"], filters=Filters(price_max=498.99)),
        QueryPlan(
            query="dishwasher",
            filters=Filters(brands=["Hearthline"], attributes={"finish": "stainless steel"}),
        ),
        QueryPlan(query="dishwasher"),
    ],
)
def test_fallback_reasons_are_always_grounded(plan: QueryPlan) -> None:
    for product in (DISHWASHER, OTHER):
        reason = fallback_reason(product, plan)
        report = check_reason(reason, product, vocabulary=VOCAB, filters=plan.filters)
        assert report.grounded, (reason, report.unsupported)


def test_fallback_reason_cites_the_matched_constraints() -> None:
    plan = QueryPlan(query="quiet dishwasher", preferences=["quiet"], filters=Filters(price_max=600))
    reason = fallback_reason(DISHWASHER, plan)
    assert "$549.00" in reason and "$600 budget" in reason and "44 dB" in reason


@pytest.mark.parametrize(
    ("reason", "claim"),
    [
        ("The best dishwasher on the market.", "superlative 'best'"),
        ("It has a plastic tub and runs quietly.", "attribute plastic"),
    ],
)
def test_market_claims_and_other_products_attributes_are_ungrounded(reason: str, claim: str) -> None:
    other = Product(id="dw-3", title="Budget Dishwasher", attributes={"tub_material": "plastic"})
    vocab = Vocabulary.from_products([DISHWASHER, OTHER, other])
    report = check_reason(reason, DISHWASHER, vocabulary=vocab)
    assert claim in report.unsupported

"""Phrasings the late-w cases showed, end to end over the bundled demo catalog (hash embedder, fake
LLM): an item named by a noun its category's name lacks ("a kettlebell" under Strength Training, "a
water fountain" under Feeders) shows that noun's products; a budget for the pair looks for each
item's cheaper variants when the first picks do not fit it; "line up the arc 27 gaming next to the
oled one" and "how does that one stack up against the black ergomesh pro" compare a product shown
last with one an earlier answer showed; "what would actually work for him" leaves the kind to the
store; "a wireless mouse for my laptop" is any mouse (a curated catalog says what fits by
attributes, not titles)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.turn import Assistant
from retrieval.catalog import Product
from tests.turn_support import small_assistant, turn


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory, demo_products: list[Product]) -> Iterator[Assistant]:
    with small_assistant(tmp_path_factory.mktemp("phrasing-w") / "data", demo_products) as a:
        yield a


def test_an_item_named_by_a_noun_its_category_lacks_shows_that_noun(assistant: Assistant) -> None:
    shown, _, plan, _ = turn(assistant, "garage gym time: want a kettlebell + a jump rope to start")
    assert len(plan.items) == 2
    assert {p.category[-1] for p in shown} == {"Strength Training", "Cardio"}
    assert all("Kettlebell" in p.title for p in shown if p.category[-1] == "Strength Training")
    shown, _, plan, _ = turn(
        assistant, "my cat is picky about water. got a water fountain and a self-cleaning litter box?"
    )
    assert len(plan.items) == 2
    feeders = [p for p in shown if p.category[-1] == "Feeders"]
    assert feeders and all("Fountain" in p.title for p in feeders)


def test_a_budget_for_the_pair_finds_the_cheaper_variant(assistant: Assistant) -> None:
    shown, _, plan, _ = turn(assistant, "a kettlebell plus a jump rope, sixty bucks for the pair")
    assert plan.total_budget and plan.filters.price_max == 60.0
    assert not plan.relaxed
    assert sum(p.price or 0 for p in shown[:2]) <= 60.0
    assert "fit-ironleaf-kettlebell-15-lb" in [p.id for p in shown]


def test_a_comparison_names_a_product_an_earlier_answer_showed(assistant: Assistant) -> None:
    _, _, _, sid = turn(assistant, "need a monitor for valorant, 144hz minimum")
    turn(assistant, "is there a 240 hz one for less than five hundred?", sid)
    _, _, plan, _ = turn(assistant, "line up the arc 27 gaming next to the oled one", sid)
    assert plan.intent == "compare"
    assert plan.referenced_ids == ["mn-corvid-arc-27-gaming", "mn-corvid-arc-27-oled"]
    _, _, _, sid = turn(assistant, "an ergonomic office chair for my dad, his lower back is shot")
    shown, _, _, _ = turn(assistant, "he's 320 pounds so it has to actually hold him", sid)
    _, _, plan, _ = turn(assistant, "how does that one stack up against the black ergomesh pro", sid)
    assert plan.intent == "compare"
    assert plan.referenced_ids == [shown[0].id, "oc-posturely-ergomesh-pro-black"]


def test_what_would_work_for_him_leaves_the_kind_to_the_store(assistant: Assistant) -> None:
    shown, _, plan, _ = turn(
        assistant,
        "my son turns 2 next month and keeps climbing on his sister's bike. what would actually work for him",
    )
    assert plan.intent == "search" and shown
    assert any(p.category[-1] == "Ride-Ons" for p in shown)


def test_an_accessory_for_another_kind_is_not_declined_in_a_curated_catalog(assistant: Assistant) -> None:
    shown, _, plan, _ = turn(assistant, "a wireless mouse for my laptop")
    assert plan.intent == "search" and shown
    assert all(p.category[-1] == "Mice" for p in shown)

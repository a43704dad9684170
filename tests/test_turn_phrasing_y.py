"""Phrasings the late-y cases showed, end to end over the bundled demo catalog (hash embedder, fake
LLM): a clause saying only who someone is ("my husband is 6'5 and around 350 pounds") names no
product, so the kind the next clause names (office chairs he keeps cracking) is the ask; "i need one
that warns you when you press too hard" after toothbrushes asks for a toothbrush (the stand-in), not a
"warns" the store lacks; "at least 144hz, mostly for shooters" refines the monitors shown (what a
thing is for, after "for", names no new kind); "compare the arc 27 oled with the lumetric view 32 4k"
compares the shown Arc 27 OLED (not the Arc 34 shown first) with the View 32 4K no answer showed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.turn import Assistant
from retrieval.catalog import Product
from tests.turn_support import small_assistant, turn


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory, demo_products: list[Product]) -> Iterator[Assistant]:
    with small_assistant(tmp_path_factory.mktemp("phrasing-y") / "data", demo_products) as a:
        yield a


def test_a_clause_about_someone_leaves_the_kind_to_the_next(assistant: Assistant) -> None:
    shown, _, plan, _ = turn(
        assistant,
        "my husband is 6'5 and around 350 pounds and he keeps cracking cheap office chairs. "
        "what would actually hold him",
    )
    assert plan.intent == "search" and plan.filters.categories == ["office chairs"]
    assert shown and all(p.category[-1] == "Office Chairs" for p in shown)


def test_a_stand_in_with_a_relative_clause_is_the_kind_shown(assistant: Assistant) -> None:
    _, _, plan, sid = turn(assistant, "electric toothbrush")
    assert plan.filters.categories == ["electric toothbrushes"]
    shown, text, plan, _ = turn(
        assistant,
        "i scrub way too hard, my dentist literally scolded me. i need one that warns you when you press too hard",
        sid,
    )
    assert plan.intent == "refine" and plan.filters.categories == ["electric toothbrushes"]
    assert shown and "don't carry" not in text


def test_what_a_spec_is_for_refines_the_kind_shown(assistant: Assistant) -> None:
    _, _, _, sid = turn(assistant, "monitors")
    shown, _, plan, _ = turn(assistant, "i want at least 144hz, mostly for shooters", sid)
    assert plan.intent == "refine" and plan.filters.categories == ["monitors"]
    assert plan.filters.attribute_ranges["refresh_hz"].gte == 144
    assert shown and all(float(p.attributes["refresh_hz"]) >= 144 for p in shown)


def test_compare_with_a_product_named_by_its_model_figures(assistant: Assistant) -> None:
    from assistant.schemas import ChatRequest, ComparisonEvent

    _, _, _, sid = turn(assistant, "corvid monitors")
    _, _, plan, _ = turn(assistant, "compare the arc 27 oled with the lumetric view 32 4k for me", sid)
    assert plan.intent == "compare"
    assert plan.referenced_ids == ["mn-corvid-arc-27-oled", "mn-lumetric-view-32-4k"]
    events = list(
        assistant.chat(
            ChatRequest(message="compare the arc 27 oled to the lumetric view 32 4k", session_id=sid)
        )
    )
    table = next(e for e in events if isinstance(e, ComparisonEvent))
    assert [p.id for p in table.products] == ["mn-corvid-arc-27-oled", "mn-lumetric-view-32-4k"]


def test_a_need_with_no_thing_named_is_searched_not_declined(assistant: Assistant) -> None:
    shown, text, plan, _ = turn(
        assistant,
        "my wife started wfh three days a week and shes been hunched over the kitchen table with her "
        "laptop... she says she wants to be able to stand for part of the day",
    )
    assert plan.intent == "search" and shown and "don't carry" not in text
    shown, text, plan, _ = turn(
        assistant,
        "my girlfriend spends a small fortune on lattes at the cafe downstairs every morning... what would "
        "let her make them at home instead?",
    )
    assert plan.intent == "search" and shown and "don't carry" not in text
    # a thing the store lacks, named, is still declined
    _, _, plan, _ = turn(assistant, "do you sell car tires")
    assert plan.intent == "out_of_catalog"


def test_a_described_stand_in_is_the_kind_shown(assistant: Assistant) -> None:
    from assistant.plan.planner import product_kind

    # no other kind is named: the words describe the kind shown (MiniLM found "normal countertop"
    # far from every product and the turn was declined)
    assert product_kind("and a normal countertop one too, under a hundred bucks", assistant.vocabulary) == ""
    assert product_kind("a countertop blender", assistant.vocabulary) == "countertop blender"
    _, _, plan, sid = turn(assistant, "do you have stand mixers")
    assert plan.intent == "out_of_catalog"
    _, _, plan, _ = turn(assistant, "ok what about one of those stick blenders you hold in the pot", sid)
    assert plan.filters.categories == ["blenders"]
    shown, _, plan, _ = turn(assistant, "and a normal countertop one too, under a hundred bucks", sid)
    assert plan.intent == "refine" and plan.filters.categories == ["blenders"]
    assert shown and all(p.price is not None and p.price <= 100 for p in shown)


def test_is_there_an_unsold_thing_after_a_kind_is_declined(assistant: Assistant) -> None:
    _, _, plan, sid = turn(assistant, "an espresso machine")
    assert plan.filters.categories == ["coffee makers"]
    shown, _, plan, _ = turn(
        assistant,
        "perfect. and is there an electric kettle somewhere on here? she drinks tea in the afternoon",
        sid,
    )
    assert plan.intent == "out_of_catalog" and not shown

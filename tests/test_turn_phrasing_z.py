"""Phrasings the late-z tuning failures showed, end to end over the bundled demo catalog (hash
embedder, fake LLM): "paying 7 bucks a day" is a running cost, not the budget "under $200" says; "which
of the two has more bar pressure" after a side-by-side asks about the two compared, not the first two
of the list; and "ok mouse is sorted. for the keyboard, got any keyforge ones" after a mouse and a
keyboard narrows the keyboard, the item the asking sentence names; each side of "silver brightwell
barista one vs morrow espresso duo" is a name, shown or not; and "espresso machine" said in a later
sentence than the scene is what the product is, loosened only after the price; "pit the white anchor 9
against the teal pacecraft …", "line up the tenmiro and the lepro", "the diff between those first 2"
compare, and "those 2" are the first two, not a title's "for 2 persons"; and "do u have a kettlebell
that's like fifty pounds" asks for a kettlebell (not about the one shown), loosening the weight, not
the kettlebell, when none weighs that; and "she needs 16 gigs of ram tho. show me chromebooks with that"
is judged by the kind the asking sentence names (chromebooks, sold), not declined for "ram"."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.plan.intents import is_compare
from assistant.plan.prices import parse_prices
from assistant.plan.references import resolve_references
from assistant.turn import Assistant
from retrieval.catalog import Product
from tests.turn_support import small_assistant, turn


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory, demo_products: list[Product]) -> Iterator[Assistant]:
    with small_assistant(tmp_path_factory.mktemp("phrasing-z") / "data", demo_products) as a:
        yield a


@pytest.mark.parametrize(
    ("message", "cap"),
    [
        ("instead of paying 7 bucks a day. espresso machine under $200?", 200.0),
        ("i pay $15 per month for this one, want one under $40", 40.0),
        ("my gym costs 60 dollars a month, so a kettlebell for home", None),
        # a bare amount said after a cap still corrects it
        ("under 50... actually make it 70 bucks", 70.0),
    ],
)
def test_a_rate_is_no_budget(message: str, cap: float | None) -> None:
    assert parse_prices(message).price_max == cap


def test_which_of_the_two_after_a_side_by_side_asks_about_the_two_compared(assistant: Assistant) -> None:
    shown, _, _, sid = turn(assistant, "espresso makers under $700")
    ids = [p.id for p in shown]
    assert {"cf-brightwell-barista-one-silver", "cf-morrow-espresso-duo"} <= set(ids)
    # the pair compared is not the first two of the list (the silver one's black variant is shown)
    assert ids[:2] != ["cf-brightwell-barista-one-silver", "cf-morrow-espresso-duo"]
    _, _, plan, _ = turn(
        assistant, "silver brightwell barista one vs morrow espresso duo, pros and cons?", sid
    )
    assert plan.intent == "compare"
    _, text, plan, _ = turn(assistant, "which of the two has more bar pressure", sid)
    assert set(plan.referenced_ids) == {"cf-brightwell-barista-one-silver", "cf-morrow-espresso-duo"}
    assert "Espresso Duo with Built-In Grinder has the highest" in text and "20 bar" in text


def test_the_item_the_asking_sentence_names_is_narrowed(assistant: Assistant) -> None:
    _, _, plan, sid = turn(assistant, "need a wireless mouse and a wireless keyboard for my home office")
    assert len(plan.items) == 2
    shown, _, plan, _ = turn(assistant, "ok mouse is sorted. for the keyboard, got any keyforge ones", sid)
    assert plan.filters.categories == ["keyboards"] and plan.filters.brands == ["keyforge"]
    assert shown and all(p.category[-1] == "Keyboards" and p.brand == "Keyforge" for p in shown)


def test_a_comparison_names_each_side_without_the(assistant: Assistant) -> None:
    _, _, _, sid = turn(assistant, "drip coffee maker")
    _, text, plan, _ = turn(
        assistant, "ok then: silver brightwell barista one vs morrow espresso duo, pros and cons?", sid
    )
    assert plan.intent == "compare"
    assert plan.referenced_ids == ["cf-brightwell-barista-one-silver", "cf-morrow-espresso-duo"]
    assert "20 bar vs 15 bar" in text


def test_the_kind_named_in_a_later_sentence_is_loosened_after_the_price(assistant: Assistant) -> None:
    shown, text, plan, _ = turn(
        assistant,
        "want to start making lattes at home instead of paying 7 bucks a day. espresso machine under $200?",
    )
    assert [r.field for r in plan.relaxed] == ["price"]
    assert shown and all(p.attributes.get("type") == "espresso" for p in shown)
    assert "under $200" in text


def test_pit_a_named_one_against_another_compares_them(assistant: Assistant) -> None:
    assert is_compare("pit the white anchor 9 against the teal pacecraft everyday stability")
    assert not is_compare("a fire pit against the wall of the patio")
    _, _, _, sid = turn(
        assistant, "my wife has flat feet and her knees ache. she needs new road running shoes"
    )
    _, _, plan, _ = turn(
        assistant, "pit the white anchor 9 against the teal pacecraft everyday stability", sid
    )
    assert plan.intent == "compare"
    assert plan.referenced_ids == ["rs-stridewell-anchor-9-w-white", "rs-pacecraft-everyday-stability-w-teal"]


def test_those_2_and_the_diff_between_are_comparisons_of_the_first_two() -> None:
    assert is_compare("what's the diff between those first 2")
    assert is_compare("line up the tenmiro and the lepro for me")
    titles = {
        "a": "Wicker Picnic Basket",
        "b": "Canasta Picnic Basket",
        "c": "Picnic Basket Set for 2 Persons",
    }
    assert resolve_references(
        "compare those 2 for me", ["a", "b", "c"], titles=titles, bare_numbers=True
    ) == [
        "a",
        "b",
    ]


def test_do_you_have_a_kind_with_a_spec_is_a_search_that_keeps_the_kind(assistant: Assistant) -> None:
    _, _, _, sid = turn(
        assistant,
        "setting up a workout corner - want a kettlebell plus a jump rope, sixty bucks for the pair",
    )
    shown, text, plan, _ = turn(
        assistant, "i'm stronger than that tho, do u have a kettlebell that's like fifty pounds", sid
    )
    assert plan.intent != "product_question"
    # no kettlebell weighs 50 lb: the weight is loosened and said, the kettlebells stay
    assert "loosened" in text
    assert shown and all("Kettlebell" in p.title for p in shown)


def test_a_later_sentence_that_asks_names_the_kind_judged(assistant: Assistant) -> None:
    shown, text, plan, _ = turn(
        assistant, "she says she needs 16 gigs of ram tho. show me chromebooks with that"
    )
    assert plan.intent == "search" and "don't carry" not in text
    assert shown and all(p.category[-1] == "Laptops" for p in shown)
    # what the asking sentence names is still declined when nothing is it
    _, text, plan, _ = turn(assistant, "my laptop died yesterday. do you sell printers?")
    assert plan.intent == "out_of_catalog"

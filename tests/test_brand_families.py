"""A brand said by its short name is every name the catalog files that maker under
(``retrieval.brands.families``, ``assistant.plan.brand_family``): "a hunter ceiling fan" asks for
HUNTER and Hunter Fan Company, "anything but hunter" rules both out, and the answer names the maker
once; a name too short to claim others ("GE") claims none."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.answers import constraints_text
from assistant.plan.brand_family import BrandFamilies, with_brand_families
from assistant.schemas import Filters, ItemAsk, QueryPlan
from assistant.turn import Assistant
from retrieval.brands import families, family_heads
from retrieval.catalog import Product
from tests.turn_support import products_in, small_assistant, turn


def test_a_longer_name_beginning_with_all_of_a_brands_words_is_its_line() -> None:
    found = families(["hunter", "hunter fan company", "honeywell", "honeywell home", "jura", "jura-capresso"])
    assert found == {
        "hunter": ("hunter fan company",),
        "honeywell": ("honeywell home",),
        "jura": ("jura-capresso",),
    }


def test_a_shared_first_word_alone_makes_no_family() -> None:
    # "honeywell home" does not begin with all of "honeywell ceiling fans"; neither claims the other
    assert families(["honeywell home", "honeywell ceiling fans", "kestrel home", "kestrel"]) == {
        "kestrel": ("kestrel home",)
    }
    # a name of fewer than three letters names no family
    assert families(["ge", "ge sealants", "n", "n-bone"]) == {}


def test_the_names_to_say_are_the_family_heads() -> None:
    assert family_heads(["hunter", "hunter fan company", "casa vieja"]) == ["hunter", "casa vieja"]
    assert family_heads(["hunter fan company"]) == ["hunter fan company"]


def test_the_plan_asks_for_or_rules_out_every_name_of_the_family() -> None:
    table = BrandFamilies(1, families(["hunter", "hunter fan company", "emerson"]))
    plan = QueryPlan(query="ceiling fan", filters=Filters(brands=["hunter"]))
    assert with_brand_families(plan, table).filters.brands == ["hunter", "hunter fan company"]
    ruled_out = QueryPlan(query="ceiling fan", filters=Filters(exclude_brands=["hunter"]))
    assert with_brand_families(ruled_out, table).filters.exclude_brands == ["hunter", "hunter fan company"]
    items = QueryPlan(
        query="a fan and a thermostat",
        items=[
            ItemAsk(query="fan", filters=Filters(brands=["hunter"])),
            ItemAsk(query="thermostat", filters=Filters(brands=["emerson"])),
        ],
    )
    widened = with_brand_families(items, table)
    assert [i.filters.brands for i in widened.items] == [["hunter", "hunter fan company"], ["emerson"]]
    # nothing to add: the plan itself
    other = QueryPlan(query="fan", filters=Filters(brands=["emerson"]))
    assert with_brand_families(other, table) is other


def test_the_answer_names_the_maker_once() -> None:
    plan = QueryPlan(query="fan", filters=Filters(brands=["hunter", "hunter fan company"]))
    assert constraints_text(plan).strip() == "from Hunter"
    plan = QueryPlan(query="burp cloths", filters=Filters(exclude_brands=["burt's bees", "burt's bees baby"]))
    assert constraints_text(plan).strip() == "not from Burt's Bees"


_FANS = ["Tools & Home Improvement", "Lighting & Ceiling Fans", "Ceiling Fans"]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    products: list[Product] = [
        *products_in(_FANS, [("HUNTER", "Hunter Cassius Outdoor Ceiling Fan", 125.99)], "h"),
        *products_in(
            _FANS,
            [
                ("Hunter Fan Company", "Hunter Fan Company Builder Elite Ceiling Fan", 129.99),
                ("Hunter Fan Company", "Hunter Fan Company Low Profile Ceiling Fan", 87.23),
            ],
            "hfc",
        ),
        *products_in(
            _FANS,
            [
                ("Casa Vieja", "Casa Vieja Turbina Ceiling Fan", 99.0),
                ("Emerson", "Emerson Prima Ceiling Fan", 140.0),
            ],
            "o",
        ),
    ]
    with small_assistant(tmp_path_factory.mktemp("brand-families") / "data", products) as a:
        yield a


def test_through_the_turn(assistant: Assistant) -> None:
    shown, text, _, _ = turn(assistant, "a hunter ceiling fan under 150")
    assert sorted(p.id for p in shown) == ["h0", "hfc0", "hfc1"], text
    assert "Hunter Fan Company" not in text.split(".")[0]
    shown, text, _, _ = turn(assistant, "a ceiling fan, but not hunter")
    assert shown and not {p.brand for p in shown} & {"HUNTER", "Hunter Fan Company"}, text

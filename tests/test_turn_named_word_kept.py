"""A word of the phrase naming the product ("bamboo" of "a bamboo weighted blanket", "chromebooks")
that picks some of the kind is kept as a title filter even when the rest of the ask (a price, a size)
leaves none that say it: the search finds nothing, loosens one constraint and says so, instead of
showing other products as if they were what was named. A manner noun ("tropical style") points at the
word before it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.schemas import QueryPlan
from assistant.turn import Assistant
from retrieval.catalog import Product
from tests.turn_support import small_assistant, turn

_BLANKETS = [
    ("Bamboo Cooling Weighted Blanket Queen 20 lbs", 69.99),
    ("Bamboo Weighted Blanket with Removable Cover", 89.99),
    ("Cotton Weighted Blanket 15 lbs Twin", 39.99),
    ("Weighted Blanket Queen Size Glass Beads", 42.00),
    ("Minky Weighted Blanket for Adults", 45.50),
    ("Heavy Weighted Blanket 12 lbs Gray", 35.99),
    ("Sherpa Weighted Throw Blanket", 48.00),
]
_FANS = [
    ("Honeywell Palm Island Tropical Ceiling Fan 52 Inch", 111.0),
    ("Palm Blades Tropical Ceiling Fan with Remote", 129.0),
    ("Hunter Low Profile Ceiling Fan", 87.23),
    ("Prominence Home Journal Ceiling Fan", 84.80),
    ("Westinghouse Contempra Ceiling Fan", 132.25),
    ("Minka Aire Java Ceiling Fan", 229.95),
]


def _products() -> list[Product]:
    out = []
    for path, rows in (
        (["Home", "Bedding", "Weighted Blankets"], _BLANKETS),
        (["Home", "Ceiling Fans"], _FANS),
    ):
        for i, (title, price) in enumerate(rows):
            out.append(
                Product(
                    id=f"{path[-1][:3].lower()}{i}",
                    title=title,
                    brand=("Acme", "Zeta")[i % 2],
                    price=price,
                    category=path,
                )
            )
    return out


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    with small_assistant(tmp_path_factory.mktemp("named-word") / "data", _products()) as a:
        yield a


def _turn(assistant: Assistant, message: str) -> tuple[list[Product], str, QueryPlan]:
    shown, text, plan, _ = turn(assistant, message)
    return shown, text, plan


def test_a_named_word_the_price_leaves_none_of_is_kept_and_the_loosening_said(assistant: Assistant) -> None:
    shown, text, plan = _turn(assistant, "a bamboo weighted blanket under 50 bucks")
    # asked as said: the bamboo ones, which the price then leaves none of
    assert plan.relaxed, "nothing met the ask: the answer must say what it loosened"
    assert "Nothing matched" in text
    assert shown


def test_a_named_word_the_price_allows_filters_without_loosening(assistant: Assistant) -> None:
    shown, _, plan = _turn(assistant, "a bamboo weighted blanket under 100 bucks")
    assert plan.filters.text_words == ["bamboo"] and not plan.relaxed
    assert shown and all("Bamboo" in p.title for p in shown)


def test_a_word_not_naming_the_product_is_not_kept(assistant: Assistant) -> None:
    _, _, plan = _turn(assistant, "a weighted blanket under 50 please")
    assert plan.filters.text_words == [] and not plan.relaxed


def test_the_word_before_a_manner_noun_is_the_feature(assistant: Assistant) -> None:
    shown, _, plan = _turn(assistant, "a tropical style ceiling fan")
    assert plan.filters.text_words == ["tropical"]
    assert shown and all("Tropical" in p.title for p in shown)

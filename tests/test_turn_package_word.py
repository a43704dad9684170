"""A category said alone in a follow-up whose word ends many of the catalog's category names ("for the
set": Sets, Flatware Sets, Knife Sets …) is how the kind shown comes, not another kind
(``planner.package_of_kind_shown``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.plan.planner import package_of_kind_shown
from assistant.plan.text import tokenize
from assistant.plan.vocab import matcher_for
from assistant.turn import Assistant
from retrieval.catalog import Product
from retrieval.products import Vocabulary
from tests.turn_support import products_in, small_assistant, turn

_GLASSES = ["Home & Kitchen", "Dining", "Glassware", "Wine Glasses"]


def _products() -> list[Product]:
    glasses = products_in(
        _GLASSES,
        [
            ("JoyJolt", "JoyJolt Stemless Wine Glasses (Set of 4), 15 oz", 14.5),
            ("Libbey", "Libbey Stemless 12-Piece Wine Glass Party Set", 32.99),
            ("Amazon Basics", "Amazon Basics Stemless Wine Glasses (Set of 4)", 16.0),
            ("Luigi Bormioli", "Luigi Bormioli Atelier Stemless Wine Glass, Set of 6", 54.0),
        ],
        "wine",
    )
    packages = [
        *products_in(
            ["Home & Kitchen", "Dining", "Sets"],
            [("Corelle", "Corelle 12-Piece Dinnerware Set", 19.0)],
            "set",
        ),
        *products_in(
            ["Home & Kitchen", "Flatware Sets"], [("Oneida", "Oneida 20-Piece Flatware Set", 12.0)], "flat"
        ),
        *products_in(
            ["Home & Kitchen", "Knife Sets"], [("Henckels", "Henckels 15-Piece Knife Set", 99.0)], "knife"
        ),
        *products_in(["Tools", "Screwdriver Sets"], [("Hozan", "Hozan Screwdriver Set", 18.0)], "screw"),
    ]
    return [*glasses, *packages]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    with small_assistant(
        tmp_path_factory.mktemp("package-word") / "data", _products(), recommendations=4
    ) as a:
        yield a


def test_the_package_word_is_read_from_the_catalogs_names() -> None:
    vocabulary = Vocabulary.from_products(_products())
    matcher = matcher_for(vocabulary)
    tokens = tokenize("for the set")
    [m] = [m for m in matcher.find(tokens) if m.kind == "category"]
    assert package_of_kind_shown(tokens, m, vocabulary)
    knife = tokenize("a knife set")
    [knives] = [m for m in matcher.find(knife) if m.kind == "category"]
    assert not package_of_kind_shown(knife, knives, vocabulary)  # a kind named with its package
    # said as a new thing, it is asked for
    for said in ("got any sets?", "is there a set with the knives too"):
        new = tokenize(said)
        [sets] = [m for m in matcher.find(new) if m.kind == "category" and m.value == "sets"]
        assert not package_of_kind_shown(new, sets, vocabulary)


def test_a_price_for_the_set_stays_with_the_kind_shown(assistant: Assistant) -> None:
    _, _, first, session = turn(assistant, "stemless wine glasses")
    assert first.filters.categories == ["wine glasses"]
    shown, _, plan, _ = turn(assistant, "under twenty bucks for the set", session)
    assert plan.filters.categories == ["wine glasses"]
    assert plan.filters.price_max == 20.0
    assert shown and all(p.category == _GLASSES and (p.price or 0) <= 20 for p in shown)


def test_a_kind_named_with_its_package_is_still_a_new_kind(assistant: Assistant) -> None:
    _, _, _, session = turn(assistant, "stemless wine glasses")
    _, _, plan, _ = turn(assistant, "now a knife set", session)
    assert plan.filters.categories == ["knife sets"]


def test_the_package_of_products_shown_for_an_ask_without_a_kind_is_no_kind() -> None:
    from assistant.plan import plan_turn
    from assistant.schemas import HistoryTurn, QueryPlan
    from retrieval.schema import CatalogSchema

    products = _products()
    vocabulary, schema = Vocabulary.from_products(products), CatalogSchema.from_products(products)
    previous = QueryPlan(query="something to drink wine from at a dinner party")  # no kind named
    history = [HistoryTurn(role="assistant", content="", plan=previous, shown_ids=["wine0", "wine1"])]
    plan = plan_turn(
        "whats the top scoring set you sell", history, vocabulary, previous=previous, schema=schema
    )
    assert "sets" not in plan.filters.categories
    assert plan.sort is not None and plan.sort.key == "rating"
    fresh = plan_turn("ok now any sets?", history, vocabulary, previous=previous, schema=schema)
    assert fresh.filters.categories == ["sets"]

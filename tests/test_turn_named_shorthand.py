"""A product named by its title's shorthand ("commute anc" for the Sonovel Commute ANC) is read as
the message is: the planner spells "anc" out as noise cancelling, and so it reads the titles it
matches names against, so the name picks the product whose title says it, not another noise
cancelling one."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.turn import Assistant
from retrieval.catalog import Product
from tests.turn_support import MINILM, small_assistant, turn


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, demo_products: list[Product]) -> Iterator[Assistant]:
    with small_assistant(tmp_path_factory.mktemp("named-shorthand") / "data", demo_products, **MINILM) as a:
        yield a


def test_a_name_said_in_its_titles_shorthand_picks_that_product(demo: Assistant) -> None:
    shown, _, _, sid = turn(demo, "wireless headphones for my commute")
    ids = {p.id for p in shown}
    assert "hp-sonovel-commute-anc" in ids and "hp-pipsqueak-kidsafe-nc-pink" in ids
    shown, _, plan, _ = turn(demo, "commute anc vs studio 9 open: how are they different?", sid)
    assert plan.intent == "compare"
    assert {p.id for p in shown} == {"hp-sonovel-commute-anc", "hp-tideline-studio-9-open"}

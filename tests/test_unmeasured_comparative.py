"""A comparative on a measure the kind lists nothing of ("a lighter one?" of hair dryers, which list no
weight) is said, not silently ignored: the same products come back with a sentence saying why they
are not ranked by it (the late-cp cases)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.turn import Assistant
from retrieval.catalog import Product
from tests.turn_support import MINILM, small_assistant, turn


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, demo_products: list[Product]) -> Iterator[Assistant]:
    with small_assistant(tmp_path_factory.mktemp("unmeasured") / "data", demo_products, **MINILM) as a:
        yield a


def test_a_comparative_on_an_unlisted_measure_is_said(demo: Assistant) -> None:
    shown, _, _, sid = turn(demo, "a hair dryer")
    assert shown and all(p.category[-1] == "Hair Dryers" for p in shown)
    again, text, plan, _ = turn(demo, "a lighter one", sid)
    assert any(r.field == "unmeasured:weight" for r in plan.relaxed)
    assert "don't list the weight" in text
    assert again and all(p.category[-1] == "Hair Dryers" for p in again)


def test_a_comparative_on_a_listed_measure_is_not_flagged(demo: Assistant) -> None:
    _, _, _, sid = turn(demo, "a laptop")
    _, text, plan, _ = turn(demo, "lighter?", sid)
    assert not any(r.field.startswith("unmeasured:") for r in plan.relaxed)
    assert "don't list" not in text

"""A value ruled out with a word of degree between the cue and it ("not too firm", "nothing too
firm", "not so firm") is ruled out, never asked for (the late-cq cases): "a twin mattress that's not
too firm" showed only the firm one. A value several kinds' keys share ("firm": a mattress's firmness,
another kind's density) is read under the kind asked, and the kind's other values are kept."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.plan.text import tokenize
from assistant.plan.vocab import ValueMatch, VocabularyMatcher
from assistant.turn import Assistant
from retrieval.catalog import Product
from tests.turn_support import small_assistant, turn


def _negated(text: str, value: str) -> bool:
    stems = [t.stem for t in tokenize(text)]
    start = stems.index(value)
    hit = ValueMatch(kind="attribute", value=value, display=value, start=start, end=start + 1)
    return VocabularyMatcher.negated(stems, hit, [])


@pytest.mark.parametrize(
    ("text", "ruled"),
    [
        ("a mattress that's not too firm", True),
        ("nothing too firm please", True),
        ("not so firm", True),
        ("not super firm", True),
        ("something firm", False),
        ("nothing but firm ones", False),  # only firm ones
        ("too firm is fine with me", False),
    ],
)
def test_a_degree_word_between_the_cue_and_the_value_still_rules_it_out(text: str, ruled: bool) -> None:
    assert _negated(text, "firm") is ruled


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, demo_products: list[Product]) -> Iterator[Assistant]:
    with small_assistant(tmp_path_factory.mktemp("ruled-out") / "data", demo_products) as a:
        yield a


@pytest.mark.parametrize(
    "message",
    ["a twin mattress that's not too firm", "a twin mattress, nothing too firm", "twin mattress, not firm"],
)
def test_a_mattress_not_too_firm_keeps_the_other_firmnesses(demo: Assistant, message: str) -> None:
    shown, _, plan, _ = turn(demo, message)
    assert plan.filters.attributes.get("firmness") != "firm"
    assert set(plan.filters.attribute_in.get("firmness", [])) == {"medium", "medium-firm"}
    assert shown and all(p.attributes.get("firmness") != "firm" for p in shown)
    assert all(p.attributes.get("size") == "Twin" for p in shown)

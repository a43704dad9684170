"""What a product does, said as a verb, asks for its yes/no feature (the late-cu cases): "ones that
mop?" after robot vacuums, "ones that cancel noise" (noise_cancelling), "a coffee maker that grinds
the beans" (built_in_grinder: the grinder is what grinds), "packs into its own pocket" (packable).
The feature's word is then no text a listing must hold."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.plan.semantics import done_keys
from assistant.turn import Assistant
from retrieval.catalog import Product
from retrieval.schema import AttributeSpec
from tests.turn_support import small_assistant, turn


def _flag(key: str) -> AttributeSpec:
    return AttributeSpec(key=key, kind="boolean", count=4, values=["no", "yes"])


_ATTRS = {k: _flag(k) for k in ("noise_cancelling", "built_in_grinder", "packable", "wireless", "mop")}


@pytest.mark.parametrize(
    ("text", "keys"),
    [
        ("ones that cancel noise?", ["noise_cancelling"]),
        ("something that cancels out the noise on the train", ["noise_cancelling"]),
        ("a coffee maker that grinds the beans for me", ["built_in_grinder"]),
        ("a rain jacket that packs down into its own pocket", ["packable"]),
        ("the wired ones always tangle", []),  # "wired" is no form of wireless
        ("i don't need it to cancel noise", []),  # ruled out
        ("a grinder", []),  # the word itself is the vocabulary matcher's
    ],
)
def test_a_feature_said_as_what_the_product_does_is_asked_for(text: str, keys: list[str]) -> None:
    assert done_keys(text, _ATTRS) == keys


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, demo_products: list[Product]) -> Iterator[Assistant]:
    with small_assistant(tmp_path_factory.mktemp("doing") / "data", demo_products) as a:
        yield a


@pytest.mark.parametrize(
    ("first", "then", "key"),
    [
        ("a robot vacuum", "ones that mop?", "mop"),
        ("a robot vacuum", "and ones that mop too?", "mop"),
        ("headphones", "ones that cancel noise?", "noise_cancelling"),
        ("coffee makers", "any that grind their own beans?", "built_in_grinder"),
    ],
)
def test_ones_that_do_it_narrow_the_kind_shown(demo: Assistant, first: str, then: str, key: str) -> None:
    _, _, _, sid = turn(demo, first)
    shown, _, plan, _ = turn(demo, then, sid)
    assert plan.intent == "refine"
    assert plan.filters.attributes.get(key) == "yes"
    assert not plan.filters.text_words
    assert shown and all(p.attributes.get(key) == "yes" for p in shown)

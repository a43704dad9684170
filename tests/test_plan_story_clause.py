"""A story, then the ask after a comma (the late-bh cases): "my son wrecked his headphones, any kids
headphones?" asks for what the later clause names, not for what the story says broke; a first clause
that asks itself ("need a tent, any with a vestibule?") stays the ask."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from assistant.plan.planner import product_phrase
from assistant.plan.vocab import matcher_for
from retrieval.products import Vocabulary
from retrieval.schema import CatalogSchema
from tests.plan_support import plan_after


@pytest.mark.parametrize(
    ("message", "phrase", "kind"),
    [
        ("my son wrecked his headphones, any kids headphones?", "kids headphones", "kids headphones"),
        ("the rain soaked right through my jacket, got any rain jackets?", "rain jackets", "rain jackets"),
        ("my old blender finally died, do you have any blenders?", "blenders", "blenders"),
    ],
)
def test_the_later_clause_that_asks_names_the_product(
    message: str,
    phrase: str,
    kind: str,
    demo_vocabulary: Vocabulary,
    demo_schema: CatalogSchema,
    demo_titles: Callable,
) -> None:
    assert phrase in product_phrase(message, matcher_for(demo_vocabulary))
    assert plan_after(message, demo_vocabulary, demo_schema, demo_titles).filters.categories == [kind]


def test_a_first_clause_that_asks_stays_the_ask(demo_vocabulary: Vocabulary) -> None:
    assert "tent" in product_phrase("need a tent, any with a vestibule?", matcher_for(demo_vocabulary))

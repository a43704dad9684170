"""A bound said after a figure may follow the measure's noun ("8 hours of battery or more", "25 lbs
of weight or more") and may be said with an article or "very" ("at the very least", "at minimum",
"at the most"): the figure is then a bound, not a nominal size (the late-bt cases)."""

from __future__ import annotations

import pytest

from assistant.plan.semantics import said_quantities
from retrieval.filters import NumericRange


@pytest.mark.parametrize(
    ("text", "unit", "bounds"),
    [
        ("earbuds with 8 hours of battery or more", "hours", NumericRange(gte=8)),
        ("headphones with 40 hours of battery life or more", "hours", NumericRange(gte=40)),
        ("a weighted blanket with 25 lbs of weight or more", "lb", NumericRange(gte=25)),
        ("weighted blanket, 25 lbs at the very least", "lb", NumericRange(gte=25)),
        ("a standing desk, 60 inches wide at minimum", "in", NumericRange(gte=60)),
        ("a laptop with a 14 inch screen at the most", "in", NumericRange(lte=14)),
        # no bound said: a whole figure is a nominal size
        ("earbuds with 8 hours of battery", "hours", NumericRange(gte=8, lt=9)),
    ],
)
def test_the_bound_after_the_measure(text: str, unit: str, bounds: NumericRange) -> None:
    found = said_quantities(text)
    assert [(u, b) for u, b, _ in found] == [(unit, bounds)]

"""Prices said as a mark or with "sub" (the late-cz cases): "headphones around the 100 mark" is
around $100, "a coffee maker sub 100" and "sub-$50 earbuds" are under it; "a subwoofer" or a bare
"3 mark" are no prices."""

from __future__ import annotations

import pytest

from assistant.plan.prices import parse_prices


@pytest.mark.parametrize(
    ("text", "low", "high"),
    [
        ("headphones around the 100 mark", 85.0, 115.0),
        ("something at the $80 dollar mark", 68.0, 92.0),
        ("the 200 mark is about right", 170.0, 230.0),
        ("a coffee maker sub 100", None, 100.0),
        ("sub-$50 earbuds", None, 50.0),
        ("a subwoofer", None, None),
        ("a subwoofer under 200", None, 200.0),
        ("3 mark", None, None),
    ],
)
def test_a_mark_is_around_and_sub_is_under(text: str, low: float | None, high: float | None) -> None:
    parsed = parse_prices(text)
    assert (parsed.price_min, parsed.price_max) == (low, high)

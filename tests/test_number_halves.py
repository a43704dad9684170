"""A half of a unit said in words is a figure (the late-bv cases): "under half a kilo", "a half
gallon", "a kilo and a half", "two and a half hours", "3 feet and a half". A half of something that
is no unit ("half a dozen", "half a grand") is left as said."""

from __future__ import annotations

import pytest

from assistant.plan.semantics import numbers_to_digits


@pytest.mark.parametrize(
    ("said", "read"),
    [
        ("any sleeping bag that weighs under half a kilo?", "any sleeping bag that weighs under 0.5 kilo?"),
        ("a water bottle that holds half a gallon", "a water bottle that holds 0.5 gallon"),
        ("a half gallon jug", "0.5 gallon jug"),
        ("a tent under a kilo and a half", "a tent under 1.5 kilo"),
        ("two and a half hours of battery", "2.5 hours of battery"),
        ("3 feet and a half", "3.5 feet"),
        ("under half a grand", "under half 1000"),
        ("half the price", "half the price"),
    ],
)
def test_a_half_of_a_unit_is_a_figure(said: str, read: str) -> None:
    assert numbers_to_digits(said) == read

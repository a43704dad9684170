"""A temperature below zero ("-10 degrees", "minus 20", "20 below zero") is a negative figure, and a
rating said without its unit ("rated to -30", "good down to 15") is in degrees: a winter camper is
never shown a +20 °F bag for "minus 20", and "rated to -30" says honestly that -20 °F is the warmest."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.plan.semantics import said_quantities
from assistant.turn import Assistant
from retrieval.catalog import Product
from tests.turn_support import MINILM, small_assistant, turn


@pytest.mark.parametrize(
    ("message", "low", "high"),
    [
        ("a bag for -10 degrees", -10.1, -9.9),
        ("rated to -20F", -20.3, -19.7),
        ("a bag for 20-30 degree nights", None, None),  # a range's dash is no minus sign
    ],
)
def test_a_minus_sign_before_a_temperature_makes_it_negative(
    message: str, low: float | None, high: float | None
) -> None:
    figures = said_quantities(message)
    if low is None:
        assert all((b.gte or 0) >= 0 for _, b, _ in figures)
        return
    [(unit, bounds, _)] = figures
    assert unit == "°F" and bounds.gte is not None and bounds.lte is not None
    assert low <= bounds.gte <= bounds.lte <= high


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, demo_products: list[Product]) -> Iterator[Assistant]:
    with small_assistant(tmp_path_factory.mktemp("below-zero") / "data", demo_products, **MINILM) as a:
        yield a


@pytest.mark.parametrize(
    ("message", "bound"),
    [
        ("a sleeping bag good to minus 20", -20.0),
        ("a bag for 20 below zero nights", -20.0),
        ("a sleeping bag rated to 20", 20.0),
        ("a sleeping bag for -10 degrees", -10.0),
    ],
)
def test_a_winter_rating_is_read_with_its_sign(demo: Assistant, message: str, bound: float) -> None:
    shown, _, plan, _ = turn(demo, message)
    assert plan.filters.attribute_ranges["temp_rating_f"].lte == bound
    assert shown and all(float(p.attributes["temp_rating_f"]) <= bound for p in shown)


def test_a_rating_colder_than_any_is_said_to_be(demo: Assistant) -> None:
    shown, text, _, _ = turn(demo, "a sleeping bag rated to -30")
    assert "-30" in text and "-20" in text
    assert shown and float(shown[0].attributes["temp_rating_f"]) == -20

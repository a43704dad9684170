"""A minimum star rating said in words is a bound on the rating (``assistant.plan.prices``): never a
price ("rated at least 4.8" is no $4.80), a measure ("rated to 5 degrees") or a feature ("five star
reviews" is no Energy Star)."""

from __future__ import annotations

import pytest

from assistant.plan.prices import parse_prices, rating_spans


@pytest.mark.parametrize(
    ("said", "rating"),
    [
        ("any of those rated 4.9 or better?", 4.9),
        ("any of them rated at least 4.8?", 4.8),
        ("anything with a rating of 4.5 or more", 4.5),
        ("at least a 4.5 rating please", 4.5),
        ("show me ones with at least a 4.8 rating", 4.8),
        ("just the ones rated 4.7 and above", 4.7),
        ("only ones with 4.7 and up", 4.7),
        ("do any of them have five star reviews?", 5.0),
        ("got any five star ones?", 5.0),
        ("five-star ones only", 5.0),
        ("any with a perfect 5 star rating?", 5.0),
        ("4 stars and up", 4.0),
        ("rated 4+", 4.0),
        ("rated 4 or better", 4.0),
        # a bound past a figure: ratings go by tenths
        ("a rating above 4.4?", 4.5),
        ("rated over 4.5", 4.6),
        ("anything over 4.5", 4.6),
    ],
)
def test_a_rating_said_in_words_is_a_minimum_rating(said: str, rating: float) -> None:
    parsed = parse_prices(said)
    assert parsed.min_rating == rating
    assert parsed.price_min is None and parsed.price_max is None


@pytest.mark.parametrize(
    ("said", "price_min", "price_max"),
    [
        ("under 4.5 dollars", None, 4.5),
        ("between 4.5 and 5 bucks", 4.5, 5.0),
        ("over 4.50", 4.5, None),
    ],
)
def test_money_stays_a_price(said: str, price_min: float | None, price_max: float | None) -> None:
    parsed = parse_prices(said)
    assert parsed.min_rating is None
    assert (parsed.price_min, parsed.price_max) == (price_min, price_max)


@pytest.mark.parametrize(
    "said", ["a bag rated to 5 degrees", "rated for 400 lbs", "a 4.5 inch screen and up", "4 or more people"]
)
def test_a_measure_is_no_rating(said: str) -> None:
    assert parse_prices(said).min_rating is None
    assert rating_spans(said) == []


def test_the_words_of_a_rating_are_one_span() -> None:
    # "rated a perfect 5 stars" said two ways at once: all of it, so no word of it names a kind
    text = "any of those rated a perfect 5 stars?"
    assert rating_spans(text) == [(text.index("rated"), text.index("?"))]

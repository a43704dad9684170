"""Prices (and star ratings) in the shopper's own words → numbers.

Explicit forms: "under $600", "below 50", "less than 1,200", "max 80 dollars", "1.5k or less",
"over 200", "at least $30", "$50+", "between 50 and 100", "$50-$100", "50 to 100 bucks",
"around $300" (±15%), and a bare amount with a currency marker ("for $600": a budget cap).
A number followed by a unit ("under 5 lbs", "2-3 people") is not a price. A zero or missing cap is
never a filter ("for $0" is not a constraint anyone means).

Relative forms ("cheaper ones?", "more expensive") are only detected here; :func:`relative_bounds`
turns them into bounds from the products shown last turn. "cheap"/"budget" and "premium" are soft.
"""

from __future__ import annotations

import re
import statistics
from collections.abc import Sequence
from functools import lru_cache
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.plan.text import CARRY_VERBS, LOAD_LEAD
from retrieval.filters import Filters

__all__ = [
    "AROUND_TOLERANCE",
    "CHEAPER_FACTOR",
    "PriceParse",
    "parse_prices",
    "relative_bounds",
]

AROUND_TOLERANCE = 0.15
CHEAPER_FACTOR = 0.8
"""Without shown prices, "cheaper" caps at 80% of the previous cap."""

Direction = Literal["cheaper", "pricier"]

_NUM = r"(?P<{g}>\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?)(?P<{g}k>\s?k\b)?"
_CUR_AFTER = r"(?P<{g}c>\s?(?:dollars?|bucks|usd)\b)?"


def _money(group: str) -> str:
    return r"(?P<" + group + r"d>\$\s?)?" + _NUM.format(g=group) + _CUR_AFTER.format(g=group)


_UNIT = re.compile(
    r"\s*(?:-\s*)?(?:lbs?|pounds?|kgs?|oz|ounces?|grams?|g\b|inch(?:es)?|\"|ft|feet|foot|cm|mm|meters?|"
    r"metres?|db|decibels?|watts?|w\b|volts?|v\b|people|persons?|person|man\b|men\b|years?|yrs?|"
    r"months?|stars?|gb|tb|mb|hours?|hrs?|minutes?|mins?|l\b|liters?|litres?|quarts?|qt|cups?|"
    r"pieces?|pcs|pack|packs|%|percent|mph|rpm|mah|degrees?|place|settings?|x\b|cu\b|cubic|seater|"
    r"seats?|burners?|slices?|speeds?|ports?|sizes?|count|ct\b|"
    # "about ten of us", "six of them", "for 4 guys": how many, not a price
    r"of\s+(?:us|them|you|y'all)\b|guys\b|kids\b|adults\b|folks\b|friends\b)"
)
_PRICE_CONTEXT = re.compile(
    r"\b(?:price[sd]?|budget|cost|costs|spend|pay|dollars?|bucks|usd|money|thinking)\b|\$"
)

# What a shopper calls the most they will pay: "my ceiling", "a hard cap", "the upper limit"
_LIMIT_NOUN = r"(?:(?:hard|absolute|upper|top|price|spending)\s+)?(?:limit|cap|ceiling)"
_MAX_CUES = (
    r"nothing over|nothing above|not over|not above|never over|no higher than|nothing more than|"
    # "neither one more than four hundred", "none of them over 50": a cap on each item
    r"(?:neither|none|nothing|no)(?:\s+(?:one|of\s+(?:them|those|these|the\s+two)))?\s+"
    r"(?:(?:is|are|costs?|costing|should\s+be)\s+)?(?:over|above|more\s+than|past|beyond|north\s+of)|"
    # "can't go over 700", "don't want to spend more than 50": a cap said as a limit
    r"(?:can'?t|cannot|can not|won'?t|wont|don'?t|do not|doesn'?t|does not|shouldn'?t|mustn'?t|not)\s+(?:want\s+to\s+|wanna\s+|going\s+to\s+|gonna\s+|trying\s+to\s+|looking\s+to\s+|planning\s+(?:on|to)\s+)?"
    r"(?:go|spend|spending|pay|paying|be|exceed|(?:cost|run|set)(?:\s+(?:me|us|him|her|them|you|u))?(?:\s+back)?)\s+"
    r"(?:over|above|more\s+than|past|beyond)?\s*|"
    r"under|below|beneath|less than|less then|cheaper than|lower than|no more than|not more than|"
    r"at most|max(?:imum)?(?: of)?|up to|upto|within|sub(?:\s*-)?|"
    r"budget(?:'s| is| of)?(?:\s+(?:like|maybe|only|just|prob|probably))?|<=?|"
    r"(?:stretch|push)(?:ing)?\s+(?:it\s+)?(?:up\s+)?to(?:\s+(?:like|about|around|maybe))?|"
    # a limit named before the amount: "my ceiling is 200", "a hard cap of 80", "limit's 60"
    rf"(?:(?:my|our|the|his|her|their|a|an)\s+)?{_LIMIT_NOUN}(?:'s|\s+is|\s+of|\s+at|\s+would\s+be|\s*[:=])?|"
    # ... or said as what is done to the price: "cap it at 100", "keep it to twenty", "limit it to 18"
    r"(?:cap|caps|capped|capping|limit|limits|limited|limiting|keep|keeping|hold|holding)\s+"
    r"(?:(?:it|that|this|them|things|me|us|him|her|the\s+(?:price|budget|cost|spend)|spending|costs?)\s+)?(?:at|to)|"
    r"(?:top|max)(?:s|es|ped|ed|ping|ing)?\s+out\s+(?:at|around)|south\s+of"
)
_MIN_CUES = (
    r"over|above|more than|at least|min(?:imum)?(?: of)?|starting at|from|greater than|north of|"
    r"pricier than|more expensive than|higher than|>=?"
)
_AROUND_CUES = r"around|about|approximately|approx\.?|roughly|~|close to|near|circa"

_RANGE_WORDED = re.compile(rf"\b(?:between|from)\s+{_money('a')}\s*(?:and|to|-|–)\s*{_money('b')}")
_RANGE_AFTER = re.compile(r"\s*(?:range|price\s+range|bracket|ballpark)\b")
_RANGE_BARE = re.compile(rf"(?<![\w.]){_money('a')}\s*(?:-|–|to)\s*{_money('b')}")
_MAX_BEFORE = re.compile(
    # "stay under $300", "keep it below 50": the verb of the budget goes with the cap
    rf"(?:(?<=\s)|^)(?:(?:stay|staying|keep\s+it|keeping\s+it|be)\s+)?(?:{_MAX_CUES})\s*{_money('a')}"
)
_MAX_AFTER = re.compile(
    rf"(?<![\w.]){_money('a')}\s*(?:or less|or under|or below|and under|and below|or cheaper|max(?:imum)?\b|tops\b|"
    r"at\s+(?:the\s+)?(?:very\s+)?most\b|"
    # a total for everything asked ("a tent and a sleeping bag, 300 total"): no item costs more
    r"(?:in\s+)?total\b|all\s+in\b|altogether\b|combined\b|"
    # "60 is the limit", "250 is my ceiling", "hundred bucks is my cap", "80's my max"
    r"(?:is|'s|was|being|would\s+be|will\s+be)\s+(?:(?:my|our|the|his|her|their|a|an)\s+)?"
    rf"(?:{_LIMIT_NOUN}|max(?:imum)?|budget)\b)"
)
_MIN_BEFORE = re.compile(rf"(?:(?<=\s)|^)(?:{_MIN_CUES})\s*{_money('a')}")
_MIN_AFTER = re.compile(
    rf"(?<![\w.]){_money('a')}\s*(?:or more|and up|and above|or higher|\+|plus\b|min(?:imum)?\b)"
)
_CAP_AFTER = re.compile(
    r"(?:,?\s+[a-z']+){0,4}?,?\s+(?P<cue>max(?:imum)?|tops|at\s+(?:the\s+)?(?:very\s+)?most|limit)\b"
)
_AROUND = re.compile(
    rf"(?:(?<=\s)|^)(?:{_AROUND_CUES})\s*(?:the\s+)?{_money('a')}(?:\s+(?:dollar\s+)?mark\b)?"
    rf"|(?<![\w.]){_money('b')}\s*-?ish\b"
    rf"|(?:(?<=\s)|^)the\s+{_money('c')}\s*(?:dollar\s+)?mark\b"
)
"""Around an amount: "about $300", "50-ish", "around the 100 mark", "the $80 mark"."""
_BARE = re.compile(rf"\$\s?{_NUM.format(g='a')}|(?<![\w.]){_NUM.format(g='b')}\s?(?:dollars?|bucks|usd)\b")

_RATE_AFTER = re.compile(r"\s*(?:a|an|per|each|every|/)\s*(?:day|night|week|month|year|hour|mo|yr|hr)\b")
"""After an amount, a rate ("7 bucks a day", "$15 per month"): a running cost, never a budget."""

_STAR_WORDS = {"one": 1.0, "two": 2.0, "three": 3.0, "four": 4.0, "five": 5.0}
_STARS = r"(?P<r>[1-5](?:\.\d)?|one|two|three|four|five)"
_AT_LEAST = r"(?:at\s+least|over|above|more\s+than|higher\s+than|better\s+than|no\s+less\s+than|min(?:imum)?(?:\s+of)?)"
_BEYOND = re.compile(r"\b(?:over|above|more\s+than|higher\s+than|better\s+than)\s")
_AND_UP = (
    r"(?:\s*\+|\s+(?:and\s+up|and\s+above|and\s+higher|or\s+more|or\s+higher|or\s+better|or\s+above|plus))"
)
# a figure a rating can be said as without "stars" ("4.5"; "4+", "4 or better")
_SCORE = rf"(?P<r>[1-4]\.\d|5(?:\.0)?|[1-4](?={_AND_UP}))"
# (not a measure: "rated to 5 degrees", "4.5 inches and up")
_NO_MEASURE = r"(?!\s*(?:-\s*)?(?:°|degrees?|deg\b|f\b|c\b|lbs?\b|pounds?|kgs?\b|oz\b|%|percent|inch|in\b|\"|ft\b|feet|foot|mm\b|cm\b|hours?|hrs?\b|watts?|w\b|volts?|v\b|gb\b|tb\b|l\b|liters?|litres?|quarts?|qt\b|cups?|mph|people|persons?|years?|yrs?)|[\d.,])"
_RATINGS = (
    # "4 stars and up", "a perfect 5 star rating", "five star reviews", "at least 4.5 stars"
    re.compile(
        rf"(?:{_AT_LEAST}\s+)?(?:a\s+)?(?:perfect\s+)?{_STARS}\s*\+?\s*-?\s*stars?\b"
        rf"(?:\s+(?:ratings?|reviews?))?{_AND_UP}?"
    ),
    # "rated 4.9 or better", "rated at least 4.8", "a rating of 4.5 or more", "reviews above 4.5"
    re.compile(
        rf"\b(?:rated|ratings?|reviews?|reviewed|score[sd]?|average)\s+(?:(?:of|is|at|with)\s+)?"
        rf"(?:{_AT_LEAST}\s+)?(?:a\s+)?(?:perfect\s+)?{_SCORE}{_NO_MEASURE}{_AND_UP}?"
    ),
    # "at least a 4.5 rating", "a 4.5 or above rating", "4.7 and up reviews"
    re.compile(rf"(?:{_AT_LEAST}\s+)?(?:a\s+)?{_SCORE}{_AND_UP}?\s+(?:ratings?|reviews?|rated|average)\b"),
    # "only ones with 4.7 and up", "anything over 4.5": a figure with one decimal and a bound, no money
    # or measure, is the rating a shopper sorts by, not a price
    # (a bound before it or after it: "and up" is needed only when no "over" came first)
    re.compile(
        rf"(?<![$\d.,])(?:(?P<lead>{_AT_LEAST})\s+)?(?P<r>[1-4]\.\d){_NO_MEASURE}"
        rf"(?!\s*(?:dollars?|bucks|usd))(?(lead)(?:{_AND_UP})?|{_AND_UP})"
    ),
)
"""A minimum star rating said in words ("rated 4.9 or better", "five star reviews", "4.5+ stars")."""


def rating_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` (lowercased) says a minimum star rating: no words of the product asked."""
    return [span for span, _ in _ratings(text)]


def _ratings(lowered: str) -> list[tuple[tuple[int, int], float]]:
    """Every minimum rating in ``lowered`` (its span and figure), earliest first, none overlapping."""
    found: list[tuple[tuple[int, int], float]] = []
    if "star" not in lowered and not any(c.isdigit() for c in lowered):
        return found  # (every way of saying a rating has a figure or the word "star")
    for pattern in _RATINGS:
        for m in pattern.finditer(lowered):
            at = next((i for i, ((a, b), _) in enumerate(found) if a < m.end() and m.start() < b), None)
            if at is not None:
                # one rating said two ways at once ("rated a perfect 5 stars"): the whole of it
                (a, b), figure = found[at]
                found[at] = ((min(a, m.start()), max(b, m.end())), figure)
                continue
            said = m.group("r")
            figure = _STAR_WORDS.get(said) or float(said)
            if _BEYOND.search(m.group(0)) and not re.search(_AND_UP + "$", m.group(0)):
                # "a rating above 4.4": ratings go by tenths, so 4.5 and up
                figure = min(5.0, round(figure + 0.1, 1))
            found.append((m.span(), figure))
    return sorted(found)


# "women over 50", "adults 60+": an age; "men under 50" stays a price (shoppers mean the budget).
_AGE_BOUND = re.compile(
    r"\b(?:women|woman|men|man|adults?|people|seniors?|folks|ladies|guys|someone|anyone|him|her|those)\s+"
    r"(?:over|above|older\s+than)\s+(?:[2-9]\d)\+?(?!\s*(?:dollars?|bucks|usd|\$))(?![\d.,])"
    r"|\b(?:women|men|adults)\s+[2-9]\d\s*\+"
)
# "ones that hold three hundred or more", "rated for 400": what a product carries, not what it costs
_HOLDS = re.compile(
    rf"\b(?:{CARRY_VERBS}|sleeps?)\s+{LOAD_LEAD}"
    r"\d[\d,]*(?:\.\d+)?(?:\s*(?:or|and)\s+(?:more|up|over|above|higher))?(?![\d.,])(?!\s*(?:dollars?|bucks|usd|\$))"
)
_CHEAPER = re.compile(
    r"\b(?:cheaper|less expensive|lower[- ]priced|lower price[sd]?|more affordable|less pricey|less costly|"
    r"cheaper ones?|lower cost|not\s+(?:so|too|that|as)\s+(?:expensive|pricey|costly|much))\b"
)
_PRICIER = re.compile(
    r"\b(?:more expensive|pricier|premium|higher[- ]end|high[- ]end|fancier|upscale|more upmarket|"
    r"better quality|top of the line|luxury)\b"
)
# "money is no object": no cap, and the best rather than the cheapest — a soft premium, not a bound
_NO_BUDGET = re.compile(
    r"\b(?:money|price|cost)(?:\s+is|'s)\s+no\s+(?:object|issue|problem)\b|\bno\s+budget\b|\bbudget\s+is\s+no\s+(?:issue|object)\b"
)
_SOFT_BUDGET = re.compile(
    r"\b(?:cheap|budget(?:'s)?|affordable|inexpensive|low[- ]cost|bargain|economical|cheapest)(?!\w)"
)


class PriceParse(BaseModel):
    """Prices found in one message, and the character spans they occupied (to drop from the query)."""

    model_config = ConfigDict(extra="forbid")

    price_min: float | None = None
    price_max: float | None = None
    relative: Direction | None = None
    soft: Literal["budget", "premium"] | None = None
    min_rating: float | None = None
    spans: list[tuple[int, int]] = Field(default_factory=list)

    @property
    def explicit(self) -> bool:
        return self.price_min is not None or self.price_max is not None


def _amount(m: re.Match[str], group: str) -> float:
    value = float(m.group(group).replace(",", ""))
    return value * 1000 if m.group(group + "k") else value


def _has_currency(m: re.Match[str], group: str) -> bool:
    groups = m.groupdict()
    return bool(groups.get(group + "d") or groups.get(group + "c"))


_IN_AS_WORD = re.compile(r"\s*in\s+(?P<next>[a-z']+)")


# "a deck box that fits around 100 cards": a count of things, not a price
_COUNTED = re.compile(
    r"\s*(?!(?:bucks|dollars|tops|thanks|always|perhaps|unless|plus|minus|yes|pls|thats|whats|its)\b)"
    r"[a-z]{3,}(?<!s)s\b"
)


def _unit_follows(text: str, m: re.Match[str]) -> bool:
    if _UNIT.match(text, m.end()) is not None or _COUNTED.match(text, m.end()) is not None:
        return True
    unit = _catalog_unit().match(text, m.end())
    if unit is None:
        return False
    said = _IN_AS_WORD.match(text, m.end())
    if said is not None and said.end() >= unit.end():
        # "below 150 in any colour", "under 80 in black": the preposition, not inches
        from assistant.plan.text import COLOR_WORDS, FILLER_WORDS

        return said.group("next") not in FILLER_WORDS | COLOR_WORDS | {"stock"}
    return True


@lru_cache(maxsize=1)
def _catalog_unit() -> re.Pattern[str]:
    """The units the catalog's attribute keys are measured in (``retrieval/data/units.yaml``): "500 sq
    ft" is a room size, not a price."""
    from retrieval.schema import unit_spellings

    names = sorted(
        {n.lower() for ns in unit_spellings().values() for n in ns if n.strip("\"'°")}, key=len, reverse=True
    )
    return re.compile(r"\s*(?:-\s*)?(?:" + "|".join(re.escape(n) for n in names) + r")(?![a-z])")


def _overlaps(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(start < e and s < end for s, e in spans)


CORRECTION = re.compile(
    r"\b(?:actually|no\s+wait|wait|i\s+meant|i\s+mean|make\s+(?:it|that)|scratch\s+that|or\s+rather|rather)\b"
)


def parse_prices(text: str) -> PriceParse:
    """Explicit price bounds, relative/soft price words and a minimum star rating in ``text``."""
    lowered = text.replace("\u2019", "'").lower()
    spans: list[tuple[int, int]] = []
    low: float | None = None
    high: float | None = None

    ratings = _ratings(lowered)
    spans.extend(span for span, _ in ratings)
    ages = [m.span() for m in _AGE_BOUND.finditer(lowered)]  # "women over 50" is an age, not a price
    ages += [m.span() for m in _HOLDS.finditer(lowered)]  # "ones that hold 300 or more": a load
    min_rating = ratings[0][1] if ratings else None

    def take(m: re.Match[str]) -> bool:
        if _overlaps(spans, *m.span()) or _overlaps(ages, *m.span()):
            return False
        spans.append(m.span())
        return True

    context = _PRICE_CONTEXT.search(lowered) is not None
    cap_said_at = -1
    for pattern in (_RANGE_WORDED, _RANGE_BARE):
        for m in pattern.finditer(lowered):
            priced = (
                _has_currency(m, "a")
                or _has_currency(m, "b")
                or context
                or pattern is _RANGE_WORDED
                or _RANGE_AFTER.match(lowered, m.end()) is not None  # "in the 450 to 650 range"
            )
            if not priced or (not _has_currency(m, "b") and _unit_follows(lowered, m)) or not take(m):
                continue
            a, b = sorted((_amount(m, "a"), _amount(m, "b")))
            low, high = a, b
    for pattern, kind in (
        (_MAX_BEFORE, "max"),
        (_MAX_AFTER, "max"),
        (_MIN_BEFORE, "min"),
        (_MIN_AFTER, "min"),
    ):
        for m in pattern.finditer(lowered):
            if (not _has_currency(m, "a") and _unit_follows(lowered, m)) or not take(m):
                continue
            if kind == "max":
                high = _amount(m, "a")
                cap_said_at = max(cap_said_at, m.start())
            else:
                low = _amount(m, "a")
    capped = high is not None
    for m in _AROUND.finditer(lowered):
        group = next(g for g in ("a", "b", "c") if m.group(g))
        if (not _has_currency(m, group) and _unit_follows(lowered, m)) or not take(m):
            continue
        center = _amount(m, group)
        if _CAP_AFTER.match(lowered, m.end()):
            high = center  # "about 700 to spend max": a cap, said loosely
            continue
        if capped and high is not None:
            if cap_said_at > m.end() and CORRECTION.search(lowered, m.end(), cap_said_at):
                # "around three hundred... actually make it 250 max": the corrected cap alone holds
                continue
            # "around a hundred, a hundred and ten at the very most": the stated cap holds
            low = round(center * (1 - AROUND_TOLERANCE), 2)
            high = max(high, low)
            continue
        low, high = round(center * (1 - AROUND_TOLERANCE), 2), round(center * (1 + AROUND_TOLERANCE), 2)
    for m in _BARE.finditer(lowered):
        if _RATE_AFTER.match(lowered, m.end()):
            spans.append(m.span())  # "instead of paying 7 bucks a day": what something costs per day
            continue
        if capped and cap_said_at > m.start():
            continue  # "7 bucks … under $200": the cap said after a bare amount holds
        if take(m):
            high = float((m.group("a") or m.group("b")).replace(",", "")) * (
                1000 if (m.group("ak") or m.group("bk")) else 1
            )
            if (cap := _CAP_AFTER.match(lowered, m.end())) is not None:
                spans.append(
                    cap.span("cue")
                )  # "thirty bucks for the set, tops": the cue is no word to search

    low = low if low else None  # a zero floor is no floor
    high = high if high else None  # a zero cap is never meant
    if low is not None and high is not None and low > high:
        low, high = high, low

    for m in _NO_BUDGET.finditer(lowered):
        spans.append(m.span())
    no_budget = any(True for _ in _NO_BUDGET.finditer(lowered))
    rest = _blank(lowered, spans)
    relative: Direction | None = None
    soft: Literal["budget", "premium"] | None = None
    for pattern, direction in ((_CHEAPER, "cheaper"), (_PRICIER, "pricier")):
        for m in pattern.finditer(rest):
            relative = relative or direction  # type: ignore[assignment]
            spans.append(m.span())
    rest = _blank(lowered, spans)
    for m in _SOFT_BUDGET.finditer(rest):
        soft = "budget"
        spans.append(m.span())
    if no_budget:
        soft = "premium"
    # "in the 200-ish range", "the $50 price range": the range word belongs to the price, no product
    spans = [(a, r.end()) if (r := _RANGE_AFTER.match(lowered, b)) is not None else (a, b) for a, b in spans]
    if relative == "pricier" and re.search(r"\b(?:premium|high[- ]end|luxury|top of the line)\b", lowered):
        soft = soft or "premium"
    return PriceParse(
        price_min=low, price_max=high, relative=relative, soft=soft, min_rating=min_rating, spans=spans
    )


def _blank(text: str, spans: list[tuple[int, int]]) -> str:
    chars = list(text)
    for s, e in spans:
        chars[s:e] = " " * (e - s)
    return "".join(chars)


def relative_bounds(
    direction: Direction, shown_prices: Sequence[float], previous: Filters | None
) -> tuple[float | None, float | None] | None:
    """``(price_min, price_max)`` for "cheaper"/"more expensive" relative to what was shown.

    Cheaper: just below the **median** price shown last turn (the cheaper half stays reachable and
    anything cheaper appears; "below the cheapest" empties small catalogs too often); without shown
    prices, :data:`CHEAPER_FACTOR` × the previous cap. More expensive: just above the median shown;
    without shown prices, the previous cap becomes the floor. ``None`` when there is nothing to be
    relative to (the caller keeps it as a soft preference).
    """
    prices = sorted(p for p in shown_prices if p is not None and p > 0)
    prev_min = previous.price_min if previous else None
    prev_max = previous.price_max if previous else None
    if direction == "cheaper":
        if prices:
            cap = round(statistics.median(prices) - 0.01, 2)
        elif prev_max:
            cap = round(prev_max * CHEAPER_FACTOR, 2)
        else:
            return None
        floor = prev_min if prev_min is not None and prev_min < cap else None
        return (floor, cap) if cap > 0 else None
    if prices:
        floor = round(statistics.median(prices) + 0.01, 2)
    elif prev_max:
        floor = prev_max
    elif prev_min:
        floor = round(prev_min * 1.25, 2)
    else:
        return None
    ceiling = prev_max if prev_max is not None and prev_max > floor else None
    return floor, ceiling

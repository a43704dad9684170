"""The ages a product's own text says it is for: "Board Game for Kids Ages 6 and Up", "Ages 3-7",
"for 6 Year Olds and Up", "Ages 8+", "for ages 3 to 7".

A raw marketplace feed (ESCI) files no age attribute: a game's or toy's suitable ages are stated in
its title or its bullet points only ("For 2-4 players, ages 4 and up"). ``Filters.child_age`` asks
for a child of one age: a product whose text states ages that leave the child out (a 4-year-old and
"Ages 8+") does not match, and one whose stated ages take the child in counts as a kids' one even
where it never says "kids" (see :func:`retrieval.filters.matches`).

    stated_ages("Hasbro Mouse Trap Board Game For Kids Ages 6 and Up")  # (6, None)
    stated_ages("Soggy Doggy Board Game for kids ages 4-8")            # (4, 8)
    stated_ages("Card Game Created by a 7 Year Old")                   # None: no ages stated
    admits((6, None), 4)                                                # False

Months ("0-3 Months", a baby's clothing size) and durations ("5-Year Warranty", "1 Year Supply")
are no ages: only a figure after "age(s)" or before "years (old) and up / +" is read.
"""

from __future__ import annotations

import re

__all__ = ["CHILD_WORD", "admits", "for_children", "stated_ages", "text_ages"]

CHILD_WORD = "kids"
"""The word a kids' product's text says (the planner's ask for a child's things in a feed without ages)."""

_UP = r"(?:\+|\s*(?:and|&|or)\s+(?:up|older|over|above)\b)"
_YEARS = r"(?:years?|yrs?)(?:[\s-]*olds?)?"
_YEARS_OLD = r"(?:years?|yrs?)[\s-]*olds?"
_RANGE = r"\s*(?:-|–|to|through)\s*"
_AGES = re.compile(
    # "ages 4-8", "Ages 3 to 7", "age 3 - 5 years"
    rf"\bages?\s*(?:of\s+|from\s+)?(?P<lo>\d{{1,2}}){_RANGE}(?P<hi>\d{{1,2}})\b(?!\s*(?:months?|mos?)\b)"
    # "Ages 6+", "Age 4 and Up", "ages 5 years and up"
    rf"|\bages?\s*(?:of\s+)?(?P<up>\d{{1,2}})\s*(?:{_YEARS}\s*)?{_UP}"
    # "3 Years and up", "6 Year Olds and Up", "5 Years & Older", "8+ years old" (not "for 36+ years")
    rf"|(?<![\d.,/-])(?P<yup>\d{{1,2}})\s*(?:{_YEARS}\s*{_UP}|\+\s*{_YEARS_OLD}\b)"
    # "for 3-5 year olds", "3 to 7 years old" (not a size's "3-4 Years", nor "a life span of 6-8 years")
    rf"|(?<![\d.,/-])(?P<ylo>\d{{1,2}}){_RANGE}(?P<yhi>\d{{1,2}})\s*{_YEARS_OLD}\b"
    # "for all ages"
    r"|\b(?P<all>all\s+ages)\b",
    re.IGNORECASE,
)

_EVERYONE = re.compile(r"\badults?\s+(?:and|&)\s+(?:children|kids)\s*$", re.IGNORECASE)


def text_ages(text: str) -> tuple[int, int | None] | None:
    """The first ages ``text`` says a product is for, as (youngest, oldest or ``None`` for no upper
    bound); ``None`` when it states none."""
    for m in _AGES.finditer(text):
        if _EVERYONE.search(text, max(0, m.start() - 30), m.start()):
            continue  # directions of use ("Adults and children 2 yrs and above"): no kids' product
        if m.group("all"):
            return (0, None)
        lo = m.group("lo") or m.group("ylo")
        hi = m.group("hi") or m.group("yhi")
        if lo is not None and hi is not None:
            low, high = int(lo), int(hi)
            if low <= high:  # ("ages 8-3": no range)
                return (low, high)
            continue
        up = m.group("up") or m.group("yup")
        if up is not None:
            return (int(up), None)
    return None


def stated_ages(title: str, bullets: str = "") -> tuple[int, int | None] | None:
    """The ages a product's title states, or else its bullet points (the title speaks first)."""
    return text_ages(title) or (text_ages(bullets) if bullets else None)


def admits(ages: tuple[int, int | None], age: int) -> bool:
    """Whether stated ``ages`` take in a child of ``age``."""
    low, high = ages
    return low <= age and (high is None or age <= high)


_CHILD_YEARS = 12
"""The oldest youngest-age a statement may give and still say a child's product ("Ages 12+" is)."""
_ADULT = 18


def for_children(ages: tuple[int, int | None]) -> bool:
    """Whether stated ``ages`` say a kids' product ("Ages 3 and Up", "ages 7-16"), not one for anyone
    ("all ages") or for adults ("Adults 18 years and older")."""
    low, high = ages
    return 1 <= low <= _CHILD_YEARS or (high is not None and high < _ADULT)

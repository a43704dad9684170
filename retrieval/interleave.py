"""Team-draft interleaving (Radlinski, Kurup & Joachims, 2008): compare two rankers on one served list.

:func:`team_draft` merges rankings ``a`` and ``b``: in each round a coin decides which team picks
first, and each team adds its highest-ranked item not yet in the list. Every served item carries its
team label (stored in the served list's ``context``). :func:`credit` says which team won a list (the
one whose items got more clicks); :func:`interleaving_outcome` aggregates lists into wins, ties and the
preference ``Δ = (wins_a − wins_b) / lists with a click``, with a two-sided binomial sign test on the
decided lists (scipy).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Literal

import numpy as np
from pydantic import BaseModel

__all__ = ["InterleavingOutcome", "Team", "credit", "interleaving_outcome", "team_draft"]

Team = Literal["a", "b"]


def team_draft(
    a: Sequence[str], b: Sequence[str], n: int, rng: np.random.Generator
) -> tuple[list[str], list[Team]]:
    """Up to ``n`` ids interleaved from rankings ``a`` and ``b``, with the team that placed each."""
    served: list[str] = []
    teams: list[Team] = []
    seen: set[str] = set()
    count = {"a": 0, "b": 0}
    rankings: dict[Team, Sequence[str]] = {"a": a, "b": b}
    cursor = {"a": 0, "b": 0}

    def pick(team: Team) -> bool:
        ranking = rankings[team]
        while cursor[team] < len(ranking) and ranking[cursor[team]] in seen:
            cursor[team] += 1
        if cursor[team] >= len(ranking):
            return False
        item = ranking[cursor[team]]
        served.append(item)
        teams.append(team)
        seen.add(item)
        count[team] += 1
        return True

    while len(served) < n:
        if count["a"] < count["b"]:
            first: Team = "a"
        elif count["b"] < count["a"]:
            first = "b"
        else:
            first = "a" if rng.random() < 0.5 else "b"
        second: Team = "b" if first == "a" else "a"
        if not pick(first) and not pick(second):
            break
    return served, teams


def credit(teams: Sequence[Team], clicked_positions: Iterable[int]) -> Team | None:
    """The team whose items got more clicks (1-based positions); ``None`` for a tie or no click."""
    clicks = {"a": 0, "b": 0}
    for position in clicked_positions:
        if 1 <= position <= len(teams):
            clicks[teams[position - 1]] += 1
    if clicks["a"] == clicks["b"]:
        return None
    return "a" if clicks["a"] > clicks["b"] else "b"


class InterleavingOutcome(BaseModel):
    """Aggregated team-draft outcome over served lists."""

    lists: int
    wins_a: int
    wins_b: int
    ties: int
    preference: float
    """(wins_a − wins_b) / (wins_a + wins_b + ties with a click); > 0 favours ranker a."""
    p_value: float
    """Two-sided binomial sign test of wins_a vs wins_b (ties dropped)."""


def interleaving_outcome(results: Sequence[tuple[Team | None, bool]]) -> InterleavingOutcome:
    """``results``: per list, the winning team (or ``None``) and whether the list got any click."""
    from scipy.stats import binomtest

    wins_a = sum(1 for team, _ in results if team == "a")
    wins_b = sum(1 for team, _ in results if team == "b")
    ties = sum(1 for team, clicked in results if team is None and clicked)
    decided = wins_a + wins_b
    p_value = float(binomtest(wins_a, decided, 0.5).pvalue) if decided else 1.0
    engaged = decided + ties
    return InterleavingOutcome(
        lists=len(results),
        wins_a=wins_a,
        wins_b=wins_b,
        ties=ties,
        preference=(wins_a - wins_b) / engaged if engaged else 0.0,
        p_value=p_value,
    )

"""A turn's time budget for the model: every LLM call of the turn draws from one :class:`Deadline`.

Each call's timeout is what is left of the budget, bounded by the per-call timeout
(``AISLE_LLM_TIMEOUT_S``); once the budget is spent the remaining LLM steps are skipped and the turn
finishes from catalog facts. Retries and ``Retry-After`` waits draw from it too, so a turn never
waits past its deadline.
"""

from __future__ import annotations

import time
from collections.abc import Callable

__all__ = ["MIN_CALL_S", "Deadline"]

MIN_CALL_S = 0.05
"""Less budget than this left: the call is not worth starting."""


class Deadline:
    """``budget_s`` seconds from now on a monotonic clock (injectable for tests)."""

    def __init__(self, budget_s: float, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.budget_s = budget_s
        self._clock = clock
        self._end = clock() + budget_s

    @classmethod
    def unlimited(cls) -> Deadline:
        """No turn budget: only the per-call timeout applies (one-off calls, evals)."""
        return cls(float("inf"))

    def remaining(self) -> float:
        """Seconds left (never negative)."""
        return max(self._end - self._clock(), 0.0)

    @property
    def spent(self) -> bool:
        return self.remaining() < MIN_CALL_S

    def timeout(self, per_call_s: float) -> float:
        """The timeout of the next call: the remaining budget, bounded by ``per_call_s``."""
        return min(per_call_s, self.remaining())

    def allows_wait(self, wait_s: float, *, then_at_least: float = 0.5) -> bool:
        """Whether waiting ``wait_s`` still leaves ``then_at_least`` seconds for the call after it."""
        return wait_s + then_at_least <= self.remaining()

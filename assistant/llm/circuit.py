"""A circuit breaker around the chat model, shared by every turn of one assistant (thread-safe).

* **closed**: calls go through; ``failures`` failures among the last ``2 × failures`` calls that show
  the model is unavailable (timeouts, HTTP errors, 429s, dropped connections — not merely invalid
  output) open it. A window rather than a streak: a slow model whose first call of each turn still
  answers but whose next one times out fails half its calls, and that is unhealthy too.
* **open**: no call reaches the model; turns skip their LLM steps at once and finish from catalog
  facts (``degraded``). After ``cooldown_s`` it is half-open.
* **half_open**: exactly one call (the probe) is let through; the others are still refused. A probe
  that succeeds closes the circuit, one that fails opens it for another cooldown.

Why not ``pybreaker``: it holds one lock for the whole duration of the guarded call (so concurrent
turns would queue behind one slow LLM call), lets every call through once half-open, and times its
cooldown on the wall clock. This class holds its lock only to change state, and callers report
the outcome themselves (a stream's outcome is known only when it ends).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

__all__ = ["STATES", "CircuitBreaker", "CircuitState", "Permit"]

log = logging.getLogger(__name__)

CircuitState = Literal["closed", "open", "half_open"]
STATES: tuple[CircuitState, ...] = ("closed", "open", "half_open")


@dataclass(frozen=True)
class Permit:
    """Leave to make one call; ``probe`` when it is the half-open circuit's single trial call."""

    probe: bool = False


class CircuitBreaker:
    """Failure-count breaker over a window of recent calls, with a cooldown and a single half-open probe."""

    def __init__(
        self, *, failures: int = 3, cooldown_s: float = 30.0, clock: Callable[[], float] = time.monotonic
    ) -> None:
        if failures < 1 or cooldown_s <= 0:
            raise ValueError("a circuit breaker needs failures >= 1 and cooldown_s > 0")
        self.failures = failures
        self.cooldown_s = cooldown_s
        self._clock = clock
        self._lock = threading.Lock()
        self._recent: deque[bool] = deque(maxlen=2 * failures)
        """Outcomes of the latest calls while closed (True: the model was unavailable)."""
        self._opened_at: float | None = None
        self._probing = False
        self.opened_total = 0
        """How many times the circuit has opened (for metrics)."""

    # --- state ------------------------------------------------------------------------------------
    def _state(self) -> CircuitState:
        if self._opened_at is None:
            return "closed"
        if self._clock() - self._opened_at >= self.cooldown_s:
            return "half_open"
        return "open"

    @property
    def state(self) -> CircuitState:
        with self._lock:
            return self._state()

    @property
    def recent_failures(self) -> int:
        """Failures among the last ``2 × failures`` calls (while closed)."""
        with self._lock:
            return sum(self._recent)

    def retry_in_s(self) -> float:
        """Seconds until a probe may go (0 when closed or half-open)."""
        with self._lock:
            if self._opened_at is None:
                return 0.0
            return max(self._opened_at + self.cooldown_s - self._clock(), 0.0)

    def describe(self) -> str:
        """One line for ``/readyz``."""
        state = self.state
        if state == "closed":
            return "closed: the model is called"
        if state == "open":
            return (
                f"open after {self.failures} failures in {2 * self.failures} calls: turns answer from "
                "catalog facts; "
                f"a probe in {self.retry_in_s():.0f}s"
            )
        return "half-open: the next call probes the model"

    # --- calls ------------------------------------------------------------------------------------
    def acquire(self) -> Permit | None:
        """Leave to call the model now, or ``None`` (open, or half-open with the probe in flight).

        Every permit must be reported: :meth:`succeeded`, :meth:`failed` or :meth:`abandoned`.
        """
        with self._lock:
            state = self._state()
            if state == "closed":
                return Permit()
            if state == "open" or self._probing:
                return None
            self._probing = True
            return Permit(probe=True)

    def succeeded(self, permit: Permit) -> None:
        """The model answered: an open circuit closes (with a clean window); a closed one notes it."""
        with self._lock:
            was_open = self._opened_at is not None
            if was_open:
                self._recent.clear()
            else:
                self._recent.append(False)
            self._opened_at = None
            if permit.probe:
                self._probing = False
        if was_open:
            log.info("LLM circuit closed: the model answered again")

    def failed(self, permit: Permit) -> None:
        """The model was unavailable for this call (timeout, HTTP error, dropped connection…)."""
        with self._lock:
            opened = False
            if permit.probe:
                self._probing = False
                self._opened_at = self._clock()
                opened = True
            elif self._opened_at is None:
                self._recent.append(True)
                if sum(self._recent) >= self.failures:
                    self._opened_at = self._clock()
                    self._recent.clear()
                    opened = True
            # else: a call started before the circuit opened failed late; the cooldown stands.
            if opened:
                self.opened_total += 1
        if opened:
            log.warning(
                "LLM circuit open: turns answer from catalog facts for %.0fs, then one probe", self.cooldown_s
            )

    def abandoned(self, permit: Permit) -> None:
        """The call ended without a verdict (the turn stopped waiting for it before it ended)."""
        if permit.probe:
            with self._lock:
                self._probing = False

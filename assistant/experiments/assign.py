"""Deterministic assignment: a unit (the shopper, else the session) always lands in the same variant
of an experiment, independently across experiments (each hashes with its own salt).

The unit's position in [0, 1) is the first 64 bits of ``sha256(salt + "/" + unit)``; variants take
consecutive slices of that interval in proportion to their weights.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

from assistant.experiments.config import Experiment

__all__ = ["assign", "assignment_unit", "bucket"]


def assignment_unit(shopper_id: str | None, session_id: str) -> str:
    """What is randomized: the shopper when known (stable across sessions), else the session."""
    return f"shopper:{shopper_id}" if shopper_id else f"session:{session_id}"


def bucket(salt: str, unit: str) -> float:
    """The unit's uniform position in [0, 1) for ``salt``."""
    digest = hashlib.sha256(f"{salt}/{unit}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2.0**64


def _variant(experiment: Experiment, unit: str) -> str:
    total = sum(v.weight for v in experiment.variants)
    point = bucket(experiment.salt or experiment.name, unit) * total
    edge = 0.0
    for v in experiment.variants:
        edge += v.weight
        if point < edge:
            return v.name
    return experiment.variants[-1].name  # float rounding at the top edge


def assign(experiments: Iterable[Experiment], unit: str) -> dict[str, str]:
    """Experiment name → variant name for ``unit``, over the enabled ``experiments``."""
    return {e.name: _variant(e, unit) for e in experiments if e.enabled}

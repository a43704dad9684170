"""Online experiments: variants declared in a YAML file (``AISLE_EXPERIMENTS``), assigned by hashing
the shopper (else the session), each variant a typed override of the settings the turn runs with.

* :mod:`.config`: the file's models (:class:`Experiment`, :class:`Variant`, :class:`VariantOverrides`)
  and :func:`load_experiments`.
* :mod:`.assign`: deterministic assignment (:func:`assign`).
* :mod:`.variants`: the assistant a turn runs on under its assignments (:class:`VariantAssistants`).
* :mod:`.stats` and :mod:`.report`: per-variant metrics, fixed-horizon intervals and an always-valid
  sequential test (``aisle experiments report``).
"""

from assistant.experiments.assign import assign, assignment_unit
from assistant.experiments.config import (
    Experiment,
    ExperimentsConfig,
    Variant,
    VariantOverrides,
    load_experiments,
)

__all__ = [
    "Experiment",
    "ExperimentsConfig",
    "Variant",
    "VariantOverrides",
    "assign",
    "assignment_unit",
    "load_experiments",
]

"""The experiments file (``AISLE_EXPERIMENTS``): experiments, their variants and weights, and the
settings each variant overrides.

```yaml
experiments:
  - name: ranker-v2
    variants:
      - {name: control, weight: 50}
      - name: treatment
        weight: 50
        overrides: {ranker_model: models/ranker-v2.txt, mmr_lambda: 0.7}
```

Overrides are typed: :class:`VariantOverrides` has exactly the settings an experiment may change, with
the same types and bounds as :class:`~assistant.settings.Settings` (an unknown name or a bad value is
an error naming the experiment, the variant and the field). Two running experiments may not override
the same setting: their effects could not be told apart.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from assistant.errors import ConfigurationError
from assistant.settings import LLMName, Settings

__all__ = [
    "CHAT_MODEL_FIELDS",
    "OVERRIDABLE",
    "RANKER_FIELDS",
    "SEARCH_FIELDS",
    "Experiment",
    "ExperimentsConfig",
    "Variant",
    "VariantOverrides",
    "load_experiments",
]

CHAT_MODEL_FIELDS = ("llm", "llm_model", "llm_base_url", "llm_temperature", "local_model_path", "fake_script")
"""Settings whose override needs its own chat model (an LLM backend experiment)."""
RANKER_FIELDS = ("ranker", "ranker_model")
"""Settings whose override needs its own ranker (a ranker-model experiment)."""
SEARCH_FIELDS = {"mmr_lambda": "mmr_lambda", "rrf_k": "rrf_k", "search_depth": "depth"}
"""Retrieval settings an override applies to every search of the turn (setting → SearchRequest field)."""
OVERRIDABLE = (
    "prompt_versions",
    *RANKER_FIELDS,
    *SEARCH_FIELDS,
    *CHAT_MODEL_FIELDS,
    "llm_rerank",
    "llm_plan",
    "llm_reasons",
    "llm_answer",
    "recommendations",
    "rerank_depth",
)
"""The settings an experiment's variant may override."""


class VariantOverrides(BaseModel):
    """Settings a variant changes: :class:`~assistant.settings.Settings` fields, same names and types
    (bounds are checked by ``Settings`` itself). Unset fields keep the served settings."""

    model_config = ConfigDict(extra="forbid")

    prompt_versions: dict[str, int] | None = None
    ranker: Literal["lightgbm", "rrf"] | None = None
    ranker_model: Path | None = None
    mmr_lambda: float | None = None
    rrf_k: int | None = None
    search_depth: int | None = None
    llm: LLMName | None = None
    llm_model: str | None = None
    llm_base_url: str | None = None
    llm_temperature: float | None = None
    local_model_path: Path | None = None
    fake_script: Literal["empty", "realistic"] | None = None
    llm_rerank: Literal["auto", "on", "off"] | None = None
    llm_plan: Literal["auto", "on", "off"] | None = None
    llm_reasons: Literal["auto", "on", "off"] | None = None
    llm_answer: Literal["auto", "on", "off"] | None = None
    recommendations: int | None = None
    rerank_depth: int | None = None


def _check_bounds(overrides: BaseModel) -> None:
    """Each override within its setting's bounds (``Settings`` validates one field at a time)."""
    values = overrides.model_dump(exclude_none=True)
    if values:
        Settings.model_validate(values)


class Variant(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    weight: float = Field(default=1.0, gt=0, allow_inf_nan=False)
    overrides: VariantOverrides = Field(default_factory=VariantOverrides)

    @model_validator(mode="after")
    def _bounded(self) -> Variant:
        _check_bounds(self.overrides)
        return self

    def changes(self) -> dict[str, Any]:
        """The settings this variant overrides (name → value)."""
        return self.overrides.model_dump(exclude_none=True)


class Experiment(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    enabled: bool = True
    salt: str | None = Field(
        default=None, max_length=64, description="Hash salt; change it to reshuffle units. Default: the name."
    )
    variants: list[Variant] = Field(min_length=1, max_length=20)

    @model_validator(mode="after")
    def _unique_variants(self) -> Experiment:
        names = [v.name for v in self.variants]
        if len(set(names)) != len(names):
            raise ValueError(f"experiment {self.name!r} names a variant twice: {names}")
        return self

    @property
    def control(self) -> str:
        """The first variant: what the others are compared with."""
        return self.variants[0].name

    def overridden(self) -> set[str]:
        return {name for v in self.variants for name in v.changes()}

    def variant(self, name: str) -> Variant:
        for v in self.variants:
            if v.name == name:
                return v
        raise KeyError(name)


class ExperimentsConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    experiments: list[Experiment] = Field(default_factory=list)

    @model_validator(mode="after")
    def _independent(self) -> ExperimentsConfig:
        names = [e.name for e in self.experiments]
        if len(set(names)) != len(names):
            raise ValueError(f"an experiment name is used twice: {names}")
        owner: dict[str, str] = {}
        for e in self.running:
            for setting in e.overridden():
                if setting in owner:
                    raise ValueError(
                        f"experiments {owner[setting]!r} and {e.name!r} both override {setting!r}; "
                        "disable one, or fold them into one experiment"
                    )
                owner[setting] = e.name
        return self

    @property
    def running(self) -> list[Experiment]:
        return [e for e in self.experiments if e.enabled]

    def get(self, name: str) -> Experiment:
        for e in self.experiments:
            if e.name == name:
                return e
        known = ", ".join(e.name for e in self.experiments) or "none"
        raise ConfigurationError(f"no experiment {name!r} in the experiments file (declared: {known})")


def load_experiments(path: Path | None) -> ExperimentsConfig:
    """The experiments declared in ``path`` (YAML); none when ``path`` is ``None``."""
    if path is None:
        return ExperimentsConfig()
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigurationError(f"cannot read AISLE_EXPERIMENTS file {path}: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise ConfigurationError(f"AISLE_EXPERIMENTS file {path} is not valid YAML: {exc}") from None
    try:
        return ExperimentsConfig.model_validate(raw or {})
    except ValidationError as exc:
        raise ConfigurationError(f"AISLE_EXPERIMENTS file {path} is not valid: {exc}") from None

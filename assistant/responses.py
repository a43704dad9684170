"""Deterministic reply templates (``prompts/templates/replies.yaml``), rendered strictly.

Used for turns that need no LLM text (chit-chat, clarification, nothing found) and for the short
intro message when the backend is too small to write one. A missing placeholder is an error, and so
is an unexpected one — except the ``withheld`` names: the shopper's own words, which callers may pass
and no template shows (a decline never echoes what the shopper typed).
"""

from __future__ import annotations

import string
from functools import lru_cache
from importlib import resources

import yaml
from pydantic import BaseModel, Field, model_validator

__all__ = ["Responses", "load_responses"]


class Responses(BaseModel):
    name: str
    version: int
    description: str = ""
    templates: dict[str, str]
    withheld: list[str] = Field(
        default_factory=list, description="Placeholders for the shopper's own words: accepted, never shown."
    )

    @model_validator(mode="after")
    def _withheld_never_shown(self) -> Responses:
        for key, template in self.templates.items():
            shown = {field for _, field, _, _ in string.Formatter().parse(template) if field}
            if shown & set(self.withheld):
                raise ValueError(
                    f"template {key!r} shows withheld shopper text {sorted(shown & set(self.withheld))}"
                )
        return self

    @property
    def ref(self) -> str:
        return f"{self.name}@{self.version}"

    def render(self, key: str, **values: str | int | float) -> str:
        try:
            template = self.templates[key]
        except KeyError:
            raise KeyError(f"no response template {key!r} in {self.name} v{self.version}") from None
        wanted = {field for _, field, _, _ in string.Formatter().parse(template) if field}
        missing = wanted - values.keys()
        extra = values.keys() - wanted - set(self.withheld)
        if missing or extra:
            raise ValueError(f"template {key!r}: missing {sorted(missing)}, unexpected {sorted(extra)}")
        return template.format(**values)


@lru_cache(maxsize=1)
def load_responses() -> Responses:
    text = resources.files("prompts").joinpath("templates", "replies.yaml").read_text(encoding="utf-8")
    return Responses.model_validate(yaml.safe_load(text))

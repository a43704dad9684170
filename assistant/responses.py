"""Deterministic reply templates (``prompts/templates/replies.yaml``), rendered strictly.

Used for turns that need no LLM text (chit-chat, clarification, nothing found) and for the short
intro message when the backend is too small to write one. A missing placeholder is an error.
"""

from __future__ import annotations

import string
from functools import lru_cache
from importlib import resources

import yaml
from pydantic import BaseModel

__all__ = ["Responses", "load_responses"]


class Responses(BaseModel):
    name: str
    version: int
    description: str = ""
    templates: dict[str, str]

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
        extra = values.keys() - wanted
        if missing or extra:
            raise ValueError(f"template {key!r}: missing {sorted(missing)}, unexpected {sorted(extra)}")
        return template.format(**values)


@lru_cache(maxsize=1)
def load_responses() -> Responses:
    text = resources.files("prompts").joinpath("templates", "replies.yaml").read_text(encoding="utf-8")
    return Responses.model_validate(yaml.safe_load(text))

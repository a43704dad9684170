"""Aisle's prompts: versioned YAML package data, loaded by name and rendered strictly.

Each ``prompts/<name>.yaml`` holds ``name`` (= the file name), ``version``, ``description``,
``messages`` (a list of ``{role, content}``, where ``content`` is a Jinja2 template) and an optional
``output_schema`` (the name of the pydantic model the reply must validate as). Rendering is strict:
a variable the templates use but the caller did not pass, or one passed that no template uses, is a
:class:`PromptError`. Jinja2 (sandboxed, ``StrictUndefined``) is the one template mechanism: it
renders lists of products and history turns with loops, and JSON braces need no escaping.

Example::

    from prompts import load_prompt
    messages = load_prompt("smoke").render(question="Do you sell tents?")
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError

if TYPE_CHECKING:
    from importlib.resources.abc import Traversable

    from jinja2 import Template
    from langchain_core.messages import BaseMessage

__all__ = ["Prompt", "PromptError", "PromptMessage", "archived_versions", "list_prompts", "load_prompt"]

_PACKAGE = "prompts"
_SUFFIX = ".yaml"
_ARCHIVE = "archive"


class PromptError(ValueError):
    """A prompt file is missing or malformed, or was rendered with the wrong variables."""


class PromptMessage(BaseModel):
    """One message template."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    role: Literal["system", "user", "assistant"]
    content: str = Field(min_length=1, description="A Jinja2 template.")


class Prompt(BaseModel):
    """A versioned chat prompt."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    version: int = Field(ge=1)
    description: str = Field(min_length=1)
    messages: list[PromptMessage] = Field(min_length=1)
    output_schema: str | None = Field(
        default=None, description="Name of the pydantic model the reply must be."
    )

    _templates: list[Template] = PrivateAttr(default_factory=list)
    _variables: frozenset[str] = PrivateAttr(default=frozenset())

    def model_post_init(self, context: Any, /) -> None:
        from jinja2 import StrictUndefined, TemplateSyntaxError, meta
        from jinja2.sandbox import SandboxedEnvironment

        env = SandboxedEnvironment(
            undefined=StrictUndefined,
            autoescape=False,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=False,
        )
        names: set[str] = set()
        try:
            for message in self.messages:
                names |= meta.find_undeclared_variables(env.parse(message.content))
                self._templates.append(env.from_string(message.content))
        except TemplateSyntaxError as exc:
            raise PromptError(
                f"prompt {self.name!r}: template error on line {exc.lineno}: {exc.message}"
            ) from exc
        self._variables = frozenset(names)

    @property
    def variables(self) -> frozenset[str]:
        """Every variable the templates use; :meth:`render` needs exactly these."""
        return self._variables

    @property
    def ref(self) -> str:
        """``name@version``, for logs, traces and eval reports."""
        return f"{self.name}@{self.version}"

    def render(self, **variables: Any) -> list[BaseMessage]:
        """The chat messages with ``variables`` filled in; missing or unexpected ones are an error."""
        from jinja2 import UndefinedError
        from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

        missing = sorted(self._variables - variables.keys())
        unexpected = sorted(variables.keys() - self._variables)
        if missing or unexpected:
            raise PromptError(
                f"prompt {self.ref}: missing variables {missing}, unexpected variables {unexpected}"
            )
        kinds = {"system": SystemMessage, "user": HumanMessage, "assistant": AIMessage}
        rendered: list[BaseMessage] = []
        for message, template in zip(self.messages, self._templates, strict=True):
            try:
                text = template.render(**variables).strip()
            except UndefinedError as exc:  # e.g. an attribute missing on a passed object
                raise PromptError(f"prompt {self.ref}: {exc.message}") from exc
            rendered.append(kinds[message.role](content=text))
        return rendered


def list_prompts() -> list[str]:
    """Names of every prompt file shipped in the package."""
    folder = resources.files(_PACKAGE)
    return sorted(
        entry.name.removesuffix(_SUFFIX)
        for entry in folder.iterdir()
        if entry.is_file() and entry.name.endswith(_SUFFIX)
    )


def _read(path: Traversable, label: str) -> Prompt:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        return Prompt.model_validate(data)
    except yaml.YAMLError as exc:
        raise PromptError(f"{label} is not valid YAML: {exc}") from exc
    except ValidationError as exc:
        raise PromptError(f"{label} is malformed: {exc}") from exc


def archived_versions(name: str) -> list[int]:
    """Versions of ``name`` kept in ``prompts/archive/`` (``<name>.v<N>.yaml``) for A/B comparisons."""
    folder = resources.files(_PACKAGE) / _ARCHIVE
    if not folder.is_dir():
        return []
    prefix = f"{name}.v"
    return sorted(
        int(entry.name.removeprefix(prefix).removesuffix(_SUFFIX))
        for entry in folder.iterdir()
        if entry.name.startswith(prefix) and entry.name.removeprefix(prefix).removesuffix(_SUFFIX).isdigit()
    )


@lru_cache(maxsize=64)
def load_prompt(name: str, version: int | None = None) -> Prompt:
    """The prompt ``prompts/<name>.yaml`` (the current version), validated and cached.

    ``version`` picks another one: the current file when its version matches, else the archived
    ``prompts/archive/<name>.v<version>.yaml`` (``AISLE_PROMPT_VERSIONS`` selects these per prompt).
    """
    path = resources.files(_PACKAGE) / f"{name}{_SUFFIX}"
    if not path.is_file():
        raise PromptError(f"no prompt named {name!r}; available: {', '.join(list_prompts()) or 'none'}")
    prompt = _read(path, f"prompts/{name}{_SUFFIX}")
    if prompt.name != name:
        raise PromptError(
            f"prompts/{name}{_SUFFIX} declares name {prompt.name!r}; it must match the file name"
        )
    if version is None or version == prompt.version:
        return prompt
    label = f"prompts/{_ARCHIVE}/{name}.v{version}{_SUFFIX}"
    archived = resources.files(_PACKAGE) / _ARCHIVE / f"{name}.v{version}{_SUFFIX}"
    if not archived.is_file():
        known = sorted({prompt.version, *archived_versions(name)})
        raise PromptError(f"no version {version} of prompt {name!r}; available: {known}")
    old = _read(archived, label)
    if old.name != name or old.version != version:
        raise PromptError(f"{label} declares {old.ref}; it must be {name}@{version}")
    return old

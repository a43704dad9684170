"""Prompt files: every one loads and renders; rendering is strict."""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

from prompts import Prompt, PromptError, archived_versions, list_prompts, load_prompt


class _Anything:
    """A value any template can use: attributes, items, iteration, formatting and comparison all work."""

    def __getattr__(self, name: str) -> _Anything:
        return self

    def __getitem__(self, key: object) -> _Anything:
        return self

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter([self, self])

    def __len__(self) -> int:
        return 2

    def __str__(self) -> str:
        return "x"

    def __format__(self, spec: str) -> str:
        return "1"

    def __float__(self) -> float:
        return 1.0

    def __lt__(self, other: object) -> bool:
        return False

    __gt__ = __le__ = __ge__ = __lt__


def test_prompts_are_found() -> None:
    assert "smoke" in list_prompts()


_ALL_VERSIONS = [(name, None) for name in list_prompts()] + [
    (name, version) for name in list_prompts() for version in archived_versions(name)
]


@pytest.mark.parametrize(("name", "version"), _ALL_VERSIONS)
def test_every_prompt_loads_and_renders(name: str, version: int | None) -> None:
    prompt = load_prompt(name, version)
    assert prompt.name == name and prompt.version >= 1 and prompt.description
    assert version is None or prompt.version == version
    messages = prompt.render(**dict.fromkeys(prompt.variables, _Anything()))
    assert len(messages) == len(prompt.messages)
    assert all(m.text.strip() for m in messages)


def test_smoke_renders_messages_by_role() -> None:
    messages = load_prompt("smoke").render(question="Do you sell tents?")
    assert [type(m) for m in messages] == [SystemMessage, HumanMessage]
    assert messages[-1].text == "Do you sell tents?"
    assert load_prompt("smoke").ref == "smoke@1"


def _prompt(*contents: str, roles: tuple[str, ...] = ("system", "user", "assistant")) -> Prompt:
    return Prompt.model_validate(
        {
            "name": "t",
            "version": 2,
            "description": "test",
            "messages": [{"role": r, "content": c} for r, c in zip(roles, contents, strict=False)],
            "output_schema": "QueryPlan",
        }
    )


def test_missing_and_unexpected_variables_are_errors() -> None:
    prompt = _prompt("Shop: {{ shop }}", "{{ question }}")
    assert prompt.variables == {"shop", "question"}
    with pytest.raises(PromptError, match=r"missing variables \['question'\]"):
        prompt.render(shop="Aisle")
    with pytest.raises(PromptError, match=r"unexpected variables \['tone'\]"):
        prompt.render(shop="Aisle", question="hi", tone="warm")


def test_missing_attribute_is_an_error() -> None:
    prompt = _prompt("{{ product.title }} for {{ product.price }}")
    with pytest.raises(PromptError, match="price"):
        prompt.render(product={"title": "Kettle"})


def test_loops_and_json_braces_render() -> None:
    prompt = _prompt(
        'Reply as {"id": "...", "reason": "..."}.',
        "{% for p in products %}\n- {{ p.id }}: {{ p.title }}\n{% endfor %}",
        "ok",
    )
    system, user, assistant = prompt.render(
        products=[{"id": "B1", "title": "Kettle"}, {"id": "B2", "title": "Mug"}]
    )
    assert system.text == 'Reply as {"id": "...", "reason": "..."}.'
    assert user.text == "- B1: Kettle\n- B2: Mug"
    assert isinstance(assistant, AIMessage) and prompt.output_schema == "QueryPlan"


def test_malformed_prompts_are_rejected() -> None:
    with pytest.raises(ValueError, match="template error on line 1"):  # load_prompt makes it a PromptError
        _prompt("{{ unclosed ")
    with pytest.raises(ValueError):
        _prompt("x", roles=("tool",))
    with pytest.raises(PromptError, match=r"no prompt named 'nope'.*smoke"):
        load_prompt("nope")


def test_archived_versions_are_selectable() -> None:
    current = load_prompt("reasons")
    assert 1 in archived_versions("reasons") and current.version > 1
    assert load_prompt("reasons", 1).version == 1
    assert load_prompt("reasons", current.version).messages == current.messages
    with pytest.raises(PromptError, match="no version 99"):
        load_prompt("reasons", 99)

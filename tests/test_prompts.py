"""Prompt files: every one loads and renders with the inputs the code builds; rendering is strict.

The shipped prompts are rendered with the variables the product code passes them, captured from real
turns (``assistant.turn.Assistant`` over a slice of the demo catalog, hash embedder, fake chat
model): ``plan`` from ``_llm_plan``, ``explain``/``reasons`` from ``assistant.explain.explain``
(``_constraints_text(plan)``, ``candidate_facts(product)``), ``answer`` from ``_answer``. A template
that names a variable the code does not pass (a typo such as ``{{ requets }}``) therefore fails here.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from http_support import make_settings, write_small_catalog
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

from prompts import Prompt, PromptError, archived_versions, list_prompts, load_prompt

# Prompts no product code renders, with the input their description names.
_NOT_RENDERED_BY_THE_PRODUCT: dict[str, dict[str, str]] = {"smoke": {"question": "Do you sell tents?"}}

_ALL_VERSIONS = [(name, None) for name in list_prompts()] + [
    (name, version) for name in list_prompts() for version in archived_versions(name)
]


@pytest.fixture(scope="module")
def code_inputs(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, list[dict[str, Any]]]]:
    """``prompt name -> the variables of every render the product code made``, from real turns.

    Two assistants over one ingested catalog: one whose model plans, reranks and writes the answer
    (``plan``, ``explain``, ``answer``), one in reasons mode (``reasons``). Each asks twice in one
    session, so the plan prompt also sees real history and shown products. The fake model's default
    reply is not valid JSON, so the structured steps fall back; their prompts were rendered first.
    """
    from assistant.llm.fake import FakeChatModel
    from assistant.turn import build_assistant
    from retrieval.embed import HashEmbedder
    from retrieval.ingest import ingest_feed

    root = tmp_path_factory.mktemp("prompt-inputs")
    capable = make_settings(root / "data", llm_plan="on", llm_rerank="on", llm_answer="on")
    reasons = make_settings(root / "data", llm_plan="off", llm_rerank="off", llm_answer="off")
    first = build_assistant(capable, chat_model=FakeChatModel(), embedder=HashEmbedder())
    assert ingest_feed(first.catalog, write_small_catalog(root / "feed.jsonl")).added > 0
    second = build_assistant(reasons, chat_model=FakeChatModel(), catalog=first.catalog)
    assert first.explain_mode == "rerank" and first.llm_plans and first.llm_writes_answer
    assert second.explain_mode == "reasons"

    captured: dict[str, list[dict[str, Any]]] = {}
    real_render = Prompt.render

    def recording_render(self: Prompt, **variables: Any) -> Any:
        captured.setdefault(self.name, []).append(dict(variables))
        try:
            return real_render(self, **variables)
        except PromptError:  # reported per prompt by the tests below; let the turn go on
            return [HumanMessage(content=self.ref)]

    from assistant.schemas import ChatRequest

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Prompt, "render", recording_render)
        for assistant in (first, second):
            session_id = None
            for message in ("a quiet dishwasher under $800", "cheaper ones please"):
                events = list(assistant.chat(ChatRequest(message=message, session_id=session_id)))
                assert events[-1].type == "done", events[-1]
                session_id = events[-1].session_id
    yield captured
    for assistant in (first, second):
        assistant.store.close()
    first.catalog.close()


def _inputs(code_inputs: dict[str, list[dict[str, Any]]], name: str) -> list[dict[str, Any]]:
    return code_inputs.get(name) or [_NOT_RENDERED_BY_THE_PRODUCT[name]]


def test_prompts_are_found() -> None:
    assert "smoke" in list_prompts()


def test_the_code_renders_every_product_prompt(code_inputs: dict[str, list[dict[str, Any]]]) -> None:
    assert set(code_inputs) == set(list_prompts()) - set(_NOT_RENDERED_BY_THE_PRODUCT)
    # What the code passes: plain strings built from real plans and products.
    for calls in code_inputs.values():
        assert all(isinstance(v, str) and v for call in calls for v in call.values())
    explain_in = code_inputs["explain"][0]
    assert explain_in["request"].startswith("looking for: ") and "budget up to $800" in explain_in["request"]
    assert re.search(r"^id: \S+$", explain_in["candidates"], re.M)  # candidate_facts(product)
    assert "price: $" in explain_in["candidates"] and explain_in["n"] == "5"
    reasons_in = code_inputs["reasons"][0]
    assert reasons_in["product"].startswith("id: ") and "\ntitle: " in reasons_in["product"]
    follow_up = code_inputs["plan"][-1]  # the second message of a session: history and shown products
    assert "user: a quiet dishwasher under $800" in follow_up["history"]
    assert follow_up["shown"] != "(none)" and follow_up["message"] == "cheaper ones please"
    assert "Dishwashers" in follow_up["categories"]
    assert code_inputs["answer"][0]["recommendations"].startswith("1. ")


@pytest.mark.parametrize(("name", "version"), _ALL_VERSIONS)
def test_every_prompt_renders_the_inputs_the_code_builds(
    name: str, version: int | None, code_inputs: dict[str, list[dict[str, Any]]]
) -> None:
    prompt = load_prompt(name, version)
    assert prompt.name == name and prompt.version >= 1 and prompt.description
    assert version is None or prompt.version == version
    for variables in _inputs(code_inputs, name):
        messages = prompt.render(**variables)
        assert len(messages) == len(prompt.messages)
        assert all(m.text.strip() for m in messages)
        text = "\n".join(m.text for m in messages)
        for key, value in variables.items():  # every input lands in the prompt, verbatim
            assert value.strip() in text, f"{prompt.ref}: {{{{ {key} }}}} is not rendered"


def _misspelled(word: str) -> str:
    """``request`` -> ``requets``: the last two letters swapped (or a letter doubled)."""
    swapped = word[:-2] + word[-1:] + word[-2:-1]
    return swapped if swapped != word else word + word[-1]


def _with_template_variable_renamed(prompt: Prompt, old: str, new: str) -> Prompt:
    pattern = re.compile(r"\{\{\s*" + re.escape(old) + r"\s*\}\}")
    data = prompt.model_dump()
    data["messages"] = [
        {**m, "content": pattern.sub("{{ " + new + " }}", m["content"])} for m in data["messages"]
    ]
    return Prompt.model_validate(data)


def test_a_misspelled_variable_in_a_prompt_fails(code_inputs: dict[str, list[dict[str, Any]]]) -> None:
    variables = code_inputs["explain"][0]
    broken = _with_template_variable_renamed(load_prompt("explain"), "request", "requets")
    assert "{{ requets }}" in broken.messages[1].content
    with pytest.raises(
        PromptError, match=r"missing variables \['requets'\], unexpected variables \['request'\]"
    ):
        broken.render(**variables)


@pytest.mark.parametrize(("name", "version"), _ALL_VERSIONS)
def test_any_misspelled_variable_fails(
    name: str, version: int | None, code_inputs: dict[str, list[dict[str, Any]]]
) -> None:
    prompt = load_prompt(name, version)
    variables = _inputs(code_inputs, name)[0]
    for key in sorted(prompt.variables):
        typo = _misspelled(key)
        broken = _with_template_variable_renamed(prompt, key, typo)
        with pytest.raises(PromptError, match=rf"missing variables \['{typo}'\]"):
            broken.render(**variables)


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

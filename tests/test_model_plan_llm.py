"""The catalog plan schema on the wire: the OpenAI SDK path against a loopback OpenAI-compatible
server (strict ``json_schema``, and JSON mode for servers without it) and the replaying scripted model."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.errors import ConfigurationError
from assistant.llm import make_chat_model, structured_json
from assistant.llm.fake import FakeChatModel
from assistant.llm.replay import PlanFixtures, PlanReplay, RecordedPlan
from assistant.plan.model_plan import read_model_plan
from assistant.plan.model_stage import PlanRequest, plan_request
from assistant.plan.vocab import matcher_for
from assistant.settings import Settings
from prompts import load_prompt
from retrieval.catalog import Product
from retrieval.products import Vocabulary
from retrieval.schema import CatalogSchema
from tests.openai_server import OpenAIStub, serve_stub

PRODUCTS = [
    Product(id="t1", title="Ultralight Tent", brand="Trailwright", price=289, category=["Outdoor", "Tents"],
            attributes={"weight_kg": "0.9", "season": "3-season"}),
    Product(id="t2", title="Winter Tent", brand="Northfold", price=449, category=["Outdoor", "Tents"],
            attributes={"weight_kg": "2.4", "season": "4-season"}),
    Product(id="k1", title="Kettle", brand="Hearthline", price=49, category=["Kitchen", "Kettles"],
            attributes={"capacity_l": "1.7"}),
]  # fmt: skip


@pytest.fixture(autouse=True)
def _data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AISLE_DATA_DIR", str(tmp_path_factory.getbasetemp() / "llm-data"))


@pytest.fixture(scope="module")
def _server() -> Iterator[OpenAIStub]:
    with serve_stub() as stub:
        yield stub


@pytest.fixture
def stub(_server: OpenAIStub) -> OpenAIStub:
    _server.reset()
    return _server


def _request(message: str = "a 4-season tent from northfold", history: tuple[str, ...] = ()) -> PlanRequest:
    return plan_request(
        message,
        list(history),
        ["t1"],
        None,
        Vocabulary.from_products(PRODUCTS),
        CatalogSchema.from_products(PRODUCTS),
    )


def _messages(request: PlanRequest) -> list:  # type: ignore[type-arg]
    return load_prompt("plan").render(**request.variables)


REPLY = {
    "intent": "search", "query": "tent", "category": "Tents", "category_other": None, "brands": ["Northfold"],
    "exclude_brands": [], "brands_other": [], "colors": [], "price_min": None, "price_max": None,
    "attributes": {"season": "4-season", "weight_kg": None}, "comparative": None, "sort": None,
    "preferences": [], "referenced_ids": [], "clarifying_question": None,
}  # fmt: skip


def test_the_plan_schema_goes_to_an_openai_server_as_strict_json_schema(stub: OpenAIStub) -> None:
    stub.add(json.dumps(REPLY))
    request = _request()
    model = make_chat_model(
        Settings(_env_file=None, llm="openai", llm_base_url=stub.url, llm_model="stub-7b")
    )  # type: ignore[call-arg]
    text, usage = structured_json(model, _messages(request), request.schema.response_format(), timeout_s=10)
    sent = stub.requests[0]["response_format"]
    assert sent["type"] == "json_schema" and sent["json_schema"]["strict"] is True
    assert sent["json_schema"]["schema"] == request.schema.json_schema
    assert usage.llm_calls == 1
    plan, dropped = read_model_plan(text, request.schema, matcher_for(Vocabulary.from_products(PRODUCTS)))
    assert dropped.total == 0 and plan.categories == ["tents"] and plan.brands == ["northfold"]
    assert plan.attributes == {"season": "4-season"}


def test_a_server_without_json_schema_is_asked_in_json_mode_with_the_schema_in_the_prompt(
    stub: OpenAIStub, caplog: pytest.LogCaptureFixture
) -> None:
    stub.reject_json_schema = True
    stub.add("Sure! " + json.dumps(REPLY | {"category": "Spaceships", "price_max": "cheap"}))
    request = _request()
    model = make_chat_model(
        Settings(_env_file=None, llm="openai", llm_base_url=stub.url, llm_model="stub-7b")
    )  # type: ignore[call-arg]
    with caplog.at_level("WARNING"):
        text, _ = structured_json(model, _messages(request), request.schema.response_format(), timeout_s=10)
    assert [r["response_format"]["type"] for r in stub.requests] == ["json_schema", "json_object"]
    prompts = [m["content"] for m in stub.requests[1]["messages"]]
    assert any('"additionalProperties":false' in p for p in prompts)  # the schema is in the prompt
    assert "JSON mode" in caplog.text
    # JSON mode enforces nothing: the check drops what the schema would have refused.
    plan, dropped = read_model_plan(text, request.schema, matcher_for(Vocabulary.from_products(PRODUCTS)))
    assert plan.categories == [] and plan.price_max is None and plan.brands == ["northfold"]
    assert dropped.counts == {"enum": 1, "shape": 1}


def test_the_replaying_model_answers_the_recorded_turn(tmp_path: Path) -> None:
    recorded = [
        RecordedPlan(suite="s", case="c", turn=1, message="tents", plan=REPLY | {"query": "first"}),
        RecordedPlan(suite="s", case="c", turn=2, earlier=["tents"], message="a 4-season one", plan=REPLY),
    ]
    path = tmp_path / "plans.json"
    path.write_text(PlanFixtures(description="d", method="m", command="c", plans=recorded).model_dump_json())
    model = make_chat_model(Settings(_env_file=None, llm="fake", fake_script="plans", fake_plans=path))  # type: ignore[call-arg]
    assert isinstance(model, FakeChatModel) and isinstance(model.responder, PlanReplay)
    request = _request("a 4-season one", history=("user: tents", "assistant: Here are 2 tents."))
    text, _ = structured_json(model, _messages(request), request.schema.response_format(), timeout_s=5)
    assert json.loads(text) == REPLY
    assert model.call_kwargs[-1]["response_format"]["json_schema"]["strict"] is True
    unknown = _request("something else entirely")
    text, _ = structured_json(model, _messages(unknown), unknown.schema.response_format(), timeout_s=5)
    assert text == "{}" and model.responder.missed == 1


def test_replaying_needs_a_plans_file() -> None:
    with pytest.raises(ConfigurationError, match="AISLE_FAKE_PLANS"):
        make_chat_model(Settings(_env_file=None, llm="fake", fake_script="plans"))  # type: ignore[call-arg]


def test_the_recorded_fixtures_are_tuning_parts_and_label_their_deviations() -> None:
    root = Path(__file__).resolve().parent.parent / "eval" / "fixtures"
    for path in sorted(root.glob("plans-*.json")):
        fixtures = PlanFixtures.model_validate_json(path.read_text())
        assert "heldout" not in fixtures.command and "heldout" not in path.name
        kinds = {d.kind for p in fixtures.plans for d in p.deviations}
        assert {"unsaid-brand", "invented-price", "injection-query", "nan-price", "huge-array"} <= kinds
        assert all(d.expect for p in fixtures.plans for d in p.deviations)


def test_every_recorded_deviation_is_dropped_for_its_reason() -> None:
    from eval.plan_fixtures import audit

    caught = audit(Path(__file__).resolve().parent.parent / "eval" / "fixtures" / "plans-demo.json")
    assert len(caught) >= 9 and all(c == n for c, n in caught.values()), caught


def test_a_profile_without_json_schema_asks_in_json_mode_at_once(stub: OpenAIStub) -> None:
    from assistant.llm.profile import model_profile

    settings = Settings(
        _env_file=None, llm="openai", llm_base_url=stub.url, llm_model="stub-7b", llm_json_schema=False
    )  # type: ignore[call-arg]
    assert model_profile(settings).json_schema is False
    stub.add(json.dumps(REPLY))
    request = _request()
    model = make_chat_model(settings)
    text, _ = structured_json(
        model, _messages(request), request.schema.response_format(), timeout_s=10, json_schema=False
    )
    assert [r["response_format"]["type"] for r in stub.requests] == ["json_object"]
    assert json.loads(text) == REPLY

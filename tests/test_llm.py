"""The LLM boundary: the factory, the fake model, structured output, streaming, and a real HTTP server."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from openai_server import OpenAIStub, stub_settings
from pydantic import BaseModel, Field, SecretStr

from assistant.errors import ConfigurationError, LLMError
from assistant.llm import BACKENDS, describe, make_chat_model, stream_text, structured, token_counter
from assistant.llm.failures import ModelFailure
from assistant.llm.fake import DEFAULT_REPLY, FakeChatModel, FakeReply
from assistant.llm.local import LocalChatModel
from assistant.schemas import Usage
from assistant.settings import Settings


class Pick(BaseModel):
    product_id: str
    reason: str = Field(min_length=1)


ROOT = Path(__file__).resolve().parents[1]
MESSAGES: list[BaseMessage] = [SystemMessage("Pick one product."), HumanMessage("a quiet kettle")]


@pytest.fixture(autouse=True)
def _data_dir(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep what the backends cache (tiktoken's BPE files) out of the checkout."""
    monkeypatch.setenv("AISLE_DATA_DIR", str(tmp_path_factory.getbasetemp() / "llm-data"))
    monkeypatch.delenv("TIKTOKEN_CACHE_DIR", raising=False)


def settings(**kw: object) -> Settings:
    return Settings(_env_file=None, **kw)  # type: ignore[arg-type]


# --- factory ------------------------------------------------------------------------------------


def test_factory_builds_each_backend(tmp_path: Path) -> None:
    assert isinstance(make_chat_model(settings(llm="fake")), FakeChatModel)
    local = make_chat_model(settings(llm="local"))  # the GGUF must exist; llama.cpp loads lazily
    assert isinstance(local, LocalChatModel)
    assert local.model_path.name == "SmolLM2-135M-Instruct.Q4_1.gguf"
    from langchain_openai import ChatOpenAI

    remote = make_chat_model(settings(llm="openai", openai_api_key=SecretStr("sk-test")))
    assert isinstance(remote, ChatOpenAI)
    assert remote.openai_api_key is not None and remote.openai_api_key.get_secret_value() == "sk-test"
    assert remote.extra_body is None  # the real API gets no legacy max_tokens


def test_unknown_backend_lists_the_valid_ones() -> None:
    bad = Settings.model_construct(llm="gpt-in-a-box")
    with pytest.raises(ConfigurationError, match="local, openai, fake"):
        make_chat_model(bad)
    with pytest.raises(ConfigurationError, match="AISLE_LLM"):
        describe(bad)
    assert set(BACKENDS) == {"local", "openai", "fake"}


def test_openai_without_key_says_what_to_do() -> None:
    with pytest.raises(ConfigurationError, match="set AISLE_OPENAI_API_KEY or choose AISLE_LLM=local"):
        make_chat_model(settings(llm="openai"))
    with pytest.raises(ConfigurationError, match="AISLE_OPENAI_API_KEY"):
        make_chat_model(settings(llm="openai", llm_base_url="https://api.openai.com/v1"))


def test_compatible_server_needs_no_key(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level("INFO"):
        model = make_chat_model(
            settings(llm="openai", llm_base_url="http://127.0.0.1:9/v1", llm_max_tokens=77)
        )
    assert "placeholder key" in caplog.text
    assert model.extra_body == {"max_tokens": 77}  # type: ignore[attr-defined]


def test_local_with_missing_file_is_a_configuration_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigurationError, match="AISLE_LOCAL_MODEL_PATH"):
        make_chat_model(settings(llm="local", local_model_path=tmp_path / "nope.gguf"))


def test_script_is_only_for_the_fake() -> None:
    assert make_chat_model(settings(llm="fake"), script=["hi"]).invoke("x").text == "hi"
    with pytest.raises(ConfigurationError, match="fake"):
        make_chat_model(settings(llm="openai", llm_base_url="http://127.0.0.1:9/v1"), script=["hi"])


def test_describe() -> None:
    assert describe(settings(llm="local")) == "local: SmolLM2-135M-Instruct Q4_1"
    assert describe(settings(llm="openai")) == "openai: gpt-4o-mini"
    assert (
        describe(settings(llm="openai", llm_model="qwen2.5", llm_base_url="http://127.0.0.1:8080/v1"))
        == "openai: qwen2.5 @ http://127.0.0.1:8080/v1"
    )
    assert describe(settings(llm="fake")).startswith("fake")


def test_importing_the_llm_package_loads_no_backend() -> None:
    code = (
        "import sys, assistant.llm, prompts; "
        "print(sorted(m for m in ('llama_cpp', 'langchain_openai', 'openai', 'tiktoken', 'jinja2') if m in sys.modules))"
    )
    run = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert run.stdout.strip() == "[]", run.stderr


def test_openai_model_counts_tokens_offline(tmp_path: Path) -> None:
    """langchain-openai's own tiktoken use works offline in a fresh process (no cache, dead proxy)."""
    code = (
        "from pydantic import SecretStr; from assistant.llm import make_chat_model; "
        "from assistant.settings import Settings; "
        "m = make_chat_model(Settings(_env_file=None, llm='openai', openai_api_key=SecretStr('sk-test'))); "
        "print(m.get_num_tokens('hello world'))"
    )
    env = {k: v for k, v in os.environ.items() if k != "TIKTOKEN_CACHE_DIR"}
    env.update(
        AISLE_DATA_DIR=str(tmp_path), HTTPS_PROXY="http://127.0.0.1:9", HTTP_PROXY="http://127.0.0.1:9"
    )
    run = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert run.stdout.strip() == "2", run.stderr


def test_token_counter_follows_the_backend() -> None:
    remote = make_chat_model(settings(llm="openai", openai_api_key=SecretStr("sk-test")))
    assert token_counter(remote).count("hello world") == 2  # tiktoken o200k_base for gpt-4o-mini


# --- the fake -----------------------------------------------------------------------------------


def test_fake_replays_its_script_and_records_calls() -> None:
    fake = FakeChatModel(["first", lambda msgs: f"echo {msgs[-1].text}", RuntimeError("boom")])
    assert fake.invoke(MESSAGES).text == "first"
    assert fake.invoke([HumanMessage("ping")]).text == "echo ping"
    with pytest.raises(RuntimeError, match="boom"):
        fake.invoke(MESSAGES)
    assert fake.invoke(MESSAGES).text == DEFAULT_REPLY  # empty script: deterministic default
    assert [m[-1].text for m in fake.calls] == ["a quiet kettle", "ping", "a quiet kettle", "a quiet kettle"]
    assert fake.pending == 0


def test_fake_streams_in_several_chunks() -> None:
    fake = FakeChatModel(["a quiet kettle under forty dollars"])
    pieces = [c.text for c in fake.stream(MESSAGES) if c.text]
    assert len(pieces) == 6
    assert "".join(pieces) == "a quiet kettle under forty dollars"


def test_fake_takes_a_hosted_models_time_when_asked(monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []
    monkeypatch.setattr("assistant.llm.fake.time.sleep", waits.append)
    fast = make_chat_model(settings(llm="fake"))
    assert "".join(c.text for c in fast.stream(MESSAGES)) == DEFAULT_REPLY
    assert waits == []  # by default the fake answers at once

    timed = make_chat_model(settings(llm="fake", fake_first_token_s=0.3, fake_tokens_per_s=30))
    text = "".join(c.text for c in timed.stream(MESSAGES))
    assert text == DEFAULT_REPLY
    assert waits[0] == 0.3  # before the first piece
    # then each later piece after its tokens (about four characters each) at 30 tokens/s
    first_piece = DEFAULT_REPLY.split(" ")[0] + " "
    assert sum(waits[1:]) == pytest.approx((len(text) - len(first_piece)) / 4 / 30)

    waits.clear()
    assert timed.invoke(MESSAGES).text == DEFAULT_REPLY
    assert waits == [pytest.approx(0.3 + len(DEFAULT_REPLY) / 4 / 30)]  # a whole reply: the stream's time


# --- structured() -------------------------------------------------------------------------------


def test_structured_returns_a_validated_instance_and_usage() -> None:
    fake = FakeChatModel(['{"product_id": "B01", "reason": "quiet"}'])
    pick, usage = structured(fake, MESSAGES, Pick, timeout_s=5)
    assert pick == Pick(product_id="B01", reason="quiet")
    assert isinstance(usage, Usage)
    assert usage.llm_calls == 1 and usage.prompt_tokens > 0 and usage.completion_tokens > 0
    assert usage.cost_usd is None  # the fake has no price


@pytest.mark.parametrize(
    "reply",
    [
        "Sure! The best pick is B01.",  # not JSON
        '{"product_id": "B01", "reas',  # partial JSON
        '{"product_id": "B01"}',  # missing field
        '{"product_id": 1, "reason": ""}',  # wrong types
        '["B01", "quiet"]',  # wrong shape
    ],
)
def test_structured_turns_bad_output_into_llm_error(reply: str) -> None:
    # The message is safe to show; what was wrong (and the model's text) is only in .detail (DEBUG).
    with pytest.raises(ModelFailure, match=r"^the model's output was invalid$") as raised:
        structured(FakeChatModel([reply]), MESSAGES, Pick, timeout_s=5)
    assert raised.value.kind == "invalid_output" and "not a valid Pick" in raised.value.detail


def test_structured_times_out() -> None:
    fake = FakeChatModel([FakeReply(content='{"product_id": "B01", "reason": "late"}', delay_s=2.0)])
    started = time.perf_counter()
    with pytest.raises(ModelFailure, match=r"^the model timed out$") as raised:
        structured(fake, MESSAGES, Pick, timeout_s=0.2)
    assert raised.value.kind == "timeout" and "0.20s" in raised.value.detail
    assert time.perf_counter() - started < 1.0


def test_structured_wraps_backend_errors() -> None:
    import httpx
    import openai

    outage = openai.APIConnectionError(request=httpx.Request("POST", "http://x/v1/chat/completions"))
    for error, kind, calls in ((RuntimeError("decode failed"), "backend", 1), (outage, "unreachable", 2)):
        fake = FakeChatModel([error, error])
        with pytest.raises(ModelFailure) as raised:
            structured(fake, MESSAGES, Pick, timeout_s=5)
        assert raised.value.kind == kind and "decode failed" not in str(raised.value)
        assert len(fake.calls) == calls  # a dropped connection is retried once, a crash is not


def test_stream_text_yields_pieces_then_usage() -> None:
    stream = stream_text(FakeChatModel(["one two three"]), MESSAGES)
    assert stream.usage is None
    assert list(stream) == ["one ", "two ", "three"]
    assert stream.text == "one two three"
    assert stream.usage is not None and stream.usage.completion_tokens == 3


def test_stream_text_wraps_errors() -> None:
    with pytest.raises(ModelFailure, match=r"^the model backend failed$"):
        list(stream_text(FakeChatModel([ValueError("bad")]), MESSAGES))


# --- a real OpenAI-compatible server ------------------------------------------------------------


def _remote(stub: OpenAIStub) -> object:
    return make_chat_model(stub_settings(stub, llm_max_tokens=64))


def test_openai_compatible_server_streams_token_by_token(stub: OpenAIStub) -> None:
    stub.add("Try the Bosch TWK kettle today")
    stub.chunk_delay_s = 0.1
    model = _remote(stub)
    started = time.perf_counter()
    arrivals: list[float] = []
    pieces: list[str] = []
    stream = stream_text(model, MESSAGES)  # type: ignore[arg-type]
    for piece in stream:
        arrivals.append(time.perf_counter() - started)
        pieces.append(piece)
    assert pieces == ["Try ", "the ", "Bosch ", "TWK ", "kettle ", "today"]
    assert arrivals[0] < arrivals[-1] - 0.3  # pieces arrive as they are sent, not all at the end
    body = stub.requests[-1]
    assert body["stream"] is True and body["model"] == "stub-7b"
    assert body["max_tokens"] == 64  # llama.cpp's server ignores max_completion_tokens
    assert body["messages"][0] == {"role": "system", "content": "Pick one product."}
    assert stream.usage is not None
    assert stream.usage.completion_tokens == 6  # from the server's usage chunk
    assert stream.usage.prompt_tokens == 3 + 3


def test_openai_compatible_server_structured(stub: OpenAIStub) -> None:
    stub.add('{"product_id": "B07", "reason": "1.7 l, 40 dB"}')
    pick, usage = structured(_remote(stub), MESSAGES, Pick, timeout_s=10)  # type: ignore[arg-type]
    assert pick == Pick(product_id="B07", reason="1.7 l, 40 dB")
    assert usage.completion_tokens == 7 and usage.llm_calls == 1  # words, as the stub counts
    response_format = stub.requests[-1]["response_format"]
    assert response_format["type"] == "json_schema"
    assert set(response_format["json_schema"]["schema"]["properties"]) == {"product_id", "reason"}


def test_openai_compatible_server_bad_json_is_llm_error(stub: OpenAIStub) -> None:
    stub.add('{"product_id": "B07", "reason"', '{"product_id": 3}', "Here you go!")
    for _ in range(3):
        with pytest.raises(ModelFailure, match="output was invalid") as raised:
            structured(_remote(stub), MESSAGES, Pick, timeout_s=10)  # type: ignore[arg-type]
        assert "not a valid Pick" in raised.value.detail


def test_openai_compatible_server_without_json_schema_falls_back(
    stub: OpenAIStub, caplog: pytest.LogCaptureFixture
) -> None:
    stub.reject_json_schema = True
    stub.add('{"product_id": "B07", "reason": "quiet"}')
    with caplog.at_level("WARNING"):
        pick, _ = structured(_remote(stub), MESSAGES, Pick, timeout_s=10)  # type: ignore[arg-type]
    assert pick.product_id == "B07"
    assert [r.get("response_format", {}).get("type") for r in stub.requests] == ["json_schema", "json_object"]
    assert "json_mode" in caplog.text


def test_openai_compatible_server_down_is_llm_error() -> None:
    model = make_chat_model(settings(llm="openai", llm_base_url="http://127.0.0.1:9/v1", llm_timeout_s=2))
    with pytest.raises(ModelFailure, match="connection to the model server failed"):
        structured(model, MESSAGES, Pick, timeout_s=5)


# --- the real local model -----------------------------------------------------------------------


@pytest.mark.llm
@pytest.mark.skipif(
    importlib.util.find_spec("llama_cpp") is None,
    reason="llama-cpp-python is not installed (it compiles ~10 min)",
)
def test_local_smollm2_generates_and_fills_a_schema(caplog: pytest.LogCaptureFixture) -> None:
    model = make_chat_model(settings(llm="local", llm_max_tokens=32, llm_temperature=0.0))
    stream = stream_text(model, [HumanMessage("Name one fruit.")])
    pieces = list(stream)
    assert len(pieces) > 1 and stream.text.strip()
    assert stream.usage is not None and stream.usage.completion_tokens > 0

    class Fruit(BaseModel):
        name: str = Field(min_length=1)
        color: str = Field(min_length=1)

    messages = [HumanMessage('Give a fruit and its color as JSON like {"name": "...", "color": "..."}.')]
    fruit, usage = structured(model, messages, Fruit, timeout_s=60)
    assert fruit.name and fruit.color
    assert usage.prompt_tokens > 0 and usage.completion_tokens > 0

    class Essay(BaseModel):
        text: str

    tiny = make_chat_model(settings(llm="local", llm_max_tokens=16, llm_temperature=0.0))
    with caplog.at_level("WARNING"), pytest.raises(LLMError, match="output was invalid"):
        structured(tiny, [HumanMessage("Write a long essay about kettles as JSON.")], Essay, timeout_s=60)
    assert "cut off at AISLE_LLM_MAX_TOKENS" in caplog.text

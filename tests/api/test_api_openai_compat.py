"""The OpenAI-compatible façade, driven by the official ``openai`` client against a real uvicorn server."""

from __future__ import annotations

import hashlib

import openai
import pytest
from fastapi.testclient import TestClient
from http_support import LiveServer, make_settings

from assistant.api import create_app


def _client(url: str, key: str = "sk-anything") -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{url}/v1", api_key=key, max_retries=0, timeout=10)


def test_non_stream_completion(live_server, fake_assistant) -> None:
    completion = _client(live_server.url).chat.completions.create(
        model="aisle",
        messages=[
            {"role": "system", "content": "ignored"},
            {"role": "user", "content": "a quiet dishwasher"},
        ],
        user="shopper-7",
        metadata={"session_id": "s-42"},
    )
    assert completion.object == "chat.completion"
    assert completion.choices[0].message.content == "Here are two quiet dishwashers."
    assert completion.choices[0].finish_reason == "stop"
    assert completion.usage is not None and completion.usage.total_tokens == 150
    aisle = completion.model_extra["aisle"]
    assert aisle["session_id"] == "s-42"
    assert [r["product"]["id"] for r in aisle["recommendations"]] == ["p1", "p2"]
    request = fake_assistant.requests[-1]
    assert (request.message, request.session_id, request.shopper_id) == (
        "a quiet dishwasher",
        "s-42",
        "shopper-7",
    )


def test_stream_completion_chunks_and_recommendations(live_server) -> None:
    stream = _client(live_server.url).chat.completions.create(
        model="aisle",
        messages=[{"role": "user", "content": "a quiet dishwasher"}],
        stream=True,
        stream_options={"include_usage": True},
    )
    chunks = list(stream)
    assert all(c.object == "chat.completion.chunk" for c in chunks)
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    assert text == "Here are two quiet dishwashers."
    extras = [c.model_extra.get("aisle") for c in chunks if c.model_extra.get("aisle")]
    assert [p["id"] for p in extras[0]["products"]] == ["p1", "p2"]  # early, before the text
    final = [c for c in chunks if c.choices and c.choices[0].finish_reason == "stop"]
    assert len(final) == 1
    assert [r["reason"] for r in final[0].model_extra["aisle"]["recommendations"]] == ["reason 1", "reason 2"]
    assert chunks[-1].usage is not None and chunks[-1].usage.prompt_tokens == 120


def test_conversation_maps_to_one_derived_session(live_server, fake_assistant) -> None:
    client = _client(live_server.url)
    first = [{"role": "user", "content": "dishwashers"}]
    client.chat.completions.create(model="aisle", messages=first, user="u1")
    client.chat.completions.create(
        model="aisle",
        messages=[
            *first,
            {"role": "assistant", "content": "Here are some."},
            {"role": "user", "content": "cheaper"},
        ],
        user="u1",
    )
    a, b = fake_assistant.requests
    expected = "oai-" + hashlib.sha256(b"u1\ndishwashers").hexdigest()[:28]
    assert a.session_id == b.session_id == expected
    assert (a.message, b.message) == ("dishwashers", "cheaper")
    assert a.shopper_id == b.shopper_id == "u1"


def test_openai_client_sees_auth_errors(api_settings, fake_assistant) -> None:
    settings = make_settings(api_settings.data_dir, api_keys={"sk-shop": "storefront"})
    with LiveServer(create_app(settings, assistant=fake_assistant)) as server:
        with pytest.raises(openai.AuthenticationError):
            _client(server.url, key="sk-wrong").chat.completions.create(
                model="aisle", messages=[{"role": "user", "content": "x"}]
            )
        ok = _client(server.url, key="sk-shop").chat.completions.create(
            model="aisle", messages=[{"role": "user", "content": "x"}]
        )
        assert ok.choices[0].message.content


@pytest.mark.parametrize(
    "messages",
    [[{"role": "system", "content": "no user"}], [{"role": "user", "content": "x" * 4001}], []],
)
def test_invalid_requests_are_422(client: TestClient, messages: list) -> None:
    r = client.post("/v1/chat/completions", json={"model": "aisle", "messages": messages})
    assert r.status_code == 422


def test_content_parts_are_read_as_text(client: TestClient, fake_assistant) -> None:
    parts = [{"type": "text", "text": "quiet "}, {"type": "text", "text": "dishwasher"}]
    r = client.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": parts}]})
    assert r.status_code == 200
    assert fake_assistant.requests[-1].message == "quiet dishwasher"

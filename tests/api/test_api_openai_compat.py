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
        metadata={"session_id": "session-42"},
    )
    assert completion.object == "chat.completion"
    assert completion.choices[0].message.content == "Here are two quiet dishwashers."
    assert completion.choices[0].finish_reason == "stop"
    assert completion.usage is not None and completion.usage.total_tokens == 150
    aisle = completion.model_extra["aisle"]
    assert aisle["session_id"] == "session-42"
    assert [r["product"]["id"] for r in aisle["recommendations"]] == ["p1", "p2"]
    request = fake_assistant.requests[-1]
    assert (request.message, request.session_id, request.shopper_id) == (
        "a quiet dishwasher",
        "session-42",
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


def test_sessions_are_issued_by_the_server_never_derived_from_content(live_server, fake_assistant) -> None:
    client = _client(live_server.url)
    first = [{"role": "user", "content": "dishwashers"}]
    raw_a = client.chat.completions.with_raw_response.create(model="aisle", messages=first, user="u1")
    raw_b = client.chat.completions.with_raw_response.create(model="aisle", messages=first, user="u1")
    a, b = raw_a.parse(), raw_b.parse()
    # Same words, same user: two sessions, each id in the header and in `aisle.session_id`.
    assert raw_a.headers["x-aisle-session-id"] == a.model_extra["aisle"]["session_id"]
    assert raw_b.headers["x-aisle-session-id"] == b.model_extra["aisle"]["session_id"]
    sid = a.model_extra["aisle"]["session_id"]
    assert sid != b.model_extra["aisle"]["session_id"]
    assert sid != "oai-" + hashlib.sha256(b"u1\ndishwashers").hexdigest()[:28]
    # The client continues the conversation by sending the id back.
    client.chat.completions.create(
        model="aisle",
        messages=[
            *first,
            {"role": "assistant", "content": "Here are some."},
            {"role": "user", "content": "cheaper"},
        ],
        user="u1",
        metadata={"session_id": sid},
    )
    requests = fake_assistant.requests
    assert [r.session_id for r in requests] == [sid, b.model_extra["aisle"]["session_id"], sid]
    assert [r.message for r in requests] == ["dishwashers", "dishwashers", "cheaper"]
    assert {r.shopper_id for r in requests} == {"u1"}


def test_streaming_completion_returns_its_session_header(live_server) -> None:
    client = _client(live_server.url)
    with client.chat.completions.with_streaming_response.create(
        model="aisle", messages=[{"role": "user", "content": "dishwashers"}], stream=True
    ) as raw:
        sid = raw.headers["x-aisle-session-id"]
        chunks = list(raw.parse())
    aisle = [c.model_extra["aisle"] for c in chunks if c.model_extra.get("aisle")]
    assert aisle and {x["session_id"] for x in aisle} == {sid}


@pytest.mark.parametrize("session_id", ["", "short", "../../etc/passwd", "a b c d e f g", "x" * 129])
def test_malformed_session_ids_are_422(client: TestClient, session_id: str) -> None:
    body = {"messages": [{"role": "user", "content": "x"}], "metadata": {"session_id": session_id}}
    r = client.post("/v1/chat/completions", json=body)
    assert r.status_code == 422
    assert r.json()["detail"][0]["loc"] == ["body", "metadata", "session_id"]


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

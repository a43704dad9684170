"""The OpenAI-compatible façade, driven by the official ``openai`` client against a real uvicorn server
serving the real core (demo dishwashers and headphones, hash embedder, scripted chat model)."""

from __future__ import annotations

import hashlib

import openai
import pytest
from fastapi.testclient import TestClient
from http_support import LiveServer, RealCore, core_settings

from assistant.api import create_app
from retrieval.components import Catalog


def _client(url: str, key: str = "sk-anything") -> openai.OpenAI:
    return openai.OpenAI(base_url=f"{url}/v1", api_key=key, max_retries=0, timeout=10)


def _quietest_dishwasher_noise(catalog: Catalog) -> str:
    dishwashers = [p for p in catalog.store.all() if "Dishwashers" in (p.category or [])]
    return min(dishwashers, key=lambda p: float(p.attributes["noise_level_db"])).attributes["noise_level_db"]


def _user_messages(core: RealCore, session_id: str) -> list[str]:
    return [m.content for m in core.store.history(session_id) if m.role == "user"]


def test_non_stream_completion(live_server, core: RealCore, demo_catalog: Catalog) -> None:
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
    aisle = completion.model_extra["aisle"]
    assert aisle["session_id"] == "session-42"
    recs = aisle["recommendations"]
    assert recs[0]["product"]["attributes"]["noise_level_db"] == _quietest_dishwasher_noise(demo_catalog)
    top = recs[0]["product"]["title"].split(",")[0]
    assert completion.choices[0].message.content.startswith(f"My top pick is the {top}")
    assert completion.choices[0].finish_reason == "stop"
    usage = completion.usage
    assert usage is not None and usage.prompt_tokens > 0 and usage.completion_tokens > 0
    assert usage.total_tokens == usage.prompt_tokens + usage.completion_tokens
    # The last user message is the turn; the shopper and the session are the ones the client sent.
    assert core.store.get_session("session-42").shopper_id == "shopper-7"
    assert _user_messages(core, "session-42") == ["a quiet dishwasher"]


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
    extras = [(i, c.model_extra.get("aisle")) for i, c in enumerate(chunks) if c.model_extra.get("aisle")]
    first_text = next(i for i, c in enumerate(chunks) if c.choices and c.choices[0].delta.content)
    products = extras[0][1]["products"]
    assert products and extras[0][0] < first_text  # the products come early, before the text
    assert text.startswith("My top pick is the " + products[0]["title"].split(",")[0])
    final = [c for c in chunks if c.choices and c.choices[0].finish_reason == "stop"]
    assert len(final) == 1
    recs = final[0].model_extra["aisle"]["recommendations"]
    assert [r["product"]["id"] for r in recs] == [p["id"] for p in products][: len(recs)]
    assert all(r["reason"] for r in recs)
    assert chunks[-1].usage is not None and chunks[-1].usage.prompt_tokens > 0


def test_sessions_are_issued_by_the_server_never_derived_from_content(live_server, core: RealCore) -> None:
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
    other = b.model_extra["aisle"]["session_id"]
    assert _user_messages(core, sid) == ["dishwashers", "cheaper"]
    assert _user_messages(core, other) == ["dishwashers"]
    assert {core.store.get_session(s).shopper_id for s in (sid, other)} == {"u1"}


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


def test_openai_client_sees_auth_errors(api_settings, core: RealCore) -> None:
    app = create_app(
        core_settings(api_settings.data_dir, api_keys={"sk-shop": "storefront"}), assistant=core.assistant
    )
    with LiveServer(app) as server:
        with pytest.raises(openai.AuthenticationError):
            _client(server.url, key="sk-wrong").chat.completions.create(
                model="aisle", messages=[{"role": "user", "content": "x"}]
            )
        ok = _client(server.url, key="sk-shop").chat.completions.create(
            model="aisle", messages=[{"role": "user", "content": "wireless headphones"}]
        )
        assert ok.choices[0].message.content
    assert len(core.model.calls) == 2  # only the authenticated turn reached the model


@pytest.mark.parametrize(
    "messages",
    [[{"role": "system", "content": "no user"}], [{"role": "user", "content": "x" * 4001}], []],
)
def test_invalid_requests_are_422(client: TestClient, messages: list) -> None:
    r = client.post("/v1/chat/completions", json={"model": "aisle", "messages": messages})
    assert r.status_code == 422


def test_content_parts_are_read_as_text(client: TestClient, core: RealCore) -> None:
    parts = [{"type": "text", "text": "quiet "}, {"type": "text", "text": "dishwasher"}]
    r = client.post("/v1/chat/completions", json={"messages": [{"role": "user", "content": parts}]})
    assert r.status_code == 200
    sid = r.json()["aisle"]["session_id"]
    assert _user_messages(core, sid) == ["quiet dishwasher"]
    assert r.json()["aisle"]["plan"]["query"] == "quiet dishwasher"

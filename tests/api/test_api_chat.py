"""POST /v1/chat through the real app: SSE framing and order, JSON mode, errors, metrics."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from assistant.errors import ConfigurationError, LLMError
from assistant.schemas import ChatRequest

SSE = {"Accept": "text/event-stream"}


def test_sse_streams_a_full_turn_in_order(client: TestClient, sse) -> None:
    with client.stream("POST", "/v1/chat", json={"message": "a quiet dishwasher"}, headers=SSE) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        assert r.headers["x-accel-buffering"] == "no"
        session_id = r.headers["x-aisle-session-id"]
        body = r.read().decode()
    events = [(name, data) for name, data in sse(body) if name != ":"]
    names = [name for name, _ in events]
    assert names == [
        "plan",
        "products",
        "token",
        "token",
        "token",
        "token",
        "token",
        "recommendations",
        "done",
    ]
    assert all(data["type"] == name for name, data in events)
    assert names.index("products") < names.index("token")
    assert [p["id"] for p in events[1][1]["products"]] == ["p1", "p2"]
    text = "".join(data["text"] for name, data in events if name == "token")
    assert text == events[-1][1]["message"] == "Here are two quiet dishwashers."
    assert {data["session_id"] for _, data in events} == {session_id}
    assert re.fullmatch("[0-9a-f]{32}", session_id)  # issued by the server (secrets.token_hex)


def test_sse_passes_session_and_filters_to_the_core(client: TestClient, fake_assistant) -> None:
    body = {
        "message": "cheaper",
        "session_id": "session-1",
        "shopper_id": "u-1",
        "filters": {"price_max": 500},
    }
    r = client.post("/v1/chat", json=body, headers=SSE)
    assert r.status_code == 200
    assert fake_assistant.requests == [ChatRequest.model_validate(body)]
    assert fake_assistant.requests[0].filters.price_max == 500


def test_json_mode_returns_the_finished_turn(client: TestClient, fake_assistant) -> None:
    fake_assistant.degrade = True
    r = client.post("/v1/chat", json={"message": "a quiet dishwasher"})
    assert r.status_code == 200
    turn = r.json()
    assert turn["session_id"] == r.headers["x-aisle-session-id"] and turn["turn_id"] == "turn-1"
    assert turn["message"] == "Here are two quiet dishwashers."
    assert [rec["product"]["id"] for rec in turn["recommendations"]] == ["p1", "p2"]
    assert turn["plan"]["query"] == "quiet dishwasher"
    assert turn["timings_ms"]["total"] == 10.0
    assert turn["usage"]["prompt_tokens"] == 120
    assert [d["stage"] for d in turn["degraded"]] == ["explain"]


def test_degraded_event_is_streamed(client: TestClient, fake_assistant, sse) -> None:
    fake_assistant.degrade = True
    r = client.post("/v1/chat", json={"message": "x"}, headers=SSE)
    names = [n for n, _ in sse(r.text)]
    assert names.index("recommendations") < names.index("degraded") < names.index("done")


def test_setup_error_gets_a_status_even_when_streaming(client: TestClient, fake_assistant) -> None:
    fake_assistant.fail_at_start = ConfigurationError("set AISLE_OPENAI_API_KEY or choose AISLE_LLM=local")
    r = client.post("/v1/chat", json={"message": "x"}, headers=SSE)
    assert r.status_code == 503
    assert "AISLE_OPENAI_API_KEY" in r.json()["detail"]


def test_error_mid_stream_ends_with_an_error_event(client: TestClient, fake_assistant, sse) -> None:
    fake_assistant.fail_after_products = LLMError("backend down")
    r = client.post("/v1/chat", json={"message": "x"}, headers=SSE)
    assert r.status_code == 200
    events = [(n, d) for n, d in sse(r.text) if n != ":"]
    assert [n for n, _ in events] == ["plan", "products", "error"]
    assert events[-1][1]["code"] == "llm_error" and events[-1][1]["message"] == "backend down"


def test_error_in_json_mode_is_502(client: TestClient, fake_assistant) -> None:
    fake_assistant.fail_after_products = LLMError("backend down")
    r = client.post("/v1/chat", json={"message": "x"})
    assert r.status_code == 502
    assert "backend down" in r.json()["detail"]


def test_keepalive_pings_are_comments(make_client, fake_assistant, sse) -> None:
    client = make_client(sse_ping_seconds=0.05)
    fake_assistant.tokens = ["slow "] * 4
    fake_assistant.token_delay_s = 0.1
    r = client.post("/v1/chat", json={"message": "x"}, headers=SSE)
    parsed = sse(r.text)
    assert any(name == ":" and data.startswith("ping") for name, data in parsed)
    assert [n for n, _ in parsed if n != ":"][-1] == "done"


def test_metrics_count_requests_and_stage_latencies(client: TestClient) -> None:
    client.post("/v1/chat", json={"message": "x"}, headers=SSE)
    client.post("/v1/chat", json={"message": ""})
    text = client.get("/metrics").text
    assert 'aisle_http_requests_total{method="POST",route="/v1/chat",status="200"} 1.0' in text
    assert 'aisle_http_requests_total{method="POST",route="/v1/chat",status="422"} 1.0' in text
    assert 'aisle_turn_stage_seconds_count{stage="retrieve_rank"} 1.0' in text
    assert 'aisle_llm_tokens_total{kind="prompt"} 120.0' in text
    assert "aisle_turns_total 1.0" in text

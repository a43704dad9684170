"""POST /v1/chat through the real app over the real core (demo dishwashers and headphones, hash
embedder, scripted chat model): SSE framing and order, JSON mode, degraded and failed turns, metrics.

Expected products come from the catalog's facts (the quietest dishwasher, the price cap), not from a
script: the core plans, searches, ranks, explains and answers for real."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from http_support import RealCore, SlowStreamModel, core_settings, real_assistant

from assistant.api import create_app
from assistant.errors import LLMError
from assistant.llm.fake import DEFAULT_REPLY, FakeReply
from assistant.settings import Settings
from retrieval.catalog import Product
from retrieval.components import Catalog

SSE = {"Accept": "text/event-stream"}


def _dishwashers(catalog: Catalog) -> list[Product]:
    return [p for p in catalog.store.all() if "Dishwashers" in (p.category or [])]


def _noise(product: dict | Product) -> float:
    attributes = product["attributes"] if isinstance(product, dict) else product.attributes
    return float(attributes["noise_level_db"])


def _events(text: str, sse: Callable[[str], list[tuple[str, dict | str]]]) -> list[tuple[str, dict]]:
    return [(name, data) for name, data in sse(text) if name != ":"]  # type: ignore[misc]


def test_sse_streams_a_full_turn_in_order(client: TestClient, sse, demo_catalog: Catalog) -> None:
    with client.stream("POST", "/v1/chat", json={"message": "a quiet dishwasher"}, headers=SSE) as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        assert r.headers["x-accel-buffering"] == "no"
        session_id = r.headers["x-aisle-session-id"]
        body = r.read().decode()
    events = _events(body, sse)
    names = [name for name, _ in events]
    assert names[:2] == ["plan", "products"] and names[-2:] == ["recommendations", "done"]
    assert "token" in names and names.index("products") < names.index("token")
    assert set(names) <= {"plan", "products", "token", "degraded", "recommendations", "done"}
    assert all(data["type"] == name for name, data in events)
    # "quiet" sorts by the catalog's noise level: the first card is the quietest dishwasher it sells.
    products = events[1][1]["products"]
    quietest = min(_noise(p) for p in _dishwashers(demo_catalog))
    assert all("Dishwashers" in p["category"] for p in products)
    assert _noise(products[0]) == quietest
    assert [_noise(p) for p in products] == sorted(_noise(p) for p in products)
    # The streamed text is the answer the model wrote about the top pick, as the done event records it.
    text = "".join(data["text"] for name, data in events if name == "token")
    assert text == events[-1][1]["message"]
    assert text.startswith("My top pick is the " + products[0]["title"].split(",")[0])
    assert {data["session_id"] for _, data in events} == {session_id}
    assert re.fullmatch("[0-9a-f]{32}", session_id)  # issued by the server (secrets.token_hex)


def test_sse_passes_session_and_filters_to_the_core(client: TestClient, core: RealCore, sse) -> None:
    body = {
        "message": "a quiet dishwasher",
        "session_id": "session-1",
        "shopper_id": "u-1",
        "filters": {"price_max": 500},
    }
    r = client.post("/v1/chat", json=body, headers=SSE)
    assert r.status_code == 200
    events = dict(_events(r.text, sse))
    assert events["plan"]["session_id"] == "session-1"
    assert events["plan"]["plan"]["filters"]["price_max"] == 500
    products = events["products"]["products"]
    assert products and all(p["price"] <= 500 for p in products)
    session = core.store.get_session("session-1")
    assert session.shopper_id == "u-1" and session.message_count == 2


def test_json_mode_returns_the_finished_turn(client: TestClient, core: RealCore) -> None:
    r = client.post("/v1/chat", json={"message": "a quiet dishwasher under $500"})
    assert r.status_code == 200
    turn = r.json()
    assert turn["session_id"] == r.headers["x-aisle-session-id"] and re.fullmatch(
        "[0-9a-f]{32}", turn["turn_id"]
    )
    recs = turn["recommendations"]
    assert recs and all(rec["product"]["price"] <= 500 for rec in recs) and all(rec["reason"] for rec in recs)
    assert turn["message"].startswith("My top pick is the " + recs[0]["product"]["title"].split(",")[0])
    assert turn["plan"]["query"] == "quiet dishwasher" and turn["plan"]["filters"]["price_max"] == 500
    assert turn["timings_ms"]["total"] >= turn["timings_ms"]["plan"] > 0
    assert turn["usage"]["prompt_tokens"] > 0 and turn["usage"]["llm_calls"] == len(core.model.calls) == 2
    # The scripted model plants mistakes; the core drops the unsupported claims and says so.
    assert {d["stage"] for d in turn["degraded"]} == {"explain", "answer"}


def test_degraded_event_is_streamed(client: TestClient, core: RealCore, sse) -> None:
    core.model.add(DEFAULT_REPLY)  # the rerank gets text that is not JSON: the core falls back
    r = client.post("/v1/chat", json={"message": "wireless headphones"}, headers=SSE)
    events = _events(r.text, sse)
    names = [n for n, _ in events]
    degraded = [d for n, d in events if n == "degraded"]
    assert any(d["stage"] == "explain" and "showing our ranking" in d["reason"] for d in degraded), degraded
    assert names.index("products") < names.index("degraded") < names.index("done")
    recs = dict(events)["recommendations"]["recommendations"]
    assert recs and all(rec["reason"] for rec in recs)  # fallback reasons from the catalog's facts


def test_setup_error_gets_a_status_even_when_streaming(tmp_path) -> None:
    # Real: the app builds its assistant from settings that ask for OpenAI without a key.
    settings = core_settings(tmp_path / "data", llm="openai")
    with TestClient(create_app(settings)) as client:
        r = client.post("/v1/chat", json={"message": "x"}, headers=SSE)
    assert r.status_code == 503
    assert "AISLE_OPENAI_API_KEY" in r.json()["detail"]


def test_a_model_failure_mid_turn_degrades_instead_of_ending_the_stream(
    client: TestClient, core: RealCore, sse
) -> None:
    # The core catches the model's failures (rerank and answer) and finishes the turn on the catalog.
    core.model.add(LLMError("backend down"), LLMError("backend down"))
    r = client.post("/v1/chat", json={"message": "a quiet dishwasher"}, headers=SSE)
    assert r.status_code == 200
    events = _events(r.text, sse)
    names = [n for n, _ in events]
    assert names[:2] == ["plan", "products"] and names[-1] == "done" and "error" not in names
    assert {d["stage"] for n, d in events if n == "degraded"} >= {"explain", "answer"}
    assert events[-1][1]["message"]  # a reply composed without the model


def test_an_error_in_json_mode_is_a_status_not_half_a_turn(client: TestClient, core: RealCore) -> None:
    # Real: the shopper is erased while the model answers; the turn cannot be saved (NotFoundError).
    def erase(_messages: list) -> str:
        core.store.delete_shopper("leaving")
        return "Here are some quiet dishwashers."

    core.model.add(DEFAULT_REPLY, erase)
    r = client.post("/v1/chat", json={"message": "a quiet dishwasher", "shopper_id": "leaving"})
    assert r.status_code == 404, r.text
    assert "recommendations" not in r.json() and r.json()["error"] == "NotFoundError"


def test_keepalive_pings_are_comments(api_settings: Settings, demo_catalog: Catalog, sse, tmp_path) -> None:
    # The model takes 0.3 s before answering and then streams slowly: the stream stays alive meanwhile.
    model = SlowStreamModel(word_delay_s=0.02)
    model.add(FakeReply(content=DEFAULT_REPLY, delay_s=0.3))
    assistant = real_assistant(api_settings, demo_catalog, model)
    app = create_app(core_settings(tmp_path / "app", sse_ping_seconds=0.05), assistant=assistant)
    try:
        with TestClient(app) as client:
            r = client.post("/v1/chat", json={"message": "a quiet dishwasher"}, headers=SSE)
    finally:
        assistant.store.close()
    parsed = sse(r.text)
    assert any(name == ":" and str(data).startswith("ping") for name, data in parsed)
    assert [n for n, _ in parsed if n != ":"][-1] == "done"


def test_metrics_count_requests_and_stage_latencies(client: TestClient) -> None:
    done = client.post("/v1/chat", json={"message": "a quiet dishwasher"})
    client.post("/v1/chat", json={"message": ""})
    text = client.get("/metrics").text
    assert 'aisle_http_requests_total{method="POST",route="/v1/chat",status="200"} 1.0' in text
    assert 'aisle_http_requests_total{method="POST",route="/v1/chat",status="422"} 1.0' in text
    assert 'aisle_turn_stage_seconds_count{stage="retrieve_rank"} 1.0' in text
    prompt_tokens = done.json()["usage"]["prompt_tokens"]
    assert prompt_tokens > 0 and f'aisle_llm_tokens_total{{kind="prompt"}} {float(prompt_tokens)}' in text
    assert "aisle_turns_total 1.0" in text

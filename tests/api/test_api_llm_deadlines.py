"""Deadlines through the HTTP API: ``POST /v1/chat`` (SSE) on a real uvicorn server, the real assistant
and the real OpenAI adapter, against a loopback model server that hangs or fails with HTTP 500.

The stream still brings ``products`` and ``done`` within the turn budget + 1 s with a ``degraded``
event, never the upstream error body; after repeated failures the circuit opens: ``/readyz`` stays
ready but says so, ``/metrics`` shows it, and the next turn sends the model server nothing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from http_support import LiveServer, make_settings
from openai_server import SECRET_DETAIL, OpenAIStub, deadline_settings

from assistant.api import create_app
from assistant.settings import Settings
from assistant.turn import build_assistant
from ui.client import iter_sse

BUDGET_S = 2.0


@pytest.fixture(scope="module")
def api_deadline_settings(tmp_path_factory: pytest.TempPathFactory, stub_server: OpenAIStub) -> Settings:
    root = tmp_path_factory.mktemp("api-deadlines")
    return deadline_settings(stub_server, root, budget_s=BUDGET_S, rate_limit_per_minute=0)


@pytest.fixture
def server(api_deadline_settings: Settings, stub: OpenAIStub) -> Iterator[LiveServer]:
    assistant = build_assistant(api_deadline_settings)
    try:
        with LiveServer(create_app(api_deadline_settings, assistant=assistant)) as live:
            stub.reset()
            stub.add(
                json.dumps({"query": "dishwasher", "intent": "search"}), '{"ranking": []}', "Here they are."
            )
            _chat(live, "a dishwasher")  # warm: the first turn of a process loads the ranker and indexes
            stub.reset()
            yield live
    finally:
        assistant.store.close()
        assistant.catalog.close()


def _chat(server: LiveServer, message: str) -> dict[str, object]:
    """One SSE turn: when ``products`` and ``done`` arrived, the degraded reasons, the raw stream text."""
    started = time.monotonic()
    at: dict[str, float] = {}
    raw: list[str] = []
    degraded: list[str] = []
    with (
        httpx.Client(base_url=server.url, timeout=30) as http,
        http.stream(
            "POST", "/v1/chat", json={"message": message}, headers={"Accept": "text/event-stream"}
        ) as response,
    ):
        assert response.status_code == 200

        def lines() -> Iterator[str]:
            for line in response.iter_lines():
                raw.append(line)
                yield line

        for event in iter_sse(lines()):
            at.setdefault(event.event, time.monotonic() - started)
            if event.event == "degraded":
                degraded.append(json.loads(event.data)["reason"])
    return {"at": at, "degraded": degraded, "raw": "\n".join(raw)}


@pytest.mark.parametrize("mode", ["hang", "http_500"])
def test_sse_turns_stay_within_the_budget_and_the_circuit_opens(
    server: LiveServer, stub: OpenAIStub, mode: str
) -> None:
    stub.mode = mode  # type: ignore[assignment]
    with httpx.Client(base_url=server.url, timeout=10) as http:
        for _ in range(2):  # AISLE_LLM_BREAKER_FAILURES=2
            turn = _chat(server, "a quiet dishwasher under $800")
            at = turn["at"]
            assert isinstance(at, dict) and "products" in at and "done" in at and "error" not in at
            assert at["products"] <= BUDGET_S + 1.0 and at["done"] <= BUDGET_S + 1.0
            assert turn["degraded"]
            assert SECRET_DETAIL not in str(turn["raw"])
            ready = http.get("/readyz").json()
            if ready["checks"]["llm_circuit"]["detail"].startswith("open"):
                break
        ready = http.get("/readyz")
        assert ready.status_code == 200 and ready.json()["ready"] is True
        circuit = ready.json()["checks"]["llm_circuit"]
        assert circuit["ok"] is True and circuit["detail"].startswith("open after 2 failures in 4 calls")
        metrics = http.get("/metrics").text
        assert 'aisle_llm_circuit_state{state="open"} 1.0' in metrics
        assert 'aisle_llm_circuit_state{state="closed"} 0.0' in metrics
        assert SECRET_DETAIL not in metrics
        before = len(stub.requests)
        skipped = _chat(server, "a quiet dishwasher under $800")
        assert len(stub.requests) == before  # open: the model server is not called at all
        at = skipped["at"]
        assert isinstance(at, dict) and at["done"] < 1.0
        assert any("paused after repeated failures" in r for r in skipped["degraded"])  # type: ignore[attr-defined]


def test_readyz_and_metrics_say_closed_when_the_model_is_fine(server: LiveServer) -> None:
    with httpx.Client(base_url=server.url, timeout=10) as http:
        ready = http.get("/readyz").json()
        assert ready["ready"] and ready["checks"]["llm_circuit"]["detail"].startswith("closed")
        assert 'aisle_llm_circuit_state{state="closed"} 1.0' in http.get("/metrics").text


def test_metrics_without_a_built_assistant_has_no_circuit(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    with TestClient(create_app(make_settings(tmp_path / "d"))) as client:
        text = client.get("/metrics").text
    assert "aisle_llm_circuit_state{" not in text  # a scrape never builds the assistant

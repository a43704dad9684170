"""The UI's transports yield the same typed events: HTTP SSE against a real server, and in-process."""

from __future__ import annotations

import pytest
from http_support import LiveServer, make_settings

from assistant.api import create_app
from assistant.schemas import FeedbackRequest
from ui.client import HttpTransport, InProcessTransport, TransportError, iter_sse


def test_iter_sse_handles_comments_multiline_and_crlf() -> None:
    lines = [
        ": ping",
        "event: token",
        'data: {"a":',
        "data: 1}",
        "",
        "data: x\r",
        "\r",
        "event: done",
        "data: {}",
    ]
    got = [(m.event, m.data) for m in iter_sse(lines)]
    assert got == [("token", '{"a":\n1}'), ("message", "x"), ("done", "{}")]


def test_http_and_in_process_transports_agree(ui_fake_assistant, tmp_path) -> None:
    from assistant.schemas import ChatRequest

    request = ChatRequest(message="a quiet dishwasher")
    local = [
        e.model_dump(exclude={"finished_at", "turn_id", "session_id"})
        for e in InProcessTransport(ui_fake_assistant).chat(request)
    ]
    with LiveServer(create_app(ui_fake_assistant.settings, assistant=ui_fake_assistant)) as server:
        http = HttpTransport(server.url)
        remote = [e.model_dump(exclude={"finished_at", "turn_id", "session_id"}) for e in http.chat(request)]
        http.feedback(FeedbackRequest(product_id="p1", kind="thumbs_up"))
        assert "fake: scripted test assistant" in http.llm_description()
    assert [e["type"] for e in remote] == [e["type"] for e in local]
    assert remote == local
    assert [f.product_id for f in ui_fake_assistant.feedback] == ["p1"]


def test_http_transport_reports_auth_errors(ui_fake_assistant) -> None:
    from assistant.schemas import ChatRequest

    settings = make_settings(ui_fake_assistant.settings.data_dir, api_keys={"sk-shop": "storefront"})
    with (
        LiveServer(create_app(settings, assistant=ui_fake_assistant)) as server,
        pytest.raises(TransportError, match="401"),
    ):
        list(HttpTransport(server.url).chat(ChatRequest(message="x")))


def test_http_transport_reports_unreachable_api() -> None:
    from assistant.schemas import ChatRequest

    with pytest.raises(TransportError, match="cannot reach"):
        list(HttpTransport("http://127.0.0.1:9", timeout_s=2).chat(ChatRequest(message="x")))


def test_comparison_event_passes_through_both_transports(ui_scripted_assistant) -> None:
    from ui_support import COMPARISON_ROWS

    from assistant.schemas import ChatRequest, ComparisonEvent

    ui_scripted_assistant.rows = COMPARISON_ROWS
    request = ChatRequest(message="compare the first two")
    local = list(InProcessTransport(ui_scripted_assistant).chat(request))
    with LiveServer(create_app(ui_scripted_assistant.settings, assistant=ui_scripted_assistant)) as server:
        remote = list(HttpTransport(server.url).chat(request))
    for events in (local, remote):
        comparisons = [e for e in events if isinstance(e, ComparisonEvent)]
        assert len(comparisons) == 1, [e.type for e in events]
        assert comparisons[0].rows == COMPARISON_ROWS
        assert [p.id for p in comparisons[0].products] == ["p1", "p2"]
    assert [e.type for e in remote] == [e.type for e in local]
    assert [e.model_dump(exclude={"finished_at", "turn_id", "session_id"}) for e in remote] == [
        e.model_dump(exclude={"finished_at", "turn_id", "session_id"}) for e in local
    ]

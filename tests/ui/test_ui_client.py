"""The UI's transports yield the same typed events: HTTP SSE against a real server, and in-process."""

from __future__ import annotations

import pytest
from http_support import LiveServer, RealCore, make_settings

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


_VARYING = {"finished_at", "turn_id", "session_id", "timings_ms"}  # differ between any two turns


def _same(events: list) -> list[dict]:
    return [e.model_dump(exclude=_VARYING) for e in events]


def test_http_and_in_process_transports_agree(ui_core: RealCore) -> None:
    from assistant.schemas import ChatRequest

    request = ChatRequest(message="a quiet dishwasher")
    local = list(InProcessTransport(ui_core.assistant).chat(request))
    settings = ui_core.assistant.settings
    with LiveServer(create_app(settings, assistant=ui_core.assistant)) as server:
        http = HttpTransport(server.url)
        remote = list(http.chat(request))
        top = next(e for e in remote if e.type == "products").products[0]
        http.feedback(FeedbackRequest(product_id=top.id, kind="thumbs_up", shopper_id="u1"))
        assert "fake" in http.llm_description()
    assert [e.type for e in remote] == [e.type for e in local]
    assert _same(remote) == _same(local)  # the same real turn, through either transport
    assert [(f.product_id, f.kind) for f in ui_core.store.feedback("u1")] == [(top.id, "thumbs_up")]


def test_http_transport_reports_auth_errors(ui_core: RealCore, tmp_path) -> None:
    from assistant.schemas import ChatRequest

    settings = make_settings(tmp_path / "keyed", api_keys={"sk-shop": "storefront"})
    with (
        LiveServer(create_app(settings, assistant=ui_core.assistant)) as server,
        pytest.raises(TransportError, match="401"),
    ):
        list(HttpTransport(server.url).chat(ChatRequest(message="a quiet dishwasher")))
    assert ui_core.model.calls == []  # refused before the core


def test_http_transport_reports_unreachable_api() -> None:
    from assistant.schemas import ChatRequest

    with pytest.raises(TransportError, match="cannot reach"):
        list(HttpTransport("http://127.0.0.1:9", timeout_s=2).chat(ChatRequest(message="x")))


def test_comparison_event_passes_through_both_transports(ui_core: RealCore) -> None:
    from assistant.schemas import ChatRequest, ComparisonEvent

    def compare_after_search(transport) -> list:
        first = list(transport.chat(ChatRequest(message="a quiet dishwasher")))
        session_id = first[0].session_id
        return list(transport.chat(ChatRequest(message="compare the first two", session_id=session_id)))

    local = compare_after_search(InProcessTransport(ui_core.assistant))
    with LiveServer(create_app(ui_core.assistant.settings, assistant=ui_core.assistant)) as server:
        remote = compare_after_search(HttpTransport(server.url))
    for events in (local, remote):
        comparisons = [e for e in events if isinstance(e, ComparisonEvent)]
        assert len(comparisons) == 1, [e.type for e in events]
        rows = {row.attribute: row for row in comparisons[0].rows}
        assert len(comparisons[0].products) == 2 and "noise_level_db" in rows and "price" in rows
    assert _same(remote) == _same(local)

"""A client that disconnects mid-stream stops the turn: the core's generator is closed."""

from __future__ import annotations

import httpx


def test_disconnect_closes_the_turn_generator(live_server, fake_assistant) -> None:
    fake_assistant.tokens = [f"w{i} " for i in range(2000)]
    fake_assistant.token_delay_s = 0.005  # the whole turn would take ~10 s
    with (
        httpx.Client(base_url=live_server.url, timeout=10) as http,
        http.stream("POST", "/v1/chat", json={"message": "x"}, headers={"Accept": "text/event-stream"}) as r,
    ):
        assert r.status_code == 200
        for line in r.iter_lines():
            if line == "event: token":
                break
    # The response is closed here (the connection is dropped): the generator must see GeneratorExit.
    assert fake_assistant.closed.wait(timeout=5), "the turn generator was not closed after the disconnect"
    assert not fake_assistant.completed.is_set()
    sent = fake_assistant.tokens_sent
    assert sent < len(fake_assistant.tokens)
    # …and it stays stopped.
    assert not fake_assistant.completed.wait(timeout=0.3)
    assert fake_assistant.tokens_sent == sent

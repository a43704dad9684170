"""A client that disconnects mid-stream stops the turn: the real core closes the model's stream and
records no answer. The model streams slowly (the chat-model seam); everything else is real."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from http_support import LiveServer, SlowStreamModel, real_assistant
from langchain_core.messages import BaseMessage

from assistant.api import create_app
from assistant.llm.fake import DEFAULT_REPLY
from assistant.llm.scripted import realistic_reply
from assistant.settings import Settings
from assistant.turn import Assistant
from retrieval.components import Catalog

SENTENCES = 300  # streamed word by word, ~20 s in all


def _long_answer(messages: list[BaseMessage]) -> str:
    """A true sentence about the top pick (the core checks each finished sentence), many times."""
    first = realistic_reply(messages).split(". ")[0] + "."
    return " ".join([first] * SENTENCES)


@pytest.fixture
def slow(api_settings: Settings, demo_catalog: Catalog) -> Iterator[tuple[Assistant, SlowStreamModel]]:
    model = SlowStreamModel(word_delay_s=0.005)
    model.add(DEFAULT_REPLY, _long_answer)  # the rerank falls back; the answer is long
    assistant = real_assistant(api_settings, demo_catalog, model)
    yield assistant, model
    assistant.store.close()


def test_disconnect_closes_the_turn_generator(
    api_settings: Settings, slow: tuple[Assistant, SlowStreamModel]
) -> None:
    assistant, model = slow
    app = create_app(api_settings, assistant=assistant)
    with LiveServer(app) as server:
        with (
            httpx.Client(base_url=server.url, timeout=10) as http,
            http.stream(
                "POST",
                "/v1/chat",
                json={"message": "a quiet dishwasher"},
                headers={"Accept": "text/event-stream"},
            ) as r,
        ):
            assert r.status_code == 200
            session_id = r.headers["x-aisle-session-id"]
            for line in r.iter_lines():
                if line == "event: token":
                    break
        # The response is closed here (the connection is dropped): the model's stream must be closed.
        assert model.closed.wait(timeout=5), "the model's stream was not closed after the disconnect"
        assert not model.finished.is_set()
        sent = model.sent
        assert sent < SENTENCES * 5
        # …and it stays stopped: no more words, and no answer saved for the turn.
        assert not model.finished.wait(timeout=0.3)
        assert model.sent == sent
    roles = [m.role for m in assistant.store.history(session_id, limit=10)]
    assert "assistant" not in roles

"""The API's error paths, over HTTP: statuses, bodies and streams that end with an error.

Most tests drive the real core (``build_assistant`` over an ingested slice of the demo catalog, hash
embedder, :class:`~assistant.llm.fake.FakeChatModel`), breaking it the way production breaks: a model
that raises, a shopper erased while their turn streams, a missing API key, an index built with another
embedder, a Chroma server that is down. The scripted ``FakeAssistant`` stands in only for states the
real core cannot reach: a turn with no events, and a turn that reports failure (an ``error`` event or
a raised ``LLMError``) — the core catches every LLM failure and degrades instead.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest
from fastapi.testclient import TestClient
from http_support import FakeAssistant, LiveServer, free_port, make_settings, parse_sse, write_small_catalog

from assistant.api import create_app
from assistant.errors import LLMError
from assistant.llm.fake import DEFAULT_REPLY, FakeChatModel
from assistant.settings import Settings
from assistant.stores.sqlite import SqliteSessionStore
from assistant.turn import Assistant, build_assistant
from retrieval.components import Catalog, open_catalog
from retrieval.embed import HashEmbedder

SHOP = {"Authorization": "Bearer sk-shop"}
OPS = {"Authorization": "Bearer sk-ops"}
EVENT_STREAM = {"Accept": "text/event-stream"}
SECRET = "secret-internal-detail-7f3a"

# name -> (path, extra headers, body): the four ways to run a turn over HTTP.
TURN_ROUTES: dict[str, tuple[str, dict[str, str], dict[str, Any]]] = {
    "chat-json": ("/v1/chat", {}, {"message": "a quiet dishwasher"}),
    "chat-sse": ("/v1/chat", EVENT_STREAM, {"message": "a quiet dishwasher"}),
    "completions": (
        "/v1/chat/completions",
        {},
        {"model": "aisle", "messages": [{"role": "user", "content": "a quiet dishwasher"}]},
    ),
    "completions-stream": (
        "/v1/chat/completions",
        {},
        {"model": "aisle", "stream": True, "messages": [{"role": "user", "content": "a quiet dishwasher"}]},
    ),
}
STREAMING = ("chat-sse", "completions-stream")
BUFFERED = ("chat-json", "completions")


def _run_turn(
    client: TestClient, route: str, headers: dict[str, str] | None = None, **body: Any
) -> Any:  # an httpx response
    path, route_headers, base = TURN_ROUTES[route]
    return client.post(path, json={**base, **body}, headers={**route_headers, **(headers or {})})


def _error_message(response: Any) -> str:
    body = response.json()
    return body["error"]["message"] if isinstance(body.get("error"), dict) else body["detail"]


def _chunks(text: str) -> list[dict[str, Any] | str]:
    return [data for name, data in parse_sse(text) if name != ":"]


# --- stand-ins: states the real core never reaches --------------------------------------------------


@pytest.fixture
def fake_assistant(tmp_path: Path) -> Iterator[FakeAssistant]:
    """Stand-in for the whole core, for the states below only (the real core cannot reach them)."""
    settings = make_settings(tmp_path / "data")
    store = SqliteSessionStore(settings.store_db)
    yield FakeAssistant(settings=settings, store=store)
    store.close()


@pytest.fixture
def client(fake_assistant: FakeAssistant) -> Iterator[TestClient]:
    app = create_app(fake_assistant.settings, assistant=fake_assistant)
    with TestClient(app) as client:
        yield client


@pytest.mark.parametrize("route", list(TURN_ROUTES))
def test_a_turn_without_events_is_502(client: TestClient, fake_assistant, route: str) -> None:
    fake_assistant.no_events = True  # stand-in: the real core always ends a turn with `done`
    r = _run_turn(client, route)
    assert r.status_code == 502, r.text
    assert _error_message(r) == "the turn produced no events"


@pytest.mark.parametrize("route", list(TURN_ROUTES))
@pytest.mark.parametrize("how", ["raised", "error-event"])
def test_a_turn_that_fails_before_streaming_is_502(
    client: TestClient, fake_assistant, route: str, how: str
) -> None:
    # Stand-in: the real core catches LLM failures and degrades, so it never fails a turn this way.
    if how == "raised":
        fake_assistant.fail_at_start = LLMError("backend down")
    else:
        fake_assistant.error_event_at_start = "backend down"
    r = _run_turn(client, route)
    assert r.status_code == 502, r.text
    assert r.headers["content-type"] == "application/json"
    assert _error_message(r) == "backend down"


@pytest.mark.parametrize("route", BUFFERED)
@pytest.mark.parametrize("how", ["raised", "error-event"])
def test_a_buffered_turn_that_fails_midway_is_502(
    client: TestClient, fake_assistant, route: str, how: str
) -> None:
    # Stand-in, as above: the turn streamed plan and products, then failed (TurnFailed / LLMError).
    if how == "raised":
        fake_assistant.fail_after_products = LLMError("backend down")
    else:
        fake_assistant.error_event_after_products = "backend down"
    r = _run_turn(client, route)
    assert r.status_code == 502, r.text
    assert _error_message(r) == "backend down"
    if route == "chat-json" and how == "error-event":
        session_id = r.headers["x-aisle-session-id"]
        assert r.json() == {"detail": "backend down", "code": "llm_error", "session_id": session_id}
    if route == "completions" and how == "error-event":
        assert r.json()["error"]["code"] == "llm_error"


def test_an_error_event_mid_stream_ends_both_streams(client: TestClient, fake_assistant) -> None:
    fake_assistant.error_event_after_products = "backend down"  # stand-in, as above
    sse = _run_turn(client, "chat-sse")
    assert sse.status_code == 200
    events = [(n, d) for n, d in parse_sse(sse.text) if n != ":"]
    assert [n for n, _ in events] == ["plan", "products", "error"]
    assert events[-1][1]["message"] == "backend down"  # type: ignore[index]
    chunks = _chunks(_run_turn(client, "completions-stream").text)
    assert chunks[-2] == {"error": {"message": "backend down", "type": "llm_error", "code": "llm_error"}}
    assert chunks[-1] == "[DONE]"


# --- the real core ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def shared_catalog(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, Catalog]]:
    """Settings with a storefront and an admin key, and the demo slice ingested once for the module."""
    from retrieval.ingest import ingest_feed

    root = tmp_path_factory.mktemp("errors")
    settings = make_settings(
        root / "data", api_keys={"sk-shop": "storefront", "sk-ops": "admin"}, rate_limit_per_minute=0
    )
    catalog = open_catalog(settings, embedder=HashEmbedder())
    assert ingest_feed(catalog, write_small_catalog(root / "feed.jsonl")).added > 0
    yield settings, catalog
    catalog.close()


@dataclass
class Real:
    client: TestClient
    assistant: Assistant
    model: FakeChatModel
    settings: Settings


@pytest.fixture
def real(shared_catalog: tuple[Settings, Catalog]) -> Iterator[Real]:
    """The real core with a fresh fake model; server errors become responses, as in production."""
    settings, catalog = shared_catalog
    model = FakeChatModel()
    assistant = build_assistant(settings, chat_model=model, catalog=catalog)
    app = create_app(settings, assistant=assistant)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield Real(client, assistant, model, settings)
    assistant.store.close()


def _script_turn(model: FakeChatModel, answer: Callable[[list[Any]], str] | str) -> None:
    """A turn under the default fake settings makes two model calls: the rerank (``explain``) and the
    streamed answer. The rerank gets text that is not JSON (the turn falls back and degrades)."""
    model.add(DEFAULT_REPLY, answer)


def _raise_unexpected(_messages: list[Any]) -> str:
    raise KeyError(SECRET)  # not a backend error the LLM layer wraps: it escapes the core mid-turn


@pytest.mark.parametrize("route", BUFFERED)
def test_an_unexpected_error_is_a_safe_json_500(real: Real, route: str) -> None:
    real.model.add(_raise_unexpected)  # the rerank call raises, after `plan` and `products`
    r = _run_turn(real.client, route, SHOP)
    assert r.status_code == 500
    assert r.headers["content-type"] == "application/json"
    assert r.json() == {"detail": "internal server error", "error": "internal_error"}
    assert SECRET not in r.text and "KeyError" not in r.text and "Traceback" not in r.text


@pytest.mark.parametrize("route", STREAMING)
def test_an_unexpected_error_mid_stream_is_reported_in_the_stream(real: Real, route: str) -> None:
    real.model.add(_raise_unexpected)
    r = _run_turn(real.client, route, SHOP)
    assert r.status_code == 200
    assert SECRET not in r.text and "KeyError" not in r.text
    if route == "chat-sse":
        events = [(n, d) for n, d in parse_sse(r.text) if n != ":"]
        assert [n for n, _ in events] == ["plan", "products", "error"]
        error = events[-1][1]
        assert isinstance(error, dict) and error["code"] == "internal_error" and error["message"]
        assert error["session_id"] == events[0][1]["session_id"]  # type: ignore[index]
    else:
        chunks = _chunks(r.text)
        assert chunks[-1] == "[DONE]"
        error = chunks[-2]
        assert isinstance(error, dict) and error["error"]["code"] == "internal_error"


def _erase_shopper_while_answering(assistant: Assistant, shopper_id: str) -> Callable[[list[Any]], str]:
    def answer(_messages: list[Any]) -> str:
        assistant.store.delete_shopper(shopper_id)  # a privacy erase lands while the turn streams
        return "Here are some quiet dishwashers."

    return answer


@pytest.mark.parametrize("route", STREAMING)
def test_an_aisle_error_mid_stream_is_reported_in_the_stream(real: Real, route: str) -> None:
    shopper = f"erased-{route}"
    _script_turn(real.model, _erase_shopper_while_answering(real.assistant, shopper))
    extra = {"shopper_id": shopper} if route == "chat-sse" else {"user": shopper}
    r = _run_turn(real.client, route, SHOP, **extra)
    assert r.status_code == 200
    if route == "chat-sse":
        events = [(n, d) for n, d in parse_sse(r.text) if n != ":"]
        names = [n for n, _ in events]
        assert names[:2] == ["plan", "products"] and "token" in names
        assert names[-1] == "error" and "done" not in names
        assert events[-1][1]["code"] == "not_found_error"  # type: ignore[index]
    else:
        chunks = _chunks(r.text)
        assert any(
            isinstance(c, dict) and c.get("choices") and c["choices"][0]["delta"].get("content")
            for c in chunks
        )
        assert chunks[-1] == "[DONE]"
        error = chunks[-2]
        assert isinstance(error, dict) and error["error"]["code"] == "not_found_error"
        assert not any(
            isinstance(c, dict) and c.get("choices") and c["choices"][0].get("finish_reason") for c in chunks
        )


def test_an_error_mid_stream_reaches_a_real_openai_client_instead_of_hanging(
    shared_catalog: tuple[Settings, Catalog],
) -> None:
    settings, catalog = shared_catalog
    model = FakeChatModel([_raise_unexpected])
    assistant = build_assistant(settings, chat_model=model, catalog=catalog)
    try:
        with LiveServer(create_app(settings, assistant=assistant)) as server:
            client = openai.OpenAI(base_url=f"{server.url}/v1", api_key="sk-shop", max_retries=0, timeout=10)
            stream = client.chat.completions.create(
                model="aisle", messages=[{"role": "user", "content": "a quiet dishwasher"}], stream=True
            )
            with pytest.raises(openai.APIError) as raised:
                for _chunk in stream:
                    pass
            assert SECRET not in str(raised.value)
            # The plain SSE route over the same server: the stream ends with an `error` event.
            model.add(_raise_unexpected)
            with httpx.stream(
                "POST",
                f"{server.url}/v1/chat",
                json={"message": "a quiet dishwasher"},
                headers={**SHOP, **EVENT_STREAM},
                timeout=10,
            ) as r:
                text = r.read().decode()
            assert [n for n, _ in parse_sse(text) if n != ":"][-1] == "error"
    finally:
        assistant.store.close()


def test_feed_error_is_422_over_http(real: Real, monkeypatch: pytest.MonkeyPatch) -> None:
    from assistant.api.routers import catalog as catalog_router
    from retrieval.ingest import ingest_products
    from retrieval.loaders import RowError

    # Stand-in for what the route cannot ask for: strict ingest with a bad row (the real ingest raises).
    def strict(catalog: Catalog, products: Any) -> Any:
        bad = RowError(file="upsert", line=2, reason="price is not a number", record_id="zz-bad")
        return ingest_products(catalog, products, strict=True, errors=[bad])

    monkeypatch.setattr(catalog_router, "ingest_products", strict)
    product = {"id": "zz-strict-1", "title": "Strict Kettle", "category": ["Kitchen"], "price": 20.0}
    r = real.client.post("/v1/catalog", json={"products": [product]}, headers=OPS)
    assert r.status_code == 422
    assert r.json()["error"] == "FeedError" and "--strict refuses the whole feed" in r.json()["detail"]
    assert real.client.get("/v1/products/zz-strict-1", headers=SHOP).status_code == 404  # nothing written


def test_catalog_error_is_503_over_http(shared_catalog: tuple[Settings, Catalog]) -> None:
    # Real: the index on disk was built with `hash-128`; this assistant embeds with `hash-64`.
    settings, _ = shared_catalog
    assistant = build_assistant(settings, chat_model=FakeChatModel(), embedder=HashEmbedder(dim=64))
    product = {"id": "zz-dim-1", "title": "Mismatched Kettle", "category": ["Kitchen"], "price": 20.0}
    try:
        with TestClient(create_app(settings, assistant=assistant)) as client:
            r = client.post("/v1/catalog", json={"products": [product]}, headers=OPS)
            assert r.status_code == 503
            assert (
                r.json()["error"] == "CatalogError" and "built with embedder 'hash-128'" in r.json()["detail"]
            )
            ready = client.get("/readyz")
            assert ready.status_code == 503 and not ready.json()["ready"]
            assert "built with embedder" in ready.json()["checks"]["index"]["detail"]
    finally:
        assistant.store.close()
        assistant.catalog.close()


def _openai_without_a_key(data_dir: Path) -> TestClient:
    """The real app, building its assistant from settings that ask for OpenAI without a key."""
    settings = Settings(_env_file=None, data_dir=data_dir, embedder="hash", llm="openai")  # type: ignore[call-arg]
    return TestClient(create_app(settings))


def test_readyz_when_the_assistant_cannot_be_built(tmp_path: Path) -> None:
    with _openai_without_a_key(tmp_path / "data") as client:
        r = client.get("/readyz")
    assert r.status_code == 503
    body = r.json()
    assert body["ready"] is False
    assert body["checks"]["assistant"] == {
        "ok": False,
        "detail": "cannot build the assistant: set AISLE_OPENAI_API_KEY or choose AISLE_LLM=local",
    }


def test_readyz_without_a_catalog(tmp_path: Path) -> None:
    # Readers serve the published release, so an unreachable Chroma server alone does not make the
    # API unready; an empty catalog does.
    nothing_listens = f"http://127.0.0.1:{free_port()}"
    settings = make_settings(tmp_path / "data", chroma_url=nothing_listens)
    with TestClient(create_app(settings)) as client:
        r = client.get("/readyz")
    assert r.status_code == 503
    body = r.json()
    assert body["ready"] is False and body["checks"]["llm"]["ok"]
    assert not body["checks"]["index"]["ok"]
    assert body["checks"]["index"]["detail"].startswith("0 products, release v")
    assert "aisle ingest" in body["checks"]["index"]["detail"]


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/v1/chat", {"message": "a quiet dishwasher"}),
        ("POST", *TURN_ROUTES["completions"][::2]),
        ("POST", *TURN_ROUTES["completions-stream"][::2]),
        ("GET", "/v1/search?q=dishwasher", None),
        ("GET", "/v1/products/p1", None),
        ("POST", "/v1/feedback", {"product_id": "p1", "kind": "click", "shopper_id": "u1"}),
    ],
)
def test_configuration_error_is_503_outside_sse_chat(
    tmp_path: Path, method: str, path: str, body: dict[str, Any] | None
) -> None:
    with _openai_without_a_key(tmp_path / "data") as client:
        r = client.request(method, path, json=body)
    assert r.status_code == 503, r.text
    assert r.json() == {
        "detail": "set AISLE_OPENAI_API_KEY or choose AISLE_LLM=local",
        "error": "ConfigurationError",
    }


def test_another_shoppers_session_is_refused(real: Real) -> None:
    real.model.add(DEFAULT_REPLY, "Here you go.")
    first = _run_turn(real.client, "chat-json", SHOP, shopper_id="shopper-a")
    assert first.status_code == 200, first.text
    session_id = first.json()["session_id"]

    as_b = {"session_id": session_id, "shopper_id": "shopper-b", "message": "show me what A saw"}
    for route in ("chat-json", "chat-sse"):
        r = _run_turn(real.client, route, SHOP, **as_b)
        assert r.status_code == 404, (route, r.text)
        assert r.json() == {
            "detail": f"session {session_id!r} not found; omit session_id to start a new one",
            "error": "NotFoundError",
        }  # the same answer as for a session that does not exist
        assert "shopper-a" not in r.text
    for route in ("completions", "completions-stream"):
        r = _run_turn(
            real.client,
            route,
            SHOP,
            user="shopper-b",
            metadata={"session_id": session_id},
            messages=[{"role": "user", "content": "show me what A saw"}],
        )
        assert r.status_code == 404, (route, r.text)
        assert "shopper-a" not in r.text

    assert real.model.pending == 0 and len(real.model.calls) == 2  # B's turns never reached the model
    for shopper in (None, "shopper-b"):  # the history is A's alone
        params = {"shopper_id": shopper} if shopper else {}
        r = real.client.get(f"/v1/sessions/{session_id}", params=params, headers=SHOP)
        assert r.status_code == 404 and "shopper-a" not in r.text
    stored = real.client.get(
        f"/v1/sessions/{session_id}", params={"shopper_id": "shopper-a"}, headers=SHOP
    ).json()
    assert stored["session"]["shopper_id"] == "shopper-a"
    assert [m["content"] for m in stored["messages"] if m["role"] == "user"] == ["a quiet dishwasher"]
    real.model.add(DEFAULT_REPLY, "More.")
    again = _run_turn(real.client, "chat-json", SHOP, shopper_id="shopper-a", session_id=session_id)
    assert again.status_code == 200  # the owner still can


def test_feedback_without_a_shopper_or_session_is_a_clear_4xx(real: Real) -> None:
    found = real.client.get("/v1/search", params={"q": "dishwasher"}, headers=SHOP).json()
    product_id = found["products"][0]["id"]
    r = real.client.post("/v1/feedback", json={"product_id": product_id, "kind": "thumbs_up"}, headers=SHOP)
    assert 400 <= r.status_code < 500, r.text
    assert "feedback needs a shopper_id or a session_id" in json.dumps(r.json())
    ok = real.client.post(
        "/v1/feedback",
        json={"product_id": product_id, "kind": "thumbs_up", "shopper_id": "u-ok"},
        headers=SHOP,
    )
    assert ok.status_code == 200

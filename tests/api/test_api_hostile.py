"""Hostile input that schemathesis does not generate: bytes and numbers that are not JSON, or that
Python's JSON parser lets through (NaN, ±Infinity, 1e400, lone surrogates, any nesting depth), bodies
over the limit, invalid UTF-8, wrong content types, non-finite query parameters, booleans for numbers.

Each gets a clear 4xx whose body is valid JSON (strictly: no NaN), never a 5xx, and nothing of it
reaches the core. Over the real core (hash embedder, fake LLM, a slice of the demo catalog).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from http_support import make_settings, write_small_catalog

from assistant.api import create_app
from assistant.api.bodies import MAX_JSON_DEPTH
from assistant.llm.fake import FakeChatModel
from assistant.turn import build_assistant
from retrieval.components import open_catalog
from retrieval.embed import HashEmbedder
from retrieval.ingest import ingest_feed

SHOP = {"Authorization": "Bearer sk-shop"}
OPS = {"Authorization": "Bearer sk-ops"}
JSON = {"Content-Type": "application/json"}
LIMIT = 64_000


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, FakeChatModel]]:
    root: Path = tmp_path_factory.mktemp("hostile")
    settings = make_settings(
        root / "data",
        api_keys={"sk-shop": "storefront", "sk-ops": "admin"},
        rate_limit_per_minute=0,
        max_request_bytes=LIMIT,
    )
    catalog = open_catalog(settings, embedder=HashEmbedder())
    assert ingest_feed(catalog, write_small_catalog(root / "feed.jsonl")).added > 0
    model = FakeChatModel()
    assistant = build_assistant(settings, chat_model=model, catalog=catalog)
    with TestClient(create_app(settings, assistant=assistant), raise_server_exceptions=False) as client:
        yield client, model
    assistant.store.close()
    catalog.close()


def _strict_json(content: bytes) -> Any:
    def refuse(name: str) -> None:
        raise AssertionError(f"{name} in a response body")

    return json.loads(content.decode("utf-8"), parse_constant=refuse)


def _nested(depth: int) -> bytes:
    return b"[" * depth + b"]" * depth


def _chat(extra: bytes) -> bytes:
    return b'{"message": "a quiet dishwasher", "filters": {"price_min": 1}, "x": ' + extra + b"}"


BODY_ROUTES = {
    "chat": ("/v1/chat", b'{"message": %s}', SHOP),
    "completions": ("/v1/chat/completions", b'{"messages": [{"role": "user", "content": %s}]}', SHOP),
    "feedback": ("/v1/feedback", b'{"product_id": %s, "kind": "click", "shopper_id": "u1"}', SHOP),
    "catalog": ("/v1/catalog", b'{"products": [{"id": "h1", "title": %s}]}', OPS),
    "events": (
        "/v1/events",
        b'{"events": [{"event_id": %s, "type": "click", "session_id": "s", "turn_id": "t", "product_id": "p"}]}',
        SHOP,
    ),
}

# name -> (value placed where a string goes, expected status, words the error must contain)
BAD_VALUES: dict[str, tuple[bytes, int, str]] = {
    "NaN": (b"NaN", 422, "NaN is not JSON"),
    "Infinity": (b"Infinity", 422, "Infinity is not JSON"),
    "-Infinity": (b"-Infinity", 422, "-Infinity is not JSON"),
    "1e400": (b"1e400", 422, "finite number"),
    "huge-integer": (b"9" * 5000, 422, "invalid JSON"),
    "lone-surrogate-escape": (b'"tent \\ud800"', 422, "lone UTF-16 surrogate"),
    "lone-low-surrogate": (b'"\\udfff tent"', 422, "lone UTF-16 surrogate"),
    "raw-surrogate-bytes": (b'"tent \xed\xa0\x80"', 422, "not valid UTF-8"),
    "invalid-utf8": (b'"tent \xff\xfe"', 422, "not valid UTF-8"),
    "too-deep": (_nested(MAX_JSON_DEPTH + 1), 422, f"nested more than {MAX_JSON_DEPTH} deep"),
    "deep-900": (_nested(900), 422, "nested more than"),  # parsed by json, then broke a validator: 500
    "very-deep-under-the-size-limit": (_nested(30_000), 422, "nested more than"),
    "not-json": (b"{oops", 422, "invalid JSON"),
}


@pytest.mark.parametrize("route", list(BODY_ROUTES))
@pytest.mark.parametrize("bad", list(BAD_VALUES))
def test_bad_json_is_a_clear_422(hostile, route: str, bad: str) -> None:
    client, model = hostile
    path, template, key = BODY_ROUTES[route]
    value, status, words = BAD_VALUES[bad]
    calls = len(model.calls)
    r = client.post(path, content=template.replace(b"%s", value), headers={**key, **JSON})
    assert r.status_code == status, r.text
    body = _strict_json(r.content)
    assert words in json.dumps(body, ensure_ascii=False), body
    assert len(model.calls) == calls  # nothing reached the model


def test_a_surrogate_pair_is_text_not_an_error(hostile) -> None:
    client, _ = hostile
    r = client.post("/v1/chat", content=b'{"message": "tents \\ud83c\\udfd5"}', headers={**SHOP, **JSON})
    assert r.status_code == 200, r.text  # 🏕 written as a JSON surrogate pair


@pytest.mark.parametrize(
    "raw",
    [
        _chat(_nested(100_000)),  # 100k deep: over the size limit before it is parsed
        b'{"message": "' + b"x" * (LIMIT + 1) + b'"}',
    ],
)
def test_bodies_over_the_limit_are_413(hostile, raw: bytes) -> None:
    client, _ = hostile
    r = client.post("/v1/chat", content=raw, headers={**SHOP, **JSON})
    assert r.status_code == 413
    assert "AISLE_MAX_REQUEST_BYTES" in _strict_json(r.content)["detail"]


@pytest.mark.parametrize(
    "content_type",
    [
        None,
        "application/x-www-form-urlencoded",
        "text/plain",
        "multipart/form-data; boundary=x",
        "application/xml",
    ],
)
@pytest.mark.parametrize("route", list(BODY_ROUTES))
def test_a_body_that_is_not_sent_as_json_is_415(hostile, route: str, content_type: str | None) -> None:
    client, _ = hostile
    path, template, key = BODY_ROUTES[route]
    headers = {**key, **({"Content-Type": content_type} if content_type else {})}
    r = client.post(path, content=template.replace(b"%s", b'"tent"'), headers=headers)
    assert r.status_code == 415, r.text
    assert "Content-Type: application/json" in _strict_json(r.content)["detail"]


@pytest.mark.parametrize("content_type", ["application/json; charset=utf-8", "application/vnd.api+json"])
def test_json_content_types_with_parameters_are_accepted(hostile, content_type: str) -> None:
    client, _ = hostile
    r = client.post(
        "/v1/chat", content=b'{"message": "a dishwasher"}', headers={**SHOP, "Content-Type": content_type}
    )
    assert r.status_code == 200, r.text


@pytest.mark.parametrize(
    "filters",
    [
        {"min_rating": False},
        {"price_max": True},
        {"attribute_ranges": {"noise_db": {"lte": True}}},
        {"price_max": 10**400},
        {"price_min": -1},
        {"min_rating": 6},
        {"price_min": 10, "price_max": 5},
        {"in_stock": "maybe"},
        {"in_stock": 0},
        {"categories_all": ["women", 5]},
        {"categories_all": "women"},
        {"text_words": "polarized"},
        {"text_words": ["a"] * 9},
        {"exclude_text_words": [{"$ne": ""}]},
    ],
)
def test_numbers_are_numbers(hostile, filters: dict[str, Any]) -> None:
    client, _ = hostile
    r = client.post("/v1/chat", json={"message": "a dishwasher", "filters": filters}, headers=SHOP)
    assert r.status_code == 422, r.text
    assert _strict_json(r.content)["detail"][0]["loc"][:2] == ["body", "filters"]


@pytest.mark.parametrize(
    ("param", "value"),
    [
        ("max_price", "inf"),
        ("max_price", "-inf"),
        ("min_price", "Infinity"),
        ("max_price", "nan"),
        ("max_price", "1e400"),
        ("min_rating", "NaN"),
        ("min_price", "true"),
        ("k", "1e3"),
        ("k", "true"),
    ],
)
def test_non_finite_and_non_numeric_query_parameters_are_422(hostile, param: str, value: str) -> None:
    client, _ = hostile
    r = client.get("/v1/search", params={"q": "tent", param: value}, headers=SHOP)
    assert r.status_code == 422, r.text
    assert _strict_json(r.content)["detail"][0]["loc"] == ["query", param]


@pytest.mark.parametrize("q", ["\x00", "%ED%A0%80", "\ufffd" * 3, "' OR 1=1 --"])
def test_odd_query_text_is_searched_not_an_error(hostile, q: str) -> None:
    client, _ = hostile
    r = client.get(
        f"/v1/search?q={q}" if "%" in q else "/v1/search", params=None if "%" in q else {"q": q}, headers=SHOP
    )
    assert r.status_code == 200, r.text
    _strict_json(r.content)


def test_category_levels_from_a_body_are_data(hostile, sse) -> None:
    """Levels a storefront sends (``categories_all``) filter like any value: markup or an unknown level is
    a string to match, never an error; blanks and duplicates are dropped."""
    client, _ = hostile
    cases = [
        (["<script>alert(1)</script>"], ["<script>alert(1)</script>"]),
        (["Kitchen Appliances", "  ", "kitchen appliances"], ["kitchen appliances"]),
    ]
    for sent, kept in cases:
        r = client.post(
            "/v1/chat",
            json={"message": "a dishwasher", "filters": {"categories_all": sent}},
            headers={**SHOP, "Accept": "text/event-stream"},
        )
        assert r.status_code == 200, r.text
        events = [(name, data) for name, data in sse(r.text) if name != ":"]
        names = [name for name, _ in events]
        assert names[-1] == "done" and "error" not in names, names
        plan = next(data for name, data in events if name == "plan")
        assert isinstance(plan, dict)
        # the levels held, or — none of the store's products under them — loosened and said so
        asked = plan["plan"]["filters"]["categories_all"] or next(
            r["loosened"]["categories_all"] for r in plan["plan"]["relaxed"] if r["field"] == "category_level"
        )
        assert asked == kept


def test_text_words_from_a_body_are_data(hostile, sse) -> None:
    """Words a storefront sends as ``text_words`` / ``exclude_text_words`` filter like any value: markup,
    a huge word or a word no product says is a string to match (nothing matched is loosened and said),
    never an error."""
    client, _ = hostile
    for filters in (
        {"text_words": ["<script>alert(1)</script>"]},
        {"text_words": ["x" * 20_000]},
        {"exclude_text_words": ["stainless", "' OR 1=1 --"]},
    ):
        r = client.post(
            "/v1/chat",
            json={"message": "a dishwasher", "filters": filters},
            headers={**SHOP, "Accept": "text/event-stream"},
        )
        assert r.status_code == 200, r.text
        names = [name for name, _ in sse(r.text) if name != ":"]
        assert names[-1] == "done" and "error" not in names, names


def test_text_words_a_storefront_sends_hold_as_sent(hostile, sse) -> None:
    client, _ = hostile
    r = client.post(
        "/v1/chat",
        json={"message": "a dishwasher", "filters": {"exclude_text_words": ["stainless"]}},
        headers={**SHOP, "Accept": "text/event-stream"},
    )
    plan = next(data for name, data in sse(r.text) if name == "plan")
    assert isinstance(plan, dict)
    sent = plan["plan"]["filters"]["exclude_text_words"] or next(
        r["loosened"]["exclude_text_words"] for r in plan["plan"]["relaxed"] if r["field"] == "text_words"
    )
    assert sent == ["stainless"]


def test_too_many_colours_ruled_out_is_422_on_that_parameter(hostile) -> None:
    client, _ = hostile
    r = client.get(
        "/v1/search", params={"q": "tent", "exclude_color": [f"c{i}" for i in range(9)]}, headers=SHOP
    )
    assert r.status_code == 422, r.text
    assert _strict_json(r.content)["detail"][0]["loc"][:2] == ["query", "exclude_color"]


@pytest.mark.parametrize("colour", ["**red**", "[red](http://x)", "\x00", "", "red" * 200])
def test_odd_colours_ruled_out_are_searched_not_an_error(hostile, colour: str) -> None:
    client, _ = hostile
    r = client.get("/v1/search", params={"q": "tent", "exclude_color": colour}, headers=SHOP)
    assert r.status_code == 200, r.text
    _strict_json(r.content)

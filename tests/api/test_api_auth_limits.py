"""Auth roles, rate limits, body and message size limits, CORS and open dev mode, over the real core
(demo dishwashers and headphones, hash embedder, scripted chat model)."""

from __future__ import annotations

import json
import logging

import pytest
from fastapi.testclient import TestClient

from assistant.api.app import OPEN_MODE_WARNING
from assistant.api.schemas import MAX_UPSERT

KEYS = {"sk-shop": "storefront", "sk-ops": "admin"}
SHOP = {"Authorization": "Bearer sk-shop"}
OPS = {"Authorization": "Bearer sk-ops"}
PRODUCT = "dw-hearthline-quietclean-300-white"  # a dishwasher of the demo catalog


def _settings_keys(make_client, **kw) -> TestClient:
    return make_client(api_keys=KEYS, **kw)


def test_missing_key_is_401_with_challenge(make_client) -> None:
    client = _settings_keys(make_client)
    r = client.post("/v1/chat", json={"message": "x"})
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"
    assert "Authorization: Bearer" in r.json()["detail"]


def test_unknown_key_is_401(make_client) -> None:
    client = _settings_keys(make_client)
    r = client.get("/v1/search", params={"q": "x"}, headers={"Authorization": "Bearer sk-nope"})
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"


def test_storefront_key_cannot_use_admin_routes(make_client) -> None:
    client = _settings_keys(make_client)
    assert (
        client.post("/v1/catalog", json={"products": [{"id": "a", "title": "A"}]}, headers=SHOP).status_code
        == 403
    )
    assert client.get("/v1/shoppers/u1/export", headers=SHOP).status_code == 403
    r = client.delete("/v1/shoppers/u1", headers=SHOP)
    assert r.status_code == 403
    assert "admin" in r.json()["detail"]


def test_storefront_key_can_chat_and_admin_can_too(make_client, core) -> None:
    client = _settings_keys(make_client)
    for headers in (SHOP, OPS):
        r = client.post(
            "/v1/chat", json={"message": "a quiet dishwasher", "shopper_id": "u2"}, headers=headers
        )
        assert r.status_code == 200 and r.json()["recommendations"]
    assert len(core.model.calls) == 4  # both turns reached the model (rerank + answer each)
    assert client.delete("/v1/shoppers/nobody", headers=OPS).status_code == 200
    erased = client.delete("/v1/shoppers/u2", headers=OPS)
    assert erased.status_code == 200 and erased.json()["sessions"] == 2


def test_rate_limit_is_per_key_with_retry_after(make_client) -> None:
    client = _settings_keys(make_client, rate_limit_per_minute=2)
    for _ in range(2):
        assert (
            client.post(
                "/v1/feedback",
                json={"product_id": PRODUCT, "kind": "click", "shopper_id": "u1"},
                headers=SHOP,
            ).status_code
            == 200
        )
    r = client.post(
        "/v1/feedback", json={"product_id": PRODUCT, "kind": "click", "shopper_id": "u1"}, headers=SHOP
    )
    assert r.status_code == 429
    assert int(r.headers["retry-after"]) >= 1
    assert "AISLE_RATE_LIMIT_PER_MINUTE" in r.json()["detail"]
    # another key has its own bucket
    assert (
        client.post(
            "/v1/feedback", json={"product_id": PRODUCT, "kind": "click", "shopper_id": "u1"}, headers=OPS
        ).status_code
        == 200
    )


def test_body_too_large_is_413_with_reason(make_client) -> None:
    client = make_client(max_request_bytes=2048)
    r = client.post(
        "/v1/chat",
        content=b'{"message": "' + b"x" * 5000 + b'"}',
        headers={"Content-Type": "application/json"},
    )
    assert r.status_code == 413
    assert "2048" in r.json()["detail"] and "AISLE_MAX_REQUEST_BYTES" in r.json()["detail"]


def test_chunked_body_too_large_is_413(make_client) -> None:
    client = make_client(max_request_bytes=2048)

    def chunks():
        yield b'{"message": "'
        for _ in range(10):
            yield b"x" * 500
        yield b'"}'

    r = client.post("/v1/chat", content=chunks(), headers={"Content-Type": "application/json"})
    assert r.status_code == 413
    assert "AISLE_MAX_REQUEST_BYTES" in r.json()["detail"]


def _never_reached_the_core(core) -> bool:
    return core.model.calls == [] and core.store.sessions("u1") == []


def test_message_too_long_is_422_with_reason(client: TestClient, core) -> None:
    r = client.post("/v1/chat", json={"message": "x" * 4001, "shopper_id": "u1"})
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert detail[0]["loc"] == ["body", "message"] and "4000" in detail[0]["msg"]
    assert _never_reached_the_core(core)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"message": ""},
        {"message": "x", "filters": {"price_min": 10, "price_max": 5}},
        {"message": "x", "nope": 1},
    ],
)
def test_bad_chat_bodies_are_422(client: TestClient, body: dict) -> None:
    assert client.post("/v1/chat", json=body).status_code == 422


def test_malformed_json_is_422_not_500(client: TestClient) -> None:
    r = client.post("/v1/chat", content=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 422


@pytest.mark.parametrize(
    ("path", "raw"),
    [
        ("/v1/chat", b'{"message": "tents", "shopper_id": "u1", "filters": {"price_max": NaN}}'),
        ("/v1/chat", b'{"message": "tents", "shopper_id": "u1", "filters": {"price_min": Infinity}}'),
        (
            "/v1/chat",
            b'{"message": "tents", "shopper_id": "u1", "filters": {"attribute_ranges": {"weight_kg": {"lte": -Infinity}}}}',
        ),
    ],
)
def test_non_finite_numbers_are_a_clear_422_not_500(client: TestClient, core, path: str, raw: bytes) -> None:
    # Python's JSON parser accepts NaN/Infinity; the 422 that rejects them must itself be valid JSON.
    r = client.post(path, content=raw, headers={"Content-Type": "application/json"})
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert detail and all("loc" in error and error["msg"] for error in detail)
    assert _never_reached_the_core(core)


def test_non_finite_query_parameters_are_422(client: TestClient) -> None:
    r = client.get("/v1/search", params={"q": "tent", "max_price": "nan"})
    assert r.status_code == 422 and r.json()["detail"]


def test_cors_allows_configured_origins_only(make_client) -> None:
    client = make_client(cors_origins=["https://shop.example"])
    ok = client.options(
        "/v1/chat",
        headers={"Origin": "https://shop.example", "Access-Control-Request-Method": "POST"},
    )
    assert ok.status_code == 200
    assert ok.headers["access-control-allow-origin"] == "https://shop.example"
    bad = client.options(
        "/v1/chat", headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
    )
    assert "access-control-allow-origin" not in bad.headers
    chat = client.post("/v1/chat", json={"message": "x"}, headers={"Origin": "https://shop.example"})
    assert chat.headers["access-control-expose-headers"] == "X-Aisle-Session-Id"  # readable by the page


def test_open_dev_mode_warns_loudly_and_is_open(make_client, caplog) -> None:
    client = make_client()
    with caplog.at_level(logging.WARNING, logger="assistant.api"), client:
        assert client.delete("/v1/shoppers/nobody").status_code == 200
    assert OPEN_MODE_WARNING in caplog.text


def test_keys_are_never_logged(make_client, caplog) -> None:
    client = _settings_keys(make_client)
    with caplog.at_level(logging.DEBUG), client:
        client.post("/v1/chat", json={"message": "x"}, headers=SHOP)
    assert "sk-shop" not in caplog.text and "sk-ops" not in caplog.text
    assert "sk-shop" not in repr(client.app.state.settings)


def _demo_products(n: int) -> list[dict]:
    from importlib.resources import files

    rows = [
        json.loads(line)
        for line in (files("retrieval") / "data" / "demo_catalog.jsonl").read_text().splitlines()
        if line.strip()
    ]
    return [{**rows[i % len(rows)], "id": f"bulk-{i}"} for i in range(n)]


def test_the_catalog_upsert_body_limit_fits_its_1000_products(make_client) -> None:
    client = make_client()  # defaults: 64 KB for every route, AISLE_MAX_UPSERT_BYTES for the upsert
    products = _demo_products(MAX_UPSERT)
    products[-1] = {"id": "bulk-bad"}  # no title: a 422 proves the whole body was read and validated
    body = json.dumps({"products": products}).encode()
    assert 64_000 < len(body) < client.app.state.settings.max_upsert_bytes
    r = client.post("/v1/catalog", content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 422, r.text[:300]
    assert r.json()["detail"][0]["loc"] == ["body", "products", MAX_UPSERT - 1, "title"]
    one_too_many = client.post("/v1/catalog", json={"products": _demo_products(MAX_UPSERT + 1)})
    assert one_too_many.status_code == 422 and "1000" in one_too_many.json()["detail"][0]["msg"]
    # Other routes keep the small limit.
    chat = client.post("/v1/chat", content=body, headers={"Content-Type": "application/json"})
    assert chat.status_code == 413 and "AISLE_MAX_REQUEST_BYTES" in chat.json()["detail"]


def test_an_upsert_over_its_own_limit_is_413_naming_the_setting(make_client) -> None:
    client = make_client(max_upsert_bytes=100_000)
    r = client.post("/v1/catalog", json={"products": _demo_products(200)})
    assert r.status_code == 413
    assert "100000" in r.json()["detail"] and "AISLE_MAX_UPSERT_BYTES" in r.json()["detail"]


def test_access_log_lines_carry_no_shopper_text(make_client) -> None:
    with make_client():  # the app's startup installs the filter
        pass
    record = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/v1/search?q=my%20secret%20gift%20for%20alice&k=5", "1.1", 200),
        None,
    )
    for flt in logging.getLogger("uvicorn.access").filters:
        flt.filter(record)
    assert record.getMessage() == '127.0.0.1:5000 - "GET /v1/search?… HTTP/1.1" 200'

"""The API over the real core: ``build_assistant`` with the hash embedder and the fake LLM, over a
small slice of the demo catalog ingested through the real ingest path."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from http_support import make_settings, parse_sse, write_small_catalog

from assistant.api import create_app
from assistant.settings import Settings

OPS = {"Authorization": "Bearer sk-ops"}
SHOP = {"Authorization": "Bearer sk-shop"}
SSE = {"Accept": "text/event-stream", **SHOP}


@pytest.fixture(scope="module")
def real_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    root = tmp_path_factory.mktemp("real")
    return make_settings(
        root / "data",
        api_keys={"sk-shop": "storefront", "sk-ops": "admin"},
        rate_limit_per_minute=0,
    )


@pytest.fixture(scope="module")
def real_client(real_settings: Settings, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    from assistant.turn import build_assistant
    from retrieval.ingest import ingest_feed

    assistant = build_assistant(real_settings)
    feed = write_small_catalog(tmp_path_factory.mktemp("feed") / "small.jsonl")
    assert ingest_feed(assistant.catalog, feed).added > 0
    with TestClient(create_app(real_settings, assistant=assistant)) as client:
        yield client
    assistant.store.close()
    assistant.catalog.close()


def _turn(client: TestClient, message: str, **body: object) -> list[tuple[str, dict]]:
    r = client.post("/v1/chat", json={"message": message, **body}, headers=SSE)
    assert r.status_code == 200, r.text
    return [(n, d) for n, d in parse_sse(r.text) if n != ":"]  # type: ignore[misc]


def test_real_turn_streams_products_before_text(real_client: TestClient) -> None:
    events = _turn(real_client, "a quiet dishwasher under $800")
    names = [n for n, _ in events]
    assert names[0] == "plan" and names[-1] == "done"
    assert "token" in names and names.index("products") < names.index("token")
    products = dict(events)["products"]["products"]
    assert products and all(p["price"] <= 800 for p in products)
    assert "Dishwashers" in products[0]["category"]
    recs = dict(events)["recommendations"]["recommendations"]
    assert recs and all(r["reason"] for r in recs)
    done = events[-1][1]
    assert done["message"] == "".join(d["text"] for n, d in events if n == "token")
    assert done["llm"].startswith("fake")


def test_session_history_and_follow_up(real_client: TestClient) -> None:
    first = _turn(real_client, "wireless headphones")
    sid = first[0][1]["session_id"]
    _turn(real_client, "under $100", session_id=sid)
    r = real_client.get(f"/v1/sessions/{sid}", headers=SHOP)
    assert r.status_code == 200
    messages = r.json()["messages"]
    assert [m["role"] for m in messages] == ["user", "assistant", "user", "assistant"]
    assert messages[2]["content"] == "under $100"
    assert real_client.get("/v1/sessions/no-such-session", headers=SHOP).status_code == 404
    assert real_client.get("/v1/sessions/nope", headers=SHOP).status_code == 422  # not a session id


def test_search_applies_filters(real_client: TestClient) -> None:
    r = real_client.get("/v1/search", params={"q": "dishwasher", "max_price": 700, "k": 5}, headers=SHOP)
    assert r.status_code == 200
    products = r.json()["products"]
    assert 0 < len(products) <= 5 and all(p["price"] <= 700 for p in products)
    bad = real_client.get("/v1/search", params={"q": "x", "min_price": 9, "max_price": 1}, headers=SHOP)
    assert bad.status_code == 422


def test_search_rules_out_a_colour(real_client: TestClient) -> None:
    params = {"q": "running shoes", "k": 20}
    shown = real_client.get("/v1/search", params=params, headers=SHOP).json()["products"]
    assert any("black" in (p.get("color") or "").lower() for p in shown)
    r = real_client.get("/v1/search", params={**params, "exclude_color": "black"}, headers=SHOP)
    assert r.status_code == 200
    products = r.json()["products"]
    assert products and not any("black" in (p.get("color") or "").lower() for p in products)


def test_products_and_feedback(real_client: TestClient) -> None:
    pid = real_client.get("/v1/search", params={"q": "headphones"}, headers=SHOP).json()["products"][0]["id"]
    r = real_client.get(f"/v1/products/{pid}", headers=SHOP)
    assert r.status_code == 200 and r.json()["id"] == pid
    assert real_client.get("/v1/products/no-such-id", headers=SHOP).status_code == 404
    ok = real_client.post(
        "/v1/feedback", json={"product_id": pid, "kind": "thumbs_up", "shopper_id": "u9"}, headers=SHOP
    )
    assert ok.status_code == 200
    missing = real_client.post(
        "/v1/feedback", json={"product_id": "no-such-id", "kind": "thumbs_up"}, headers=SHOP
    )
    assert missing.status_code == 404


def test_shopper_export_and_delete(real_client: TestClient) -> None:
    _turn(real_client, "a dishwasher", shopper_id="shopper-x")
    export = real_client.get("/v1/shoppers/shopper-x/export", headers=OPS)
    assert export.status_code == 200
    assert export.json()["sessions"][0]["messages"][0]["content"] == "a dishwasher"
    deleted = real_client.delete("/v1/shoppers/shopper-x", headers=OPS)
    assert deleted.status_code == 200 and deleted.json()["sessions"] == 1
    assert real_client.get("/v1/shoppers/shopper-x/export", headers=OPS).status_code == 404


def test_admin_catalog_upsert_goes_through_ingest(real_client: TestClient) -> None:
    product = {
        "id": "test-zz-1",
        "title": "Zephyrine Ultra Silent Dishwasher",
        "brand": "Zephyrine",
        "category": ["Kitchen Appliances", "Dishwashers"],
        "price": 321.0,
    }
    r = real_client.post("/v1/catalog", json={"products": [product]}, headers=OPS)
    assert r.status_code == 200 and r.json()["added"] == 1
    again = real_client.post("/v1/catalog", json={"products": [product]}, headers=OPS)
    assert again.json()["unchanged"] == 1 and again.json()["embedded"] == 0
    assert real_client.get("/v1/products/test-zz-1", headers=SHOP).json()["brand"] == "Zephyrine"
    found = real_client.get(
        "/v1/search", params={"q": "Zephyrine", "brand": "Zephyrine"}, headers=SHOP
    ).json()
    assert [p["id"] for p in found["products"]] == ["test-zz-1"]
    bad = real_client.post("/v1/catalog", json={"products": [{"id": "x"}]}, headers=OPS)
    assert bad.status_code == 422


def test_readiness_and_metrics(real_client: TestClient) -> None:
    r = real_client.get("/readyz")
    assert r.status_code == 200, r.text
    assert r.json()["checks"]["index"]["ok"] and r.json()["checks"]["llm"]["detail"].startswith("fake")
    _turn(real_client, "headphones")
    text = real_client.get("/metrics").text
    assert 'aisle_turn_stage_seconds_count{stage="plan"}' in text
    assert 'route="/v1/chat",status="200"' in text


def test_readiness_reports_an_empty_catalog(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "empty")
    with TestClient(create_app(settings)) as client:  # the assistant is built lazily from settings
        r = client.get("/readyz")
    assert r.status_code == 503
    index = r.json()["checks"]["index"]
    assert not index["ok"] and "aisle ingest" in index["detail"]

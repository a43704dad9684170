"""A short conversation through the real API (``build_assistant``: hash embedder, fake LLM) with its
sessions and feedback on a real PostgreSQL server (``AISLE_DATABASE_URL``), hopping between two app
instances that each have their own store, as two API worker processes do."""

from __future__ import annotations

from pathlib import Path

import psycopg
from fastapi.testclient import TestClient
from http_support import core_settings, make_settings, parse_sse, real_assistant, write_small_catalog

from assistant.api import create_app
from assistant.stores.postgres import PostgresSessionStore
from retrieval.components import Catalog

OPS = {"Authorization": "Bearer sk-ops"}
SHOP = {"Authorization": "Bearer sk-shop"}
SSE = {"Accept": "text/event-stream", **SHOP}


def _turn(client: TestClient, message: str, **body: object) -> list[tuple[str, dict]]:
    r = client.post("/v1/chat", json={"message": message, **body}, headers=SSE)
    assert r.status_code == 200, r.text
    return [(n, d) for n, d in parse_sse(r.text) if n != ":"]  # type: ignore[misc]


def test_a_conversation_on_postgres_hops_between_workers(tmp_path: Path, postgres_url: str) -> None:
    from assistant.turn import build_assistant
    from retrieval.ingest import ingest_feed

    settings = make_settings(
        tmp_path / "data",
        api_keys={"sk-shop": "storefront", "sk-ops": "admin"},
        rate_limit_per_minute=0,
        database_url=postgres_url,
    )
    worker_a = build_assistant(settings)
    assert isinstance(worker_a.store, PostgresSessionStore)
    assert ingest_feed(worker_a.catalog, write_small_catalog(tmp_path / "small.jsonl")).added > 0
    worker_b = build_assistant(settings, catalog=worker_a.catalog)  # its own store: another pool
    try:
        with (
            TestClient(create_app(settings, assistant=worker_a)) as a,
            TestClient(create_app(settings, assistant=worker_b)) as b,
        ):
            ready = b.get("/readyz").json()
            assert ready["ready"] and ready["checks"]["sessions"]["detail"].startswith("postgresql://aisle@")
            first = _turn(a, "a quiet dishwasher under $800", shopper_id="pg-shopper")
            sid = first[0][1]["session_id"]
            products = dict(first)["products"]["products"]
            assert products and dict(first)["done"]["message"]

            second = _turn(b, "cheaper ones?", session_id=sid, shopper_id="pg-shopper")  # worker B continues
            assert [n for n, _ in second][-1] == "done"
            stored = b.get(f"/v1/sessions/{sid}", params={"shopper_id": "pg-shopper"}, headers=SHOP).json()
            assert [m["content"] for m in stored["messages"] if m["role"] == "user"] == [
                "a quiet dishwasher under $800",
                "cheaper ones?",
            ]
            assert stored["messages"][1]["shown_ids"] == [p["id"] for p in products]
            assert a.get(f"/v1/sessions/{sid}", headers=SHOP).status_code == 404  # bound to the shopper

            liked = {"product_id": products[0]["id"], "kind": "thumbs_up", "session_id": sid}
            assert (
                a.post("/v1/feedback", json={**liked, "shopper_id": "pg-shopper"}, headers=SHOP).status_code
                == 200
            )
            export = b.get("/v1/shoppers/pg-shopper/export", headers=OPS).json()
            assert len(export["sessions"][0]["messages"]) == 4 and len(export["feedback"]) == 1

            with psycopg.connect(postgres_url) as conn:  # it is PostgreSQL that holds the conversation
                assert conn.execute(
                    "SELECT COUNT(*) FROM messages WHERE session_id=%s", (sid,)
                ).fetchone() == (4,)
            assert not settings.store_db.exists()

            deleted = a.delete("/v1/shoppers/pg-shopper", headers=OPS).json()
            assert (deleted["sessions"], deleted["messages"], deleted["feedback"]) == (1, 4, 1)
            assert b.get("/v1/shoppers/pg-shopper/export", headers=OPS).status_code == 404
    finally:
        worker_b.store.close()
        worker_a.store.close()
        worker_a.catalog.close()


def test_a_session_database_outage_is_503_and_not_ready(
    tmp_path: Path, postgres_url: str, demo_catalog: Catalog
) -> None:
    """The database goes away under a running app: a turn that needs it is a 503 (retry), readiness
    says why, and nothing hangs."""
    settings = core_settings(tmp_path / "data", rate_limit_per_minute=0)
    store = PostgresSessionStore(postgres_url, pool_size=2, timeout_s=1)  # fails fast when it is gone
    assistant = real_assistant(settings, demo_catalog, store=store)
    app = create_app(settings, assistant=assistant)
    dbname = postgres_url.rsplit("/", 1)[1]
    admin = postgres_url.rsplit("/", 1)[0] + "/postgres"

    def allow(on: bool) -> None:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f"ALTER DATABASE {dbname} ALLOW_CONNECTIONS {'true' if on else 'false'}")
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname=%s AND pid <> pg_backend_pid()",
                (dbname,),
            )

    try:
        with TestClient(app) as client:
            assert client.get("/readyz").status_code == 200
            first = client.post("/v1/chat", json={"message": "a quiet dishwasher", "session_id": "s" * 32})
            assert first.status_code == 200 and first.json()["recommendations"]
            allow(False)
            r = client.post("/v1/chat", json={"message": "cheaper", "session_id": "s" * 32})
            assert r.status_code == 503 and r.json()["error"] == "StoreUnavailableError"
            assert "retry" in r.json()["detail"]
            ready = client.get("/readyz")
            assert ready.status_code == 503 and not ready.json()["checks"]["sessions"]["ok"]
    finally:
        allow(True)
        store.close()

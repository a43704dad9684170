"""Sessions belong to someone: server-issued ids, ids checked by shape, sessions namespaced by the API
key that created them and bound to their shopper; failed authentication is rate-limited per address.

Over the real app and the real core (demo catalog, hash embedder, scripted chat model, a real SQLite
``SessionStore``).
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from http_support import RealCore, core_settings, real_assistant

from assistant.api import create_app
from assistant.api.limits import RateLimiter
from assistant.stores.sqlite import SqliteSessionStore
from retrieval.components import Catalog

KEYS = {"sk-shop-a": "storefront", "sk-shop-b": "storefront", "sk-ops": "admin"}
A = {"Authorization": "Bearer sk-shop-a"}
B = {"Authorization": "Bearer sk-shop-b"}
PRODUCT = "dw-hearthline-quietclean-300-white"  # a dishwasher of the demo catalog


@pytest.fixture
def keyed(make_client) -> TestClient:
    return make_client(api_keys=KEYS, rate_limit_per_minute=0)


def _chat(client: TestClient, headers: dict[str, str], **body: object):
    return client.post("/v1/chat", json={"message": "a quiet dishwasher", **body}, headers=headers)


def _not_found(session_id: str) -> dict[str, str]:
    return {
        "detail": f"session {session_id!r} not found; omit session_id to start a new one",
        "error": "NotFoundError",
    }


def test_session_ids_are_issued_by_the_server_and_unguessable(keyed: TestClient) -> None:
    ids = {_chat(keyed, A).headers["x-aisle-session-id"] for _ in range(5)}
    assert len(ids) == 5 and all(re.fullmatch("[0-9a-f]{32}", sid) for sid in ids)


def test_another_key_cannot_read_or_continue_a_session(keyed: TestClient, core: RealCore) -> None:
    sid = _chat(keyed, A).json()["session_id"]
    for client_chosen in (sid, "chosen-by-client-1"):
        if client_chosen != sid:
            assert _chat(keyed, A, session_id=client_chosen).status_code == 200
        # Key B gets exactly what it gets for a session that does not exist.
        assert keyed.get(f"/v1/sessions/{client_chosen}", headers=B).json() == _not_found(client_chosen)
        assert keyed.get("/v1/sessions/never-existed-1", headers=B).json() == _not_found("never-existed-1")
        posted = _chat(keyed, B, session_id=client_chosen, message="what did A ask?")
        assert (posted.status_code, posted.json()) == (404, _not_found(client_chosen))
        feedback = {"product_id": PRODUCT, "kind": "thumbs_down", "session_id": client_chosen}
        assert keyed.post("/v1/feedback", json=feedback, headers=B).status_code == 404
        # Key A still can.
        assert keyed.get(f"/v1/sessions/{client_chosen}", headers=A).status_code == 200
        assert keyed.post("/v1/feedback", json=feedback, headers=A).status_code == 200
    # B never reached the core: two turns of A's (two model calls each), no message of B's stored.
    assert len(core.model.calls) == 4
    for sid_seen in (sid, "chosen-by-client-1"):
        contents = [m.content for m in core.store.history(sid_seen)]
        assert contents and "what did A ask?" not in contents
        filed_under = f"session:{sid_seen}"  # an anonymous session's feedback key
        assert [f.kind for f in core.store.feedback(filed_under)] == ["thumbs_down"]  # A's only


def test_a_shoppers_session_needs_that_shopper(keyed: TestClient, core: RealCore) -> None:
    sid = _chat(keyed, A, shopper_id="alice").json()["session_id"]
    for shopper in (None, "mallory"):
        extra = {"shopper_id": shopper} if shopper else {}
        assert _chat(keyed, A, session_id=sid, **extra).json() == _not_found(sid)  # no appending to it
        assert keyed.get(f"/v1/sessions/{sid}", params=extra, headers=A).json() == _not_found(sid)
        feedback = {"product_id": PRODUCT, "kind": "click", "session_id": sid, **extra}
        assert keyed.post("/v1/feedback", json=feedback, headers=A).status_code == 404
    assert len(core.model.calls) == 2 and core.store.get_session(sid).message_count == 2  # one turn
    assert _chat(keyed, A, session_id=sid, shopper_id="alice").status_code == 200
    r = keyed.get(f"/v1/sessions/{sid}", params={"shopper_id": "alice"}, headers=A)
    assert r.status_code == 200 and r.json()["session"]["shopper_id"] == "alice"


def test_an_anonymous_session_is_bound_by_its_first_shopper(keyed: TestClient) -> None:
    sid = _chat(keyed, A).json()["session_id"]
    assert _chat(keyed, A, session_id=sid).status_code == 200  # still anonymous: continues
    assert _chat(keyed, A, session_id=sid, shopper_id="bob").status_code == 200  # now bob's
    assert _chat(keyed, A, session_id=sid).status_code == 404


@pytest.mark.parametrize(
    "session_id", ["", "short", "../../etc/passwd", "sess/../x", "a" * 129, "naïve-session"]
)
def test_malformed_session_ids_are_422_everywhere(keyed: TestClient, session_id: str) -> None:
    r = _chat(keyed, A, session_id=session_id)
    assert r.status_code == 422 and r.json()["detail"][0]["loc"] == ["body", "session_id"]
    feedback = {"product_id": PRODUCT, "kind": "click", "session_id": session_id}
    assert keyed.post("/v1/feedback", json=feedback, headers=A).status_code == 422
    if session_id and "/" not in session_id:
        assert keyed.get(f"/v1/sessions/{session_id}", headers=A).status_code == 422


def test_empty_shopper_id_is_422(keyed: TestClient) -> None:
    assert _chat(keyed, A, shopper_id="").status_code == 422


def _old_store(path: Path) -> None:
    """A session database as the first release wrote it (schema version 0: no ``owner``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(path) as conn:
        conn.executescript(
            """
            CREATE TABLE sessions (id TEXT PRIMARY KEY, shopper_id TEXT, created_at TEXT NOT NULL);
            CREATE INDEX sessions_shopper ON sessions(shopper_id);
            CREATE TABLE messages (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
                turn_id TEXT NOT NULL, role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
                content TEXT NOT NULL, plan TEXT, shown_ids TEXT NOT NULL DEFAULT '[]',
                shown_prices TEXT NOT NULL DEFAULT '[]', prompt_versions TEXT NOT NULL DEFAULT '{}',
                timings_ms TEXT NOT NULL DEFAULT '{}', usage TEXT, llm TEXT NOT NULL DEFAULT '',
                created_at TEXT NOT NULL
            );
            CREATE TABLE feedback (
                id INTEGER PRIMARY KEY AUTOINCREMENT, shopper_id TEXT NOT NULL, session_id TEXT,
                product_id TEXT NOT NULL,
                kind TEXT NOT NULL CHECK (kind IN ('thumbs_up', 'thumbs_down', 'not_interested', 'click')),
                created_at TEXT NOT NULL
            );
            INSERT INTO sessions VALUES ('0123456789abcdef0123456789abcdef', NULL, '2026-01-01T00:00:00+00:00');
            INSERT INTO messages(session_id, turn_id, role, content, created_at)
                VALUES ('0123456789abcdef0123456789abcdef', 't0', 'user', 'old question', '2026-01-01T00:00:00+00:00');
            """
        )


def test_an_old_session_database_keeps_working(tmp_path: Path, demo_catalog: Catalog) -> None:
    settings = core_settings(tmp_path / "old", api_keys=KEYS, rate_limit_per_minute=0)
    old = settings.store_db
    _old_store(old)
    SqliteSessionStore(old).close()  # migrates in place
    with sqlite3.connect(old) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 2
    again = SqliteSessionStore(old)
    assert again.get_session("0123456789abcdef0123456789abcdef").message_count == 1  # idempotent
    again.close()
    assistant = real_assistant(settings, demo_catalog)  # opens the migrated file as its store
    app = create_app(settings, assistant=assistant)
    try:
        with TestClient(app) as client:
            sid = "0123456789abcdef0123456789abcdef"
            r = client.get(f"/v1/sessions/{sid}", headers=A)  # the first key to use it claims it
            assert r.status_code == 200 and r.json()["messages"][0]["content"] == "old question"
            assert _chat(client, A, session_id=sid).status_code == 200
            assert client.get(f"/v1/sessions/{sid}", headers=B).status_code == 404
            messages = client.get(f"/v1/sessions/{sid}", headers=A).json()["messages"]
            assert [m["content"] for m in messages][:2] == ["old question", "a quiet dishwasher"]
    finally:
        assistant.store.close()


def test_failed_authentication_is_rate_limited_per_address(make_client) -> None:
    client = make_client(api_keys=KEYS, auth_failures_per_minute=3)
    wrong = {"Authorization": "Bearer sk-guess"}
    assert [client.get("/v1/search?q=x", headers=wrong).status_code for _ in range(3)] == [401] * 3
    blocked = client.get("/v1/search?q=x", headers=wrong)
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) >= 1
    assert "AISLE_AUTH_FAILURES_PER_MINUTE" in blocked.json()["detail"]
    # Blocked before the key is looked at: a right guess from this address is not confirmed either.
    assert (
        client.post("/v1/feedback", json={"product_id": PRODUCT, "kind": "click"}, headers=A).status_code
        == 429
    )
    assert client.post("/v1/chat", json={"message": "x"}).status_code == 429  # no key at all: same
    other = TestClient(client.app, client=("203.0.113.9", 50000))
    assert other.get("/v1/sessions/abcdefgh1", headers=A).status_code == 404  # another address is not


def test_failed_auth_bucket_refills() -> None:
    now = [0.0]
    limiter = RateLimiter(2, clock=lambda: now[0])
    assert limiter.wait("1.2.3.4") is None and limiter.acquire("1.2.3.4") is None
    assert limiter.acquire("1.2.3.4") is None
    wait = limiter.wait("1.2.3.4")
    assert wait is not None and wait == pytest.approx(30.0)
    assert limiter.wait("1.2.3.4") == pytest.approx(30.0)  # looking does not spend
    now[0] = 30.0
    assert limiter.wait("1.2.3.4") is None

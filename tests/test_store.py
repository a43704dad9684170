"""The session/feedback store on a real SQLite file."""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.errors import NotFoundError
from assistant.schemas import QueryPlan, Usage
from assistant.store import SessionStore
from retrieval.catalog import Product
from retrieval.filters import Filters
from retrieval.profile import ShopperProfile

PRODUCTS = {
    "d1": Product(
        id="d1", title="Bosch Dishwasher", brand="Bosch", category=["Appliances", "Dishwashers"], price=549
    ),
    "d2": Product(
        id="d2",
        title="Samsung Dishwasher",
        brand="Samsung",
        category=["Appliances", "Dishwashers"],
        price=499,
    ),
    "t1": Product(id="t1", title="Coleman Tent", brand="Coleman", category=["Outdoors", "Tents"], price=89),
}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[SessionStore]:
    s = SessionStore(tmp_path / "store" / "aisle.sqlite")
    yield s
    s.close()


def _counts(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as conn:
        return {
            t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
            for t in ("sessions", "messages", "feedback")
        }


def test_wal_and_schema(store: SessionStore) -> None:
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert _counts(store.path) == {"sessions": 0, "messages": 0, "feedback": 0}


def test_session_round_trip_and_history(store: SessionStore) -> None:
    sid = store.create_session("alice")
    assert len(sid) == 32 and store.get_session(sid).shopper_id == "alice"
    plan = QueryPlan(query="quiet dishwasher", filters=Filters(price_max=600), preferences=["quiet"])
    store.append_turn(
        sid, turn_id="t1", user="quiet dishwasher under $600", assistant="Here are three.", plan=plan,
        shown_ids=["d1", "d2"], shown_prices=[549.0, 499.0], prompt_versions={"explain": "v2"},
        timings_ms={"search": 12.5}, usage=Usage(prompt_tokens=100, completion_tokens=20, llm_calls=1), llm="fake",
    )  # fmt: skip
    store.append_turn(
        sid, turn_id="t2", user="cheaper ones?", assistant="Sure.", shown_ids=["d2"], shown_prices=[499.0]
    )
    history = store.history(sid)
    assert [h.role for h in history] == ["user", "assistant", "user", "assistant"]
    assert history[0].plan == plan
    assert history[1].shown_ids == ["d1", "d2"] and history[1].shown_prices == [549.0, 499.0]
    assert [h.content for h in store.history(sid, limit=2)] == ["cheaper ones?", "Sure."]
    stored = store.messages(sid)[1]
    assert stored.usage == Usage(prompt_tokens=100, completion_tokens=20, llm_calls=1)
    assert stored.prompt_versions == {"explain": "v2"} and stored.timings_ms == {"search": 12.5}
    assert store.get_session(sid).message_count == 4


def test_missing_sessions_and_ownership(store: SessionStore) -> None:
    with pytest.raises(NotFoundError):
        store.get_session("nope")
    with pytest.raises(NotFoundError):
        store.history("nope")
    with pytest.raises(NotFoundError):
        store.append_turn("nope", turn_id="t", user="hi")
    fresh = store.ensure_session(None, "bob")
    assert store.get_session(fresh).shopper_id == "bob"
    assert store.ensure_session(fresh, "bob") == fresh
    with pytest.raises(NotFoundError):
        store.ensure_session(fresh, "mallory")  # a session belongs to at most one shopper
    anon = store.ensure_session(None)
    assert store.ensure_session(anon, "carol") == anon and store.get_session(anon).shopper_id == "carol"
    with pytest.raises(NotFoundError):
        store.record_feedback("mallory", "d1", "click", session_id=fresh)


def test_feedback_to_profile(store: SessionStore) -> None:
    store.record_feedback("alice", "d1", "thumbs_up")
    store.record_feedback("alice", "d2", "thumbs_down")
    store.record_feedback("alice", "t1", "not_interested")
    store.record_feedback("alice", "d1", "click")
    store.record_feedback("alice", "t1", "thumbs_up")  # changed her mind: latest opinion wins
    store.record_feedback("bob", "d2", "thumbs_up")
    with pytest.raises(ValueError):
        store.record_feedback("alice", "d1", "love")  # type: ignore[arg-type]
    profile = store.profile("alice", PRODUCTS)
    assert isinstance(profile, ShopperProfile)
    assert profile.liked_ids == ["t1", "d1"]
    assert profile.disliked_ids == ["d2"]
    assert profile.clicked_ids == ["d1"]
    assert profile.brand_affinity["bosch"] > 0 > profile.brand_affinity["samsung"]
    assert profile.brand_affinity["coleman"] > 0
    assert all(-1 <= w <= 1 for w in [*profile.brand_affinity.values(), *profile.category_affinity.values()])
    assert profile.category_affinity["tents"] > profile.category_affinity["outdoors"] > 0
    looked_up: list[list[str]] = []

    def lookup(ids: list[str]) -> dict[str, Product]:
        looked_up.append(ids)
        return {i: PRODUCTS[i] for i in ids if i in PRODUCTS}

    assert store.profile("alice", lookup) == profile and looked_up
    assert store.profile("nobody").is_empty() and store.profile(None).is_empty()
    assert store.profile("alice").brand_affinity == {}  # no product data: ids only


def test_export_contains_everything(store: SessionStore) -> None:
    s1, s2 = store.create_session("alice"), store.create_session("alice")
    other = store.create_session("bob")
    store.append_turn(
        s1, turn_id="a", user="tents", assistant="Two tents.", shown_ids=["t1"], shown_prices=[89.0]
    )
    store.append_turn(s2, turn_id="b", user="dishwasher", assistant="Three.")
    store.append_turn(other, turn_id="c", user="bob's secret", assistant="ok")
    store.record_feedback("alice", "t1", "thumbs_up", session_id=s1)
    export = store.export_shopper("alice")
    assert {s.id for s in export.sessions} == {s1, s2}
    assert sum(len(s.messages) for s in export.sessions) == 4
    assert [f.product_id for f in export.feedback] == ["t1"]
    assert "bob's secret" not in export.model_dump_json()
    with pytest.raises(NotFoundError):
        store.export_shopper("nobody")


def test_delete_removes_everything(store: SessionStore) -> None:
    s1 = store.create_session("alice")
    store.append_turn(s1, turn_id="a", user="my secret tent search", assistant="Two tents.")
    store.record_feedback("alice", "t1", "thumbs_up", session_id=s1)
    store.record_feedback("alice", "d1", "click")
    keep = store.create_session("bob")
    store.append_turn(keep, turn_id="b", user="hello", assistant="hi")
    store.record_feedback("bob", "d1", "thumbs_up")
    counts = store.delete_shopper("alice")
    assert (counts.sessions, counts.messages, counts.feedback) == (1, 2, 2)
    assert _counts(store.path) == {"sessions": 1, "messages": 2, "feedback": 1}
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("SELECT COUNT(*) FROM sessions WHERE shopper_id='alice'").fetchone()[0] == 0
        assert conn.execute("SELECT COUNT(*) FROM feedback WHERE shopper_id='alice'").fetchone()[0] == 0
    for f in (store.path, store.path.with_name(store.path.name + "-wal")):
        assert not f.exists() or b"my secret tent search" not in f.read_bytes()
    assert store.delete_shopper("alice").sessions == 0
    assert store.profile("alice").is_empty()


def test_concurrent_writes_from_threads(store: SessionStore) -> None:
    sessions = [store.create_session(f"shopper{i}") for i in range(4)]
    errors: list[BaseException] = []

    def work(i: int) -> None:
        try:
            for n in range(25):
                store.append_turn(sessions[i], turn_id=f"{i}-{n}", user=f"m{n}", assistant=f"r{n}")
                store.record_feedback(f"shopper{i}", f"p{n}", "click", session_id=sessions[i])
                store.history(sessions[i], limit=5)
        except BaseException as exc:  # collected and re-raised in the main thread
            errors.append(exc)
            raise

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert _counts(store.path) == {"sessions": 4, "messages": 200, "feedback": 100}
    for sid in sessions:
        msgs = store.messages(sid)
        assert [m.content for m in msgs[::2]] == [f"m{n}" for n in range(25)]
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_reopen_keeps_data(tmp_path: Path) -> None:
    path = tmp_path / "s.sqlite"
    with SessionStore(path) as s:
        sid = s.create_session("alice")
        s.append_turn(sid, turn_id="a", user="hi", assistant="hello")
    with SessionStore(path) as s:
        assert [h.content for h in s.history(sid)] == ["hi", "hello"]


def test_sessions_belong_to_their_owner_and_shopper(store: SessionStore) -> None:
    fresh = store.open_session(None, owner="key-a", shopper_id=None)
    assert len(fresh) == 32 and fresh != store.open_session(None, owner="key-a", shopper_id=None)
    assert store.open_session("chosen-id-1", owner="key-a", shopper_id=None) == "chosen-id-1"
    for sid in (fresh, "chosen-id-1"):
        with pytest.raises(NotFoundError, match="not found; omit session_id") as other_key:
            store.session_for(sid, owner="key-b", shopper_id=None)
        with pytest.raises(NotFoundError) as missing:
            store.session_for("never-existed", owner="key-b", shopper_id=None)
        assert str(other_key.value).replace(sid, "X") == str(missing.value).replace("never-existed", "X")
        with pytest.raises(NotFoundError):
            store.open_session(sid, owner="key-b", shopper_id=None)
    store.open_session(fresh, owner="key-a", shopper_id="alice")  # the first shopper binds it
    with pytest.raises(NotFoundError):
        store.open_session(fresh, owner="key-a", shopper_id=None)  # no appending without her
    with pytest.raises(NotFoundError):
        store.session_for(fresh, owner="key-a", shopper_id=None)
    assert store.session_for(fresh, owner="key-a", shopper_id="alice").shopper_id == "alice"
    # In-process callers (owner=None) skip the key check, not the shopper check.
    assert store.ensure_session("chosen-id-1") == "chosen-id-1"
    with pytest.raises(NotFoundError):
        store.ensure_session(fresh)


def test_feedback_does_not_bind_an_anonymous_session(store: SessionStore) -> None:
    anon = store.ensure_session(None)
    store.record_feedback(f"session:{anon}", "d1", "thumbs_up", session_id=anon)
    assert store.get_session(anon).shopper_id is None
    assert store.ensure_session(anon) == anon  # the anonymous conversation goes on

"""The served-list log and interaction events in the session store, on both adapters (a real SQLite
file and a real PostgreSQL server)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from assistant.errors import NotFoundError
from assistant.events import EventBatch, InteractionEvent, ServedList
from assistant.store import SessionStore
from assistant.stores.postgres import PostgresSessionStore
from assistant.stores.sqlite import SqliteSessionStore


@pytest.fixture(params=["sqlite", "postgres"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[SessionStore]:
    s: SessionStore
    if request.param == "sqlite":
        s = SqliteSessionStore(tmp_path / "aisle.sqlite")
    else:
        s = PostgresSessionStore(request.getfixturevalue("postgres_url"), pool_size=2)
    yield s
    s.close()


def _event(
    eid: str, sid: str, turn: str, kind: str = "click", pid: str = "p1", **kw: object
) -> InteractionEvent:
    return InteractionEvent.model_validate(
        {"event_id": eid, "type": kind, "session_id": sid, "turn_id": turn, "product_id": pid, **kw}
    )


def _served(sid: str, turn: str, shopper: str | None = None, **kw: object) -> ServedList:
    return ServedList.model_validate(
        {"turn_id": turn, "session_id": sid, "shopper_id": shopper, "product_ids": ["p1", "p2", "p3"], **kw}
    )


def test_served_round_trip_is_idempotent_by_turn(store: SessionStore) -> None:
    sid = store.create_session("alice")
    served = _served(
        sid, "t1", "alice", assignments={"ranker": "B"}, context={"swap": [1, 2], "propensity": 0.5}
    )
    assert store.record_served(served) is True
    assert store.record_served(served.model_copy(update={"product_ids": ["x"]})) is False
    [back] = store.served()
    assert back.product_ids == ["p1", "p2", "p3"] and back.assignments == {"ranker": "B"}
    assert back.context == {"swap": [1, 2], "propensity": 0.5} and back.position("p2") == 2
    assert back.served_at == served.served_at
    assert store.served_turns(["t1", "nope"]) == {"t1": back}
    with pytest.raises(NotFoundError):
        store.record_served(_served("no-such-session", "t2"))


def test_events_are_stored_once_with_server_assignments(store: SessionStore) -> None:
    sid = store.create_session("alice")
    store.record_served(_served(sid, "t1", "alice"))
    at = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
    batch = [
        _event("e1", sid, "t1", "impression", position=1, occurred_at=at),
        _event("e2", sid, "t1", "click", position=1),
        _event("e2", sid, "t1", "click", position=1),  # repeated within the batch
        _event("e3", sid, "t1", "purchase", value=19.5, shopper_id="alice"),
    ]
    assert store.record_events(batch, {"ranker": "A"}) == (3, 1)
    assert store.record_events(batch[:2], {"ranker": "B"}) == (0, 2)  # a retried batch changes nothing
    events = list(store.events())
    assert [e.event_id for e in events] == ["e1", "e2", "e3"]
    assert all(e.assignments == {"ranker": "A"} for e in events)
    assert events[0].occurred_at == at and events[0].position == 1 and events[2].value == 19.5
    assert events[0].received_at.tzinfo is not None
    # one mapping per event
    assert (
        store.record_events(
            [_event("e4", sid, "t1"), _event("e5", sid, "t1")], [{"x": "1"}, {"x": "2"}]
        ).accepted
        == 2
    )
    assert [e.assignments for e in store.events(experiment="x")] == [{"x": "1"}, {"x": "2"}]


def test_an_event_id_is_scoped_to_its_session(store: SessionStore) -> None:
    s1, s2 = store.create_session(), store.create_session()
    assert store.record_events([_event("same", s1, "t"), _event("same", s2, "t")]) == (2, 0)


def test_events_for_a_missing_session_store_nothing(store: SessionStore) -> None:
    sid = store.create_session()
    with pytest.raises(NotFoundError):
        store.record_events([_event("ok", sid, "t"), _event("bad", "missing", "t")])
    assert list(store.events()) == []


def test_readers_filter_and_stream_past_a_page(store: SessionStore) -> None:
    sid = store.create_session("alice")
    other = store.create_session("bob")
    many = [_event(f"e{i}", sid, "t1", "impression", position=1 + i % 5) for i in range(2300)]
    for start in range(0, len(many), 500):
        store.record_events(many[start : start + 500], {"exp_1": "A"})
    store.record_events([_event("b1", other, "t9")], {"other%_": "B"})
    assert sum(1 for _ in store.events()) == 2301
    assert sum(1 for _ in store.events(experiment="exp_1")) == 2300
    assert [e.event_id for e in store.events(experiment="other%_")] == ["b1"]
    assert list(store.events(experiment="exp%")) == []  # LIKE wildcards are literal
    assert [e.event_id for e in store.events(shopper_id="bob")] == ["b1"]
    assert sum(1 for _ in store.events(session_id=sid)) == 2300
    later = datetime.now(UTC) + timedelta(minutes=1)
    assert list(store.events(since=later)) == []
    assert sum(1 for _ in store.events(since=datetime.now(UTC) - timedelta(hours=1))) == 2301
    store.record_served(_served(sid, "t1", "alice", assignments={"exp_1": "A"}))
    store.record_served(_served(other, "t9", "bob"))
    assert [s.turn_id for s in store.served(experiment="exp_1")] == ["t1"]
    assert [s.turn_id for s in store.served(shopper_id="bob")] == ["t9"]
    assert list(store.served(since=later)) == []


def test_export_and_delete_cover_events(store: SessionStore) -> None:
    sid = store.create_session("alice")
    store.record_served(_served(sid, "t1", "alice"))
    store.record_events([_event("e1", sid, "t1", "click"), _event("e2", sid, "t1", "add_to_cart")])
    anon = store.create_session()
    store.record_events([_event("e3", anon, "t2", shopper_id="alice")])  # named only on the event
    bob = store.create_session("bob")
    store.record_events([_event("e4", bob, "t3")])
    export = store.export_shopper("alice")
    assert {e.event_id for e in export.events} == {"e1", "e2", "e3"}
    assert [s.turn_id for s in export.served] == ["t1"]
    counts = store.delete_shopper("alice")
    assert (counts.served, counts.events) == (1, 3)
    assert [e.event_id for e in store.events()] == ["e4"] and list(store.served()) == []
    assert store.delete_shopper("alice").events == 0


def test_the_batch_model_is_strict() -> None:
    ok = {"event_id": "e", "type": "click", "session_id": "s", "turn_id": "t", "product_id": "p"}
    EventBatch.model_validate({"events": [ok]})
    for bad in (
        {"events": []},
        {"events": [ok] * 501},
        {"events": [{**ok, "type": "hover"}]},
        {"events": [{**ok, "event_id": ""}]},
        {"events": [{**ok, "event_id": "x" * 129}]},
        {"events": [{**ok, "position": 0}]},
        {"events": [{**ok, "value": -1}]},
        {"events": [{**ok, "value": float("inf")}]},
        {"events": [{**ok, "assignments": {"exp": "B"}}]},  # never from the client
        {"events": [{**ok, "received_at": "2026-01-01T00:00:00Z"}]},
    ):
        with pytest.raises(ValueError):
            EventBatch.model_validate(bad)


def test_an_older_sqlite_file_gains_the_event_tables(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    with sqlite3.connect(path) as conn:
        conn.executescript(
            "CREATE TABLE sessions (id TEXT PRIMARY KEY, shopper_id TEXT, created_at TEXT NOT NULL, owner TEXT);"
            "INSERT INTO sessions VALUES ('s1', NULL, '2026-01-01T00:00:00+00:00', NULL);"
            "PRAGMA user_version=1;"
        )
    with SqliteSessionStore(path) as store:
        assert store.record_events([_event("e1", "s1", "t")]) == (1, 0)


def test_visible_sessions_is_a_read_that_applies_the_owner_rule(store: SessionStore) -> None:
    mine = store.create_session("alice", owner="key-a")
    theirs = store.create_session(owner="key-b")
    unowned = store.create_session()
    assert store.visible_sessions([mine, theirs, unowned, "missing"], owner="key-a") == {
        mine: "alice",
        unowned: None,
    }
    assert set(store.visible_sessions([mine, theirs], owner=None)) == {mine, theirs}
    assert store.visible_sessions([unowned], owner="key-b") == {unowned: None}  # nothing was claimed

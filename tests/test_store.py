"""The session/feedback store, the same suite on both adapters: a real SQLite file and a real
PostgreSQL server (started by the ``postgres_server`` fixture; never skipped)."""

from __future__ import annotations

import os
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest

from assistant.errors import ConfigurationError, NotFoundError, StoreUnavailableError
from assistant.schemas import QueryPlan, Usage
from assistant.settings import Settings
from assistant.store import SessionStore, open_session_store
from assistant.stores.postgres import PostgresSessionStore
from assistant.stores.sqlite import SqliteSessionStore
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


@dataclass
class Backend:
    """One adapter's database: open more store instances on it, and query it with its own client."""

    name: str
    open: Callable[[], SessionStore]
    query: Callable[[str], list[tuple[object, ...]]]
    url: str = ""

    def count(self, sql: str) -> int:
        return int(self.query(sql)[0][0])  # type: ignore[call-overload]


def _sqlite_backend(path: Path) -> Backend:
    def query(sql: str) -> list[tuple[object, ...]]:
        with sqlite3.connect(path) as conn:
            return conn.execute(sql).fetchall()

    return Backend("sqlite", lambda: SqliteSessionStore(path), query)


def _postgres_backend(url: str) -> Backend:
    def query(sql: str) -> list[tuple[object, ...]]:
        with psycopg.connect(url) as conn:
            return conn.execute(sql).fetchall()  # type: ignore[arg-type]

    return Backend("postgres", lambda: PostgresSessionStore(url, pool_size=4), query, url)


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Backend:
    if request.param == "sqlite":
        return _sqlite_backend(tmp_path / "store" / "aisle.sqlite")
    return _postgres_backend(request.getfixturevalue("postgres_url"))


@pytest.fixture
def store(backend: Backend) -> Iterator[SessionStore]:
    s = backend.open()
    yield s
    s.close()


def _counts(backend: Backend) -> dict[str, int]:
    return {t: backend.count(f"SELECT COUNT(*) FROM {t}") for t in ("sessions", "messages", "feedback")}


def test_schema(backend: Backend, store: SessionStore) -> None:
    if backend.name == "sqlite":
        assert backend.query("PRAGMA journal_mode") == [("wal",)]
        assert backend.query("PRAGMA user_version") == [(2,)]
    else:
        assert backend.query("SELECT version, name FROM schema_version ORDER BY version") == [
            (1, "sessions"),
            (2, "events"),
        ]
    assert _counts(backend) == {"sessions": 0, "messages": 0, "feedback": 0}


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


def test_delete_removes_everything(backend: Backend, store: SessionStore) -> None:
    s1 = store.create_session("alice")
    store.append_turn(s1, turn_id="a", user="my secret tent search", assistant="Two tents.")
    store.record_feedback("alice", "t1", "thumbs_up", session_id=s1)
    store.record_feedback("alice", "d1", "click")
    keep = store.create_session("bob")
    store.append_turn(keep, turn_id="b", user="hello", assistant="hi")
    store.record_feedback("bob", "d1", "thumbs_up")
    counts = store.delete_shopper("alice")
    assert (counts.sessions, counts.messages, counts.feedback) == (1, 2, 2)
    assert _counts(backend) == {"sessions": 1, "messages": 2, "feedback": 1}
    assert backend.count("SELECT COUNT(*) FROM sessions WHERE shopper_id='alice'") == 0
    assert backend.count("SELECT COUNT(*) FROM feedback WHERE shopper_id='alice'") == 0
    if isinstance(store, SqliteSessionStore):  # secure_delete: the bytes are gone from the file too
        for f in (store.path, store.path.with_name(store.path.name + "-wal")):
            assert not f.exists() or b"my secret tent search" not in f.read_bytes()
    assert store.delete_shopper("alice").sessions == 0
    assert store.profile("alice").is_empty()


def test_concurrent_writes_from_threads(backend: Backend, store: SessionStore) -> None:
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
    assert _counts(backend) == {"sessions": 4, "messages": 200, "feedback": 100}
    for sid in sessions:
        msgs = store.messages(sid)
        assert [m.content for m in msgs[::2]] == [f"m{n}" for n in range(25)]
    if backend.name == "sqlite":
        assert backend.query("PRAGMA integrity_check") == [("ok",)]


def test_reopen_keeps_data(backend: Backend) -> None:
    with backend.open() as s:
        sid = s.create_session("alice")
        s.append_turn(sid, turn_id="a", user="hi", assistant="hello")
    with backend.open() as s:
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


def test_a_turn_is_stored_whole_or_not_at_all(store: SessionStore) -> None:
    sid = store.create_session("alice")
    with pytest.raises(UnicodeEncodeError):  # the reply cannot be encoded: the user's message goes too
        store.append_turn(sid, turn_id="t1", user="a fine question", assistant="broken \ud800 reply")
    assert store.messages(sid) == [] and store.get_session(sid).message_count == 0
    store.append_turn(sid, turn_id="t2", user="again", assistant="fine")
    assert [m.content for m in store.messages(sid)] == ["again", "fine"]


def test_untrusted_text_is_stored_not_refused(store: SessionStore) -> None:
    sid = store.ensure_session(None, "o'brien; DROP TABLE sessions; --")
    store.append_turn(sid, turn_id="t", user="nul \x00 inside? and 100% 'quoted'", assistant="ok ?")
    user, reply = store.messages(sid)
    # PostgreSQL text cannot hold NUL: that one character is replaced, nothing else changes.
    assert user.content in ("nul \x00 inside? and 100% 'quoted'", "nul \ufffd inside? and 100% 'quoted'")
    assert reply.content == "ok ?"
    assert store.get_session(sid).shopper_id == "o'brien; DROP TABLE sessions; --"


def test_two_store_instances_see_each_others_writes(backend: Backend) -> None:
    """Two instances on one database, as two API worker processes have: a conversation hops."""
    with backend.open() as a, backend.open() as b:
        sid = a.open_session(None, owner="key-a", shopper_id=None)
        a.append_turn(
            sid, turn_id="1", user="tents?", assistant="Two tents.", shown_ids=["t1"], shown_prices=[89]
        )
        assert [m.content for m in b.messages(sid)] == ["tents?", "Two tents."]
        assert b.open_session(sid, owner="key-a", shopper_id="alice") == sid  # binds on worker B
        with pytest.raises(NotFoundError):
            a.session_for(sid, owner="key-a", shopper_id=None)  # worker A sees the binding
        with pytest.raises(NotFoundError):
            a.session_for(sid, owner="key-b", shopper_id="alice")
        b.append_turn(sid, turn_id="2", user="cheaper?", assistant="Sure.")
        a.record_feedback("alice", "t1", "thumbs_up", session_id=sid)
        assert b.profile("alice", PRODUCTS).liked_ids == ["t1"]
        assert a.history(sid, limit=2)[0].content == "cheaper?"
        assert b.delete_shopper("alice").messages == 4
        with pytest.raises(NotFoundError):
            a.get_session(sid)
        assert a.profile("alice").is_empty()


def test_racing_claims_from_two_instances_let_exactly_one_in(backend: Backend) -> None:
    """Workers open the same session id for different keys at once, a new one or one made in-process
    (no owner yet): one key owns it, the others are told it does not exist."""
    stores = [backend.open() for _ in range(4)]
    try:
        for round_ in range(8):
            sid = f"contested-{round_}"
            if round_ % 2:
                stores[0].ensure_session(sid)
            barrier = threading.Barrier(len(stores))
            won: list[str] = []
            lost: list[str] = []

            def claim(i: int, sid: str, barrier: threading.Barrier, won: list[str], lost: list[str]) -> None:
                barrier.wait()
                try:
                    stores[i].open_session(sid, owner=f"key-{i}", shopper_id=None)
                    won.append(f"key-{i}")
                except NotFoundError:
                    lost.append(f"key-{i}")

            threads = [
                threading.Thread(target=claim, args=(i, sid, barrier, won, lost)) for i in range(len(stores))
            ]
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=30)
            assert len(won) == 1 and len(lost) == len(stores) - 1
            assert stores[0].session_for(sid, owner=won[0], shopper_id=None).id == sid
    finally:
        for s in stores:
            s.close()


def test_factory_picks_the_adapter_from_settings(tmp_path: Path, postgres_url: str) -> None:
    with open_session_store(Settings(_env_file=None, data_dir=tmp_path)) as s:
        assert isinstance(s, SqliteSessionStore) and s.path == tmp_path / "aisle.sqlite"
    with open_session_store(Settings(_env_file=None, data_dir=tmp_path, database_url=postgres_url)) as s:
        assert isinstance(s, PostgresSessionStore)
    with pytest.raises(ConfigurationError, match="postgresql://"):
        open_session_store(Settings(_env_file=None, data_dir=tmp_path, database_url="mysql://x@h/db"))


def test_postgres_migrates_once_and_refuses_a_newer_schema(postgres_url: str) -> None:
    opened: list[PostgresSessionStore] = []
    threads = [
        threading.Thread(target=lambda: opened.append(PostgresSessionStore(postgres_url))) for _ in range(3)
    ]
    for t in threads:  # workers starting together migrate once (advisory lock)
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert len(opened) == 3 and all(s.schema_version == 2 for s in opened)
    for s in opened:
        s.close()
    with psycopg.connect(postgres_url, autocommit=True) as conn:
        assert conn.execute("SELECT COUNT(*) FROM schema_version").fetchone() == (2,)
        conn.execute("INSERT INTO schema_version(version, name) VALUES (3, 'from_the_future')")
    with pytest.raises(ConfigurationError, match="schema version 3, newer than this Aisle knows"):
        PostgresSessionStore(postgres_url)


def test_postgres_unreachable_is_a_clear_error_without_the_password() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed_port = s.getsockname()[1]
    url = f"postgresql://aisle:hunter2@127.0.0.1:{closed_port}/aisle"
    with pytest.raises(ConfigurationError, match="cannot connect to the session database") as err:
        PostgresSessionStore(url, timeout_s=1)
    assert "hunter2" not in str(err.value) and f"127.0.0.1:{closed_port}" in str(err.value)


def _drop_connections(url: str, *, allow: bool) -> None:
    """As an admin: let the database accept connections or not, and end every session on it."""
    dbname = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f"ALTER DATABASE {dbname} ALLOW_CONNECTIONS {'true' if allow else 'false'}")
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname=%s AND pid <> pg_backend_pid()",
            (dbname,),
        )
        # pg_terminate_backend only signals: under load a pooled session can still answer one more
        # query before it exits. Down means no session left on the database, so wait for that.
        deadline = time.monotonic() + 15
        while not allow and conn.execute(
            "SELECT COUNT(*) FROM pg_stat_activity WHERE datname=%s AND pid <> pg_backend_pid()", (dbname,)
        ).fetchone() != (0,):
            assert time.monotonic() < deadline, f"sessions on {dbname} did not end within 15 s"
            time.sleep(0.05)


def test_postgres_outage_is_a_retryable_error_and_the_store_recovers(postgres_url: str) -> None:
    with PostgresSessionStore(postgres_url, pool_size=2, timeout_s=1) as store:
        sid = store.create_session("alice")
        _drop_connections(postgres_url, allow=True)  # a server restart: every pooled connection dies
        store.append_turn(sid, turn_id="1", user="still there?", assistant="yes")  # checked, reconnected
        _drop_connections(postgres_url, allow=False)  # down
        started = time.monotonic()
        with pytest.raises(
            StoreUnavailableError, match=r"session database postgresql://aisle@.* unavailable"
        ):
            store.history(sid)
        assert time.monotonic() - started < 10
        _drop_connections(postgres_url, allow=True)  # back: the pool reconnects (with backoff)
        deadline = time.monotonic() + 20
        while True:
            try:
                assert [m.content for m in store.messages(sid)] == ["still there?", "yes"]
                break
            except StoreUnavailableError:
                assert time.monotonic() < deadline, "the store did not recover within 20 s"
                time.sleep(0.2)


_WORKER = """
import sys
from assistant.stores.postgres import PostgresSessionStore
from assistant.stores.sqlite import SqliteSessionStore

kind, where, sid = sys.argv[1:4]
store = SqliteSessionStore(where) if kind == "sqlite" else PostgresSessionStore(where)
with store:
    print(len(store.messages(sid)))
    store.append_turn(sid, turn_id="from-worker-2", user="and in blue?", assistant="Here in blue.")
    store.record_feedback("alice", "d2", "thumbs_down", session_id=sid)
"""


def test_another_process_continues_the_conversation(backend: Backend, tmp_path: Path) -> None:
    """A second worker *process* reads what this one wrote and writes what this one then reads."""
    where = str(tmp_path / "store" / "aisle.sqlite") if backend.name == "sqlite" else backend.url
    with backend.open() as store:
        sid = store.open_session(None, owner="key-a", shopper_id="alice")
        store.append_turn(sid, turn_id="from-worker-1", user="a dishwasher", assistant="Two.")
        done = subprocess.run(
            [sys.executable, "-c", _WORKER, backend.name, where, sid],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
            check=False,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        assert done.stdout.strip() == "2"
        assert [m.turn_id for m in store.messages(sid)][-2:] == ["from-worker-2", "from-worker-2"]
        assert store.profile("alice").disliked_ids == ["d2"]


def test_an_erase_racing_turns_leaves_nothing_behind(backend: Backend) -> None:
    """Workers keep appending to a shopper's sessions while her erase lands: every append either
    lands before the erase (and is erased) or is refused as not found; no orphan rows, no other error."""
    stores = [backend.open() for _ in range(3)]
    try:
        for round_ in range(3):
            shopper = f"erased-{round_}"
            sessions = [stores[0].create_session(shopper) for _ in range(2)]
            errors: list[BaseException] = []
            stop = threading.Event()

            def append(
                store: SessionStore,
                sid: str,
                shopper: str,
                stop: threading.Event,
                errors: list[BaseException],
            ) -> None:
                n = 0
                while not stop.is_set():
                    try:
                        store.append_turn(sid, turn_id=str(n), user="still shopping", assistant="ok")
                        store.record_feedback(shopper, "d1", "click", session_id=sid)
                    except NotFoundError:
                        return
                    except BaseException as exc:
                        errors.append(exc)
                        return
                    n += 1

            threads = [
                threading.Thread(target=append, args=(stores[1 + i], sid, shopper, stop, errors))
                for i, sid in enumerate(sessions)
            ]
            for t in threads:
                t.start()
            time.sleep(0.2)
            stores[0].delete_shopper(shopper)
            time.sleep(0.1)
            stop.set()
            for t in threads:
                t.join(timeout=30)
            assert not errors, errors
            assert stores[0].delete_shopper(shopper).model_dump() == {
                "sessions": 0,
                "messages": 0,
                "feedback": 0,
                "served": 0,
                "events": 0,
            }
            orphans = backend.count(
                "SELECT COUNT(*) FROM messages WHERE session_id NOT IN (SELECT id FROM sessions)"
            )
            assert orphans == 0
            assert backend.count(f"SELECT COUNT(*) FROM feedback WHERE shopper_id='{shopper}'") == 0
    finally:
        for s in stores:
            s.close()

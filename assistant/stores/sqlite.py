"""The embedded session store: one SQLite file (``Settings.store_db``), the default.

One connection in WAL mode guarded by a lock, so the API's threads can share one store. Every
multi-row write is one ``BEGIN IMMEDIATE`` transaction. ``secure_delete`` is on: a deleted shopper's
rows are overwritten on disk, not only unlinked, and the write-ahead log is truncated after an erase.

Schema versions (``PRAGMA user_version``): 0, the first release; 1 adds ``sessions.owner``; 2 adds
the served-list log (``served``) and interaction events (``events``). Opening an
older file migrates it in place; its sessions have no owner until a key first uses them.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from assistant.stores.sql import SqlSessionStore

__all__ = ["SCHEMA_VERSION", "SqliteSessionStore"]

SCHEMA_VERSION = 2
_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,
    shopper_id TEXT,
    created_at TEXT NOT NULL,
    owner TEXT
);
CREATE INDEX IF NOT EXISTS sessions_shopper ON sessions(shopper_id);
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    turn_id TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('user', 'assistant')),
    content TEXT NOT NULL,
    plan TEXT,
    shown_ids TEXT NOT NULL DEFAULT '[]',
    shown_prices TEXT NOT NULL DEFAULT '[]',
    prompt_versions TEXT NOT NULL DEFAULT '{}',
    timings_ms TEXT NOT NULL DEFAULT '{}',
    usage TEXT,
    llm TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS messages_session ON messages(session_id, id);
CREATE TABLE IF NOT EXISTS feedback (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    shopper_id TEXT NOT NULL,
    session_id TEXT,
    product_id TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('thumbs_up', 'thumbs_down', 'not_interested', 'click')),
    created_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS feedback_shopper ON feedback(shopper_id, id);
CREATE INDEX IF NOT EXISTS feedback_session ON feedback(session_id);
CREATE TABLE IF NOT EXISTS served (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    turn_id TEXT NOT NULL UNIQUE,
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    shopper_id TEXT,
    product_ids TEXT NOT NULL DEFAULT '[]',
    assignments TEXT NOT NULL DEFAULT '{}',
    context TEXT NOT NULL DEFAULT '{}',
    served_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS served_session ON served(session_id);
CREATE INDEX IF NOT EXISTS served_shopper ON served(shopper_id);
CREATE INDEX IF NOT EXISTS served_time ON served(served_at);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    event_id TEXT NOT NULL,
    type TEXT NOT NULL CHECK (type IN ('impression', 'click', 'add_to_cart', 'purchase')),
    session_id TEXT NOT NULL REFERENCES sessions(id) ON DELETE CASCADE,
    turn_id TEXT NOT NULL,
    product_id TEXT NOT NULL,
    position INTEGER,
    shopper_id TEXT,
    occurred_at TEXT,
    value REAL,
    assignments TEXT NOT NULL DEFAULT '{}',
    received_at TEXT NOT NULL,
    UNIQUE (session_id, event_id)
);
CREATE INDEX IF NOT EXISTS events_turn ON events(turn_id);
CREATE INDEX IF NOT EXISTS events_shopper ON events(shopper_id);
CREATE INDEX IF NOT EXISTS events_time ON events(received_at);
"""

_MIGRATIONS: dict[int, str] = {
    1: "ALTER TABLE sessions ADD COLUMN owner TEXT",
    2: "",  # new tables only: created by _SCHEMA
}
"""The statement that brings a file from ``version - 1`` to ``version`` (new tables need none)."""


class SqliteSessionStore(SqlSessionStore):
    """SQLite store of sessions, messages and feedback; safe to share between threads."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.where = f"sqlite file {self.path}"
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=30)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        self._conn.execute("PRAGMA secure_delete=ON")
        self._migrate()

    def _migrate(self) -> None:
        """Create the tables, or bring an older file up to :data:`SCHEMA_VERSION`, in one transaction."""
        with self._transaction() as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            existing = conn.execute("SELECT 1 FROM sqlite_master WHERE name='sessions'").fetchone()
            if existing is not None:
                for step in range(version + 1, SCHEMA_VERSION + 1):
                    if _MIGRATIONS[step]:
                        conn.execute(_MIGRATIONS[step])
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                yield self._conn
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            yield self._conn

    def _after_delete(self) -> None:
        with self._lock:
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

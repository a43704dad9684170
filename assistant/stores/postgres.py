"""The shared session store: PostgreSQL at ``AISLE_DATABASE_URL``, through psycopg 3.

Every API worker process (and host) opens its own small connection pool (``psycopg_pool``;
``AISLE_DATABASE_POOL_SIZE`` connections at most), so a conversation can continue on any worker.
Each write is one transaction on one pooled connection (a turn's two messages commit together or
not at all); rows a transaction depends on are locked (``FOR UPDATE`` / ``FOR SHARE``), so two
workers claiming one session, or a turn racing a shopper's erase, wait for each other instead of
interleaving. Pooled connections are checked before use, so a restarted server costs no failed turn.

Migrations: plain versioned SQL files (``migrations/postgres/NNNN_name.sql``) applied in order, each
recorded in ``schema_version``, all in one transaction under an advisory lock, so workers that start
together migrate once. A database newer than this code is refused rather than written to.

PostgreSQL text cannot hold NUL characters: a NUL in a stored string (shopper messages are untrusted)
is replaced by U+FFFD instead of failing the turn.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from importlib import resources
from typing import Any

import psycopg
from psycopg.conninfo import conninfo_to_dict
from psycopg_pool import ConnectionPool, PoolTimeout

from assistant.errors import ConfigurationError, StoreUnavailableError
from assistant.stores.sql import SqlSessionStore

__all__ = ["PostgresSessionStore", "migrations"]

_MIGRATION_NAME = re.compile(r"^(\d{4})_(\w+)\.sql$")
_MIGRATION_LOCK = 0x415153_01  # pg_advisory_xact_lock key: "AIS"+1, held while migrating
_NUL = "\x00"


def migrations() -> list[tuple[int, str, str]]:
    """The shipped migrations as ``(version, name, sql)``, in order; versions are 1, 2, … without gaps."""
    folder = resources.files("assistant.stores") / "migrations" / "postgres"
    found: list[tuple[int, str, str]] = []
    for entry in folder.iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), match.group(2), entry.read_text(encoding="utf-8")))
    found.sort()
    if [v for v, _, _ in found] != list(range(1, len(found) + 1)):
        raise ConfigurationError(f"migration versions must be 1..N without gaps: {[v for v, _, _ in found]}")
    return found


class _PgTransaction:
    """Runs the shared ``?``-placeholder statements on a psycopg connection."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self._conn = conn

    def execute(self, sql: str, parameters: Sequence[object] = (), /) -> psycopg.Cursor[Any]:
        params = [p.replace(_NUL, "\ufffd") if isinstance(p, str) and _NUL in p else p for p in parameters]
        return self._conn.execute(sql.replace("?", "%s"), params)


class PostgresSessionStore(SqlSessionStore):
    """Sessions, messages and feedback in PostgreSQL; safe to share between threads and processes."""

    FOR_UPDATE = " FOR UPDATE"
    FOR_SHARE = " FOR SHARE"

    def __init__(self, url: str, *, pool_size: int = 4, timeout_s: float = 10.0) -> None:
        self.where = _describe(url)
        self._pool: ConnectionPool[psycopg.Connection[Any]] = ConnectionPool(
            url,
            min_size=1,
            max_size=max(1, pool_size),
            timeout=timeout_s,
            kwargs={"autocommit": True},
            configure=_configure,
            check=ConnectionPool.check_connection,
            open=False,
            name="aisle-sessions",
        )
        try:
            self._pool.open(wait=True, timeout=timeout_s)
        except PoolTimeout as exc:
            self._pool.close()
            raise ConfigurationError(
                f"cannot connect to the session database {self.where} within {timeout_s:g}s: "
                "check AISLE_DATABASE_URL and that PostgreSQL is running"
            ) from exc
        try:
            self.schema_version = self._migrate()
        except BaseException:
            self._pool.close()
            raise

    def _migrate(self) -> int:
        """Apply the migrations this database lacks, in one transaction; returns the schema version."""
        shipped = migrations()
        with self._pool.connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (_MIGRATION_LOCK,))
            conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_version ("
                " version integer PRIMARY KEY, name text NOT NULL,"
                " applied_at timestamptz NOT NULL DEFAULT now())"
            )
            row = conn.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()
            current = int(row[0]) if row else 0
            if current > len(shipped):
                raise ConfigurationError(
                    f"the session database {self.where} is at schema version {current}, newer than this "
                    f"Aisle knows ({len(shipped)}): upgrade Aisle before pointing it at this database"
                )
            for version, name, sql in shipped[current:]:
                conn.execute(sql)  # several statements, no parameters: one simple query
                conn.execute("INSERT INTO schema_version(version, name) VALUES (%s, %s)", (version, name))
        return len(shipped)

    def close(self) -> None:
        self._pool.close()

    def check(self) -> str:
        return f"{super().check()} (schema version {self.schema_version})"

    @contextmanager
    def _transaction(self) -> Iterator[_PgTransaction]:
        with self._unavailable_as_error(), self._pool.connection() as conn, conn.transaction():
            yield _PgTransaction(conn)

    @contextmanager
    def _read(self) -> Iterator[_PgTransaction]:
        with self._unavailable_as_error(), self._pool.connection() as conn:
            yield _PgTransaction(conn)

    @contextmanager
    def _unavailable_as_error(self) -> Iterator[None]:
        """A server that is down, a dropped connection, no free connection in time, or a transient
        conflict (deadlock, serialization) is :class:`StoreUnavailableError` (HTTP 503: retry)."""
        try:
            yield
        except (psycopg.OperationalError, PoolTimeout) as exc:
            raise StoreUnavailableError(
                f"the session database {self.where} is unavailable ({type(exc).__name__}); retry shortly"
            ) from exc


def _configure(conn: psycopg.Connection[Any]) -> None:
    conn.execute("SET TIME ZONE 'UTC'")


def _describe(url: str) -> str:
    """``user@host:port/dbname`` of ``url``, never its password."""
    try:
        parts = conninfo_to_dict(url)
    except psycopg.ProgrammingError as exc:
        raise ConfigurationError(f"AISLE_DATABASE_URL is not a valid PostgreSQL URL: {exc}") from None
    user = f"{parts['user']}@" if parts.get("user") else ""
    port = f":{parts['port']}" if parts.get("port") else ""
    return f"postgresql://{user}{parts.get('host', 'localhost')}{port}/{parts.get('dbname', '')}"

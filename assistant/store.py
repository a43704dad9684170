"""Sessions, messages, feedback and the shopper profile, in SQLite (``Settings.store_db``).

One connection in WAL mode guarded by a lock, so the API's threads can share one store. Every
multi-row write is one transaction. ``secure_delete`` is on: a deleted shopper's rows are
overwritten on disk, not only unlinked.

Messages: a turn is stored as the user's message (carrying the turn's ``QueryPlan``) and the
assistant's reply (carrying the products shown, their prices, prompt versions, timings and usage).
Product data never comes from here: :meth:`SessionStore.profile` takes a lookup for it.

Who may use a session (:meth:`SessionStore.open_session`, :meth:`SessionStore.session_for`): the
``owner`` that created it (the API key's fingerprint; ``None`` outside the API) and, once a turn named
a shopper, only that shopper. Anyone else is told the session does not exist. Session ids are issued
by :func:`new_session_id` (128 random bits from :mod:`secrets`) unless the caller brings its own.

Schema versions (``PRAGMA user_version``): 0, the first release; 1 adds ``sessions.owner``. Opening an
older file migrates it in place; its sessions have no owner until a key first uses them.
"""

from __future__ import annotations

import json
import math
import secrets
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter

from assistant.errors import NotFoundError
from assistant.schemas import FeedbackKind, HistoryTurn, QueryPlan, Usage
from retrieval.catalog import Product, norm
from retrieval.profile import ShopperProfile

__all__ = [
    "FEEDBACK_WEIGHTS",
    "DeleteCounts",
    "FeedbackRecord",
    "MessageRecord",
    "ProductLookup",
    "SessionExport",
    "SessionInfo",
    "SessionStore",
    "ShopperExport",
    "new_session_id",
]

ProductLookup = Callable[[list[str]], Mapping[str, Product]] | Mapping[str, Product]
"""Product data for :meth:`SessionStore.profile`: a mapping, or e.g. ``ProductStore.get_many``."""

FEEDBACK_WEIGHTS: dict[str, float] = {
    "thumbs_up": 1.0,
    "click": 0.3,
    "not_interested": -0.7,
    "thumbs_down": -1.0,
}
"""Evidence each kind of feedback adds to a product's brand and categories (see ``profile``)."""

_PARENT_CATEGORY_WEIGHT = 0.5
_KIND_ADAPTER: TypeAdapter[FeedbackKind] = TypeAdapter(FeedbackKind)

SCHEMA_VERSION = 1
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
"""


_MIGRATIONS: dict[int, str] = {
    1: "ALTER TABLE sessions ADD COLUMN owner TEXT",
}
"""The statement that brings a file from ``version - 1`` to ``version``."""


def _now() -> datetime:
    return datetime.now(UTC)


def new_session_id() -> str:
    """A fresh, unguessable session id: 32 hex characters (128 bits from :mod:`secrets`)."""
    return secrets.token_hex(16)


class SessionInfo(BaseModel):
    id: str
    shopper_id: str | None = None
    created_at: datetime
    message_count: int = 0


class MessageRecord(BaseModel):
    """One stored message, as exported."""

    model_config = ConfigDict(extra="forbid")

    id: int | None = None
    session_id: str
    turn_id: str
    role: Literal["user", "assistant"]
    content: str
    plan: QueryPlan | None = None
    shown_ids: list[str] = Field(default_factory=list)
    shown_prices: list[float] = Field(default_factory=list)
    prompt_versions: dict[str, str] = Field(default_factory=dict)
    timings_ms: dict[str, float] = Field(default_factory=dict)
    usage: Usage | None = None
    llm: str = ""
    created_at: datetime = Field(default_factory=_now)

    def to_history(self) -> HistoryTurn:
        return HistoryTurn(
            role=self.role,
            content=self.content,
            plan=self.plan,
            shown_ids=list(self.shown_ids),
            shown_prices=list(self.shown_prices),
        )


class FeedbackRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: int | None = None
    shopper_id: str
    session_id: str | None = None
    product_id: str
    kind: FeedbackKind
    created_at: datetime = Field(default_factory=_now)


class SessionExport(BaseModel):
    id: str
    shopper_id: str | None = None
    created_at: datetime
    messages: list[MessageRecord] = Field(default_factory=list)


class ShopperExport(BaseModel):
    """Everything stored about one shopper (data-subject access)."""

    shopper_id: str
    exported_at: datetime = Field(default_factory=_now)
    sessions: list[SessionExport] = Field(default_factory=list)
    feedback: list[FeedbackRecord] = Field(default_factory=list)


class DeleteCounts(BaseModel):
    sessions: int = 0
    messages: int = 0
    feedback: int = 0


def _json_list(values: Iterable[object]) -> str:
    return json.dumps(list(values))


class SessionStore:
    """SQLite store of sessions, messages and feedback; safe to share between threads."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
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
                    conn.execute(_MIGRATIONS[step])
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version={SCHEMA_VERSION}")

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def __enter__(self) -> SessionStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

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

    # sessions -----------------------------------------------------------------------------------
    def create_session(
        self, shopper_id: str | None = None, *, session_id: str | None = None, owner: str | None = None
    ) -> str:
        """A new session (id: :func:`new_session_id` unless given), optionally owned by ``shopper_id``
        and created by ``owner``."""
        sid = session_id or new_session_id()
        with self._lock:
            self._conn.execute(
                "INSERT INTO sessions(id, shopper_id, created_at, owner) VALUES (?, ?, ?, ?)",
                (sid, shopper_id, _now().isoformat(), owner),
            )
        return sid

    def ensure_session(self, session_id: str | None, shopper_id: str | None = None) -> str:
        """The session to use for a turn, from inside the process (any owner): see :meth:`open_session`."""
        return self.open_session(session_id, owner=None, shopper_id=shopper_id)

    def open_session(self, session_id: str | None, *, owner: str | None, shopper_id: str | None) -> str:
        """The session a turn continues: a new one (fresh id) when ``session_id`` is ``None``; created
        under ``session_id`` when no session has it; else the existing one, if ``owner`` and
        ``shopper_id`` may use it (see :meth:`session_for`), which it then binds to both.

        ``owner=None`` skips the owner check (callers inside the process: the CLI, the in-process UI).
        """
        if session_id is None:
            return self.create_session(shopper_id, owner=owner)
        with self._transaction() as conn:
            row = conn.execute("SELECT shopper_id, owner FROM sessions WHERE id=?", (session_id,)).fetchone()
            if row is None:
                conn.execute(
                    "INSERT INTO sessions(id, shopper_id, created_at, owner) VALUES (?, ?, ?, ?)",
                    (session_id, shopper_id, _now().isoformat(), owner),
                )
                return session_id
            self._claim(conn, session_id, row, owner=owner, shopper_id=shopper_id, bind_shopper=True)
        return session_id

    def session_for(self, session_id: str, *, owner: str | None, shopper_id: str | None) -> SessionInfo:
        """The session, if ``owner`` and ``shopper_id`` may see it; else :class:`NotFoundError`, the
        same answer as for a session that does not exist.

        A session created by another owner is never visible; one bound to a shopper is visible only
        with that ``shopper_id``. A session with no owner yet (made in-process, or before schema
        version 1) is claimed by the first ``owner`` that uses it.
        """
        with self._transaction() as conn:
            row = conn.execute("SELECT shopper_id, owner FROM sessions WHERE id=?", (session_id,)).fetchone()
            if row is None:
                raise _not_found(session_id)
            self._claim(conn, session_id, row, owner=owner, shopper_id=shopper_id, bind_shopper=False)
        return self.get_session(session_id)

    @staticmethod
    def _claim(
        conn: sqlite3.Connection,
        session_id: str,
        row: tuple[str | None, str | None],
        *,
        owner: str | None,
        shopper_id: str | None,
        bind_shopper: bool,
    ) -> None:
        """Refuse (as not found) a session ``owner`` / ``shopper_id`` may not use; else bind it to
        ``owner`` if it had none, and (``bind_shopper``) to ``shopper_id`` if given and it had none."""
        bound_shopper, bound_owner = row
        if owner is not None and bound_owner is not None and bound_owner != owner:
            raise _not_found(session_id)
        if bound_shopper is not None and shopper_id != bound_shopper:
            raise _not_found(session_id)
        if owner is not None and bound_owner is None:
            conn.execute("UPDATE sessions SET owner=? WHERE id=?", (owner, session_id))
        if bind_shopper and shopper_id is not None and bound_shopper is None:
            conn.execute("UPDATE sessions SET shopper_id=? WHERE id=?", (shopper_id, session_id))

    def get_session(self, session_id: str) -> SessionInfo:
        with self._lock:
            row = self._conn.execute(
                "SELECT s.id, s.shopper_id, s.created_at, (SELECT COUNT(*) FROM messages m WHERE m.session_id=s.id)"
                " FROM sessions s WHERE s.id=?",
                (session_id,),
            ).fetchone()
        if row is None:
            raise _not_found(session_id)
        return SessionInfo(id=row[0], shopper_id=row[1], created_at=row[2], message_count=row[3])

    def sessions(self, shopper_id: str) -> list[SessionInfo]:
        with self._lock:
            ids = [
                r[0]
                for r in self._conn.execute(
                    "SELECT id FROM sessions WHERE shopper_id=? ORDER BY created_at, id", (shopper_id,)
                ).fetchall()
            ]
        return [self.get_session(sid) for sid in ids]

    # messages -----------------------------------------------------------------------------------
    def append_message(self, message: MessageRecord) -> MessageRecord:
        """Store one message; its session must exist."""
        with self._transaction() as conn:
            self._require_session(conn, message.session_id)
            return self._insert_message(conn, message)

    def append_turn(
        self,
        session_id: str,
        *,
        turn_id: str,
        user: str,
        assistant: str | None = None,
        plan: QueryPlan | None = None,
        shown_ids: Sequence[str] = (),
        shown_prices: Sequence[float] = (),
        prompt_versions: Mapping[str, str] | None = None,
        timings_ms: Mapping[str, float] | None = None,
        usage: Usage | None = None,
        llm: str = "",
    ) -> list[MessageRecord]:
        """Store one turn in one transaction: the user's message (with the plan) and the reply (with
        what was shown and how it was made). ``assistant=None`` stores the user's message only."""
        now = _now()
        records = [
            MessageRecord(
                session_id=session_id, turn_id=turn_id, role="user", content=user, plan=plan, created_at=now
            )
        ]
        if assistant is not None:
            records.append(
                MessageRecord(
                    session_id=session_id,
                    turn_id=turn_id,
                    role="assistant",
                    content=assistant,
                    shown_ids=list(shown_ids),
                    shown_prices=list(shown_prices),
                    prompt_versions=dict(prompt_versions or {}),
                    timings_ms=dict(timings_ms or {}),
                    usage=usage,
                    llm=llm,
                    created_at=now,
                )
            )
        with self._transaction() as conn:
            self._require_session(conn, session_id)
            return [self._insert_message(conn, r) for r in records]

    def messages(self, session_id: str, limit: int | None = None) -> list[MessageRecord]:
        """The session's messages in order; with ``limit``, the most recent ``limit`` of them."""
        with self._lock:
            self._require_session(self._conn, session_id)
            sql = "SELECT * FROM messages WHERE session_id=? ORDER BY id DESC"
            params: tuple[object, ...] = (session_id,)
            if limit is not None:
                sql += " LIMIT ?"
                params = (session_id, max(0, limit))
            cursor = self._conn.execute(sql, params)
            columns = [c[0] for c in cursor.description]
            rows = cursor.fetchall()
        return [self._message_from_row(dict(zip(columns, row, strict=True))) for row in reversed(rows)]

    def history(self, session_id: str, limit: int = 20) -> list[HistoryTurn]:
        """The last ``limit`` messages of the session, oldest first, as the planner sees them."""
        return [m.to_history() for m in self.messages(session_id, limit)]

    # feedback -----------------------------------------------------------------------------------
    def record_feedback(
        self, shopper_id: str, product_id: str, kind: FeedbackKind, *, session_id: str | None = None
    ) -> FeedbackRecord:
        """Store one feedback event. A given session must exist and not belong to another shopper;
        feedback does not bind a session to the shopper (only a turn does)."""
        record = FeedbackRecord(
            shopper_id=shopper_id,
            session_id=session_id,
            product_id=product_id,
            kind=_KIND_ADAPTER.validate_python(kind),
        )
        with self._transaction() as conn:
            if session_id is not None:
                bound = self._require_session(conn, session_id)
                if bound is not None and bound != shopper_id:
                    raise _not_found(session_id)
            cur = conn.execute(
                "INSERT INTO feedback(shopper_id, session_id, product_id, kind, created_at) VALUES (?, ?, ?, ?, ?)",
                (shopper_id, session_id, product_id, record.kind, record.created_at.isoformat()),
            )
        return record.model_copy(update={"id": cur.lastrowid})

    def feedback(self, shopper_id: str) -> list[FeedbackRecord]:
        """The shopper's feedback, oldest first."""
        with self._lock:
            rows = self._conn.execute(
                "SELECT id, shopper_id, session_id, product_id, kind, created_at FROM feedback"
                " WHERE shopper_id=? ORDER BY id",
                (shopper_id,),
            ).fetchall()
        return [
            FeedbackRecord(
                id=r[0], shopper_id=r[1], session_id=r[2], product_id=r[3], kind=r[4], created_at=r[5]
            )
            for r in rows
        ]

    def profile(self, shopper_id: str | None, products: ProductLookup | None = None) -> ShopperProfile:
        """The shopper's profile from their feedback.

        Liked / disliked: the latest opinion (thumbs up / thumbs down or not interested) per product.
        Affinities need product data (``products``: a mapping or a ``get_many``-like callable): each
        product contributes its feedback weight (:data:`FEEDBACK_WEIGHTS`; latest opinion plus 0.3 if
        clicked) to its brand, its leaf category, and half of it to parent categories. The sums are
        squashed with ``tanh(score / 2)`` into [-1, 1]: more consistent evidence, stronger weight.
        """
        if shopper_id is None:
            return ShopperProfile()
        events = self.feedback(shopper_id)
        opinion: dict[str, str] = {}
        clicked: dict[str, int] = {}
        for i, event in enumerate(events):
            if event.kind == "click":
                clicked[event.product_id] = i
            else:
                opinion.pop(event.product_id, None)
                opinion[event.product_id] = event.kind  # re-insert: dict order = recency of opinion
        recent = list(reversed(opinion.items()))
        liked = [pid for pid, kind in recent if kind == "thumbs_up"]
        disliked = [pid for pid, kind in recent if kind in ("thumbs_down", "not_interested")]
        clicked_ids = [pid for pid, _ in sorted(clicked.items(), key=lambda kv: -kv[1])]
        brands: dict[str, float] = {}
        categories: dict[str, float] = {}
        if products is not None:
            ids = list(dict.fromkeys([*opinion, *clicked]))
            found = products if isinstance(products, Mapping) else products(ids)
            for pid in ids:
                product = found.get(pid)
                if product is None:
                    continue
                weight = FEEDBACK_WEIGHTS[opinion[pid]] if pid in opinion else 0.0
                weight += FEEDBACK_WEIGHTS["click"] if pid in clicked else 0.0
                _add_evidence(brands, categories, product, weight)
        return ShopperProfile(
            shopper_id=shopper_id,
            liked_ids=liked,
            disliked_ids=disliked,
            clicked_ids=clicked_ids,
            brand_affinity=_squash(brands),
            category_affinity=_squash(categories),
        )

    # data-subject requests ----------------------------------------------------------------------
    def export_shopper(self, shopper_id: str) -> ShopperExport:
        """All sessions (with messages) and feedback of the shopper; NotFoundError if none exist."""
        sessions = self.sessions(shopper_id)
        feedback = self.feedback(shopper_id)
        if not sessions and not feedback:
            raise NotFoundError(f"no data stored for shopper {shopper_id!r}")
        return ShopperExport(
            shopper_id=shopper_id,
            sessions=[
                SessionExport(
                    id=s.id, shopper_id=s.shopper_id, created_at=s.created_at, messages=self.messages(s.id)
                )
                for s in sessions
            ],
            feedback=feedback,
        )

    def delete_shopper(self, shopper_id: str) -> DeleteCounts:
        """Delete every session, message and feedback row of the shopper (idempotent)."""
        with self._transaction() as conn:
            sids = [r[0] for r in conn.execute("SELECT id FROM sessions WHERE shopper_id=?", (shopper_id,))]
            marks = ",".join("?" * len(sids))
            messages = feedback_in_sessions = 0
            if sids:
                messages = conn.execute(f"DELETE FROM messages WHERE session_id IN ({marks})", sids).rowcount
                feedback_in_sessions = conn.execute(
                    f"DELETE FROM feedback WHERE session_id IN ({marks})", sids
                ).rowcount
            feedback = conn.execute("DELETE FROM feedback WHERE shopper_id=?", (shopper_id,)).rowcount
            sessions = conn.execute("DELETE FROM sessions WHERE shopper_id=?", (shopper_id,)).rowcount
        with self._lock:
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return DeleteCounts(sessions=sessions, messages=messages, feedback=feedback + feedback_in_sessions)

    # helpers ------------------------------------------------------------------------------------
    @staticmethod
    def _require_session(conn: sqlite3.Connection, session_id: str) -> str | None:
        row = conn.execute("SELECT shopper_id FROM sessions WHERE id=?", (session_id,)).fetchone()
        if row is None:
            raise _not_found(session_id)
        return row[0]

    @staticmethod
    def _insert_message(conn: sqlite3.Connection, m: MessageRecord) -> MessageRecord:
        cur = conn.execute(
            "INSERT INTO messages(session_id, turn_id, role, content, plan, shown_ids, shown_prices,"
            " prompt_versions, timings_ms, usage, llm, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                m.session_id,
                m.turn_id,
                m.role,
                m.content,
                m.plan.model_dump_json() if m.plan else None,
                _json_list(m.shown_ids),
                _json_list(m.shown_prices),
                json.dumps(m.prompt_versions),
                json.dumps(m.timings_ms),
                m.usage.model_dump_json() if m.usage else None,
                m.llm,
                m.created_at.isoformat(),
            ),
        )
        return m.model_copy(update={"id": cur.lastrowid})

    @staticmethod
    def _message_from_row(row: dict[str, object]) -> MessageRecord:
        plan, usage = row["plan"], row["usage"]
        return MessageRecord(
            id=int(str(row["id"])),
            session_id=str(row["session_id"]),
            turn_id=str(row["turn_id"]),
            role="assistant" if row["role"] == "assistant" else "user",
            content=str(row["content"]),
            plan=QueryPlan.model_validate_json(str(plan)) if plan else None,
            shown_ids=json.loads(str(row["shown_ids"])),
            shown_prices=json.loads(str(row["shown_prices"])),
            prompt_versions=json.loads(str(row["prompt_versions"])),
            timings_ms=json.loads(str(row["timings_ms"])),
            usage=Usage.model_validate_json(str(usage)) if usage else None,
            llm=str(row["llm"]),
            created_at=datetime.fromisoformat(str(row["created_at"])),
        )


def _not_found(session_id: str) -> NotFoundError:
    # One message whether the session is missing or not the caller's: existence does not leak.
    return NotFoundError(f"session {session_id!r} not found; omit session_id to start a new one")


def _add_evidence(
    brands: dict[str, float], categories: dict[str, float], product: Product, weight: float
) -> None:
    if not weight:
        return
    if product.brand and norm(product.brand):
        key = norm(product.brand)
        brands[key] = brands.get(key, 0.0) + weight
    path = [norm(c) for c in product.category if norm(c)]
    for level, name in enumerate(path):
        share = weight if level == len(path) - 1 else weight * _PARENT_CATEGORY_WEIGHT
        categories[name] = categories.get(name, 0.0) + share


def _squash(scores: dict[str, float]) -> dict[str, float]:
    return {k: round(math.tanh(v / 2.0), 4) for k, v in scores.items() if v}

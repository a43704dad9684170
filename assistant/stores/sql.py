"""The statements both store adapters run: every behaviour of :class:`~assistant.store.SessionStore`
written once, over a transaction the adapter opens.

An adapter supplies :meth:`SqlSessionStore._transaction` (one atomic unit of work, rolled back on
any error), :meth:`SqlSessionStore._read` (a connection for reads), and two row-lock clauses:
PostgreSQL takes ``FOR UPDATE`` / ``FOR SHARE`` row locks, so concurrent writers (other threads,
other worker processes) wait for each other on the session they touch; SQLite needs none (its
``BEGIN IMMEDIATE`` holds the file's write lock for the whole transaction).

Statements use ``?`` placeholders (SQLite's); the PostgreSQL adapter rewrites them to ``%s``. They
contain no other ``?`` or ``%``, and use only syntax both engines share (``RETURNING``,
``ON CONFLICT … DO NOTHING``, subqueries).
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, ClassVar, Protocol, Self

from pydantic import TypeAdapter

from assistant.errors import NotFoundError
from assistant.events import EventCounts, InteractionEvent, LoggedEvent, ServedList
from assistant.schemas import FeedbackKind, HistoryTurn, QueryPlan, Usage
from assistant.store import (
    Assignments,
    DeleteCounts,
    FeedbackRecord,
    MessageRecord,
    ProductLookup,
    SessionExport,
    SessionInfo,
    ShopperExport,
    new_session_id,
    profile_from_feedback,
)
from retrieval.profile import ShopperProfile

__all__ = ["Cursor", "SqlSessionStore", "Transaction"]

_KIND_ADAPTER: TypeAdapter[FeedbackKind] = TypeAdapter(FeedbackKind)
_PAGE = 1000
_EVENT_ROWS_PER_INSERT = 80  # 11 parameters a row: under SQLite's 999-variable limit on old builds
_SERVED_COLUMNS = "id, turn_id, session_id, shopper_id, product_ids, assignments, context, served_at"
_EVENT_COLUMNS = (
    "id, event_id, type, session_id, turn_id, product_id, position, shopper_id, occurred_at, value,"
    " assignments, received_at"
)
_MESSAGE_COLUMNS = (
    "id, session_id, turn_id, role, content, plan, shown_ids, shown_prices, prompt_versions, timings_ms,"
    " usage, llm, created_at"
)


class Cursor(Protocol):
    """The part of a DB-API cursor the statements read."""

    @property
    def rowcount(self) -> int: ...

    def fetchone(self) -> Any: ...

    def fetchall(self) -> list[Any]: ...


class Transaction(Protocol):
    """Runs one statement (``?`` placeholders) inside the adapter's current transaction."""

    def execute(self, sql: str, parameters: Sequence[object] = ..., /) -> Cursor: ...


class SqlSessionStore(ABC):
    """:class:`~assistant.store.SessionStore` over SQL; adapters supply connections and transactions."""

    where: str
    """Where the data lives, for humans (never a password)."""
    FOR_UPDATE: ClassVar[str] = ""
    """Row-lock clause for a row the transaction will change (``" FOR UPDATE"`` on PostgreSQL)."""
    FOR_SHARE: ClassVar[str] = ""
    """Row-lock clause for a row that must not vanish before the transaction commits."""

    # what an adapter supplies ---------------------------------------------------------------------
    @abstractmethod
    def _transaction(self) -> AbstractContextManager[Transaction]:
        """One atomic unit of work: committed at the end, rolled back on any exception."""

    @abstractmethod
    def _read(self) -> AbstractContextManager[Transaction]:
        """A connection for reads (each statement sees committed data)."""

    @abstractmethod
    def close(self) -> None: ...

    def _after_delete(self) -> None:
        """Called after a shopper's rows were deleted (SQLite truncates its write-ahead log)."""
        return None

    def check(self) -> str:
        with self._read() as tx:
            tx.execute("SELECT 1").fetchone()
        return self.where

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    # sessions -----------------------------------------------------------------------------------
    def create_session(
        self, shopper_id: str | None = None, *, session_id: str | None = None, owner: str | None = None
    ) -> str:
        sid = session_id or new_session_id()
        with self._transaction() as tx:
            tx.execute(
                "INSERT INTO sessions(id, shopper_id, created_at, owner) VALUES (?, ?, ?, ?)",
                (sid, shopper_id, _now_iso(), owner),
            )
        return sid

    def ensure_session(self, session_id: str | None, shopper_id: str | None = None) -> str:
        return self.open_session(session_id, owner=None, shopper_id=shopper_id)

    def open_session(self, session_id: str | None, *, owner: str | None, shopper_id: str | None) -> str:
        if session_id is None:
            return self.create_session(shopper_id, owner=owner)
        with self._transaction() as tx:
            created = tx.execute(
                "INSERT INTO sessions(id, shopper_id, created_at, owner) VALUES (?, ?, ?, ?)"
                " ON CONFLICT (id) DO NOTHING RETURNING id",
                (session_id, shopper_id, _now_iso(), owner),
            ).fetchone()
            if created is None:  # it exists: may this caller continue it?
                row = self._session_row(tx, session_id, self.FOR_UPDATE)
                self._claim(tx, session_id, row, owner=owner, shopper_id=shopper_id, bind_shopper=True)
        return session_id

    def session_for(self, session_id: str, *, owner: str | None, shopper_id: str | None) -> SessionInfo:
        with self._transaction() as tx:
            row = self._session_row(tx, session_id, self.FOR_UPDATE)
            self._claim(tx, session_id, row, owner=owner, shopper_id=shopper_id, bind_shopper=False)
        return self.get_session(session_id)

    def get_session(self, session_id: str) -> SessionInfo:
        with self._read() as tx:
            row = tx.execute(
                "SELECT s.id, s.shopper_id, s.created_at, (SELECT COUNT(*) FROM messages m WHERE m.session_id=s.id)"
                " FROM sessions s WHERE s.id=?",
                (session_id,),
            ).fetchone()
        if row is None:
            raise _not_found(session_id)
        return SessionInfo(id=row[0], shopper_id=row[1], created_at=_datetime(row[2]), message_count=row[3])

    def visible_sessions(self, session_ids: Sequence[str], *, owner: str | None) -> dict[str, str | None]:
        wanted = list(dict.fromkeys(session_ids))
        found: dict[str, str | None] = {}
        with self._read() as tx:
            for start in range(0, len(wanted), _PAGE):
                chunk = wanted[start : start + _PAGE]
                marks = ", ".join("?" * len(chunk))
                rows = tx.execute(
                    f"SELECT id, shopper_id, owner FROM sessions WHERE id IN ({marks})", chunk
                ).fetchall()
                for sid, shopper, bound_owner in rows:
                    if owner is None or bound_owner is None or bound_owner == owner:
                        found[sid] = shopper
        return found

    def sessions(self, shopper_id: str) -> list[SessionInfo]:
        with self._read() as tx:
            rows = tx.execute(
                "SELECT id FROM sessions WHERE shopper_id=? ORDER BY created_at, id", (shopper_id,)
            ).fetchall()
        return [self.get_session(r[0]) for r in rows]

    # messages -----------------------------------------------------------------------------------
    def append_message(self, message: MessageRecord) -> MessageRecord:
        with self._transaction() as tx:
            self._require_session(tx, message.session_id)
            return self._insert_messages(tx, [message])[0]

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
        first = MessageRecord(session_id=session_id, turn_id=turn_id, role="user", content=user, plan=plan)
        records = [first]
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
                    created_at=first.created_at,
                )
            )
        with self._transaction() as tx:
            self._require_session(tx, session_id)
            return self._insert_messages(tx, records)

    def messages(self, session_id: str, limit: int | None = None) -> list[MessageRecord]:
        sql = f"SELECT {_MESSAGE_COLUMNS} FROM messages WHERE session_id=? ORDER BY id DESC"
        params: tuple[object, ...] = (session_id,)
        if limit is not None:
            sql += " LIMIT ?"
            params = (session_id, max(0, limit))
        with self._read() as tx:
            self._require_session(tx, session_id)
            rows = tx.execute(sql, params).fetchall()
        return [_message_from_row(row) for row in reversed(rows)]

    def history(self, session_id: str, limit: int = 20) -> list[HistoryTurn]:
        return [m.to_history() for m in self.messages(session_id, limit)]

    # feedback -----------------------------------------------------------------------------------
    def record_feedback(
        self, shopper_id: str, product_id: str, kind: FeedbackKind, *, session_id: str | None = None
    ) -> FeedbackRecord:
        record = FeedbackRecord(
            shopper_id=shopper_id,
            session_id=session_id,
            product_id=product_id,
            kind=_KIND_ADAPTER.validate_python(kind),
        )
        with self._transaction() as tx:
            if session_id is not None:
                bound = self._require_session(tx, session_id)
                if bound is not None and bound != shopper_id:
                    raise _not_found(session_id)
            row = tx.execute(
                "INSERT INTO feedback(shopper_id, session_id, product_id, kind, created_at)"
                " VALUES (?, ?, ?, ?, ?) RETURNING id",
                (shopper_id, session_id, product_id, record.kind, record.created_at.isoformat()),
            ).fetchone()
        return record.model_copy(update={"id": row[0]})

    def feedback(self, shopper_id: str) -> list[FeedbackRecord]:
        with self._read() as tx:
            rows = tx.execute(
                "SELECT id, shopper_id, session_id, product_id, kind, created_at FROM feedback"
                " WHERE shopper_id=? ORDER BY id",
                (shopper_id,),
            ).fetchall()
        return [
            FeedbackRecord(
                id=r[0],
                shopper_id=r[1],
                session_id=r[2],
                product_id=r[3],
                kind=r[4],
                created_at=_datetime(r[5]),
            )
            for r in rows
        ]

    def profile(self, shopper_id: str | None, products: ProductLookup | None = None) -> ShopperProfile:
        if shopper_id is None:
            return ShopperProfile()
        return profile_from_feedback(shopper_id, self.feedback(shopper_id), products)

    # served lists and interaction events --------------------------------------------------------
    def record_served(self, served: ServedList) -> bool:
        with self._transaction() as tx:
            self._require_session(tx, served.session_id)
            row = tx.execute(
                "INSERT INTO served(turn_id, session_id, shopper_id, product_ids, assignments, context,"
                " served_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (turn_id) DO NOTHING RETURNING id",
                (
                    served.turn_id,
                    served.session_id,
                    served.shopper_id,
                    json.dumps(served.product_ids),
                    json.dumps(served.assignments, sort_keys=True),
                    json.dumps(served.context, sort_keys=True, allow_nan=False),
                    _iso(served.served_at),
                ),
            ).fetchone()
        return row is not None

    def served_turns(self, turn_ids: Sequence[str]) -> dict[str, ServedList]:
        wanted = list(dict.fromkeys(turn_ids))
        found: dict[str, ServedList] = {}
        with self._read() as tx:
            for start in range(0, len(wanted), _PAGE):
                chunk = wanted[start : start + _PAGE]
                marks = ", ".join("?" * len(chunk))
                rows = tx.execute(
                    f"SELECT {_SERVED_COLUMNS} FROM served WHERE turn_id IN ({marks})", chunk
                ).fetchall()
                for row in rows:
                    served = _served_from_row(row)
                    found[served.turn_id] = served
        return found

    def record_events(
        self,
        events: Sequence[InteractionEvent],
        assignments: Assignments = {},  # noqa: B006 (read only)
    ) -> EventCounts:
        per_event = _per_event(events, assignments)
        received = _iso(datetime.now(UTC))
        unique: dict[tuple[str, str], tuple[InteractionEvent, Mapping[str, str]]] = {}
        for event, assigned in zip(events, per_event, strict=True):
            unique.setdefault((event.session_id, event.event_id), (event, assigned))
        if not unique:
            return EventCounts(0, len(events))
        sessions = sorted({sid for sid, _ in unique})
        accepted = 0
        with self._transaction() as tx:
            # The sessions stay (FOR SHARE) until commit: an erase of the shopper waits, then takes these too.
            for start in range(0, len(sessions), _PAGE):
                chunk = sessions[start : start + _PAGE]
                marks = ", ".join("?" * len(chunk))
                rows = tx.execute(
                    f"SELECT id FROM sessions WHERE id IN ({marks}){self.FOR_SHARE}", chunk
                ).fetchall()
                missing = set(chunk) - {r[0] for r in rows}
                if missing:
                    raise _not_found(sorted(missing)[0])
            # The client's order (arrival order for readers). A retried batch has the same order, so it
            # waits for its racing twin rather than deadlocking (PostgreSQL would answer 503: retry).
            items = list(unique.values())
            for start in range(0, len(items), _EVENT_ROWS_PER_INSERT):
                accepted += self._insert_events(tx, items[start : start + _EVENT_ROWS_PER_INSERT], received)
        return EventCounts(accepted, len(events) - accepted)

    @staticmethod
    def _insert_events(
        tx: Transaction, items: Sequence[tuple[InteractionEvent, Mapping[str, str]]], received: str
    ) -> int:
        values = ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"] * len(items))
        params: list[object] = []
        for e, assigned in items:
            params += [
                e.event_id,
                e.type,
                e.session_id,
                e.turn_id,
                e.product_id,
                e.position,
                e.shopper_id,
                _iso(e.occurred_at) if e.occurred_at else None,
                e.value,
                json.dumps(dict(assigned), sort_keys=True),
                received,
            ]
        rows = tx.execute(
            "INSERT INTO events(event_id, type, session_id, turn_id, product_id, position, shopper_id,"
            f" occurred_at, value, assignments, received_at) VALUES {values}"
            " ON CONFLICT (session_id, event_id) DO NOTHING RETURNING id",
            params,
        ).fetchall()
        return len(rows)

    def served(
        self,
        *,
        since: datetime | None = None,
        experiment: str | None = None,
        session_id: str | None = None,
        shopper_id: str | None = None,
    ) -> Iterator[ServedList]:
        for row in self._pages(
            "served", _SERVED_COLUMNS, "served_at", since, experiment, session_id, shopper_id
        ):
            served = _served_from_row(row)
            if experiment is None or experiment in served.assignments:
                yield served

    def events(
        self,
        *,
        since: datetime | None = None,
        experiment: str | None = None,
        session_id: str | None = None,
        shopper_id: str | None = None,
    ) -> Iterator[LoggedEvent]:
        for row in self._pages(
            "events", _EVENT_COLUMNS, "received_at", since, experiment, session_id, shopper_id
        ):
            event = _event_from_row(row)
            if experiment is None or experiment in event.assignments:
                yield event

    def _pages(
        self,
        table: str,
        columns: str,
        time_column: str,
        since: datetime | None,
        experiment: str | None,
        session_id: str | None,
        shopper_id: str | None,
    ) -> Iterator[Sequence[Any]]:
        """Rows of ``table`` by id, :data:`_PAGE` at a time, each page its own short read."""
        where: list[str] = []
        params: list[object] = []
        if since is not None:
            where.append(f"{time_column} >= ?")
            params.append(_iso(since))
        if experiment is not None:  # a cheap pre-filter; the caller checks the parsed assignments
            where.append("assignments LIKE ? ESCAPE '!'")
            params.append("%" + _like_escape(json.dumps(experiment)) + ": %")
        if session_id is not None:
            where.append("session_id = ?")
            params.append(session_id)
        if shopper_id is not None:
            where.append("(shopper_id = ? OR session_id IN (SELECT id FROM sessions WHERE shopper_id = ?))")
            params += [shopper_id, shopper_id]
        clause = "".join(f" AND {w}" for w in where)
        last = 0
        while True:
            with self._read() as tx:
                rows = tx.execute(
                    f"SELECT {columns} FROM {table} WHERE id > ?{clause} ORDER BY id LIMIT {_PAGE}",
                    [last, *params],
                ).fetchall()
            yield from rows
            if len(rows) < _PAGE:
                return
            last = int(rows[-1][0])

    # data-subject requests ----------------------------------------------------------------------
    def export_shopper(self, shopper_id: str) -> ShopperExport:
        sessions = self.sessions(shopper_id)
        feedback = self.feedback(shopper_id)
        served = list(self.served(shopper_id=shopper_id))
        events = list(self.events(shopper_id=shopper_id))
        if not sessions and not feedback and not events:
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
            served=served,
            events=events,
        )

    def delete_shopper(self, shopper_id: str) -> DeleteCounts:
        with self._transaction() as tx:
            # Lock the sessions first: a turn appending to one finishes before, or finds it gone after.
            tx.execute(
                f"SELECT id FROM sessions WHERE shopper_id=?{self.FOR_UPDATE}", (shopper_id,)
            ).fetchall()
            owned = "SELECT id FROM sessions WHERE shopper_id=?"
            messages = tx.execute(
                f"DELETE FROM messages WHERE session_id IN ({owned})", (shopper_id,)
            ).rowcount
            in_sessions = tx.execute(
                f"DELETE FROM feedback WHERE session_id IN ({owned})", (shopper_id,)
            ).rowcount
            feedback = tx.execute("DELETE FROM feedback WHERE shopper_id=?", (shopper_id,)).rowcount
            events = tx.execute(
                f"DELETE FROM events WHERE session_id IN ({owned}) OR shopper_id=?", (shopper_id, shopper_id)
            ).rowcount
            served = tx.execute(
                f"DELETE FROM served WHERE session_id IN ({owned}) OR shopper_id=?", (shopper_id, shopper_id)
            ).rowcount
            sessions = tx.execute("DELETE FROM sessions WHERE shopper_id=?", (shopper_id,)).rowcount
        self._after_delete()
        return DeleteCounts(
            sessions=sessions,
            messages=messages,
            feedback=feedback + in_sessions,
            served=served,
            events=events,
        )

    # helpers ------------------------------------------------------------------------------------
    @staticmethod
    def _session_row(tx: Transaction, session_id: str, lock: str) -> tuple[str | None, str | None]:
        row = tx.execute(f"SELECT shopper_id, owner FROM sessions WHERE id=?{lock}", (session_id,)).fetchone()
        if row is None:
            raise _not_found(session_id)
        return row[0], row[1]

    @staticmethod
    def _claim(
        tx: Transaction,
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
            tx.execute("UPDATE sessions SET owner=? WHERE id=?", (owner, session_id))
        if bind_shopper and shopper_id is not None and bound_shopper is None:
            tx.execute("UPDATE sessions SET shopper_id=? WHERE id=?", (shopper_id, session_id))

    def _require_session(self, tx: Transaction, session_id: str) -> str | None:
        """The session's shopper; the row stays (``FOR SHARE``) until the transaction ends."""
        row = tx.execute(
            f"SELECT shopper_id FROM sessions WHERE id=?{self.FOR_SHARE}", (session_id,)
        ).fetchone()
        if row is None:
            raise _not_found(session_id)
        return row[0]  # type: ignore[no-any-return]

    @staticmethod
    def _insert_messages(tx: Transaction, records: Sequence[MessageRecord]) -> list[MessageRecord]:
        """Insert ``records`` with one statement (one round trip); returns them with their ids."""
        values = ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"] * len(records))
        params: list[object] = []
        for m in records:
            params += [
                m.session_id,
                m.turn_id,
                m.role,
                m.content,
                m.plan.model_dump_json() if m.plan else None,
                json.dumps(m.shown_ids),
                json.dumps(m.shown_prices),
                json.dumps(m.prompt_versions),
                json.dumps(m.timings_ms),
                m.usage.model_dump_json() if m.usage else None,
                m.llm,
                m.created_at.isoformat(),
            ]
        rows = tx.execute(
            "INSERT INTO messages(session_id, turn_id, role, content, plan, shown_ids, shown_prices,"
            f" prompt_versions, timings_ms, usage, llm, created_at) VALUES {values} RETURNING id",
            params,
        ).fetchall()
        # RETURNING's row order is not promised (SQLite): ids grow in insertion order.
        return [
            m.model_copy(update={"id": i}) for m, i in zip(records, sorted(r[0] for r in rows), strict=True)
        ]


def _message_from_row(row: Sequence[Any]) -> MessageRecord:
    (
        mid,
        session_id,
        turn_id,
        role,
        content,
        plan,
        shown_ids,
        shown_prices,
        versions,
        timings,
        usage,
        llm,
        at,
    ) = row
    return MessageRecord(
        id=int(mid),
        session_id=session_id,
        turn_id=turn_id,
        role="assistant" if role == "assistant" else "user",
        content=content,
        plan=QueryPlan.model_validate_json(plan) if plan else None,
        shown_ids=json.loads(shown_ids),
        shown_prices=json.loads(shown_prices),
        prompt_versions=json.loads(versions),
        timings_ms=json.loads(timings),
        usage=Usage.model_validate_json(usage) if usage else None,
        llm=llm,
        created_at=_datetime(at),
    )


def _served_from_row(row: Sequence[Any]) -> ServedList:
    _, turn_id, session_id, shopper_id, product_ids, assignments, context, served_at = row
    return ServedList(
        turn_id=turn_id,
        session_id=session_id,
        shopper_id=shopper_id,
        product_ids=json.loads(product_ids),
        assignments=json.loads(assignments),
        context=json.loads(context),
        served_at=_datetime(served_at),
    )


def _event_from_row(row: Sequence[Any]) -> LoggedEvent:
    (
        _,
        event_id,
        kind,
        session_id,
        turn_id,
        product_id,
        position,
        shopper_id,
        occurred,
        value,
        assigned,
        at,
    ) = row
    return LoggedEvent(
        event_id=event_id,
        type=kind,
        session_id=session_id,
        turn_id=turn_id,
        product_id=product_id,
        position=position,
        shopper_id=shopper_id,
        occurred_at=_datetime(occurred) if occurred is not None else None,
        value=value,
        assignments=json.loads(assigned),
        received_at=_datetime(at),
    )


def _per_event(events: Sequence[InteractionEvent], assignments: Assignments) -> list[Mapping[str, str]]:
    if isinstance(assignments, Mapping):
        return [assignments] * len(events)
    if len(assignments) != len(events):
        raise ValueError(f"{len(assignments)} assignments for {len(events)} events: give one per event")
    return list(assignments)


def _like_escape(text: str) -> str:
    return text.replace("!", "!!").replace("%", "!%").replace("_", "!_")


def _iso(value: datetime) -> str:
    """A time as stored: UTC ISO text with microseconds (fixed width, so text order is time order)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def _now_iso() -> str:
    return datetime.now(UTC).isoformat()


def _datetime(value: datetime | str) -> datetime:
    """A stored time: SQLite keeps ISO text, PostgreSQL a ``timestamptz``."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(value)


def _not_found(session_id: str) -> NotFoundError:
    # One message whether the session is missing or not the caller's: existence does not leak.
    return NotFoundError(f"session {session_id!r} not found; omit session_id to start a new one")

"""The session/feedback store seam: sessions, messages, feedback and the shopper profile.

:class:`SessionStore` is the one interface the core (``assistant.turn``) and the API use; two
adapters implement it, picked by :func:`open_session_store` from the typed settings:

* SQLite (the embedded default, :class:`assistant.stores.sqlite.SqliteSessionStore`): one file,
  ``Settings.store_db`` (``<data_dir>/aisle.sqlite``); one process owns it.
* PostgreSQL (:class:`assistant.stores.postgres.PostgresSessionStore`), when ``AISLE_DATABASE_URL``
  is set (``postgresql://user@host:5432/aisle``): shared by every API worker process and host.

Both run the same statements (:mod:`assistant.stores.sql`), so they behave the same: every multi-row
write is one transaction (a turn's two messages land together or not at all).

Messages: a turn is stored as the user's message (carrying the turn's ``QueryPlan``) and the
assistant's reply (carrying the products shown, their prices, prompt versions, timings and usage).
Product data never comes from here: :meth:`SessionStore.profile` takes a lookup for it.

Who may use a session (:meth:`SessionStore.open_session`, :meth:`SessionStore.session_for`): the
``owner`` that created it (the API key's fingerprint; ``None`` outside the API) and, once a turn named
a shopper, only that shopper. Anyone else is told the session does not exist. Session ids are issued
by :func:`new_session_id` (128 random bits from :mod:`secrets`) unless the caller brings its own.
"""

from __future__ import annotations

import math
import secrets
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Literal, Protocol
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field

from assistant.errors import ConfigurationError
from assistant.events import EventCounts, InteractionEvent, LoggedEvent, ServedList
from assistant.schemas import FeedbackKind, HistoryTurn, QueryPlan, Usage
from retrieval.catalog import Product, norm
from retrieval.profile import ShopperProfile

if TYPE_CHECKING:
    from collections.abc import Iterator
    from types import TracebackType

    from assistant.settings import Settings

__all__ = [
    "FEEDBACK_WEIGHTS",
    "Assignments",
    "DeleteCounts",
    "FeedbackRecord",
    "MessageRecord",
    "ProductLookup",
    "SessionExport",
    "SessionInfo",
    "SessionStore",
    "ShopperExport",
    "new_session_id",
    "open_session_store",
    "profile_from_feedback",
]

Assignments = Mapping[str, str] | Sequence[Mapping[str, str]]
"""Variant assignments for :meth:`SessionStore.record_events`: one mapping (experiment → variant) for
every event of the batch, or one mapping per event (same order)."""

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
_POSTGRES_SCHEMES = ("postgresql", "postgres")


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
    served: list[ServedList] = Field(default_factory=list)
    events: list[LoggedEvent] = Field(default_factory=list)


class DeleteCounts(BaseModel):
    sessions: int = 0
    messages: int = 0
    feedback: int = 0
    served: int = 0
    events: int = 0


class SessionStore(Protocol):
    """Sessions (with owner key and shopper binding), their messages, feedback and the profile
    drawn from it, export and erase. Safe to share between threads; raises
    :class:`~assistant.errors.NotFoundError` for a session that is missing or not the caller's."""

    def create_session(
        self, shopper_id: str | None = None, *, session_id: str | None = None, owner: str | None = None
    ) -> str:
        """A new session (id: :func:`new_session_id` unless given), optionally owned by ``shopper_id``
        and created by ``owner``."""
        ...

    def ensure_session(self, session_id: str | None, shopper_id: str | None = None) -> str:
        """The session to use for a turn, from inside the process (any owner): see :meth:`open_session`."""
        ...

    def open_session(self, session_id: str | None, *, owner: str | None, shopper_id: str | None) -> str:
        """The session a turn continues: a new one (fresh id) when ``session_id`` is ``None``; created
        under ``session_id`` when no session has it; else the existing one, if ``owner`` and
        ``shopper_id`` may use it (see :meth:`session_for`), which it then binds to both.
        ``owner=None`` skips the owner check (callers inside the process: the CLI, the in-process UI)."""
        ...

    def session_for(self, session_id: str, *, owner: str | None, shopper_id: str | None) -> SessionInfo:
        """The session, if ``owner`` and ``shopper_id`` may see it; else ``NotFoundError``, the same
        answer as for a session that does not exist. A session with no owner yet (made in-process, or
        before the owner column existed) is claimed by the first ``owner`` that uses it."""
        ...

    def get_session(self, session_id: str) -> SessionInfo: ...

    def visible_sessions(self, session_ids: Sequence[str], *, owner: str | None) -> dict[str, str | None]:
        """Of ``session_ids``, those ``owner`` may use (its own, or not yet owned; any with
        ``owner=None``), each with the shopper it is bound to (``None``: anonymous so far). A read:
        nothing is claimed (see :meth:`session_for` for the shopper rule the caller applies)."""
        ...

    def sessions(self, shopper_id: str) -> list[SessionInfo]: ...

    def append_message(self, message: MessageRecord) -> MessageRecord:
        """Store one message; its session must exist."""
        ...

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
        """Store one turn in one transaction: the user's message (with the plan) and the reply.
        ``assistant=None`` stores the user's message only."""
        ...

    def messages(self, session_id: str, limit: int | None = None) -> list[MessageRecord]:
        """The session's messages in order; with ``limit``, the most recent ``limit`` of them."""
        ...

    def history(self, session_id: str, limit: int = 20) -> list[HistoryTurn]:
        """The last ``limit`` messages of the session, oldest first, as the planner sees them."""
        ...

    def record_feedback(
        self, shopper_id: str, product_id: str, kind: FeedbackKind, *, session_id: str | None = None
    ) -> FeedbackRecord:
        """Store one feedback event. A given session must exist and not belong to another shopper;
        feedback does not bind a session to the shopper (only a turn does)."""
        ...

    def feedback(self, shopper_id: str) -> list[FeedbackRecord]:
        """The shopper's feedback, oldest first."""
        ...

    def profile(self, shopper_id: str | None, products: ProductLookup | None = None) -> ShopperProfile:
        """The shopper's profile from their feedback (:func:`profile_from_feedback`)."""
        ...

    def record_served(self, served: ServedList) -> bool:
        """Log what a turn showed (its session must exist). Idempotent by ``turn_id``: ``False`` when
        that turn was already logged (the first record stays)."""
        ...

    def served_turns(self, turn_ids: Sequence[str]) -> dict[str, ServedList]:
        """The logged served lists of ``turn_ids`` that exist, by turn id (to attribute events)."""
        ...

    def record_events(
        self, events: Sequence[InteractionEvent], assignments: Assignments = ...
    ) -> EventCounts:
        """Store ``events`` (stamped with ``received_at`` and ``assignments``) in one transaction,
        each once: an event whose ``(session_id, event_id)`` is already stored (or repeated in the
        batch) counts as a duplicate and changes nothing. Every event's session must exist
        (``NotFoundError`` otherwise, and nothing is stored); callers check turns and visibility."""
        ...

    def served(
        self,
        *,
        since: datetime | None = None,
        experiment: str | None = None,
        session_id: str | None = None,
        shopper_id: str | None = None,
    ) -> Iterator[ServedList]:
        """Served lists in logging order, streamed in pages (no lock held between pages): those served
        at or after ``since``, under ``experiment`` (any variant), in a session or of a shopper."""
        ...

    def events(
        self,
        *,
        since: datetime | None = None,
        experiment: str | None = None,
        session_id: str | None = None,
        shopper_id: str | None = None,
    ) -> Iterator[LoggedEvent]:
        """Stored events in arrival order, streamed in pages; filters as :meth:`served` (``since``
        compares the server's ``received_at``)."""
        ...

    def export_shopper(self, shopper_id: str) -> ShopperExport:
        """All sessions (with messages), feedback, served lists and events of the shopper;
        NotFoundError if none exist."""
        ...

    def delete_shopper(self, shopper_id: str) -> DeleteCounts:
        """Delete every session, message, feedback, served-list and event row of the shopper
        (idempotent)."""
        ...

    def check(self) -> str:
        """Where the store is, after a round trip to it (readiness); ``StoreUnavailableError`` if none."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> SessionStore: ...

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None: ...


def open_session_store(settings: Settings) -> SessionStore:
    """The store ``settings`` choose: PostgreSQL at ``AISLE_DATABASE_URL`` when it is set, else the
    embedded SQLite file ``settings.store_db``."""
    if settings.database_url is None:
        from assistant.stores.sqlite import SqliteSessionStore

        return SqliteSessionStore(settings.store_db)
    url = settings.database_url.get_secret_value()
    scheme = urlsplit(url).scheme
    if scheme not in _POSTGRES_SCHEMES:
        raise ConfigurationError(
            f"AISLE_DATABASE_URL has scheme {scheme!r}; use postgresql://user@host:5432/dbname "
            f"(valid schemes: {', '.join(_POSTGRES_SCHEMES)}), or unset it for the embedded SQLite file"
        )
    from assistant.stores.postgres import PostgresSessionStore

    return PostgresSessionStore(url, pool_size=settings.database_pool_size)


def profile_from_feedback(
    shopper_id: str, events: Sequence[FeedbackRecord], products: ProductLookup | None = None
) -> ShopperProfile:
    """The shopper's profile from their feedback ``events`` (oldest first).

    Liked / disliked: the latest opinion (thumbs up / thumbs down or not interested) per product.
    Affinities need product data (``products``: a mapping or a ``get_many``-like callable): each
    product contributes its feedback weight (:data:`FEEDBACK_WEIGHTS`; latest opinion plus 0.3 if
    clicked) to its brand, its leaf category, and half of it to parent categories. The sums are
    squashed with ``tanh(score / 2)`` into [-1, 1]: more consistent evidence, stronger weight.
    """
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

"""Adapters of the session/feedback store seam (:class:`assistant.store.SessionStore`).

``sql``: the statements both run; ``sqlite``: the embedded file; ``postgres``: a shared server
(``AISLE_DATABASE_URL``), with its versioned SQL migrations in ``migrations/postgres/``.
Pick one with :func:`assistant.store.open_session_store`.
"""

__all__: list[str] = []

"""What the API writes to logs at INFO: no shopper text.

Uvicorn's access log line holds the full path with its query string, and ``GET /v1/search?q=…``
carries what the shopper typed. :func:`redact_access_log` (called when the app starts) cuts the query
string from those lines; the path, method and status stay.
"""

from __future__ import annotations

import logging

__all__ = ["QueryStringFilter", "redact_access_log"]

ACCESS_LOGGER = "uvicorn.access"


class QueryStringFilter(logging.Filter):
    """Replaces the query string of an access-log record's path (its third argument) with ``?…``."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str) and "?" in args[2]:
            record.args = (*args[:2], args[2].split("?", 1)[0] + "?…", *args[3:])
        return True


def redact_access_log() -> None:
    """Install :class:`QueryStringFilter` on uvicorn's access logger (once)."""
    logger = logging.getLogger(ACCESS_LOGGER)
    if not any(isinstance(f, QueryStringFilter) for f in logger.filters):
        logger.addFilter(QueryStringFilter())

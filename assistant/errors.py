"""Aisle's error hierarchy. Messages say what to do; the API maps them to HTTP statuses at its edge."""

from __future__ import annotations

__all__ = [
    "AisleError",
    "CatalogError",
    "ConfigurationError",
    "FeedError",
    "LLMError",
    "NotFoundError",
    "StoreUnavailableError",
]


class AisleError(Exception):
    """Base class of every error Aisle raises on purpose."""


class ConfigurationError(AisleError):
    """A setting is missing or invalid; the message names the setting to change."""


class FeedError(AisleError):
    """A catalog feed cannot be read (unknown format, unreadable file, or --strict with bad rows)."""


class CatalogError(AisleError):
    """The catalog or its indexes are missing or inconsistent."""


class NotFoundError(AisleError):
    """A product, session or shopper does not exist."""


class LLMError(AisleError):
    """The chat model failed (backend error, timeout, or output that does not validate)."""


class StoreUnavailableError(AisleError):
    """The session database cannot be reached right now (server down, connections exhausted); retry."""

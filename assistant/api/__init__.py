"""Aisle's HTTP API: a FastAPI app that renders the core's typed events (SSE or JSON) and nothing more.

from assistant.api import create_app
app = create_app()            # settings from the environment; the assistant is built on first use
"""

from __future__ import annotations

from assistant.api.app import create_app, create_served_app

__all__ = ["create_app", "create_served_app"]

"""CLI command groups; each module exposes ``register(app)`` and stays thin (it calls the core)."""

"""A whole assistant over a small catalog given as products, for end-to-end turn tests."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from assistant.llm.fake import FakeChatModel
from assistant.schemas import ChatRequest, PlanEvent, ProductsEvent, QueryPlan, TokenEvent
from assistant.settings import Settings
from assistant.turn import Assistant, build_assistant
from retrieval.catalog import Product

MINILM: dict[str, object] = {
    "embedder": "minilm",
    "out_of_catalog_similarity": 0.42,
    "unnamed_kind_similarity": 0.5,
}
"""Overrides for :func:`small_assistant` with real sentence embeddings (the bundled MiniLM model) and
the shipped similarity thresholds (the helper's defaults suit a hash embedder)."""


@contextmanager
def small_assistant(data_dir: Path, products: Sequence[Product], **overrides: object) -> Iterator[Assistant]:
    """An assistant (hash embedder unless ``overrides`` say otherwise, fake LLM) with ``products``
    ingested."""
    from retrieval.ingest import ingest_products

    settings = Settings(
        _env_file=None,
        data_dir=data_dir,
        embedder="hash",
        llm="fake",
        chroma_url=None,
        # the hash embedder's similarities say nothing about meaning: a decline rests on the words,
        # and so does the kind a word names (tests/test_turn_kind_evidence.py turns the check on)
        unnamed_kind_similarity=0.99,
        out_of_catalog_similarity=-1.0,
        kind_evidence_k=0,
    ).model_copy(update=overrides)
    a = build_assistant(settings, chat_model=FakeChatModel())
    ingest_products(a.catalog, list(products))
    try:
        yield a
    finally:
        a.store.close()
        a.catalog.close()


def turn(
    assistant: Assistant, message: str, session: str | None = None
) -> tuple[list[Product], str, QueryPlan, str]:
    """One turn: the products shown last, the answer's text, the plan and the session id."""
    events = list(assistant.chat(ChatRequest(message=message, session_id=session)))
    products = [e for e in events if isinstance(e, ProductsEvent)]
    plan = next(e.plan for e in events if isinstance(e, PlanEvent))
    text = "".join(e.text for e in events if isinstance(e, TokenEvent))
    sid = next(getattr(e, "session_id", None) for e in events if getattr(e, "session_id", None))
    return (products[-1].products if products else []), text, plan, sid


def products_in(category: list[str], rows: list[tuple[str, str, float]], prefix: str) -> list[Product]:
    """Products filed under ``category`` from ``(brand, title, price)`` rows: ids ``prefix0``, ``prefix1``,
    …, ratings 4.0, 4.1, … in row order."""
    return [
        Product(
            id=f"{prefix}{i}", title=title, brand=brand, price=price, rating=4.0 + i / 10, category=category
        )
        for i, (brand, title, price) in enumerate(rows)
    ]

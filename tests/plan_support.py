"""Planning one message of a conversation on the bundled demo catalog, for the phrasing tests."""

from __future__ import annotations

from collections.abc import Callable

from assistant.plan.planner import plan_turn
from assistant.schemas import HistoryTurn, QueryPlan
from retrieval.products import Vocabulary
from retrieval.schema import CatalogSchema


def plan_after(
    message: str,
    vocab: Vocabulary,
    schema: CatalogSchema,
    titles: Callable[[str], list[tuple[str, int]]],
    previous: QueryPlan | None = None,
    known: Callable[[str], bool] | None = None,
) -> QueryPlan:
    """The plan of ``message``, after ``previous`` showed a product when given."""
    history = [HistoryTurn(role="assistant", content="", plan=previous, shown_ids=["x"])] if previous else []
    return plan_turn(
        message, history, vocab, previous=previous, schema=schema, word_categories=titles, known=known
    )


def plan_known(
    message: str,
    vocab: Vocabulary,
    schema: CatalogSchema,
    titles: Callable[[str], list[tuple[str, int]]],
    previous: QueryPlan | None = None,
) -> QueryPlan:
    """:func:`plan_after`, with the catalog's own vocabulary as the words the typo reader keeps."""
    from assistant.plan.vocab import matcher_for

    return plan_after(message, vocab, schema, titles, previous, known=matcher_for(vocab).covers)

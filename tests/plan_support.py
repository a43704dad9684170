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


def small_store(
    rows: list[tuple[list[str], str]], per: int = 3
) -> tuple[Vocabulary, CatalogSchema, Callable[[str], list[tuple[str, int]]]]:
    """A small feed's planner inputs: ``per`` products for each (category path, title) row, numbered
    in their titles, and the vocabulary, schema and title index read from them."""
    from assistant.turn import _TitleCategories
    from retrieval.catalog import Product

    products = [
        Product(id=f"p{i}-{n}", title=f"{title} {n}", category=path, price=10.0 + n)
        for i, (path, title) in enumerate(rows)
        for n in range(per)
    ]
    return (
        Vocabulary.from_products(products),
        CatalogSchema.from_products(products),
        _TitleCategories.build(0, products).get_counts,
    )

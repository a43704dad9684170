"""Category levels on one path: "sandals for women" is Women > … > Sandals, not sandals OR anything
for women.

A plan's ``categories`` are any-of (a tent or a sleeping bag). When the category names a shopper
gives all sit on one path of the catalog's tree, they narrow each other instead: the deepest names
the kind (``categories``) and the others become levels every product's path must hold
(``categories_all``). A later turn that names only a level beside one already held ("and for men?"
after women's sandals) swaps it and keeps the kind. Read from the catalog's own paths: no word list.
"""

from __future__ import annotations

from assistant.plan.text import tokenize
from assistant.schemas import QueryPlan
from retrieval.schema import CatalogSchema

__all__ = ["narrow_by_levels"]


def narrow_by_levels(plan: QueryPlan, schema: CatalogSchema, previous: QueryPlan | None) -> QueryPlan:
    """``plan`` with category names on one path split into the kind and the levels it must hold."""
    if plan.intent not in ("search", "refine"):
        return plan
    f = plan.filters
    categories = list(f.categories)
    added: list[str] = []
    if previous is not None and plan.intent == "refine" and previous.filters.categories:
        kinds = previous.filters.categories
        new = [c for c in categories if c not in kinds]
        if (
            new
            and all(c in schema.parents for c in new)
            and any(schema.on_one_path([*new, kind]) for kind in kinds)
        ):
            # Only a level was named, one that holds the kind shown before: narrow that kind.
            categories, added = list(kinds), new
    if len(categories) >= 2 and schema.on_one_path([*categories, *added]):
        deepest = max(categories, key=lambda c: schema.depth(c, [*categories, *added]))
        added = list(dict.fromkeys([*added, *(c for c in categories if c != deepest)]))
        categories = [deepest]
    # a level carried from before stays while it still holds the kind and nothing replaced it
    carried = [
        c
        for c in f.categories_all
        if c not in added
        and not any(schema.siblings(c, a) for a in added)
        and (not categories or any(schema.on_one_path([c, *added, kind]) for kind in categories))
    ]
    levels = [*carried, *added]
    if categories == f.categories and levels == f.categories_all:
        return plan
    # the words of a level swapped out leave the search text too ("sandals women men" → "sandals men")
    gone = {t.stem for c in f.categories_all if c not in levels for t in tokenize(c)}
    query = " ".join(t.text for t in tokenize(plan.query) if t.stem not in gone) if gone else plan.query
    return plan.model_copy(
        update={
            "query": query,
            "filters": f.model_copy(update={"categories": categories, "categories_all": levels}),
        }
    )

"""A follow-up to an ask for a child is still about that child's things: someone else it names ("do
any of those come from hasbro, my mom swears by them") is who recommends them, not who they are for,
so kids' products are not ruled out (``catalog_stage.apply_schema``); a follow-up that names another
age, or a new search, reads its use cases as ever."""

from __future__ import annotations

from assistant.plan.catalog_stage import ShownContext, apply_schema
from assistant.schemas import Filters, QueryPlan
from retrieval.schema import CatalogSchema
from tests.turn_support import products_in

_GAMES = ["Toys & Games", "Games & Accessories", "Board Games"]
_SCHEMA = CatalogSchema.from_products(
    products_in(
        _GAMES, [("Hasbro", "Hasbro Kids Game", 9.0), ("Hasbro", "Hasbro Game for Adults", 19.0)], "g"
    )
)
_FOR_A_CHILD = Filters(categories=["board games"], child_age=3, text_words=["kids"])
_MOM = "do any of those come from hasbro, my mom swears by them"


def _excluded(message: str, intent: str, previous: QueryPlan | None) -> list[str]:
    plan = QueryPlan(
        query="board game", intent=intent, filters=_FOR_A_CHILD.model_copy(update={"brands": ["hasbro"]})
    )
    shown = ShownContext(products=[], fresh=intent != "refine")
    return apply_schema(plan, message, _SCHEMA, shown, previous=previous).filters.exclude_text_words


def test_who_recommends_them_is_not_who_they_are_for() -> None:
    before = QueryPlan(query="board game", intent="search", filters=_FOR_A_CHILD)
    assert _excluded(_MOM, "refine", before) == []


def test_a_grown_up_named_in_a_new_search_still_rules_out_kids_things() -> None:
    assert "kids" in _excluded("a board game for my mom", "search", None)
    adult_before = QueryPlan(query="board game", intent="search", filters=Filters(categories=["board games"]))
    assert "kids" in _excluded(_MOM, "refine", adult_before)

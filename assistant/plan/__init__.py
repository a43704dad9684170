"""The turn planner: a shopper's message plus the conversation so far → a standalone ``QueryPlan``.

* :mod:`.prices` — price and rating words → bounds; "cheaper ones?" relative to what was shown.
* :mod:`.vocab` — the shopper's / LLM's words → the catalog's own filter values (fuzzy, negations).
* :mod:`.references` — "the first two", "#2", "the last one" → shown product ids.
* :mod:`.named_products` — a product named by its title's words or a color's variant, read from the
  catalog when no answer showed it ("the bus one", "the white sonovel").
* :mod:`.intents` — small talk, comparisons, questions, clears, injection, clarifying questions.
* :mod:`.planner` — :func:`plan_turn`: the deterministic parse and carry-over.
* :mod:`.plan_schema` — the catalog-derived JSON Schema a capable model fills.
* :mod:`.model_plan` — the model's reply checked against that schema (drops counted).
* :mod:`.merge` — the model's plan merged into the deterministic one by explicit rules.
"""

from __future__ import annotations

from assistant.plan.merge import ParsedTurn, merge_model_constraints, merge_model_plan
from assistant.plan.model_plan import Dropped, ModelPlan, read_model_plan
from assistant.plan.plan_schema import PlanSchema, SchemaLimits, plan_schema
from assistant.plan.planner import ConversationContext, conversation_context, parse_turn, plan_turn
from assistant.plan.prices import PriceParse, parse_prices, relative_bounds
from assistant.plan.references import resolve_references
from assistant.plan.vocab import ValueMatch, VocabularyMatcher, matcher_for

__all__ = [
    "ConversationContext",
    "Dropped",
    "ModelPlan",
    "ParsedTurn",
    "PlanSchema",
    "PriceParse",
    "SchemaLimits",
    "ValueMatch",
    "VocabularyMatcher",
    "conversation_context",
    "matcher_for",
    "merge_model_constraints",
    "merge_model_plan",
    "parse_prices",
    "parse_turn",
    "plan_schema",
    "plan_turn",
    "read_model_plan",
    "relative_bounds",
    "resolve_references",
]

"""The turn planner: a shopper's message plus the conversation so far → a standalone ``QueryPlan``.

* :mod:`.prices` — price and rating words → bounds; "cheaper ones?" relative to what was shown.
* :mod:`.vocab` — the shopper's / LLM's words → the catalog's own filter values (fuzzy, negations).
* :mod:`.references` — "the first two", "#2", "the last one" → shown product ids.
* :mod:`.intents` — small talk, comparisons, questions, clears, injection, clarifying questions.
* :mod:`.planner` — :func:`plan_turn`: the deterministic parse and carry-over.
* :mod:`.merge` — a capable LLM's structured plan merged into the deterministic one.
"""

from __future__ import annotations

from assistant.plan.merge import ParsedTurn, merge_llm_plan
from assistant.plan.planner import ConversationContext, conversation_context, parse_turn, plan_turn
from assistant.plan.prices import PriceParse, parse_prices, relative_bounds
from assistant.plan.references import resolve_references
from assistant.plan.vocab import ValueMatch, VocabularyMatcher, matcher_for

__all__ = [
    "ConversationContext",
    "ParsedTurn",
    "PriceParse",
    "ValueMatch",
    "VocabularyMatcher",
    "conversation_context",
    "matcher_for",
    "merge_llm_plan",
    "parse_prices",
    "parse_turn",
    "plan_turn",
    "relative_bounds",
    "resolve_references",
]

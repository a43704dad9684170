"""What the turn sends a capable model to plan with: the prompt's variables and the catalog-derived
schema for this turn (:class:`PlanRequest`), built from the message and the conversation.

The schema's attributes are those of the *likely* categories: the conversation's current category
(the previous plan's filter or hint) and the categories the message names or whose product it names
(the parser's head noun). The turn calls the model (``assistant.llm.structured_json``) and reads the
reply with :func:`assistant.plan.model_plan.read_model_plan`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.plan.model_plan import Dropped, ModelPlan, read_model_plan
from assistant.plan.plan_schema import PlanSchema, SchemaLimits, plan_schema
from assistant.plan.planner import find_head
from assistant.plan.text import tokenize
from assistant.plan.vocab import matcher_for
from assistant.schemas import QueryPlan
from retrieval.products import Vocabulary
from retrieval.schema import CatalogSchema

__all__ = ["PlanRequest", "likely_categories", "model_plan_for", "plan_request"]


@dataclass(frozen=True)
class PlanRequest:
    """The ``plan`` prompt's variables and the JSON Schema the reply must follow."""

    variables: dict[str, str]
    schema: PlanSchema


def likely_categories(
    message: str, previous: QueryPlan | None, vocabulary: Vocabulary, schema: CatalogSchema
) -> list[str]:
    """The message's categories first (a topic switch), then the conversation's."""
    matcher = matcher_for(vocabulary)
    text = message.replace("\u2019", "'").lower()
    named = [m.value for m in matcher.find(tokenize(text)) if m.kind == "category" and not m.negated]
    head = find_head(text, matcher, schema, None)
    out = [*([head[0]] if head else []), *named]
    if previous is not None:
        out += [*previous.filters.categories, *([previous.category_hint] if previous.category_hint else [])]
    return [c for c in dict.fromkeys(out) if schema.leaves(c)]


def plan_request(
    message: str,
    history: Sequence[str],
    shown_ids: Sequence[str],
    previous: QueryPlan | None,
    vocabulary: Vocabulary,
    schema: CatalogSchema,
    limits: SchemaLimits | None = None,
) -> PlanRequest:
    """The request for one turn: ``history`` lines ("user: …") already fitted to the token budget."""
    likely = likely_categories(message, previous, vocabulary, schema)
    plan = plan_schema(schema, vocabulary, likely=likely, shown_ids=shown_ids, limits=limits)
    current = ", ".join(schema.categories[c].name for c in plan.likely) or "(none yet)"
    variables = {
        "history": "\n".join(history) or "(none)",
        "shown": ", ".join(shown_ids) or "(none)",
        "message": message,
        "categories": current,
    }
    return PlanRequest(variables=variables, schema=plan)


def model_plan_for(
    request: PlanRequest, ask: Callable[[PlanRequest], str], vocabulary: Vocabulary
) -> tuple[ModelPlan, Dropped]:
    """Ask (``ask`` sends the prompt with ``request.schema.response_format()``) and read the reply."""
    return read_model_plan(ask(request), request.schema, matcher_for(vocabulary))

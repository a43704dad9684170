"""The JSON Schema a capable model fills for a turn's plan, derived from the catalog's schema.

The model answers with a :class:`~assistant.plan.model_plan.ModelPlan` — ``QueryPlan``'s model-facing
shape: flat fields an OpenAI strict ``json_schema`` can state (every field required, nullable instead
of optional, ``additionalProperties: false``, no free-keyed maps). Its enums come from the catalog:

* ``category``: the catalog's leaf category names; ``brands`` / ``exclude_brands``: its brands;
  ``colors``: its colors; ``intent``: ``QueryPlan``'s intents;
* ``attributes``: one property per attribute key of the *likely* categories (the conversation's
  category and the ones the message names), each with its type: a categorical or yes/no key takes one
  of the catalog's values, a numeric key a ``{min, max}`` range;
* ``comparative`` / ``sort``: (attribute, direction) over the numeric keys of those categories only
  (plus price, and rating for a sort); ``referenced_ids``: the ids shown last turn.

Bounded for big catalogs (:class:`SchemaLimits`): the enums hold at most ``enum_budget`` values in
all (OpenAI's strict mode has refused more than 500), filled in priority order — intents and numeric
keys, then the likely categories' attribute values (their most common ones first), then categories,
colors and brands by product count. What does not fit goes to the free-text fields
``category_other`` / ``brands_other``, which are checked against the whole catalog afterwards
(:mod:`assistant.plan.model_plan`). Attributes are offered for at most ``attribute_categories``
likely categories and ``attributes`` keys, so the properties stay under 100 and nesting at 3.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, get_args

from assistant.schemas import Intent
from retrieval.catalog import norm
from retrieval.products import Vocabulary
from retrieval.schema import PRODUCT_FIELDS, AttributeSpec, CatalogSchema

__all__ = ["PlanSchema", "SchemaLimits", "plan_schema", "schema_size"]

INTENTS: tuple[str, ...] = get_args(Intent)
DIRECTIONS = ("lower", "higher")
ORDERS = ("asc", "desc")


@dataclass(frozen=True)
class SchemaLimits:
    """How big the plan schema may grow (see the module docstring)."""

    enum_budget: int = 500
    categories: int = 60
    brands: int = 150
    colors: int = 40
    attribute_categories: int = 3
    attributes: int = 24
    values_per_attribute: int = 30
    list_items: int = 8
    text_chars: int = 120


@dataclass(frozen=True)
class PlanSchema:
    """The JSON Schema sent to the model and the sets its answer is checked against."""

    json_schema: dict[str, Any]
    categories: dict[str, str]
    """Category names offered in the enum → the catalog's normalized leaf key."""
    brands: dict[str, str]
    """Brand names offered in the enum → normalized brand."""
    colors: dict[str, str]
    attributes: dict[str, AttributeSpec]
    """Attribute keys offered (of the likely categories), with their specs."""
    likely: tuple[str, ...]
    """The normalized leaf categories whose attributes are offered."""
    shown_ids: tuple[str, ...]
    limits: SchemaLimits = field(default_factory=SchemaLimits)

    @property
    def numeric_keys(self) -> list[str]:
        return [k for k, s in self.attributes.items() if s.kind == "numeric"]

    def response_format(self, name: str = "query_plan") -> dict[str, Any]:
        """The OpenAI ``response_format`` asking for this schema, strictly."""
        return {
            "type": "json_schema",
            "json_schema": {"name": name, "strict": True, "schema": self.json_schema},
        }


def _top(table: dict[str, str], counts: dict[str, int], kind: str, n: int) -> list[str]:
    """Normalized values of ``table`` by product count (most first), at most ``n``."""
    ranked = sorted(table, key=lambda v: (-counts.get(f"{kind}:{v}", 0), v))
    return ranked[: max(n, 0)]


def _likely_leaves(schema: CatalogSchema, likely: Sequence[str], n: int) -> list[str]:
    leaves: list[str] = []
    for category in likely:
        for leaf in schema.leaves(category):
            key = norm(leaf.name)
            if key not in leaves and len(leaves) < n:
                leaves.append(key)
    return leaves


def _attribute_values(spec: AttributeSpec, vocabulary: Vocabulary, n: int) -> list[str]:
    counts = vocabulary.counts
    return sorted(spec.values, key=lambda v: (-counts.get(f"attr:{spec.key}:{v}", 0), v))[:n]


def _nullable_enum(values: Sequence[str], description: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {"type": ["string", "null"], "enum": [*values, None]}
    if description:
        out["description"] = description
    return out


def _string_list(values: Sequence[str], max_items: int, description: str) -> dict[str, Any]:
    items: dict[str, Any] = {"type": "string", "enum": list(values)} if values else {"type": "string"}
    return {
        "type": "array",
        "items": items,
        "maxItems": max_items if values else 0,
        "description": description,
    }


def _object(properties: dict[str, Any], *, nullable: bool = False, description: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": ["object", "null"] if nullable else "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }
    if description:
        out["description"] = description
    return out


def _number() -> dict[str, Any]:
    return {"type": ["number", "null"]}


def plan_schema(
    schema: CatalogSchema,
    vocabulary: Vocabulary,
    *,
    likely: Sequence[str] = (),
    shown_ids: Sequence[str] = (),
    limits: SchemaLimits | None = None,
) -> PlanSchema:
    """The plan schema for one turn: ``likely`` are the categories whose attributes are offered (the
    conversation's and the message's), ``shown_ids`` the products shown last turn."""
    limits = limits or SchemaLimits()
    budget = limits.enum_budget - len(INTENTS) - len(DIRECTIONS) - len(ORDERS)

    leaves = _likely_leaves(schema, likely, limits.attribute_categories)
    merged = schema.attributes(leaves) if leaves else {}
    keys = sorted(merged, key=lambda k: (-merged[k].count, k))[: limits.attributes]
    numeric = [k for k in keys if merged[k].kind == "numeric"]
    budget -= 2 * (len(numeric) + 2) + len(shown_ids)  # comparative and sort enums, referenced ids

    attributes: dict[str, AttributeSpec] = {}
    attribute_props: dict[str, Any] = {}
    for key in keys:
        spec = merged[key]
        where = ", ".join(
            schema.categories[leaf].name for leaf in leaves if key in schema.categories[leaf].attributes
        )
        if spec.kind == "numeric":
            unit = f" in {spec.unit.display}" if spec.unit else ""
            span = (
                f" (catalog range {spec.minimum:g}–{spec.maximum:g})"
                if spec.minimum is not None and spec.maximum is not None
                else ""
            )
            attribute_props[key] = _object(
                {"min": _number(), "max": _number()},
                nullable=True,
                description=f"{spec.label}{unit}{span}; {where}. Only bounds the shopper states.",
            )
            attributes[key] = spec
            continue
        room = min(limits.values_per_attribute, budget - 1)
        if room < 2:
            continue
        values = _attribute_values(spec, vocabulary, room)
        budget -= len(values) + 1
        attribute_props[key] = _nullable_enum(values, f"{spec.label}; {where}")
        attributes[key] = spec

    leaf_keys = sorted(schema.categories, key=lambda c: (-schema.categories[c].count, c))
    wanted = [*leaves, *(c for c in leaf_keys if c not in leaves)]
    category_keys = wanted[: max(0, min(limits.categories, budget - 1))]
    budget -= len(category_keys) + 1
    categories = {schema.categories[c].name: c for c in category_keys}

    color_keys = _top(vocabulary.colors, vocabulary.counts, "color", min(limits.colors, budget))
    budget -= len(color_keys)
    colors = {vocabulary.colors[c]: c for c in color_keys}
    brand_keys = _top(vocabulary.brands, vocabulary.counts, "brand", min(limits.brands, budget))
    brands = {vocabulary.brands[b]: b for b in brand_keys}

    n = limits.list_items
    more = len(schema.categories) > len(categories) or len(vocabulary.brands) > len(brands)
    brand_enum = list(brands)
    properties: dict[str, Any] = {
        "intent": {"type": "string", "enum": list(INTENTS)},
        "query": {
            "type": "string",
            "description": "A short standalone product search, without prices, brands or colors.",
        },
        "category": _nullable_enum(list(categories), "The catalog category the shopper wants."),
        "category_other": {
            "type": ["string", "null"],
            "description": "Only when the category is not in the list above: its name (checked afterwards).",
        },
        "brands": _string_list(brand_enum, n, "Brands the shopper asks for."),
        "exclude_brands": _string_list(brand_enum, n, "Brands the shopper rules out."),
        "brands_other": {
            "type": "array",
            "items": {"type": "string"},
            "maxItems": n if more else 0,
            "description": "Brands asked for that are not in the list above (checked afterwards).",
        },
        "colors": _string_list(list(colors), n, "Colors the shopper asks for."),
        "price_min": _number(),
        "price_max": _number(),
        "attributes": _object(
            attribute_props,
            description="Hard constraints on the category's attributes; null when not stated.",
        ),
        "comparative": _object(
            {
                "attribute": {"type": "string", "enum": [*numeric, "price"]},
                "direction": {"type": "string", "enum": list(DIRECTIONS)},
            },
            nullable=True,
            description="'lighter?', 'cheaper?': better than the products shown last turn on this attribute.",
        ),
        "sort": _object(
            {
                "attribute": {"type": "string", "enum": [*numeric, *sorted(PRODUCT_FIELDS)]},
                "order": {"type": "string", "enum": list(ORDERS)},
            },
            nullable=True,
            description="'the lightest', 'cheapest first': order the results.",
        ),
        "preferences": {
            "type": "array",
            "items": {"type": "string"},
            "maxItems": n,
            "description": "Soft wishes that rank, not filter ('quiet', 'for travel').",
        },
        "referenced_ids": _string_list(list(shown_ids), n, "Shown products the shopper refers to."),
        "clarifying_question": {
            "type": ["string", "null"],
            "description": "intent clarify only: one short question.",
        },
    }
    return PlanSchema(
        json_schema=_object(properties),
        categories=categories,
        brands=brands,
        colors=colors,
        attributes=attributes,
        likely=tuple(leaves),
        shown_ids=tuple(shown_ids),
        limits=limits,
    )


def schema_size(json_schema: dict[str, Any]) -> tuple[int, int, int]:
    """(enum values, object properties, nesting depth) of a JSON Schema, as OpenAI counts its limits."""
    enums = properties = depth = 0

    def walk(node: Any, level: int) -> None:
        nonlocal enums, properties, depth
        if isinstance(node, dict):
            if "enum" in node:
                enums += len([v for v in node["enum"] if v is not None])
            if isinstance(node.get("properties"), dict):
                properties += len(node["properties"])
                depth = max(depth, level + 1)
                for child in node["properties"].values():
                    walk(child, level + 1)
            for key in ("items", "anyOf"):
                if key in node:
                    walk(node[key], level)
        elif isinstance(node, list):
            for child in node:
                walk(child, level)

    walk(json_schema, 0)
    return enums, properties, depth

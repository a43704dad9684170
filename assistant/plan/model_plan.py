"""A capable model's plan, read from its JSON and checked against the turn's :class:`PlanSchema`.

:func:`read_model_plan` never fails on a bad value: it keeps what the schema allows and drops the
rest, counting each drop by reason (:class:`Dropped`). A strict ``json_schema`` endpoint cannot send
most of what it drops (a value outside an enum, a non-number price); a JSON-mode endpoint (the
fallback) and a hostile model can, so nothing is trusted:

* ``shape``: not a JSON object, an unknown field, a value of the wrong type;
* ``enum``: a category, brand, color, attribute value or key, intent or id outside the schema
  (free-text ``category_other`` / ``brands_other`` are matched against the whole catalog first);
* ``number``: NaN, infinity, a negative price, a min above its max;
* ``overflow``: list items beyond ``limits.list_items``, text beyond ``limits.text_chars``;
* ``injection``: text that carries instructions ("ignore previous instructions…").

Whether a valid value may be *used* for this turn (a brand the shopper never named, an attribute of
another category, a price the shopper did not state) is the merge's call
(:mod:`assistant.plan.merge`), which counts its own drops in the same :class:`Dropped`.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.plan.intents import find_injection
from assistant.plan.plan_schema import DIRECTIONS, INTENTS, ORDERS, PlanSchema
from assistant.plan.vocab import VocabularyMatcher
from assistant.schemas import Intent
from retrieval.catalog import norm
from retrieval.filters import NumericRange
from retrieval.schema import PRODUCT_FIELDS

__all__ = ["Dropped", "ModelPlan", "ModelRank", "read_model_plan"]

DropReason = Literal["shape", "enum", "number", "overflow", "injection", "unsaid", "category", "rule"]
_CONTROL = re.compile(r"[\x00-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")
_FIELDS = frozenset(
    {
        "intent", "query", "category", "category_other", "brands", "exclude_brands", "brands_other",
        "colors", "price_min", "price_max", "attributes", "comparative", "sort", "preferences",
        "referenced_ids", "clarifying_question",
    }
)  # fmt: skip


class Dropped(BaseModel):
    """What was dropped from a model's plan, by reason (see the module docstring)."""

    counts: Counter[str] = Field(default_factory=Counter)

    def add(self, reason: DropReason, n: int = 1) -> None:
        if n > 0:
            self.counts[reason] += n

    @property
    def total(self) -> int:
        return sum(self.counts.values())


class ModelRank(BaseModel):
    """An (attribute, direction) pair: a comparative ("lighter": weight lower) or a sort."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    key: str
    direction: Literal["lower", "higher"]


class ModelPlan(BaseModel):
    """A model's plan after the schema check: every value is the catalog's (normalized) own."""

    model_config = ConfigDict(extra="forbid")

    intent: Intent | None = None
    query: str = ""
    categories: list[str] = Field(default_factory=list)
    brands: list[str] = Field(default_factory=list)
    exclude_brands: list[str] = Field(default_factory=list)
    colors: list[str] = Field(default_factory=list)
    price_min: float | None = None
    price_max: float | None = None
    attributes: dict[str, str] = Field(default_factory=dict)
    ranges: dict[str, NumericRange] = Field(default_factory=dict)
    comparative: ModelRank | None = None
    sort: ModelRank | None = None
    preferences: list[str] = Field(default_factory=list)
    referenced_ids: list[str] = Field(default_factory=list)
    clarifying_question: str | None = None


def _no_constants(name: str) -> float:
    raise ValueError(f"{name} is not a JSON number")


def _loads(text: str) -> object:
    """JSON without Python's NaN/Infinity extension; a reply wrapped in prose or a code fence is cut
    to its outermost object (JSON-mode endpoints sometimes add them)."""
    try:
        return json.loads(text, parse_constant=_no_constants)
    except ValueError:
        start, end = text.find("{"), text.rfind("}")
        if start < 0 or end <= start:
            return None
        try:
            return json.loads(text[start : end + 1], parse_constant=_no_constants)
        except ValueError:
            return None


class _Reader:
    def __init__(self, schema: PlanSchema, matcher: VocabularyMatcher, dropped: Dropped) -> None:
        self.schema = schema
        self.matcher = matcher
        self.dropped = dropped
        self.limits = schema.limits

    def text(self, value: object, *, limit: int | None = None) -> str | None:
        if value is None:
            return None
        if not isinstance(value, str):
            self.dropped.add("shape")
            return None
        limit = limit or self.limits.text_chars
        cleaned = " ".join(_CONTROL.sub(" ", value).split())
        if len(cleaned) > limit:
            self.dropped.add("overflow")
            cleaned = cleaned[:limit].rsplit(" ", 1)[0]
        if find_injection(cleaned.lower()):
            self.dropped.add("injection")
            return None
        return cleaned or None

    def strings(self, value: object) -> list[str]:
        if value is None:
            return []
        if not isinstance(value, list):
            self.dropped.add("shape")
            return []
        n = self.limits.list_items
        self.dropped.add("overflow", len(value) - n)
        out = [t for item in value[:n] if (t := self.text(item, limit=60)) is not None]
        return list(dict.fromkeys(out))

    def number(self, value: object, *, price: bool = False) -> float | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.dropped.add("shape")
            return None
        number = float(value)
        if not math.isfinite(number) or (price and number < 0) or abs(number) > 1e9:
            self.dropped.add("number")
            return None
        return number

    def enum(self, values: list[str], table: dict[str, str], kind: str) -> list[str]:
        out: list[str] = []
        for value in values:
            key = table.get(value)
            if key is None:  # the model may spell an offered value differently ("bosch")
                match = self.matcher.resolve(kind, value)  # type: ignore[arg-type]
                key = match.value if match is not None and match.value in table.values() else None
            if key is None:
                self.dropped.add("enum")
            elif key not in out:
                out.append(key)
        return out

    def free(self, values: list[str], kind: Literal["brand", "category"]) -> list[str]:
        """Free-text values (not offered in the enum): the catalog's own value, else dropped."""
        out: list[str] = []
        for value in values:
            match = self.matcher.resolve(kind, value)
            if match is None:
                self.dropped.add("enum")
            elif match.value not in out:
                out.append(match.value)
        return out

    def rank(self, value: object, keys: list[str], words: tuple[str, ...]) -> ModelRank | None:
        if value is None:
            return None
        if not isinstance(value, dict) or set(value) != {
            "attribute",
            "direction" if words == DIRECTIONS else "order",
        }:
            self.dropped.add("shape")
            return None
        attribute = value.get("attribute")
        how = value.get("direction", value.get("order"))
        if attribute not in keys or how not in words:
            self.dropped.add("enum")
            return None
        direction = {"asc": "lower", "desc": "higher"}.get(str(how), str(how))
        return ModelRank(key=str(attribute), direction=direction)  # type: ignore[arg-type]

    def attributes(self, value: object) -> tuple[dict[str, str], dict[str, NumericRange]]:
        if value is None:
            return {}, {}
        if not isinstance(value, dict):
            self.dropped.add("shape")
            return {}, {}
        values: dict[str, str] = {}
        ranges: dict[str, NumericRange] = {}
        for raw_key, raw in list(value.items())[: 4 * self.limits.attributes]:
            if raw is None:
                continue
            key = norm(str(raw_key))
            spec = self.schema.attributes.get(key)
            if spec is None:
                self.dropped.add("enum")
                continue
            if spec.kind == "numeric":
                bounds = self._range(raw)
                if bounds is not None:
                    ranges[key] = bounds
                continue
            if isinstance(raw, bool):  # a yes/no key answered as a JSON boolean
                raw = "yes" if raw else "no"
            if not isinstance(raw, str):
                self.dropped.add("shape")
                continue
            if norm(raw) in spec.values:
                values[key] = norm(raw)
            else:
                self.dropped.add("enum")
        return values, ranges

    def _range(self, raw: object) -> NumericRange | None:
        if not isinstance(raw, dict) or not set(raw) <= {"min", "max"}:
            self.dropped.add("shape")
            return None
        low, high = self.number(raw.get("min")), self.number(raw.get("max"))
        if low is not None and high is not None and low > high:
            self.dropped.add("number")
            return None
        if low is None and high is None:
            return None
        return NumericRange(gte=low, lte=high)


def read_model_plan(
    reply: str | object, schema: PlanSchema, matcher: VocabularyMatcher, dropped: Dropped | None = None
) -> tuple[ModelPlan, Dropped]:
    """The model's reply (JSON text, or already parsed) as a :class:`ModelPlan` of catalog values."""
    dropped = dropped if dropped is not None else Dropped()
    data = _loads(reply) if isinstance(reply, str) else reply
    if not isinstance(data, dict):
        dropped.add("shape")
        return ModelPlan(), dropped
    dropped.add("shape", len(set(data) - _FIELDS))
    r = _Reader(schema, matcher, dropped)

    intent = data.get("intent")
    if intent is not None and intent not in INTENTS:
        dropped.add("enum")
        intent = None
    categories = r.enum(
        [t for t in [r.text(data.get("category"), limit=80)] if t], schema.categories, "category"
    )
    if not categories:
        categories = r.free([t for t in [r.text(data.get("category_other"), limit=80)] if t], "category")
    elif data.get("category_other"):
        dropped.add("rule")  # one category: the offered one wins
    brands = r.enum(r.strings(data.get("brands")), schema.brands, "brand")
    brands += [b for b in r.free(r.strings(data.get("brands_other")), "brand") if b not in brands]
    excluded = r.enum(r.strings(data.get("exclude_brands")), schema.brands, "brand")
    colors = r.enum(r.strings(data.get("colors")), schema.colors, "color")
    low, high = r.number(data.get("price_min"), price=True), r.number(data.get("price_max"), price=True)
    if low is not None and high is not None and low > high:
        dropped.add("number")
        low = None
    attributes, ranges = r.attributes(data.get("attributes"))
    numeric = schema.numeric_keys
    comparative = r.rank(data.get("comparative"), [*numeric, "price"], DIRECTIONS)
    sort = r.rank(data.get("sort"), [*numeric, *sorted(PRODUCT_FIELDS)], ORDERS)
    shown = set(schema.shown_ids)
    ids = r.strings(data.get("referenced_ids"))
    dropped.add("enum", len([i for i in ids if i not in shown]))
    plan = ModelPlan(
        intent=intent,  # type: ignore[arg-type]
        query=r.text(data.get("query")) or "",
        categories=categories[:1],
        brands=brands,
        exclude_brands=excluded,
        colors=colors,
        price_min=low,
        price_max=high,
        attributes=attributes,
        ranges=ranges,
        comparative=comparative,
        sort=sort,
        preferences=r.strings(data.get("preferences")),
        referenced_ids=[i for i in ids if i in shown],
        clarifying_question=r.text(data.get("clarifying_question"), limit=200),
    )
    return plan, dropped

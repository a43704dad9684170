"""The catalog's schema, derived from its own products: what each category's attributes are.

Per leaf category: every attribute key with its type — ``numeric`` (with the unit and dimension its
key names, e.g. ``weight_kg`` → kg, mass; ``battery_hours`` → hours, duration), ``boolean``
(yes/no) or ``categorical`` (with its value set) — its range, and how many products carry it. The
planner reads attribute values only within the plan's category, and maps comparatives ("lighter")
to the category's keys of that dimension; the claim verifier checks "1.5 kg" against the field that
carries a mass. Built once per catalog version (cheap: one pass over the products).

    schema = CatalogSchema.from_products(products)
    schema.numeric_keys("tents", "mass")      # ["weight_kg"]
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Literal

import yaml

from retrieval.catalog import GROUPING_KEYS, Product, norm
from retrieval.text import analyze

__all__ = [
    "GROUPING_KEYS",
    "PRODUCT_FIELDS",
    "REVIEWS_FIELD",
    "AttributeSpec",
    "CatalogSchema",
    "CategorySchema",
    "Unit",
    "attribute_number",
    "field_number",
    "key_unit",
    "key_words",
    "name_heads",
    "unit_spellings",
]

AttributeKind = Literal["numeric", "boolean", "categorical"]
_BOOLEAN_VALUES = frozenset({"yes", "no", "true", "false"})
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
_MAX_VALUES = 60


@dataclass(frozen=True)
class Unit:
    """A unit named by an attribute key's suffix."""

    suffix: str
    display: str
    dimension: str
    factor: float


@lru_cache(maxsize=1)
def _units() -> tuple[dict[str, Unit], dict[str, tuple[str, ...]]]:
    data = yaml.safe_load(resources.files("retrieval").joinpath("data/units.yaml").read_text("utf-8"))
    suffixes = {
        str(suffix): Unit(str(suffix), str(d), str(dim), float(f))
        for suffix, (d, dim, f) in data["suffixes"].items()
    }
    spellings = {str(unit): tuple(str(s) for s in names) for unit, names in data["spellings"].items()}
    return suffixes, spellings


def key_unit(key: str) -> Unit | None:
    """The unit an attribute key names by its last one or two words (``room_size_sq_ft`` → sq ft)."""
    suffixes, _ = _units()
    words = norm(key).replace("-", "_").split("_")
    for n in (2, 1):
        if len(words) > n:
            unit = suffixes.get("_".join(words[-n:]))
            if unit is not None:
                return unit
    return None


def key_words(key: str) -> list[str]:
    """The key's words without its unit suffix: ``noise_level_db`` → ["noise", "level"]."""
    words = norm(key).replace("-", "_").split("_")
    unit = key_unit(key)
    if unit is not None:
        words = words[: len(words) - len(unit.suffix.split("_"))]
    return [w for w in words if w]


def unit_spellings() -> dict[str, tuple[str, ...]]:
    """Unit display → how shoppers and models write it after a number."""
    return _units()[1]


def attribute_number(value: str | None) -> float | None:
    """The attribute value as a number (``"44"`` → 44.0), else ``None``; never NaN or infinite."""
    if value is None:
        return None
    text = value.strip()
    if not _NUMBER.match(text):
        return None
    number = float(text)
    return number if math.isfinite(number) else None


REVIEWS_FIELD = "rating_count"
"""The product field a shopper's "the most reviews" sorts by: how many shoppers rated it."""

PRODUCT_FIELDS = frozenset({"price", "rating", REVIEWS_FIELD})
"""Numeric fields of every product (not attributes) a plan may sort or compare by."""


def field_number(product: Product, key: str) -> float | None:
    """A product's ``price``, ``rating``, ``rating_count`` (how many shoppers rated it) or numeric
    attribute ``key`` as a number, else ``None``."""
    if key == "price":
        return product.price
    if key == "rating":
        return product.rating
    if key == REVIEWS_FIELD:
        return None if product.rating_count is None else float(product.rating_count)
    return attribute_number(product.attributes.get(key))


@dataclass
class AttributeSpec:
    """One attribute key of one category."""

    key: str
    kind: AttributeKind
    count: int
    unit: Unit | None = None
    minimum: float | None = None
    maximum: float | None = None
    values: list[str] = field(default_factory=list)

    @property
    def dimension(self) -> str | None:
        return self.unit.dimension if self.unit else None

    @property
    def label(self) -> str:
        """Human words for the key: ``noise_level_db`` → "noise level"."""
        return " ".join(key_words(self.key)) or self.key


@dataclass
class CategorySchema:
    """A leaf category: its name, path, size, price range and attributes."""

    name: str
    path: tuple[str, ...]
    count: int
    attributes: dict[str, AttributeSpec]
    price_min: float | None = None
    price_max: float | None = None


@dataclass
class CatalogSchema:
    """Every leaf category's schema, keyed by the normalized leaf name."""

    categories: dict[str, CategorySchema]
    parents: dict[str, list[str]] = field(default_factory=dict)
    # every distinct category path (normalized levels) → how many products sit on it
    paths: dict[tuple[str, ...], int] = field(default_factory=dict)
    # attributes() per category tuple: merging is the planner's and composer's hot path. Filled lazily;
    # the schema is never changed after it is built (a new catalog release builds a new one).
    _merged: dict[tuple[str, ...], dict[str, AttributeSpec]] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _above: dict[str, frozenset[str]] = field(default_factory=dict, init=False, repr=False, compare=False)
    _listing: dict[str, list[str]] | None = field(default=None, init=False, repr=False, compare=False)
    _heads: dict[str, list[str]] | None = field(default=None, init=False, repr=False, compare=False)
    # level -> the paths holding it (with their level sets and product counts): on_one_path and depth
    # are asked many times per turn, over thousands of paths in a real catalog
    _through: dict[str, list[tuple[tuple[str, ...], frozenset[str], int]]] | None = field(
        default=None, init=False, repr=False, compare=False
    )

    @classmethod
    def from_products(cls, products: Iterable[Product]) -> CatalogSchema:
        groups: dict[str, list[Product]] = {}
        paths: dict[str, tuple[str, ...]] = {}
        full: Counter[tuple[str, ...]] = Counter()
        for p in products:
            if not p.category:
                continue
            leaf = norm(p.category[-1])
            groups.setdefault(leaf, []).append(p)
            paths.setdefault(leaf, tuple(p.category))
            full[tuple(norm(c) for c in p.category)] += 1
        categories = {leaf: _category(paths[leaf], items) for leaf, items in groups.items()}
        # every path counts: a leaf name can hang under several levels (Women > … > Sandals and
        # Men > … > Sandals)
        parents: dict[str, list[str]] = {}
        for path in full:
            for level in path[:-1]:
                leaves = parents.setdefault(level, [])
                if path[-1] not in leaves:
                    leaves.append(path[-1])
        return cls(categories=categories, parents=parents, paths=dict(full))

    def leaves(self, category: str) -> list[CategorySchema]:
        """The leaf schemas under ``category`` (a leaf itself, or an inner level of paths)."""
        key = norm(category)
        found = [self.categories[key]] if key in self.categories else []
        found += [self.categories[leaf] for leaf in self.parents.get(key, []) if leaf != key]
        return found

    def above(self, category: str) -> frozenset[str]:
        """The levels above ``category`` on any of its paths ("basketballs": Sports & Outdoors, …)."""
        key = norm(category)
        if key not in self._above:
            self._above[key] = frozenset(
                level for path in self.paths if key in path for level in path[: path.index(key)]
            )
        return self._above[key]

    def listing(self, kind: str) -> list[str]:
        """The other leaves that list ``kind`` as one part of their name ("Sport Sandals & Slides"
        lists Slides), largest first (indexed once per schema)."""
        if self._listing is None:
            parts: dict[str, list[str]] = {}
            for name in self.categories:
                if "&" in name:
                    for part in re.split(r"[&,]", name):
                        parts.setdefault(part.strip(), []).append(name)
            self._listing = {
                part: sorted(names, key=lambda n: -self.categories[n].count) for part, names in parts.items()
            }
        key = norm(kind)
        return [n for n in self._listing.get(key, []) if n != key]

    def same_head(self, category: str) -> list[str]:
        """The other levels named for the same kind of thing as ``category``, by the last word of a
        part of their name ("mattresses": Futon Mattresses; "sets": Screwdriver Sets, Shampoo &
        Conditioner Sets), largest first; never ``category`` itself nor a level above it (indexed
        once per schema)."""
        if self._heads is None:
            heads: dict[str, list[str]] = {}
            sizes: Counter[str] = Counter()
            for path, n in self.paths.items():
                for level in path:
                    sizes[level] += n
            for level in sizes:
                for head in name_heads(level):
                    heads.setdefault(head, []).append(level)
            self._heads = {h: sorted(names, key=lambda n: (-sizes[n], n)) for h, names in heads.items()}
        key = norm(category)
        above = self.above(key)
        found = [n for h in name_heads(key) for n in self._heads.get(h, []) if n != key and n not in above]
        return list(dict.fromkeys(found))

    def departments(self, level: str) -> frozenset[str]:
        """The top levels of the paths holding ``level`` ("sets": Clothing, Shoes & Jewelry; Home &
        Kitchen; Tools & Home Improvement — a name for different things; "leggings": one)."""
        key = norm(level)
        return frozenset(path[0] for path, _, _ in self._paths_through({key}) if key in path)

    def on_one_path(self, levels: Iterable[str]) -> int:
        """How many products sit on a category path holding every one of ``levels`` ("women" and
        "sandals": Clothing > Women > Shoes > Sandals)."""
        wanted = {norm(c) for c in levels}
        return sum(n for _, levels_on, n in self._paths_through(wanted) if wanted <= levels_on)

    def _paths_through(self, wanted: set[str]) -> list[tuple[tuple[str, ...], frozenset[str], int]]:
        """The paths holding the rarest of ``wanted`` (every path when nothing is wanted)."""
        if self._through is None:
            through: dict[str, list[tuple[tuple[str, ...], frozenset[str], int]]] = {}
            for path, n in self.paths.items():
                entry = (path, frozenset(path), n)
                for level in entry[1]:
                    through.setdefault(level, []).append(entry)
            self._through = through
        if not wanted:
            return [(path, frozenset(path), n) for path, n in self.paths.items()]
        return min((self._through.get(level, []) for level in wanted), key=len)

    def depth(self, level: str, among: Iterable[str] = ()) -> float:
        """The mean position of ``level`` on the paths holding it and every one of ``among``
        (0 = the top level); -1 when no path holds them all."""
        key = norm(level)
        wanted = {key, *(norm(c) for c in among)}
        spots = [path.index(key) for path, levels_on, _ in self._paths_through(wanted) if wanted <= levels_on]
        return sum(spots) / len(spots) if spots else -1.0

    def siblings(self, a: str, b: str) -> bool:
        """Whether two levels hang under the same parent level somewhere ("Women" and "Men" under
        Clothing, Shoes & Jewelry): alternatives, one replaces the other."""
        a, b = norm(a), norm(b)
        if a == b:
            return False
        parents_a = {path[i - 1] for path in self.paths for i, c in enumerate(path) if c == a and i > 0}
        return any(
            path[i - 1] in parents_a for path in self.paths for i, c in enumerate(path) if c == b and i > 0
        )

    def attributes(self, categories: Sequence[str]) -> dict[str, AttributeSpec]:
        """The attributes of the given categories (all leaves under them), merged by key (a fresh dict)."""
        key = tuple(categories)
        cached = self._merged.get(key)
        if cached is None:
            if len(self._merged) >= 4096:  # category combinations come from shoppers' asks: stay bounded
                self._merged.clear()
            cached = self._merged[key] = self._merge_attributes(key)
        return dict(cached)

    def _merge_attributes(self, categories: Sequence[str]) -> dict[str, AttributeSpec]:
        merged: dict[str, AttributeSpec] = {}
        for category in categories:
            for leaf in self.leaves(category):
                for key, spec in leaf.attributes.items():
                    if key not in merged:
                        merged[key] = spec
                    else:
                        merged[key] = _merge(merged[key], spec)
        return merged

    def numeric_keys(self, categories: Sequence[str], dimension: str | None = None) -> list[str]:
        attrs = self.attributes(categories)
        return [
            k
            for k, s in attrs.items()
            if s.kind == "numeric" and (dimension is None or s.dimension == dimension)
        ]

    def has_value(self, categories: Sequence[str], key: str, value: str) -> bool:
        spec = self.attributes(categories).get(norm(key))
        return spec is not None and norm(value) in spec.values

    def categories_with_value(self, key: str, value: str) -> list[str]:
        key, value = norm(key), norm(value)
        return [
            leaf
            for leaf, schema in self.categories.items()
            if key in schema.attributes and value in schema.attributes[key].values
        ]


def name_heads(name: str) -> list[str]:
    """The head word of each part of a level's name, as the text index stems it ("Recovery Collars &
    Cones": collar, cone)."""
    heads = []
    for part in re.split(r"[&,]", name):
        words = analyze(part)
        if words and words[-1] not in heads:
            heads.append(words[-1])
    return heads


def _category(path: tuple[str, ...], products: list[Product]) -> CategorySchema:
    values: dict[str, list[str]] = {}
    for p in products:
        for key, value in p.attributes.items():
            k = norm(key)
            if k in GROUPING_KEYS or not value.strip():
                continue
            values.setdefault(k, []).append(norm(value))
    attributes = {k: _attribute(k, v) for k, v in values.items()}
    prices = [p.price for p in products if p.price is not None]
    return CategorySchema(
        name=path[-1],
        path=path,
        count=len(products),
        attributes=attributes,
        price_min=min(prices) if prices else None,
        price_max=max(prices) if prices else None,
    )


def _attribute(key: str, values: list[str]) -> AttributeSpec:
    distinct = sorted(set(values))
    numbers = [attribute_number(v) for v in values]
    if values and all(n is not None for n in numbers):
        nums = [n for n in numbers if n is not None]
        return AttributeSpec(
            key=key,
            kind="numeric",
            count=len(values),
            unit=key_unit(key),
            minimum=min(nums),
            maximum=max(nums),
            values=distinct[:_MAX_VALUES],
        )
    if set(distinct) <= _BOOLEAN_VALUES:
        return AttributeSpec(key=key, kind="boolean", count=len(values), values=distinct)
    return AttributeSpec(key=key, kind="categorical", count=len(values), values=distinct[:_MAX_VALUES])


def _merge(a: AttributeSpec, b: AttributeSpec) -> AttributeSpec:
    if a.kind != b.kind:
        return a if a.count >= b.count else b
    lows = [x for x in (a.minimum, b.minimum) if x is not None]
    highs = [x for x in (a.maximum, b.maximum) if x is not None]
    return AttributeSpec(
        key=a.key,
        kind=a.kind,
        count=a.count + b.count,
        unit=a.unit or b.unit,
        minimum=min(lows) if lows else None,
        maximum=max(highs) if highs else None,
        values=sorted(set(a.values) | set(b.values))[:_MAX_VALUES],
    )

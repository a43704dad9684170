"""The catalog held in memory for searching: products by position, filter columns, vectors, field indexes.

Built once from the store (and Chroma's stored vectors) and rebuilt when the store's version changes.
Positions follow the BM25 index's id order, so a boolean mask over positions is the BM25 filter mask.
:meth:`CatalogSnapshot.mask` evaluates :class:`~retrieval.filters.Filters` over numpy columns with the
same meaning as :func:`~retrieval.filters.matches_metadata` (numbers compared as numbers; an unknown
value never passes a filter on it).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Collection, Mapping, Sequence

import numpy as np
from pydantic import BaseModel

from retrieval.ages import CHILD_WORD, for_children, stated_ages
from retrieval.catalog import MAX_CATEGORY_LEVELS, Product, norm
from retrieval.filters import Filters, NumericRange, bullet_text, holds_colour
from retrieval.products import Vocabulary
from retrieval.quantities import title_quantities, unit_of
from retrieval.release import Release
from retrieval.schema import REVIEWS_FIELD, CatalogSchema, attribute_number
from retrieval.text import (
    FieldIndex,
    analyze,
    denial_candidates,
    denied_stems,
    negation_marked,
    says_phrase,
    words,
)

__all__ = ["CatalogSnapshot", "UnknownValue", "variant_key"]

_SIZE_WORDS = frozenset(
    [
        "xxs",
        "xs",
        "s",
        "m",
        "l",
        "xl",
        "xxl",
        "xxxl",
        "2xl",
        "3xl",
        "4xl",
        "5xl",
        "small",
        "medium",
        "large",
        "x-large",
        "petite",
        "plus",
        "tall",
        "regular",
        "big",
        "size",
        "sizes",
        "inch",
        "inches",
        "in",
        "ft",
        "cm",
        "mm",
        "oz",
        "ml",
        "pack",
        "count",
        "pcs",
        "pc",
        "piece",
        "pieces",
        "set",
    ]
)
# Letters after a shoe or clothing size ("8 M US", "9 B (M)", "10 W") and units after a number.
_SIZE_MARKERS = frozenset(
    ["us", "uk", "eu", "b", "d", "e", "ee", "w", "n", "wide", "narrow", "lb", "lbs", "kg", "g", "l", "qt",
     "cup", "cups", "ounce", "ounces", "gallon", "feet", "foot", "meter", "meters", "x", "pair", "pairs"]
)  # fmt: skip
_COLOR_WORDS = frozenset(
    [
        "black",
        "white",
        "red",
        "blue",
        "green",
        "yellow",
        "orange",
        "purple",
        "pink",
        "brown",
        "grey",
        "gray",
        "silver",
        "gold",
        "beige",
        "navy",
        "teal",
        "maroon",
        "ivory",
        "cream",
        "tan",
        "khaki",
        "olive",
        "charcoal",
        "burgundy",
        "turquoise",
        "coral",
        "multi",
        "multicolor",
        "clear",
        "rose",
        "light",
        "dark",
        "bright",
        "natural",
    ]
)
_VARIANT_ATTRIBUTE = "variant_of"


def variant_key(product: Product, extra_colors: frozenset[str] = frozenset()) -> str:
    """Products sharing this key are variants of one product (other color / size).

    The feed's ``variant_of`` attribute wins; otherwise the title without color, size and number words.
    """
    explicit = product.attributes.get(_VARIANT_ATTRIBUTE)
    if explicit:
        return "v:" + norm(explicit)
    own = frozenset(words(product.color or ""))
    head, _, tail = product.title.partition(",")
    listed = words(head)
    numbered = {i for i, w in enumerate(listed) if _model_number(listed, i)}
    kept = [
        w
        for i, w in enumerate([*listed, *words(tail)])
        if w not in _SIZE_WORDS
        and w not in _COLOR_WORDS
        and w not in own
        and w not in extra_colors
        and (not any(c.isdigit() for c in w) or i in numbered)
    ]
    return "t:" + norm(product.brand or "") + "|" + " ".join(kept)


def _model_number(listed: list[str], i: int) -> bool:
    """Whether the number at ``listed[i]`` names a model ("Stormhold 2", "Pure 400") rather than a
    size ("…, 8", "10.5", "11 inch", "9 B (M)"): a whole number inside the title's first segment,
    followed by a word that is not a size or unit. Numbers after the first comma are variant details."""
    if i + 1 >= len(listed) or not listed[i].isdigit():
        return False
    nxt = listed[i + 1]
    return nxt not in _SIZE_WORDS and nxt not in _SIZE_MARKERS and not nxt.isdigit()


class UnknownValue(BaseModel):
    """A filter value the catalog does not carry (the filter then matches nothing on that field)."""

    field: str
    value: str


def _floats(values: Sequence[float | int | None]) -> np.ndarray:
    return np.array([math.nan if v is None else float(v) for v in values], dtype=np.float64)


def _strings(values: Sequence[str | None]) -> np.ndarray:
    return np.array([norm(v) if v else "" for v in values], dtype=object)


def _postings(rows: Sequence[Sequence[str]] | np.ndarray) -> dict[str, np.ndarray]:
    """Each non-empty value → the sorted positions of the rows holding it."""
    found: dict[str, list[int]] = {}
    for position, row in enumerate(rows):
        for value in set(row):
            if value:
                found.setdefault(value, []).append(position)
    return {value: np.array(positions, dtype=np.int64) for value, positions in found.items()}


class CatalogSnapshot:
    """An immutable in-memory view of the catalog at one published release."""

    def __init__(
        self,
        products: Sequence[Product],
        vectors: np.ndarray,
        version: int,
        leaf_vectors: Mapping[str, np.ndarray] | None = None,
        release: Release | None = None,
    ) -> None:
        self.version = version
        self.release = release  # the published release this view was built from (None: built ad hoc)
        self.products: list[Product] = list(products)
        self.ids: list[str] = [p.id for p in self.products]
        self.position: dict[str, int] = {pid: i for i, pid in enumerate(self.ids)}
        self.vectors = np.asarray(vectors, dtype=np.float32)
        self.vocabulary = Vocabulary.from_products(self.products)
        self.schema = CatalogSchema.from_products(self.products)
        ps = self.products
        self.price = _floats([p.price for p in ps])
        self.rating = _floats([p.rating for p in ps])
        self.rating_count = _floats([p.rating_count for p in ps])
        self.in_stock = np.array([p.in_stock for p in ps], dtype=bool)
        self.brand = _strings([p.brand for p in ps])
        self.color = _strings([p.color for p in ps])
        self.categories = np.array(
            [
                [norm(c) for c in p.category[:MAX_CATEGORY_LEVELS]]
                + [""] * (MAX_CATEGORY_LEVELS - len(p.category[:MAX_CATEGORY_LEVELS]))
                for p in ps
            ],
            dtype=object,
        ).reshape(len(ps), MAX_CATEGORY_LEVELS)
        # Value → positions for the columns filters name, so a brand or category filter costs the size of
        # its matches, not a string comparison per product (np.isin over 1M × 8 category strings: ~0.3 s).
        self._brand_postings = _postings([[b] for b in self.brand])
        self._color_postings = _postings([[c] for c in self.color])
        self._category_postings = _postings(self.categories)
        self.leaf_category = np.array([norm(p.category[-1]) if p.category else "" for p in ps], dtype=object)
        self._leaf_sizes: dict[str, int] | None = None
        # The embedding of each product's leaf category name (``leaf_vectors``: name → vector; zeros when
        # unknown), kept once per category and a row number per product: see :meth:`leaf_vectors_at`.
        leaves = [p.category[-1] if p.category else "" for p in ps]
        table = dict(leaf_vectors or {})
        names = sorted({leaf for leaf in leaves if leaf in table})
        rows = {name: i + 1 for i, name in enumerate(names)}
        self._leaf_table = np.zeros((len(names) + 1, self.vectors.shape[1]), dtype=np.float32)
        for name, row in rows.items():
            self._leaf_table[row] = table[name]
        self._leaf_row = np.array([rows.get(leaf, 0) for leaf in leaves], dtype=np.int32)
        self._leaf_names = ["", *names]
        self._attributes: dict[str, np.ndarray] = {}
        self._numeric: dict[str, np.ndarray] = {}
        # dimension -> (product positions, values in its base unit) of the figures titles state
        self._quantities: dict[str, tuple[np.ndarray, np.ndarray]] | None = None
        # the ages each product's text states ("Ages 6 and Up"), read on first use: see child_ages
        self._ages: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None
        for key in self.vocabulary.attributes:
            self._attributes[key] = np.array(
                [next((norm(v) for k, v in p.attributes.items() if norm(k) == key), "") for p in ps],
                dtype=object,
            )
        self.prior = self._popularity_prior()
        colors = frozenset(w for value in self.vocabulary.colors for w in words(value))
        keys = [variant_key(p, colors) for p in ps]
        codes: dict[str, int] = {}
        self.variant = np.array([codes.setdefault(k, len(codes)) for k in keys], dtype=np.int64)
        self.title_words = [analyze(p.title) for p in ps]
        self.title_length = np.array([len(w) for w in self.title_words], dtype=np.float32)
        self.title_absent = [negation_marked(p.title) for p in ps]
        # what a title names only to deny ("Fluoride-Free"; not "plastic" of "BPA Free Plastic"): an
        # exclusion lets these titles through
        self.title_denied = [denied_stems(p.title) for p in ps]
        # stems a title / bullet text names only to deny ("non-polarized"): which products put a stem
        # after a denial cue (one scan), and each such product's exact reading when first asked
        candidates: dict[str, list[int]] = {}
        for i, p in enumerate(ps):
            for stem in denial_candidates(f"{p.title}\n{bullet_text(p)}"):
                candidates.setdefault(stem, []).append(i)
        self._denial_candidates = {stem: np.asarray(at, dtype=np.int64) for stem, at in candidates.items()}
        self._denied_cache: dict[tuple[int, str], frozenset[str]] = {}
        self.fields = {
            "title": FieldIndex(self.title_words),
            "brand": FieldIndex([analyze(p.brand or "") for p in ps]),
            "color": FieldIndex([analyze(p.color or "") for p in ps]),
            "category": FieldIndex([analyze(" ".join(p.category)) for p in ps]),
            "bullets": FieldIndex([analyze(bullet_text(p)) for p in ps]),
        }
        self.normalized_titles = [" ".join(words(p.title)) for p in ps]
        # Brand names as word sequences, to spot a brand mentioned in a query.
        self.brand_phrases = {
            tuple(words(name)): norm(name) for name in self.vocabulary.brands.values() if words(name)
        }
        self.brand_phrase_max = max((len(k) for k in self.brand_phrases), default=0)

    def title_bigrams_at(self, position: int) -> frozenset[tuple[str, str]]:
        """The adjacent stemmed word pairs of a product's title (made per ranked candidate, not held for
        every product: a set per product was 2.2 GB at 1M products)."""
        return frozenset(itertools.pairwise(self.title_words[position]))

    def leaf_vectors_at(self, positions: np.ndarray) -> np.ndarray:
        """The leaf-category name embeddings of the products at ``positions`` (zeros when unknown)."""
        return self._leaf_table[self._leaf_row[positions]]

    def leaf_size(self, leaf: str) -> int:
        """How many products are filed under the leaf category ``leaf`` (normalized name)."""
        if self._leaf_sizes is None:
            sizes: dict[str, int] = {}
            for name in self.leaf_category:
                if name:
                    sizes[name] = sizes.get(name, 0) + 1
            self._leaf_sizes = sizes
        return self._leaf_sizes.get(leaf, 0)

    def leaves_by_products(
        self, positions: np.ndarray, sims: np.ndarray, top: int = 3
    ) -> list[tuple[str, float]]:
        """Leaf categories (normalized names) ranked by how near their own products are: the mean
        similarity of each leaf's ``top`` nearest products (fewer for a smaller leaf), read from a pool
        of ``positions`` nearest first with their ``sims``. A leaf product beyond the pool counts the
        pool's last similarity, an upper bound, so a leaf with one product near and the rest far is
        not scored by that one alone."""
        if len(positions) == 0:
            return []
        floor = float(sims[-1])
        near: dict[str, list[float]] = {}
        for position, sim in zip(positions, sims, strict=True):
            leaf = self.leaf_category[int(position)]
            if leaf:
                near.setdefault(leaf, []).append(float(sim))
        scored = []
        for leaf, found in near.items():
            n = max(1, min(top, self.leaf_size(leaf)))
            best = sorted(found, reverse=True)[:n]
            scored.append((leaf, (sum(best) + floor * (n - len(best))) / n))
        scored.sort(key=lambda x: -x[1])
        return scored

    def nearest_leaves(
        self, vector: np.ndarray, k: int = 2, among: Collection[str] | None = None
    ) -> list[tuple[str, float]]:
        """The ``k`` leaf category names whose embeddings are most similar to ``vector`` (cosine), most
        similar first; only leaves named in ``among`` (normalized names) when given."""
        sims = self._leaf_table[1:] @ vector
        if among is not None:
            sims = np.where([norm(n) in among for n in self._leaf_names[1:]], sims, -np.inf)
            k = min(k, len(among))
        k = min(k, len(sims))
        if k == 0:
            return []
        top = np.argpartition(-sims, k - 1)[:k]
        top = top[np.argsort(-sims[top])]
        return [(self._leaf_names[i + 1], float(sims[i])) for i in top if np.isfinite(sims[i])]

    def brands_in(self, text: str) -> set[str]:
        """Normalized catalog brands whose full name occurs as words in ``text``."""
        tokens = words(text)
        found: set[str] = set()
        for size in range(1, min(self.brand_phrase_max, len(tokens)) + 1):
            for start in range(len(tokens) - size + 1):
                brand = self.brand_phrases.get(tuple(tokens[start : start + size]))
                if brand is not None:
                    found.add(brand)
        return found

    def __len__(self) -> int:
        return len(self.ids)

    def _popularity_prior(self) -> np.ndarray:
        """Bayesian-average rating (shrunk to the catalog mean) × log(1 + rating count), in [0, ~1]."""
        known = ~np.isnan(self.rating)
        mean_rating = float(self.rating[known].mean()) if known.any() else 3.0
        counts = np.nan_to_num(self.rating_count, nan=0.0)
        weight = float(np.median(counts[counts > 0])) if (counts > 0).any() else 10.0
        rating = np.where(known, self.rating, mean_rating)
        bayes = (weight * mean_rating + counts * rating) / (weight + counts)
        return (bayes / 5.0 * np.log1p(counts) / math.log1p(1e6)).astype(np.float32)

    # filters ----------------------------------------------------------------------------------
    def mask(self, filters: Filters) -> np.ndarray:
        """Which products pass ``filters`` (the meaning of :func:`~retrieval.filters.matches_metadata`)."""
        ok = np.ones(len(self.ids), dtype=bool)
        with np.errstate(invalid="ignore"):
            if filters.price_min is not None:
                ok &= self.price >= float(filters.price_min)
            if filters.price_max is not None:
                ok &= self.price <= float(filters.price_max)
            if filters.min_rating is not None:
                ok &= self.rating >= float(filters.min_rating)
        if filters.brands:
            ok &= self._any_of(self._brand_postings, self.brand, filters.brands)
        if filters.exclude_brands:
            ok &= ~self._any_of(self._brand_postings, self.brand, filters.exclude_brands)
        if filters.categories:
            ok &= self._any_of(self._category_postings, self.categories, filters.categories)
        for level in filters.categories_all:
            ok &= self._any_of(self._category_postings, self.categories, [level])
        if filters.exclude_categories:
            ok &= ~self._any_of(self._category_postings, self.categories, filters.exclude_categories)
        if filters.colors:
            ok &= self._any_of(self._color_postings, self.color, filters.colors)
        if filters.exclude_colors:
            # ("anything but red": every colour value holding the word, "Wood Red" and "Red & Black")
            ruled = [c for c in self._color_postings if holds_colour(c, filters.exclude_colors)]
            ok &= ~self._any_of(self._color_postings, self.color, ruled)
        if filters.in_stock is True:
            ok &= self.in_stock
        for key, value in filters.attributes.items():
            column = self._attributes.get(key)
            ok &= False if column is None else column == value
        for key, values in filters.attribute_in.items():
            column = self._attributes.get(key)
            ok &= False if column is None else np.isin(column, values)
        for key, bounds in filters.attribute_ranges.items():
            numbers = self.numeric_attribute(key)
            with np.errstate(invalid="ignore"):
                for op, bound in (
                    ("gt", bounds.gt),
                    ("gte", bounds.gte),
                    ("lt", bounds.lt),
                    ("lte", bounds.lte),
                ):
                    if bound is None:
                        continue
                    if op == "gt":
                        ok &= numbers > bound
                    elif op == "gte":
                        ok &= numbers >= bound
                    elif op == "lt":
                        ok &= numbers < bound
                    else:
                        ok &= numbers <= bound
        stated = admitted = kids = None
        if filters.child_age is not None:
            stated, admitted, kids = self.child_ages(filters.child_age)
            ok &= ~stated | admitted  # none stated for older children ("Ages 8+" for a 4-year-old)
        for word in filters.text_words:
            held = self.holds_words(word)
            if kids is not None and word == CHILD_WORD:
                held = held | kids  # ("Ages 3 and Up" says it is a kids' one)
            ok &= held
        for word in filters.exclude_text_words:
            ok &= ~self.title_says(word)
        for unit, bounds in filters.title_quantities.items():
            ok &= self.states_quantity(unit, bounds)
        return ok

    def states_quantity(self, unit: str, bounds: NumericRange | None = None) -> np.ndarray:
        """Which products' titles state a figure in ``unit``'s dimension ("ft": "32.8ft", "100 Feet")
        that, in ``unit``, lies within ``bounds`` (any such figure when ``bounds`` is ``None``)."""
        said = np.zeros(len(self.ids), dtype=bool)
        known = unit_of(unit)
        if known is None:
            return said
        if self._quantities is None:
            table: dict[str, tuple[list[int], list[float]]] = {}
            for p, product in enumerate(self.products):
                for q in title_quantities(product.title):
                    positions, figures = table.setdefault(q.dimension, ([], []))
                    positions.append(p)
                    figures.append(q.value)
            self._quantities = {
                d: (np.asarray(ps, dtype=np.int64), np.asarray(vs, dtype=np.float64))
                for d, (ps, vs) in table.items()
            }
        dimension, factor = known
        at, values = self._quantities.get(dimension, (np.zeros(0, dtype=np.int64), np.zeros(0)))
        if bounds is None:
            said[at] = True
            return said
        in_unit = np.round(values / factor, 6)
        hold = np.ones(len(in_unit), dtype=bool)
        for bound, test in (
            (bounds.gt, np.greater),
            (bounds.gte, np.greater_equal),
            (bounds.lt, np.less),
            (bounds.lte, np.less_equal),
        ):
            if bound is not None:
                hold &= test(in_unit, bound)
        said[at[hold]] = True
        return said

    def child_ages(self, age: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Which products' titles or bullet points state ages ("Ages 6 and Up", "ages 4-8"), which
        of those take in a child of ``age``, and which of these say a kids' product by it (as
        :func:`retrieval.filters.matches` reads them)."""
        if self._ages is None:
            read = [stated_ages(p.title, bullet_text(p)) for p in self.products]
            low = np.array([a[0] if a else -1 for a in read], dtype=np.int16)
            high = np.array([a[1] if a and a[1] is not None else 999 for a in read], dtype=np.int16)
            kids = np.array([a is not None and for_children(a) for a in read], dtype=bool)
            self._ages = (low >= 0, low, high, kids)
        stated, low, high, kids = self._ages
        admitted = stated & (low <= age) & (age <= high)
        return stated, admitted, admitted & kids

    def holds_words(self, word: str) -> np.ndarray:
        """Which products say ``word`` (every stem of it) in their title or in their bullet points."""
        stems = analyze(word)
        if not stems:
            return np.ones(len(self.ids), dtype=bool)
        need = len(set(stems))
        if " " in word.strip() and len(stems) > 1:
            # a phrase ("fragrance free") is said in a row, in the title: its words apart in the
            # bullets ("fragrance: cedar", "cruelty-free") say something else
            said = np.asarray(self.fields["title"].hits(stems) >= need)
            for p in np.flatnonzero(said):
                said[p] = says_phrase(self.title_words[p], word)
            return said
        in_title = np.asarray(self.fields["title"].hits(stems) >= need)
        in_bullets = np.asarray(self.fields["bullets"].hits(stems) >= need)
        if need == 1:
            # "non-polarized" in the bullets states no polarized lens (nor "BPA free" any BPA)
            for p in self._denial_candidates.get(stems[0], ()):
                if in_bullets[p] and stems[0] in self._denied(int(p), "bullets"):
                    in_bullets[p] = False
                if in_title[p] and stems[0] in self._denied(int(p), "title"):
                    in_title[p] = False
        return np.asarray(in_title | in_bullets)

    def _denied(self, p: int, field: str) -> frozenset[str]:
        """The stems product ``p``'s title or bullets name only to deny (read once per snapshot)."""
        key = (p, field)
        found = self._denied_cache.get(key)
        if found is None:
            product = self.products[p]
            found = denied_stems(product.title if field == "title" else bullet_text(product))
            self._denied_cache[key] = found
        return found

    def title_states(self, words: str) -> np.ndarray:
        """Which products' titles state ``words``: a phrase with its words in a row, one word as
        :meth:`title_says` reads it."""
        return self.holds_words(words) if len(analyze(words)) > 1 else self.title_says(words)

    def title_says(self, word: str) -> np.ndarray:
        """Which products' titles name ``word`` other than to say they are without it."""
        stems = analyze(word)
        if not stems:
            return np.zeros(len(self.ids), dtype=bool)
        said = np.asarray(self.fields["title"].hits(stems) >= len(set(stems)))
        for p in np.flatnonzero(said):
            if set(stems) & self.title_denied[p]:
                said[p] = False
        return said

    def _any_of(
        self, postings: dict[str, np.ndarray], column: np.ndarray, values: Sequence[str]
    ) -> np.ndarray:
        """Products whose ``column`` holds any of ``values`` (a 2-D column: in any of its cells)."""
        if "" in values:  # "no value": not in the postings; compare every cell
            hit = np.isin(column, list(values))
            return np.asarray(hit.any(axis=1) if hit.ndim == 2 else hit, dtype=bool)
        found = np.zeros(len(self.ids), dtype=bool)
        for value in values:
            positions = postings.get(value)
            if positions is not None:
                found[positions] = True
        return found

    def numeric_attribute(self, key: str) -> np.ndarray:
        """The attribute ``key`` as numbers (NaN where a product lacks it or it is not a number)."""
        if key == "rating" and "rating" not in self._attributes:
            return self.rating  # "better reviews than the first one": the product's own rating
        if key == REVIEWS_FIELD and key not in self._attributes:
            return self.rating_count  # "more reviews than that one": how many rated it
        cached = self._numeric.get(key)
        if cached is None:
            column = self._attributes.get(key)
            values = [attribute_number(v) for v in column] if column is not None else [None] * len(self.ids)
            cached = _floats(values)
            self._numeric[key] = cached
        return cached

    def unknown_values(self, filters: Filters) -> list[UnknownValue]:
        """Filter values the catalog's vocabulary does not carry."""
        vocab = self.vocabulary
        unknown = [UnknownValue(field="brand", value=v) for v in filters.brands if v not in vocab.brands]
        unknown += [
            UnknownValue(field="exclude_brand", value=v)
            for v in filters.exclude_brands
            if v not in vocab.brands
        ]
        unknown += [UnknownValue(field="color", value=v) for v in filters.colors if v not in vocab.colors]
        unknown += [
            UnknownValue(field="category", value=v)
            for v in [*filters.categories, *filters.categories_all]
            if v not in vocab.categories
        ]
        for key, value in filters.attributes.items():
            if key not in vocab.attributes:
                unknown.append(UnknownValue(field="attribute", value=key))
            elif value not in vocab.attributes[key]:
                unknown.append(UnknownValue(field=f"attr:{key}", value=value))
        return unknown

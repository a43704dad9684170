"""Numeric meaning read against the catalog schema: numbers in words, specs with units, comparatives,
superlatives and use-case priors.

Every stage is a pure function of the message text, the :class:`~retrieval.schema.CatalogSchema`
and the plan's categories; the phrases live in ``assistant/plan/lexicons/*.yaml``. Nothing here
knows a category by name: "lighter" is the dimension ``weight``, which a category's schema maps to
its own key (``weight_kg`` for tents, ``weight_g`` for headphones), and a spec like "27 inch" is the
category's numeric key whose unit measures a length.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

import yaml

from assistant.plan.prices import CORRECTION
from assistant.plan.text import (
    ALLOWED_DEGREE,
    ALLOWED_LEAD,
    CARRY_VERBS,
    COLOR_WORDS,
    LOAD_LEAD,
    singular,
    tokenize,
)
from assistant.schemas import Comparative, SortSpec
from retrieval.ages import CHILD_WORD
from retrieval.filters import Filters, NumericRange
from retrieval.quantities import counts_as_packs
from retrieval.schema import (
    PRODUCT_FIELDS,
    REVIEWS_FIELD,
    AttributeSpec,
    CatalogSchema,
    key_unit,
    key_words,
    unit_spellings,
)
from retrieval.text import analyze

__all__ = [
    "Comparative",
    "Dimension",
    "Lexicons",
    "Prior",
    "SortSpec",
    "SpecMatch",
    "child_age",
    "derived_from",
    "dimension_key",
    "done_keys",
    "find_comparative",
    "find_key_comparison",
    "find_superlative",
    "key_dimension",
    "lexicons",
    "numbers_to_digits",
    "parse_specs",
    "read_lexicon",
    "said_quantities",
    "self_acting_keys",
    "unit_display_dimension",
    "use_case_priors",
]

Direction = Literal["lower", "higher"]
Order = Literal["asc", "desc"]


@dataclass(frozen=True)
class Dimension:
    name: str
    field: str | None
    keys: tuple[str, ...]
    units: tuple[str, ...]
    fallback: tuple[str, ...]
    better: Direction
    noun: str
    more: str
    less: str


@dataclass(frozen=True)
class Lexicons:
    dimensions: dict[str, Dimension]
    comparatives: list[tuple[tuple[str, ...], str, Direction]]
    superlatives: list[tuple[tuple[str, ...], str, Order]]
    use_cases: list[dict[str, Any]]
    children: dict[str, Any]
    number_units: dict[str, int]
    number_scales: dict[str, int]
    question_words: dict[str, list[str]]
    phrases: dict[str, str]
    market_superlatives: frozenset[str]
    needs: tuple[str, ...] = ()
    needs_below: tuple[str, ...] = ()
    key_synonyms: dict[str, str] = field(default_factory=dict)
    multiplicity: dict[str, int] = field(default_factory=dict)
    evaluative: frozenset[str] = frozenset()
    # the verbs of ``evaluative.yaml``: said after a product or value word, it is the subject
    evaluative_verbs: frozenset[str] = frozenset()
    # ``evaluative.yaml`` having: "pump included", "battery operated": the part is the feature
    having: frozenset[str] = frozenset()
    # ``evaluative.yaml`` linking: "went flat", "looks sad and flat": a category word after one describes
    linking: frozenset[str] = frozenset()
    degree: frozenset[str] = frozenset()
    manner: frozenset[str] = frozenset()
    self_prefixes: tuple[str, ...] = ()
    by_itself: tuple[tuple[str, ...], ...] = ()
    # ``comparatives.yaml`` rating_grammar: the best rated said in the shopper's own words
    rating_grammar: dict[str, frozenset[str]] = field(default_factory=dict)
    # ``comparatives.yaml`` comparative_grammar: an adjective stem -> the dimension it places high on
    comparative_adjectives: dict[str, str] = field(default_factory=dict)
    comparative_words: dict[str, frozenset[str]] = field(default_factory=dict)
    # ``possessions.yaml``: the words that say a color is an owned thing's ("my walls are gray")
    possession: dict[str, frozenset[str]] = field(default_factory=dict)
    possession_likeness: tuple[tuple[str, ...], ...] = ()
    # ``numbers.yaml`` collections: nouns naming a group of what is said before them ("Disc Brake Sets")
    collections: frozenset[str] = frozenset()


def read_lexicon(name: str) -> Any:
    """The parsed YAML of ``lexicons/<name>.yaml`` (package data)."""
    return yaml.safe_load(
        resources.files("assistant.plan").joinpath(f"lexicons/{name}.yaml").read_text("utf-8")
    )


def _stems(phrase: str) -> tuple[str, ...]:
    """A lexicon phrase's stems, tokenized exactly as messages are (so "lower-priced" is two words)."""
    return tuple(t.stem for t in tokenize(phrase))


@lru_cache(maxsize=1)
def lexicons() -> Lexicons:
    dimension_file = read_lexicon("dimensions")
    dims = {
        name: Dimension(
            name=name,
            field=spec.get("field"),
            keys=tuple(spec.get("keys", [])),
            units=tuple(spec.get("units", [])),
            fallback=tuple(spec.get("fallback", [])),
            better=spec["better"],
            noun=spec["noun"],
            more=spec["more"],
            less=spec["less"],
        )
        for name, spec in dimension_file["dimensions"].items()
    }
    comp = read_lexicon("comparatives")
    comparatives = [
        (_stems(p), dim, direction)
        for direction, table in comp["comparatives"].items()
        for dim, phrases in table.items()
        for p in phrases
    ]
    superlatives = [
        (_stems(p), dim, "asc" if order == "min" else "desc")
        for order, table in comp["superlatives"].items()
        for dim, phrases in table.items()
        for p in phrases
    ]
    comparatives.sort(key=lambda t: -len(t[0]))
    superlatives.sort(key=lambda t: -len(t[0]))
    uses = read_lexicon("use_cases")
    numbers = read_lexicon("numbers")
    owned = read_lexicon("possessions")
    return Lexicons(
        dimensions=dims,
        comparatives=comparatives,  # type: ignore[arg-type]
        superlatives=superlatives,  # type: ignore[arg-type]
        use_cases=uses["use_cases"],
        children=uses["children"],
        number_units={str(k): int(v) for k, v in numbers["units"].items()},
        number_scales={str(k): int(v) for k, v in numbers["scales"].items()},
        multiplicity={str(k): int(v) for k, v in (numbers.get("multiplicity") or {}).items()},
        collections=frozenset(str(w) for w in numbers.get("collections") or []),
        evaluative=frozenset(
            str(w)
            for key in ("words", "verbs", "collective")
            for w in read_lexicon("evaluative").get(key, [])
        ),
        evaluative_verbs=frozenset(str(w) for w in read_lexicon("evaluative").get("verbs", [])),
        having=frozenset(str(w) for w in read_lexicon("evaluative").get("having", [])),
        linking=frozenset(str(w) for w in read_lexicon("evaluative").get("linking", [])),
        degree=frozenset(str(w) for w in read_lexicon("evaluative").get("degree", [])),
        manner=frozenset(str(w) for w in read_lexicon("evaluative").get("manner", [])),
        question_words={str(k): [str(w) for w in v] for k, v in dimension_file["questions"].items()},
        phrases={str(k): str(v) for k, v in dimension_file["phrases"].items()},
        market_superlatives=frozenset(str(w) for w in comp["market_superlatives"]),
        rating_grammar={
            str(part): frozenset(s for w in words for s in _stems(str(w)))
            for part, words in (comp.get("rating_grammar") or {}).items()
        },
        comparative_adjectives={
            s: str(dimension)
            for dimension, words in ((comp.get("comparative_grammar") or {}).get("adjectives") or {}).items()
            for w in words
            for s in _stems(str(w))
        },
        comparative_words={
            str(part): frozenset(s for w in words for s in _stems(str(w)))
            for part, words in (comp.get("comparative_grammar") or {}).items()
            if part != "adjectives"
        },
        needs=tuple(str(w) for w in dimension_file.get("needs", [])),
        needs_below=tuple(str(w) for w in dimension_file.get("needs_below", [])),
        key_synonyms={
            str(said): str(word)
            for word, synonyms in (dimension_file.get("key_synonyms") or {}).items()
            for said in synonyms
        },
        possession={
            str(part): frozenset(s for w in words for s in _stems(str(w)))
            for part, words in owned.items()
            if part != "likeness"
        },
        possession_likeness=tuple(_stems(str(p)) for p in owned["likeness"]),
        self_prefixes=tuple(str(w) for w in dimension_file["self_acting"]["prefixes"]),
        by_itself=tuple(_stems(str(p)) for p in dimension_file["self_acting"]["by_itself"]),
    )


# --- numbers in words ---------------------------------------------------------------------------

_NUMBERISH_NEXT = frozenset(
    {
        "buck",
        "bucks",
        "dollar",
        "dollars",
        "usd",
        "people",
        "person",
        "persons",
        "adults",
        "of",
        "kid",
        "kids",
        "year",
        "years",
        "hour",
        "hours",
        "inch",
        "inches",
        "pound",
        "pounds",
        "kilo",
        "kilos",
        "feet",
        "foot",
        "cup",
        "cups",
        "liter",
        "liters",
        "litre",
        "litres",
        "seater",
        "season",
    }
)
_NUMBERISH_BEFORE = frozenset(
    {
        "under",
        "below",
        "than",
        "about",
        "around",
        "roughly",
        "max",
        "least",
        "most",
        "for",
        "to",
        "and",
        "between",
        "within",
        "sleeps",
        "of",
    }
)


_MONEY_WORDS = frozenset({"buck", "bucks", "dollar", "dollars", "usd"})


def _and_continues(
    words: list[str], k: int, units: dict[str, int], scales: dict[str, int], last_scale: int
) -> bool:
    """ "a hundred AND fifty" continues the number; "a hundred AND two hundred" starts a new one (a
    range's upper end): the words after "and" are units not followed by a scale as large as the last."""
    m = k
    while m < len(words) and words[m].lower().strip(",.?!") in units:
        m += 1
    if m == k:
        return False
    after = words[m].lower().strip(",.?!") if m < len(words) else ""
    return not (after in scales and scales[after] <= last_scale)


def _is_number_word(word: str, units: dict[str, int]) -> bool:
    w = word.lower().strip(",.?!")
    return (w in units and w not in ("a", "an")) or w.replace(".", "", 1).isdigit()


def numbers_to_digits(text: str) -> str:
    """ "under forty bucks" → "under 40 bucks"; "a hundred and fifty" → "150"; "two grand" → "2000".

    Small number words ("two", "one") become digits only next to a scale, a unit or a bound word, so
    "the black one" and "those two" stay words.
    """
    lex = lexicons()
    units, scales = lex.number_units, lex.number_scales
    words = text.split(" ")
    out: list[str] = []
    bare: set[int] = set()  # positions in ``out`` of small numbers said without a scale ("two")
    i = 0
    while i < len(words):
        raw = words[i]
        w = raw.lower().strip(",.?!")
        # "k" counts thousands only after a number ("five k"); alone it is "ok" ("k now i need…")
        lone_letter = len(w) == 1 and w in scales and not (out and _is_number_word(out[-1], units))
        hyphened = "-" in w and all(part in units for part in w.split("-"))  # "thirty-five"
        if (w not in units and w not in scales and not hyphened) or lone_letter:
            out.append(raw)
            i += 1
            continue
        # Gather a run of number words: "a hundred and fifty", "twenty five", "two hundred".
        # last_scale: the scale used in the current group below a thousand; big_scale: the last of
        # thousand/million. A scale never repeats or grows back within its group ("a hundred and two
        # hundred" is two numbers).
        j, total, current, used_scale, parts, last_scale, big_scale = i, 0, 0, False, 0, 0, 0
        said: list[int] = []  # the unit words in order ("one", "fifty")
        while j < len(words):
            t = words[j].lower().strip(",.?!")
            if "-" in t and all(p in units for p in t.split("-")):
                current += sum(units[p] for p in t.split("-"))
                said.append(sum(units[p] for p in t.split("-")))
                parts += 1
            elif t in units and not (t in ("a", "an") and parts):
                current += units[t]
                said.append(units[t])
                parts += 1
            elif (
                t in scales
                and (parts or j == i)
                and not (len(t) == 1 and j > i and words[j - 1].lower() in ("a", "an"))  # "a k cup"
                and scales[t] > (big_scale if scales[t] >= 1000 else last_scale)
                and (scales[t] >= 1000 or not big_scale or scales[t] < big_scale)
            ):
                current = max(current, 1) * scales[t]
                if scales[t] >= 1000:
                    total, current, big_scale, last_scale = total + current, 0, scales[t], 0
                else:
                    last_scale = scales[t]
                used_scale = True
                parts += 1
            elif (
                t == "and"
                and used_scale
                and _and_continues(words, j + 1, units, scales, max(last_scale, big_scale))
            ):
                pass
            else:
                break
            j += 1
        value = total + current
        after_run = words[j].lower().strip(",.?!") if j < len(words) else ""
        measured = after_run in _NUMBERISH_NEXT and after_run not in _MONEY_WORDS
        if (
            not used_scale
            and not measured
            and w not in ("a", "an")  # "a twenty-five dollar gift" is 25, not 125
            and len(said) >= 2
            and 1 <= said[0] <= 9
            and said[1] >= 10
        ):
            # "one fifty", "two twenty five": hundreds said the short way (150, 225)
            value = said[0] * 100 + sum(said[1:])
            used_scale = True
        first = w
        nxt = words[j].lower().strip(",.?!") if j < len(words) else ""
        prev = words[i - 1].lower().strip(",.?!$") if i > 0 else ""
        teens_or_tens = any(
            all(part in units for part in parts_of) and any(units[part] >= 11 for part in parts_of)
            for k in range(i, j)
            if (parts_of := words[k].lower().strip(",.?!").split("-"))
        )
        after_next = words[j + 1].lower().strip(",.?!") if j + 1 < len(words) else ""
        range_start = nxt in ("to", "or", "-") and after_next in units  # "two to three hundred"
        meaningful = (
            used_scale or teens_or_tens or nxt in _NUMBERISH_NEXT or prev in _NUMBERISH_BEFORE or range_start
        )
        if first in ("a", "an") and not used_scale:
            meaningful = False
        if first == "one" and not used_scale:
            meaningful = False
        if parts == 0 or not meaningful or value == 0:
            out.append(raw)
            i += 1
            continue
        tail = words[j - 1][len(words[j - 1].rstrip(",.?!")) :]
        if not used_scale and value < 10:
            bare.add(len(out))
        out.append(f"{value:g}{tail}")
        i = j
    # "two to three hundred": the scale of the range's upper end is the lower end's too (200 to 300).
    for k in sorted(bare):
        if k + 2 < len(out) and out[k + 1].lower() in ("to", "or", "-", "and") and out[k + 2].isdigit():
            high = int(out[k + 2])
            scale = next((sc for sc in (1000, 100) if high >= sc and high % sc == 0), 0)
            if scale and int(out[k]) * scale < high:
                out[k] = str(int(out[k]) * scale)
    return _halves(" ".join(out))


@lru_cache(maxsize=1)
def _halves_patterns() -> tuple[re.Pattern[str], ...]:
    """ "half a kilo", "a half gallon", "a kilo and a half", "two and a half hours", "3 feet and a
    half": a half of a unit the catalog's units.yaml spells as a word."""
    words = sorted(
        {
            w.lower()
            for names in unit_spellings().values()
            for w in names
            if w.isalpha() and len(w) >= 3 and w.lower() not in ("bar", "bars")
        },
        key=len,
        reverse=True,
    )
    unit = "|".join(map(re.escape, words))
    number = "|".join(map(re.escape, sorted(lexicons().number_units, key=len, reverse=True)))
    return (
        re.compile(rf"\b(?:half\s+(?:an?|one)|an?\s+half)\s+(?P<u>{unit})\b", re.IGNORECASE),
        re.compile(rf"\b(?:an?|one)\s+(?P<u>{unit})\s+and\s+a\s+half\b", re.IGNORECASE),
        re.compile(rf"\b(?P<n>\d+|{number})\s+and\s+a\s+half\s+(?P<u>{unit})\b", re.IGNORECASE),
        re.compile(rf"\b(?P<n>\d+|{number})\s+(?P<u>{unit})\s+and\s+a\s+half\b", re.IGNORECASE),
    )


def _halves(text: str) -> str:
    """``text`` with a half of a unit said in words as a figure ("under half a kilo" → "under 0.5
    kilo", "a kilo and a half" → "1.5 kilo", "two and a half hours" → "2.5 hours")."""
    if "half" not in text.lower():
        return text
    units = lexicons().number_units
    half, one_and, n_and, n_unit_and = _halves_patterns()

    def whole(m: re.Match[str]) -> str:
        n = m.group("n").lower()
        return str(int(n) if n.isdigit() else units.get(n, 0))

    # (a whole number and a half first: "two and a half hours" is no "a half hours")
    text = n_and.sub(lambda m: f"{whole(m)}.5 {m.group('u')}", text)
    text = n_unit_and.sub(lambda m: f"{whole(m)}.5 {m.group('u')}", text)
    text = one_and.sub(lambda m: f"1.5 {m.group('u')}", text)
    return half.sub(lambda m: f"0.5 {m.group('u')}", text)


# --- dimensions → a category's keys -------------------------------------------------------------


def dimension_key(
    schema: CatalogSchema | None,
    categories: Sequence[str],
    dimension: str,
    _seen: frozenset[str] = frozenset(),
) -> str | None:
    """The key that carries ``dimension`` in the plan's categories: ``price``/``rating`` for product
    fields, else the first of the dimension's key words that one of the category's numeric keys holds,
    else a key whose unit measures one of its units, else its fallback dimensions'."""
    lex = lexicons()
    dim = lex.dimensions.get(dimension)
    if dim is None:
        return None
    if dim.field:
        return dim.field
    if schema is None or not categories:
        return None
    numeric = {k: s for k, s in schema.attributes(categories).items() if s.kind == "numeric"}
    for word in dim.keys:
        hits = [k for k in numeric if k.startswith(word)]
        if hits:
            return max(hits, key=lambda k: numeric[k].count)
    for unit in dim.units:
        hits = [k for k, s in numeric.items() if s.dimension == unit]
        if hits:
            return max(hits, key=lambda k: numeric[k].count)
    for other in dim.fallback:
        if other not in _seen:
            found = dimension_key(schema, categories, other, _seen | {dimension})
            if found:
                return found
    return None


_Table = Sequence[tuple[tuple[str, ...], str, Any]]
_FIRST_WORD_INDEX: dict[int, tuple[_Table, dict[str, list[int]]]] = {}


def _by_first_word(table: _Table) -> dict[str, list[int]]:
    """The table's rows by their phrase's first stem (rows in table order), built once per table."""
    cached = _FIRST_WORD_INDEX.get(id(table))
    if cached is not None and cached[0] is table:
        return cached[1]
    index: dict[str, list[int]] = {}
    for row, (phrase, _, _) in enumerate(table):
        index.setdefault(phrase[0] if phrase else "", []).append(row)
    _FIRST_WORD_INDEX[id(table)] = (table, index)
    return index


def _find_phrase(stems: Sequence[str], table: _Table) -> tuple[str, Any, int, int] | None:
    """The first row of ``table`` (in its order) whose phrase occurs in ``stems``, at its first place."""
    index = _by_first_word(table)
    rows = sorted({r for stem in set(stems) for r in index.get(stem, ())} | set(index.get("", ())))
    for row in rows:
        phrase, dim, how = table[row]
        n = len(phrase)
        for i in range(len(stems) - n + 1):
            if tuple(stems[i : i + n]) == phrase:
                return dim, how, i, i + n
    return None


def find_comparative(stems: Sequence[str]) -> tuple[str, Direction, int, int] | None:
    """The first comparative phrase in the message's stems: (dimension, direction, start, end); else
    one said as a grammar (:func:`_comparative_said`)."""
    return _find_phrase(stems, lexicons().comparatives) or _comparative_said(stems)


def _comparative_said(stems: Sequence[str]) -> tuple[str, Direction, int, int] | None:
    """A comparative said as a grammar (``comparatives.yaml`` comparative_grammar): "more ADJ than"
    where the adjective places a product high on a dimension ("pricey": price), its other direction
    with "less ADJ than", "not as / so ADJ as" ("aren't as loud as": quieter); and a bare "less than"
    followed by a product shown ("anything less than the first one?"), no figure or dimension word
    after it: cheaper."""
    lex = lexicons()
    adjectives, words = lex.comparative_adjectives, lex.comparative_words
    if not adjectives:
        return None
    n = len(stems)
    for i, stem in enumerate(stems):
        dimension = adjectives.get(stem)
        if dimension is None or i == 0 or i + 1 >= n:
            continue
        before, after = stems[i - 1], stems[i + 1]
        if before in ("more", "less") and after == "than":
            return dimension, ("higher" if before == "more" else "lower"), i - 1, i + 2
        if (
            before in words.get("equal", frozenset())
            and after == "as"
            and i >= 2
            and stems[i - 2] in words.get("negations", frozenset())
        ):
            return dimension, "lower", i - 2, i + 2
    for i in range(n - 2):
        if stems[i] == "less" and stems[i + 1] == "than" and stems[i + 2] in words.get("shown", frozenset()):
            if than_ones(stems) is not None or any(
                s.isdigit() or (s in lex.number_units and s != "one") for s in stems[i + 2 : i + 5]
            ):
                return None  # "less than the first one weighs", "less than 2 of them": not its price
            return "price", "lower", i, i + 2
    return None


def than_ones(stems: Sequence[str]) -> tuple[str, Direction, int, int] | None:
    """ "lower than the first one's price", "more than that one weighs": a bare direction word, then
    what it is compared with, then the dimension's own word (the question words of the lexicon)."""
    for i, stem in enumerate(stems[:-2]):
        if stems[i + 1] != "than" or not (stem in _MORE or stem in _FEWER):
            continue
        for j in range(i + 2, min(len(stems), i + 8)):
            for dimension, words in lexicons().question_words.items():
                if dimension in ("brand", "color") or stems[j] not in words:
                    continue
                return dimension, ("higher" if stem in _MORE else "lower"), i, j + 1
    return None


def find_superlative(stems: Sequence[str]) -> tuple[str, Order, int, int] | None:
    return _find_phrase(stems, lexicons().superlatives) or _rating_said(stems)


def _rating_said(stems: Sequence[str]) -> tuple[str, Order, int, int] | None:
    """The best rated asked in the shopper's own words (``comparatives.yaml`` rating_grammar): a degree
    word before a verdict word ("the top stars", "the highest star count"), a verdict verb before a
    degree word that ends the clause ("reviewers like best"), or the shoppers' favourite."""
    from assistant.plan.word_class import word_classes

    grammar = lexicons().rating_grammar
    if not grammar:
        return None
    degree, nouns, verbs = grammar["degree"], grammar["verdict_nouns"], grammar["verdict_verbs"]
    n = len(stems)
    for i, stem in enumerate(stems):
        if stem in degree and i + 1 < n and stems[i + 1] != "of":
            # "most positively reviewed", "the best star rating": a verdict word within two words
            for j in range(i + 1, min(n, i + 3)):
                if stems[j] in nouns:
                    return "rating", "desc", i, j + 1
        if stem in verbs:
            j = i + 2 if i + 1 < n and stems[i + 1] == "the" else i + 1
            if j < n and stems[j] in degree:
                after = stems[j + 1] if j + 1 < n else None
                # "like most kids", "like the most compact one": the degree word goes with what follows
                classes = word_classes(after) if after else frozenset()
                if after == "of" or (classes & {"NOUN", "ADJ"} and "ADV" not in classes):
                    continue
                return "rating", "desc", i, j + 1
        if stem in grammar["judges"] and i + 1 < n and stems[i + 1] in grammar["favorite"]:
            return "rating", "desc", i, i + 2
    return None


_MORE = frozenset({"more", "higher", "bigger", "larger", "greater", "longer", "extra"})
_FEWER = frozenset({"fewer", "less", "lower", "smaller", "shorter"})
_MOST = frozenset({"most", "highest", "biggest", "largest", "greatest", "longest"})
_FEWEST = frozenset({"fewest", "least", "lowest", "smallest", "shortest"})
_KEY_NOISE = frozenset(
    {"in", "min", "max", "lb", "kg", "g", "mm", "l", "oz", "w", "ft", "hz", "db", "pa", "f"}
)


def _key_words(key: str) -> set[str]:
    """The words of a numeric attribute key a shopper may say ("capacity_cups" → capacity, cup)."""
    return {singular(w) for w in key.split("_") if len(w) > 2 and w not in _KEY_NOISE}


def find_key_comparison(
    stems: Sequence[str], schema: CatalogSchema | None, categories: Sequence[str]
) -> tuple[str, str, int, int, bool] | None:
    """ "more cups", "fewer pieces", "the most speeds", "the fewest buttons": a comparative or
    superlative word before a word of one of the plan's categories' numeric keys, read from the
    schema (no phrase list). Returns (key, "higher"|"lower", start, end, superlative)."""
    if schema is None or not categories:
        return None
    numeric = {k: s for k, s in schema.attributes(categories).items() if s.kind == "numeric"}
    if not numeric:
        return None
    # a key's words, and its unit's as shoppers spell it ("more square footage", "more hours")
    spelled = unit_spellings()
    words = {
        k: _key_words(k)
        | (
            {
                singular(w)
                for name in spelled.get(s.unit.display, ())
                for w in re.findall(r"[a-z]+", name)
                if len(w) >= 4
            }
            if s.unit is not None
            else set()
        )
        for k, s in numeric.items()
    }
    for i, stem in enumerate(stems[:-1]):
        if stem not in _MORE | _FEWER | _MOST | _FEWEST:
            continue
        for j in range(i + 1, min(i + 3, len(stems))):
            if stems[j] == "than" or stems[j].isdigit():
                break  # "more than 4 cups" is a spec, read by the unit parser
            hits = [k for k, ws in words.items() if stems[j] in ws]
            if hits:
                key = max(hits, key=lambda k: numeric[k].count)
                higher = stem in _MORE or stem in _MOST
                return key, "higher" if higher else "lower", i, j + 1, stem in _MOST | _FEWEST
    return None


# --- specs with units ---------------------------------------------------------------------------

_AT_LEAST = r"(?:at\s+least|min(?:imum)?|over|more\s+than|above|no\s+less\s+than|>=?|bigger\s+than|larger\s+than|longer\s+than|heavier\s+than|wider\s+than|taller\s+than|thicker\s+than|deeper\s+than)"
_ABOUT = r"(?:around|about|roughly|approximately|approx\.?|~|close\s+to|something\s+like)"
# the measure's noun between a figure and its bound ("8mm drop or less"), never a joining word
_NOUN_BETWEEN = (
    # "8mm drop or less", "8 hours of battery life or more": the measure's noun (two words at most)
    r"(?:of\s+)?(?!(?:with|and|at|for|of|in|on|to|but|or|max|min)\b)[a-z]+\s+"
    r"(?:(?!(?:with|and|at|for|of|in|on|to|but|or|max|min)\b)[a-z]+\s+)?"
)
# "at least", "at minimum", "at the very least", "at the most": a bound said after the figure
_AT_BOUND_AFTER = r"at\s+(?:a\s+|the\s+)?(?:very\s+)?(?:least|minimum|min|most|maximum|max)"


def _post_bound(post: str | None) -> str:
    """The bound said after a figure, in one spelling ("at the very least" → "at least")."""
    said = " ".join((post or "").lower().split())
    if said.startswith("at "):
        return "at most" if said.split()[-1] in ("most", "maximum", "max") else "at least"
    return said


_ABOUT_AFTER = frozenset({"or so", "ish", "-ish", "give or take"})  # "40 liters or so"
_AT_MOST = r"(?:under|less\s+than|below|at\s+most|max(?:imum)?|up\s+to|no\s+more\s+than|<=?|lighter\s+than|smaller\s+than|shorter\s+than|thinner\s+than|narrower\s+than|quieter\s+than|within)"


_ABOUT_TOLERANCE = 0.15


@dataclass
class SpecMatch:
    """A numeric constraint the shopper stated: ``key`` within ``bounds``; ``span`` in the text."""

    key: str
    bounds: NumericRange
    span: tuple[int, int]
    label: str
    values: list[str] | None = None
    """For a key whose values are measured ranges ("chest_in": "22-30"): the values that hold the
    figure (an any-of filter), not a numeric bound."""


_RANGE_VALUE = re.compile(r"(\d+(?:\.\d+)?)\s*-\s*(\d+(?:\.\d+)?)")


def _ranged_keys(
    attrs: Mapping[str, AttributeSpec], dimension: str
) -> dict[str, tuple[float, dict[str, tuple[float, float]]]]:
    """Keys of ``dimension`` whose values are measured ranges ("chest_in": "16-22", "22-30"), each
    with its unit factor and its values' bounds."""
    out: dict[str, tuple[float, dict[str, tuple[float, float]]]] = {}
    for key, spec in attrs.items():
        unit = key_unit(key)
        if spec.kind != "categorical" or unit is None or unit.dimension != dimension or not spec.values:
            continue
        bounds = {
            v: (float(r.group(1)), float(r.group(2))) for v in spec.values if (r := _RANGE_VALUE.fullmatch(v))
        }
        if len(bounds) == len(spec.values):
            out[key] = (unit.factor, bounds)
    return out


@lru_cache(maxsize=1)
def _unit_pattern() -> tuple[re.Pattern[str], dict[str, str]]:
    spelled: dict[str, str] = {}
    for display, names in unit_spellings().items():
        for name in names:
            spelled.setdefault(name.lower(), display)
    alternatives = sorted(
        (re.escape(s) for s in spelled if s not in {'"', "''", "'", "°"}), key=len, reverse=True
    )
    alt = "|".join(alternatives)
    pattern = re.compile(
        rf"(?:(?P<lo>{_AT_LEAST})\s*|(?P<hi>{_AT_MOST})\s*|(?P<about>{_ABOUT})\s*)?"
        rf"(?P<num>\d+(?:\.\d+)?)\s*(?:-\s*)?(?P<unit>{alt}|°|\"|'')(?![a-z])"
        # "8mm drop or less": the bound may follow the measure's noun
        rf"(?:\s*(?:{_NOUN_BETWEEN})?(?P<post>\+|or\s+more|or\s+less|plus|maximum|minimum|max|min|{_AT_BOUND_AFTER}|tops|or\s+under|or\s+over|or\s+so|-?ish|give\s+or\s+take)(?![a-z])"
        rf"|\s+(?:{_NOUN_BETWEEN})?or\s+(?P<postcmp>[a-z]+er))?",
        re.IGNORECASE,
    )
    return pattern, spelled


_UNIT_BY_DISPLAY: dict[str, tuple[str, float]] = {}


def _unit_of_display(display: str) -> tuple[str, float] | None:
    """(dimension, factor) of a unit display ("kg" → mass, 1000)."""
    if not _UNIT_BY_DISPLAY:
        import retrieval.schema as schema_module

        suffixes, _ = schema_module._units()
        for unit in suffixes.values():
            _UNIT_BY_DISPLAY.setdefault(unit.display, (unit.dimension, unit.factor))
    return _UNIT_BY_DISPLAY.get(display)


def unit_display_dimension(display: str) -> str | None:
    """What a unit display measures as the catalog's attribute keys name it ("mm" → length_mm)."""
    unit = _unit_of_display(display)
    return unit[0] if unit else None


_PEOPLE = re.compile(
    r"\bfor\s+(?:the\s+)?(?P<a>\d{1,2})\s+(?:of\s+us|people|persons|adults|campers|guys|friends)\b"
    r"|\b(?P<b>\d{1,2})[- ]?(?:person|people|man|p)\b(?!\s*(?:tent|bag))?"
    r"|\b(?:family|group|party|crew|team)\s+of\s+(?P<c>\d{1,2})\b|\bsleeps\s+(?P<d>\d{1,2})\b"
    r"|\b(?P<e>\d{1,2})\s+of\s+us\b|\b(?:fits?|seats?|sleeping)\s+(?P<f>\d{1,2})\b(?!\s*(?:in|inch|cm|ft|lb|kg))"
    # "a tent for 4": a bare count after "for" (only read where the category counts people)
    r"|\bfor\s+(?P<g>[1-9]|1[0-2])\b(?!\s*(?:[a-z$%]|\.\d))",
    re.IGNORECASE,
)
_WITH_BEFORE = re.compile(r"\bwith\s+(?:both\s+)?$")
_ADJECTIVE_SIZE = re.compile(r"\d{1,2}[- ]?(?:person|man|p)", re.IGNORECASE)
# "me and two buddies", "myself plus 3 friends": the shopper and N others.
_AND_OTHERS = re.compile(
    r"\b(?:me|myself|i|us)\s+(?:and|\+|plus|with)\s+(?:my\s+|our\s+)?(?P<n>\d{1,2})\s+"
    r"(?:[a-z]+\s+)?(?:friends?|buddies|buddy|pals?|kids|children|others|people|guys|girls|mates|"
    r"coworkers|colleagues|brothers|sisters|siblings|sons|daughters|cousins|campers|hikers)\b",
    re.IGNORECASE,
)

# "me, my wife and our 3 kids": a party listed one by one, each person or group counted
_ONE_PERSON = (
    r"(?:me|myself|(?:my|our)\s+(?:wife|husband|partner|girlfriend|boyfriend|gf|bf|fianc[eé]e?|brother|sister|"
    r"bro|sis|mom|mum|dad|mother|father|son|daughter|kid|friend|buddy|roommate|cousin|nephew|niece|"
    r"grandma|grandpa|grandmother|grandfather|mother-in-law|father-in-law))"
)
_SOME_PEOPLE = (
    r"(?:(?:my|our|the|his|her)\s+)?\d{1,2}\s+(?:[a-z]+\s+)?(?:kids|children|boys|girls|friends|buddies|sons|"
    r"daughters|brothers|sisters|siblings|cousins|grandkids|adults|teens|teenagers)"
)
_PARTY_ITEM = rf"(?:{_ONE_PERSON}|{_SOME_PEOPLE})"
_PARTY = re.compile(
    rf"\b{_PARTY_ITEM}(?:(?:\s*(?:,|&|\+|\band\b|\bplus\b)\s*(?:and\s+|plus\s+)?|\s+(?=(?:my|our)\s)){_PARTY_ITEM})+\b",
    re.IGNORECASE,
)


def _party_size(said: str) -> int:
    """How many people a listed party is: one per person named, N per "3 kids"."""
    items = re.finditer(_PARTY_ITEM, said, re.IGNORECASE)
    return sum(int(n.group()) if (n := re.search(r"\d{1,2}", m.group())) else 1 for m in items)


_PREPOSITION_IN = re.compile(
    r"\s+(?:"
    + "|".join(
        sorted(COLOR_WORDS | {"any", "a", "an", "the", "my", "our", "your", "stock", "that", "this", "total"})
    )
    + r")\b"
)


_TEMPERATURES = frozenset({"°F", "°C"})


def figure_value(text: str, m: re.Match[str], display: str) -> float:
    """The figure ``m`` says, signed where it is a temperature below zero: "-30 degrees" (a minus
    sign that starts the number, not a range's dash: "20-30 degrees" is two positive figures)."""
    value = float(m.group("num"))
    at = m.start("num")
    if (
        display in _TEMPERATURES
        and at >= 1
        and text[at - 1] in "-−"
        and (at < 2 or not (text[at - 2].isalnum() or text[at - 2] in ".-"))
    ):
        return -value
    return value


def _figures_with_units(text: str) -> Iterator[tuple[re.Match[str], str]]:
    """Each figure said with a unit in ``text`` and the unit's display ("" for a spelling of none);
    a count said before its number ("a set of 4") as one said after it ("a 4 pack")."""
    text = counts_as_packs(text)
    pattern, spelled = _unit_pattern()
    for m in pattern.finditer(text):
        unit_text = m.group("unit").lower()
        if unit_text == "in" and _PREPOSITION_IN.match(text, m.end()):
            continue  # "under 300 in black": the preposition, not inches
        yield (
            m,
            spelled.get(unit_text, "in" if unit_text in {'"', "''"} else "°F" if unit_text == "°" else ""),
        )


def parse_specs(text: str, schema: CatalogSchema | None, categories: Sequence[str]) -> list[SpecMatch]:
    """Numeric constraints with units or group sizes, mapped to the categories' own keys."""
    if schema is None or not categories:
        return []
    attrs = schema.attributes(categories)
    numeric = {k: s for k, s in attrs.items() if s.kind == "numeric"}
    found: list[SpecMatch] = []
    for m, display in _figures_with_units(text):
        unit = _unit_of_display(display)
        if unit is None:
            continue
        dimension, factor = unit
        value = figure_value(text, m, display)
        ranged = _ranged_keys(attrs, dimension)
        window = set(re.findall(r"[a-z]+", text[max(0, m.start() - 30) : m.end() + 20]))
        named = [k for k in ranged if set(key_words(k)) & window]
        if named:
            # "measured her chest at 25 in": the harness sizes whose chest range holds it
            key_factor, spans = ranged[named[0]]
            asked = value * factor / key_factor
            holding = [v for v, (low, high) in spans.items() if low <= asked <= high]
            label = f"{' '.join(key_words(named[0]))} {m.group('num')} {display}"
            found.append(SpecMatch(named[0], NumericRange(), m.span(), label, holding))
            continue
        keys = [k for k, s in numeric.items() if s.dimension == dimension and s.unit is not None]
        if not keys:
            continue
        key = _closest_key(keys, numeric, text, m.start(), value * factor)
        spec = numeric[key]
        assert spec.unit is not None
        converted = value * factor / spec.unit.factor
        # The key's words, less a unit suffix: "runtime_min" is minutes, not a minimum.
        parts = key.split("_")
        if parts[-1] == spec.unit.display.lower():
            parts = parts[:-1]
        post = _post_bound(m.group("post"))
        # "45 dB or quieter", "2 kg or lighter": the comparative's direction bounds the figure.
        said = find_comparative(_stems(m.group("postcmp"))) if m.group("postcmp") else None
        if (
            m.group("lo")
            or post in {"+", "or more", "plus", "min", "minimum", "at least", "or over"}
            or (said and said[1] == "higher")
        ):
            bounds = NumericRange(gte=round(converted, 4))
        elif (
            m.group("hi")
            or post in {"or less", "max", "maximum", "at most", "tops", "or under"}
            or dimension == "age"
            or (said and said[1] == "lower")
        ):
            bounds = NumericRange(lte=round(converted, 4))
        elif key.startswith(lexicons().needs_below):
            # "nights get down to about 25 degrees": a bag rated to 25 °F or lower (warmer) does
            bounds = NumericRange(lte=round(converted, 4))
        elif (m.group("about") or post in _ABOUT_AFTER) and not (
            "max" in parts or key.startswith("max") or key.startswith(lexicons().needs)
        ):
            # "around 20 liters": within the tolerance prices get ("around $200")
            bounds = NumericRange(
                gte=round(converted - abs(converted) * _ABOUT_TOLERANCE, 4),
                lte=round(converted + abs(converted) * _ABOUT_TOLERANCE, 4),
            )
        else:
            if "max" in parts or key.startswith("max") or key.startswith(lexicons().needs):
                # A limit the product must reach ("a bed for a 60 lb dog": max pet weight ≥ 60;
                # "handles a 500 sq ft room": room size ≥ 500).
                bounds = NumericRange(gte=round(converted, 4))
            elif "min" in parts:
                bounds = NumericRange(lte=round(converted, 4))
            elif "." not in m.group("num") and value >= 5:
                # A whole number is a nominal size: "a 13 inch laptop" is a 13.3-inch one, "27 inch"
                # takes 27–27.9 (a figure below the next whole number, its unit converted).
                tolerance = max(abs(converted) * 0.01, 0.05)
                upper = (value + 1) * factor / spec.unit.factor
                bounds = NumericRange(gte=round(converted - tolerance, 4), lt=round(upper, 4))
            else:
                tolerance = max(abs(converted) * 0.01, 0.05)
                bounds = NumericRange(
                    gte=round(converted - tolerance, 4), lte=round(converted + tolerance, 4)
                )
        found.append(
            SpecMatch(key, bounds, m.span(), f"{spec.label} {bounds.describe()} {spec.unit.display}")
        )
    people_key = next((k for k in numeric if k == "capacity" or k.startswith("capacity_people")), None)
    found.extend(_counts(text, numeric, found, people_key))
    if people_key is not None:
        # "a 2-person tent" names the product's size (exactly 2); "for 4 people", "sleeps 4" a need.
        counted = [
            (m, next(int(g) for g in m.groups() if g), _ADJECTIVE_SIZE.fullmatch(m.group()) is not None)
            for m in _PEOPLE.finditer(text)
        ]
        counted += [(m, int(m.group("n")) + 1, False) for m in _AND_OTHERS.finditer(text)]
        # "camping with my wife and our two kids": the shopper goes too
        counted += [
            (m, n + (1 if _WITH_BEFORE.search(text, 0, m.start()) else 0), False)
            for m in _PARTY.finditer(text)
            if (n := _party_size(m.group())) >= 2
        ]
        needs = [c for c in counted if not c[2]]
        if len(needs) > 1:
            # "my wife and our two kids … all 4 of us": one party said twice; the larger count holds
            top = max(n for _, n, _ in needs)
            counted = [c for c in counted if c[2] or c[1] == top][:1] + [c for c in counted if c[2]]
        for m, n, exact in counted:
            if 0 < n <= 50 and not any(s.span[0] <= m.start() < s.span[1] for s in found):
                bounds = NumericRange(gte=n, lte=n) if exact else NumericRange(gte=n)
                label = f"{n}-person" if exact else f"for {n} people"
                found.append(SpecMatch(people_key, bounds, m.span(), label))
    found.extend(_loads(text, numeric, found))
    return found


_DENIED_BOUND = re.compile(r"\b(?:nothing|none|no|not|never)\s*$")
_LEADING_POINT = re.compile(r"(?<![\d.])\.(?=\d)")


def said_quantities(text: str) -> list[tuple[str, NumericRange, tuple[int, int]]]:
    """Every figure with a unit ``text`` asks for, as (unit display, bounds in that unit, span): "at
    least 30 feet" (ft, ≥ 30), "nothing heavier than 12 lbs" (lb, ≤ 12), "a 60 inch fan" (in, 60 up
    to 61: a whole figure is a nominal size), ".7 mm" (mm, 0.7 ± 1%), "about 20 oz" (± 15%). What the
    figure measures is the caller's to read (a category's attribute, or what its titles state)."""
    said = _LEADING_POINT.sub("0.", text.lower())  # ".7 mm" is 0.7 mm (same length: spans hold)
    found: list[tuple[str, NumericRange, tuple[int, int]]] = []
    for m, display in _figures_with_units(said):
        if not display:
            continue
        value = figure_value(said, m, display)
        post = _post_bound(m.group("post"))
        cmp = find_comparative(_stems(m.group("postcmp"))) if m.group("postcmp") else None
        at_least = bool(m.group("lo")) or post in {
            "+",
            "or more",
            "plus",
            "min",
            "minimum",
            "at least",
            "or over",
        }
        at_most = bool(m.group("hi")) or post in {"or less", "max", "maximum", "at most", "tops", "or under"}
        if (m.group("lo") or m.group("hi")) and _DENIED_BOUND.search(said, 0, m.start()):
            at_least, at_most = bool(m.group("hi")), bool(m.group("lo"))  # "nothing heavier than 12 lbs"
        if at_least or (cmp and cmp[1] == "higher"):
            bounds = NumericRange(gte=value)
        elif at_most or (cmp and cmp[1] == "lower"):
            bounds = NumericRange(lte=value)
        elif m.group("about") or post in _ABOUT_AFTER:
            bounds = NumericRange(
                gte=round(value - abs(value) * _ABOUT_TOLERANCE, 4),
                lte=round(value + abs(value) * _ABOUT_TOLERANCE, 4),
            )
        elif "." not in m.group("num") and value >= 5:
            bounds = NumericRange(gte=value, lt=value + 1)
        else:
            tolerance = max(abs(value) * 0.01, 1e-4)
            bounds = NumericRange(gte=round(value - tolerance, 6), lte=round(value + tolerance, 6))
        found.append((display, bounds, m.span()))
    # "15 pounds - wait no, make it 20": the corrected figure, in the unit it corrects
    for c in _CORRECTED_FIGURE.finditer(said):
        before = [f for f in found if f[2][1] <= c.start()]
        if not before or any(f[2][0] <= c.start("num") < f[2][1] for f in found):
            continue
        value = float(c.group("num"))
        bounds = (
            NumericRange(gte=value, lt=value + 1)
            if "." not in c.group("num") and value >= 5
            else NumericRange(gte=round(value * 0.99, 6), lte=round(value * 1.01, 6))
        )
        found.append((before[-1][0], bounds, c.span("num")))
    return sorted(found, key=lambda f: f[2])


_CORRECTED_FIGURE = re.compile(
    rf"(?:{CORRECTION.pattern})[\s,:-]*(?:(?:it|that)\s+)?(?:to\s+)?(?P<num>\d+(?:\.\d+)?)\b"
    r"(?!\s*(?:%|\$|dollars?|bucks|usd|k\b|[a-z]))"
)


# "ones that hold three hundred or more", "rated for 400": a bare figure a product must carry
_LOAD = re.compile(
    rf"\b(?:{CARRY_VERBS})\s+{LOAD_LEAD}"
    r"(?P<num>\d[\d,]*(?:\.\d+)?)(?![\d.,])(?!\s*(?:dollars?|bucks|usd|\$|%))"
)


def _loads(text: str, numeric: dict[str, AttributeSpec], found: list[SpecMatch]) -> list[SpecMatch]:
    """A figure without a unit after a verb of carrying, when the categories have one weight limit
    to read it by (an office chair's max weight): at least that much."""
    limits = [
        k
        for k, spec in numeric.items()
        if spec.dimension == "mass" and ("max" in k.split("_") or k.startswith(lexicons().needs))
    ]
    if len(limits) != 1:
        return []
    spec = numeric[limits[0]]
    out: list[SpecMatch] = []
    for m in _LOAD.finditer(text):
        if any(s.span[0] <= m.start("num") < s.span[1] for s in found):
            continue
        value = float(m.group("num").replace(",", ""))
        unit = spec.unit.display if spec.unit is not None else ""
        bounds = NumericRange(gte=value)
        out.append(SpecMatch(limits[0], bounds, m.span(), f"{spec.label} {bounds.describe()} {unit}".strip()))
    return out


_COUNT_LOW = re.compile(rf"(?:{_AT_LEAST})\s+$")
_COUNT_HIGH = re.compile(rf"(?:{_AT_MOST}|(?:or\s+)?fewer\s+than)\s+$")
_COUNT_POST_LOW = re.compile(r"^\s*(?:\+|or\s+more|plus|min)\b")
_COUNT_POST_HIGH = re.compile(r"^\s*(?:or\s+(?:fewer|less)|max)\b")


def _counts(
    text: str, numeric: dict[str, AttributeSpec], found: list[SpecMatch], skip: str | None
) -> list[SpecMatch]:
    """Counts the schema keeps without a unit, named by the key's words after the number: "a 3-layer
    shell" (layers), "8 cores", "a 1000 piece puzzle", "12 place settings". Exactly that many unless
    bounded ("at least 3 speeds", "6 or more buttons")."""
    names: dict[str, list[str]] = {}
    for key in numeric:
        if key == skip:
            continue  # a measure's key too: "zero drop" (below)
        words = [singular(w) for w in key_words(key) if w.isalpha()]
        for phrase in {" ".join(words), words[0], words[-1]} if words else ():
            if len(phrase) >= 4:
                names.setdefault(phrase, []).append(key)
    said = {p: ks[0] for p, ks in names.items() if len(ks) == 1}  # a word two keys share names neither
    if not said:
        return []
    alternation = "|".join(
        r"[\s-]+".join(re.escape(w) for w in p.split()) + r"(?:e?s)?"
        for p in sorted(said, key=len, reverse=True)
    )
    out: list[SpecMatch] = []
    for m in re.finditer(rf"(?<![$\d.])(?P<n>\d+(?:\.\d+)?|\bzero)\s*-?\s*(?P<w>{alternation})\b", text):
        if any(s.span[0] <= m.start() < s.span[1] for s in found):
            continue
        phrase = singular(re.sub(r"[\s-]+", " ", m.group("w")))
        count_key = said.get(phrase) or said.get(" ".join(singular(w) for w in phrase.split()))
        if count_key is None:
            continue
        key = count_key
        n = 0.0 if m.group("n") == "zero" else float(m.group("n"))
        if numeric[key].unit is not None and n != 0:
            continue  # a measure needs its unit; zero is zero in any ("zero drop", "0 drop")
        before, after = text[: m.start()], text[m.end() :]
        if _COUNT_LOW.search(before) or _COUNT_POST_LOW.search(after) or key.startswith(lexicons().needs):
            bounds = NumericRange(gte=n)  # "12 place settings" is what it must hold, at least
        elif _COUNT_HIGH.search(before) or _COUNT_POST_HIGH.search(after):
            bounds = NumericRange(lte=n)
        else:
            bounds = NumericRange(gte=n, lte=n)
        spec = numeric[key]
        unit = f" {spec.unit.display}" if spec.unit is not None else ""
        out.append(SpecMatch(key, bounds, m.span(), f"{spec.label} {bounds.describe()}{unit}"))
    return out


def _closest_key(
    keys: list[str], numeric: dict[str, AttributeSpec], text: str, at: int, base_value: float
) -> str:
    if len(keys) == 1:
        return keys[0]
    window = set(re.findall(r"[a-z]+", text[max(0, at - 30) : at + 40].lower()))
    named = [k for k in keys if set(numeric[k].label.split()) & window]
    if named:
        return named[0]
    compared = find_comparative(
        [singular(w) for w in re.findall(r"[a-z]+", text[max(0, at - 30) : at + 14].lower())]
    )
    words = (
        lexicons().dimensions[compared[0]].keys
        if compared is not None and compared[0] in lexicons().dimensions
        else []
    )
    measured = [k for k in keys if any(k.startswith(w) for w in words)]
    if measured:
        # "any kettlebell heavier than fifty pounds": the weight itself, not a weight limit
        return min(measured, key=lambda k: (len(key_words(k)), k))
    inside = []
    for k in keys:
        s = numeric[k]
        if s.unit is None or s.minimum is None or s.maximum is None:
            continue
        v = base_value / s.unit.factor
        if s.minimum <= v <= s.maximum:
            inside.append(k)
    return (inside or keys)[0] if inside else max(keys, key=lambda k: numeric[k].count)


# --- use cases ------------------------------------------------------------------------------------


@dataclass
class Prior:
    """A constraint or sort implied by a use case ("for winter camping" → temp_rating_f ≤ 20)."""

    name: str
    key: str
    bounds: NumericRange | None = None
    value: str | None = None
    prefer: Direction | None = None
    label: str = ""
    span: tuple[int, int] = (0, 0)
    extra: dict[str, str] = field(default_factory=dict)


# an age said in words of a child ("my niece turns one", "he's only two")
_AGE_NUMBERS = {
    w: i + 1
    for i, w in enumerate(
        [
            "one",
            "two",
            "three",
            "four",
            "five",
            "six",
            "seven",
            "eight",
            "nine",
            "ten",
            "eleven",
            "twelve",
            "thirteen",
            "fourteen",
            "fifteen",
        ]
    )
}
_AGE_WORDS = "|".join(_AGE_NUMBERS)


def _age_value(said: str) -> int:
    return _AGE_NUMBERS.get(said.lower()) or int(said)


_AGE = re.compile(
    # "a 6 year old", "a three-year-old", "my 7 year olds first campout" (the apostrophe dropped)
    rf"\b(?P<n>\d{{1,2}}|{_AGE_WORDS})\s*(?:-|\s)?\s*(?:year|yr)s?\s*(?:-|\s)?\s*olds?\b"
    r"|\b(?P<m>\d{1,2})\s*(?:yo|y/o|yrs?)\b"
    r"|\b(?:aged?|ages?)\s+(?P<k>\d{1,2})\b"
    # "she's only 2", "he is 5", "he turns 7", "they're four and six": a child's age said of them.
    r"|\b(?:(?:she|he)(?:'s|s|\s+is|\s+turns|\s+will\s+be|'ll\s+be|\s+just\s+turned)|they(?:'re|\s+are))\s+"
    rf"(?:only\s+|just\s+|almost\s+|about\s+|nearly\s+|turning\s+)?(?P<p>\d{{1,2}}|{_AGE_WORDS})\b"
    r"(?!\s*(?:lbs?|pounds?|kg|ft|feet|foot|inch|inches|cm|%|\$|dollars?|bucks)|['’′]\s*\d)"  # (not "he's 6'2")
    # "twins turning 3 next month", "the boys turn five in may": a birthday is an age
    rf"|\b(?:turning|turns|turn)\s+(?P<t>\d{{1,2}}|{_AGE_WORDS})\b"
    r"(?!\s*(?:lbs?|pounds?|kg|ft|feet|foot|inch|inches|cm|%|\$|dollars?|bucks|degrees?|°|times?|x\b))",
    re.IGNORECASE,
)


def _said_of_child(text: str, words: Sequence[str]) -> re.Match[str] | None:
    """ "my son just turned 3", "our daughter is 5": an age said of a child the lexicon names."""
    names = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    return re.search(
        rf"\b(?:my|our|the|his|her|their)\s+(?:(?:little|big|older|younger|baby|twin)\s+)?(?:{names})"
        r"(?:'s|\s+is|\s+turns|\s+will\s+be|\s+just\s+turned|"
        r"\s+turned|\s+who'?s)\s+(?:only\s+|just\s+|almost\s+|about\s+|nearly\s+|turning\s+)?"
        rf"(?P<p>\d{{1,2}}|{_AGE_WORDS})\b"
        r"(?!\s*(?:lbs?|pounds?|kg|ft|feet|foot|inch|inches|cm|%|\$|dollars?|bucks)|['’′]\s*\d)",
        text,
    )


def _phrase_at(text: str, phrase: str) -> tuple[int, int] | None:
    if phrase not in text:  # most phrases are absent: skip building their pattern
        return None
    m = re.search(rf"(?<![a-z]){re.escape(phrase)}(?![a-z])", text)
    return m.span() if m else None


_NEAR_WINDOW = 4


def _near_at(text: str, groups: Sequence[Sequence[str]]) -> tuple[int, int] | None:
    """A word of each group within a few words of each other in one sentence, in any order ("my
    kitchen is tiny" as well as "a tiny kitchen")."""
    wanted = [{singular(g) for g in group} for group in groups]
    for sentence in re.finditer(r"[^.!?;]+", text):
        words = [
            (m.group(), m.start() + sentence.start(), m.end() + sentence.start())
            # (a contraction's ending is no word of its own: "doesn't need to be plugged in")
            for m in re.finditer(r"(?<!['’])[a-z]+", sentence.group())
        ]
        stems = [singular(w) for w, _, _ in words]
        spots = [[i for i, w in enumerate(stems) if w in group] for group in wanted]
        if not all(spots):
            continue
        for i in spots[0]:
            near = [min((j for j in spot if abs(j - i) <= _NEAR_WINDOW), default=None) for spot in spots[1:]]
            if all(j is not None for j in near):
                at = [i, *(j for j in near if j is not None)]
                return words[min(at)][1], words[max(at)][2]
    return None


@lru_cache(maxsize=1)
def excluded_for_use() -> frozenset[str]:
    """Every word a use case leaves out of titles ("for my dad": kids, toddler, …), for saying so."""
    return frozenset(
        str(w).lower()
        for use in lexicons().use_cases
        for rule in use["priors"]
        for w in rule.get("exclude_words", ())
    )


def for_a_child(filters: Filters, message: str) -> bool:
    """Whether the ask is a child's: an age or a kids' word kept in ``filters`` (a child's age, "kids"
    in the text, a kids' value, a category named for children), or a child named in ``message``."""
    children = lexicons().children
    words = {singular(str(w)) for w in children["words"]}
    kids_values = {str(v) for v in children["kids_values"]}
    if filters.child_age is not None or KIDS_WORD in filters.text_words:
        return True
    values = {*filters.attributes.values(), *(v for vs in filters.attribute_in.values() for v in vs)}
    if values & kids_values:
        return True
    if any(words & {singular(w) for w in c.split()} for c in [*filters.categories, *filters.categories_all]):
        return True
    return bool(words & {t.stem for t in tokenize(message)})


def adult_words() -> frozenset[str]:
    """Words a title names grown-ups by ("for Kids & Adults"): beside a child's word, no kids' product."""
    return frozenset(str(w).lower() for w in lexicons().children.get("adult_words", []))


@lru_cache(maxsize=1)
def _use_phrases() -> tuple[str, ...]:
    """The use cases' phrases of two words or more ("a big family", "family of six", "for the office")."""
    return tuple(
        dict.fromkeys(
            p.lower() for use in lexicons().use_cases for p in use["phrases"] if len(p.split()) >= 2
        )
    )


def use_phrase_spans(text: str) -> list[tuple[int, int]]:
    """Where ``text`` (lowercased) says a use case in a phrase of several words: what the product is
    for or who uses it ("we're a family of six"), no kind of product, whatever a catalog files under
    one of its words (the Family books)."""
    return [span for phrase in _use_phrases() if (span := _phrase_at(text, phrase)) is not None]


def use_case_priors(text: str, schema: CatalogSchema | None, categories: Sequence[str]) -> list[Prior]:
    """The use-case priors the message implies that the plan's categories can honour."""
    if schema is None or not categories:
        return []
    lex = lexicons()
    attrs = schema.attributes(categories)
    priors: list[Prior] = []
    lowered = text.lower()
    child = child_age(lowered)
    for use in lex.use_cases:
        if child is not None and child[2] and use.get("adult"):
            continue  # "headphones for him for long car rides, he's 6": a boy, not a man
        span = next((s for p in use["phrases"] if (s := _phrase_at(lowered, p.lower()))), None)
        near = False
        if span is None and use.get("near"):
            span, near = _near_at(lowered, use["near"]), True
        # ("doesn't need to be plugged in" is the negation a near-rule reads, not an allowance)
        if span is None or _indifferent(lowered, span, allowance=not near):
            continue
        if _ruled_out_use(lowered, span):
            # "no wired ones", "the wired ones always get tangled": a yes/no value ruled out is the other
            for rule in use["priors"]:
                flipped = _other_of_yes_no(rule, attrs)
                if flipped is not None and (
                    prior := _prior(f"not {use['name']}", flipped, attrs, schema, categories)
                ):
                    prior.span = span
                    priors.append(prior)
            continue
        found_before = len(priors)
        for rule in use["priors"]:
            if "level" in rule and len(priors) > found_before:
                continue  # the category's own attribute said it ("gender: men's"); the path level is a fallback
            prior = _prior(use["name"], rule, attrs, schema, categories)
            if prior is not None:
                prior.span = span
                priors.append(prior)
    priors.extend(_child_priors(lowered, attrs, schema, categories))
    priors.extend(_group_priors(lowered, attrs, schema, categories))
    return priors


_EITHER_WAY_AFTER = re.compile(r"\s*(?:or\s+not|or\s+no|either\s+way|whatever|doesn'?t\s+matter)\b")
_EITHER_WAY_BEFORE = re.compile(
    r"\b(?:(?:doesn'?t|does\s+not|don'?t|do\s+not)\s+(?:matter|care)|no\s+matter|regardless\s+of)"
    r"(?:\s+(?:if|whether|about|it'?s|its|they'?re))*\s*$"
)
# "it doesn't have to be waterproof", "they don't need to be super warm": allowed, not asked
_ALLOWED_BEFORE = re.compile(rf"{ALLOWED_LEAD}(?:\s+(?:{'|'.join(ALLOWED_DEGREE)}|all\s+that))?\s*$")


_KEY_FRAME = frozenset({"built", "in", "has", "have", "with", "is", "can"})
# "i don't need it to cancel noise": the doing allowed, not asked
_NOT_NEEDED_TO = re.compile(
    r"\b(?:don'?t|doesn'?t|do\s+not|does\s+not|no|never)\s+(?:need|have|want|needs)"
    r"(?:\s+(?:it|them|one))?\s+to\s*$"
)
_DOING = ("er", "r", "able", "ing", "ling", "ers")


def derived_from(word: str, said: str) -> bool:
    """Whether a key's ``word`` is another form of the ``said`` word's stem: what does it ("grinder"
    of "grinds"), can be done to it ("packable" of "packs"), or the doing ("cancelling")."""
    return _derives(word, analyze(said)[:1])


def _derives(word: str, stem: Sequence[str]) -> bool:
    return bool(stem) and len(stem[0]) >= 4 and any(stem[0] + end == word for end in _DOING)


def done_keys(text: str, attrs: Mapping[str, AttributeSpec]) -> list[str]:
    """Yes/no keys whose words the message says as what the product does, in any order and form:
    "ones that cancel noise" (noise_cancelling), "a coffee maker that grinds the beans"
    (built_in_grinder: the grinder is what grinds), "a jacket that packs into its pocket"
    (packable). A key of one word is read here only through another form of it ("grinds" for
    grinder); the word itself is the vocabulary matcher's. Not where the shopper rules it out."""
    lex = lexicons()
    tokens = tokenize(text)
    stems = [analyze(t.text)[:1] for t in tokens]
    found: list[str] = []
    for key, spec in attrs.items():
        if spec.kind != "boolean" or "yes" not in spec.values:
            continue
        words = [w for w in key_words(key) if w not in _KEY_FRAME and w not in lex.self_prefixes]
        if not words:
            continue
        at: list[int] = []
        for word in words:
            own = analyze(word)[:1]
            hit = next(
                (
                    i
                    for i, t in enumerate(tokens)
                    if (len(words) > 1 and stems[i] == own) or _derives(word, stems[i])
                ),
                None,
            )
            if hit is None:
                break
            at.append(hit)
        if len(at) != len(words) or max(at) - min(at) > 3:
            continue
        span = (tokens[min(at)].start, tokens[max(at)].end)
        lowered = text.lower()
        if not (
            _ruled_out_use(lowered, span)
            or _indifferent(lowered, span)
            or _NOT_NEEDED_TO.search(lowered[: span[0]])
        ):
            found.append(key)
    return found


def self_acting_keys(text: str, attrs: Mapping[str, AttributeSpec]) -> list[str]:
    """Yes/no keys of what a product does by itself that the message asks for by the verb: "a robot
    vacuum that empties its own bin" (self_emptying), "a kettle that turns off by itself" (auto_off)."""
    lex = lexicons()
    tokens = tokenize(text)
    said = [analyze(t.text) for t in tokens]
    stems = [t.stem for t in tokens]
    found: list[str] = []
    for key, spec in attrs.items():
        words = key_words(key)
        if len(words) < 2 or words[0] not in lex.self_prefixes or "yes" not in spec.values:
            continue
        doing = [s for w in words[1:] for s in analyze(w)]
        for i in range(len(tokens) - len(doing) + 1):
            if [x for s in said[i : i + len(doing)] for x in s] != doing:
                continue
            after = stems[i + len(doing) : i + len(doing) + 6]
            if any(
                tuple(after[j : j + len(p)]) == p for p in lex.by_itself for j in range(len(after))
            ) and not _ruled_out_use(text.lower(), (tokens[i].start, tokens[i].start)):
                found.append(key)
                break
    return found


def _other_of_yes_no(rule: Mapping[str, Any], attrs: Mapping[str, AttributeSpec]) -> dict[str, Any] | None:
    """A use case's rule setting a yes/no attribute ("wired": wireless no), with the other value."""
    key, value = rule.get("key"), rule.get("value")
    spec = attrs.get(str(key)) if key is not None else None
    if spec is None or value not in ("yes", "no") or set(spec.values) != {"yes", "no"}:
        return None
    return {"key": key, "value": "no" if value == "yes" else "yes"}


def _ruled_out_use(text: str, span: tuple[int, int]) -> bool:
    """The shopper rules the use case out: "a kid size, not mens", "not for my dad"."""
    from assistant.plan.vocab import negated_words  # the matcher reads this module's lexicons

    return negated_words(
        text[max(0, span[0] - 40) : span[0]], text[span[0] : span[1]], text[span[1] : span[1] + 40]
    )


def _indifferent(text: str, span: tuple[int, int], *, allowance: bool = True) -> bool:
    """The shopper says the use case does not matter: "waterproof or not", "doesn't matter if it's
    waterproof", and (with ``allowance``) "it doesn't have to be waterproof"."""
    return bool(
        _EITHER_WAY_AFTER.match(text, span[1])
        or _EITHER_WAY_BEFORE.search(text[: span[0]])
        or (allowance and _ALLOWED_BEFORE.search(text[: span[0]]))
        # "i dont mind plugging it in": a negation read near the use's words, said of not minding
        or _NOT_MINDING.search(text[span[0] : span[1]])
    )


_NOT_MINDING = re.compile(r"\b(?:mind|matter|matters|care)\b")


def _group_priors(
    text: str, attrs: dict[str, AttributeSpec], schema: CatalogSchema, categories: Sequence[str]
) -> list[Prior]:
    """ "there's about ten of us drinking it all day", "6 of us in this house": a group, in a kind that
    counts no people (coffee makers' cups, dishwashers' place settings), puts the biggest first."""
    if any(k == "capacity" or k.startswith("capacity_people") for k in attrs):
        return []  # a tent for 6 of us: the count is a bound (parse_specs)
    sizes = [next(int(g) for g in m.groups() if g) for m in _PEOPLE.finditer(text)]
    sizes += [int(m.group("n")) + 1 for m in _AND_OTHERS.finditer(text)]
    if not sizes or max(sizes) < _GROUP or max(sizes) > 50:
        return []
    prior = _prior("for a group", {"dimension": "capacity", "prefer": "higher"}, attrs, schema, categories)
    return [prior] if prior is not None else []


_GROUP = 4
"""People enough that the size of what they share matters."""


def _prior(
    name: str,
    rule: dict[str, Any],
    attrs: dict[str, AttributeSpec],
    schema: CatalogSchema,
    categories: Sequence[str],
) -> Prior | None:
    if "dimension" in rule:
        key = dimension_key(schema, categories, rule["dimension"])
        if key is None or key in PRODUCT_FIELDS:
            return None
        spec = attrs.get(key)
        if spec is None or spec.kind != "numeric":
            return None
        unit = spec.unit.display if spec.unit else ""
        if rule.get("has"):
            # "no outlets out there": a product that states a battery life at all (a portable one)
            if spec.minimum is None or spec.minimum <= 0:
                return None
            said = str(
                rule.get("label") or f"ones with a stated {lexicons().dimensions[rule['dimension']].noun}"
            )
            return Prior(name, key, bounds=NumericRange(gte=spec.minimum), label=f"{name}: {said}")
        if "prefer" in rule:
            return Prior(
                name,
                key,
                prefer=rule["prefer"],
                label=f"{name}: {spec.label} {'lowest' if rule['prefer'] == 'lower' else 'highest'} first",
            )
        if "pick" in rule:
            value = spec.minimum if rule["pick"] == "lowest" else spec.maximum
            if value is None or spec.minimum == spec.maximum:
                return None
            bounds = NumericRange(lte=value) if rule["pick"] == "lowest" else NumericRange(gte=value)
            return Prior(
                name, key, bounds=bounds, label=f"{name}: {spec.label} {bounds.describe()} {unit}".strip()
            )
        bounds = NumericRange(lte=rule.get("lte"), gte=rule.get("gte"))
        # A bound the category can't meet at all says nothing about it ("summer" on a -20 °F range).
        unmeetable = (bounds.lte is not None and spec.minimum is not None and spec.minimum > bounds.lte) or (
            bounds.gte is not None and spec.maximum is not None and spec.maximum < bounds.gte
        )
        if unmeetable:
            return None
        return Prior(
            name, key, bounds=bounds, label=f"{name}: {spec.label} {bounds.describe()} {unit}".strip()
        )
    if "exclude_words" in rule:
        # "headphones for my dad": not the products whose titles say they are for children; the
        # turn keeps the exclusion only where some but not all of the asked products say it
        words = "|".join(str(w).lower() for w in rule["exclude_words"])
        return Prior(name, "", extra={"exclude": words})
    if "level" in rule:
        # a catalog that files the audience as a path level (Clothing > Men > Shoes > Sandals)
        level = str(rule["level"]).casefold()
        if level not in schema.parents or not any(schema.on_one_path([level, c]) for c in categories):
            return None
        return Prior(
            name, "", value=level, label=f"{name}: the {level.title()} section", extra={"level": level}
        )
    key = rule.get("key", "")
    spec = attrs.get(key)
    if spec is None:
        return None
    if "value" in rule:
        wanted = str(rule["value"]).lower()
        if wanted not in spec.values:
            return None
        return Prior(name, key, value=wanted, label=f"{name}: {spec.label} {wanted}")
    if rule.get("any"):
        if spec.kind == "boolean":
            return (
                Prior(name, key, value="yes", label=f"{name}: {spec.label}") if "yes" in spec.values else None
            )
        return Prior(
            name,
            key,
            value=spec.values[0] if spec.values else "",
            label=f"{name}: {spec.label}",
            extra={"any": "1"},
        )
    if "among" in rule:
        wanted_values = [str(v).lower() for v in rule["among"]]
        hits = [v for v in spec.values if v in wanted_values]
        if not hits:
            return None
        return Prior(
            name,
            key,
            value=hits[0],
            label=f"{name}: {spec.label} {' or '.join(hits)}",
            extra={"among": "|".join(hits)},
        )
    if "contains" in rule:
        hits = [v for v in spec.values if str(rule["contains"]).lower() in v]
        if not hits:
            return None
        return Prior(
            name,
            key,
            value=hits[0],
            label=f"{name}: {spec.label} {rule['contains']}",
            extra={"contains": str(rule["contains"])},
        )
    if spec.kind == "numeric" and ("gte" in rule or "lte" in rule):
        bounds = NumericRange(gte=rule.get("gte"), lte=rule.get("lte"))
        unit = spec.unit.display if spec.unit else ""
        return Prior(
            name, key, bounds=bounds, label=f"{name}: {spec.label} {bounds.describe()} {unit}".strip()
        )
    return None


KIDS_WORD = CHILD_WORD
KIDS_LABEL = "kids' ones"
"""A child's use case in a feed that measures nothing: the word the kids' products' text says, and
how the answer says it was kept to (see :func:`_child_priors`, checked by the text-word stage)."""


def child_age(text: str) -> tuple[int, tuple[int, int], bool] | None:
    """The age of a child a message shops for ("for my 6-year-old" → 6, "my toddler" → 2), where it
    is said, and whether the age was stated (not a word's default); ``None`` for no child under 16."""
    children = lexicons().children
    m = _AGE.search(text) or _said_of_child(text, [*children["words"], *children.get("people", [])])
    if m:
        age = _age_value(next(g for g in m.groups() if g))
        return (age, m.span(), True) if age < 16 else None
    if any(_phrase_at(text, cue) is not None for cue in children.get("adult_cues", [])):
        return None  # "my son's flights home from college": grown up
    for word in children["words"]:
        s = _phrase_at(text, word)
        if s is None:
            continue
        from assistant.plan.vocab import negated_words  # the planner's negation reading

        if negated_words(text[: s[0]], text[s[0] : s[1]]):
            continue  # "it's for me, not my kid"
        if not re.search(r"\b(?:kid|kids|children)'?s?\s+(?:free|proof)\b", text):
            age = int(children["default_age"].get(word, 8))
            return (age, s, False) if age < 16 else None
    return None


_ATTRIBUTIVE = re.compile(r"(?:'s|s'|')?\s+([a-z]+)")


def child_uses_it(text: str, kind_words: Collection[str] = ()) -> bool:
    """Whether a message says a child is who will use the product ("earbuds for my 6 year old", "a
    smartwatch for a kid", "kids earbuds"), not only a group of children it is for ("marshmallows for
    the kids while they play"): an age said, one child, or the kid word said of the kind's name
    (``kind_words``, singular: "kids earbuds"; not "the orange kids one", a stand-in for one shown)."""
    lowered = text.lower()
    found = child_age(lowered)
    if found is None:
        return False
    _, span, stated = found
    word = lowered[span[0] : span[1]]
    if stated or word in ("kid", "child"):
        return True
    after = _ATTRIBUTIVE.match(lowered, span[1])
    return after is not None and singular(after.group(1)) in kind_words


def _child_priors(
    text: str, attrs: dict[str, AttributeSpec], schema: CatalogSchema, categories: Sequence[str]
) -> list[Prior]:
    children = lexicons().children
    found = child_age(text)
    if found is None:
        return []
    age, span, stated = found
    priors: list[Prior] = []
    age_key = dimension_key(schema, categories, "age")
    if age_key and age_key in attrs:
        priors.append(
            Prior(
                "child",
                age_key,
                bounds=NumericRange(lte=age),
                label=f"for a {age}-year-old: minimum age ≤ {age}"
                if stated
                else f"for a child: minimum age ≤ {age}",
                span=span,
                extra={} if stated else {"default": "age"},
            )
        )
    gender = attrs.get("gender")
    if gender is not None:
        kid_values = [v for v in gender.values if v in {k.lower() for k in children["kids_values"]}]
        if kid_values:
            priors.append(Prior("child", "gender", value=kid_values[0], label="kids' sizes", span=span))
    if (
        not priors
        and categories
        and 3 <= age <= 12  # (a baby's things say "baby" or "infant", a teen's are sold as adults')
        # an age said, or a child said outright ("for my kids"); "my nephew" may be grown
        and (stated or text[span[0] : span[1]].lower() in ("kid", "kids", "child", "children"))
    ):
        # a kind the catalog gives no age or kids' size (marketplace titles; earbuds measured only in
        # hours): the kids' ones say so in their text ("Kids Headphones"); the text-word stage keeps
        # it where the kind sells such (see :func:`child_uses_it`), and a search none of whose
        # products says it loosens it and tells
        # (an age said also rules out the products whose own text states ages that leave the child
        # out, "Ages 8+" for a 4-year-old, and takes those stating ages that take the child in)
        extra = {"include": KIDS_WORD, **({"age": str(age)} if stated else {})}
        priors.append(Prior("child", "", label=KIDS_LABEL, span=span, extra=extra))
    return priors


def key_dimension(schema: CatalogSchema | None, categories: Sequence[str], key: str) -> str | None:
    """The dimension whose key the category uses for ``key`` (the inverse of :func:`dimension_key`)."""
    if key in ("price", "rating", "brand", "color"):
        return key
    if key == REVIEWS_FIELD:
        return "reviews"
    # A dimension that names the key itself first ("speed" for refresh_hz), one that only reaches it
    # through a fallback ("power" → speed) after: a refresh rate is not "power".
    for name in lexicons().dimensions:
        if dimension_key(schema, categories, name, frozenset(lexicons().dimensions)) == key:
            return name
    for name in lexicons().dimensions:
        if dimension_key(schema, categories, name) == key:
            return name
    return None

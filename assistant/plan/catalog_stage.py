"""The planner's schema stage: a parsed plan read against the catalog's own schema.

After the deterministic parse (prices, brands, colors, categories, references), this stage:

1. keeps attribute values only where the plan's category has them ("light" is a running-shoe
   cushioning, not a tent filter) and drops carried-over ones the new category lacks (topic switch);
2. adds numeric specs ("27 inch", "for 3 people", "under 2 kg") as bounds on the category's keys;
3. adds use-case priors ("for winter camping", "for my 4-year-old", "for a tiny kitchen");
4. turns a comparative ("lighter?") into a bound relative to the product shown last turn, and a
   superlative ("the lightest") into a sort;
5. reads a question about shown products ("how heavy is the second one?", "which runs longest?")
   as the attribute it asks about;
6. splits a multi-item ask ("a tent and a sleeping bag") into one search per item.

Pure: message, plan, conversation and schema in, plan out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from assistant.plan.asked import asked_terms, base_adjective
from assistant.plan.intents import OTHER_BRAND, loosens_budget
from assistant.plan.prices import parse_prices
from assistant.plan.references import POSITION
from assistant.plan.semantics import (
    Prior,
    child_age,
    dimension_key,
    done_keys,
    find_comparative,
    find_key_comparison,
    find_superlative,
    for_a_child,
    key_dimension,
    lexicons,
    parse_specs,
    self_acting_keys,
    than_ones,
    use_case_priors,
)
from assistant.plan.text import ADDING_CUE, ASK_CUE, FILLER_WORDS, singular, tokenize
from assistant.plan.vocab import ValueMatch, VocabularyMatcher, ruled_out
from assistant.schemas import Comparative, ItemAsk, QueryPlan, SortSpec
from retrieval.catalog import Product, norm
from retrieval.filters import Filters, NumericRange, combine
from retrieval.relax import Relaxation
from retrieval.schema import AttributeSpec, CatalogSchema, field_number, key_unit, key_words, unit_spellings

__all__ = ["ShownContext", "apply_schema", "question_dimension"]

_REFERS_TO_SHOWN = re.compile(
    r"\b(?:of\s+(?:these|those|them|the\s+(?:ones|results|options|bunch|lot|group|list|selection|batch))|these|those|"
    # a question opening with who or which asks about what is in front of the shopper ("who's got the most stars")
    r"^\s*(?:which|whichever|who|who's|whos|whoever)\b|which\s+(?:one|of)|which\s+is|"
    r"among\s+(?:these|those|them)|the\s+(?:first|second|third|fourth|fifth|last|top)\s+(?:one|two|three)?|"
    r"#\d|number\s+\d|no\.?\s*\d|(?:it|that\s+one|this\s+one)\b)"
)
_QUESTION_START = re.compile(
    r"^\s*(?:how|what|what's|whats|which|is|are|does|do|can|will|tell\s+me|any\s+idea)\b|\?\s*$"
)
_EXPLICIT_COMPARE = re.compile(
    r"\b(?:compare|comparison|comparing|vs\.?|versus|difference|differences|side[\s-]+by[\s-]+side|stack\s+up|"
    r"how\s+do\s+(?:they|these|those|the\s+\w+)\s+(?:differ|compare))\b"
)
_WHOLE_CATALOG = re.compile(
    r"\b(?:(?:you|u)\s+(?:have|carry|sell|got|stock)|you've\s+got|overall|"
    r"in\s+(?:the|your|ur|this)\s+(?:whole\s+|entire\s+)?(?:store|shop|catalog)|"
    r"of\s+all|of\s+everything|"
    r"in\s+stock|available|anything|any\b)"
)
_STORE_WIDE = re.compile(
    r"\b(?:you\s+(?:have|carry|sell|stock)|u\s+(?:have|carry|sell|stock|got)|you(?:'ve|\s+have)?\s+got|"
    r"in\s+(?:the|your|ur|this)\s+(?:whole\s+|entire\s+)?(?:store|shop|catalog)|overall|of\s+all|of\s+everything)\b"
)
_SEARCH_AGAIN = re.compile(
    r"\b(?:any|anything|something|show\s+me|got\s+(?:any|anything)|other|others|else|more\s+options|"
    r"what\s+about|how\s+about|ones?\s+that|ones?\s+with)\b"
)
_YES_NO = re.compile(
    r"\s*(?:(?:so|and|ok|okay|hmm+|well|but|also)\W+)*(?:of\s+(?:the|these|those)\b[^,?]*,\s*)?"
    # "the red one - is it pricier than the black?": the product named first, then the question
    r"(?:(?:the|that|this)\s+(?:\w+\s+){0,2}(?:one|pair)\s*(?:[-\u2013\u2014:,]\s*))?"
    r"(?:is|are|was|does|do|would|will|has|can)\b"
)
_THE_X_ONE = re.compile(r"\b(?:the|that|this)\s+\w+\s+one\b")
_WHICH_OF_SHOWN = re.compile(
    r"^\s*(?:\w+\s+)?which\b(?!\s+(?:ones?\s+)?(?:do|does|would)\s+you)|\bwhich\s+(?:one|ones|of)\b"
)
_THE_ONE_WITH = re.compile(
    r"\bthe\s+(?:one|model|pair)\s+(?:with|that\s+(?:has|comes\s+with)|which\s+has|that's|that\s+is)\b"
)
_PLURAL = re.compile(r"\b(?:they|them|these|those|their|both|all|each|any|ones)\b")
_SINGULAR = re.compile(r"\b(?:it|its|it's|this\s+one|that\s+one|this|that)\b")
_PARTS = re.compile(r"[,;.!?]|\s[-–—]\s|\bbut\b")
# "both together under seventy", "forty bucks for everything", "$300 in total": one cap for all items
_TOGETHER = re.compile(
    r"\b(?:in\s+total|total|together|combined|altogether|all\s+in|for\s+(?:both|everything|all\s+of\s+(?:it|them)"
    r"|the\s+(?:pair|lot|set|two|three)|all\s+(?:two|three))|the\s+pair)\b"
)
# a dash between two thoughts ends one too ("a little home workout kit - resistance bands and …")
# ("for the same trip: a pack … and boots …": a colon ends the scene too)
_SENTENCE_END = re.compile(r"(?<=[a-z0-9)])[.!?:]+\s+|\s+[-\u2013\u2014]+\s+")
# "also a X and some Y", "we also need …", "add a stand … and a strap": kinds added to what was shown
_ADDS_KINDS = re.compile(rf"\b(?:also|add|plus|as\s+well|too|while\s+i'?m\s+at\s+it|{ADDING_CUE})\b")
# a part that opens on its item: "a cork block", "also some bands", "i'll need a whisk" (ask words out)
_LEADS_AN_ITEM = re.compile(
    r"^(?:\W*\b(?:also|and|then|so|ok|okay|i|we|he|she|they|i'll|we'll|he'll|she'll|they'll|will)\b)*\W*(?:an?|some)\s+[a-z]"
)
_PREDICATE = re.compile(r"\b(?:have|has|had|is|are|was|were|must|should|will|would|can|could)\b")
_SOMETHING = re.compile(r"(?:something|one\s+of\s+th(?:ose|em|ese))\b")
_MULTI_JOIN = re.compile(
    r"\s+(?:and|&|\+|plus(?=\s+(?!(?:sizes?|sized|tax|shipping|handling|more|less|model|version|edition|series)\b)(?:an?\b|\d|[a-z]{3,}))|as\s+well\s+as|along\s+with|together\s+with)\s+(?:also\s+)?(?:(?:an|a|some|the)\b)?\s*"
)


@dataclass
class ShownContext:
    """What the planner knows of the last turn's products (ids in shown order, their records)."""

    products: list[Product]
    fresh: bool
    focus: str | None = None
    """The product the last turn was a question about ("the last one - how many liters?"): what a
    comparative that follows ("a roomier one?") is relative to."""


_LETTER_SIZES = ["xxs", "xs", "s", "m", "l", "xl", "xxl", "xxxl"]
_SIZE_ALIASES = {"small": "s", "medium": "m", "large": "l", "x-large": "xl", "2xl": "xxl", "3xl": "xxxl"}
_SIZE_ASKED = re.compile(
    r"\bsize\s+(?P<n>\d{1,2}(?:\.5)?|x{0,3}[sml]|[23]xl)\b"
    r"|\b(?:in|an?)\s+(?:size\s+)?(?P<l>xxs|xs|xl|xxl|xxxl|[23]xl|x-large)\b"
)


def _size_rank(token: str) -> float | None:
    token = _SIZE_ALIASES.get(token, token)
    if token in _LETTER_SIZES:
        return float(_LETTER_SIZES.index(token))
    try:
        return float(token)
    except ValueError:
        return None


def size_values(
    text: str, schema: CatalogSchema | None, categories: Sequence[str]
) -> tuple[str, list[str]] | None:
    """ "in size 15", "do they come in XXL?": the values of the category's size-range key ("7-15",
    "S-XXL") that hold the asked size, read from the catalog's own ranges."""
    m = _SIZE_ASKED.search(text)
    if m is None or schema is None or not categories:
        return None
    asked = _size_rank((m.group("n") or m.group("l") or "").lower())
    if asked is None:
        return None
    numeric = m.group("n") is not None and m.group("n")[0].isdigit()
    for key, spec in schema.attributes(categories).items():
        if not key.startswith("size") or spec.kind != "categorical":
            continue
        ranges = {}
        for value in spec.values:
            low, sep, high = value.partition("-")
            a, b = _size_rank(low.strip()), _size_rank(high.strip())
            if sep and a is not None and b is not None and (low.strip()[0].isdigit() == numeric):
                ranges[value] = (a, b)
        if ranges:
            return key, [v for v, (a, b) in ranges.items() if a <= asked <= b]
    return None


_SIZE_STEP = re.compile(
    r"\bsize\s+(?P<dir>up|down|bigger|larger|smaller)\b|\b(?P<dir2>bigger|larger|smaller)\s+size\b"
)


def _size_step(
    text: str, schema: CatalogSchema, categories: Sequence[str], shown: ShownContext
) -> tuple[str, str] | None:
    """ "one size up?", "a size smaller": the next value, in size order, of the size the product in
    focus (else the first shown) has — read from the category's own size values."""
    m = _SIZE_STEP.search(text)
    if m is None or not shown.products or shown.fresh or not categories:
        return None
    up = (m.group("dir") or m.group("dir2")) in ("up", "bigger", "larger")
    focus = next((p for p in shown.products if p.id == shown.focus), shown.products[0])
    for key, spec in schema.attributes(categories).items():
        if not key.startswith("size") or spec.kind != "categorical":
            continue
        ranked = sorted(
            (rank, value) for value in spec.values if (rank := _size_rank(value.lower())) is not None
        )
        have = _size_rank(str(focus.attributes.get(key, "")).lower())
        if have is None or not ranked:
            continue
        steps = [v for r, v in ranked if (r > have if up else r < have)]
        if steps:
            return key, steps[0] if up else steps[-1]
    return None


def _range_span(schema: CatalogSchema, categories: Sequence[str], key: str) -> str:
    """How a measured key's ranges run, in words ("the ranges run from 16 to 38 in")."""
    unit = key_unit(key)
    figures = [
        float(x)
        for value in schema.attributes(categories)[key].values
        for x in re.findall(r"\d+(?:\.\d+)?", value)
    ]
    if not figures:
        return ""
    show = "{:g}".format
    return f"the ranges run from {show(min(figures))} to {show(max(figures))}{' ' + unit.display if unit else ''}"


def size_span(schema: CatalogSchema, categories: Sequence[str], key: str) -> str:
    """How the catalog's ranges of a size key run, in words ("sizes 5 to 15")."""
    bounds: list[tuple[float, str]] = []
    for value in schema.attributes(categories)[key].values:
        for part in value.partition("-")[::2]:
            rank = _size_rank(part.strip())
            if rank is not None:
                bounds.append((rank, part.strip().upper()))
    if not bounds:
        return ""
    return f"sizes run from {min(bounds)[1]} to {max(bounds)[1]}"


# "which tent has …", "whichever hand planer is rated best", "which stainless kids bottle do reviewers
# like": the noun phrase a best-of question opens with, up to its verb (or the askers named)
_WHICH_PHRASE = re.compile(
    r"\bwhich(?:ever)?\s+(?P<phrase>(?:[a-z][a-z'-]*\s+){0,3}?[a-z][a-z'-]*)\s+(?=(?:is|are|was|were|has|have|had|"
    r"do|does|did|gets?|got|costs?|would|will|should|could|can|runs?|lasts?|holds?|makes?|weighs?|scores?|"
    r"goes|people|reviewers|buyers|customers|shoppers|ppl|folks|you|u|i|we|they)\b)"
)


def _names_the_kind(text: str, kinds: Sequence[str]) -> bool:
    """Whether a best-of question names the kind asked about where it could point at the shown ("which
    tent has the best reviews", not "which one" or "which of those"): the head of the phrase after
    "which" is the head noun of a category in play ("band saws" is also said "bandsaw"). Over every
    product of the kind, as "what's your best-reviewed tent" would be."""
    m = _WHICH_PHRASE.search(text)
    if m is None:
        return False
    words = m.group("phrase").split()
    if words[0] in ("of", "one", "ones", "among") or words[-1] in ("one", "ones"):
        return False
    heads = set()
    for kind in kinds:
        parts = [singular(w) for w in re.findall(r"[a-z]+", kind.lower())]
        if parts:
            heads |= {parts[-1], "".join(parts[-2:])}
    return singular(words[-1]) in heads


def _unmeasured_extreme(
    text: str,
    stems: Sequence[str],
    dimension: str | None,
    plan: QueryPlan,
    shown: ShownContext,
    explicit_compare: bool,
) -> list[str] | None:
    """The words of an extreme asked of the shown products that no key measures ("which is the
    loudest?" of alarm clocks: ["loud", "noisy", "noise", …]; "which is softest?": ["soft"]), or
    ``None``: the superlative's own adjective first, then the words its dimension is asked by."""
    if (
        not shown.products
        or shown.fresh
        or explicit_compare
        or plan.intent not in ("compare", "product_question")
    ):
        return None
    if _REFERS_TO_SHOWN.search(text) is None:
        return None
    lex = lexicons()
    said = [s for s in stems if s in lex.market_superlatives and s not in lex.evaluative]
    said += [
        stems[i + 1] for i, s in enumerate(stems[:-1]) if s == "most" and stems[i + 1] not in lex.evaluative
    ]
    if not said:
        return None
    if dimension is None and (find_superlative(list(stems)) is not None or said[0] in _RATING_WORDS):
        return None
    words = [base_adjective(said[0]), *([dimension] if dimension in _NAMED_DIMENSIONS else [])]
    # the shopper's other words ("which has the longest blade": the blade)
    words += [t for t in asked_terms(text, shown.products) if base_adjective(t) not in words]
    return list(dict.fromkeys(w for w in words if w))[:12]


_NAMED_DIMENSIONS = frozenset(
    {"weight", "noise", "volume", "battery", "size", "capacity", "power", "length", "thickness", "height"}
)
"""Dimensions whose name is also the word a listing says them by ("weight", "noise", "battery")."""


_RATING_WORDS = frozenset({"best", "worst", "top", "highest", "lowest", "popular"})


def _pool(plan: QueryPlan, shown: ShownContext) -> list[str]:
    """The shown products a "which …est" question ranks: those the message named ("which of the
    first two"), else all shown."""
    ids = [p.id for p in shown.products]
    named = [i for i in plan.referenced_ids if i in ids]
    if len(named) < len(plan.referenced_ids):
        # "which of the two …" after a side-by-side: the view is the compared pair, and "the two"
        # read over the whole list named products outside it
        return ids
    return named if 0 < len(named) < len(ids) else ids


def _asked_about(text: str, plan: QueryPlan, shown: ShownContext, yes_no: bool) -> list[str]:
    """The shown products a comparative question is about: "which one …er?" ranks the named ones
    (else all shown); a yes/no question ("is the second one …er than the first?") the pair it names."""
    if _WHICH_OF_SHOWN.search(text):
        return _pool(plan, shown)
    names = (
        POSITION.search(text) or _THE_X_ONE.search(text) or 0 < len(plan.referenced_ids) < len(shown.products)
    )
    pair = _asked_pair(plan, shown) if yes_no and names else []
    return pair if len(pair) >= 2 else []


def _asked_pair(plan: QueryPlan, shown: ShownContext) -> list[str]:
    """The shown products a yes/no comparison is about: the ones it names ("the second … the
    first", "of the first two"), with the product in focus when it names one ("is it quieter than
    the first?")."""
    ids = [p.id for p in shown.products]
    named = [i for i in plan.referenced_ids if i in ids]
    if len(named) == 1 and shown.focus in ids and shown.focus not in named:
        named = [shown.focus, *named]
    return named if len(named) < len(ids) or len(ids) == 2 else []


def _comparative_value(
    stems: Sequence[str], schema: CatalogSchema, categories: Sequence[str]
) -> tuple[str, str] | None:
    """The categorical value a comparative the lexicon does not measure names in these categories
    ("longer" → a sleeping bag's size Long, "wider" → a shoe's width Wide), from the schema's values."""
    if not categories:
        return None
    values = {
        value.lower(): key
        for key, spec in schema.attributes(categories).items()
        if spec.kind == "categorical"
        for value in spec.values
    }
    for word in stems:
        if word.endswith("er") and len(word) >= 5:
            for base in (word[:-2], word[:-1], word[:-3]):  # longer → long, wider → wide, bigger → big
                if base in values:
                    return values[base], base
    return None


_ASKING = re.compile(
    r"^\W*(?:(?:so|and|ok|okay|but|hmm+)\W+)*(?:any|anything|something|got|show|is\s+there|are\s+there)\b"
)


# a question asked in the words left once a reference is taken out ("… - how many grams is it")
_ASKING_ANYWHERE = re.compile(r"\b(?:how|what|whats|which|does|do|is|are|can|could|tell|much|many)\b")


def _remark(text: str, at: int) -> bool:
    """Whether the token at ``at`` sits in a sentence that asks for nothing: no question mark, no
    question opening, no ask cue ("he says lighter is better for shooters")."""
    tokens = tokenize(text)
    if at >= len(tokens):
        return False
    start = tokens[at].start
    begin = max((m.end() for m in re.finditer(r"[.!?]+\s*", text[:start])), default=0)
    end_match = re.search(r"[.!?]", text[start:])
    sentence = text[begin : start + end_match.end()] if end_match else text[begin:]
    return not (sentence.rstrip().endswith("?") or _ASKING.match(sentence) or ASK_CUE.search(sentence))


def _names_shown(stems: Sequence[str], compared: tuple[str, str, int, int]) -> bool:
    """Whether the comparative at ``compared`` is part of "the cheaper one" or "the lighter of those
    two" (a reference)."""
    start, end = compared[2], compared[3]
    if not (start > 0 and stems[start - 1] == "the" and end < len(stems)):
        return False
    after = stems[end : end + 3]
    return after[0] in ("one", "ones", "pair") or (
        after[0] == "of" and len(after) > 1 and after[1] in ("those", "these", "the", "them", "both")
    )


def _named_by_comparison(
    stems: Sequence[str],
    compared: tuple[str, str, int, int],
    plan: QueryPlan,
    shown: ShownContext,
    schema: CatalogSchema,
    categories: Sequence[str],
) -> tuple[str, str] | None:
    """ "the cheaper of those two - how many grams is it": the comparison picks the shown product
    asked about, and the question is another dimension. (product id, key asked) or None."""
    key = dimension_key(schema, categories, compared[0])
    rest = " ".join([*stems[: compared[2]], *stems[compared[3] :]])
    asked = question_dimension(rest, schema, categories)
    if key is None or asked is None or asked == key or not _ASKING_ANYWHERE.search(rest):
        return None
    pool = [p for p in shown.products if p.id in _pool(plan, shown)]
    figures = [(n, p.id) for p in pool if (n := field_number(p, key)) is not None]
    if len(figures) < 2:
        return None
    pick = min(figures) if compared[1] == "lower" else max(figures)
    return pick[1], asked


def _categories(plan: QueryPlan, schema: CatalogSchema) -> list[str]:
    return [c for c in plan.filters.categories if schema.leaves(c)]


def question_dimension(text: str, schema: CatalogSchema | None, categories: Sequence[str]) -> str | None:
    """The attribute key a question asks about: a dimension word ("heavy") mapped through the
    schema, or a key's own words ("place settings"). After a remark, what the question itself asks
    ("we'll go with the wireless one then. how many hours does it last?": the battery, not wireless)."""
    sentences = [s for s in _SENTENCES.split(text) if s.strip()]
    if len(sentences) > 1:
        asked = [s for s in sentences if s.rstrip().endswith("?")] or sentences[-1:]
        found = _dimension_asked(asked[-1], schema, categories)
        if found is not None:
            return found
    return _dimension_asked(text, schema, categories)


# where one sentence of a message ends and the next begins (its stop kept with it)
_SENTENCES = re.compile(r"(?<=[.!?;])\s+")


def _dimension_asked(text: str, schema: CatalogSchema | None, categories: Sequence[str]) -> str | None:
    """:func:`question_dimension` of one sentence, or of a whole message."""
    stems = [singular(w) for w in re.findall(r"[a-z]+", text.lower())]
    joined = " ".join(stems)
    if schema is not None and categories:
        attrs = schema.attributes(categories)
        for key, spec in attrs.items():
            label = " ".join(singular(w) for w in spec.label.split())
            if len(label) >= 4 and re.search(rf"\b{re.escape(label)}\b", joined):
                return key
        # "the max weight it's rated for": two of a key's own words (pet_weight_max_lb), in any order
        synonyms = lexicons().key_synonyms
        said = {synonyms.get(w, w) for w in stems}
        overlap = {k: len(said & {singular(w) for w in key_words(k)}) for k in attrs}
        best = max(overlap.values(), default=0)
        named = [k for k, n in overlap.items() if n == best]
        if best >= 2 and len(named) == 1:
            return named[0]
        # "how long do i get to test sleep it": a word said for one key's word (test → trial_nights)
        meant = {synonyms[w] for w in stems if w in synonyms}
        by_synonym = [k for k in attrs if meant & {singular(w) for w in key_words(k)}] if meant else []
        if len(by_synonym) == 1:
            return by_synonym[0]
        if (by_unit := _unit_asked(text, attrs)) is not None:
            return by_unit
        # "is the pot glass or the thermal kind?": the one key whose values the question names
        valued = {
            k
            for k, spec in attrs.items()
            if spec.kind == "categorical"
            and any(
                len(v) >= 4
                and re.search(rf"\b{re.escape(' '.join(singular(w) for w in v.split()))}\b", joined)
                for v in spec.values
            )
        }
        if len(valued) == 1 and not _asked_of_dimension(joined):
            return valued.pop()
    table = lexicons().question_words
    hits: list[str] = []
    for dimension, words in table.items():
        for word in words:
            w = " ".join(singular(x) for x in word.split())
            if re.search(rf"\b{re.escape(w)}\b", joined):
                found_key = dimension_key(schema, categories, dimension)
                if found_key and found_key not in hits:
                    hits.append(found_key)
    # "how much does it weigh?": "how much" asks the price only when nothing more specific is asked.
    specific = [k for k in hits if k != "price"]
    found = specific or hits
    return found[0] if found else None


def _asked_of_dimension(joined: str) -> bool:
    """Whether the question's words ask a dimension ("how heavy", "price") rather than a value."""
    return any(
        re.search(rf"\b{re.escape(' '.join(singular(x) for x in w.split()))}\b", joined)
        for words in lexicons().question_words.values()
        for w in words
    )


_HOW_MANY = re.compile(r"\bhow\s+(?:many|much)\s+([a-z]+)|\bnumber\s+of\s+([a-z]+)")


def _unit_asked(text: str, attrs: Mapping[str, AttributeSpec]) -> str | None:
    """ "how many minutes do I get before it needs charging?": the one numeric key measured in the
    unit asked (runtime_min), read from the keys' own unit suffixes."""
    spellings = unit_spellings()
    for m in _HOW_MANY.finditer(text.lower()):
        word = m.group(1) or m.group(2)
        units = {display for display, names in spellings.items() if word in names and len(word) > 2}
        keys = [k for k, spec in attrs.items() if spec.unit is not None and spec.unit.display in units]
        if len(keys) == 1:
            return keys[0]
    return None


def _foreign_flags(
    filters: Filters, stems: Sequence[str], schema: CatalogSchema, categories: list[str]
) -> Filters:
    """A word read as another category's value that names a yes/no feature of these categories
    ("not smart" on air purifiers: the word is a thermostat *type* elsewhere) is that feature here:
    yes, or no when ruled out. The matcher sees the whole catalog; only the schema knows the category."""
    if not categories:
        return filters
    attrs = schema.attributes(categories)
    foreign = [k for k, v in filters.attributes.items() if k not in attrs or v not in attrs[k].values]
    foreign += [k for k in filters.attribute_in if k not in attrs]
    if not foreign:
        return filters
    attributes = dict(filters.attributes)
    for key, spec in attrs.items():
        if spec.kind != "boolean" or key in attributes or "yes" not in spec.values:
            continue
        words = tuple(singular(w) for w in key_words(key))
        n = len(words)
        at = next((i for i in range(len(stems) - n + 1) if tuple(stems[i : i + n]) == words), None)
        if at is None or not n:
            continue
        hit = ValueMatch(kind="attribute", key=key, value="yes", display=key, start=at, end=at + n)
        attributes[key] = "no" if VocabularyMatcher.negated(list(stems), hit, []) else "yes"
    if attributes == filters.attributes:
        return filters
    return filters.model_copy(update={"attributes": attributes})


def _drop_foreign_attributes(
    filters: Filters, schema: CatalogSchema, categories: list[str]
) -> tuple[Filters, list[str]]:
    """Attribute values the plan's categories do not carry: dropped (their words go back to the query)."""
    if not categories:
        return filters, []
    attrs = schema.attributes(categories)
    kept: dict[str, str] = {}
    dropped: list[str] = []
    for key, value in filters.attributes.items():
        spec = attrs.get(key)
        if spec is not None and value in spec.values:
            kept[key] = value
            continue
        # The same value under another key of this category ("portable" is a dishwasher installation
        # and a speaker type): the category's own key.
        other = [k for k, s in attrs.items() if value in s.values and s.kind != "boolean"]
        if other:
            kept.setdefault(max(other, key=lambda k: attrs[k].count), value)
        elif (named := _value_and_key(value, attrs)) is not None:
            # "full size" (a dishwasher layout, "full-size") said of mattresses: their size, full
            kept.setdefault(*named)
        else:
            dropped.append(value)
    ranges = {k: r for k, r in filters.attribute_ranges.items() if k in attrs}
    # "mattresses that aren't memory foam": the category's other types, not every category's
    within = {
        k: [x for x in v if x in attrs[k].values] or v for k, v in filters.attribute_in.items() if k in attrs
    }
    return filters.model_copy(
        update={"attributes": kept, "attribute_ranges": ranges, "attribute_in": within}
    ), dropped


def _value_and_key(value: str, attrs: Mapping[str, AttributeSpec]) -> tuple[str, str] | None:
    """The key and value of ``attrs`` that ``value``'s words say as a value and its key's name ("full
    size": size full), else ``None``."""
    words = re.findall(r"[a-z0-9]+", value.lower())
    for key, spec in attrs.items():
        if spec.kind == "boolean":
            continue
        named = {singular(w) for w in key_words(key)}
        for v in spec.values:
            rest = [w for w in words if w not in v.lower().split()]
            if len(rest) < len(words) and rest and {singular(w) for w in rest} <= named:
                return key, v
    return None


def _values_ruled_out(
    preferences: Sequence[str], schema: CatalogSchema, categories: list[str]
) -> tuple[list[str], dict[str, list[str]]]:
    """The preferences left, and per key the values kept, once every "not <value>" the planner could
    not place (a value several kinds' keys share: "firm" is a mattress firmness and a pillow density)
    is read under the plan's categories: a value of exactly one of their categorical keys rules that
    value out and keeps the key's others."""
    if not categories:
        return list(preferences), {}
    attrs = schema.attributes(categories)
    kept: list[str] = []
    ruled: dict[str, list[str]] = {}
    for preference in preferences:
        value = norm(preference[4:]) if preference.startswith("not ") else ""
        keys = [k for k, spec in attrs.items() if spec.kind == "categorical" and value in spec.values]
        if len(keys) != 1:
            kept.append(preference)
            continue
        # ("not firm, and not medium either": what an earlier one kept, less this one)
        others = [v for v in ruled.get(keys[0], attrs[keys[0]].values) if v != value]
        if others:
            ruled[keys[0]] = others
        else:
            kept.append(preference)
    return kept, ruled


_SAME_PERSON = re.compile(
    r"\b(?:him|her|he|she|his|he's|she's|the\s+same\s+(?:kid|child|boy|girl|one|person))\b"
)
_COMPLAINT = re.compile(r"\btoo\s+[a-z]+|\bnot\s+[a-z]+\s+enough\b")


def apply_schema(
    plan: QueryPlan,
    message: str,
    schema: CatalogSchema | None,
    shown: ShownContext,
    *,
    previous: QueryPlan | None = None,
    infer_category: Callable[[str], list[str]] | None = None,
    names_category: bool = False,
    titled: Callable[[str], str] | None = None,
    infer_item: Callable[[str], list[str]] | None = None,
) -> QueryPlan:
    """``plan`` with the catalog schema's meaning of ``message`` added (see the module docstring).
    ``infer_item`` reads the kind of one item of a multi-item ask (``infer_category`` when not given)."""
    if schema is None or plan.intent in ("chit_chat", "out_of_catalog", "clarify"):
        return plan
    text = message.lower()
    stems = [t.stem for t in tokenize(text)]
    filters = plan.filters
    categories = _categories(plan, schema)
    if not categories and plan.category_hint and schema.leaves(plan.category_hint):
        categories = [plan.category_hint]
    if not categories and shown.products and not shown.fresh:
        # A follow-up whose words name no category ("which one runs longer?" after "robot vac"):
        # the categories of the products in front of the shopper.
        categories = list(
            dict.fromkeys(
                c for p in shown.products if p.category and schema.leaves(c := p.category[-1].lower())
            )
        )
    if not categories and infer_category is not None and plan.query:
        categories = [c.rstrip("~") for c in infer_category(message)]
    update: dict[str, object] = {}

    filters = _foreign_flags(filters, stems, schema, categories)
    if (
        shown.products
        and not shown.fresh
        and not filters.brands
        and not (previous is not None and previous.filters.brands)
        and OTHER_BRAND.search(text)
    ):
        # "other brands?" after a list no maker was asked for: a maker other than the one in front
        # of the shopper (the product asked about, else the top pick)
        focus = next((p for p in shown.products if p.id == shown.focus), shown.products[0])
        if focus.brand:
            excluded = list(dict.fromkeys([*filters.exclude_brands, norm(focus.brand)]))
            filters = filters.model_copy(update={"exclude_brands": excluded})
    filters, dropped = _drop_foreign_attributes(filters, schema, categories)
    query = plan.query
    if dropped:
        # The shopper's own words for a dropped value go back into the query ("light tent").
        said = set(re.findall(r"[a-z0-9]+", text))
        words = query.split()
        for value in dropped:
            for w in value.split():
                if w in said and w not in words:
                    words.insert(0, w)
        query = " ".join(words)

    ranges = dict(filters.attribute_ranges)
    attributes = dict(filters.attributes)
    attribute_in = dict(filters.attribute_in)
    preferences, kept_values = _values_ruled_out(plan.preferences, schema, categories)
    for ruled_key, others in kept_values.items():
        # "a queen mattress, not too firm": the kind's other firmnesses (a word several kinds' keys
        # share is read under the kind asked)
        narrowed = attribute_in.get(ruled_key)
        attribute_in[ruled_key] = [v for v in others if narrowed is None or v in narrowed] or others
        if attributes.get(ruled_key) not in (None, *others):
            del attributes[ruled_key]
    if kept_values:
        update["preferences"] = preferences
    priors = list(plan.priors) if not shown.fresh else []
    sort = plan.sort if not shown.fresh else None

    stated: set[str] = set()
    for spec in parse_specs(text, schema, categories):
        if spec.values is not None:
            if spec.values:
                attribute_in[spec.key] = spec.values
            else:  # "his chest is 45 inches" where the largest fits 30-38: shown as loosened, said
                update["relaxed"] = [
                    *plan.relaxed,
                    Relaxation(
                        field=spec.key, asked=spec.label, closest=_range_span(schema, categories, spec.key)
                    ),
                ]
            continue
        ranges[spec.key] = spec.bounds
        stated.add(spec.key)
    still_for_a_child = (
        plan.intent == "refine"
        and previous is not None
        and for_a_child(previous.filters, "")
        and child_age(text) is None
    )
    # "too small", "not warm enough": a complaint about what was shown (a comparative), not a use
    for prior in use_case_priors(_COMPLAINT.sub(" ", text), schema, categories):
        if prior.prefer is not None and prior.bounds is None and prior.value is None:
            if sort is None:
                order = "asc" if prior.prefer == "lower" else "desc"
                sort = SortSpec(key=prior.key, order=order, label=prior.label)
            continue  # a preference orders the results; it is not a constraint to state
        piece = prior_filters(prior, schema, categories)
        if piece.exclude_text_words and still_for_a_child:
            # "do any of those come from hasbro, my mom swears by them" after a game for a 3-year-old:
            # the follow-up is about the child's things; who else it names is no one it is for
            continue
        if piece.exclude_text_words:
            words = list(dict.fromkeys([*filters.exclude_text_words, *piece.exclude_text_words]))
            filters = filters.model_copy(update={"exclude_text_words": words[:8]})
            continue  # checked against the catalog by the turn; said only if kept
        if piece.text_words:
            words = list(dict.fromkeys([*filters.text_words, *piece.text_words]))
            filters = filters.model_copy(update={"text_words": words[:8]})
        if piece.child_age is not None:
            filters = filters.model_copy(update={"child_age": piece.child_age})
        if piece.categories_all:
            levels = list(filters.categories_all)
            if any(c in levels or any(schema.siblings(c, x) for x in levels) for c in piece.categories_all):
                continue  # the shopper named the level ("women's sandals for my husband"): theirs stands
            filters = filters.model_copy(update={"categories_all": [*levels, *piece.categories_all]})
        if piece.attribute_ranges and set(piece.attribute_ranges) <= stated | (
            set(ranges) if prior.extra.get("default") else set()
        ):
            # "my studio is around 350 square feet": the stated figure, not the use case's guess; "kids
            # bike helmets" after a bike for a 2-year-old: the age said before, not a child's default
            continue
        for said_key, bounds in piece.attribute_ranges.items():
            if said_key not in stated:  # this turn's use case over an earlier turn's; a stated spec wins
                ranges[said_key] = bounds
        if "any" in prior.extra and prior.key in attributes:
            continue  # "adjustable lumbar support" already names the value
        attribute_in.update(piece.attribute_in)
        for said_key, value in piece.attributes.items():
            attributes.setdefault(said_key, value)
        if prior.label not in priors:
            priors.append(prior.label)

    if categories:
        acting_keys = self_acting_keys(text, schema.attributes(categories))
        for acting in [*acting_keys, *done_keys(text, schema.attributes(categories))]:
            # "a robot vacuum that empties its own bin": self_emptying, as if the key were said
            if acting not in attributes and acting not in attribute_in:
                attributes[acting] = "yes"
    if shown.fresh and previous is not None and _SAME_PERSON.search(text):
        # "any stem kits that would work for him?" after a building set for a 7-year-old: another
        # kind of product, the same child; an age the new kind is also filed by carries over
        specs = schema.attributes(categories)
        for age_key, bounds in previous.filters.attribute_ranges.items():
            if age_key.startswith("age") and age_key in specs and age_key not in ranges:
                ranges[age_key] = bounds
                priors += [p for p in previous.priors if ("age" in p or "year" in p) and p not in priors]
    stepped = _size_step(text, schema, categories, shown)
    if stepped is not None:  # "one size up?": the next size of the product in front of the shopper
        attributes[stepped[0]] = stepped[1]
    sized = size_values(text, schema, categories)
    if sized is not None and not sized[1]:
        # "size 17" where every range stops at 15: nothing holds it; say so rather than drop it
        asked_size = _SIZE_ASKED.search(text)
        size_said = (asked_size.group("n") or asked_size.group("l") or "") if asked_size else ""
        update["relaxed"] = [
            *plan.relaxed,
            Relaxation(
                field=sized[0],
                asked=f"in size {size_said.upper()}",
                closest=size_span(schema, categories, sized[0]),
            ),
        ]
    elif sized is not None:
        size_key, sizes = sized
        attribute_in[size_key] = sizes
        if plan.intent == "product_question" and shown.products and not shown.fresh:
            update["intent_override"] = "refine"  # "do they come in XXL?": show the ones that do

    comparative = None
    explicit_compare = bool(_EXPLICIT_COMPARE.search(text))
    # "I can stretch the budget, which ones last longer?": over the catalog, not the shown few
    whole_catalog = bool(_WHOLE_CATALOG.search(text)) or loosens_budget(text)
    refers = bool(_REFERS_TO_SHOWN.search(text))
    superlative = find_superlative(stems)
    compared = find_comparative(stems)
    yes_no = bool(_YES_NO.match(text)) and bool(shown.products) and not shown.fresh
    if yes_no and compared is not None and _names_shown(stems, compared):
        # "is the cheaper one heavier?": "the cheaper one" points at a product; "heavier" is asked
        later = find_comparative(stems[compared[3] :])
        if later is not None:
            compared = (later[0], later[1], later[2] + compared[3], later[3] + compared[3])
    if (
        compared is not None
        and shown.products
        and not shown.fresh
        and not yes_no
        and _names_shown(stems, compared)
        and (named_one := _named_by_comparison(stems, compared, plan, shown, schema, categories))
    ):
        # "the cheaper of those two - how many grams is it": a question about the product it names
        compared = None
        update["intent_override"] = "product_question"
        update["referenced_ids"] = [named_one[0]]
        update["question_override"] = named_one[1]
    if (
        compared is not None
        and plan.intent == "product_question"
        and len(plan.referenced_ids) == 1
        and _remark(text, compared[2])
        and question_dimension(text, schema, categories) is not None
    ):
        # "the featherlight, how many grams is it? he says lighter is better": the question is asked;
        # the comparative is a remark in a sentence that asks for nothing
        compared = None
    if compared is None and (said_value := _comparative_value(stems, schema, categories)):
        # "a longer one" where the category sells a Long size: that value, not a measurement
        attributes[said_value[0]] = said_value[1]
    keyed: dict[str, str] = {}  # a dimension word → the key the schema read it as ("cups" → capacity_cups)
    if superlative is None and compared is None:
        found_key = find_key_comparison(stems, schema, categories)
        if found_key is not None:
            key_found, direction_found, start, end, is_superlative = found_key
            label = key_dimension(schema, categories, key_found) or " ".join(key_words(key_found))
            keyed[label] = key_found
            if is_superlative:
                superlative = (label, "desc" if direction_found == "higher" else "asc", start, end)
            else:
                compared = (label, direction_found, start, end)  # type: ignore[assignment]

    if superlative is None and compared is None:
        compared = than_ones(stems)  # type: ignore[assignment]
    if compared is not None and _ONES_WITH.search(" ".join(stems[max(0, compared[2] - 5) : compared[2]])):
        compared = None  # "out of the ones with the bigger drive, …": the set shown, named by its comparison

    numeric_keys = (
        [k for k, a in schema.attributes(categories).items() if a.kind == "numeric"] if categories else []
    )

    def key_for(dim: str, span: tuple[int, int] | None = None) -> str | None:
        if span is not None:
            # "more RAM" names ram_gb itself, though its dimension (storage) would pick storage_gb;
            # "a bigger drive": the word after it, in the shopper's word for the key (data file)
            synonyms = lexicons().key_synonyms
            said = set(stems[span[0] : span[1] + 1])
            said |= {synonyms[w] for w in said if w in synonyms}
            named = [k for k in numeric_keys if said & {singular(w) for w in key_words(k)}]
            if len(named) == 1:
                return named[0]
        return keyed.get(dim) or dimension_key(schema, categories, dim)

    asked_key = update.pop("question_override", None)
    question: str | None = str(asked_key) if asked_key is not None else None
    intent = str(update.pop("intent_override", plan.intent))
    price_min, price_max = filters.price_min, filters.price_max

    if superlative is not None:
        dim, order, _, _ = superlative
        key = key_for(dim, (superlative[2], superlative[3]))
        if key is not None:
            sort = SortSpec(
                key=key, order=order, label=f"{dim} {'lowest' if order == 'asc' else 'highest'} first"
            )
            among_shown = (
                refers
                and not whole_catalog
                and not explicit_compare
                # "which tent has the best reviews": the kind named, not the shown pointed at
                and not _names_the_kind(
                    text, [*categories, *(p.category[-1] for p in shown.products if p.category)]
                )
                # "which is the cheapest white one": a value the shown products were not picked by
                # asks the kind again with it, sorted, not a question about what was shown
                and not (previous is not None and _adds_a_value(filters, previous.filters))
            )
            if previous is not None and not among_shown and _STORE_WIDE.search(text):
                # "the most expensive one you sell", after "cheaper than that": over everything of
                # the kind, not within bounds earlier turns put on the key sorted by
                if key == "price":
                    said_prices = parse_prices(text)
                    if said_prices.price_min is None and said_prices.price_max is None:
                        price_min = price_max = None
                elif key not in stated:
                    ranges.pop(key, None)
                # ("which ceiling fan in your whole store is the cheapest" after one "with a light":
                # every fan; a word an earlier turn asked titles to say holds only if said again)
                said_now = {singular(t.text) for t in tokenize(text)}
                kept_words = [w for w in filters.text_words if singular(w) in said_now]
                if kept_words != filters.text_words:
                    filters = filters.model_copy(update={"text_words": kept_words})
            if shown.products and not shown.fresh and among_shown:
                intent, question = "product_question", key
                update["referenced_ids"] = _pool(plan, shown)
            elif plan.intent == "compare" and 2 <= len(plan.referenced_ids) < len(shown.products):
                sort = plan.sort  # "the difference between the two cheapest": compare those two
            elif plan.intent in ("compare", "product_question"):
                intent = "refine"
        elif (
            asked_extreme := _unmeasured_extreme(text, stems, dim, plan, shown, explicit_compare)
        ) is not None:
            # "which is the lightest?" where no attribute of these weighs them (a marketplace feed):
            # what their listings say of it, not a side-by-side nor a sort by nothing
            intent, question = "product_question", None
            update["referenced_ids"] = _pool(plan, shown)
            update["asked"] = asked_extreme
    elif (asked_extreme := _unmeasured_extreme(text, stems, None, plan, shown, explicit_compare)) is not None:
        # "which is the softest?", "which one is the loudest?": an extreme no dimension of the
        # catalog's measures; the products' own facts and listings answer it
        intent, question = "product_question", None
        update["referenced_ids"] = _pool(plan, shown)
        update["asked"] = asked_extreme
    elif (
        compared is not None
        and shown.products
        and not shown.fresh
        and not whole_catalog
        and (asked := _asked_about(text, plan, shown, yes_no))
        and (key := key_for(compared[0], (compared[2], compared[3]))) is not None
    ):
        # "which one runs longer?", "is the second one quieter than the first?", "is the cheaper one
        # heavier?": a question over the shown products, answered from their facts, not a search.
        dim, direction, _, _ = compared
        order = "asc" if direction == "lower" else "desc"
        sort = SortSpec(
            key=key, order=order, label=f"{dim} {'lowest' if order == 'asc' else 'highest'} first"
        )
        intent, question = "product_question", key
        update["referenced_ids"] = asked
        if previous is not None and not _WHICH_OF_SHOWN.search(text):
            # "is the cheaper one heavier?": "the cheaper one" names a product, not a new price cap
            price_min, price_max = previous.filters.price_min, previous.filters.price_max
    elif compared is not None and shown.products and not shown.fresh and plan.intent != "compare":
        dim, direction, _, _ = compared
        key = key_for(dim, (compared[2], compared[3]))
        focused = [p for p in shown.products if p.id == shown.focus]
        # "the 25 lb one is getting too easy. anything heavier?": the shown product the message
        # names by a value of its own is the one to beat
        described = _described_one(text, shown.products)
        reference = next(
            (p for p in [*described, *focused, *shown.products] if key and field_number(p, key) is not None),
            None,
        )
        if (
            key is None
            and dim in lexicons().dimensions
            and not lexicons().dimensions[dim].field
            and categories
        ):
            # "a lighter one?" of hair dryers, which list no weight: said, not silently ignored
            update["relaxed"] = [
                *plan.relaxed,
                Relaxation(field=f"unmeasured:{dim}", asked=lexicons().dimensions[dim].noun),
            ]
        if key is not None and reference is not None:
            than = field_number(reference, key)
            assert than is not None
            before = previous.filters if previous is not None else Filters()
            if (
                described
                and reference.brand
                and norm(reference.brand) in filters.brands
                and norm(reference.brand) not in before.brands
            ):
                # "the driftwood packaway looks flimsy. anything more waterproof?": the maker named
                # with the product to beat is no filter
                filters = filters.model_copy(
                    update={"brands": [b for b in filters.brands if b != norm(reference.brand)]}
                )
            if described:
                # its own values said to name it ("the 25 lb one") are no filter either
                for k in [
                    k
                    for k, v in attributes.items()
                    if str(reference.attributes.get(k, "")).lower() == str(v).lower()
                ]:
                    if before.attributes.get(k) != attributes[k]:
                        del attributes[k]
                for k in [
                    k
                    for k in ranges
                    if k not in before.attribute_ranges
                    and _shown_figure(ranges[k], field_number(reference, k) or -1.0)
                ]:
                    del ranges[k]
            comparative = Comparative(
                key=key,
                direction=direction,
                dimension=dim,
                word=" ".join(stems[compared[2] : compared[3]]),
                than=than,
                than_id=reference.id,
            )
            stated_price = parse_prices(text) if key == "price" else None
            if stated_price is not None and (
                stated_price.price_max is not None or stated_price.price_min is not None
            ):
                pass  # "anything cheaper than $900?": the figure said is the bound, not the shown price
            elif key == "price":
                if direction == "lower":
                    price_max = round(than - 0.01, 2)
                    # "cheaper?" after "between 50 and 80": the floor of a budget band is no
                    # constraint the shopper keeps once they ask for less
                    price_min = None
                else:
                    price_min = round(than + 0.01, 2)
                    price_max = price_max if price_max is not None and price_max > price_min else None
            elif key not in stated or key not in ranges or _shown_figure(ranges[key], than):
                # "bigger, for 4 people": the number the shopper gave wins, unless it is the shown
                # product's own ("2.2 kilos empty is a lot... something lighter")
                ranges[key] = NumericRange(lt=than) if direction == "lower" else NumericRange(gt=than)
            sort = SortSpec(
                key=key, order="asc" if direction == "lower" else "desc", label=f"{dim} {direction}"
            )
            if intent in ("product_question", "compare"):
                intent = "refine"
    elif compared is not None and (shown.fresh or not shown.products):
        dim, direction, _, _ = compared
        key = key_for(dim)
        if key is not None and key != "price":
            sort = SortSpec(
                key=key, order="asc" if direction == "lower" else "desc", label=f"{dim} {direction}"
            )

    if (
        intent == "product_question"
        and _SEARCH_AGAIN.search(text)
        and not POSITION.search(text)
        and not _THE_X_ONE.search(text)
        # "the one with the lantern built in, what's its wattage": one product, asked about
        and not _THE_ONE_WITH.search(text)
    ):
        intent = "refine"  # "any blender in that range?" asks for products, not about the shown ones
    if plan.intent == "product_question" and question is None and shown.products:
        # the products asked about are read by their own category ("the weight limit" of the balance
        # bike is Ride-Ons' max weight, whatever else a gift search spanned)
        asked_of = list(
            dict.fromkeys(
                norm(p.category[-1]) for p in shown.products if p.id in plan.referenced_ids and p.category
            )
        )
        question = (asked_of and question_dimension(text, schema, asked_of)) or question_dimension(
            text, schema, categories
        )

    if shown.fresh or previous is None:
        items = _items(message, plan, schema, infer_item or infer_category, titled)
        if items and previous is not None and shown.products:
            items = [_beside(item, previous.filters.categories, schema) for item in items]
    elif _ADDS_KINDS.search(message.lower()):
        items, filters = _added_items(
            message, text, plan, previous, shown, filters, schema, infer_item or infer_category, titled
        )
    else:
        items = []
    total_budget = bool(items) and filters.price_max is not None and _TOGETHER.search(text) is not None
    if items and filters.categories_all:
        # "a snorkel set and some swim trunks": a level one item's words name (Swim) is that item's,
        # not a filter over the others
        levels = list(filters.categories_all)
        items = [
            item.model_copy(
                update={
                    "filters": item.filters.model_copy(
                        update={
                            "categories_all": [
                                *item.filters.categories_all,
                                *(c for c in levels if schema.on_one_path([*item.categories, c])),
                            ]
                        }
                    )
                }
            )
            for item in items
        ]
        filters = filters.model_copy(update={"categories_all": []})
    said = {t.stem for t in tokenize(text)}
    named_items = [i for i in previous.items if _names_item(i, said)] if previous is not None else []
    if len(named_items) > 1:
        # "ok mouse is sorted. for the keyboard, got any keyforge ones": the item the last sentence
        # naming one names, when it names only one (the others were said done with)
        for sentence in reversed(re.split(r"(?<=[.!?;])\s+", text)):
            here = [i for i in named_items if _names_item(i, {t.stem for t in tokenize(sentence)})]
            if here:
                named_items = here
                break
    if (
        not items
        and not shown.fresh
        and previous is not None
        and len(previous.items) > 1
        and (plan.intent == "refine" or (plan.intent == "product_question" and superlative is not None))
        and len(named_items) == 1
        and not any(ruled_out(part) for part in _PARTS.split(text))
    ):
        # "for the controller he only wants pioneer", "the blanket has to be under 30": that item,
        # narrowed; the others are left as they were shown
        one = named_items[0]
        filters = combine(filters.model_copy(update={"categories": one.categories}), one.filters)
    elif (
        not items
        and not shown.fresh
        and previous is not None
        and previous.items
        and plan.intent == "refine"
        and not names_category
    ):
        items = list(previous.items)  # "under fifty bucks each": the same items, with the new constraint
        ruled = {
            t.stem for part in _PARTS.split(text) if ruled_out(part) for t in tokenize(part)
        } - FILLER_WORDS
        kept_items = [i for i in items if not ruled & {t.stem for t in tokenize(i.query)}]
        if len(kept_items) < len(items):
            # "forget the kettlebell": that item goes; one left is an ordinary search in its category
            items = kept_items if len(kept_items) > 1 else []
            if len(kept_items) == 1:
                filters = filters.model_copy(update={"categories": kept_items[0].categories})

    if (
        shown.products
        and not shown.fresh
        and previous is not None
        and _THE_ONE_WITH.search(text)
        and not re.search(r"\b(?:just|only)\b", text)
    ):
        # "tell me about the one with the grinder": a shown product picked by a feature this message
        # names, not a new filter
        named_now = {k: v for k, v in attributes.items() if previous.filters.attributes.get(k) != v}
        chosen = [
            p.id
            for p in shown.products
            if named_now and all(p.attributes.get(k) == v for k, v in named_now.items())
        ]
        if 0 < len(chosen) < len(shown.products):
            intent, question = "product_question", None
            update["referenced_ids"] = chosen
            attributes = dict(previous.filters.attributes)
    update.update(
        query=query,
        filters=Filters.model_validate(
            filters.model_dump()
            | {
                "attributes": attributes,
                "attribute_ranges": {k: v.model_dump() for k, v in ranges.items()},
                "attribute_in": attribute_in,
                "price_min": price_min,
                "price_max": price_max,
            }
        ),
        priors=priors,
        sort=sort,
        comparative=comparative,
        intent=intent,
        question=question,
        items=items,
        total_budget=total_budget
        or (
            previous is not None
            and previous.total_budget
            and [i.categories for i in items] == [i.categories for i in previous.items]
        ),
    )
    shown_ids = [p.id for p in shown.products]
    if (
        intent == "product_question"
        and plan.referenced_ids == shown_ids
        and len(shown_ids) > 1
        and "referenced_ids" not in update
        and _SINGULAR.search(text)
        and not _PLURAL.search(text)
        and not superlative
    ):
        # "what size is it?": the product in front of the shopper — the one just asked about
        # ("tell me about the memory foam one", then "what's the max weight it's rated for?"), else
        # the top pick.
        update["referenced_ids"] = [shown.focus if shown.focus in shown_ids else shown_ids[0]]
    if (
        intent == "product_question"
        and not plan.referenced_ids
        and "referenced_ids" not in update
        and shown.products
    ):
        # "how heavy is it?" asks about the product in front of the shopper: the first one shown.
        singular_ref = bool(_SINGULAR.search(text)) and not superlative
        update["referenced_ids"] = [p.id for p in shown.products[: 1 if singular_ref else None]]
    return plan.model_copy(update=update)


_DETERMINERS = frozenset({"the", "a", "an", "our", "my", "his", "her", "their", "some", "this", "that", "up"})
_NARRATOR = frozenset({"i", "i'm", "im", "we", "we're", "were", "my", "our", "me", "us", "been"})


_WANTING = frozenset(
    {"thinking", "looking", "hoping", "wanting", "considering", "eyeing", "needing", "getting", "buying"}
)
"""Doings that are the ask itself ("thinking a putting mat + …", "getting a tent and a stove")."""


def _described_one(text: str, products: list[Product]) -> list[Product]:
    """The shown product "the X one" names by a value of its own ("the 25 lb one", "the blue one"),
    said before a comparison, when exactly one shown product has it."""
    named = _named_one(text, products)
    if named:
        return named
    m = _THE_DESCRIBED_ONE.search(text)
    if m is None:
        return []
    said = m.group("what").strip().lower()
    said_compact = re.sub(r"\s+", "", said)
    hits = [
        p
        for p in products
        if any(
            re.sub(r"\s+", "", str(v).lower()) == said_compact
            for v in (*p.attributes.values(), p.color or "")
        )
    ]
    return hits[:1] if len({p.id for p in hits}) == 1 else []


def _named_one(text: str, products: list[Product]) -> list[Product]:
    """The shown product a sentence names by its own words ("the driftwood packaway looks flimsy"):
    the longest run after "the"/"that"/"this" whose every word is in one product family's brand and
    title (its color variants), and not in every shown product's."""
    best: list[Product] = []
    best_len = 0
    for m in _THE_NAMED.finditer(text.lower()):
        words = re.findall(r"[a-z0-9]+", m.group("what"))
        for n in range(len(words), 0, -1):
            run = [w for w in words[:n] if len(w) > 2]
            if not run or n <= best_len:
                continue
            hits = [
                p
                for p in products
                if all(re.search(rf"\b{re.escape(w)}\b", f"{p.brand or ''} {p.title}".lower()) for w in run)
            ]
            families = {(p.attributes.get("variant_of") or re.sub(r",[^,]*$", "", p.title)) for p in hits}
            if hits and len(hits) < len(products) and len(families) == 1:
                best, best_len = hits[:1], n
                break
    return best


_THE_NAMED = re.compile(r"\b(?:the|that|this)\s+(?P<what>[a-z0-9&' -]{3,40})")

_THE_DESCRIBED_ONE = re.compile(r"\b(?:the|that|this|my)\s+(?P<what>[\w.\- ]{1,20}?)\s+one\b")


def _context_part(part: str) -> bool:
    """A part of the message that tells what the shopper is doing, not what they ask for: it opens
    with the shopper ("I'm", "we", "my") or a doing ("redoing the drain", "remodeling the bathroom")."""
    words = tokenize(part)
    if not words:
        return False
    first = words[0].text
    # a doing takes an object ("redoing the drain"); "sleeping bags" or "standing desk" name a product
    doing = (
        first.endswith("ing") and first not in _WANTING and len(words) > 1 and words[1].text in _DETERMINERS
    )
    return (first in _NARRATOR or doing) and not ASK_CUE.search(part)


def _opens_on_item(part: str) -> bool:
    """ "also a cork block", "throw in some bands": a part that, its ask words aside, opens on its item."""
    return _LEADS_AN_ITEM.match(ASK_CUE.sub(" ", part)) is not None


def _sets_the_scene(
    parts: list[str],
    schema: CatalogSchema,
    infer: Callable[[str], list[str]],
    titled: Callable[[str], str] | None = None,
) -> bool:
    """The first part names no product, or only a level holding what the next part asks for
    ("going camping saturday, need a tent and …": Camping holds Tents). A first part said as an item
    whose words products' titles say ("also a cork block and …") is no scene."""
    first = infer(parts[0])
    if not first:
        return not (titled is not None and _opens_on_item(parts[0]) and titled(parts[0]))
    level = norm(first[0].rstrip("~"))
    nxt = infer(parts[1])
    held = {leaf.casefold() for leaf in schema.parents.get(level, [])}
    return bool(nxt) and norm(nxt[0].rstrip("~")) in held


def _adds_a_value(now: Filters, before: Filters) -> bool:
    """Whether ``now`` asks a color, brand or attribute value ``before`` did not."""
    if set(now.colors) - set(before.colors) or set(now.brands) - set(before.brands):
        return True
    if any(before.attributes.get(key) != value for key, value in now.attributes.items()):
        return True
    return bool(set(now.text_words) - set(before.text_words))


def prior_filters(prior: Prior, schema: CatalogSchema, categories: Sequence[str]) -> Filters:
    """The constraint a use-case prior puts on ``categories`` ("for a 7-year-old": age_min ≤ 7; "for
    my husband": gender men's, or the Men level where the catalog files by one); empty for a sort."""
    if "exclude" in prior.extra:
        return Filters(exclude_text_words=prior.extra["exclude"].split("|")[:8])
    if "include" in prior.extra:
        age = prior.extra.get("age")
        return Filters(text_words=[prior.extra["include"]], child_age=int(age) if age else None)
    if "level" in prior.extra:
        return Filters(categories_all=[prior.value or ""])
    if prior.bounds is not None:
        return Filters(attribute_ranges={prior.key: prior.bounds})
    if prior.value is not None and "among" in prior.extra:
        return Filters(attribute_in={prior.key: prior.extra["among"].split("|")})
    if prior.value is not None and "contains" in prior.extra:
        values = schema.attributes(categories)[prior.key].values
        return Filters(attribute_in={prior.key: [v for v in values if prior.extra["contains"] in v]})
    if "any" in prior.extra:
        values = schema.attributes(categories)[prior.key].values
        return Filters(attribute_in={prior.key: [v for v in values if v not in ("no", "false", "none")]})
    if prior.value is not None:
        return Filters(attributes={prior.key: prior.value})
    return Filters()


def _ends_naming(part: str, infer: Callable[[str], list[str]]) -> bool:
    """Whether ``part`` ends with the name of a kind the catalog files (not a guessed one)."""
    named = infer(part)
    if not named or named[0].endswith("~"):
        return False
    words = tokenize(part)
    return bool(words) and words[-1].stem in {t.stem for t in tokenize(named[0])}


_ONES_WITH = re.compile(r"\b(?:the|those|these)\s+ones?\s+(?:with|that\s+ha(?:ve|s))(?:\s+the)?$")


def _shown_figure(said: NumericRange, shown: float) -> bool:
    """Whether a figure said as one value (a nominal range: "2.2 kilos") is the shown product's own."""
    low, high = said.gte if said.gte is not None else said.gt, said.lte if said.lte is not None else said.lt
    return low is not None and high is not None and said.holds(shown)


def _names_item(item: ItemAsk, said: set[str]) -> bool:
    """Whether a follow-up's words (``said``, stems) name the item's kind: its category's head word."""
    heads = {
        singular(words[-1])
        for c in item.categories
        for part in re.split(r"\s*[&,]\s*|\s+and\s+", c)
        if (words := re.findall(r"[a-z]+", part.lower()))
    }
    return bool(heads & said)


def _item_filters(message: str, schema: CatalogSchema, leaf: str) -> Filters:
    """What the whole message's use cases ask of one item ("my 7 year old … a rain jacket and a
    sleeping bag": kids' sizes for the jacket, a child's age for the bag), where its category has it."""
    if not schema.leaves(leaf):
        return Filters()
    found = Filters()
    for prior in use_case_priors(_COMPLAINT.sub(" ", message.lower()), schema, [leaf]):
        found = combine(prior_filters(prior, schema, [leaf]), found)  # an earlier use case's value stands
    return found


_PEOPLE_WORDS = frozenset(
    {
        "me",
        "us",
        "him",
        "her",
        "them",
        "my",
        "our",
        "his",
        "the",
        "wife",
        "husband",
        "partner",
        "gf",
        "bf",
        "girlfriend",
        "boyfriend",
        "mom",
        "mum",
        "dad",
        "roommate",
        "roomie",
        "buddy",
        "buddies",
    }
)


@lru_cache(maxsize=1)
def people_words() -> frozenset[str]:
    """Words that name people: the list's own and the lexicon's children and relatives."""
    children = lexicons().children
    return _PEOPLE_WORDS | {singular(w) for w in [*children["words"], *children.get("people", [])]}


_STRANDED = re.compile(
    r"\b(?:i|we|you|u|he|she|they|it)\s+(?:can|could|will|would|'ll|'d|wanna|want\s+to|need\s+to)?\s*"
    r"[a-z]+(?:\s+[a-z]+){0,3}\s+(?:on|in|into|onto|with|to|at|from|around|over|off|up|about|under)$"
)


_FOR_DOING = re.compile(r"\bfor\s+[a-z]+ing\b[^,.;:!?]*$")


def _only_people(part: str) -> bool:
    """A part of a list that names only people ("me", "my brother", "the kids"), no product."""
    people = people_words()
    words = [t.stem for t in tokenize(part) if t.text not in FILLER_WORDS or t.text in _PEOPLE_WORDS]
    return bool(words) and all(w in people or singular(w) in people for w in words)


def _added_items(
    message: str,
    text: str,
    plan: QueryPlan,
    previous: QueryPlan,
    shown: ShownContext,
    filters: Filters,
    schema: CatalogSchema,
    infer: Callable[[str], list[str]] | None,
    titled: Callable[[str], str] | None = None,
) -> tuple[list[ItemAsk], Filters]:
    """ "also a silverware set and some drinking glasses to go with it": other kinds added to what was
    shown, each a group of its own (none the kind shown), with the plan's filters as this message says
    them; ``([], filters)`` when the message adds no such kinds."""
    items = _items(message, plan.model_copy(update={"intent": "search"}), schema, infer, titled)
    before = set(previous.filters.categories) | {norm(p.category[-1]) for p in shown.products if p.category}
    if not items or any(set(item.categories) & before for item in items):
        return [], filters
    # what was asked of the kind shown (its colors, sizes, makers) is not asked of these; what this
    # message says (a price, "60 liters or more") is
    priced = parse_prices(text)
    old = previous.filters
    said = Filters(
        price_min=priced.price_min,
        price_max=priced.price_max,
        attributes=_said_now(filters.attributes, old.attributes),
        attribute_in=_said_now(filters.attribute_in, old.attribute_in),
        attribute_ranges=_said_now(filters.attribute_ranges, old.attribute_ranges),
    )
    return [_beside(item, previous.filters.categories, schema) for item in items], said


def _said_now(now: Mapping[str, Any], before: Mapping[str, Any]) -> dict[str, Any]:
    """The entries of ``now`` the previous plan did not have (with that value)."""
    return {k: v for k, v in now.items() if before.get(k) != v}


def _beside(item: ItemAsk, shown_kinds: Sequence[str], schema: CatalogSchema) -> ItemAsk:
    """ "add a stand to keep it on and a strap for her" after guitars: the item's kind under the
    deepest level that also holds the kind shown (Musical Instruments' stands, not laptop stands),
    when that narrows it."""
    if not item.categories:
        return item
    kind = item.categories[0]
    everywhere = schema.on_one_path([kind])
    shared = [
        level
        for level in {a for c in shown_kinds for a in schema.above(c)}
        if 0 < schema.on_one_path([level, kind]) < everywhere
    ]
    if not shared:
        return item
    level = max(shared, key=lambda c: (schema.depth(c), c))
    filters = item.filters.model_copy(update={"categories_all": [*item.filters.categories_all, level]})
    return item.model_copy(update={"filters": filters})


def _items(
    message: str,
    plan: QueryPlan,
    schema: CatalogSchema,
    infer: Callable[[str], list[str]] | None,
    titled: Callable[[str], str] | None = None,
) -> list[ItemAsk]:
    """ "a tent and a sleeping bag" → two asks, each with the category its words name. An item
    whose words name no kind but are the catalog's own title words ("a cork block", "something for
    him to chew on") is searched by its words, when another item names a kind and the shopper said
    it as an item of its own ("and a …", "plus some …")."""
    if infer is None or plan.intent not in ("search", "refine"):
        return []
    lowered = message.lower()
    parts = [p.strip(" ,.?!") for p in _MULTI_JOIN.split(lowered) if p.strip(" ,.?!")]
    # the parts said after a joiner with its own determiner ("… and a cork block")
    determiners = {
        lowered[m.end() :].split(" ")[0].strip(" ,.?!"): said.group(0).strip()
        for m in _MULTI_JOIN.finditer(lowered)
        if (said := re.search(r"\b(?:an?|some|the)\s*$", m.group(0)))
    }
    determined = set(determiners)
    # "ok and i need wine glasses plus some cloth napkins": a part of chat words alone is no item
    parts = [p for p in parts if any(t.stem not in FILLER_WORDS for t in tokenize(p))]
    scene = ""
    if len(parts) >= 2:
        # the items are asked in one sentence: what the sentences before it say is the scene
        # ("dads bday is coming up, he lives on the golf course. thinking a putting mat + …")
        whole, parts[0] = parts[0], _SENTENCE_END.split(parts[0])[-1].strip(" ,.?!") or parts[0]
        scene = whole if whole != parts[0] else ""
    # "a tent for me and my brother plus a big pack": a part that is only who it is for belongs to
    # the part before it
    merged: list[str] = []
    for part in parts:
        # "a board i can stand on and paddle around the lake with": a part ending in a preposition
        # left without its object joins two verbs of one clause, not two items ("… stand on and a
        # paddle": the next part's own article makes it one); so does one ending in what the thing
        # is for ("a tool for carving pumpkins and little wood projects": two uses of one tool)
        if merged and (
            _only_people(part)
            or (
                (_STRANDED.search(merged[-1]) or _FOR_DOING.search(merged[-1]))
                and part.split(" ")[0] not in determined
            )
        ):
            merged[-1] = f"{merged[-1]} and {part}"
        else:
            merged.append(part)
    parts = merged
    if len(parts) == 2 and "," in parts[0]:
        # "a tent, a sleeping bag and a stove": the list before the last joiner
        parts = [q.strip(" ,.?!") for q in parts[0].split(",") if q.strip(" ,.?!")] + parts[1:]
    while len(parts) >= 2 and _context_part(parts[0]):
        parts = parts[1:]  # "redoing the drain under my sink and need some pipe fittings": one ask
    while (
        len(parts) >= 2
        and not ASK_CUE.search(parts[0])
        and any(ASK_CUE.search(p) for p in parts[1:])
        and len(tokenize(parts[0])) >= 4
        # "thinking a putting mat + one of those fishing hats": a part that ends naming a kind the
        # catalog files is an item, asked or not ("back door swells up every summer" sets a scene)
        and not _ends_naming(parts[0], infer)
    ):
        parts = parts[1:]  # "back door swells up every summer n sticks, i need a planer": the ask comes later
    while len(parts) >= 2 and _sets_the_scene(parts, schema, infer, titled):
        parts = parts[1:]  # "going on a boat trip saturday, need a hat and some sunglasses": the trip
    if len(parts) < 2 or len(parts) > 4:
        return []
    asks: list[ItemAsk] = []
    seen: set[str] = set()
    firm = False
    for part in parts:
        # (read with the article the joiner took: "… and a stuffed animal" is said as a thing)
        first_word = part.split(" ")[0] if part else ""
        cats = infer(part)
        if not cats and part is not parts[0] and first_word in determiners:
            # (a kind another item already is stays that item's: "a kettlebell and a set of
            # adjustable dumbbells" are two things of Strength Training, each searched by its words)
            retried = infer(f"{determiners[first_word]} {part}")
            if retried and norm(retried[0].rstrip("~")) not in seen:
                cats = retried
        if part is parts[0] and scene and (in_scene := infer(scene)):
            # "anniversary picnic this weekend - need a basket": a kind the scene narrows the item's
            # own head noun to (Picnic Baskets), not one the scene alone names (a workout "kit")
            head = singular(part.split()[-1]) if part.split() else ""
            if head in {singular(w) for w in re.findall(r"[a-z]+", in_scene[0].rstrip("~").lower())}:
                cats = in_scene
        if not cats:
            first = part.split(" ")[0] if part else ""
            said_as_item = (
                _SOMETHING.match(part) is not None
                or (part is parts[0] and _opens_on_item(part))
                or (part is not parts[0] and first in determined)
            )
            # ("and a pots and pans set": "a" before a plural opens one product's name, not an item)
            article = re.findall(r"\b(an?|some)\s+[a-z]", part)
            last = part.split()[-1] if part.split() else ""
            if (article and article[-1] != "some" and singular(last) != last) or _PREDICATE.search(part):
                # ("… and a drawing tablet have to fit on it": what is said of a thing, no item)
                said_as_item = False
            words = titled(part) if titled is not None and said_as_item else ""
            if not words:
                return []
            asks.append(ItemAsk(query=words))  # its words, any kind
            continue
        guessed = cats[0].endswith("~")
        firm = firm or not guessed
        leaf = norm(cats[0].rstrip("~"))
        if leaf in seen:
            return []
        seen.add(leaf)
        own = _item_filters(message, schema, leaf)
        if schema.leaves(leaf):
            # what the item's own words measure ("a big pack, 60 liters or more")
            keys = schema.attributes([leaf])
            ranges = {m.key: m.bounds for m in parse_specs(part, schema, [leaf]) if m.key in keys}
            if ranges:
                own = combine(own, Filters(attribute_ranges=ranges))
        asks.append(ItemAsk(query=part, categories=[leaf], filters=own))
    if not firm:
        return []  # "a spoon and fork combo" is one product: at least one item must be a kind the catalog names
    # "a tablet … plus a case": an item's kind under the level it shares with the other items'
    # (Computers & Accessories' cases, not AirPods cases)
    return [_beside(a, [c for b in asks if b is not a for c in b.categories], schema) for a in asks]

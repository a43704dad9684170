"""Features a catalog states only in its product text: "gotta be polarized", "leather ones", "one
with a keychain", "vegan marshmallows".

A curated catalog files such features as attributes and the planner filters on them; a raw
marketplace feed (ESCI) has no attributes, and the feature lives in the product's title or bullet
points. This stage reads the words a shopper says a product must have, from the places a requirement
sits in a sentence (a modifier right before the product word or a pro-form, the noun right after a
category word, "with X", "has to be X"),
keeps only the words no other reading claims (a category, brand, color or attribute value, a
comparative, use or judging word), and leaves it to the caller to check the catalog: a word becomes a
text filter (``Filters.text_words``) only when some but not all of the products asked about say it
(:func:`distinguishes`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache

import numpy as np

from assistant.plan.intents import find_clears
from assistant.plan.planner import (
    NOT_THE_ONE_WITH,
    PREFERENCE_TERMS,
    describes,
    is_pro_form,
    kind_words,
    part_said,
    product_phrase,
    states_feature,
)
from assistant.plan.prices import CORRECTION, parse_prices
from assistant.plan.semantics import (
    KIDS_LABEL,
    KIDS_WORD,
    child_uses_it,
    derived_from,
    find_superlative,
    lexicons,
    said_quantities,
    unit_display_dimension,
    use_case_priors,
)
from assistant.plan.text import COLOR_WORDS, FILLER_WORDS, Token, singular, tokenize
from assistant.plan.vocab import (
    VERB_MODALS,
    ValueMatch,
    VocabularyMatcher,
    complained_of,
    matcher_for,
    negated_words,
    negation_after,
    said_either_way,
    text_negation_cues,
)
from assistant.plan.word_class import word_classes
from assistant.schemas import QueryPlan
from retrieval.filters import Filters, NumericRange
from retrieval.products import Vocabulary
from retrieval.quantities import unit_of
from retrieval.schema import AttributeSpec, CatalogSchema, key_words
from retrieval.snapshot import CatalogSnapshot
from retrieval.text import analyze

__all__ = [
    "MIN_SHARE",
    "PART_SHARE",
    "distinguishes",
    "part_of_kind",
    "said_exclusions",
    "said_features",
    "sizes_asked",
    "with_text_words",
]

MIN_SHARE = 0.03
"""A feature word must be in at least this share of the asked products' text (and 2 of them): rarer,
it is incidental, not a feature the category is sold by."""

PART_SHARE = 0.1
"""Another category's name said in a follow-up is a part or feature of the kind shown ("remote
control" of ceiling fans, "pump" of paddle boards) when at least this share of the kind's titles (and
2 of them) say it: rarer, the shopper asks for that other kind."""

_PRO_FORMS = frozenset(
    {"one", "ones", "pair", "pairs", "kind", "kinds", "version", "versions", "type", "types"}
)
_VERB_BEFORE = VERB_MODALS | {"to"}
_WHOSE = frozenset({"his", "her", "hers", "their", "theirs", "mine", "our", "ours", "your", "yours", "its"})
_REQUIRES = re.compile(
    r"\b(?:gotta|got\s+to|has\s+to|have\s+to|must|needs?\s+to|should)\s+be\s+(?P<w>[a-z][a-z-]+)"
    # "gummies or nothing", "nothing but gummies": the only form taken
    r"|\b(?P<v>[a-z][a-z-]+)\s+or\s+nothing\b|\bnothing\s+but\s+(?P<u>[a-z][a-z-]+)"
)
# "the cheapest one that's actually human hair", "any that are curved?": what the product asked for is,
# said as the complement of a relative clause after a stand-in for it
_THAT_IS = re.compile(
    r"\b(?:one|ones|any|anything|something|kind|type)\s+(?:that(?:'s|s|\s+is|\s+are|\s+r)|which\s+(?:is|are))\s+"
    r"(?:(?:actually|really|real|genuine|all|made\s+(?:of|from|with))\s+)*(?P<w>[a-z][a-z-]+)"
    # ("one that's under 40", "ones that are about 20 bucks": a price or size, read elsewhere)
    r"(?![a-z-]|\s+\$?\d)"
)
_WITH = re.compile(
    r"\b(?:with|has|have|having)\s+(?:(?:a|an|the|some|built-in)\s+)?(?P<w>[a-z][a-z-]+)"
    # "a scrub brush that attaches to a regular drill": what it works with, its text says
    r"|\b(?:attach(?:es)?|fits?|goes|connects?|mounts?|clips?|hooks?)\s+(?:on|onto|to|in|into|up\s+to)\s+"
    r"(?:a|an|the|my|your|any|our)\s+(?:(?:regular|standard|normal|ordinary|cordless|power)\s+)?(?P<v>[a-z][a-z-]+)"
    # "do any come as gummies?": the form asked for
    r"|\bcomes?\s+as\s+(?:a\s+|an\s+)?(?P<u>[a-z][a-z-]+)"
)


@lru_cache(maxsize=1)
def _evaluative() -> frozenset[str]:
    """Words that judge rather than describe ("proper", "decent"): never a title feature (data file)."""
    from assistant.plan.semantics import lexicons

    return frozenset(lexicons().evaluative)


def said_features(
    message: str,
    matcher: VocabularyMatcher,
    is_kind: Callable[[str], bool] | None = None,
    foreign: Callable[[ValueMatch], bool] | None = None,
    head: str = "",
    modifiers: Sequence[str] = (),
    stated: bool = False,
    fresh: bool = True,
) -> list[str]:
    """The words ``message`` asks a product to have that nothing else in the catalog's vocabulary
    reads: candidates for a title filter, in the order said. With ``is_kind``, only a category word
    that names the kind asked for is qualified by the word before it ("wine glasses as a wedding
    gift": the occasion qualifies the gift, not the glasses). ``foreign`` tells a value of another
    category ("queen" is a mattress size; a bed frame's title may still say it): a word like any other.
    ``modifiers`` is the phrase naming the product up to the words of the kind's own name ("stainless
    steel" of "stainless steel water bottle" asked as Sports Water Bottles): each of its words is
    where a feature sits, even a word naming another kind when the ask is ``fresh`` ("a yoga paddle
    board"; a follow-up's phrase is a feature's, "they need real active noise cancelling"). With
    ``stated`` (the kinds asked carry no attributes), a preference or use word ("cordless",
    "insulated") is a feature like any other: only the products' text states it."""
    text = message.lower()
    tokens = tokenize(text)
    values = [m for m in matcher.find(tokens) if foreign is None or not foreign(m)]
    matched = {i for m in values for i in range(m.start, m.end)}
    # a category word after "one with" names a part the product has ("one with a keychain")
    valued = {i for m in values if m.kind != "category" for i in range(m.start, m.end)}
    heads = {m.start for m in values if m.kind == "category" and (is_kind is None or is_kind(m.value))}
    # where a word names a kind off the asked kinds' paths (Yoga, said of paddle boards; not Women or
    # Costumes of "womens witch costumes")
    other_kinds = {
        i
        for m in values
        if m.kind == "category" and (is_kind is None or not is_kind(m.value))
        for i in range(m.start, m.end)
    }
    after = {m.end for m in values if m.kind == "category"}
    # "a pencil skirt": another kind's name right before the kind asked qualifies it, as a word
    qualifying = {
        m.start
        for m in values
        if m.kind == "category"
        and is_kind is not None
        and m.end == m.start + 1
        and m.end in heads
        and not is_kind(m.value)
        # (not the second word of a compound style: "flush mount ceiling light")
        and (m.start == 0 or tokens[m.start - 1].stem in FILLER_WORDS)
    }
    spots: dict[int, set[int]] = {}
    for i in range(len(tokens)):
        if i + 1 < len(tokens) and (i + 1 in heads or tokens[i + 1].text in _PRO_FORMS):
            spots[i] = (
                matched - qualifying if i in qualifying else matched
            )  # "polarized sunglasses", "leather ones"
        elif i in after and not re.search(r"[,.;:!?]", text[tokens[i - 1].end : tokens[i].start]):
            # "a yoga mat": the noun a category word qualifies (Yoga holds blocks too); not across a
            # comma ("wine glasses, both together under seventy")
            spots[i] = matched
    extreme = find_superlative([t.stem for t in tokens])
    if (
        extreme is not None
        and extreme[3] < len(tokens)
        and extreme[3] not in matched
        and not is_pro_form(tokens[extreme[3]].text)
        and not (extreme[3] + 1 < len(tokens) and tokens[extreme[3] + 1].text == "of")  # "pair of"
    ):
        spots.setdefault(extreme[3], matched)  # "the heaviest kettlebell you carry": the kind asked
    if head:
        # "3 wheel scooter for my kid" under Ride-Ons: the noun that named the kind, when no
        # category word did, is what the products' text must say
        at = max((i for i, t in enumerate(tokens) if t.text == head), default=None)
        if at is not None:
            spots.setdefault(at, matched)
    for i in _modifier_spots(text, tokens, modifiers):
        # "a yoga paddle board": a word of the phrase naming the product that the kind's own titles
        # say qualifies it, even where it is also the name of another kind (Yoga)
        spots.setdefault(i, matched - other_kinds if fresh else matched)
    manner = lexicons().manner
    for i in [i for i in spots if i > 0 and tokens[i].text in manner and tokens[i - 1].text.isalpha()]:
        # "tropical style ceiling fan": the word before the manner noun is the feature
        spots.setdefault(i - 1, spots.pop(i))
    content = [i for i, t in enumerate(tokens) if t.text.isalpha() and t.stem not in FILLER_WORDS]
    if len(content) == 1 and content[0] not in matched:
        spots.setdefault(content[0], matched)  # "queen" after bed frames: the one word said
    for pattern in (_REQUIRES, _WITH, _THAT_IS):
        for m in pattern.finditer(text):
            group = next(g for g in ("w", "v", "u") if g in m.re.groupindex and m.group(g))
            at = next((i for i, t in enumerate(tokens) if t.start == m.start(group)), None)
            if at is not None:
                spots.setdefault(at, valued)
    # "fragrance free": what it is without, read by said_free and said_exclusions
    freed = {j for i in _free_pairs(tokens) for j in (i, i + 1)}
    found: list[str] = []
    for i in sorted(spots):
        t = tokens[i]
        if (
            i not in freed
            and not _measure(tokens, i)
            and _feature_word(t, i, tokens, spots[i], stated)
            and t.text not in found
        ):
            found.append(t.text)
    return found


_COUNTED = frozenset({"a", "an", "one", "two", "three", "couple", "few", "several", "some", "another"})


def _measure(tokens: list[Token], i: int) -> bool:
    """ "a tube of silicone caulk", "a pack of socks": how much of the product comes, not a feature
    its text must state (a count or article before it, "of" after it)."""
    return (
        0 < i < len(tokens) - 1
        and tokens[i + 1].text == "of"
        and (tokens[i - 1].text in _COUNTED or tokens[i - 1].text.isdigit())
    )


def _modifier_spots(text: str, tokens: list[Token], modifiers: Sequence[str]) -> list[int]:
    """Where the words of ``modifiers`` stand in ``tokens`` (their last run in a row), back from the
    kind's name no further than a slash or comma ("a reusable fork/spoon set": spoon; the fork is
    another item of the set, not what qualifies it)."""
    n = len(modifiers)
    if not n:
        return []
    said = [t.text for t in tokens]
    at = next((i for i in range(len(said) - n, -1, -1) if said[i : i + n] == list(modifiers)), None)
    if at is None:
        return []
    start = at + n - 1
    while start > at and re.fullmatch(r"[\s-]*", text[tokens[start - 1].end : tokens[start].start]):
        start -= 1
    return list(range(start, at + n))


def kind_modifiers(
    kind_phrase: str, kinds: Sequence[str], titled: Callable[[str], bool] = lambda w: True
) -> list[str]:
    """The words of the phrase naming the product before its head and the words of the asked kinds'
    names said before it ("stainless steel water bottle" asked as Sports Water Bottles: stainless,
    steel; "leather tool roll" as Tool Bags: leather; "clawfoot tub faucet" as Bathtub & Shower
    Trim Systems: clawfoot, "tub" being part of a word of the name): what qualifies the kind, as said,
    as far back as the kind's titles (``titled``) say each word ("the festival banned plastic
    glitter": nothing, no glitter title says plastic; "carbon plated running shoes": nothing, no
    running shoe title says plated)."""
    manner = lexicons().manner
    # ("tropical style ceiling fan": the manner noun says the word before it is the feature)
    said = [t.text for k, t in enumerate(tokenize(kind_phrase.lower())) if not (k and t.text in manner)]
    if len(said) < 2 or not kinds:
        return []
    named = _kind_words(kinds)

    def of_name(word: str) -> bool:
        w = singular(word)
        return w in named or (
            len(w) >= 3 and any(n != w and (n.endswith(w) or n.startswith(w)) for n in named)
        )

    end = len(said) - 1
    while end > 0 and of_name(said[end - 1]):
        end -= 1
    start = end
    while start > 0 and said[start - 1].isalpha() and titled(said[start - 1]):
        start -= 1
    return said[start:end]


def _free_pairs(tokens: list[Token]) -> list[int]:
    """Where a word is followed by an absence word ("fragrance free", "gluten-free"): its position."""
    after = negation_after()
    return [
        i
        for i in range(len(tokens) - 1)
        if tokens[i + 1].stem in after and tokens[i].text.isalpha() and tokens[i].text not in after
    ]


def said_free(message: str) -> list[str]:
    """What a message asks a product to say it is without, as its titles say it ("needs to be
    fragrance free" → "fragrance free"): a product stating it beats one that merely doesn't mention it."""
    tokens = tokenize(message.lower())
    return [
        f"{tokens[i].text} {tokens[i + 1].text}"
        for i in _free_pairs(tokens)
        if len(tokens[i].text) >= 3 and tokens[i].stem not in FILLER_WORDS and not describes(tokens[i].text)
    ]


def said_requirements(message: str) -> list[str]:
    """The words a message asks for outright ("has to be X", "with X", "come as X", "attaches to a X",
    "one that's X")."""
    text = message.lower()
    found: list[str] = []
    for pattern in (_REQUIRES, _WITH, _THAT_IS):
        for m in pattern.finditer(text):
            word = next(m.group(g) for g in ("w", "v", "u") if g in m.re.groupindex and m.group(g))
            if word not in found:
                found.append(word)
    return found


def _feature_word(t: Token, i: int, tokens: list[Token], matched: set[int], stated: bool = False) -> bool:
    word = t.text
    if i in matched:
        return False
    if _CODE.fullmatch(word) and not _SIZE.fullmatch(word):
        return True  # "a 4k monitor", "1080p", "ps5": a code titles spell as said (never a size)
    if not word.isalpha() or len(word) < 3:
        return False
    if word in FILLER_WORDS or t.stem in FILLER_WORDS or word in COLOR_WORDS or word in _evaluative():
        return False
    if word in _WHOSE:
        return False  # "to go with his tux": whose, never a feature
    if (classes := word_classes(word)) and classes <= {"ADV"}:
        return False  # "shirts always come out wrinkled": how often, never a feature
    if describes(word) and not (stated and states_feature(word)):
        return False  # a comparative, dimension, use or preference word: read elsewhere
    if i and tokens[i - 1].text in _VERB_BEFORE:
        return False  # "wants to learn guitar": a verb, not a kind of guitar
    if said_either_way([x.stem for x in tokens], i, i + 1):
        return False  # "doesn't have to be an espresso one": allowed, not asked
    before = " ".join(x.text for x in tokens[max(0, i - 3) : i])
    after = " ".join(x.text for x in tokens[i + 1 : i + 5])
    # "not leather", "the plastic ones always leak": an exclusion, not a feature
    return not negated_words(before, word, after)


_CODE = re.compile(r"(?=[a-z]*\d)(?=\d*[a-z])(?![0-9]+(?:st|nd|rd|th|s|yo|yr|yrs|y|m|k)?$)[a-z0-9]{2,8}|\d+k")


def distinguishes(with_word: int, total: int) -> bool:
    """Whether a word said in ``with_word`` of the ``total`` products asked about picks some of them."""
    # one product of a handful ("any leather ones?" among the two bands under $10) picks it too
    enough = with_word >= 2 or (with_word == 1 and total <= 5)
    return total > 0 and enough and with_word < total and with_word >= MIN_SHARE * total


_WITHOUT = re.compile(
    # "not the one with fluoride in it", "not the ones that have glass" (before "not <word>")
    NOT_THE_ONE_WITH.pattern +
    # "not the coke one": the word that names the shown one to leave out
    r"|\b(?:not|no)\s+(?:the|that|those|these)\s+(?P<x>[a-z][a-z-]+)\s+ones?\b"
    r"|\b(?:without|no|non|not|sans|zero)\s+(?:any\s+|added\s+|real\s+)?(?P<w>[a-z][a-z-]+)"
    r"|\b(?P<f>[a-z]+)[-\s]free\b"
    # "nothing in capsules tho", "none with fragrance"
    r"|\b(?:nothing|none)\s+(?:in|with|that\s+(?:has|have|comes?\s+in))\s+(?:an?\s+)?(?P<n>[a-z][a-z-]+)"
)


@lru_cache(maxsize=1)
def _ruled_out_after() -> re.Pattern[str]:
    """ "done with nonstick pans", "cant have gelatin": a cue of ``text_cues``, fillers, the word."""
    cues = "|".join(re.escape(c).replace(r"\ ", r"\s+").replace("'", "'?") for c in text_negation_cues())
    return re.compile(
        rf"\b(?:{cues})\s+(?:(?:any|the|a|an|those|these|that|this|all|more|of|them|with)\s+)*(?P<c>[a-z][a-z-]+)"
    )


def said_exclusions(message: str, matcher: VocabularyMatcher) -> list[str]:
    """The words ``message`` rules out that nothing else in the catalog's vocabulary reads ("a
    toothpaste without any fluoride", "gluten-free pasta", "done with nonstick"): candidates for an
    exclusion on titles."""
    text = message.lower()
    tokens = tokenize(text)
    values = matcher.find(tokens)
    matched = {i for m in values for i in range(m.start, m.end)}
    # "fragrance free" where Fragrance is also a department: the word is still what it is without
    named = {i for m in values if m.kind != "category" for i in range(m.start, m.end)}
    found: list[str] = []
    stems = [t.stem for t in tokens]
    said: list[tuple[str, int]] = []  # (how it was said, where the word starts)
    for m in [*_WITHOUT.finditer(text), *_ruled_out_after().finditer(text)]:
        group = next(g for g in ("w", "f", "n", "o", "x", "c") if g in m.re.groupindex and m.group(g))
        said.append((group, m.start(group)))
    # "the plastic ones always leak": the feature said as the subject of a complaint
    said += [
        ("k", tokens[i].start)
        for i in range(len(tokens) - 1)
        if complained_of(stems, i + 1) and (i == 0 or tokens[i - 1].text in ("the", "those", "these"))
    ]
    for group, start in said:
        at = next((i for i, t in enumerate(tokens) if t.start == start), None)
        if at is None:
            continue
        t = tokens[at]
        word = t.text
        if (
            at in (named if group == "f" else matched)
            or not word.isalpha()
            or len(word) < 3
            or word in FILLER_WORDS
            or t.stem in FILLER_WORDS
            or word in _evaluative()
            or describes(word)
            or word in found
        ):
            continue
        found.append(word)
    return found


def _names_a_class(word: str, kind_phrase: str, snap: CatalogSnapshot, of_kind: np.ndarray) -> bool:
    """Whether some title of the kind says ``word`` right before the next word of ``kind_phrase``
    ("Family Tent", "Expedition Sleeping Bag"): a class of the kind named, not a use one title
    mentions in passing ("Travel Mini Hair Dryer" names no travel hair dryer class)."""
    words = kind_phrase.lower().split()
    if word not in words or words.index(word) + 1 >= len(words):
        return False
    after = singular(words[words.index(word) + 1])
    pattern = re.compile(rf"\b{re.escape(word)}[\s-]+{re.escape(after)}", re.IGNORECASE)
    return any(
        pattern.search(snap.products[i].title) for i in np.flatnonzero(of_kind & snap.title_says(word))
    )


@lru_cache(maxsize=1)
def _use_words() -> frozenset[str]:
    """The words of every use case's phrases (``use_cases.yaml``), singular, less the preference terms."""
    said = {
        singular(w)
        for use in lexicons().use_cases
        for phrase in use["phrases"]
        for w in re.findall(r"[a-z]+", phrase.lower())
    }
    return frozenset(said - {w for term in PREFERENCE_TERMS for w in term.split()})


def _use_word(word: str) -> bool:
    """Whether ``word`` is a word of a use case's phrases ("expedition", "family") and no preference
    a product has ("adjustable", "quiet": read as the kind's features elsewhere)."""
    return singular(word.lower()) in _use_words()


def _flag_said(word: str, attributes: Mapping[str, str]) -> bool:
    """Whether ``word`` says a yes/no key the plan asks for ("cancel" of noise_cancelling, "grind"
    of built_in_grinder)."""
    stem = analyze(word)[:1]
    return any(
        analyze(part)[:1] == stem or derived_from(part, word)
        for key, value in attributes.items()
        if value == "yes"
        for part in key_words(key)
    )


def with_text_words(
    plan: QueryPlan,
    message: str,
    vocabulary: Vocabulary,
    snap: CatalogSnapshot,
    schema: CatalogSchema,
    kind_phrase: str = "",
) -> QueryPlan:
    """``plan`` with the features and exclusions the message says that only product text states,
    kept where some but not all of the products asked about say them; a multi-item ask keeps a use
    case's exclusions per item. A search that then finds nothing loosens them and says so.
    ``kind_phrase`` is the phrase that names the product (its last word may be what titles say)."""
    f = plan.filters
    if plan.intent not in ("search", "refine"):
        return plan
    if plan.items:
        return _items_features(_items_exclusions(plan, snap, schema), message, vocabulary, snap, schema)
    kinds = f.categories or ([plan.category_hint] if plan.category_hint else [])
    if not kinds:
        return plan.model_copy(update={"filters": f.model_copy(update={"exclude_text_words": []})})
    plan = _colors_as_words(plan, kinds, vocabulary, snap)
    few_kids = _few_kids(plan, kinds, snap)
    plan = _kids_kept(plan, kinds, snap, schema, message, few_kids)
    f = plan.filters
    matcher = matcher_for(vocabulary)
    asked_leaves = {leaf.name for kind in kinds for leaf in schema.leaves(kind)}

    def is_kind(value: str) -> bool:
        return value in kinds or bool({leaf.name for leaf in schema.leaves(value)} & asked_leaves)

    attrs = schema.attributes(kinds)

    def foreign(m: ValueMatch) -> bool:
        return m.kind == "attribute" and (m.key not in attrs or m.value not in attrs[m.key].values)

    lowered = message.lower()
    # "a 44 inch fan": no "inch" feature; "a set of 4", "a 2 pack": no "set" nor "pack"
    units = {m.group("u") for m in _SIZE.finditer(lowered)} | {
        w for _, _, (a, b) in said_quantities(lowered) for w in re.findall(r"[a-z]+", lowered[a:b])
    }
    # "under 2k": a price, no code a title spells
    priced = {w for a, b in parse_prices(lowered).spans for w in re.findall(r"[a-z0-9]+", lowered[a:b])}
    # "forget the budget and the 4k": a word the message drops is no feature it asks for
    dropped = {t.removeprefix("word:") for t in find_clears(lowered).targets if t.startswith("word:")}
    # "remote control ones only" after ceiling fans: another kind's name said as a part of theirs
    parts = _parts_said(message, matcher, kinds, is_kind, snap) if plan.intent == "refine" else []
    head = _head_unnamed(kind_phrase, f.categories, message)
    of_kind = snap.mask(Filters(categories=kinds))
    modifiers = kind_modifiers(kind_phrase, kinds, lambda w: bool((of_kind & snap.title_says(w)).any()))
    featured = said_features(
        message,
        matcher,
        is_kind,
        foreign,
        head=head,
        modifiers=modifiers,
        stated=not attrs,
        fresh=plan.intent == "search",
    )
    # what only the phrase naming the kind qualifies it by ("stainless steel" of "stainless steel water
    # bottle") or only a feature-less kind makes a feature ("cordless"): what the kind's titles call
    # some of them (a description's "supportive" names no kind of dog bed)
    titled = set(featured) - set(said_features(message, matcher, is_kind, foreign, head=head)) - set(parts)
    # "expedition sleeping bags", "a family tent": a use word the kind's attributes cannot honour (no
    # use-case prior of these kinds reads it) but its titles name a class of the kind by
    uses = [m for m in modifiers if plan.intent == "search" and _use_word(m)]
    levels = (
        {
            singular(w)
            for k in [*kinds, *f.categories_all]
            for lv in [k, *schema.above(k)]
            for w in lv.lower().split()
        }
        if uses
        else set()
    )
    unhonoured = [
        m
        for m in uses
        # ("hiking backpacks" filed under Hiking: a level of the kind, not a class of it)
        if singular(m) not in levels
        and not use_case_priors(m, schema, kinds)
        and _names_a_class(m, kind_phrase, snap, of_kind)
        # (a class is some of the kind, not what most of its products say of themselves)
        and 2 * int((of_kind & snap.holds_words(m)).sum()) <= int(of_kind.sum())
    ]
    words = [
        w
        for w in dict.fromkeys(
            [
                *featured,
                *unhonoured,
                *parts,
                *said_free(message),
            ]
        )
        if w not in f.text_words
        # ("pump included": the part, not the word saying it comes with it)
        and not (parts and w in lexicons().having)
        and w not in units
        and not (w in priced and _CODE.fullmatch(w))
        and w not in dropped
        # ("ones that cancel noise": noise_cancelling is asked; its word is no text to hold)
        and not _flag_said(w, f.attributes)
    ]
    ruled = list(dict.fromkeys([*f.exclude_text_words, *said_exclusions(message, matcher)]))
    figures = said_quantities(message)
    if not words and not ruled and not figures:
        return plan
    pool = f.text_words
    if few_kids and KIDS_WORD in pool:
        # a kids' one or two its titles name ("Junior Loft Bed with Slide"): a feature said ("with a
        # slide") is judged over the kind, not over those alone
        pool = [w for w in pool if w != KIDS_WORD]
    asked = snap.mask(
        f.model_copy(update={"categories": kinds, "exclude_text_words": [], "text_words": pool})
    )
    total = int(asked.sum())
    required = set(said_requirements(message))
    kind = snap.mask(Filters(categories=kinds, categories_all=f.categories_all))
    kind_total = int(kind.sum())

    def saying(w: str) -> np.ndarray:
        return snap.title_says(w) if w in titled else snap.holds_words(w)

    kept = [
        w
        for w in words
        if distinguishes(int((asked & saying(w)).sum()), total)
        # "chromebooks with 16 gigs of ram", "a tropical ceiling fan under 100": a word of the phrase
        # naming the product that picks some of the kind is kept when the rest of the ask leaves one
        # or none that say it (the one, or nothing, so the search loosens one of them and says so;
        # not other products as if they were what was named)
        or (
            # (a fresh ask only: "for the dumbbells …" after "any kettlebell heavier than fifty
            # pounds?" names the item it turns to; a modifier only of a head the kind's products say:
            # "kids bike helmets" after balance bikes names another product, not a kind of bike)
            plan.intent == "search"
            and not pool
            and (w == head or (w in modifiers and (not head or bool((kind & snap.holds_words(head)).any()))))
            and int((asked & saying(w)).sum()) < 2
            and (
                distinguishes(int((kind & saying(w)).sum()), kind_total)
                # "expedition sleeping bags": the one of the kind whose title names it, when no other
                # of the kind says the word anywhere (a class of product, not a use all of them
                # mention, as "camping" of tents)
                or (
                    w in modifiers
                    and int((kind & saying(w)).sum()) == 1 == int((kind & snap.holds_words(w)).sum())
                )
            )
        )
        # "a 4k monitor under 300": a code some of the kind's titles spell picks them, even one of
        # them, even when the rest of the ask leaves none (the search then says what it loosened)
        or (_CODE.fullmatch(w) is not None and 0 < int((kind & snap.holds_words(w)).sum()) < kind_total)
        # asked outright ("it has to be biodegradable"): kept when even one of the kind says it; and
        # "do any come as gummies?", none of the kind says it but the catalog knows the word: kept so
        # the search finds nothing and says what it loosened
        or (
            w in required
            and total > 0
            and int((asked & snap.holds_words(w)).sum()) < total
            and snap.holds_words(w).any()
        )
    ]
    # "a cast iron skillet" where no skillet says so: the modifier the kind is named with, as said,
    # kept so the search finds nothing, loosens it and says so (not other skillets as if they fit)
    kept += [
        m
        for m in _unstated_modifiers(
            words,
            kind_phrase,
            message,
            asked,
            snap,
            total,
            {w.lower() for n in asked_leaves for w in n.split()},
            {w for b in f.brands for w in re.findall(r"[a-z0-9]+", b.lower())},
        )
        if m not in kept and m not in f.text_words
    ]
    # a size no attribute of the kind measures is stated in its titles only ("a 52 inch ceiling fan",
    # "24v", "at least 30 feet"): asked of the figures its titles state, in any spelling
    figures, either_way = _figures_required(figures, message)
    quantities = _quantities_said(figures, attrs, kind, asked, snap, message)
    # "fragrance free" kept as a phrase its titles say: ruling out "fragrance" on top says nothing more
    out = [
        w
        for w in _exclusions_kept(ruled, asked, snap, schema, kinds)
        if not any(k.startswith(w + " ") for k in kept)
    ]
    # "just plain clear ones" for wine glasses: a word that is a color several of the kind's
    # products come in (as the feed spells it) is that color, not a word their text must say
    as_color = [
        w
        for w in words
        if not f.colors
        and " " not in w
        and w in vocabulary.colors  # (keyed by the normal form)
        and int((asked & snap.mask(Filters(colors=[w]))).sum()) >= 2
    ]
    # "not the one with fluoride in it": a word ruled out is no feature asked for
    kept = [w for w in kept if w not in as_color and w not in ruled]
    if figures:
        # "at least 50 km/h, he's obsessed with speed": the measure the figure gives, no title word
        kept = [w for w in kept if singular(w) not in _measure_nouns()]
    # "0.9mm instead" after "0.7 mm": the new figure replaces the one of the same measure; "doesn't
    # have to be 52 inches": the figure of that measure is dropped
    measures = {m[0] for u in quantities if (m := unit_of(u))} | either_way
    held = {u: b for u, b in f.title_quantities.items() if (m := unit_of(u)) is None or m[0] not in measures}
    sizes = {**held, **quantities}
    if not kept and not as_color and out == f.exclude_text_words and sizes == f.title_quantities:
        return plan
    update: dict[str, object] = {"text_words": [*f.text_words, *kept][:8], "exclude_text_words": out}
    if sizes != f.title_quantities:
        update["title_quantities"] = sizes
    if as_color:
        update["colors"] = list(dict.fromkeys(as_color))
    return plan.model_copy(update={"filters": f.model_copy(update=update)})


def part_of_kind(snap: CatalogSnapshot, phrase: str, kinds: Sequence[str]) -> bool:
    """Whether at least :data:`PART_SHARE` of the titles of ``kinds``' products (and 2) say every word
    of ``phrase``: a part or feature of theirs ("remote control" of ceiling fans, "nylon strings" of
    guitars), not another kind of product."""
    stems = analyze(phrase)
    if not stems or not kinds:
        return False
    kind = snap.mask(Filters(categories=list(kinds)))
    said = int((kind & (snap.fields["title"].hits(stems) >= len(set(stems)))).sum())
    return said >= 2 and said >= PART_SHARE * int(kind.sum())


def _parts_said(
    message: str,
    matcher: VocabularyMatcher,
    kinds: list[str],
    is_kind: Callable[[str], bool],
    snap: CatalogSnapshot,
) -> list[str]:
    """The words of a part or feature of the kinds asked that a follow-up names with another
    category's name, with the word that says which ("nylon strings please" after guitars: nylon,
    strings; "remote control ones only" after ceiling fans: remote, control): words the products'
    text must say, where they tell some products from the rest."""
    text = message.lower()
    tokens = tokenize(text)
    found: list[str] = []
    for m in matcher.find(tokens):
        if m.kind != "category" or is_kind(m.value):
            continue
        if not part_said(text, tokens, m, kinds, lambda phrase, ks: part_of_kind(snap, phrase, ks)):
            continue
        at = list(range(m.start, m.end))
        if m.start and _feature_word(tokens[m.start - 1], m.start - 1, tokens, set()):
            at.insert(0, m.start - 1)  # "nylon" of "nylon strings"
        for i in at:
            word = tokens[i].text
            if word.isalpha() and len(word) >= 3 and word not in FILLER_WORDS and word not in found:
                found.append(word)
    return found


def _unstated_modifiers(
    words: list[str],
    kind_phrase: str,
    message: str,
    asked: np.ndarray,
    snap: CatalogSnapshot,
    total: int,
    kind_names: set[str],
    brand_words: frozenset[str] | set[str] = frozenset(),
) -> list[str]:
    """The feature words said inside the phrase that names the product, before its head ("cast iron"
    of "cast iron skillet", "ray ban" of "ray ban sunglasses"), that none of the ``total`` products
    asked about states though the catalog's text has every word of it: the whole run of modifier
    words holding the feature, as the message says it (a word alone is no feature: one skillet's
    text says "iron"). A word that begins a word of the asked kinds' names ("hand" of Handheld
    Planers, in ``kind_names``) is the kind itself."""
    said = [t.text for t in tokenize(kind_phrase.lower())]
    if total < 3 or len(said) < 2:
        return []
    modifiers = said[:-1]

    def modifier(word: str) -> bool:
        # ("dustwise stick vacs": the maker asked for is a filter of its own, not a word of the feature)
        return word.isalpha() and word not in FILLER_WORDS and not describes(word) and word not in brand_words

    found: list[str] = []
    for w in words:
        parts = w.split()
        at = next(
            (i for i in range(len(modifiers) - len(parts) + 1) if modifiers[i : i + len(parts)] == parts),
            None,
        )
        if at is None:
            continue
        start, end = at, at + len(parts)
        while start > 0 and modifier(modifiers[start - 1]):
            start -= 1
        while end < len(modifiers) and modifier(modifiers[end]):
            end += 1
        run = modifiers[start:end]
        phrase = " ".join(run)
        if (
            not all(snap.holds_words(x).any() for x in run)
            or any(n.startswith(x) for x in run for n in kind_names)
            or re.search(r"\b" + r"[\s-]+".join(map(re.escape, run)) + r"\b", message.lower()) is None
        ):
            continue
        if phrase not in found and not (asked & snap.holds_words(phrase)).any():
            found.append(phrase)
    return found


def _kind_words(kinds: Sequence[str]) -> set[str]:
    """The words of the kinds' names, singular ("Drill Bits" → drill, bit)."""
    return {singular(w) for k in kinds for w in re.findall(r"[a-z]+", k.lower())}


_ANOTHER_ITEM = re.compile(r"(?:\band|\bplus|\+|&)\s+(?:a|an|some|one|the|those|these|set|pair)\b")


def _head_unnamed(kind_phrase: str, kinds: list[str], message: str = "") -> str:
    """The last word of the phrase that names the product, when no word of the kinds asked says it
    ("3 wheel scooter" under Ride-Ons; not "bits" under Drill Bits; nothing under a guessed kind)."""
    if not kinds or _ANOTHER_ITEM.search(message.lower()):
        return ""  # (nor where the message lists items: "a kettlebell and a set of dumbbells")
    head = (kind_phrase.split() or [""])[-1].lower()
    named = _kind_words(kinds)
    # (nor "driver" under Screwdrivers: the end of the kind's own word)
    return "" if any(n.endswith(singular(head)) for n in named) else head


def _few_kids(plan: QueryPlan, kinds: list[str], snap: CatalogSnapshot) -> bool:
    """Whether the plan asks for the kids' ones by the kids' word and fewer than 3 (or MIN_SHARE) of
    the kind's products say they are."""
    f = plan.filters
    if KIDS_LABEL not in plan.priors or KIDS_WORD not in f.text_words:
        return False
    asked = snap.mask(Filters(categories=kinds, categories_all=f.categories_all))
    total, saying = int(asked.sum()), int((asked & snap.holds_words(KIDS_WORD)).sum())
    return not (saying >= 3 and saying >= MIN_SHARE * total)


def _kids_kept(
    plan: QueryPlan, kinds: list[str], snap: CatalogSnapshot, schema: CatalogSchema, message: str, few: bool
) -> QueryPlan:
    """ "headphones for my 6 year old" in a feed without ages: the kids' ones, where the kind sells
    such (3 or more of its products and MIN_SHARE of them say so; or, for a child who will use it,
    any whose title names it a kids' one: "Kids Smart Watch", one of five); "marshmallows for the
    kids" asks no kids' marshmallows. ``few``: :func:`_few_kids` of the plan."""
    if not few:
        return plan
    f = plan.filters
    asked = snap.mask(Filters(categories=kinds, categories_all=f.categories_all))
    named = _kind_words(kinds)
    if (
        len(kinds) == 1
        and len(schema.leaves(kinds[0])) == 1
        and (asked & snap.title_says(KIDS_WORD)).any()
        and child_uses_it(message, named)
    ):
        # (one leaf: under a level of several, a kids' title may be another kind's, a bed frame for beds)
        return plan
    words = [w for w in f.text_words if w != KIDS_WORD]
    return plan.model_copy(
        update={
            "filters": f.model_copy(update={"text_words": words}),
            "priors": [p for p in plan.priors if p != KIDS_LABEL],
        }
    )


def _colors_as_words(
    plan: QueryPlan, kinds: list[str], vocabulary: Vocabulary, snap: CatalogSnapshot
) -> QueryPlan:
    """ "that charcoal toothpaste", "a stainless steel bowl": a color no product of the kind comes in
    (in any shade) that some of the kind's titles say is what they are made of or with, not a color."""
    f = plan.filters
    if not f.colors or len(f.colors) > 2:
        return plan
    kind = snap.mask(Filters(categories=kinds, categories_all=f.categories_all))
    moved = []
    for color in f.colors:
        words = set(color.split())
        shades = [v for v in vocabulary.colors if words <= set(re.findall(r"[a-z]+", v))][:300]
        if (kind & snap.mask(Filters(colors=shades or [color]))).any():
            continue
        if (kind & snap.holds_words(color)).any():
            moved.append(color)
    if not moved:
        return plan
    update = {
        "colors": [c for c in f.colors if c not in moved],
        "text_words": [*f.text_words, *(c for c in moved if c not in f.text_words)][:8],
    }
    return plan.model_copy(update={"filters": f.model_copy(update=update)})


_SIZE = re.compile(
    r"(?<![\w.$])(?P<n>\d+(?:\.\d+)?)\s*-?\s*(?P<u>inch(?:es)?|in\b|\"|''|mm|cm|ft|feet|foot|oz|ounces?|qt|quarts?|"
    r"lbs?|pounds?|gal(?:lons?)?|liters?|litres?|l\b|ml|watts?|w\b|volts?|v\b)"
)


def sizes_asked(
    message: str, filters: Filters, snap: CatalogSnapshot, schema: CatalogSchema
) -> dict[str, NumericRange]:
    """The figures ``message`` asks for that the kinds of ``filters`` state only in their titles
    (:func:`_quantities_said`): for a kind chosen after the message was read ("led strips, at least
    30 feet": LED Strip Lights, the nearest leaf to the ask)."""
    figures = said_quantities(message) if filters.categories else []
    if not figures:
        return {}
    kind = snap.mask(Filters(categories=filters.categories, categories_all=filters.categories_all))
    asked = snap.mask(filters.model_copy(update={"exclude_text_words": [], "title_quantities": {}}))
    figures, _ = _figures_required(figures, message)
    return _quantities_said(figures, schema.attributes(filters.categories), kind, asked, snap, message)


_NOT_OF_PRODUCTS = frozenset({"age", "months", "nights"})
"""Measures a figure gives of the shopper or the trip ("for my 13 year old", "3 nights"), not of a product."""


@lru_cache(maxsize=1)
def _measure_nouns() -> frozenset[str]:
    """The names of what figures measure ("speed", "length", "weight"; lexicons/dimensions.yaml)."""
    from assistant.plan.semantics import lexicons

    return frozenset(w for d in lexicons().dimensions.values() for w in (d.name, *d.noun.split()))


Figure = tuple[str, NumericRange, tuple[int, int]]


def _figures_required(figures: list[Figure], message: str) -> tuple[list[Figure], set[str]]:
    """The figures ``message`` asks for, and the measures it says a figure of need not hold
    ("doesn't have to be 52 inches", :func:`said_either_way`)."""
    tokens = tokenize(message.lower())
    stems = [t.stem for t in tokens]
    asked: list[Figure] = []
    either_way: set[str] = set()
    for figure in figures:
        at = next((i for i, t in enumerate(tokens) if t.start >= figure[2][0]), None)
        measure = unit_of(figure[0])
        if at is not None and measure is not None and said_either_way(stems, at, at + 1):
            either_way.add(measure[0])
        else:
            asked.append(figure)
    return asked, either_way


def _quantities_said(
    figures: list[Figure],
    attrs: dict[str, AttributeSpec],
    kind: np.ndarray,
    asked: np.ndarray,
    snap: CatalogSnapshot,
    message: str,
) -> dict[str, NumericRange]:
    """The figures asked for (:func:`said_quantities`, one per measure) that no numeric attribute of
    the asked kinds measures, where the kind's titles state that measure (2 and ``MIN_SHARE`` of
    them) and not every asked product already meets it. None of them meeting it is kept: the search
    finds nothing, loosens it and says how close the catalog comes."""
    measured = {spec.dimension for spec in attrs.values() if spec.kind == "numeric" and spec.dimension}
    chosen: dict[str, Figure] = {}
    for figure in figures:
        named = unit_display_dimension(figure[0])
        title_measure = unit_of(figure[0])
        if named is None or title_measure is None or named in measured or named in _NOT_OF_PRODUCTS:
            continue
        earlier = chosen.get(title_measure[0])
        if earlier is None or CORRECTION.search(message.lower(), earlier[2][1], figure[2][0]):
            # "at least 25 oz... actually make it 32 oz or more": the corrected figure; otherwise the
            # first ("a 60 watt one, the 40w ones take forever")
            chosen[title_measure[0]] = figure
    kind_total = int(kind.sum())
    total = int(asked.sum())
    found: dict[str, NumericRange] = {}
    for unit, bounds, _ in chosen.values():
        stating = int((kind & snap.states_quantity(unit)).sum())
        if stating < max(2, MIN_SHARE * kind_total):
            continue
        if total and int((asked & snap.states_quantity(unit, bounds)).sum()) == total:
            continue
        found[unit] = bounds
    return found


def _exclusions_kept(
    ruled: list[str], asked: np.ndarray, snap: CatalogSnapshot, schema: CatalogSchema, kinds: list[str]
) -> list[str]:
    """ "without fluoride", not a child's: only where some of the asked products' titles say the word and
    some do not, and never a word the kind's own path holds (Kids & Toys for "a toy for my wife")."""
    total = int(asked.sum())
    names = [set(analyze(n)) for kind in kinds for n in (kind, *schema.above(kind))]
    return [
        w
        for w in ruled
        if 0 < int((asked & snap.title_says(w)).sum()) < total
        and not ((stems := set(analyze(w))) and any(stems <= n for n in names))
    ][:8]


def _items_features(
    plan: QueryPlan, message: str, vocabulary: Vocabulary, snap: CatalogSnapshot, schema: CatalogSchema
) -> QueryPlan:
    """Each item of a multi-item ask gets the features said of its own kind ("a leather wallet and a
    steel watch": leather for the wallet only), where some of its products say them."""
    matcher = matcher_for(vocabulary)
    items = []
    for item in plan.items:
        leaves = {leaf.name for kind in item.categories for leaf in schema.leaves(kind)}

        def is_kind(value: str, leaves: set[str] = leaves) -> bool:
            return bool({leaf.name for leaf in schema.leaves(value)} & leaves)

        words = [w for w in said_features(message, matcher, is_kind) if w not in item.filters.text_words]
        # only an item the message names by a category word of its own
        named = any(
            m.kind == "category" and is_kind(m.value) for m in matcher.find(tokenize(message.lower()))
        )
        if not named:
            words = []
        # "a kettlebell + a jump rope" under Strength Training and Cardio: the noun that names the
        # item, when its category's name does not, is what its products' titles say
        phrase = kind_words(product_phrase(item.query, matcher).split(",")[0])
        head = _head_unnamed(phrase, item.categories)
        if (
            head
            and head.isalpha()
            and not is_pro_form(head)
            and head not in words
            and head not in item.filters.text_words
        ):
            words.append(head)
        if not words:
            items.append(item)
            continue
        # (the kind's products: a spec said for the whole ask may hold for another item only)
        asked = snap.mask(Filters(categories=item.categories, categories_all=item.filters.categories_all))
        total = int(asked.sum())
        kept = [w for w in words if distinguishes(int((asked & snap.holds_words(w)).sum()), total)]
        update = {"text_words": [*item.filters.text_words, *kept][:8]}
        items.append(item.model_copy(update={"filters": item.filters.model_copy(update=update)}))
    return plan.model_copy(update={"items": items})


def _items_exclusions(plan: QueryPlan, snap: CatalogSnapshot, schema: CatalogSchema) -> QueryPlan:
    """Each item keeps the exclusions that hold for its own products ("my husband needs a toothbrush
    and a trimmer": no Kids toothbrush); the plan-wide list is the items' to hold, not a filter over
    them all."""
    items = []
    for item in plan.items:
        ruled = list(dict.fromkeys([*plan.filters.exclude_text_words, *item.filters.exclude_text_words]))
        asked = snap.mask(
            plan.filters.model_copy(
                update={"categories": item.categories, "exclude_text_words": [], "text_words": []}
            )
        )
        out = _exclusions_kept(ruled, asked, snap, schema, item.categories)
        items.append(
            item.model_copy(update={"filters": item.filters.model_copy(update={"exclude_text_words": out})})
        )
    return plan.model_copy(
        update={"items": items, "filters": plan.filters.model_copy(update={"exclude_text_words": []})}
    )

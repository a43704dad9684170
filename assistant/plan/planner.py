"""One shopper message + the conversation so far → a standalone :class:`QueryPlan`.

The deterministic parser always runs (the tiny local LLM relies on it). A capable model's plan
(:class:`~assistant.plan.model_plan.ModelPlan`, filled through the catalog-derived JSON Schema of
:mod:`assistant.plan.plan_schema` and checked by :func:`~assistant.plan.model_plan.read_model_plan`),
when given, is merged in by the explicit rules of :mod:`assistant.plan.merge`: the parser's numbers,
references, clears, comparisons and injection handling win; the model may add a category, brands,
colors, attributes of the plan's own category and preferences the parse missed.

Carry-over: a follow-up ("cheaper ones?", "only stainless", "does it come in blue?") starts from the
previous plan; a new request ("now show me tents": a different catalog category, or new product
words after "now"/"show me"/"I need") starts fresh and keeps nothing.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from functools import cache, lru_cache, partial
from importlib import resources

import yaml
from pydantic import BaseModel, ConfigDict, Field

from assistant.plan.asked import asked_terms
from assistant.plan.catalog_stage import ShownContext, apply_schema, people_words
from assistant.plan.intents import (
    OTHER_BRAND,
    Clears,
    clarifying_question,
    find_clears,
    find_injection,
    is_chit_chat,
    is_compare,
    is_new_request,
    is_product_question,
    loosens_budget,
    opens_question,
    refers_back,
)
from assistant.plan.levels import narrow_by_levels
from assistant.plan.merge import ParsedTurn, merge_model_constraints, merge_model_plan
from assistant.plan.model_plan import Dropped, ModelPlan
from assistant.plan.prices import PriceParse, parse_prices, rating_spans, relative_bounds
from assistant.plan.references import POSITION, named_by_parts, position_spans, resolve_references
from assistant.plan.semantics import (
    child_age,
    dimension_key,
    find_comparative,
    find_superlative,
    lexicons,
    numbers_to_digits,
    read_lexicon,
    said_quantities,
    use_phrase_spans,
)
from assistant.plan.shorthand import expand_shorthand, spelling_variants
from assistant.plan.text import (
    ASK_CUE,
    COLOR_WORDS,
    COMPARATIVES,
    FILLER_WORDS,
    GENERIC_PRODUCT_NOUNS,
    OFF_TOPIC_WORDS,
    PREFERENCE_TERMS,
    VAGUE_WORDS,
    YOU,
    Token,
    blank_spans,
    singular,
    tokenize,
)
from assistant.plan.typos import english_words, ordinary_word
from assistant.plan.vocab import (
    VERB_MODALS,
    ValueMatch,
    VocabularyMatcher,
    blank_complaints,
    describes_brand,
    matcher_for,
    negation_after,
    ruled_out,
)
from assistant.plan.word_class import noun_phrase, only_a_verb, word_classes
from assistant.schemas import HistoryTurn, QueryPlan
from retrieval.catalog import Product, norm
from retrieval.filters import Filters, color_words, holds_colour
from retrieval.products import Vocabulary
from retrieval.quantities import counts_as_packs
from retrieval.relax import Relaxation
from retrieval.schema import CatalogSchema, key_words
from retrieval.text import NEGATIONS as SEARCH_NEGATIONS

__all__ = ["ConversationContext", "conversation_context", "parse_turn", "plan_turn"]

MAX_COLOR_COMPLEMENT = 500
""""anything but black" filters on every other catalog colour, up to this many; beyond, a preference."""

_CARRY_INTENTS = frozenset({"search", "refine", "compare", "product_question", "clarify"})
_IN_STOCK = re.compile(r"\b(?:in\s+stock|available\s+(?:now|today)|ships?\s+(?:now|today|immediately))\b")
_FOR_USE = re.compile(
    r"\bfor\s+(?:a\s+|my\s+|the\s+)?(travel(?:ing|ling)?|camping|hiking|running|kids|children|toddlers|babies|"
    r"outdoors?|work|the\s+office|office|school|gaming|beginners|the\s+beach|beach|winter|summer|backpacking|"
    r"small\s+spaces|small\s+kitchens|apartments?|dorms?|pets|dogs|cats)\b"
)
_PEOPLE = re.compile(r"\bfor\s+(\d{1,2})\s+(?:people|persons?)\b|\b(\d{1,2})[- ]?(?:person|people|man)\b")
_ADDS_ITEM = re.compile(r"^\W*(?:(?:oh|ok|okay|and)\s+)*(?:and|also|plus)\s+(?:a|an|some)\s+\w+\W*$")
_AT_IT = re.compile(r"\bwhile\s+(?:i'?m|we'?re|you'?re)\s+at\s+it\b")
_ADDS_ANOTHER = re.compile(
    r"^\W*(?:(?:oh|ok|okay|so|hmm+)\W+)*(?:and|also|plus)\s+(?:also\s+)?(?:a|an|some)\s+[a-z]"
    # "while im at it, a space heater for the basement?"
    r"|^\W*(?:while\s+i'?m\s+at\s+it|one\s+more\s+thing|last\s+thing|btw)\W+(?:(?:and|also|plus)\s+)?(?:a|an|some)\s+[a-z]"
)
# "also gonna need a camp stove", "need a headlamp too for my runs", "oh also, dog food?": a word
# that adds a thing to what was asked (also, too, as well, plus; "too" at a clause's end, not "too
# big"), or a need for a thing said with its article
_ADDS_KIND = re.compile(
    r"\b(?:also|as\s+well|plus)\b"
    r"|\btoo\b(?=\s*(?:[,.?!;]|$|(?:for|to|in|with|while|and|so|if|since|because|please|pls)\b))"
    r"|\b(?:need|needs|want|wants)\s+(?:an?|some)\s+[a-z]"
)
# "oh and a webcam too, do you have those?": the pro-form of a closing "do you have those" stands for
# the thing named before it in the same message, not for what was shown
_SOLD_OF_NAMED = re.compile(
    rf"\b(?:an?|some|any)\s+[a-z][^.?!,;]*[,.;!?-]\s*(?:(?:and|so|but)\s+)?"
    rf"(?P<ask>(?:do|does)\s+{YOU}\s+(?:even\s+|also\s+)?(?:have|sell|carry|stock|got)\s+"
    r"(?:those|these|them|it|one|ones|any)(?:\s+(?:too|as\s+well|here|in\s+stock))?\s*[?.!]*\s*$)"
)
# "do you have cat carriers as well?": asking whether the store sells a kind, after other asks
_SOLD_LEAD = rf"\b(?:do|does)\s+{YOU}\s+(?:also\s+|even\s+)?(?:have|sell|carry|stock|got)"
_ASKS_IF_SOLD = re.compile(rf"{_SOLD_LEAD}\b")
# The clause holding "vs" ("the monitor c1 vs reference ob-2" of "…, which one for a studio").
_VERSUS_CLAUSE = re.compile(r"[^,.;:!?]*\b(?:vs\.?|versus)(?=\W)[^,.;:!?]*")
# A question whose subject is a shown product: "does the first one …", "can it …", "is that one …",
# "do those …", "would either of them …" (after an opening "ok so", at the start of a sentence).
_ASKS_OF_SHOWN = re.compile(
    r"(?:^|[.!?;]\s+)\W*(?:(?:ok|okay|so|and|also|hey|hmm+|oh|well|but|quick\s+question)\W+)*"
    r"(?:does|do|did|can|could|will|would|is|are|was|has|have|should)\s+"
    r"(?:the\s+(?:[a-z0-9]+\s+){0,2}?(?:one|ones|pair|model|version)|it|they|that(?:\s+one)?|this(?:\s+one)?"
    r"|those|these|either(?:\s+one|\s+of\s+(?:them|those|these))?|any\s+of\s+(?:them|those|these)"
    r"|both(?:\s+of\s+them)?|(?:number|#)\s?\d)\b"
)
_ASKS_FOR_A = re.compile(
    rf"\b(?:do|does)\s+{YOU}\s+(?:even\s+|also\s+)?(?:have|sell|carry|stock|got)\s+(?:an?|any|some)\b"
)
_ADDRESSED = re.compile(rf"\b(?:do|does)\s+({YOU})\b")
# ... and what it asks about ("bed frames" in "do you also sell bed frames to go with it?")
_SOLD_ASKED = re.compile(
    rf"{_SOLD_LEAD}\s+"
    # ("one of those water jet flosser things": the kind, said with a pro-form around it)
    r"(?:any\s+|some\s+|a\s+|an\s+|one\s+of\s+(?:those|these|them|the)\s+)?(?P<what>(?:[a-z-]+\s+){0,2}?[a-z-]+?)"
    r"(?:\s+(?:things?|stuff))?"
    r"(?=\s+(?:to|for|that|which|with|too|as|in|like|so)\b|\s*[?,.!]|\s*$)"
)
_VARIANT_QUESTION = re.compile(
    r"\b(?:comes?\s+in|available\s+in|(?:it|them|that|this|one|ones|those|these)\s+in|any\s+in|offered\s+in|made\s+in)\b"
)
_SET_REFERENCE = re.compile(
    # "any wireless ones?", "got any quieter ones": the kind with that value
    r"\b(?:any\s+(?:of\s+)?(?:those|these|them|ones?)|any\s+(?:[a-z-]+\s+){1,3}ones?|"
    r"which\s+(?:ones|of\s+(?:those|these|them))|"
    r"(?:do|are|have)\s+(?:they|those|these)|(?:those|these|them)\s+(?:in|from|with)|"
    # "ones that mop?", "any that fold flat": the kind that does
    r"(?:^\W*(?:and\s+|but\s+|so\s+)?(?:the\s+|just\s+|only\s+)?ones|any|some)\s+(?:that|which)|"
    # "gray would match our kitchen, got that?": whether the store has that value
    r"(?:got|have|carry|stock|sell)\s+(?:that|those|these|them|it|any)(?=\s*\??\s*$))\b"
)
_SOMETHING_MORE = re.compile(
    r"\b(?:something|anything|one|ones)\s+(?:(?:a\s+)?(?:bit|little|lot|tad)\s+)?(?:more|less)\s+[a-z]{3,}"
)
_NEGATION_WORDS = frozenset(
    {"not", "no", "non", "except", "excluding", "exclude", "without", "avoid", "nor", "but"}
)
# Negations carried into the query: the ones search understands (retrieval.text.NEGATIONS), and words
# that mean "without"; "but"/"nor" are too ambiguous ("cheap but sturdy") to carry.
_QUERY_NEGATIONS = {
    **{word: word for word in SEARCH_NEGATIONS},
    "excluding": "without",
    "exclude": "without",
    "avoid": "without",
}
_QUERY_DROP = frozenset(
    [
        "compare",
        "comparison",
        "comparing",
        "vs",
        "versus",
        "difference",
        "differences",
        "between",
        "first",
        "second",
        "third",
        "fourth",
        "fifth",
        "last",
        "both",
        "two",
        "three",
        "come",
        "comes",
        "cheapest",
        "priciest",
        "option",
        "number",
        "result",
        "tell",
        "info",
        "details",
        "detail",
        "price",
        "prices",
        "cost",
        "costs",
        "pay",
        "spend",
        "star",
        "stars",
        "rated",
        "rating",
        "dollar",
        "dollars",
        "buck",
        "bucks",
        "usd",
        "under",
        "over",
        "below",
        "above",
        "exactly",
        "which",
        "cheaper",
        "ignore",
        "instruction",
        "instructions",
    ]
) | frozenset(COMPARATIVES)
_ACRONYMS = frozenset(
    {"usb", "led", "tv", "hd", "uhd", "ac", "dc", "usa", "uk", "xl", "xxl", "gps", "pc", "bpa", "ok", "i"}
)
_WORD = re.compile(r"[A-Za-z][\w&'-]*")


class ConversationContext(BaseModel):
    """What the planner needs from history: the plan to carry over and what was shown last."""

    model_config = ConfigDict(extra="forbid")

    previous: QueryPlan | None = None
    shown_ids: list[str] = Field(default_factory=list)
    shown_prices: list[float] = Field(default_factory=list)
    picks: list[str] = Field(default_factory=list)
    """The top product of each of the latest turns that asked for one extreme ("the lightest", then
    "the roomiest"), oldest first: what "compare those two" then means."""
    earlier_ids: list[str] = Field(default_factory=list)
    """Products shown by answers before the last one, most recent first."""
    earlier_titles: dict[str, str] = Field(default_factory=dict)
    """Their titles (id → brand, title, color), when the caller has them."""
    focus: str | None = None
    """The one product the shopper's last message asked about ("tell me more about the peppa pig
    one"), what "it" then stands for."""


def _answers(history: Sequence[HistoryTurn]) -> list[tuple[QueryPlan | None, HistoryTurn]]:
    """Each answer of the conversation with the plan it answered: a turn's plan is on the shopper's
    message, what it showed on the answer after it."""
    turns = list(history)
    return [
        (t.plan or next((u.plan for u in reversed(turns[:i]) if u.role == "user"), None), t)
        for i, t in enumerate(turns)
        if t.role == "assistant"
    ]


def conversation_context(
    history: Sequence[HistoryTurn], previous: QueryPlan | None = None
) -> ConversationContext:
    """The last carry-able plan (unless ``previous`` is given) and the products shown most recently."""
    prev = previous
    if prev is None:
        prev = next(
            (t.plan for t in reversed(history) if t.plan is not None and t.plan.intent in _CARRY_INTENTS),
            None,
        )
    shown = next((t for t in reversed(history) if t.shown_ids), None)
    picks: list[str] = []
    for plan, t in reversed(_answers(history)):
        if plan is None or not t.shown_ids or not _asks_extreme(plan):
            break
        picks.insert(0, t.shown_ids[0])
    last = list(shown.shown_ids) if shown else []
    earlier = [i for t in reversed(history) for i in t.shown_ids if i not in last]
    return ConversationContext(
        previous=prev,
        shown_ids=last,
        shown_prices=list(shown.shown_prices) if shown else [],
        picks=list(dict.fromkeys(picks)),
        earlier_ids=list(dict.fromkeys(earlier))[:25],
        focus=_focus(history),
    )


def _focus(history: Sequence[HistoryTurn]) -> str | None:
    """The one product the shopper's last message asked about, if it asked about one."""
    last = next((t.plan for t in reversed(history) if t.plan is not None), None)
    if last is not None and last.intent == "product_question" and len(last.referenced_ids) == 1:
        return last.referenced_ids[0]
    if last is not None and last.intent == "product_question" and last.sort and last.referenced_ids:
        # "which has the best reviews?" named the winner first: "cheaper than that one" is that one
        return last.referenced_ids[0]
    return None


# a pronoun standing for the product the last message asked about
_IT = re.compile(r"\b(?:it|this|that)\b")
_STORE_WIDE = re.compile(
    rf"\b(?:{YOU}\s+(?:have|carry|sell|stock)|{YOU}(?:'ve|\s+have)?\s+got|overall|of\s+all|of\s+everything|"
    r"in\s+the\s+(?:whole\s+|entire\s+)?(?:store|shop|catalog))\b"
)
_ALL_OF_THEM = re.compile(
    r"\b(?:out\s+of\s+(?:all|everything)|of\s+all\s+(?:the|of)|of\s+everything|overall|"
    r"in\s+the\s+(?:whole|entire)\s+(?:store|shop|catalog)|ones\s+(?:you|u)\s+(?:carry|sell|stock))\b"
)
_ANY_KIND = re.compile(r"\b(?:any|every|all|whatever)\s+(?:kinds?|types?|sorts?|styles?)\b")
_WHICH_ONE = re.compile(r"\bwhich\b|\b(?:of\s+)?(?:the|these|those)\s+two\b|\bboth\b")


def _in_view(history: Sequence[HistoryTurn], shown: Sequence[Product], text: str) -> list[Product]:
    """The products a question is about: after a side-by-side, "which one holds more?" asks about
    the compared products (a position, "the third one", still counts in the list shown)."""
    last = next((t.plan for t in reversed(history) if t.plan is not None), None)
    lowered = _lower(text)
    if (
        last is not None
        and last.intent == "compare"
        and len(last.referenced_ids) >= 2
        and _WHICH_ONE.search(lowered)
        and not POSITION.search(lowered)
    ):
        compared = [p for p in shown if p.id in set(last.referenced_ids)]
        if len(compared) >= 2:
            return compared
    return list(shown)


def _asks_extreme(plan: QueryPlan) -> bool:
    """A search for the one product at an extreme ("the lightest tent"): a superlative's sort, not a
    comparative's nor a use case's preference."""
    return (
        plan.intent in ("search", "refine")
        and plan.sort is not None
        and plan.comparative is None
        and plan.sort.label.endswith(" first")
        and ":" not in plan.sort.label
    )


_THE_CALLED_ONE = re.compile(r"\bthe\s+(?:[a-z0-9][a-z0-9'-]*\s+){1,3}ones?\b")


def called_by_name(text: str, shown_ids: Sequence[str], titles: Mapping[str, str] | None) -> bool:
    """ "any chance the kestrel desk one is available in black?" after purifiers: "the <words> one"
    calling some of the shown products by words of their names (another kind's word among them:
    Standing Desks) asks about them, not for a new kind."""
    called = _THE_CALLED_ONE.search(_lower(text))
    if called is None or not shown_ids or not titles:
        return False
    # (every word said between "the" and "one" is a word of the name: "the standing desk one" calls
    # no purifier)
    said = {t.stem for t in tokenize(called.group(0))[1:-1]}
    # (one shown: its name's words, whichever they are, none telling it from another)
    candidates = (
        shown_ids if len(shown_ids) == 1 else resolve_references(called.group(0), shown_ids, titles=titles)
    )
    named = [i for i in candidates if said <= {t.stem for t in tokenize(_lower(titles.get(i, "")))}]
    # (naming every shown product says no more than "those")
    return bool(named) and (len(shown_ids) == 1 or len(named) < len(shown_ids))


_BOTH_PICKS = re.compile(r"\b(?:both|(?:those|these|the)\s+two|the\s+pair)\b")


def _lower(text: str) -> str:
    return text.replace("\u2019", "'").lower()


def _wish_ruled_out(stems: list[str], wish: str, start: int, end: int) -> bool:
    """ "something for my dorm, nothing big", "not too big": a soft wish ruled out where it is said
    (a word of degree, ``evaluative.yaml``, may sit between the cue and it) is no wish."""
    if start > 0 and stems[start - 1] in lexicons().degree:
        start -= 1
    return VocabularyMatcher.negated(
        stems, ValueMatch(kind="attribute", value=wish, display=wish, start=start, end=end), []
    )


def _find_phrases(tokens: list[Token], phrases: Sequence[str]) -> list[tuple[str, int, int]]:
    stems = [t.stem for t in tokens]
    found: list[tuple[str, int, int]] = []
    for phrase in phrases:
        p = tuple(singular(w) for w in phrase.split())
        for i in range(len(stems) - len(p) + 1):
            if tuple(stems[i : i + len(p)]) == p and not any(s < i + len(p) and i < e for _, s, e in found):
                found.append((phrase, i, i + len(p)))
    return found


def _unknown_capitalized(
    message: str, tokens: list[Token], matcher: VocabularyMatcher, skip: set[int]
) -> list[tuple[str, int]]:
    """Capitalized words mid-sentence that the catalog doesn't know (likely a brand it doesn't sell)."""
    if len(message) != len(_lower(message)):
        return []
    by_start = {t.start: i for i, t in enumerate(tokens)}
    lexicon = (
        FILLER_WORDS
        | VAGUE_WORDS
        | COLOR_WORDS
        | GENERIC_PRODUCT_NOUNS
        | OFF_TOPIC_WORDS
        | _QUERY_DROP
        | _ACRONYMS
    )
    found: list[tuple[str, int]] = []
    for m in _WORD.finditer(message):
        word = m.group()
        before = message[: m.start()].rstrip()
        if not word[0].isupper() or not before or before[-1] in ".!?:" or m.start() not in by_start:
            continue
        i = by_start[m.start()]
        stem = tokens[i].stem
        if word.isupper() and len(word) > 1 and ordinary_word(word):
            continue  # "fit a LOT of dishes": shouted, not a name
        if (
            i in skip
            or stem in lexicon
            or matcher.covers(stem)
            or any(stem in p.split() for p in PREFERENCE_TERMS)
        ):
            continue
        found.append((word, i))
    return found


_MAKER_CUE = re.compile(
    r"\b(?:from|by|made\s+by|brand)\s+(?P<a>[a-z][a-z'&-]{2,})\b"
    r"|\b(?P<b>[a-z][a-z'&-]{2,})\s+brand\b"  # "ridgid brand only"
)


def _unknown_maker(
    text: str, tokens: list[Token], matcher: VocabularyMatcher, skip: set[int]
) -> list[tuple[str, int]]:
    """A word after "from"/"by" that is no English word and nothing the catalog knows: a maker it
    does not sell ("anything from lululemon?")."""

    by_start = {t.start: i for i, t in enumerate(tokens)}
    found: list[tuple[str, int]] = []
    for m in _MAKER_CUE.finditer(text):
        group = "a" if m.group("a") else "b"
        i = by_start.get(m.start(group))
        if i is None or i in skip:
            continue
        stem = tokens[i].stem
        if (
            stem in FILLER_WORDS
            or matcher.covers(stem)
            or stem in english_words()
            or m.group(group) in english_words()
        ):
            continue
        found.append((m.group(group), i))
    return found


def _ruled_colours(said: list[str], matcher: VocabularyMatcher) -> list[str]:
    """The colours ruled out, each also in the other spelling the catalog's colours use ("grey" where
    they say "gray")."""
    other = spelling_variants()
    named = [color_words(c) for c in matcher.vocabulary.colors]
    ruled: list[str] = []
    for colour in said:
        variant = " ".join(other.get(w, w) for w in colour.split())
        ruled.append(colour)
        if variant != colour and any(color_words(variant) <= words for words in named):
            ruled.append(variant)
    return list(dict.fromkeys(ruled))


def _same_maker(brand: str, said: str) -> bool:
    """A longer name the catalog files the maker under ("jura-capresso" for "jura", "trp cycling")."""
    return brand != said and len(said) >= 3 and (brand.startswith(said + " ") or brand.startswith(said + "-"))


def _apply_matches(
    data: Filters, matches: list[ValueMatch], matcher: VocabularyMatcher, text: str, preferences: list[str]
) -> Filters:
    brands, excluded = list(data.brands), list(data.exclude_brands)
    colors, categories, attributes = list(data.colors), list(data.categories), dict(data.attributes)
    attribute_in = dict(data.attribute_in)
    # "also Sony", "navy too": added to what was asked; a leading "or blue?" offers another instead
    opening = re.sub(r"^(?:(?:ok|okay|hmm+|hm|well|so|um+|uh+|ah|oh|k)\b[,.!\s]*)+", "", text.strip())
    additive = re.search(r"\b(?:also|too|as well)\b", text) is not None or (
        re.search(r"\bor\b", text) is not None and not opening.startswith("or ")
    )
    new_brands = [m.value for m in matches if m.kind == "brand" and not m.negated]
    # the same maker filed under its name written as one word too ("Tastefully Simple", "TASTEFULLYSIMPLE")
    new_brands = list(dict.fromkeys(b for said in new_brands for b in matcher.spellings(said)))
    # "bugasalt … the little salt shotgun": a maker whose name is a word of another one named is that one
    named_words = {b: set(re.findall(r"[a-z0-9]+", b)) for b in new_brands}
    new_brands = [
        b for b in new_brands if not any(o != b and named_words[b] < named_words[o] for o in new_brands)
    ]
    if new_brands:
        brands = list(dict.fromkeys([*brands, *new_brands])) if additive else new_brands
        excluded = [b for b in excluded if b not in new_brands]
    for m in (m for m in matches if m.kind == "brand" and m.negated):
        # "anything but TRP" rules out the maker under each name it files by ("TRP Cycling")
        family = [b for b in matcher.vocabulary.brands if b == m.value or _same_maker(b, m.value)]
        family += [b for b in matcher.spellings(m.value) if b not in family]  # "TASTEFULLYSIMPLE" too
        excluded.extend(family or [m.value])
        brands = [b for b in brands if b not in family and b != m.value]
    new_colors = [m.value for m in matches if m.kind == "color" and not m.negated and not m.owned]
    owned = [m for m in matches if m.kind == "color" and m.owned and m.value not in new_colors]
    if owned and not new_colors:
        if any(m.kind == "color" and m.negated for m in matches):
            # "anything but black or bronze? the room is all white": the owned color is the one asked
            new_colors = [m.value for m in owned]
        else:
            # "a dog bed, our floors are all gray": a wish to match, ranked up, not a filter
            preferences.extend(m.display for m in owned)
    if new_colors:
        colors = list(dict.fromkeys([*colors, *new_colors])) if additive and colors else new_colors
    excluded_colors = [c for c in data.exclude_colors if not any(holds_colour(n, [c]) for n in new_colors)]
    not_colors = [m for m in matches if m.kind == "color" and m.negated]
    if not_colors:
        # "anything but red": no colour holding it (Red, Wood Red, Red & Black); one without a colour stays
        ruled = _ruled_colours([m.value for m in not_colors], matcher)
        colors = [c for c in colors if not holds_colour(c, ruled)]
        excluded_colors = list(dict.fromkeys([*excluded_colors, *ruled]))[:8]
    new_cats = [m.value for m in matches if m.kind == "category" and not m.negated]
    if new_cats:
        categories = new_cats
    said_keys: set[str] = set()
    for m in matches:
        if m.kind == "attribute" and m.key and m.values:
            # one word for several values of a key: "mechanical" (any of them), "down-free" (none)
            pool = [
                v for v in matcher.vocabulary.attributes.get(m.key, {}) if v not in ("no", "false", "none")
            ]
            allowed = [v for v in pool if (v in m.values) != m.negated]
            before = attribute_in.get(m.key)
            if allowed and len(allowed) <= MAX_COLOR_COMPLEMENT:
                attribute_in[m.key] = [v for v in allowed if before is None or v in before]
                attributes.pop(m.key, None)
            else:
                preferences.append(f"{'not ' if m.negated else ''}{m.display}")
        elif m.kind == "attribute" and m.key:
            if not m.negated:
                if m.key in said_keys:
                    continue  # "thermal carafe only, I've broken 3 glass ones": what is asked comes first
                said_keys.add(m.key)
                attributes[m.key] = m.value
            elif m.value in ("yes", "true"):
                attributes[m.key] = "no"  # "without a headrest": the yes/no attribute is no
            else:
                if attributes.get(m.key) == m.value:
                    del attributes[m.key]
                # "headphones but not over-ear": the key's other values, as a filter
                others = [
                    v
                    for v in matcher.vocabulary.attributes.get(m.key, {})
                    if v != m.value and v not in ("no", "false", "none")
                ]
                if others and len(others) <= MAX_COLOR_COMPLEMENT:
                    before = attribute_in.get(m.key)
                    attribute_in[m.key] = [v for v in others if before is None or v in before]
                else:
                    preferences.append(f"not {m.display}")
        elif m.kind == "category" and m.negated:
            preferences.append(f"not {m.display}")
    # features read from the last kind's titles ("boots") say nothing of another kind asked now
    switched = bool(new_cats) and set(new_cats) != set(data.categories)
    return data.model_copy(
        update={
            "brands": brands,
            "exclude_brands": list(dict.fromkeys(excluded)),
            "colors": colors,
            "exclude_colors": excluded_colors if not switched or not_colors else [],
            "categories": categories,
            "attributes": attributes,
            "attribute_in": attribute_in,
            **({"text_words": [], "exclude_text_words": [], "title_quantities": {}} if switched else {}),
        }
    )


_FOR_ME = re.compile(r"\bfor\s+(?:me|myself)\b")
_THAT_RANGE = re.compile(
    r"\b(?:that|this|the\s+same|my|same)\s+(?:price\s+)?(?:range|price|budget|bracket|ballpark|spec|size)\b"
)


def _restore(filters: Filters, relaxed: Sequence[Relaxation], cleared: set[str]) -> Filters:
    """``filters`` with the constraints an earlier answer loosened put back (not those cleared now)."""
    data = filters.model_dump()
    for r in relaxed:
        if r.loosened is None or r.field in cleared or (r.field == "brand" and "brand" in cleared):
            continue
        if r.field == "text_words" and all(f"word:{w}" in cleared for w in r.loosened.text_words):
            continue
        if _words_cleared(cleared) & {
            singular(w) for w in [*key_words(r.field), *re.findall(r"[a-z]+", r.asked)]
        }:
            continue  # "forget the weight" after "under 1.5 kilos" was loosened: not asked again
        asked = r.loosened.model_dump(exclude_defaults=True)
        for key, value in asked.items():
            if isinstance(value, dict):
                data[key] = {**value, **data.get(key, {})}
            elif isinstance(value, list):
                data[key] = data.get(key) or value
            elif data.get(key) is None:
                data[key] = value
    return Filters.model_validate(data)


def _named_targets(clears: Clears) -> set[str]:
    """What a message clears by a kind of constraint ("forget the price", "any brand"), not by a
    word that may name nothing ("skip summit & pine")."""
    return {t for t in clears.targets if not t.startswith("word:")}


def _words_cleared(cleared: set[str]) -> set[str]:
    """The words a message clears by name ("forget the weight": weight), singular."""
    return {singular(t.removeprefix("word:")) for t in cleared if t.startswith("word:")}


def _apply_clears(filters: Filters, cleared: set[str]) -> Filters:
    update: dict[str, object] = {}
    if "all" in cleared:
        return Filters()
    if "price" in cleared:
        update |= {"price_min": None, "price_max": None}
    if "brand" in cleared:
        update |= {"brands": [], "exclude_brands": []}
    if "color" in cleared:
        update["colors"] = []
    if "category" in cleared:
        update["categories"] = []
    if "rating" in cleared:
        update["min_rating"] = None
    if "stock" in cleared:
        update["in_stock"] = None
    # "forget the weight": a key cleared by a word of its own (weight_kg)
    said = _words_cleared(cleared)
    named = {
        k
        for k in [*filters.attributes, *filters.attribute_ranges, *filters.attribute_in]
        if said & {singular(w) for w in key_words(k)}
    }
    attrs = {k: v for k, v in filters.attributes.items() if k not in cleared and k not in named}
    if attrs != filters.attributes:
        update["attributes"] = attrs
    ranges = {k: v for k, v in filters.attribute_ranges.items() if k not in named}
    if ranges != filters.attribute_ranges:
        update["attribute_ranges"] = ranges
    among = {k: v for k, v in filters.attribute_in.items() if k not in named}
    if among != filters.attribute_in:
        update["attribute_in"] = among
    words = [w for w in filters.text_words if f"word:{w}" not in cleared]
    if words != filters.text_words:
        update["text_words"] = words  # "forget the budget and the 4k"
    return filters.model_copy(update=update)


def _with_prices(
    filters: Filters, prices: PriceParse, context: ConversationContext, fresh: bool, preferences: list[str]
) -> tuple[Filters, bool]:
    low, high = filters.price_min, filters.price_max
    from_message = False
    if prices.explicit:
        from_message = True
        if prices.price_min is not None and prices.price_max is not None:
            low, high = prices.price_min, prices.price_max
        elif prices.price_max is not None:
            high = prices.price_max
            low = low if low is not None and low < high else None
        else:
            low = prices.price_min
            high = high if high is not None and low is not None and high > low else None
    elif prices.relative:
        prev_filters = context.previous.filters if context.previous and not fresh else None
        bounds = relative_bounds(prices.relative, [] if fresh else context.shown_prices, prev_filters)
        if bounds is None:
            preferences.append("lower price" if prices.relative == "cheaper" else "premium")
        else:
            (low, high), from_message = bounds, True
    if prices.soft and prices.soft not in preferences:
        preferences.append(prices.soft)
    update: dict[str, object] = {"price_min": low, "price_max": high}
    if prices.min_rating is not None:
        update["min_rating"] = prices.min_rating
    return filters.model_copy(update=update), from_message


def _dedupe_words(words: Sequence[str]) -> list[str]:
    seen: set[str] = set()
    out: list[str] = []
    for w in words:
        if singular(w) not in seen:
            seen.add(singular(w))
            out.append(w)
    return out


def parse_turn(
    message: str,
    context: ConversationContext,
    vocabulary: Vocabulary,
    *,
    shown_titles: Mapping[str, str] | None = None,
    narrows: Callable[[str, Sequence[str]], bool] | None = None,
    part_of: Callable[[str, Sequence[str]], bool] | None = None,
    beside: Callable[[str, Sequence[str]], bool] | None = None,
    is_kind: Callable[[str], bool] | None = None,
) -> ParsedTurn:
    """The deterministic parse of one message in its conversation. ``narrows(category, kinds)``
    tells whether a category name is a level that narrows the kinds asked before ("and for men?"
    after sandals): that is no new topic. ``part_of(phrase, kinds)`` tells whether the kinds'
    titles say a phrase as a part or feature of theirs ("remote control" of ceiling fans).
    ``beside(category, kinds)`` whether a category name is a level beside one on the kinds' paths
    ("any for cats?" after dog beds: another audience's products, asked). ``is_kind(category)``
    whether a category name is one kind of thing, not a department of things for one (Dogs)."""
    matcher = matcher_for(vocabulary)
    text = _lower(message)
    injection = find_injection(text)
    text = blank_spans(text, injection)
    prices = parse_prices(text)
    clears = find_clears(blank_spans(text, prices.spans), list(vocabulary.attributes))
    # "forget the budget": the price word is the clear's target, not a price to read
    budget = find_clears(text, ())
    if "price" in budget.targets and prices.price_max is None and prices.price_min is None:
        clears.targets.add("price")
        clears.spans.extend(budget.spans)
    # "forget the budget and the 4k": a word a price reading took ("4k") is still the word dropped
    clears.targets |= {t for t in budget.targets if t.startswith("word:")}
    if loosens_budget(text) and prices.price_max is None:
        clears.targets.add("price")
    stock = [m.span() for m in _IN_STOCK.finditer(text)]
    places = position_spans(text) if context.shown_ids else []
    tokens = tokenize(blank_spans(text, [*prices.spans, *clears.spans, *stock, *places]))
    # a brand that describes the product ("something like X", "X-compatible") is no filter: its words
    # stay in the search text
    matches = [m for m in _outside_phrases(matcher.find(tokens), tokens) if not describes_brand(tokens, m)]
    # "my son keeps dropping his fire hd 8": a maker named of what the shopper already owns is
    # no brand to filter by (the case is for it, not from it)
    matches = [
        m
        for m in matches
        if not (
            m.kind == "brand" and any(tokens[j].text in _OWNERS for j in range(max(0, m.start - 2), m.start))
        )
    ]
    # "so she can make them at home", "for reading at the beach": a category said as where the
    # product is used names a place, not the product
    matches = [
        m
        for m in matches
        if not (m.kind == "category" and (_at_place(tokens, m.start) or _on_place(tokens, m.start)))
    ]
    # "what can i use to clean my makeup brushes", "for descaling my jura espresso machine", "what can
    # i pack my tent and sleeping bag in": a kind the product's doing acts on is what the product is
    # for, not the product; it is ruled out of the search (a level, "take my dog hiking", still says
    # whose product it is)
    used_on: list[str] = []
    doings: set[int] = set()
    if is_kind is not None:
        matches, used_on, doings = _used_on(tokens, matches, is_kind)
    if not product_phrase(text, matcher).strip():
        # "something that heats my food", "comes on when i open the door": with no kind named, a
        # category said as what a doing acts on is the use, not the product
        matches = [m for m in matches if not (m.kind == "category" and _acted_on(tokens, m.start))]
    # "twins turning 3 next month", "the queen is visiting": a value word that is the subject of
    # what follows names someone, not a value of a product
    matches = [
        m
        for m in matches
        if not (m.kind == "attribute" and m.end < len(tokens) and tokens[m.end].text in _SUBJECT_VERBS)
    ]
    if not any(m.kind == "category" for m in matches):
        # (with a kind named, a value next to another noun still says what is wanted of it: "running
        # shoes, he has wide feet"; so does one before the product's own word: "espresso machine")
        head = [t.stem for t in tokenize(product_phrase(text, matcher)) if t.text.isalpha()][-1:]
        matches = [
            m
            for m in matches
            if not (
                _qualifies_another_noun(tokens, m, matcher)
                # ("brews a single cup": a unit counted is never the product's own word)
                and ([tokens[m.end].stem] != head or _counts_a_unit(tokens[m.start].text, tokens[m.end].stem))
            )
        ]
    prev = context.previous
    use_spans = use_phrase_spans(text) if prev is not None else []  # "we're a family of six"
    if prev is not None and (prev.filters.categories or context.shown_ids):
        kinds = prev.filters.categories

        def aside(m: ValueMatch) -> bool:
            # "one with a keychain" after AirPods cases: a feature of the kind shown, not another
            # kind; "under twenty bucks for the set" after wine glasses: how the kind shown comes
            return (
                (bool(kinds) and aside_of_kind_shown(text, tokens, m))
                # "any that stay in while running?" after earbuds: when the kind shown is used
                # "they need real active noise cancelling" after earbuds: what is asked of them
                or asked_of_stand_in(text, tokens, m, lambda: beside is not None and beside(m.value, kinds))
                or package_of_kind_shown(tokens, m, vocabulary)
                or (bool(kinds) and part_of is not None and part_said(text, tokens, m, kinds, part_of))
                # "any of those that are service for 6? we're a family of six": who it is for
                or (bool(kinds) and _within(tokens[m.start].start, tokens[m.end - 1].end, use_spans))
            )

        matches = [
            m
            for m in matches
            if not (
                m.kind == "category" and aside(m) and not (narrows is not None and narrows(m.value, kinds))
            )
        ]
    than_id: str | None = None
    than = _THAN.search(text) if context.shown_ids else None
    if than is not None and is_pro_form(than.group("name").strip()):
        than = None  # "cheaper than that one": the one the last answer was about (its focus)
    if than is not None:
        # "quieter than the Hearthline": the named shown product is what to beat, not a brand filter
        named = resolve_references(
            than.group("name"), context.shown_ids, context.shown_prices, titles=shown_titles
        )
        if len(named) == 1:
            than_id = named[0]
            matches = [m for m in matches if not (than.start() <= tokens[m.start].start < than.end())]

    if is_chit_chat(tokens) and not matches and not prices.explicit and not _named_targets(clears):
        return ParsedTurn(
            plan=QueryPlan(query="", intent="chit_chat"), injection=bool(injection), fresh=False
        )

    consumed = {i for m in matches if m.kind != "category" for i in range(m.start, m.end)}
    # the cue after an excluded value ("latex-free") is spent on it, not a search word
    consumed |= {
        m.end for m in matches if m.negated and m.end < len(tokens) and tokens[m.end].stem in negation_after()
    }
    unknown: list[str] = []
    said_colors = _said_colors(tokens, matches, consumed)
    consumed |= {i for i, _, _ in said_colors}  # the suffix: no word a product's text must say
    stems = [t.stem for t in tokens]
    for _, start, phrase in said_colors:
        if phrase and not matcher.covers(phrase.split()[-1]):
            # "a maroon colored backpack": a color the catalog never uses is still the color asked;
            # filtered on, nothing meets it and the answer says so ("nothing matched in maroon")
            end = start + len(phrase.split())
            said = ValueMatch(kind="color", value=phrase, display=phrase, start=start, end=end)
            matches.append(said.model_copy(update={"negated": VocabularyMatcher.negated(stems, said, [])}))
            consumed |= set(range(start, end))
    for i, t in enumerate(tokens):
        if i not in consumed and t.stem in COLOR_WORDS and not matcher.covers(t.stem):
            unknown.append(t.text)
            consumed.add(i)
    for word, i in _unknown_capitalized(message, tokens, matcher, consumed):
        unknown.append(word)
        consumed.add(i)
    for word, i in _unknown_maker(text, tokens, matcher, consumed):
        unknown.append(word)  # "anything from lululemon?": a maker the store does not sell
        consumed.add(i)

    stems_said = [t.stem for t in tokens]
    preferences: list[str] = [
        p
        for p, s, e in _find_phrases(tokens, PREFERENCE_TERMS)
        if not consumed.intersection(range(s, e)) and not _wish_ruled_out(stems_said, p, s, e)
    ]
    preferences += [f"for {m.group(1)}" for m in _FOR_USE.finditer(text)]
    if "price" in clears.targets:
        # "stretch the budget", "forget the budget": the word asks nothing cheap
        preferences = [p for p in preferences if p != "budget"]
    people = _PEOPLE.search(text)
    if people:
        n = people.group(1) or people.group(2)
        in_attribute = any(
            m.kind == "attribute" and any(tokens[i].text == n for i in range(m.start, m.end)) for m in matches
        )
        if not in_attribute:
            preferences.append(f"for {n} people")
    # "does the store carry kayaks": the store it addresses is not a word of the product
    for m in _ADDRESSED.finditer(text):
        consumed |= {i for i, t in enumerate(tokens) if m.start(1) <= t.start and t.end <= m.end(1)}
    kept_at = [
        i
        for i, t in enumerate(tokens)
        if i not in consumed
        # ("to carry my laptop": the doing the product is for is a word of it)
        and (t.text not in FILLER_WORDS or i in doings)
        and t.text not in _NEGATION_WORDS
        and t.stem not in _QUERY_DROP
    ]
    kept = [tokens[i] for i in kept_at]
    pref_stems = {singular(w) for p in preferences for w in p.split()}
    vague = [t.text for t in kept if t.stem in VAGUE_WORDS or t.text in VAGUE_WORDS]
    product_words = [
        t
        for t in kept
        if t.stem not in pref_stems and t.text not in VAGUE_WORDS and t.stem not in VAGUE_WORDS
    ]
    positive = [m for m in matches if not m.negated]

    fresh = prev is None or "all" in clears.targets
    whole_kind = False
    if not fresh and prev is not None:
        prev_words = {t.stem for t in tokenize(prev.query)}
        new_cats = {m.value for m in positive if m.kind == "category"}
        if (
            new_cats
            and new_cats <= set(prev.filters.categories)
            and _someone_else_wants_one(tokens, positive)
        ):
            # "and my roommate wants a big blender": the same kind for another person, asked afresh
            fresh = True
        elif (
            new_cats & set(prev.filters.categories)
            and (sold := _sold_words(text))
            and not sold & {t.stem for v in prev.filters.categories for t in tokenize(v)}
            and not sold & prev_words
        ):
            # "do u sell a hard case for sunglasses" after sunglasses: what is asked is another kind;
            # the kind shown is what it is for
            fresh = True
        elif new_cats and not new_cats & set(prev.filters.categories):
            cat_words = {t.stem for v in new_cats for t in tokenize(v)}
            fresh = bool(prev.filters.categories) or not cat_words & prev_words
            if fresh and narrows is not None and all(narrows(c, prev.filters.categories) for c in new_cats):
                fresh = False
                # "do you carry dog shampoo?" after leashes, "oh also, dog food?" after dog beds: the
                # level (Dogs) qualifies another kind
                fresh = bool(_sold_words(text) - cat_words - prev_words) or _adds_kind(
                    text, tokens, product_words, cat_words | prev_words, vocabulary
                )
        elif not new_cats and product_words:
            # what is new besides the reply's opening ("fine, then …") and a bound's words ("at
            # least 144hz"): the words that could name another kind of product
            opening = next((i for i, t in enumerate(tokens) if t.text not in _REPLY_OPENINGS), len(tokens))
            said_aside = {t.start for t in tokens[:opening]}  # "ugh fine, …"
            if (extreme := find_superlative([t.stem for t in tokens])) is not None:
                said_aside |= {t.start for t in tokens[extreme[2] : extreme[3]]}  # "the lowest price"
            # "at least 144hz, mostly for shooters": what it is for, after a spec of the kind shown
            said_aside |= {
                t.start
                for m in _USE_AFTER_FOR.finditer(text)
                for t in tokens
                if m.start() <= t.start < m.end()
            }
            # "any of those good for a big family?": who it is for, in a phrase of use
            said_aside |= {t.start for t in tokens if _within(t.start, t.end, use_spans)}
            novel = [
                t
                for t in product_words
                if t.stem not in prev_words
                and not t.stem[:1].isdigit()
                and t.stem not in _BOUND_WORDS
                and t.start not in said_aside
            ]
            # "I need something bigger for a week-long trek": a comparative is relative to what was
            # shown, whatever new words come with it.
            fresh = (
                bool(novel)
                # "and a dutch oven for soups?": another item, asked the way a list goes on; "also
                # gonna need a camp stove": one added
                and (
                    is_new_request(text)
                    or _ADDS_ANOTHER.match(text) is not None
                    or _adds_kind(text, tokens, novel, prev_words, vocabulary)
                )
                # ("while im at it, a space heater?": the "it" of the idiom points at nothing; "a
                # webcam too, do you have those?": the pro-form is the webcam)
                and not _points_back(
                    _sold_of_named_aside(_AT_IT.sub(lambda m: " " * len(m.group()), text)), novel
                )
                # "what about for kids? my 8 yo wants to match me": the opening asks for the kind shown
                # for someone, in a color, under a price
                and not _WHAT_ABOUT.match(text)
                and find_comparative([t.stem for t in tokens]) is None
                # "tom's of maine, i want something more natural": relative to what was shown
                and not _SOMETHING_MORE.search(text)
                # "I'd rather skip Summit & Pine": ruling a maker out narrows what was asked
                and not any(m.negated and m.kind == "brand" for m in matches)
                # "what about king size?" after a queen: another value of a key asked before
                and not any(m.kind == "attribute" and m.key in prev.filters.attributes for m in positive)
            ) or _another_child(text, prev)
            # "do you also sell bed frames to go with it?": another kind, asked after, whatever it
            # is to go with
            fresh = fresh or (
                bool(_sold_words(text) & {t.stem for t in novel})
                and find_comparative([t.stem for t in tokens]) is None
                and not positive
            )
        elif (
            vague
            and not product_words
            and not positive
            and not _refines(tokens)
            # ("any of those good for a big family?": a use of the kind shown)
            and not use_spans
            and prices.price_min is None
            and prices.price_max is None
        ):
            fresh = True
        if fresh and context.shown_ids and _asks_of_shown(text, tokens, positive):
            # "does the first one plug into a car?", "can the second one work in a truck?": the kind
            # named is what a shown product is asked about, not another thing asked for
            fresh = False
        if (
            not fresh
            and (prev.items or (not prev.filters.categories and prev.intent == "product_question"))
            and product_words
            and _STORE_WIDE.search(text)
            and find_superlative([t.stem for t in tokens]) is not None
        ):
            # "whats the heaviest kettlebell u guys carry" after a kettlebell and a jump rope (or a
            # question about one of them, which kept no kind): one of the items, over all the store
            # has of it
            item_words = {t.stem for item in prev.items for t in tokenize(item.query)}
            fresh = not prev.items or any(t.stem in item_words for t in product_words)
        if (
            not fresh
            and new_cats
            and _STORE_WIDE.search(text)
            and find_superlative([t.stem for t in tokenize(text)]) is not None
            # "the cheapest fitting you got" after pipe fittings: the shopper's short name for it
            # (unless they say so: "the lowest priced necklace you sell, any kind")
            and not (
                _ANY_KIND.search(text) is None
                and all(
                    c not in prev.filters.categories
                    and {t.stem for t in tokenize(c)}
                    <= {t.stem for p in prev.filters.categories for t in tokenize(p)}
                    for c in new_cats
                )
            )
        ):
            # "what's the cheapest coffee maker you have?": the whole category, not the last narrowing.
            fresh = True
        whole_kind = (
            not fresh
            and not new_cats
            and bool(prev.filters.categories)
            and _STORE_WIDE.search(text) is not None
            and (
                find_superlative([t.stem for t in tokenize(text)]) is not None
                # "which one goes the longest on one charge?": a superlative word, whatever it measures
                or any(t.text in lexicons().market_superlatives for t in tokenize(text))
            )
            # "which band is the cheapest you have?" after leather replacement bands: the kind's head
            # noun, over all of the kind, not the last narrowing; "out of all the ones you carry"
            # says so without it
            and (
                any(
                    _head_noun_of(t.text, c) or _head_noun_of(t.stem, c)
                    for t in product_words
                    for c in prev.filters.categories
                )
                or _ALL_OF_THEM.search(text) is not None
            )
        )

    shown_prices = context.shown_prices if len(context.shown_prices) == len(context.shown_ids) else []
    asked_earlier: list[str] = []
    if fresh and context.shown_ids and (side := _VERSUS.match(text)) is not None:
        # "the monitor c1 vs reference ob-2, which one would you get for a small bedroom studio": one
        # side names a shown product; what the chatter after it names is no new ask
        # ("laptops vs tablets?" names no one of them: every shown laptop, or none)
        named = resolve_references(side.group(1), context.shown_ids, titles=shown_titles)
        fresh = not 0 < len(named) < len(context.shown_ids)
    if fresh and called_by_name(text, context.shown_ids, shown_titles):
        fresh = False
    compare = bool(context.shown_ids) and not fresh and is_compare(text)
    # "of the victorinox ones which has the top rating", "which is the cheapest white one": the
    # extreme among products of that value, a sort over them, not a side-by-side of what was shown
    extreme_of_value = find_superlative([t.stem for t in tokenize(_lower(message))]) is not None and any(
        m.kind in ("color", "brand", "attribute") and not m.negated for m in matches
    )
    compare = compare and not extreme_of_value and not whole_kind
    question = (
        bool(context.shown_ids)
        and not fresh
        and not compare
        and not whole_kind
        and is_product_question(text)
        # "do u have a kettlebell that's like fifty pounds": a thing asked for, not a question about
        # the one shown
        and not (_ASKS_FOR_A.search(text) and not POSITION.search(text))
        # "oh and a webcam too, do you have those?": whether the thing just named is sold
        and not (_SOLD_OF_NAMED.search(text) and not POSITION.search(text))
    )
    # (a price's own figure names no product: "cant go over $15 on it" is no "15 Degree Slanted Bowl")
    unpriced = blank_spans(text, prices.spans)
    if (
        question
        and (prices.price_max is not None or prices.price_min is not None)
        and not POSITION.search(text)
        and not 0
        < len(resolve_references(unpriced, context.shown_ids, titles=shown_titles))
        < len(context.shown_ids)
    ):
        question = False  # "can we keep each of them at a hundred bucks or less?": a bound, asked anew
    if (
        not question
        and context.shown_ids
        and not fresh
        and not compare
        and not whole_kind
        and shown_titles
        and opens_question(text)
        and not is_new_request(text)
        and not re.search(r"\bany\b", text)
    ):
        # "how many watts is the Roomfill?": a question naming some of the shown products.
        named = resolve_references(unpriced, context.shown_ids, titles=shown_titles)
        question = 0 < len(named) < len(context.shown_ids)
        if not named and context.earlier_ids and context.earlier_titles:
            # "and how long is the foam roller?": one product an earlier answer showed
            # (read against everything shown: a name the last answer's products share is theirs)
            before = resolve_references(
                unpriced,
                [*context.shown_ids, *context.earlier_ids],
                titles={**context.earlier_titles, **(shown_titles or {})},
            )
            if len(before) == 1 and before[0] in context.earlier_ids and not POSITION.search(text):
                question, asked_earlier = True, before
    if (
        question
        and _MORE_PRODUCTS.search(text)
        and not POSITION.search(text)
        and any(m.kind == "brand" and not m.negated for m in matches)
    ):
        question = False  # "what else does Cuisinart have?", "anything by Hunter?": that brand's products
    if question and _named_targets(clears):
        question = False  # "I can stretch the budget, which ones last longer?": a new search, loosened

    base = prev.filters if prev is not None and not fresh else Filters()
    if whole_kind and prev is not None:
        base = Filters(categories=prev.filters.categories, categories_all=prev.filters.categories_all)
    if prev is not None and not fresh and prev.relaxed:
        dropping = bool(_named_targets(clears)) or any(m.kind == "brand" and m.negated for m in matches)
        if dropping or _THAT_RANGE.search(text):
            # What the last answer had to loosen is still what the shopper wants: once another
            # constraint goes ("forget Whirlwise") or they point at it ("in that range"), ask again.
            base = _restore(base, prev.relaxed, clears.targets)
    filters = _apply_clears(base, clears.targets)
    if prev is not None and not fresh and _FOR_ME.search(text):
        # "and for me one with more cleaning modes than hers", "i want one for myself too": the
        # shopper, not the child asked for before; a child's age and the kids' words stay with the
        # child
        children = lexicons().children
        kids = {w.casefold() for w in [*children["words"], *children.get("kids_values", [])]}
        filters = filters.model_copy(
            update={
                "attribute_ranges": {
                    k: r for k, r in filters.attribute_ranges.items() if not k.startswith("age")
                },
                "child_age": None,
                "text_words": [w for w in filters.text_words if w.casefold() not in kids],
            }
        )
    if prev is not None and not fresh and prev.filters.brands and OTHER_BRAND.search(text):
        # "other brands?", "a different brand": not the ones asked for before
        filters = filters.model_copy(
            update={"exclude_brands": list(dict.fromkeys([*filters.exclude_brands, *prev.filters.brands]))}
        )
    # "any of those in black?", "are any of them waterproof?": a question over the shown SET that names
    # a catalog value asks to narrow to it (a refinement), unlike "is the second one black?".
    variant = question and (
        _VARIANT_QUESTION.search(text) is not None
        # "…but I'd rather skip Summit & Pine, what else is that warm?": ruling a maker out refines
        or any(m.kind == "brand" and m.negated for m in matches)
        or extreme_of_value
        or (
            _SET_REFERENCE.search(text) is not None
            # "any of those that aren't smart?": ruling a feature out narrows the set too
            and any(
                m.kind in ("color", "brand", "attribute") and (not m.negated or m.kind == "attribute")
                for m in matches
            )
        )
    )
    if not compare and (not question or variant):
        filters = _apply_matches(filters, matches, matcher, text, preferences)
    if used_on and not filters.categories:
        filters = filters.model_copy(
            update={"exclude_categories": list(dict.fromkeys([*filters.exclude_categories, *used_on]))[:8]}
        )
    filters, price_from_message = _with_prices(filters, prices, context, fresh, preferences)
    if stock:
        filters = filters.model_copy(update={"in_stock": True})
    filters = Filters.model_validate(filters.model_dump())

    referenced: list[str] = []
    # ("which jacket is the most waterproof": the extreme asked names no product, though one title
    # says "Waterproof")
    extreme = find_superlative([t.stem for t in tokens])
    unnamed = (
        blank_spans(text, [(tokens[extreme[2]].start, tokens[extreme[3] - 1].end)])
        if extreme is not None and 0 <= extreme[2] < extreme[3] <= len(tokens)
        else text
    )
    if compare:
        intent = "compare"
        referenced = resolve_references(
            unnamed, context.shown_ids, shown_prices, titles=shown_titles, bare_numbers=True, default_all=True
        )
        versus = _VERSUS_CLAUSE.search(text)
        if versus is not None and len(referenced) > 2:
            # "the monitor c1 vs reference ob-2, which one for a small bedroom studio": the two sides
            # of "vs" are the products; the words after it ("studio") say what they are for
            sides = [
                _best_named(side, context.shown_ids, shown_prices, shown_titles)
                for side in re.split(r"\bvs\.?|\bversus\b", versus.group(0))
            ]
            if all(sides) and len(set(sides)) == 2:
                referenced = [str(side) for side in sides]
        ranking = context.previous
        top = _TOP_N.search(text)
        if len(context.picks) >= 2 and _BOTH_PICKS.search(text) and not POSITION.search(text):
            referenced = context.picks[-2:]  # "the lightest", "the roomiest", "compare those two"
        elif (
            top is not None
            and ranking is not None
            and ranking.intent == "product_question"
            and ranking.sort is not None
            and len(ranking.referenced_ids) >= _COUNTS_SAID[top.group(1)]
        ):
            # "which rates best?", then "those top 2 head to head": the two its answer ranked first
            referenced = ranking.referenced_ids[: _COUNTS_SAID[top.group(1)]]
        elif len(referenced) < 2 and context.earlier_ids and context.earlier_titles and shown_titles:
            # "how does the hybrid stack up against the restwell one": one of them an earlier answer showed
            named = named_by_parts(
                text,
                [
                    (context.shown_ids, shown_titles),
                    (
                        context.earlier_ids,
                        {i: context.earlier_titles.get(i, "") for i in context.earlier_ids},
                    ),
                ],
            )
            if len(named) >= 2:
                referenced = named
            elif (
                len(named) == 1
                and len(referenced) == 1
                and named[0] not in referenced
                and named[0] in context.earlier_ids
            ):
                # "how does that one stack up against the black ergomesh pro": the one shown, and the
                # one an earlier answer showed, named
                referenced = [referenced[0], named[0]]
        if (
            len(referenced) == 1
            and context.focus is not None
            and context.focus not in referenced
            and _IT.search(text) is not None
        ):
            # "how does it compare to the hi ho cherry-o" after "tell me more about the peppa pig
            # one": "it" is the product asked about, the other the one named
            referenced = [context.focus, referenced[0]]
        preferences += [
            COMPARATIVES[t.text] for t in tokens if t.text in COMPARATIVES and COMPARATIVES[t.text] != "price"
        ]
    elif question:
        referenced = asked_earlier or resolve_references(
            unnamed, context.shown_ids, shown_prices, titles=shown_titles, default_all=True
        )
        # "how much weight can the walnut take?" after the walnut 60 and the deskwright 60 side by
        # side: the compared one it names, not every walnut shown (after a comparison of two or more)
        compared = prev.referenced_ids if prev is not None and prev.intent == "compare" else []
        among = [i for i in referenced if i in compared]
        if (
            len(compared) >= 2
            and among
            and len(among) < len(referenced)
            and not asked_earlier
            and not POSITION.search(text)
        ):
            referenced = among
        # "which ones aren't wireless?": a feature ruled out narrows the set as one asked for does
        ruled_out_feature = any(m.kind == "attribute" and m.negated for m in matches)
        intent = "refine" if variant and (positive or ruled_out_feature) else "product_question"
    elif _out_of_catalog(kept, positive, matcher) and (
        fresh or prev is None or _ADDS_ITEM.search(text) or _ASKS_IF_SOLD.search(text)
    ):
        intent = "out_of_catalog"  # "oh and a toaster": an added kind the store does not sell
    elif (
        (fresh or prev is None)
        and not positive
        and not product_words
        and not [p for p in preferences if p not in ("budget", "premium")]
    ):
        intent = "clarify"
    else:
        intent = "search" if fresh else "refine"

    new_words = _query_words(tokens, set(kept_at), consumed)
    if intent in ("compare", "product_question") or (intent == "refine" and prev is not None):
        prev_query = prev.query if prev is not None else ""
        extra = [] if intent in ("compare", "product_question") else new_words
        query = " ".join(_dedupe_words([*prev_query.split(), *extra]))
        preferences = [*(prev.preferences if prev is not None else []), *preferences]
    else:
        query = " ".join(_dedupe_words(new_words))
        if not query and positive:
            query = " ".join(m.display for m in positive)
    if intent == "clarify":
        query = ""
    exclude: list[str] = []
    if intent == "refine" and prev is not None and context.shown_ids and _MORE.search(text):
        # "any others?", "show me more": the next products, not the same ones again
        exclude = list(dict.fromkeys([*prev.exclude_ids, *context.shown_ids]))[-200:]
    plan = QueryPlan(
        query=query,
        exclude_ids=exclude,
        filters=filters,
        preferences=list(dict.fromkeys(preferences)),
        intent=intent,  # type: ignore[arg-type]
        referenced_ids=referenced,
        clarifying_question=clarifying_question(vague, matcher.top_categories())
        if intent == "clarify"
        else None,
        unknown_values=list(dict.fromkeys(unknown)),
    )
    return ParsedTurn(
        plan=plan,
        cleared=set(clears.targets),
        injection=bool(injection),
        price_from_message=price_from_message,
        fresh=fresh,
        than_id=than_id,
    )


_GO_BACK = re.compile(
    r"\b(?:go|going|take\s+me|get\s+me|bring\s+(?:me|them|those|back))\s+back\b|\bback\s+to\s+(?:the\s+)?(?:first|original|"
    r"earlier|previous|initial|old|start)|\b(?:earlier|original|previous|initial|old|first)\s+(?:ones|results|list|options|"
    r"picks|suggestions)\s+(?:again|back)\b|\b(?:show|see)\s+(?:me\s+)?(?:the\s+)?(?:earlier|original|previous|initial)\s+"
    r"(?:ones|results|list|options|picks|suggestions)\b"
)
_TO_START = re.compile(r"\b(?:first|original|initial|start|beginning)\b")


def _gone_back(message: str, history: Sequence[HistoryTurn]) -> QueryPlan | None:
    """ "go back to the first ones", "show me the earlier ones again": the plan of an earlier list,
    asked again (the first list of the conversation, or the one before the last)."""
    text = _lower(message)
    if not _GO_BACK.search(text):
        return None
    lists = [
        plan
        for plan, t in _answers(history)
        if t.shown_ids and plan is not None and plan.intent in ("search", "refine")
    ]
    if len(lists) < 2:
        return None
    target = lists[0] if _TO_START.search(text) else lists[-2]
    return target.model_copy(
        update={
            "intent": "refine",
            "referenced_ids": [],
            "exclude_ids": [],
            "comparative": None,
            "relaxed": [],
        }
    )


# "anything else by Cuisinart?", "are there any snorkel sets by speedo?": that maker's products
_MORE_PRODUCTS = re.compile(
    r"\b(?:else|anything|other|others|more|rest|are\s+there\s+any|is\s+there\s+an?y?)\b"
    # "what does summit & pine have?"
    r"|\bwhat\s+(?:else\s+)?(?:does|do|did)\s+.{1,40}?\s+(?:have|make|sell|carry|offer|got)\b"
)
_MORE = re.compile(
    r"\b(?:any\s+others?|(?:some|any|the)\s+other\s+(?:ones|options|choices)|other\s+options|more\s+options|"
    r"show\s+(?:me\s+)?(?:some\s+)?more|anything\s+else|something\s+else|what\s+else|different\s+ones|"
    r"more\s+(?:like\s+(?:that|this|these)|of\s+(?:those|these|them)))\b"
)
_TOP_N = re.compile(r"\btop\s+(2|3|two|three)\b")
_COUNTS_SAID = {"2": 2, "two": 2, "3": 3, "three": 3}
_THAN = re.compile(r"\bthan\s+(?:the\s+|that\s+|this\s+|my\s+)?(?P<name>[^?.!,;]+)")


def _outside_phrases(matches: list[ValueMatch], tokens: list[Token]) -> list[ValueMatch]:
    """Values found inside a comparative or superlative phrase are the phrase's words, not filters:
    "the best rated one" names no brand "Best", "top rated" no "tops", "lighter" no "light" cushioning."""
    inside = _phrase_positions(tokens)
    return [m for m in matches if m.start not in inside]


def _phrase_positions(tokens: list[Token]) -> set[int]:
    """Token positions inside the message's comparative or superlative phrase ("top rated")."""
    stems = [t.stem for t in tokens]
    found = (find_superlative(stems), find_comparative(stems))
    return {i for r in found if r is not None for i in range(r[2], r[3])}


def _use_phrases_naming_a_kind(text: str, matcher: VocabularyMatcher) -> list[tuple[int, int]]:
    """The spans of ``text``'s phrases of use ("a big family", "family of six") in which a category's
    name is said; a phrase that names none ("for him") is left out."""
    spans = use_phrase_spans(text)
    if not spans:
        return []
    tokens = tokenize(text)
    named = [
        (tokens[m.start].start, tokens[m.end - 1].end) for m in matcher.find(tokens) if m.kind == "category"
    ]
    return [(a, b) for a, b in spans if any(a <= start and end <= b for start, end in named)]


def _titles_file_under(
    kind: str,
    said: list[Token],
    word_categories: Callable[[str], list[tuple[str, int]]] | None,
    kinds_shown: Sequence[str],
) -> bool:
    """Whether the word of ``kind``'s name the message says is one the catalog's titles use mostly
    for products of a kind shown, and never for ``kind``'s own: a feature of those, not a call for
    ``kind`` ("service for 6" on dinnerware; not "the full face mask kind" after snorkel sets, where
    Diving Masks' titles say "mask" too)."""
    if word_categories is None:
        return False
    named = set(_name_words(kind))
    shown = {norm(k) for k in kinds_shown}
    for t in said:
        if t.text in named or t.stem in named:
            counts = word_categories(t.text)
            if counts and norm(counts[0][0]) in shown and norm(kind) not in {norm(c) for c, _ in counts}:
                return True
    return False


def _refines(tokens: list[Token]) -> bool:
    """ "something bigger", "anything for 4 people": a vague word that refines what was shown."""
    stems = [t.stem for t in tokens]
    return (
        find_comparative(stems) is not None
        or find_superlative(stems) is not None
        # a figure, bare or with its unit ("at least 144hz", "anything 27in")
        or any(s[:1].isdigit() for s in stems)
    )


_POSSESSIVES = frozenset({"my", "his", "her", "their", "our", "your"})
_BOUND_WORDS = frozenset({"least", "most", "max", "min", "minimum", "maximum"})
_REPLY_OPENINGS = frozenset(
    {
        "fine",
        "alright",
        "sure",
        "cool",
        "whatever",
        "ugh",
        "meh",
        "ah",
        "oh",
        "ok",
        "okay",
        "well",
        "hmm",
        "so",
    }
)


def _owned(text: str, category: str) -> bool:
    """Whether the words naming ``category`` follow a possessive ("streaming his dj sets"): a thing
    the shopper's people have, not one asked for."""
    names = {t.stem for t in tokenize(category)}
    tokens = tokenize(text)
    said = [i for i, t in enumerate(tokens) if t.stem in names]
    return bool(said) and all(
        any(tokens[j].text in _POSSESSIVES for j in range(max(0, i - 2), i))
        # "getting my mom her first tablet": a first one is one they do not have yet
        and not (i and tokens[i - 1].text == "first")
        for i in said
    )


def _sold_words(text: str) -> set[str]:
    """The stems of what "do you (also) sell …?" asks about ("bed frames"; not "it", "a longer one")."""
    m = _SOLD_ASKED.search(text)
    if m is None:
        return set()
    words = [t.stem for t in tokenize(m.group("what"))]
    if not words or words[-1] in _PRONOUN_OBJECTS:
        return set()  # "do you have a longer one?": the kind shown, asked again
    return set(words) - FILLER_WORDS


def _out_of_catalog(kept: list[Token], positive: list[ValueMatch], matcher: VocabularyMatcher) -> bool:
    """Clearly not something this store sells: an off-topic request, or generic product nouns the
    catalog's vocabulary never mentions (and nothing it does)."""
    if positive:
        return False
    stems = [t.stem for t in kept]
    if any(s in OFF_TOPIC_WORDS or t.text in OFF_TOPIC_WORDS for s, t in zip(stems, kept, strict=True)):
        return True
    nouns = [t for t in kept if t.text in GENERIC_PRODUCT_NOUNS or t.stem in GENERIC_PRODUCT_NOUNS]
    return bool(nouns) and not any(matcher.covers(t.stem) for t in kept)


def plan_turn(
    message: str,
    history: list[HistoryTurn],
    vocabulary: Vocabulary,
    *,
    previous: QueryPlan | None = None,
    llm_plan: ModelPlan | None = None,
    dropped: Dropped | None = None,
    shown_titles: Mapping[str, str] | None = None,
    earlier_titles: Mapping[str, str] | None = None,
    schema: CatalogSchema | None = None,
    shown_products: Sequence[Product] = (),
    known: Callable[[str], bool] | None = None,
    word_categories: Callable[[str], list[tuple[str, int]]] | None = None,
    part_of: Callable[[str, Sequence[str]], bool] | None = None,
    brand_leaves: Callable[[str], set[str]] | None = None,
    kind_of: Callable[[str, list[str], bool], str | None] | None = None,
) -> QueryPlan:
    """The standalone plan of ``message`` given the conversation ``history``.

    Stages: normalize (typos towards the catalog's vocabulary, numbers in words) → the deterministic
    parse (prices, values, references, intent, carry-over) → a capable LLM's plan merged in → the
    catalog schema's meaning (:func:`~assistant.plan.catalog_stage.apply_schema`: specs, use cases,
    comparatives, questions, multi-item asks, category-scoped attributes) → the model's attribute
    constraints, comparative and sort merged in over the plan's own category.

    ``previous`` overrides the plan carried over from history; ``llm_plan`` is a capable model's
    checked plan to merge (``dropped`` counts the model values the merge refuses); ``shown_titles`` (id → title of products shown) lets "the Bosch or the
    LG" resolve to ids in comparisons; ``shown_products`` are the records of the products shown last
    (comparatives are relative to them); ``known`` tells whether a word occurs in the catalog's text;
    ``part_of(phrase, kinds)`` whether the kinds' titles say a phrase as a part of theirs;
    ``brand_leaves(brand)`` the leaf categories a brand's own products are filed under;
    ``kind_of(kind, read, said_as_thing)`` the leaf category an item's kind is where the catalog says it in other
    words than its categories and titles (its descriptions), given the categories read from its
    words, for the items of a multi-item ask.
    """
    context = conversation_context(history, previous)
    if earlier_titles:
        context.earlier_titles = dict(earlier_titles)
    back = _gone_back(message, history)
    if back is not None:
        return back
    matcher = matcher_for(vocabulary)
    normalized = normalize_message(message, matcher, known)
    if schema is not None and context.previous is not None and context.previous.filters.categories:
        normalized = _drop_incidental_roots(normalized, matcher, schema, context.previous.filters.categories)
    heard = blank_complaints(normalized)
    if context.previous is not None and (
        context.previous.filters.categories or context.previous.category_hint
    ):
        # "any of those good for a big family?" after tents: who they are for, in a phrase of use,
        # names no kind (the Family books)
        heard = blank_spans(heard, _use_phrases_naming_a_kind(heard, matcher))
    found = find_head(heard, matcher, schema, word_categories) if schema is not None else None
    if (
        found is not None
        and schema is not None
        and context.previous is not None
        and context.shown_ids
        and not context.previous.filters.categories
    ):
        # "any that stay in while running?" after earbuds the catalog only hinted: when they are used
        said = tokenize(normalized)
        at = [m for m in matcher.find(said) if m.kind == "category" and m.value == found[0]]
        hint = [context.previous.category_hint] if context.previous.category_hint else []
        if at and all(
            asked_of_stand_in(normalized, said, m, partial(_beside_kinds, schema, m.value, hint)) for m in at
        ):
            found = None
    if (
        found is not None
        and schema is not None
        and context.previous is not None
        and (kinds_shown := context.previous.filters.categories)
    ):
        said = tokenize(normalized)
        at = [m for m in matcher.find(said) if m.kind == "category" and m.value == found[0]]
        if at and all(
            (
                aside_of_kind_shown(normalized, said, m)
                # "which ones stay put during cardio" after earbuds: when the kind shown is used
                or asked_of_stand_in(
                    normalized, said, m, partial(_beside_kinds, schema, m.value, kinds_shown)
                )
                # "nylon strings please" after guitars: a part of the kind shown
                or (part_of is not None and part_said(normalized, said, m, kinds_shown, part_of))
            )
            and not any(_related(schema, m.value, k) for k in kinds_shown)
            for m in at
        ):
            found = None  # "one with a keychain": a feature of the kind shown (see parse_turn)
        elif (
            not at
            and _qualifies_stand_in(product_phrase(blank_complaints(normalized), matcher))
            and not any(_related(schema, found[0], k) for k in kinds_shown)
        ):
            # "can you find wine ones under fifteen?" after wine colored pillow covers: a word the
            # catalog's titles file elsewhere (Wine Glasses), said of a stand-in for the kind shown
            found = None
        elif (
            not at
            # (a kind of the shown one's department may be asked by the word: "the full face mask
            # kind" after snorkel sets is Diving Masks)
            and schema.departments(found[0]).isdisjoint(
                {d for k in kinds_shown for d in schema.departments(k)}
            )
            and _titles_file_under(found[0], said, word_categories, kinds_shown)
        ):
            # "any of those that are service for 6?" after dinnerware sets: the word its titles say
            # ("Service for 6") ends another kind's name only (Health Care & Food Service)
            found = None
    if found is not None and context.previous is not None and context.shown_ids:
        said = tokenize(normalized)
        at = [m for m in matcher.find(said) if m.kind == "category" and m.value == found[0]]
        if at and all(package_of_kind_shown(said, m, vocabulary) for m in at):
            found = None  # "the top scoring cobalt set you sell": how the kind shown comes (see parse_turn)
    if (
        found is not None
        and found[1]
        and context.previous is not None
        and not context.previous.filters.categories
        and context.previous.intent in ("search", "refine")
        and _files_most(found[0], shown_products)
    ):
        # "an actual paper book pls" after a search that named no kind and showed mostly books: the
        # kind shown, named now (a refinement of it, not a new topic)
        context.previous = context.previous.model_copy(
            update={"filters": context.previous.filters.model_copy(update={"categories": [found[0]]})}
        )
    used_early: list[str] = []
    if schema is not None and found is None:
        # (the kinds a doing acts on, read before a use phrase's category words are dropped: "to clean
        # my running shoes"; with a kind named the text stays and the parse reads them itself)
        said = tokenize(normalized)
        _, used_early, _ = _used_on(said, matcher.find(said), partial(_names_one_kind, schema))
        # No product named: category words in a use phrase ("for home use") must not switch topics.
        normalized = _drop_use_categories(normalized, matcher, schema)
    parsed = parse_turn(
        normalized,
        context,
        vocabulary,
        shown_titles=shown_titles,
        narrows=(lambda c, kinds: any(_related(schema, c, k) for k in kinds)) if schema is not None else None,
        part_of=part_of,
        beside=(lambda c, kinds: _beside_kinds(schema, c, kinds)) if schema is not None else None,
        is_kind=partial(_names_one_kind, schema) if schema is not None else None,
    )
    if parsed.plan.intent not in ("search", "refine", "out_of_catalog", "clarify"):
        found = None
    if (
        not parsed.fresh
        and context.previous is not None
        and (before_cats := context.previous.filters.categories)
        and parsed.plan.filters.categories
        and all(any(_head_noun_of(c, b) for b in before_cats) for c in parsed.plan.filters.categories)
    ):
        # "which set has the best reviews?" after Container Sets: the kind shown, by its head noun
        parsed.plan = parsed.plan.model_copy(
            update={"filters": parsed.plan.filters.model_copy(update={"categories": list(before_cats)})}
        )
        if found is not None and _head_noun_of(found[0], before_cats[0]):
            found = None
    head, firm = found if found else (None, False)
    f = parsed.plan.filters
    used_on = list(f.exclude_categories)
    if used_early and not f.categories and parsed.plan.intent in ("search", "refine"):
        used_on = list(dict.fromkeys([*used_on, *used_early]))
    if schema is not None and used_on:
        # a kind of it filed elsewhere is no more the product ("my leather boots": no Snow Boots)
        elsewhere = [
            c for c in schema.categories if c not in used_on and any(_a_kind_of(c, u) for u in used_on)
        ]
        used_on = list(dict.fromkeys([*used_on, *sorted(elsewhere)]))[:8]
        parsed.plan = parsed.plan.model_copy(
            update={"filters": f.model_copy(update={"exclude_categories": used_on})}
        )
    if head is not None and schema is not None and (used_on := parsed.plan.filters.exclude_categories):
        # "for descaling my jura espresso machine": the kind named is what the product is for
        # (its leaves, and a kind of it filed elsewhere: "leather boots" are no Snow Boots either)
        ruled = {norm(leaf.name) for c in used_on for leaf in schema.leaves(c)} | set(used_on)
        if norm(head) in ruled or any(_a_kind_of(head, c) for c in used_on):
            head = None
    calls_shown = called_by_name(normalized, context.shown_ids, shown_titles)
    if not parsed.fresh and calls_shown:
        # "is the kestrel desk one in black? my office is all dark wood" after purifiers: the kind's
        # word names the shown product, and the products asked about are of the kind shown, whatever
        # place or kind the rest of the message names
        head = None
        if context.previous is not None and (kinds := context.previous.filters.categories):
            parsed.plan = parsed.plan.model_copy(
                update={"filters": parsed.plan.filters.model_copy(update={"categories": list(kinds)})}
            )
    if (
        head is not None
        and not firm
        and context.previous is not None
        and schema is not None
        # "are there memory foam ones?" after dog beds: a guess from a word of a value the kind
        # already shown has (dog beds' fill) names that value, not another kind (mattresses)
        and _value_of_kind_shown(normalized, matcher, schema, context.previous.filters.categories)
    ):
        head = None
    if head is not None and not firm and schema is not None and schema.attributes([head]):
        # A guessed kind in a catalog that describes it with attributes (a curated category) is
        # trusted as a filter; in a catalog without them (raw marketplace feeds) it stays a hint.
        firm = True
    # the phrase that names the product, read once: each reading re-parses prices and values
    asked_phrase = product_phrase(normalized, matcher) if schema is not None else ""
    if (
        head is not None
        and not firm
        and schema is not None
        and _lists_said_kind(head, normalized, matcher, schema, asked_phrase)
    ):
        # "a cap for my dad": a level whose name lists the kind said (Hats & Caps) holds that kind
        # and its neighbours only; it filters
        firm = True
    previous_kind = (
        [
            *context.previous.filters.categories,
            *([context.previous.category_hint] if context.previous.category_hint else []),
        ]
        if context.previous is not None
        else []
    )
    if (
        head is not None
        and schema is not None
        and not parsed.fresh
        and previous_kind
        and not any(_related(schema, head, c) for c in previous_kind)
        and not refers_back(_lower(normalized), pro_form=False)
        and not calls_shown
        # "the cheapest strip lights you carry" after LED strip lights: a guess from another word
        # ("strip": power strips) does not outweigh the kind's own head noun, said
        and (
            firm
            or not any(
                _head_noun_of(t.stem, c) or _head_noun_of(t.text, c)
                for t in tokenize(normalized)
                for c in previous_kind
            )
        )
        # "womens cut please" after t-shirts: a level the message names on the kind shown's paths
        # (Women) narrows it; a guess from another word ("cut": wigs) does not outweigh it
        and not (
            not firm
            and parsed.plan.filters.categories
            and all(
                any(_related(schema, c, k) for k in previous_kind) for c in parsed.plan.filters.categories
            )
        )
    ):
        # A different kind of product: a new topic, nothing carries over.
        parsed = parse_turn(normalized, ConversationContext(), vocabulary, shown_titles=shown_titles)
        parsed.fresh = True
    plan = parsed.plan
    if llm_plan is not None:
        plan = merge_model_plan(
            parsed,
            llm_plan,
            vocabulary,
            message=normalized,
            shown_ids=context.shown_ids,
            schema=schema,
            dropped=dropped,
        )
    if schema is None:
        return plan
    if word_categories is not None and brand_leaves is not None and plan.filters.brands:
        plan = _without_phrase_brands(plan, normalized, context.previous, word_categories, brand_leaves)
    phrase_stems = {t.stem for t in tokenize(asked_phrase)}
    head_named = head is not None and bool({singular(w) for w in re.findall(r"[a-z]+", head)} & phrase_stems)
    if (
        (head is None or (not firm and head_named))
        and plan.intent in ("search", "refine")
        and plan.filters.categories
    ):
        # A category named only after "for"/"with" ("tires for my car", "a speaker for home use",
        # "earbuds for running" where the catalog has a Running category) describes a use, not the
        # product: keep what was asked before (and, under a guessed kind, the levels that hold it).
        before = (
            context.previous.filters.categories if context.previous is not None and not parsed.fresh else []
        )
        named = {m.value for m in matcher.find(tokenize(asked_phrase)) if m.kind == "category"}
        model_added = set(plan.filters.categories) - set(parsed.plan.filters.categories)
        holds = {leaf.name.casefold() for leaf in schema.leaves(head)} if head is not None else set()
        kinds = _kind_leaves(asked_phrase, schema)
        new = [
            c
            for c in plan.filters.categories
            if c not in before
            and c not in model_added
            and not holds & {leaf.casefold() for leaf in schema.parents.get(c, [])}
            and not _levels_of(c, kinds, schema)
        ]
        if new and not set(new) & named and not _vague(asked_phrase):
            kept = list(before) if head is None else [c for c in plan.filters.categories if c not in new]
            plan = plan.model_copy(update={"filters": plan.filters.model_copy(update={"categories": kept})})
    if (
        head is None
        and plan.intent in ("search", "out_of_catalog", "clarify")
        and not plan.filters.categories
        and not plan.category_hint
        and (kids := _for_a_child(normalized, schema))
    ):
        plan = plan.model_copy(
            update={
                "intent": "search",
                "clarifying_question": None,
                "filters": plan.filters.model_copy(update={"categories": kids}),
            }
        )
    if head is not None and plan.intent in ("search", "refine", "clarify", "out_of_catalog"):
        update: dict[str, object] = {
            "intent": plan.intent
            if plan.intent in ("search", "refine")
            else ("search" if parsed.fresh else "refine"),
            "clarifying_question": None if plan.intent == "clarify" else plan.clarifying_question,
        }
        if firm:
            # The catalog names this kind of product: a filter, with the other category names the
            # message gives only where they hold that kind ("sandals for women": Women > … > Sandals);
            # "a mouse for the office" or "a travel hair dryer" name a use, not a second kind.
            heads = {leaf.name.casefold() for leaf in schema.leaves(head)}
            # a leaf that lists the kind as one part of its name holds it too ("men's slides":
            # Men > … > Sport Sandals & Slides, where Slides itself is only under Women)
            listing = schema.listing(head) if len(heads) == 1 else []
            kept = [
                c
                for c in plan.filters.categories
                if c == head
                or c in heads  # a leaf under the kind ("dress pants": the Dress leaf of Pants)
                or (heads | set(listing)) & {leaf.casefold() for leaf in schema.parents.get(c, [])}
            ]
            categories = kept if head in kept else [head, *kept]
            if len(heads) == 1 and not schema.on_one_path(categories):
                # One leaf of that name: a level above it off its paths would only widen the
                # filter (categories are any-of); levels on its paths narrow it (narrow_by_levels).
                others = [c for c in categories if c != head]
                listed = [leaf for leaf in listing if schema.on_one_path([leaf, *others])]
                categories = [listed[0], *others] if listed else [head]
            if categories == [head] and find_superlative([t.stem for t in tokenize(normalized)]) is not None:
                # "the lowest priced necklace you sell": the extreme over every level that files the
                # kind, Girls' Necklaces & Pendants too
                categories = [head, *_levels_listing(schema, head)]
            before = context.previous.filters.categories if context.previous and not parsed.fresh else []
            if head not in before and (listed_before := [c for c in before if c in listing]):
                # "adidas slides?" after men's sport sandals & slides: the kind shown, named again
                categories = [*listed_before, *(c for c in categories if c != head)]
            if categories != plan.filters.categories:
                moved: dict[str, object] = {"categories": categories}
                if set(categories).isdisjoint(plan.filters.categories):
                    # features read from the last kind's titles ("boots") say nothing of this one
                    moved |= {"text_words": [], "exclude_text_words": [], "title_quantities": {}}
                update["filters"] = plan.filters.model_copy(update=moved)
            update["category_hint"] = None
        else:
            # A guess from titles or a level above the leaves: the planner reads its schema, the
            # searcher does not filter on it.
            update["category_hint"] = head
            hinted = context.previous.category_hint if context.previous and not parsed.fresh else None
            if (
                hinted
                and hinted != head
                and plan.intent == "refine"
                and any(_head_noun_of(t.stem, hinted) for t in tokenize(asked_phrase))
            ):
                update["category_hint"] = hinted  # "your cheapest rack" after garment racks: those
            asked_before = (
                set(context.previous.filters.categories) if context.previous and not parsed.fresh else set()
            )
            in_phrase = {m.value for m in matcher.find(tokenize(asked_phrase)) if m.kind == "category"}
            phrase_words = [
                t.stem for t in tokenize(asked_phrase) if t.stem not in FILLER_WORDS and len(t.stem) >= 3
            ]

            def holds_the_kind(c: str) -> bool:
                # "a ball for my son's basketball practice": Basketball holds Basketballs
                names = [leaf.name.casefold() for leaf in schema.leaves(c)]
                return any(w in name for w in phrase_words for name in names)

            outside = [
                c
                for c in plan.filters.categories
                if c not in asked_before
                and c not in in_phrase
                and not _levels_of(c, [head], schema)
                and not holds_the_kind(c)
            ]
            if outside and in_phrase.isdisjoint(plan.filters.categories):
                # "a small gold tray to keep my perfume bottles on": a category named only in what
                # the product is for is not the product; the guess from the product's words guides
                kept_cats = [c for c in plan.filters.categories if c not in outside]
                plan = plan.model_copy(
                    update={"filters": plan.filters.model_copy(update={"categories": kept_cats})}
                )
            if plan.filters.brands and plan.filters.categories and word_categories is not None:
                # "a LEGO set": a category named by a word the brand sells nothing under (bikini
                # Sets) is not what is asked; the guess from titles guides the search instead.
                sold = _brand_leaves(plan.filters.brands, word_categories)
                fits = [
                    c
                    for c in plan.filters.categories
                    if {leaf.name.casefold() for leaf in schema.leaves(c)} & sold
                ]
                if sold and fits != plan.filters.categories:
                    update["filters"] = plan.filters.model_copy(update={"categories": fits})
        plan = plan.model_copy(update=update)
    elif (
        not parsed.fresh
        and context.previous is not None
        and context.previous.category_hint
        # (a question can turn into a refinement: "the first one's reviews look mid, anything rated
        # higher?" is still about that kind)
        and plan.intent in ("refine", "product_question")
    ):
        plan = plan.model_copy(update={"category_hint": context.previous.category_hint})

    qualifiers = (
        qualifier_categories(normalized, matcher, schema, word_categories)
        if plan.intent in ("search", "refine")
        else set()
    )
    if qualifiers & set(plan.filters.categories):
        kept_categories = [c for c in plan.filters.categories if c not in qualifiers]
        plan = plan.model_copy(
            update={"filters": plan.filters.model_copy(update={"categories": kept_categories})}
        )
    plan = _the_kind_asked_before(plan, context.previous)
    plan = _without_package_category(plan, schema)
    plan = narrow_by_levels(plan, schema, None if parsed.fresh else context.previous)
    plan = _kind_of_values(plan, schema)
    plan = _kind_of_measure(plan, normalized, schema)

    def infer(text: str) -> list[str]:
        # an item's use ("a glass pitcher for water in the fridge") names no kind either
        found = find_head(_drop_use_categories(text, matcher, schema), matcher, schema, word_categories)
        if found is None or _owned(text, found[0]):
            return []
        # as for the whole message: a guessed kind the catalog describes with attributes is trusted
        firm = (
            found[1]
            or bool(schema is not None and schema.attributes([found[0]]))
            # "some headphones": a level the catalog names for the kinds it lists (Headphones &
            # Earbuds) is the catalog's own name for it, though the planner reached it as a guess
            or _lists_kind_said(found[0], text)
        )
        return [found[0] + ("" if firm else _GUESSED)]

    def infer_item(text: str) -> list[str]:
        # an item named in words only the catalog's descriptions use ("a jigsaw for grandpa and a
        # flat iron for my daughter": Puzzles, Hair Straighteners)
        found = infer(text)
        if kind_of is None:
            return found
        kind = kind_words(product_phrase(text, matcher))
        # (named as a thing, "a jigsaw"; not "obsessed with amusement parks and rides")
        if not kind or not (found or _AN_ITEM.search(text)):
            return found
        # (another word for a kind, by meaning, only for an item said as a thing: "a stuffed animal
        # for my niece"; not a clause split off the ask, "… doesnt need an outlet")
        leaf = kind_of(kind, [c.rstrip(_GUESSED) for c in found], _AN_ITEM.match(text.lstrip()) is not None)
        return [norm(leaf)] if leaf else found

    def titled(text: str) -> str:
        # an item that names no kind ("a cork block", "something for him to chew on"): the words
        # naming it, when products' titles (or their text) say its head word
        if word_categories is None:
            return ""

        def named(phrase: str) -> list[str]:
            return [
                t.text
                for t in tokenize(phrase)
                if t.text.isalpha()
                and len(t.text) >= 3
                and t.stem not in FILLER_WORDS
                and t.text not in _DISCOURSE
                and t.stem not in VAGUE_WORDS
            ]

        # ("something for him to chew on": the product phrase is only who it is for)
        words = named(product_phrase(text, matcher)) or named(text)
        if not words:
            return ""
        head = words[-1]
        return " ".join(words) if word_categories(head) or (known is not None and known(head)) else ""

    plan = apply_schema(
        plan,
        normalized,
        schema,
        ShownContext(
            products=_in_view(history, shown_products, normalized),
            fresh=parsed.fresh,
            focus=parsed.than_id or _focus(history),
        ),
        previous=context.previous,
        infer_category=infer,
        names_category=head is not None,
        titled=titled,
        infer_item=infer_item,
    )
    if llm_plan is not None and not parsed.injection:
        plan = merge_model_constraints(
            plan,
            llm_plan,
            schema,
            message=normalized,
            shown=shown_products,
            fresh=parsed.fresh,
            cleared=parsed.cleared,
            dropped=dropped,
        )
    if plan.intent == "product_question" and context.previous is not None:
        # "the second one, is it waterproof?": a question about what was shown asks nothing of the
        # next search; what was asked before stands
        plan = plan.model_copy(update={"filters": context.previous.filters})
        if plan.question is None and plan.sort is None and shown_products and not plan.asked:
            # "can the first one go in the oven?": a feature no attribute holds, in the shopper's own
            # words (before any were set aside as incidental), asked of the products' listings
            asked_of = [p for p in shown_products if p.id in plan.referenced_ids] or list(shown_products)
            plan = plan.model_copy(update={"asked": asked_terms(message, asked_of)})
    return plan


_BOUND_VERB = re.compile(
    r"can'?t|cannot|won'?t|wouldn'?t|shouldn'?t|doesn'?t|don'?t|isn'?t|aren'?t|must|gotta"
)
_SUBJECT_WORDS = frozenset({"we", "i", "you", "they", "he", "she", "it"})

_ONE_OF_THOSE = re.compile(r"\bones?\s+of\s+(?:those|these)\s+(?!(?:ones?|things?|kinds?|types?)\b)[a-z]")

NOT_THE_ONE_WITH = re.compile(
    r"\b(?:not|no)\s+(?:the\s+|that\s+|any\s+)?ones?\s+(?:with|that\s+(?:has|have|comes?\s+(?:with|in)))\s+"
    r"(?:the\s+|a\s+|an\s+|any\s+|some\s+)?(?P<o>[a-z][a-z-]+)(?:\s+in\s+(?:it|them))?"
)
"""What "not the one with …" rules out ("not the one with fluoride in it"): no kind asked for, a word
titles must not say (``text_words.said_exclusions``)."""

_GUESSED = "~"
"""Marks an inferred category as a guess (not the catalog's own name) for multi-item asks."""

_CLAUSE_CUES = re.compile(
    r"(?<!-)\b(?:for|to|as|that|which|who|with|without|under|below|over|above|between|around|about|from|by|so|"
    r"but|because|since|near|than|at|in|on|if|when|please|thanks)\b(?!-\w)|[,.;:!?()]|\s[-–—]\s"
    # a relative clause with its own subject ("something lighter we could backpack with") tells a use
    r"|\b(?:we|i|you|they|he|she|it)\s+(?:could|can|would|will|might|may|should|need|want|plan|'d|'ll|can'?t|cannot|won'?t"
    r"|wouldn'?t|shouldn'?t|doesn'?t|don'?t|isn'?t|must|has|have|gotta)\b"
    # "would one of those lamps make a good gift": the role it plays, not the product
    r"|\b(?:make|makes|be)\s+(?:a|an)\s+(?:good|nice|great|perfect|fun|cool|decent|thoughtful)\b"
    # "cheap desk chairs keep snapping on me", "my desk chair broke": what happens to it, after it
    # (not "my 4 yr old keeps swiping my headphones": what a person does names the product after)
    r"|\bkeep\s+(?=[a-z]+ing\b)|\b(?:broke|died)\b"
    # "the marshmallows cant have gelatin", "a bowl he won't wreck": a negated or bound verb says what
    # the product must (not) do, after it
    rf"|\b(?:{_BOUND_VERB.pattern})\b"
    # "hang a feeder out there", "chewed thru his bowl": a particle ends the noun phrase before it
    # (only as a particle: "out there", "thru his bowl"; not a product's own words, "take out containers")
    r"|(?<!-)\bout\b(?=\s+(?:there|here|back|front|side|of|in|on|at|by|for|to|and)\b|\s*[,.!?]|\s*$)"
    r"|(?<!-)\b(?:thru|through)\b(?=\s+(?:the|his|her|my|our|their|its|a|an|every|all)\b)"
)
_SKIP_HEAD = frozenset(
    {"one", "ones", "thing", "things", "something", "anything", "stuff", "option", "options", "pair"}
)
_HOW_MANY = frozenset({"first", "second", "third", "another", "extra"})
# Words that carry the conversation, not the product ("ok forget it, snorkel sets instead").
_DISCOURSE = frozenset(
    [
        "ok",
        "k",
        "hm",
        "hmm",
        "nah",
        "tbh",
        "ngl",
        "imo",
        "btw",
        "omg",
        "though",
        "anyway",
        "anyways",
        "nvm",
        "thx",
        "biggie",
        "worries",
        "problem",
        "lol",
        "haha",
        "q",
        "ty",
        "totally",
        "completely",
        "entirely",
        "different",
        "unrelated",
        "thing",
        "things",
        "ah",
        "oh",
        "hmm",
        "um",
        "uh",
        "welp",
        "alright",
        "tho",
        "okay",
        "fine",
        "cool",
        "thanks",
        "thank",
        "great",
        "sure",
        "alright",
        "hmm",
        "well",
        "yes",
        "yeah",
        "yep",
        "no",
        "nope",
        "worries",
        "worry",
        "forget",
        "nevermind",
        "never",
        "mind",
        "instead",
        "then",
        "also",
        "too",
        "actually",
        "perhaps",
        "maybe",
        "please",
        "hi",
        "hey",
        "hello",
        "oh",
        "so",
        "now",
        "what",
        "about",
        "how",
        "else",
        "different",
        "thing",
        "another",
        "other",
        "different",
        "again",
    ]
)
_DISCOURSE |= frozenset(
    [
        "switching",
        "switch",
        "gears",
        "topic",
        "note",
        "subject",
        "change",
        "changing",
        "moving",
        "next",
        "separately",
        "separate",
        "unrelated",
        "back",
        "last",
        "lastly",
        "finally",
        "question",
        "quick",
        "one",
        "more",
    ]
)


def _lists_said_kind(
    level: str, text: str, matcher: VocabularyMatcher, schema: CatalogSchema, phrase: str | None = None
) -> bool:
    """Whether ``level`` is a category level whose name lists kinds ("Hats & Caps") and the head noun
    of the message's product phrase (``phrase`` when the caller has read it) is one of them."""
    if "&" not in level or len(schema.leaves(level)) < 2:
        return False
    parts = {singular(p.strip().casefold()) for p in re.split(r"[&,]", level)}
    said = product_phrase(text, matcher) if phrase is None else phrase
    tokens = [t for t in tokenize(said) if t.text.isalpha()]
    # (not the shopper's own: "my cap for these is like $15" is a budget)
    return (
        len(tokens) > 0
        and singular(tokens[-1].text) in parts
        and not (len(tokens) > 1 and tokens[-2].text in _OWNERS)
    )


def _files_most(category: str, products: Sequence[Product]) -> bool:
    """Whether most of ``products`` (more than half, at least one) are filed under ``category``."""
    key = norm(category)
    filed = sum(key in {norm(level) for level in p.category} for p in products)
    return bool(products) and filed * 2 > len(products)


def _kind_leaves(phrase: str, schema: CatalogSchema) -> list[str]:
    """The leaf categories whose names hold the phrase's last word ("a hoodie": Active Hoodies,
    Fashion Hoodies & Sweatshirts, …)."""
    words = [t.stem for t in tokenize(phrase) if t.stem.isalpha() and t.stem not in FILLER_WORDS]
    if not words:
        return []
    return [leaf for leaf in schema.categories if words[-1] in _name_words(leaf)]


def _levels_of(category: str, kinds: Sequence[str], schema: CatalogSchema | None) -> bool:
    """Whether ``category`` is a level above one of ``kinds`` on a catalog path ("women" above Hoodies)."""
    return (
        schema is not None
        and category in schema.parents
        and any(schema.on_one_path([category, k]) for k in kinds)
    )


def _drop_incidental_roots(
    text: str, matcher: VocabularyMatcher, schema: CatalogSchema, before: Sequence[str]
) -> str:
    """ "those won't make it through a spin class + the drive home. longer battery?": in a follow-up
    asking for more of something, a top level of the catalog off the kind's paths (Home) is a word
    of the scene, not another kind asked for."""
    tokens = tokenize(_lower(text))
    if find_comparative([t.stem for t in tokens]) is None:
        return text
    roots = _roots(schema)
    out = list(text)
    for m in matcher.find(tokens):
        if m.kind == "category" and norm(m.value) in roots and not schema.on_one_path([m.value, *before]):
            for i in range(tokens[m.start].start, tokens[m.end - 1].end):
                out[i] = " "
    return "".join(out)


def _roots(schema: CatalogSchema) -> frozenset[str]:
    """The catalog's top levels (once per schema)."""
    roots = schema.__dict__.get("_roots")
    if roots is None:
        roots = frozenset(path[0] for path in schema.paths if path)
        schema.__dict__["_roots"] = roots
    return roots


_NAME_LIST = re.compile(r"\s*(?:&|,|\band\b)\s*")


def _lists_kind_said(category: str, text: str) -> bool:
    """Whether one of the kinds a category's name lists ("headphones & earbuds": headphones,
    earbuds) is said in ``text``, word for word (singular or plural)."""
    said = [singular(t.text) for t in tokenize(text)]
    for part in _NAME_LIST.split(category.lower()):
        words = [singular(w) for w in re.findall(r"[a-z]+", part)]
        n = len(words)
        if n and any(said[i : i + n] == words for i in range(len(said) - n + 1)):
            return True
    return False


def _drop_use_categories(text: str, matcher: VocabularyMatcher, schema: CatalogSchema | None = None) -> str:
    """Category names that only describe a use ("for home use", "for the office", "for my car") are
    not the product: blanked when the message names a product before them. A level on a path of the
    product's kind stays ("a hoodie for women": Women > … > Hoodies)."""
    lowered = _lower(text)
    phrase = product_phrase(text, matcher)
    at = lowered.find(phrase) if phrase else -1
    if at < 0:
        return text
    end = at + len(phrase)
    tokens = tokenize(lowered)
    if _vague(phrase):
        return text  # "something for my dad who loves camping": the use IS the ask
    out = list(text)
    kinds = _kind_leaves(phrase, schema) if schema is not None else []
    priced = parse_prices(lowered).spans  # "30 bucks tops": a price word, whatever the catalog files as Tops
    extreme = find_superlative([t.stem for t in tokens])  # "which has the top rating": no Tops either
    for m in matcher.find(tokens):
        first, last = tokens[m.start].start, tokens[m.end - 1].end
        if any(a < last and first < b for a, b in priced):
            continue
        if extreme is not None and m.start < extreme[3] and extreme[2] < m.end:
            continue
        if m.kind == "category" and _levels_of(m.value, kinds, schema):
            continue
        if m.kind == "category" and not m.negated and tokens[m.start].start >= end:
            for i in range(tokens[m.start].start, tokens[m.end - 1].end):
                out[i] = " "
    return "".join(out)


def _vague(phrase: str) -> bool:
    """Whether a product phrase names no kind of product ("a gift", "something", "present ideas")."""
    return all(
        t.stem in FILLER_WORDS or t.text in _DISCOURSE or t.text in VAGUE_WORDS or t.stem in VAGUE_WORDS
        for t in tokenize(phrase)
    )


def _about_a_child(phrase: str, text: str) -> bool:
    """ "my nephew turns 8 next month and he's obsessed with building things": the phrase is the
    child the message states an age of, not a product."""
    lowered = _lower(text)
    age = child_age(lowered)
    if age is None or not age[2]:
        return False
    said_age = lowered[age[1][0] : age[1][1]].strip()
    return bool(set(re.findall(r"[a-z]+", phrase.lower())) & set(lexicons().children["words"])) or (
        bool(said_age) and said_age in phrase.lower()  # "something for my 3 year old"
    )


def _another_child(text: str, prev: QueryPlan) -> bool:
    """ "his big sister is 6 and wants something like legos" after toys for a baby: another child,
    by an age said that differs from the one asked for before, asks afresh."""
    said = child_age(text)
    if said is None or not said[2]:
        return False
    children = lexicons().children
    people = {*children["words"], *children.get("people", [])}
    named = [w for w in re.findall(r"[a-z]+", text) if w in people]
    if not named or set(named) & set(re.findall(r"[a-z]+", prev.query)):
        return False  # "she's only 2 though": the same child, an age said of them
    before = [
        r.lte for k, r in prev.filters.attribute_ranges.items() if k.startswith("age") and r.lte is not None
    ]
    return bool(before) and all(b != said[0] for b in before)


def _for_a_child(text: str, schema: CatalogSchema) -> list[str]:
    """ "a gift for my 10 year old nephew": no product named, a child is: the categories whose
    products state an age (the catalog's kids' categories), for the age prior to work in."""
    if child_age(_lower(text)) is None:
        return []
    phrase = product_phrase(text)
    if not (_vague(phrase) or _about_a_child(phrase, text)):
        return []
    kids = [
        leaf
        for leaf, spec in schema.categories.items()
        if (key := dimension_key(schema, [leaf], "age")) is not None and key in spec.attributes
    ]
    # "obsessed with building things": the kids' categories whose distinctive word the message says
    # (a word for the child, "little kids", says who it is for, not which kind)
    said = {t.stem for t in tokenize(text)} - {t.stem for w in _people() for t in tokenize(w)}
    counts: dict[str, int] = {}
    for leaf in kids:
        for w in {t.stem for t in tokenize(leaf)}:
            counts[w] = counts.get(w, 0) + 1
    named = [
        leaf for leaf in kids if any(counts[w] == 1 and w in said for w in {t.stem for t in tokenize(leaf)})
    ]
    return named or kids


_DOES_WITH = re.compile(r"\b(?P<before>[a-z']+)\s+(?P<verb>[a-z]+\s+with\b[^,.;:!?]*)")
_DOER_WORDS = frozenset({"to", "gotta", "that", "which", "them", "these", "those"}) | _SUBJECT_WORDS


def _verbs_of_use(text: str) -> list[tuple[int, int]]:
    """ "they gotta work with alexa", "do these lights pair with my phone": a word that can be a verb,
    right before "with", after a modal, "to", a relative or subject pronoun, or a plural noun (then in
    its plain form: "kids bikes with training wheels" is a kind of bike), says what the product must
    do, not what it is: the verb and what it must work with, to the clause's end."""
    spans: list[tuple[int, int]] = []
    for m in _DOES_WITH.finditer(text):
        before, verb = m.group("before"), m.group("verb").split()[0]
        if "VERB" not in word_classes(verb):
            continue
        if (
            before in VERB_MODALS
            or before in _DOER_WORDS
            or (
                before.endswith("s")
                and not before.endswith("ss")
                and not verb.endswith("s")
                and "NOUN" in word_classes(singular(before))
            )
        ):
            spans.append(m.span("verb"))
    return spans


@lru_cache(maxsize=1024)
def product_phrase(text: str, matcher: VocabularyMatcher | None = None) -> str:
    """The phrase of a message that names the product (see :func:`_product_phrase`); read once per
    text and catalog, as several stages of a turn ask for it. The ask's frame after the product
    ("the cheapest strip lights you carry") and what it must do ("lights that work with alexa") are
    no words of it."""
    # (nor what it must be rated: "any of those rated a perfect 5 stars")
    if blanked := [*_verbs_of_use(_lower(text)), *rating_spans(_lower(text))]:
        text = blank_spans(_lower(text), sorted(blanked))
    phrase = _product_phrase(text, matcher)
    if matcher is not None and (spec := _spec_said(phrase, matcher)) is not None:
        # "i need 8 hours of battery on earbuds", "16 gigs of ram, show me laptops": a figure of a
        # measure names what the product must have, not the product; that is named after it, or not
        at = _lower(text).find(spec)
        rest = _HOLDER.sub(" ", _lower(text)[at + len(spec) :]) if at >= 0 else ""
        named = _product_phrase(rest, matcher) if rest.strip() else ""
        return named if named.strip() and _names_a_category(named, matcher) else ""
    budget = _BUDGET_FOR.search(_lower(text))
    if budget is not None and not kind_words(_BUDGET_WORDS.sub(" ", phrase)).strip():
        # "nine to eleven hundred dollars is my range for a new laptop": what the budget is for
        phrase = _product_phrase(budget.group("what"), matcher)
    frame = _SOLD_HERE.search(phrase)
    if frame is not None and kind_words(phrase[: frame.start()]) and not kind_words(phrase[frame.end() :]):
        return phrase[: frame.start()]
    return phrase


_HOLDER = re.compile(
    r"^\W*(?:(?:minimum|min|at\s+least|or\s+more|plus|tops?)\W+)*(?:in|on|for|with|from|of)?\s*"
    r"(?:(?:my|our|his|her|their|the|a|an|some)\s+)?"
)
_SPEC = re.compile(r"(?P<fig>\d+(?:\.\d+)?\s*-?\s*[a-z]*)\s+of\s+(?:the\s+)?(?P<noun>[a-z]+)")


def _measures_said(text: str) -> list[re.Match[str]]:
    """Each "<figure with a unit> of <noun>" of ``text`` ("16 gigs of ram", "5 pounds of dog food")."""
    return [m for m in _SPEC.finditer(_lower(text)) if said_quantities(m.group("fig"))]


def _spec_said(phrase: str, matcher: VocabularyMatcher) -> str | None:
    """The part of ``phrase`` that gives a figure of a measure ("16 gigs of ram", "40 hours of
    battery life"): a figure with a unit (units.yaml), then "of" and a noun naming a measure
    (dimensions.yaml) or a word of one of the catalog's numeric attribute keys ("ram" of ram_gb).
    ``None`` when the phrase names no such thing ("5 pounds of dog food" is the product)."""
    lowered = _lower(phrase)
    m = _SPEC.search(lowered)
    if m is None or not said_quantities(m.group("fig")):
        return None
    nouns = _spec_nouns(matcher)
    if singular(m.group("noun")) not in nouns and m.group("noun") not in nouns:
        return None
    # (with the words of the measure that follow it: "battery life", "battery minimum")
    end = m.end()
    tail = re.match(r"(?:\s+(?:life|capacity|time|minimum|min))*", lowered[end:])
    return lowered[m.start() : end + (tail.end() if tail else 0)]


def _spec_nouns(matcher: VocabularyMatcher) -> frozenset[str]:
    """Nouns that name a measure: the dimensions' (lexicons/dimensions.yaml) and the words of the
    catalog's numeric attribute keys."""
    lex = lexicons()
    words = {w for d in lex.dimensions.values() for w in (d.name, *d.noun.split())}
    words |= {w for key in matcher.vocabulary.attributes for w in key_words(key) if len(w) > 2}
    return frozenset(words - {"brand", "color", "price", "rating", "size", "level", "minimum"})


_BUDGET_WORDS = re.compile(r"\b(?:price\s+range|range|budget|limit|max|ceiling|spend)\b")
_BUDGET_FOR = re.compile(
    r"\b(?:price\s+range|range|budget|limit|max|ceiling|spend)\s+(?:is\s+)?(?:for|on)\s+(?P<what>[^.!?]+)"
)
_OPENING = re.compile(r"^\W*(?:(?:so|ok|okay|and|hmm+|well|then|maybe|just)\W+)*")
_PURPOSE_OF_SOMETHING = re.compile(
    r"\s*(?:to\s+(?:get|buy|find|give|gift)\s+(?:(?:them|him|her|me|us)\s+)?)?"  # "want to get them something"
    r"(?:something|anything|stuff|somewhere|someplace)\s+(?:(?:to|that|which)\s+[a-z]+\b"
    # "something they can ride up and down the driveway": what it is for, said with its user
    r"|(?:they|he|she|we|i|you)\s+(?:can|could|would|will|might|'d|'ll)\b)"
)
_QUESTION_OPENING = re.compile(
    rf"\s*(?:(?:so|and|ok|okay|well|then|but|hmm+)\W+)*(?:what(?:'?s)?|which|any|got|have\s+{YOU}|do\s+{YOU}|"
    r"is\s+there|are\s+there|can\s+(?:i|you|u)|could\s+(?:i|you|u))\b"
)


# what a shopper wants to do, not to buy ("i wanna hear cars coming"): the cue runs into a bare verb
_VERB_AFTER_CUE = re.compile(
    r"\s*(?:to\s+)?(?!(?:a|an|the|some|one|something|anything|buy|find|order|grab|gift|pick|replace|upgrade)\b"
    r"|get\s+(?!into\b|in\b|out\b|better\b|back\b|rid\b|started\b))[a-z]+(?:\s|$)"
)


def _wants_to_do(text: str) -> bool:
    """ "my 3 yr old wants to zoom up and down the driveway", "wanna get into turning": someone wants
    to do something (a wanting verb and an infinitive), not "is there a kayak …"."""
    cue = ASK_CUE.search(text)
    return (
        cue is not None
        and _wish(text)
        and re.search(r"\b(?:wants?|wanna|wanting|would\s+like|'d\s+like|likes?|loves?)\s*$", cue.group(0))
        is not None
        and re.match(r"\s*(?:to\s+)?(?!a\b|an\b|the\b|some\b)[a-z]+", text[cue.end() :]) is not None
        and (cue.group(0).rstrip().endswith("wanna") or re.match(r"\s*to\s", text[cue.end() :]) is not None)
    )


def _wish_end(text: str) -> int:
    """Where the ask cue of a wish ends (0 when there is none)."""
    cue = ASK_CUE.search(text)
    return cue.end() if cue is not None else 0


def _wish(sentence: str) -> bool:
    """A sentence whose ask runs into what the shopper wants to do ("wanna get into turning bowls"),
    not a product."""
    cue = ASK_CUE.search(sentence)
    return (
        cue is not None
        and (
            _VERB_AFTER_CUE.match(sentence[cue.end() :]) is not None
            # a state of the shopper's own things ("just want the floors not buried in dog hair", "need
            # my feet to stay dry"): what the product is for, not another product
            or _STATE_AFTER_CUE.match(sentence[cue.end() :]) is not None
        )
    )


_STATE_AFTER_CUE = re.compile(r"\s*(?:the|my|our|his|her|their|your)\s+[a-z]+\s+(?:not|to|never)\b")


_FRAGMENT = re.compile(r"(?:(?:and|also|plus|oh|ok|okay|now|then)\s+)*(?:a|an|some)\s+[a-z]")


def asks(sentence: str) -> bool:
    """A sentence that asks: a question mark, or a question's opening ("what small microwaves do u
    have", "got any in black") or an ask cue ("show me ...")."""
    return sentence.rstrip().endswith("?") or bool(
        _QUESTION_OPENING.match(sentence) or ASK_CUE.search(sentence)
    )


_WHICH_KIND = re.compile(
    r"\s*(?:so\s+|ok\s+|and\s+)?(?:what|which)\s+(?:kind\s+of\s+|type\s+of\s+)?(?P<w>[a-z]+)"
)


_WHAT_DOES_TEXT = (
    r"(?:what|which)\s+(?!(?:kind|kinds|type|types|sort|size|brand|colou?r)\b)"
    # ("what can i restuff them with", "what do i get": what the shopper does, to the thing asked)
    r"(?!(?:can|could|would|should|will|do|does|did|must|is|are)\s+(?:i|we|you|u|he|she|they)\b)[a-z]+\s+\S"
)
_WHAT_DOES = re.compile(rf"\s*{_WHAT_DOES_TEXT}")
_THEN_WHAT_DOES = re.compile(rf",\s+(?:so\s+|then\s+)?{_WHAT_DOES_TEXT}")
"""A question whose subject is the thing asked for ("what gets the smell out", "what can get rid of
it"): the words after it say what it should do."""


def _product_phrase(text: str, matcher: VocabularyMatcher | None = None) -> str:
    """The phrase of a message that names the product: the first one, cut at clause words, with a
    content word. What follows "for"/"to"/"with" describes a use ("something more powerful for home
    use"), and "looking for"/"do you have" only frame the ask. With the catalog's ``matcher``, a
    category name holding a clause word ("ride on" for Ride-Ons) is not cut."""
    # a price is never the product ("between 50 and 80 dollars for a ride on toy"), nor what "not the
    # one with …" rules out ("not the one with the pets, just the original")
    lowered = blank_spans(
        _lower(text),
        [
            *parse_prices(_lower(text)).spans,
            *(m.span() for m in NOT_THE_ONE_WITH.finditer(_lower(text))),
            *_likenings(_lower(text)),
        ],
    )
    if matcher is not None and re.search(r"\b(?:at|in|to|into|from)\s", lowered):
        # "so she can make them at home": where it is used, not what
        said = tokenize(lowered)
        lowered = blank_spans(
            lowered,
            [
                (said[m.start].start, said[m.end - 1].end)
                for m in matcher.find(said)
                if m.kind == "category" and _at_place(said, m.start)
            ],
        )
    whole = lowered
    if matcher is not None:
        # "Ah, that's a shame. A knife block set, then?", "I drive a truck all day ... anything like a
        # heated lunch box?": a later question naming a category is the ask; what came before sets it up
        # a dash between two thoughts ends a sentence too ("road trip next week - headphones for me")
        sentences = [x for x in re.split(r"(?<=[.!?:])\s+|\s+[-–—]+\s+", lowered) if x.strip()]
        # ("... helmets? need a full face one": a later "one" stands for the kind asked before)
        asked = [
            x
            for x in sentences[1:]
            if asks(x)
            # ("… my regular bits just squeal. what bits should i use": a question asking which of a
            # kind, by its head word)
            and (
                _names_a_category(x, matcher)
                or (
                    (which := _WHICH_KIND.match(x)) is not None
                    and _names_a_kind_head(which.group("w"), matcher)
                )
            )
            and not _pro_form(x.rstrip(".!?"))
            # "any wood lathes in stock? wanna get into turning bowls": the question asked the product
            and not (sentences[0].rstrip().endswith("?") and _wish(x))
            # "do u guys carry sawhorses? need something to lay the door across": what it is for
            and not (_PURPOSE_OF_SOMETHING.search(x) and _asks_if_sold_of(sentences[0]))
        ]
        if (
            not asked
            and len(sentences) > 1
            and _wish(sentences[0])
            and not _names_a_category(sentences[0], matcher)
        ):
            # "my bf wants to start a podcast. u got usb mics?": the first sentence says what it is
            # for, the question after it asks for the product
            asked = [
                x
                for x in sentences[1:]
                if x.rstrip().endswith("?")
                and not _pro_form(x.rstrip(".!?"))
                and any(t.text.isalpha() and t.stem not in FILLER_WORDS for t in tokenize(x))
            ][:1]
        if (
            not asked
            and len(sentences) > 1
            and not asks(sentences[0])
            and not _names_a_category(sentences[0], matcher)
        ):
            # "my kitchen is tiny. microwaves": a first sentence that asks for nothing and names no
            # kind the store sells only sets the scene for the later one that does
            asked = [
                x for x in sentences[1:] if _names_a_category(x, matcher) and not _pro_form(x.rstrip(".!?"))
            ][:1]
            if not asked and not _names_a_kind_head(sentences[0], matcher):
                # "retired last month and doing a week of the trail. whats the biggest pack you
                # sell": the only sentence that asks holds the product, named or not (unless the
                # first one names a kind's head word: "he's cracked two desk chairs")
                asked = [
                    x
                    for x in sentences[1:]
                    if asks(x)
                    and not _pro_form(x.rstrip(".!?"))
                    and any(t.text.isalpha() and t.stem not in FILLER_WORDS for t in tokenize(x))
                ][-1:]
            if not asked and not _names_a_kind_head(sentences[0], matcher):
                # "her baby brother just turned two - a first bike for him": a later fragment that
                # opens with an article is the thing wanted
                asked = [x for x in sentences[1:] if _FRAGMENT.match(x) and not _pro_form(x.rstrip(".!?"))][
                    :1
                ]
        if not asked and len(sentences) > 1 and _asks_if_sold_of(sentences[0]):
            # "also do u guys carry sawhorses? need something to lay the door across", "do you sell
            # soundbars? the tv speakers in there are awful": the thing a first question asks the
            # store for is the ask; what follows says what it is for, or what was wrong before
            asked = [sentences[0]]
        # the one sentence of a story that names a kind, when the others name none ("… his OT thinks a
        # weighted blanket would help. something meant for kids"): its clauses are read as a
        # sentence's own
        told = _only_naming_sentence(sentences, matcher)
        if not asked and told is not None and not asks(told):
            # "my son really struggles at bedtime, his therapist thinks a weighted blanket would
            # help": a first clause that names no kind sets the scene for the later one that does
            clauses = [c for c in re.split(r",\s+", told) if c.strip()]
            if (
                len(clauses) > 1
                and not re.search(r"\b(?:one|ones|it|them|those|these)\b", clauses[0])
                and not _names_a_category(clauses[0], matcher)
                and not _determines_a_kind_head(clauses[0], matcher)
                # ("has to work on 24 volt, my rig isnt 12V like a car": what the product must do)
                and not _REQUIRED.match(clauses[0])
            ):
                asked = [
                    c
                    for c in clauses[1:]
                    if _names_a_category(c, matcher)
                    and re.search(r"\b(?:a|an|some)\s", c)
                    and not _pro_form(c.rstrip(".!?"))
                ][:1]
        if not asked and told is not None:
            # "my son wrecked his headphones, any kids headphones?": a later clause that asks for a
            # kind the catalog names is the ask; the clause before it, asking nothing, tells a story
            clauses = [c for c in re.split(r",\s+", told) if c.strip()]
            if len(clauses) > 1 and not asks(clauses[0]):
                asked = [
                    c
                    for c in clauses[1:]
                    if asks(c)
                    and _names_a_category(c, matcher)
                    # (what it asks for is any of a kind, not "the covers" the story has)
                    and re.search(r"\b(?:any|an?|some)\s", c)
                    and not _pro_form(c.rstrip(".!?"))
                ][-1:]
        if asked:
            lowered = asked[-1]
        elif (
            len(sentences) > 1
            and asks(sentences[-1])
            and _pro_form(sentences[-1].rstrip(".!?"))
            # "need one of those desk things": the words after "of those" name the kind
            and not _ONE_OF_THOSE.search(sentences[-1])
        ):
            # "hes obsessed with monster trucks. remote control one?": the stand-in is the kind the
            # sentence before named, with the words the question puts before it
            named = [
                c
                for c in _clauses(sentences[-2], matcher)
                if _names_a_category(c, matcher) or _names_a_kind_head(c, matcher)
            ]
            if named:
                stand_in = tokenize(sentences[-1].rstrip(".!?"))
                # (not a clause the stand-in's own verb opens: "one he cant wreck")
                upto = next(
                    (
                        i
                        for i, t in enumerate(stand_in)
                        if _BOUND_VERB.fullmatch(t.text)
                        or (
                            t.text in _SUBJECT_WORDS
                            and i + 1 < len(stand_in)
                            and _BOUND_VERB.fullmatch(stand_in[i + 1].text)
                        )
                    ),
                    len(stand_in),
                )
                modifiers = [
                    t.text
                    for t in stand_in[:upto]
                    if t.text not in _PRO_FORMS and t.stem not in FILLER_WORDS and t.text not in _DISCOURSE
                ]
                clause = tokenize(named[-1])
                kinds = [m for m in matcher.find(clause) if m.kind == "category" and not m.negated]
                # ("his third plastic bowl this month": the category the clause names, not its
                # other words, which were said of the old one)
                noun = (
                    " ".join(t.text for t in clause[kinds[-1].start : kinds[-1].end])
                    if kinds and not _names_a_kind_head(" ".join(modifiers), matcher)
                    else _after_determiner(named[-1]).strip()
                )
                lowered = " ".join([*modifiers, noun])
                if not (_names_a_category(lowered, matcher) or _names_a_kind_head(lowered, matcher)):
                    # "which mouse weighs the least? i play fps and want the lightest thing
                    # possible": the stand-in's own noun phrase ("lightest") and the clause that
                    # named the kind ("mouse weighs the least"), not the rest of the sentences
                    at = max(
                        (i for i, t in enumerate(stand_in) if is_pro_form(t.text)), default=len(stand_in)
                    )
                    start = max(
                        (i + 1 for i, t in enumerate(stand_in[:at]) if t.text in _DETERMINERS), default=0
                    )
                    own = [t.text for t in stand_in[start:at] if t.stem not in FILLER_WORDS]
                    lowered = " ".join([*own, _after_determiner(named[-1], matcher).strip()])
    cue = next((m for m in ASK_CUE.finditer(lowered) if not _negated_ask(lowered[: m.start()])), None)
    if cue is not None and _WHICH_NOUN.search(re.split(r"[.!?]", lowered[: cue.start()])[-1]):
        cue = None  # "which skillet do you have that's rated highest?": the product came first
    if (
        cue is not None
        and matcher is not None
        and _VERB_AFTER_CUE.match(lowered[cue.end() :]) is not None
        and (
            (
                _names_a_category(lowered[: cue.start()], matcher)
                and not _names_a_category(lowered[cue.end() :], matcher)
                and not _names_a_kind_head(lowered[cue.end() :], matcher)
            )
            # "any wood lathes in stock? wanna get into turning bowls": the question holds the product
            or lowered[: cue.start()].rstrip().endswith("?")
        )
    ):
        cue = None  # "earbuds for jogging - no noise cancelling, i wanna hear cars": a wish, not a product
    if (
        cue is not None
        and matcher is not None
        and _STATE_AFTER_CUE.match(lowered[cue.end() :]) is not None
        and _names_a_category(lowered[: cue.start()], matcher)
    ):
        cue = None  # "a robot vacuum? just want the floors not buried in dog hair": the state it is for
    # "I'm starting a podcast and we need a microphone": what follows the ask names the product
    texts = [lowered[cue.end() :], lowered] if cue else [lowered]
    if _PURPOSE_OF_SOMETHING.match(texts[0]) or (
        cue is None and _PURPOSE_OF_SOMETHING.match(_OPENING.sub("", lowered))
    ):
        # "my 6 yr old wants something to zoom around the driveway on": what follows is what the
        # thing is for; no kind is named (the catalog's agent nouns still read "something to blend")
        return ""
    for candidate in texts:
        phrases = _clauses(ASK_CUE.sub(" ", candidate), matcher)
        content = [
            p
            for p in phrases
            if any(
                t.stem not in FILLER_WORDS and t.text not in _DISCOURSE and not t.stem.isdigit()
                for t in tokenize(p)
            )
            and not ruled_out(p)
        ]
        if len(content) > 1 and _REACTION.match(content[0]) and not ASK_CUE.search(content[0]):
            content = content[1:]  # "she'd go nuts for an orange one": how someone would take it
        found = content[0] if content else ""
        if (
            matcher is not None
            and cue is not None
            and candidate is texts[0]
            and phrases
            and _pro_form(phrases[0])
            and (
                before := _kind_named_before(
                    whole, max(whole.find(lowered), 0) + cue.start(), phrases[0], matcher
                )
            )
        ):
            # "the dishwasher runs twice a day. need a new one that fits a lot": "one" stands for
            # the kind a sentence before named
            return before
        if (
            cue is not None
            and candidate is texts[0]
            and phrases
            and _pro_form(phrases[0])
            and _STAND_IN_THAT.match(candidate)
        ):
            # "i need one that warns you when you press too hard": the stand-in is the product, what
            # the relative clause says is a feature of it
            return phrases[0]
        if (
            matcher is not None
            and len(content) > 1
            # ("my husband is 6'5 and around 350 pounds and he keeps cracking cheap office chairs": a
            # clause saying only who someone is names no product, whatever words the catalog shares)
            and (not _names_anything(found, matcher) or _only_someone(found))
            and not _asks_about_shown(found)
            # "gonna need a soundbar, the tv speakers are trash": a thing the ask cue names with an
            # article is the product, though the catalog has no word for it
            and not (cue is not None and candidate is texts[0] and _NAMED_THING.match(found))
            and not _opens_with_thing(found, candidate, cue is None)
        ):
            # "my dad keeps asking for one of those robot vacuum things": a first clause with no
            # word the catalog uses only frames the ask; a later one naming a category is the product
            naming = [p for p in content[1:] if _names_a_category(p, matcher)]
            found = next(
                # "… and the cat sheds everywhere, which air purifier would cover it": the one that asks
                (
                    p
                    for p in naming
                    if asks(p)
                    or re.search(
                        r"(?:^|[,;])\s*(?:so\s+)?(?:which|what)\s+" + re.escape(p.strip()), candidate
                    )
                ),
                naming[0]
                if naming
                else found
                if cue is not None  # "do u sell rods? or a … combo": what follows the cue
                # "he's cracked two desk chairs already": the head word of a category's name
                else next((p for p in content[1:] if _names_a_kind_head(p, matcher)), found),
            )
        elif matcher is not None and found and _pro_form(found) and found in content:
            # "wants a pair too, got any mens clogs?": a stand-in first, the kind named after it
            later = next(
                (p for p in content[content.index(found) + 1 :] if asks(p) and _names_a_category(p, matcher)),
                None,
            )
            if later is not None:
                found = later
        if (
            found
            and matcher is not None
            and not _names_a_category(found, matcher)
            and not _opens_with_thing(found, candidate, cue is None)
        ):
            # "what does tideline have in earbuds", "anything from Sonovel in headphones": the kind
            # comes after "in"
            within = next(
                (m.group(1) for m in _IN_KIND.finditer(candidate) if _names_a_category(m.group(1), matcher)),
                None,
            )
            if within:
                return within
        if found and (candidate is texts[-1] or not _pro_form(found)):
            return found
    return ""


_FOR_AFTER = re.compile(r"\s*for\b")
_STAND_IN_THAT = re.compile(
    r"\s*(?:(?:a|an|the)\s+)?(?:[a-z]+\s+)?(?:one|ones|something|anything)\s+(?:that|which)\s+(?!is\b|are\b)[a-z]+s\b"
)


def _only_someone(phrase: str) -> bool:
    """A clause that says only who someone is ("my husband is 6'5 and"): people words, owners,
    copulas, figures and filler, no other word."""
    tokens = tokenize(phrase)
    people = people_words() - _OWNERS - {"the"}
    return any(t.text in people or singular(t.text) in people for t in tokens) and all(
        t.text in people
        or singular(t.text) in people
        or t.text in _OWNERS
        or t.text in _COPULAS
        or t.stem in FILLER_WORDS
        or not t.text.isalpha()
        for t in tokens
    )


def _opens_with_thing(found: str, candidate: str, no_cue: bool) -> bool:
    """ "a glass pitcher for water in the fridge": a message that opens with the thing it names, then
    says what it is for; a kind named after that is the use, though the catalog has no word for the
    thing itself."""
    head = tokenize(found)[-1:]
    later = candidate[candidate.find(found) + len(found) :]
    return (
        no_cue
        and bool(head)
        # "a ball for my son's basketball practice": a later word holding the thing's own name is
        # the kind it is
        and not any(head[0].stem in t.stem or head[0].text in t.text for t in tokenize(later))
        and _NAMED_THING.match(found) is not None
        and not _vague(found)
        and _OPENING.sub("", candidate).startswith(found.lstrip())
        and _FOR_AFTER.match(later) is not None
    )


_NAMED_THING = re.compile(
    r"\s*(?:(?:and|also|plus|oh)\s+)*(?:a|an)\s+(?!(?:few|lot|little|bit|couple)\b)[a-z]+"
)


def _kind_named_before(text: str, end: int, stand_in: str, matcher: VocabularyMatcher) -> str:
    """The category a stand-in ("a new one") stands for: the last one a sentence before the ask
    names, with the words the stand-in puts before "one" ("a bigger one": bigger)."""
    words = tokenize(stand_in)
    if not words or words[-1].text not in ("one", "ones", *_PRO_FORMS):
        return ""  # "something", "stuff": no noun they stand for
    sentences = [x for x in re.split(r"(?<=[.!?])\s+|\s+[-–—]+\s+", text[:end]) if x.strip()]
    for sentence in reversed(sentences):
        tokens = tokenize(sentence)
        named = [m for m in matcher.find(tokens) if m.kind == "category" and not m.negated]
        if named and any(_names_a_category(c, matcher) for c in _clauses(sentence, matcher)):
            m = named[-1]
            modifiers = [
                t.text for t in words[:-1] if t.stem not in FILLER_WORDS and t.text not in _DISCOURSE
            ]
            return " ".join([*modifiers, *(t.text for t in tokens[m.start : m.end])])
    return ""


_REACTION = re.compile(r"\s*(?:she|he|they|it)(?:'d|'ll|\s+would|\s+will|\s+might)\s+(?!like\b)[a-z]+")

_IN_KIND = re.compile(r"\bin\s+(?:the\s+)?([a-z][a-z-]*(?:\s+[a-z][a-z-]*)?)\s*(?:[.!?,;]|$)")


def _value_of_kind_shown(
    text: str, matcher: VocabularyMatcher, schema: CatalogSchema, categories: Sequence[str]
) -> bool:
    """Whether the product phrase's last content word lies in an attribute value that the
    ``categories`` asked before have too."""
    if not categories:
        return False
    phrase = product_phrase(text, matcher)
    tokens = tokenize(phrase)
    words = [
        i
        for i, t in enumerate(tokens)
        if t.stem not in FILLER_WORDS and t.stem not in _SKIP_HEAD and t.stem.isalpha()
    ]
    if not words:
        return False
    last = words[-1]
    held = {v for spec in schema.attributes(categories).values() for v in spec.values}
    return any(
        m.kind == "attribute" and m.start <= last < m.end and m.value in held for m in matcher.find(tokens)
    )


_STANDS_FOR_A_PRODUCT = frozenset(
    [
        "something",
        "anything",
        "one",
        "ones",
        "gift",
        "gifts",
        "present",
        "presents",
        "item",
        "items",
        "option",
        "options",
        "idea",
        "ideas",
        "product",
        "products",
    ]
)


def _asks_about_shown(phrase: str) -> bool:
    """ "which of them is the quietest": a clause about the products shown, not a framing one."""
    stems = [t.stem for t in tokenize(phrase)]
    return (
        refers_back(phrase)
        or find_superlative(stems) is not None
        or find_comparative(stems) is not None
        or bool(re.match(r"\s*(?:which|what|how|is|are|does|do)\b", phrase))
    )


def _names_anything(phrase: str, matcher: VocabularyMatcher) -> bool:
    """Whether any word of ``phrase`` is one the catalog's values or texts use."""
    tokens = tokenize(phrase)
    return (
        bool(matcher.find(tokens))
        or any(t.text in _STANDS_FOR_A_PRODUCT for t in tokens)  # "something for home use"
        or any(
            matcher.covers(t.text) for t in tokens if t.stem not in FILLER_WORDS and t.text not in _DISCOURSE
        )
    )


_OWNERS = frozenset({"my", "his", "her", "our", "their"})
_COPULAS = frozenset({"is", "are", "was", "were", "isn't", "aren't", "wasn't", "weren't"})
_WANTS = frozenset({"want", "wants", "need", "needs", "wanted", "needed"})
_NOT_NOUNS = frozenset({"enough", "than", "version", "versions", "model", "models", "style", "styles"})


def _at_place(tokens: Sequence[Token], at: int) -> bool:
    """Whether the word at ``at`` follows "at" (or "at the"): where, not what ("at home"); or is a
    singular noun right after "in", "to", "into" or "from" with no article ("from bed", "in bed",
    "to school"): the idiom of a place or state, never the count noun of a product asked for."""
    j = at - 1
    if j >= 0 and tokens[j].text in _BARE_PLACE and tokens[at].text == tokens[at].stem:
        return True
    if j >= 0 and tokens[j].text == "the":
        j -= 1
    return j >= 0 and tokens[j].text == "at"


_BARE_PLACE = frozenset({"in", "to", "into", "from"})


def _acted_on(tokens: Sequence[Token], at: int) -> bool:
    """Whether the word at ``at`` is what a verb acts on ("heats my food", "eating the furniture",
    "when i open the door", "to keep drinks cold"): a verb (an -ing word, or a word right after a
    subject, "that", "to" or a modal) and at most an owner or "the" before it; not a verb of asking
    ("i need the …")."""
    j = at - 1
    if j >= 0 and tokens[j].text in _PLACE_OWNERS:
        j -= 1
    if j < 0:
        return False
    verb = tokens[j].text
    if verb in ("and", "or", "n") and j > 0:
        return _acted_on(tokens, j - 1)  # "to keep drinks and snacks cold"
    if not verb.isalpha() or verb in _ASKING_VERBS or verb in FILLER_WORDS or verb in _VAGUE_ING:
        return False
    return (len(verb) > 4 and verb.endswith("ing")) or (j > 0 and tokens[j - 1].text in _VERB_OPENERS)


def _used_on(
    tokens: Sequence[Token], matches: list[ValueMatch], is_kind: Callable[[str], bool]
) -> tuple[list[ValueMatch], list[str], set[int]]:
    """``matches`` without the kinds said as what the product's doing acts on, those kinds ("what
    can i pack my tent and sleeping bag in": both, the second joined to the first by "and") and
    where the verbs of the doings are."""
    kept: list[ValueMatch] = []
    used: list[str] = []
    verbs: set[int] = set()
    after_used = -1
    # "i bought some throw pillow covers, what do you have to stuff them with": the kind named last
    # before the question is what it is done with
    done = _done_with_it(tokens)
    before_done = (
        max(
            (m.start for m in matches if m.kind == "category" and m.end <= done and is_kind(m.value)),
            default=None,
        )
        if done is not None
        else None
    )
    for m in matches:
        if m.kind == "category" and is_kind(m.value):
            verb = done if m.start == before_done else _object_of_a_use(tokens, m.start)
            if verb is not None or (
                m.start == after_used + 1 and tokens[after_used].text in ("and", "or", "&")
            ):
                used.append(m.value)
                verbs |= {verb} if verb is not None else set()
                after_used = m.end
                continue
        kept.append(m)
    return kept, used, verbs


def _a_kind_of(category: str, kind: str) -> bool:
    """Whether one of ``category``'s names says every word of ``kind``'s and ends as it does: Snow
    Boots and Espresso Machine & Coffeemaker Combos are kinds of boots and of espresso machines; Bottle
    Brushes is no kind of bottles, nor Leather Care of skin care."""
    words = set(_name_words(kind))
    head = _name_words(kind)[-1:]
    return bool(words) and any(words <= set(part) and part[-1:] == head for part in _name_parts(category))


def _name_parts(category: str) -> list[tuple[str, ...]]:
    """The singular words of each of a category's names ("Makeup Brushes & Tools": (makeup, brush),
    (tool))."""
    return [
        part
        for name in re.split(r"\s*(?:&|,|\band\b)\s*", category.casefold())
        if (part := _name_words(name))
    ]


def _names_one_kind(schema: CatalogSchema, category: str) -> bool:
    """Whether ``category`` is one kind of thing: a leaf, or a level of a few leaves none of which is
    named as a thing for it (Boots, Laptops; not Dogs, whose leaves are Dog Beds and Dog Toys, nor
    Makeup Brushes & Tools with its Brush Cleaners)."""
    leaves = schema.leaves(category)
    if not leaves or len(leaves) > _KIND_LEAVES:
        return False
    if len(leaves) == 1 and norm(leaves[0].name) == norm(category):
        return True
    heads = {part[-1] for part in _name_parts(category)}
    return not any(heads & set(_name_words(leaf.name.casefold())[:-1]) for leaf in leaves)


_KIND_LEAVES = 8
"""A level of more leaves than this is a department (Women, Dogs), never one kind of thing."""


def _object_of_a_use(tokens: Sequence[Token], at: int) -> int | None:
    """Where the verb is when the word at ``at`` is what a doing the product is for acts on: a verb (not one of
    asking or getting) right after "to" ("to clean my makeup brushes"), an -ing word after "for"
    ("for descaling my jura espresso machine", "for scrubbing out baby bottles") or a verb after "can
    i", "do i" ("what can i pack my tent … in"); between them an owner with up to two words of the
    thing's own ("my jura espresso machine") and a particle ("out"). Else ``None``."""
    j = at - 1
    owner = next((k for k in range(j, max(-1, at - 4), -1) if tokens[k].text in _PLACE_OWNERS), None)
    if owner is not None:
        j = owner - 1
    while j >= 0 and tokens[j].text in _PARTICLES:
        j -= 1
    return j if _doing_at(tokens, j) else None


def _doing_at(tokens: Sequence[Token], j: int) -> bool:
    """Whether the word at ``j`` is a doing said as what the product is for: a verb (not one of
    asking, getting or using the thing itself) after "to", an -ing word after "for", or a verb after
    "can i", "do i"."""
    if j < 1:
        return False
    verb = tokens[j].text
    before = tokens[j - 1].text
    if (
        not verb.isalpha()
        or verb in _ASKING_VERBS
        or verb in _doings()["getting"]
        or verb in _doings()["using"]
        # ("do you carry"; "to carry my laptop" is a doing)
        or (verb in FILLER_WORDS and before != "to")
        or verb in _VAGUE_ING
    ):
        return False
    if before == "for":
        return len(verb) > 4 and verb.endswith("ing")
    if before == "to" or (before in ("i", "we") and j >= 2 and tokens[j - 2].text in _ASKED_MODALS):
        return "VERB" in word_classes(verb)
    return False


def _done_with_it(tokens: Sequence[Token]) -> int | None:
    """Where a question asks what to do a thing said before with ("what do you have to stuff them
    with", "what can i reseal it with"): the verb's position, else ``None``."""
    for j in range(1, len(tokens) - 2):
        if (
            tokens[j + 1].text in ("it", "them")
            and tokens[j + 2].text in ("with", "in")
            and any(t.text == "what" for t in tokens[max(0, j - 8) : j])
            and _doing_at(tokens, j)
        ):
            return j
    return None


@cache
def _doings() -> dict[str, frozenset[str]]:
    """The verbs of lexicons/doings.yaml whose object is no kind the product is for."""
    return {key: frozenset(words) for key, words in read_lexicon("doings").items()}


_ASKED_MODALS = frozenset({"can", "could", "do", "should", "would"})


_ASKING_VERBS = frozenset(
    {"need", "needs", "want", "wants", "wanna", "get", "gets", "buy", "find", "show", "see", "like", "likes",
     "love", "loves", "have", "has", "got", "recommend", "try", "order", "grab", "replace", "use", "uses",
     "looking", "shopping", "getting", "buying", "using", "replacing"}
)  # fmt: skip
_VAGUE_ING = frozenset({"something", "anything", "nothing", "everything", "thing", "ring", "king", "spring"})
_VERB_OPENERS = frozenset(
    {
        "i",
        "we",
        "he",
        "she",
        "they",
        "you",
        "it",
        "that",
        "which",
        "to",
        "can",
        "will",
        "would",
        "could",
        "just",
    }
)


def _on_place(tokens: Sequence[Token], at: int) -> bool:
    """Whether the word at ``at`` follows "on the" / "on my" / "by his" (a word between allowed):
    where it goes or what happens there ("they keep tipping over on the lounge chairs", "no outlet by
    his bed"), not what is asked."""
    for j in (at - 1, at - 2):
        if j >= 1 and tokens[j].text in _PLACE_OWNERS and tokens[j - 1].text in _WHERE:
            return True
    return False


_WHERE = frozenset({"on", "onto", "by", "near", "beside", "behind", "under", "underneath", "above"})


_PLACE_OWNERS = _OWNERS | {"the", "your"}


def _qualifies_another_noun(tokens: list[Token], m: ValueMatch, matcher: VocabularyMatcher) -> bool:
    """ "every single day", "a week long section": an attribute value said of a noun the catalog
    has no word for qualifies that noun, not the product ("single" motors of a standing desk)."""
    if m.kind != "attribute" or m.negated or m.end >= len(tokens):
        return False  # ("arent smart/wifi": ruled out by name)
    after = tokens[m.end]
    return (
        after.text.isalpha()
        and len(after.text) > 2
        and after.stem not in FILLER_WORDS
        and after.text not in _NOT_NOUNS
        and not after.text.endswith("ly")
        and after.text in english_words()
        # ("brews a single cup": a count before a unit word counts that unit, even one titles use)
        and (not matcher.product_word(after.stem) or _counts_a_unit(tokens[m.start].text, after.stem))
        # "a single motor desk": the value's own key
        and after.stem not in {singular(w) for w in (m.key or "").split("_")}
    )


def _counts_a_unit(word: str, after: str) -> bool:
    """ "a single cup", "a double shot": a count word (``numbers.yaml`` multiplicity) before a unit."""
    return lexicons().multiplicity.get(word) is not None and after in _unit_stems()


@lru_cache(maxsize=1)
def _unit_stems() -> frozenset[str]:
    return frozenset(singular(n) for n in _unit_names())


_SUBJECT_VERBS = _COPULAS | _WANTS | frozenset({"turning", "turn", "turns", "love", "loves", "like", "likes"})


def _someone_else_wants_one(tokens: Sequence[Token], matches: Sequence[ValueMatch]) -> bool:
    """Whether another person wants a product of a named kind: "my roommate wants a big blender",
    "his wife needs a blender too" (a possessive, one or two words, a want verb, then "a"/"an" … kind)."""
    for i in range(len(tokens) - 2):
        if tokens[i].text not in _OWNERS:
            continue
        verb = next((j for j in (i + 2, i + 3) if j < len(tokens) and tokens[j].text in _WANTS), None)
        if verb is None or verb + 1 >= len(tokens) or tokens[verb + 1].text not in ("a", "an", "another"):
            continue
        if any(m.kind == "category" and verb + 1 < m.start <= verb + 4 for m in matches):
            return True
    return False


_WHAT_ABOUT = re.compile(
    r"\s*(?:(?:ok|okay|so|and|hmm+|cool|nice)\W+)*(?:what|how)\s+about\s+(?:for|in|with|without|under|over|from)\b"
)
_HAS_WORDS = frozenset({"with", "has", "have", "having"})
_STAND_INS = frozenset({"one", "ones", "any", "anything", "something", "those", "them", "it", "that"})


_USE_AFTER_FOR = re.compile(r"\bfor\s+[^,.;:!?]*")


def _within(start: int, end: int, spans: Sequence[tuple[int, int]]) -> bool:
    """Whether ``start``–``end`` lies inside one of ``spans``."""
    return any(a <= start and end <= b for a, b in spans)


_HAVE_ALREADY = re.compile(
    r"\b(?:i|we)(?:\s+already)?(?:'ve|\s+have|\s+own|\s+got)(?:\s+already)?(?:\s+got)?\s+[^,.;:!?]*$"
)


_TAKEN_BACK = re.compile(
    r"\b(?:forget|scratch|nevermind|never\s+mind|nix)\s+(?:about\s+)?(?:the\s+)?(?:[a-z]+\s+){0,2}$"
)


def _qualifies_stand_in(phrase: str) -> bool:
    """Whether a product phrase ends on a stand-in a word qualifies ("wine ones", "running ones"):
    the stand-in is the kind, the word says which of it."""
    words = re.findall(r"[a-z]+", phrase.lower())
    return len(words) >= 2 and words[-1] in ("one", "ones") and words[-2] not in _PRO_FORMS


def aside_of_kind_shown(text: str, tokens: Sequence[Token], m: ValueMatch) -> bool:
    """Whether a category name said in a follow-up is aside from the ask: a feature of the kind shown
    ("one with a keychain"), a word qualifying a stand-in for it ("just the handheld portable ones",
    whatever the catalog files as Portable), or what the shopper already has ("cordless only - i
    already have a pile of 18v batteries"). The caller keeps a level that narrows the kind shown."""
    return (
        feature_of_pro_form(tokens, m.start)
        or _on_place(tokens, m.start)
        or (
            m.end < len(tokens)
            and tokens[m.end].text in ("one", "ones")
            and not text[tokens[m.end - 1].end : tokens[m.end].start].strip()  # not "office chairs? one …"
        )
        or _HAVE_ALREADY.search(text[: tokens[m.start].start]) is not None
        # "ok forget full face. any in pink?" after snorkel masks: a wish taken back, not a new kind
        or _TAKEN_BACK.search(text[: tokens[m.start].start]) is not None
    )


# the stand-ins a follow-up asks of the kind shown by ("which ones", "any that", "do any of them")
_OF_SHOWN = _STAND_INS - {"anything", "something", "that"} | {"which", "they", "these"}
# what a product is for or when it is used ("for travel", "during cardio", "while running")
_USE_PREPOSITIONS = frozenset({"for", "during", "while"})


def use_of_stand_in(text: str, tokens: Sequence[Token], m: ValueMatch) -> bool:
    """Whether a category name said in a follow-up is what a stand-in for the kind shown is for or
    when it is used: "got any that are good for travel?", "which ones stay put during cardio", "any
    that stay in while running?", "one with a strap for a yoga mat". The stand-in is asked of the
    kind shown; the name says its use, not another kind (the catalog filing Travel, Cardio or Running
    as products of their own does not make them asked). A new thing asked by a vague word
    ("something for yoga") or by name ("any yoga mats for travel?") is not this."""
    j = m.start - 1
    while j >= 0 and (tokens[j].text in ("a", "an", "the", "some") or tokens[j].text in _OWNERS):
        j -= 1
    if j < 1 or tokens[j].text not in _USE_PREPOSITIONS:
        return False
    # the stand-in is in the same clause, before the preposition
    start = max(text.rfind(mark, 0, tokens[j].start) for mark in ",.;:!?") + 1
    return any(t.text in _OF_SHOWN for t in tokens[:j] if t.start >= start)


def asked_of_stand_in(text: str, tokens: Sequence[Token], m: ValueMatch, beside: Callable[[], bool]) -> bool:
    """Whether a category name is said as the use of a stand-in for the kind shown
    (:func:`use_of_stand_in`) or in what the shown must have or be (:func:`required_of_stand_in`):
    no other kind asked. A level beside the kind's own (``beside()``: Cats beside Dogs, Fleece beside
    Rain Jackets) is asked, unless a requirement says it as the first word of a longer name
    ("it needs to be fleece lined")."""
    if use_of_stand_in(text, tokens, m) and not beside():
        return True
    return required_of_stand_in(text, tokens, m) and (modifies_next(text, tokens, m) or not beside())


# a subject standing for the products shown, and the words after it that say what they must have or be
_SHOWN_SUBJECTS = frozenset(
    {"they", "it", "these", "those", "they've", "it's", "they'd", "it'd", "they'll", "it'll"}
)
_REQUIRES = frozenset({"need", "needs", "must", "should", "gotta", "has", "have", "got", "better", "ought"})
# what may open the clause before its subject ("ok so they need …", "she's cold so it should be …")
_BEFORE_SUBJECT = frozenset(
    {"ok", "okay", "oh", "and", "but", "so", "also", "plus", "yeah", "well", "though"}
    | {"because", "cause", "cuz", "since"}
)


def required_of_stand_in(text: str, tokens: Sequence[Token], m: ValueMatch) -> bool:
    """Whether a category name is said in what a follow-up requires of the products shown: the
    clause's subject stands for them and says what they must have or be ("they need real active
    noise cancelling", "it needs to be fleece lined", "they need a laptop sleeve though", "she's
    always cold so it should be fleece lined"). The name is a feature asked of the kind shown, not
    another kind (Active, Fleece or Laptops being categories of their own). Not when the subject
    is someone named before ("my kids are cold so they need fleece jackets") or the thing is added
    as one of its own ("they need a case too")."""
    start = m.start
    subject = next(
        (
            j
            for j in range(start - 1, -1, -1)
            if tokens[j].text in _SHOWN_SUBJECTS
            and j + 1 < start
            and (tokens[j + 1].text in _REQUIRES or tokens[j].text.endswith(("'ve", "'d")))
        ),
        None,
    )
    if subject is None or _PUNCTUATION.search(text[tokens[subject].end : tokens[start].start]):
        return False
    opened = subject == 0 or _PUNCTUATION.search(text[tokens[subject - 1].end : tokens[subject].start])
    if not opened and tokens[subject - 1].text not in _BEFORE_SUBJECT:
        return False
    people = people_words()
    if tokens[subject].text.startswith(("they", "these", "those")) and any(
        t.text != t.stem and t.stem in people for t in tokens[:subject]
    ):
        return False  # "my kids are cold so they need …": "they" are the people the message named
    if tokens[start - 1].text in _A_THING and not modifies_next(text, tokens, m):
        return False  # "it needs a stand": a thing of its own (named as a part, "a laptop sleeve", it is not)
    after = [t.text for t in tokens[m.end : m.end + 3]]
    return not (set(after) & _ADDED or after[:2] == ["as", "well"]) and not any(
        tokens[j].text in _AS_ITS_OWN for j in range(subject + 1, start)
    )


_A_THING = frozenset({"a", "an", "another", "some"})

# "X vs Y …": the first side of a comparison said by name
_VERSUS = re.compile(r"^\W*(?:the\s+)?([^,.;:!?]+?)\s+(?:vs\.?|versus)\s")


def modifies_next(text: str, tokens: Sequence[Token], m: ValueMatch) -> bool:
    """Whether a category name is said as the first word of a longer name, qualifying the word after
    it ("fleece lined", "laptop sleeve", "dry top"), not as the name of a thing ("it should be a
    fleece")."""
    if m.end >= len(tokens) or _PUNCTUATION.search(text[tokens[m.end - 1].end : tokens[m.end].start]):
        return False
    word = tokens[m.end].text
    return word.isalpha() and word not in FILLER_WORDS


def package_of_kind_shown(tokens: Sequence[Token], m: ValueMatch, vocabulary: Vocabulary) -> bool:
    """Whether a category said alone in a follow-up, as one already there ("for the set", "ten bucks
    per set"), is a word that ends many of the catalog's category names (Sets, Flatware Sets, Knife
    Sets …): how the kind shown comes, not another kind. Said as a new thing ("any sets?", "a set with
    the conditioner") it is asked for. Read from the catalog's own names."""
    if m.end - m.start != 1 or len(words := re.findall(r"[a-z]+", m.value)) != 1:
        return False
    # the noun phrase opens with a word saying it is there already ("the top scoring cobalt set")
    for j in range(m.start - 1, max(-1, m.start - 5), -1):
        if tokens[j].text in _NEW or not tokens[j].text.isalpha():
            return False
        if tokens[j].text in _GIVEN:
            break
    else:
        return False
    return _name_endings(vocabulary)[singular(words[0])] >= _PACKAGE_NAMES


def part_said(
    text: str,
    tokens: Sequence[Token],
    m: ValueMatch,
    kinds: Sequence[str],
    part_of: Callable[[str, Sequence[str]], bool],
) -> bool:
    """Whether a category name said in a follow-up is a part or feature of the kinds shown: said as
    one (:func:`said_as_part`) and said by enough of their titles (``part_of``), not a kind of theirs
    nor their own name ("the lowest priced necklace" after pendant necklaces)."""
    named = {w for k in kinds for w in _name_words(k)}
    return (
        m.value not in kinds
        and not set(_name_words(m.value)) <= named
        and said_as_part(text, tokens, m)
        and part_of(text[tokens[m.start].start : tokens[m.end - 1].end], kinds)
    )


def said_as_part(text: str, tokens: Sequence[Token], m: ValueMatch) -> bool:
    """Whether a category name said in a follow-up is said as something the product shown has or
    comes with ("nylon strings please", "remote control ones only", "only ones that come with the
    pump"), not as a thing asked for of its own ("a spare pack of strings too", "and a battery pack
    for his phone", "do you have remote controls?"). The caller checks that the kind's titles say it."""
    for j in range(m.start - 1, max(-1, m.start - 5), -1):
        if _PUNCTUATION.search(text[tokens[j].end : tokens[j + 1].start]):
            break
        word = tokens[j].text
        if word in _HAS_WORDS:
            # "come with the pump"; "do you have …" asks the store, not of the product
            return not (j and tokens[j - 1].text in _ASKING_THE_STORE)
        if word in _NEW or word in _AS_ITS_OWN:
            return False
    after = [t.text for t in tokens[m.end : m.end + 3]]
    if after[:1] and after[0] in ("for", "to"):
        return False  # "a remote control for the tv": a thing with its own use
    return not (set(after) & _ADDED or after[:2] == ["as", "well"])


_PUNCTUATION = re.compile(r"[,.;:!?]")
_ASKING_THE_STORE = frozenset({"you", "u", "ya", "yall", "y'all"})
# "what about batteries", "as a gift", "need another": a thing of its own
_AS_ITS_OWN = frozenset({"about", "as", "plus", "spare", "extra", "separate", "replacement"})
_ADDED = frozenset({"too", "also", "separately"})


def _name_endings(vocabulary: Vocabulary) -> Counter[str]:
    """How many of the catalog's several-word category names end in each word, counted once per
    vocabulary (kept on its matcher, as :func:`_names_a_kind_head` keeps the kinds' heads)."""
    matcher = matcher_for(vocabulary)
    endings: Counter[str] | None = matcher.__dict__.get("_name_endings")
    if endings is None:
        endings = Counter(w[-1] for name in vocabulary.categories if len(w := _name_words(name)) > 1)
        matcher.__dict__["_name_endings"] = endings
    return endings


# Words before a noun that say the thing is one already in the conversation, or a unit of it
_GIVEN = frozenset({"the", "per", "each", "whole", "entire"})
_NEW = frozenset({"a", "an", "any", "some", "another", "other", "also", "and", "or", "with", "of", "for"})


def feature_of_pro_form(tokens: Sequence[Token], at: int) -> bool:
    """Whether the word at ``at`` follows "one with (a)", "any that have", "those with": it names a
    feature of the product stood in for, not a kind of product (also with words between: "one with
    a keychain clip")."""
    for skipped in range(3):
        j = at - 1 - skipped
        if j < 0 or any(
            tokens[k].text in _HAS_WORDS or tokens[k].text in _STAND_INS for k in range(j + 1, at)
        ):
            return False
        if j >= 0 and tokens[j].text in ("a", "an", "the", "some"):
            j -= 1
        if j < 1 or tokens[j].text not in _HAS_WORDS:
            continue
        before = tokens[j - 1].text
        if before in _STAND_INS or (before == "that" and j >= 2 and tokens[j - 2].text in _STAND_INS):
            return True
    return False


_REQUIRED = re.compile(
    r"\s*(?:(?:it|they|this|that)\s+)?(?:has|have|needs?|got)\s+to\b|\s*(?:(?:it|they)\s+)?(?:must|should)\b"
)
_LIKENING = re.compile(r"\b(?P<before>[a-z0-9']+)\s+like\s+(?:a|an)\s+[a-z]+(?:\s+[a-z]+)?")


@lru_cache(maxsize=1)
def _like_asks() -> frozenset[str]:
    """Words before "like a" that make it a wish or an ask for its kind ("i'd like a tent",
    "something like a heated lunch box"), not a likening: ``lexicons/brand_roles.yaml``."""
    data = yaml.safe_load(
        resources.files("assistant.plan").joinpath("lexicons/brand_roles.yaml").read_text("utf-8")
    )
    return frozenset(str(w) for key in ("like_not_after", "like_asks_after") for w in data[key])


def _likenings(text: str) -> list[tuple[int, int]]:
    """The spans where something is likened to a thing ("my rig isnt 12V like a car", "built like a
    tank", "sounds like a jet engine"): what is likened to is no product asked for. "i'd like a tent"
    and "something like a heated lunch box" ask for it."""
    return [
        (m.start("before") + len(m.group("before")), m.end())
        for m in _LIKENING.finditer(text)
        if m.group("before") not in _like_asks() and not m.group("before").endswith("'d")
    ]


def _only_naming_sentence(sentences: list[str], matcher: VocabularyMatcher) -> str | None:
    """The sentence whose clauses hold the product: the only one, or the only one of several that
    names a kind when no other names a kind or says a thing by its head word ("my toddler is scared of
    the dark, her doctor said a night light might help. something dim"; "something meant for kids":
    kids is no thing said)."""
    if len(sentences) == 1:
        return sentences[0]
    naming = [x for x in sentences if _names_a_category(x, matcher)]
    if len(naming) != 1 or any(_determines_a_kind_head(x, matcher) for x in sentences if x is not naming[0]):
        return None
    return naming[0]


def _names_a_category(phrase: str, matcher: VocabularyMatcher) -> bool:
    """Whether ``phrase`` says a category's own name ("robot vacuum"), not a doer ("he shaves") nor
    the shopper's own thing ("the glare kills my eyes", "my kitchen is tiny")."""
    tokens = tokenize(phrase)
    for m in matcher.find(tokens):
        if m.kind != "category" or (m.start and tokens[m.start - 1].text in _OWNERS):
            continue
        if m.end < len(tokens) and tokens[m.end].text in _COPULAS:
            continue  # "baby is due in march": the sentence's subject, not the product asked for
        if m.end < len(tokens) and tokens[m.end].text in _people():
            continue  # "her baby brother just turned two": who, not what
        name = {singular(w) for w in re.findall(r"[a-z]+", m.value)}
        if any(singular(tokens[i].text) in name for i in range(m.start, m.end)):
            return True
    return False


@lru_cache(maxsize=1)
def _people() -> frozenset[str]:
    """Words for a person a shopper buys for (data file): "brother", "son", "niece"."""
    children = lexicons().children
    return frozenset({*children["words"], *children.get("people", [])})


def _names_a_kind_head(phrase: str, matcher: VocabularyMatcher) -> bool:
    """Whether ``phrase`` says the head word of a category's name ("desk chairs": Office Chairs),
    not as the shopper's own thing."""
    heads = matcher.__dict__.get("_kind_heads")
    if heads is None:
        heads = frozenset(
            singular(part.split()[-1])
            for value in matcher.vocabulary.categories
            for part in _kind_parts(value)
            if part.split() and len(part.split()[-1]) >= 4
        )
        matcher.__dict__["_kind_heads"] = heads
    tokens = tokenize(phrase)
    return any(
        singular(t.text) in heads
        and not (i and tokens[i - 1].text in _OWNERS)
        and not (i + 1 < len(tokens) and tokens[i + 1].text in _COPULAS)
        for i, t in enumerate(tokens)
    )


def _determines_a_kind_head(phrase: str, matcher: VocabularyMatcher) -> bool:
    """Whether ``phrase`` says a kind's head word as a thing, after a determiner ("he's cracked two
    desk chairs", "a chair"), not a word the catalog shares used otherwise ("my dog gulps his food
    and throws up", "my back is wrecked", "i work from home")."""
    tokens = tokenize(phrase)
    return any(
        _names_a_kind_head(t.text, matcher) and any(u.text in _DETERMINERS for u in tokens[max(0, i - 2) : i])
        for i, t in enumerate(tokens)
    )


def _kind_parts(value: str) -> list[str]:
    """The kinds a category's name lists ("Cookies, Biscuits & Snacks"), without a lone singular
    word that only shares the last part's noun ("Track & Active Jackets", "Bathtub & Shower Trim
    Systems": track and bathtub name no kind of their own)."""
    parts = [part for part in re.split(r"\s*[&,]\s*", value) if part.split()]
    last = parts[-1].split() if parts else []
    shared = len(last) > 1 and singular(last[-1].lower()) != last[-1].lower()
    return [
        part
        for i, part in enumerate(parts)
        if not (
            shared
            and i < len(parts) - 1
            and len(part.split()) == 1
            and singular(part.lower()) == part.lower()
        )
    ]


def _clauses(text: str, matcher: VocabularyMatcher | None) -> list[str]:
    """``text`` cut at clause words, except inside a category name that holds one ("a ride on toy"
    for Ride-Ons keeps "ride on" whole)."""
    guarded = text
    if matcher is not None:
        # "a firm, supportive dog bed": a comma between two words describing one noun after an
        # article is no clause break (not "a leash, collar and bowl": the word before it names a kind)
        for listed in reversed(list(_LISTED_ADJECTIVE.finditer(guarded))):
            word, after = listed.group("w"), listed.group("a").split()
            if not (
                _names_a_category(word, matcher)
                or _names_a_kind_head(word, matcher)
                or any(w in FILLER_WORDS or w in _NOT_DESCRIBING or w.endswith("ever") for w in after)
            ):
                guarded = guarded[: listed.start("c")] + " " + guarded[listed.end("c") :]
        tokens = tokenize(text)
        for m in matcher.find(tokens):
            if m.kind == "category" and m.end - m.start > 1:
                a, b = tokens[m.start].start, tokens[m.end - 1].end
                guarded = guarded[:a] + re.sub(r"\s", "-", guarded[a:b]) + guarded[b:]
    out: list[str] = []
    at = 0
    for piece in _CLAUSE_CUES.split(guarded):
        if not piece:
            continue
        start = guarded.find(piece, at)
        at = start + len(piece)
        if piece.strip():
            out.append(text[start:at])  # the shopper's own spacing back
    return out


_LISTED_ADJECTIVE = re.compile(
    r"\b(?:a|an|some|the)\s+(?P<w>[a-z]+)(?P<c>,)\s+(?!(?:a|an|some|the|and|or|but|plus|also|too|one|ones)\b)"
    r"(?=(?P<a>[a-z]+\s+[a-z]+))"
)
_NOT_DESCRIBING = frozenset(
    {"which", "what", "who", "that", "this", "it", "is", "are", "pls", "please", "thanks", "maybe", "ideally",
     "preferably", "just", "only", "not", "no", "i", "we", "he", "she", "they", "you", "my", "his", "her"}
)  # fmt: skip

_VALUE_KINDS = 3


def _kind_of_measure(plan: QueryPlan, text: str, schema: CatalogSchema | None) -> QueryPlan:
    """ "i need at least 16gb of ram": no kind named, but a figure of a measure whose noun is a word
    of a numeric attribute key only one kind (or a few under one parent) carries (ram_gb: Laptops)."""
    f = plan.filters
    if (
        schema is None
        or plan.intent not in ("search", "out_of_catalog")
        or f.categories
        or plan.category_hint
        or plan.items
    ):
        return plan
    for m in _measures_said(text):
        noun = m.group("noun")
        leaves = {
            leaf
            for leaf, kind in schema.categories.items()
            if any(a.kind == "numeric" and noun in key_words(k) for k, a in kind.attributes.items())
        }
        parents = [set(schema.above(leaf)) for leaf in leaves]
        if 1 <= len(leaves) <= _VALUE_KINDS and (len(leaves) == 1 or set.intersection(*parents)):
            return plan.model_copy(
                update={
                    "intent": "search",
                    "clarifying_question": None,
                    "filters": f.model_copy(update={"categories": sorted(leaves)}),
                }
            )
    return plan


def _kind_of_values(plan: QueryPlan, schema: CatalogSchema) -> QueryPlan:
    """ "my sister runs on muddy mountain trails, what would u get her": no kind named, but a value
    said (terrain: trail) that only a few leaf categories carry: those are the kinds asked about."""
    f = plan.filters
    if plan.intent not in ("search", "out_of_catalog") or f.categories or plan.category_hint or plan.items:
        return plan
    judging = lexicons().evaluative
    if any(str(v).lower() in judging for v in f.attributes.values()) or any(
        str(v).lower() in judging for vs in f.attribute_in.values() for v in vs
    ):
        # "small - not one of those giant ones", no kind named: a word that says how big about
        # anything is no filter over every kind that sells a Small (dog harnesses for a microwave);
        # "king" still names the mattresses' size
        f = f.model_copy(
            update={
                "attributes": {k: v for k, v in f.attributes.items() if str(v).lower() not in judging},
                "attribute_in": {
                    k: kept
                    for k, vs in f.attribute_in.items()
                    if (kept := [v for v in vs if str(v).lower() not in judging])
                },
            }
        )
        plan = plan.model_copy(update={"filters": f})
    said = [*f.attributes.items(), *((k, v) for k, vs in f.attribute_in.items() for v in vs[:1])]
    if not said:
        return plan
    leaves = set(schema.categories_with_value(*said[0]))
    for key, value in said[1:]:
        leaves &= set(schema.categories_with_value(key, value))
    # one kind, or a few under one parent (not "waterproof": boots, trimmers and face brushes)
    parents = [set(schema.above(leaf)) for leaf in leaves]
    if not 1 <= len(leaves) <= _VALUE_KINDS or (len(leaves) > 1 and not set.intersection(*parents)):
        return plan
    return plan.model_copy(
        update={
            "intent": "search",
            "clarifying_question": None,
            "filters": f.model_copy(update={"categories": sorted(leaves)}),
        }
    )


def _without_package_category(plan: QueryPlan, schema: CatalogSchema) -> QueryPlan:
    """ "a pots and pans set": Sets (a one-word name that ends many others: Knife Sets, Dinnerware
    Sets) next to the kind named is how it comes, not a second kind to search."""
    cats = plan.filters.categories
    hint = plan.category_hint
    if (
        len(cats) == 1
        and hint is not None
        and norm(hint) != norm(cats[0])
        and _package_name(cats[0], schema)
        and len(hint_words := _name_words(hint)) > 1
        and hint_words[-1] == _name_words(cats[0])[0]
    ):
        # "a reusable fork/spoon set": the kind packaged that way (Flatware Sets) the words before
        # the package word name; Sets alone would file bikini sets first
        return plan.model_copy(update={"filters": plan.filters.model_copy(update={"categories": [hint]})})
    if len(cats) < 2:
        return plan
    kept = [
        c
        for c in cats
        # levels of one path narrow each other ("women's running shoes"); a package word sits apart
        if schema.on_one_path(cats) > 0 or not _package_name(c, schema)
    ]
    if not kept or kept == cats:
        return plan
    return plan.model_copy(update={"filters": plan.filters.model_copy(update={"categories": kept})})


def _package_name(name: str, schema: CatalogSchema) -> bool:
    """A one-word category name that is a package word (Sets: Knife Sets, Dinnerware Sets)."""
    words = _name_words(name)
    return len(words) == 1 and _ends_names(words[0], schema)


def _the_kind_asked_before(plan: QueryPlan, previous: QueryPlan | None) -> QueryPlan:
    """ "any of the towels in white?" after "dish towels and a whisk": a shorter name of a category
    asked just before (Dish Cloths & Dish Towels) is that category, not every kind of towel."""
    if previous is None or plan.intent != "refine" or not plan.filters.categories:
        return plan
    asked = [*previous.filters.categories, *(c for item in previous.items for c in item.categories)]

    swapped = []
    for c in plan.filters.categories:
        words = set(_name_words(c))
        longer = [a for a in asked if a != c and words and words < set(_name_words(a))]
        swapped.append(longer[0] if len(longer) == 1 else c)
    if swapped == plan.filters.categories:
        return plan
    return plan.model_copy(
        update={"filters": plan.filters.model_copy(update={"categories": list(dict.fromkeys(swapped))})}
    )


def _without_phrase_brands(
    plan: QueryPlan,
    text: str,
    previous: QueryPlan | None,
    word_categories: Callable[[str], list[tuple[str, int]]],
    brand_leaves: Callable[[str], set[str]],
) -> QueryPlan:
    """A one-word brand that is an ordinary word, said as the first word of a phrase the catalog's
    other products are titled with ("a vessel sink drain", "the automatic ball return thing", "a
    spot cleaner"), is that phrase, not the maker (VESSEL screwdrivers, Ball jars, SPOT bowls): the
    products whose titles hold both words are filed where the brand's own are not. "reef sandals",
    "ball jars", "a lego set" name what the brand sells."""
    before = {b.casefold() for b in previous.filters.brands} if previous is not None else set()
    words = re.findall(r"[a-z0-9']+", text.lower())
    dropped: list[str] = []
    for brand in plan.filters.brands:
        word = brand.casefold()
        if " " in word or word in before or not ordinary_word(word):
            continue
        nexts = [
            words[i + 1]
            for i, w in enumerate(words[:-1])
            if w == word and words[i + 1].isalpha() and words[i + 1] not in FILLER_WORDS
        ]
        if not nexts or len(nexts) != words.count(word):
            continue
        sold = brand_leaves(brand)
        phrased = [{c.casefold() for c, _ in word_categories(f"{word} {after}")} for after in nexts]
        if sold and all(found and not found & sold for found in phrased):
            dropped.append(brand)
    if not dropped:
        return plan
    said = [w for w in (b.casefold() for b in dropped) if w not in plan.query.lower().split()]
    return plan.model_copy(
        update={
            "query": " ".join([*said, plan.query]).strip(),
            "filters": plan.filters.model_copy(
                update={"brands": [b for b in plan.filters.brands if b not in dropped]}
            ),
        }
    )


def _brand_leaves(brands: Sequence[str], word_categories: Callable[[str], list[tuple[str, int]]]) -> set[str]:
    """The leaf categories the products of ``brands`` are filed under (from the title index, whose
    several-word lookups cover brand and title words)."""
    found: set[str] = set()
    for brand in brands:
        words = re.findall(r"[a-z0-9]+", brand.casefold())
        if words:
            found.update(c.casefold() for c, _ in word_categories(" ".join([*words, words[0]])))
    return found


# Words that open a clause about a stand-in ("a stainless steel one he cant wreck", "one that fits").
_CLAUSE_OPENERS = frozenset(
    {"that", "which", "who", "he", "she", "they", "we", "i", "you", "u", "it", "my", "his", "her", "our"}
)
# Adjectives that follow the noun they qualify after a superlative ("the lightest thing possible",
# "the cheapest one available", "the best one out there", "the warmest one ever"): not a product word.
_POSTPOSITIVE = frozenset({"possible", "available", "imaginable", "ever", "there", "around", "out"})

_PRO_FORMS = frozenset({"kind", "kinds", "type", "types", "sort", "sorts", "version", "versions", "model"})


def _best_named(
    side: str, shown_ids: Sequence[str], prices: Sequence[float], titles: Mapping[str, str] | None
) -> str | None:
    """The one shown product a side of "X vs Y" names: of those it could name, the one whose title
    holds most of its words ("reference ob-2": the OB-2, not another "Reference" one), else ``None``."""
    named = resolve_references(side, shown_ids, prices, titles=titles, bare_numbers=True)
    if len(named) <= 1:
        return named[0] if named else None
    said = {t.stem for t in tokenize(side)}
    scores = {i: len(said & {t.stem for t in tokenize((titles or {}).get(i, ""))}) for i in named}
    best = max(scores.values())
    top = [i for i in named if scores[i] == best]
    return top[0] if len(top) == 1 else None


def _asks_of_shown(text: str, tokens: Sequence[Token], positive: Sequence[ValueMatch]) -> bool:
    """Whether the sentence naming the message's new kind asks it of a shown product ("does the first
    one plug into a car?"): a question whose subject points at what was shown, every word of the kind
    inside it."""
    kinds = [m for m in positive if m.kind == "category"]
    if not kinds:
        return False
    for found in _ASKS_OF_SHOWN.finditer(text):
        end = re.search(r"[.!?;]", text[found.end() :])
        stop = found.end() + end.start() if end else len(text)
        if all(
            0 <= m.start < m.end <= len(tokens)
            and found.start() <= tokens[m.start].start
            and tokens[m.end - 1].end <= stop
            for m in kinds
        ):
            return True
    return False


def _adds_kind(
    text: str, tokens: Sequence[Token], words: Sequence[Token], known: set[str], vocabulary: Vocabulary
) -> bool:
    """Whether ``text`` adds another thing to what was asked (``_ADDS_KIND``: "also gonna need a camp
    stove", "oh also, dog food?") and ``words`` (the message's product words) name one: a word of
    the phrase naming the product (:func:`product_kind`; not "gotta have a lid too", a feature, nor
    "something my 5 year old could join in on too"), not in ``known`` (what was asked before, the
    categories read), no digit, no stand-in ("a pair"), none of a "for …" phrase ("for my wife")."""
    if _ADDS_KIND.search(text) is None:
        return False
    named = {t.stem for t in tokenize(product_kind(text, vocabulary))}
    aside = {t.start for m in _USE_AFTER_FOR.finditer(text) for t in tokens if m.start() <= t.start < m.end()}
    return any(
        t.stem in named
        and t.stem not in known
        and not t.stem[:1].isdigit()
        and not is_pro_form(t.text)
        and t.stem not in _BOUND_WORDS
        and t.start not in aside
        for t in words
    )


_ARTICLE_BEFORE = re.compile(r"\b(?:an?|some)\s+(?:[a-z'-]+\s+){0,2}$")


def _points_back(text: str, novel: Sequence[Token]) -> bool:
    """Whether ``text`` points at what was shown (:func:`refers_back`). In a clause after the one
    asking for a new thing named with its article (``novel``: the new words; "a waffle maker"), "one"
    stands for that thing ("oh and a waffle maker, the old one broke"); a pointer ("those", "the first
    one") still points back, and so does "one" after words that name no thing ("I'm really tall, do
    you have a longer one?")."""
    first = min((t.start for t in novel if _ARTICLE_BEFORE.search(text[: t.start]) is not None), default=None)
    cut = re.search(r"[,;.!?]", text[first:]) if first is not None else None
    if first is None or cut is None:
        return refers_back(text)
    end = first + cut.end()
    head, rest = text[:end], text[end:]
    if not (is_new_request(head) or _ADDS_ANOTHER.match(head) or _ADDS_KIND.search(head)):
        # "hmm thats a desk unit tho, i need one for a living room": the new words said something
        # of what was shown, asking for nothing; "one" is another of the kind shown
        return refers_back(text)
    return refers_back(head) or refers_back(rest, pro_form=False) or POSITION.search(rest) is not None


def _asks_if_sold_of(sentence: str) -> bool:
    """Whether ``sentence`` is a question asking if the store sells a thing it names ("do u guys
    carry sawhorses?"), not a stand-in ("do you have these in blue?", "do u have any in stock?")."""
    if not sentence.rstrip().endswith("?"):
        return False
    sold = _SOLD_ASKED.search(sentence)
    if sold is None:
        return False
    what = kind_words(sold.group("what"))
    return bool(what.strip()) and not _pro_form(what) and not any(is_pro_form(w) for w in what.split())


def _sold_of_named_aside(text: str) -> str:
    """``text`` without a closing "do you have those?" that asks about a thing it names before
    (``_SOLD_OF_NAMED``): what is left says whether the message points at what was shown."""
    found = _SOLD_OF_NAMED.search(text)
    return text if found is None else text[: found.start("ask")]


def is_pro_form(word: str) -> bool:
    """Whether ``word`` stands in for a product named elsewhere ("one", "version", "kind")."""
    return word in _SKIP_HEAD or word in _PRO_FORMS


def _pro_form(phrase: str) -> bool:
    """ "the softer kind", "a cheaper one": the phrase stands in for a product named elsewhere."""
    words = [t for t in tokenize(phrase) if t.text not in ("please", "pls", "thanks")]
    # "a stainless steel one he cant wreck", "one that fits in a carry on": a clause about the
    # stand-in follows it
    cut = next(
        (
            i
            for i in range(1, len(words) - 1)
            if words[i].text in ("one", "ones", "thing", "things") and words[i + 1].text in _CLAUSE_OPENERS
        ),
        None,
    )
    if cut is not None:
        words = words[: cut + 1]
    while words and (
        words[-1].text in ("too", "also", "again", "then", "though", "tho", "as", "well")
        or (words[-1].text in _POSTPOSITIVE and len(words) > 1)
    ):
        words.pop()  # "a pair too", "one as well", "the lightest thing possible"
    of_those = next(
        (
            j
            for j in range(1, len(words) - 1)
            if words[j].text in ("those", "these") and words[j - 1].text == "of"
        ),
        None,
    )
    if of_those is not None and any(
        t.text.isalpha() and t.stem not in FILLER_WORDS and not is_pro_form(t.text)
        for t in words[of_those + 1 :]
    ):
        return False  # "one of those desk things": the kind is named, a stand-in only frames it
    return not words or words[-1].text in _SKIP_HEAD or words[-1].text in _PRO_FORMS


def _beside_kinds(schema: CatalogSchema, category: str, kinds: Sequence[str]) -> bool:
    """Whether ``category`` hangs beside a level on the paths of ``kinds`` ("Cats" beside "Dogs" of
    Dog Beds): another audience or department of the same kind of thing, an alternative asked."""
    return any(schema.siblings(category, level) for k in kinds for level in [k, *schema.above(k)])


def _related(schema: CatalogSchema, a: str, b: str) -> bool:
    """Whether ``a`` asks about the kind ``b``: the same kind of product (equal, or one contains the
    other), or a level that narrows it."""
    la, lb = (
        {leaf.name.lower() for leaf in schema.leaves(a)},
        {leaf.name.lower() for leaf in schema.leaves(b)},
    )
    if la and lb and (la <= lb or lb <= la):
        return True
    if b.casefold() in schema.listing(a) or a.casefold() in schema.listing(b):
        return True  # "slides" after Sport Sandals & Slides: a part of its name
    if _head_noun_of(a, b):
        return True  # "which set has the best reviews?" after Container Sets: its head noun
    # a level above the kind, on one of its paths ("and for men?" after sandals for women)
    return a in schema.parents and schema.on_one_path([a, b]) > 0


def _levels_listing(schema: CatalogSchema, kind: str) -> list[str]:
    """The category levels that list ``kind`` as one part of their name ("Necklaces & Pendants"
    lists Necklaces), leaves or not."""
    key = norm(kind)
    levels = schema.__dict__.get("_levels")
    if levels is None:  # every level of every path, once per schema (as _roots)
        levels = frozenset(level for path in schema.paths for level in path)
        schema.__dict__["_levels"] = levels
    return sorted(
        level
        for level in levels
        if level != key and "&" in level and key in {part.strip() for part in re.split(r"[&,]", level)}
    )


def _head_noun_of(a: str, b: str) -> bool:
    """Whether the one-word name ``a`` is the head noun of the longer name ``b`` ("sets" of
    Container Sets)."""
    ta, tb = _name_tokens(a), _name_tokens(b)
    return len(ta) == 1 and len(tb) > 1 and tb[-1] == ta[0]


@lru_cache(maxsize=65536)
def _name_tokens(name: str) -> tuple[str, ...]:
    return tuple(t.stem for t in tokenize(name))


def head_category(
    text: str,
    matcher: VocabularyMatcher,
    schema: CatalogSchema | None,
    word_categories: Callable[[str], list[tuple[str, int]]] | None,
    known: Callable[[str], bool] | None = None,
) -> str | None:
    """The category of the message's head noun (see :func:`find_head`)."""
    found = find_head(text, matcher, schema, word_categories)
    return found[0] if found else None


@lru_cache(maxsize=65536)
def _name_stems(name: str) -> frozenset[str]:
    """A catalog name's token stems (names repeat across turns: read once)."""
    return frozenset(t.stem for t in tokenize(name))


@lru_cache(maxsize=65536)
def _name_words(name: str) -> tuple[str, ...]:
    """A catalog name's words, singular, in order (asked of every leaf many times per turn)."""
    return tuple(singular(w) for w in re.findall(r"[a-z]+", name))


def _narrower(
    match: ValueMatch, tokens: list[Token], matcher: VocabularyMatcher, schema: CatalogSchema
) -> str:
    """A category whose name holds the word before the matched one too ("office chair": Home Office
    Desk Chairs, not Chairs), when the catalog has one; else the matched category."""
    if match.start < 1 or match.end - match.start != 1:
        return match.value
    modifier = tokens[match.start - 1].stem
    if modifier in FILLER_WORDS or not modifier.isalpha() or len(modifier) < 3:
        return match.value
    head = {t.stem for t in tokens[match.start : match.end]}
    found = [
        name
        for name in matcher.vocabulary.categories
        if name != match.value
        and modifier in (words := _name_stems(name))
        and head <= words
        and len(schema.leaves(name)) == 1
    ]
    if not found:
        return match.value
    return max(found, key=lambda n: matcher.vocabulary.counts.get(f"category:{n}", 0))


def find_head(
    text: str,
    matcher: VocabularyMatcher,
    schema: CatalogSchema | None,
    word_categories: Callable[[str], list[tuple[str, int]]] | None,
) -> tuple[str, bool] | None:
    """The category of the message's head noun (see :func:`_head_noun`), or — no product noun
    found — the kind a purpose names ("something to blend smoothies": blenders)."""
    found = _head_noun(text, matcher, schema, word_categories)
    if found is not None and schema is not None:
        found = _past_package_word(text, found, matcher, schema, word_categories)
    if found is None and schema is not None:
        purpose = matcher.purpose_category(tokenize(text))
        if purpose is not None and len(schema.leaves(purpose)) == 1:
            return purpose, True
    if found is not None and schema is not None:
        # "need a basket" for a picnic: Picnic Baskets, more specific than any basket
        named = _leaf_said_around(text, matcher, schema)
        if named is not None and named != norm(found[0]):
            return named, True
    if found is not None and schema is not None and word_categories is not None:
        # "what sleeves do u have for cards": the products whose titles say "cards sleeves" are
        # filed elsewhere (Protective Sleeves) than the category the word names (laptop Sleeves)
        head_word = found[0].split()[-1]
        lowered = _lower(text)
        for m in _FOR_NOUN.finditer(lowered):
            if head_word not in lowered[: m.start()]:
                continue
            for noun in dict.fromkeys([m.group(1), singular(m.group(1))]):
                other = _pair_kind(f"{noun} {head_word}", found[0], schema, word_categories)
                if other is not None:
                    return other, True
    return found


_FOR_NOUN = re.compile(r"\bfor\s+(?:(?:the|my|our|his|her|a|an|some)\s+)?([a-z]{3,})\b")


def _past_package_word(
    text: str,
    found: tuple[str, bool],
    matcher: VocabularyMatcher,
    schema: CatalogSchema,
    word_categories: Callable[[str], list[tuple[str, int]]] | None,
) -> tuple[str, bool]:
    """ "a reusable fork/spoon set": a head that is only a package word (a one-word category, Sets,
    whose word ends many other names: Flatware Sets, Knife Sets) says how the product comes; the
    kind is what the words before it name, when they name one."""
    if not _package_name(found[0], schema):
        return found
    words = _name_words(found[0])
    rest = re.sub(rf"\b{re.escape(words[0])}s?\b", " ", _lower(text))
    if rest == _lower(text):
        return found
    other = _head_noun(rest, matcher, schema, word_categories)
    if other is None:
        return found
    # only a kind the catalog packages that way ("Flatware" → Flatware Sets); "a bikini set" stays
    # Sets (Bikinis > Sets), "phone cases" stays Cases
    own = _name_words(other[0])
    packaged = own if own[-1:] == words else (*own, words[0])
    named = next((leaf for leaf in schema.categories if _name_words(leaf) == packaged), None)
    return (named, found[1]) if named is not None and norm(named) != norm(found[0]) else found


def kinds_used_with(text: str) -> list[str]:
    """The words a message may name, after "for", the kind of product the asked one is for ("a hard
    case for sunglasses"); not who it is for, nor the first word of a compound ("for home workouts",
    "for the home office"). The caller checks which the catalog sells as a kind."""
    lowered = _lower(text)
    found = []
    for m in _FOR_NOUN.finditer(lowered):
        word = m.group(1)
        after = re.match(r"\s+([a-z]+)", lowered[m.end() :])
        if (
            word in _people()
            or word in FILLER_WORDS
            or (after is not None and after.group(1) not in FILLER_WORDS)
        ):
            continue
        found.append(word)
    return found


_RELATIVE_SUBJECTS = frozenset({"you", "we", "they", "he", "she", "i"})


def _leaf_said_around(text: str, matcher: VocabularyMatcher, schema: CatalogSchema) -> str | None:
    """ "need a basket" for an "anniversary picnic": a leaf whose name is the head noun and words the
    message says elsewhere (Picnic Baskets), when the head alone names no one leaf."""
    words = [t.stem for t in tokenize(product_phrase(text, matcher)) if t.stem.isalpha()]
    # "desk things you put on your lap": a relative clause with its own subject follows the head
    subject = next((i for i, w in enumerate(words) if i and w in _RELATIVE_SUBJECTS), len(words))
    words = [w for w in words[:subject] if w not in FILLER_WORDS and w not in _SKIP_HEAD]
    if not words:
        return None
    head = words[-1]  # the leaf must be the head noun's kind ("ceiling light", not Ceiling Fans)
    tokens = tokenize(text)
    # a word ruled out names no part of the kind ("a belt without a buckle": not Belt Buckles)
    ruled = {
        t.stem
        for i, t in enumerate(tokens)
        if any(x.text in _NEGATION_WORDS for x in tokens[max(0, i - 2) : i])
        or (i + 1 < len(tokens) and tokens[i + 1].text == "free")
    }
    said = {t.stem for t in tokens} - FILLER_WORDS - ruled
    candidates = _leaves_by_word(schema).get(head, ())
    # "gift for my niece … maybe a building set?": a leaf the product phrase names whole (Building
    # Sets) outranks one that needs a word from elsewhere in the message (Gift Sets)
    for pool in (set(words) - ruled, said):
        best: tuple[int, str] | None = None
        for key, stems in candidates:
            if stems <= pool and (best is None or len(stems) > best[0]):
                best = (len(stems), key)
        if best is not None:
            return best[1]
    return None


def _leaves_by_word(schema: CatalogSchema) -> dict[str, list[tuple[str, frozenset[str]]]]:
    """Each word of a leaf name of two words or more → those leaves and their words (once per schema)."""
    index = schema.__dict__.get("_leaves_by_word")
    if index is None:
        index = {}
        for key, leaf in schema.categories.items():
            stems = frozenset(t.stem for t in tokenize(leaf.name)) - {"&", "and"}
            if len(stems) >= 2:
                for stem in stems:
                    index.setdefault(stem, []).append((key, stems))
        schema.__dict__["_leaves_by_word"] = index
    return index


def _pair_kind(
    pair: str, named: str, schema: CatalogSchema, word_categories: Callable[[str], list[tuple[str, int]]]
) -> str | None:
    """The category most products whose titles say ``pair`` are filed under (3 or more, 60% of them),
    when it is not the ``named`` category's own: the two words name another kind ("wave brush")."""
    compound = word_categories(pair)
    total = sum(n for _, n in compound)
    own = {leaf.name.casefold() for leaf in schema.leaves(named)}
    if (
        compound
        and compound[0][1] >= 3
        and compound[0][1] >= 0.6 * total
        and not own & {c for c, _ in compound}
    ):
        return compound[0][0]
    return None


def _head_noun(
    text: str,
    matcher: VocabularyMatcher,
    schema: CatalogSchema | None,
    word_categories: Callable[[str], list[tuple[str, int]]] | None,
) -> tuple[str, bool] | None:
    """The category of the message's head noun, and whether it is firm: "a silent mouse for the
    office" → (mice, True).

    In the phrase that names the product (:func:`product_phrase`), the last product word decides: a
    category the catalog names that way (firm: a filter), or — a guess the planner reads the schema
    by but does not filter on — the level holding several leaves of that name, the category most
    products with that word at the head of their title are filed under, or that of a product name.
    """
    if schema is None:
        return None
    first = product_phrase(text, matcher)
    phrases = [first] if first else []
    for phrase in phrases:
        # two words the catalog writes as one ("paddle board") are one word here
        tokens = matcher.compounds(tokenize(phrase))
        if not tokens:
            continue
        inside = _phrase_positions(tokens)
        everything = matcher.find(tokens)
        values = [m for m in everything if m.kind == "category" and not m.negated and m.start not in inside]
        content = _content_words(tokens, everything, inside)
        values = _not_qualifiers(values, everything, content, tokens, schema, word_categories)
        if len(values) > 1 and word_categories is not None:
            # "a rotary tool kit", "a pots and pans set": the catalog's Kits or Sets category is the
            # package, the kind named before it is what is asked
            first_at = min(m.start for m in values)
            first_named = {
                leaf.name.casefold() for m in values if m.start == first_at for leaf in schema.leaves(m.value)
            }
            specific = [
                m
                for m in values
                if m.start == first_at  # only a word after the kind is its package
                or m.end - m.start > 1
                or not (
                    _generic(word_categories(tokens[m.start].text))
                    or _ends_names(tokens[m.start].stem, schema)
                )
                or _filed_as_later(tokens, first_at, m, first_named, schema, word_categories)
            ]
            values = specific or values
        leaf_values = [m for m in values if len(schema.leaves(m.value)) == 1]
        if leaf_values and word_categories is not None and content:
            # "360 wave brush": one leaf is named Brushes (bottle brushes), but products whose titles
            # say "wave brush" are all filed elsewhere (hair brushes): the compound is the kind
            head_at, head_token = content[-1]
            leaf_named = leaf_values[-1]
            modifier_at = content[-2][0] if len(content) >= 2 else -1
            if (
                len(content) >= 2
                and modifier_at == head_at - 1
                and (
                    # the category names the head, a word before it narrows it ("wave brush")
                    (leaf_named.start <= head_at < leaf_named.end and modifier_at < leaf_named.start)
                    # or the category's word only qualifies the head after it ("a tool roll": Tools)
                    or leaf_named.start <= modifier_at < leaf_named.end <= head_at
                )
            ):
                other = _pair_kind(
                    f"{content[-2][1].text} {head_token.text}", leaf_named.value, schema, word_categories
                )
                if other is not None:
                    return other, True
                heading = [
                    m
                    for m in values
                    if m is not leaf_named and m.start <= head_at < m.end and leaf_named.end <= m.start
                ]
                pair = word_categories(f"{content[-2][1].text} {head_token.text}")
                if (
                    heading
                    and pair
                    and pair[0][0] in {x.name.casefold() for x in schema.leaves(heading[-1].value)}
                ):
                    # "a laptop stand": the head word names a category too, and the products whose
                    # titles say both words are mostly filed under it
                    return heading[-1].value, True
        if leaf_values and word_categories is not None and content:
            # "a flush mount ceiling light": the leaf named (Mounts) qualifies a head noun after it;
            # the products whose titles say the last two words are what is asked
            head_at, head_token = content[-1]
            last = leaf_values[-1]
            covering = [
                m
                for m in values
                if m.start <= head_at < m.end and m.start >= last.end and m.end - m.start > 1
            ]
            if covering:
                return covering[-1].value, True  # "ceiling light" (a level of several leaves) is the kind
            if last.end < head_at and not any(m.start <= head_at < m.end for m in everything):
                # a word between the leaf and the head: the leaf does not name the head's kind
                other = _pair_kind(
                    f"{tokens[head_at - 1].text} {head_token.text}", last.value, schema, word_categories
                )
                if other is not None:
                    return other, True
        if leaf_values:
            return _narrower(leaf_values[-1], tokens, matcher, schema), True
        if not content:
            if values:
                return values[-1].value, True
            continue
        by_name = None
        if word_categories is not None and len(tokens) >= 2 and content:
            # A product's own name ("Kinetra Glide 4", "a LEGO set"): the category its products are
            # filed under; with a brand in it, that wins over the head word alone.
            named = word_categories(" ".join(t.text for t in tokens if t.text not in _DISCOURSE))
            if named and named[0][1] >= 0.6 * sum(n for _, n in named) and not leaf_values:
                by_name = named[0][0]
                if any(m.kind == "brand" for m in matcher.find(tokens)):
                    return by_name, False
        # The head noun is the last content word; what precedes it only qualifies it.
        at, token = content[-1]
        stem = token.stem
        branded = any(m.kind == "brand" and not m.negated for m in everything)
        covering = [m for m in values if m.start <= at < m.end]
        if covering:
            return covering[-1].value, True  # "a funny card game": the catalog's Card Games
        by_leaf = _leaves_named(schema, stem)
        # the only leaf whose name says the word ("Stand-Up Paddleboards", "Wall Lamps & Sconces") is the
        # catalog's own name for it; with a brand named, the brand narrows and may file its products
        # elsewhere ("apple earbuds": AirPods under no category)
        if by_leaf and not branded and by_leaf in schema.categories and _leaves_named_one(schema, stem):
            return by_leaf, True
        if word_categories is not None and len(content) >= 2 and content[-2][0] == at - 1:
            # a compound noun ("a deck box"): where products whose titles say both words are filed
            pair = word_categories(f"{content[-2][1].text} {token.text}") or word_categories(
                f"{content[-2][1].text} {singular(token.text)}"  # "resistance bands": "…Resistance Band Set"
            )
            total = sum(n for _, n in pair)
            # most of 3 or more titles, or every title that says the pair where every title that says
            # the head alone is filed there too (a kind one product stands for: "resistance bands";
            # not "printing supplies", supplies of every kind)
            alone = word_categories(token.text) or word_categories(singular(token.text))
            if pair and (
                (pair[0][1] >= 3 and pair[0][1] >= 0.6 * total)
                or (pair[0][1] == total and [c for c, _ in alone] == [pair[0][0]])
            ):
                return pair[0][0], False
        if by_leaf:
            return by_leaf, False  # named like a leaf, but not the catalog's own name for it: a guess
        if word_categories is not None:
            counts = word_categories(token.text)
            total = sum(n for _, n in counts)
            if counts and counts[0][1] >= 2 and counts[0][1] >= 0.6 * total:
                # where most products of that head word are filed; a name that says the word
                # itself ("a wall sconce": Wall Lamps & Sconces) is the catalog's own name for it
                said = stem in {singular(w) for w in re.findall(r"[a-z]+", counts[0][0].lower())}
                return counts[0][0], said and not branded
        if values:
            return values[-1].value, True
        return (by_name, False) if by_name else None
    return None


def _content_words(
    tokens: list[Token], matches: list[ValueMatch], inside: set[int]
) -> list[tuple[int, Token]]:
    """The words of a product phrase that may name the product: no brand, color or yes/no feature
    (they say which one, not what), no filler, unit or discourse word."""
    brand_at = {
        i
        for m in matches
        # ("a liquid not a powder": what is ruled out is no head either)
        if m.kind in ("brand", "color") or (m.kind == "attribute" and m.value in ("yes", "true")) or m.negated
        for i in range(m.start, m.end)
    }
    return [
        (i, t)
        for i, t in enumerate(tokens)
        if i not in brand_at
        and i not in inside
        and t.stem not in _SKIP_HEAD
        and t.stem not in FILLER_WORDS
        and t.stem not in VAGUE_WORDS
        and len(t.stem) >= 3
        and t.stem.isalpha()
        and t.stem not in _unit_words()
        and t.stem not in _NOT_HEAD_WORDS()
        and t.text not in _DISCOURSE
        and t.stem not in _ASPECT_NOUNS
        and not (i and tokens[i - 1].text in VERB_MODALS)  # "gray would match": a verb
        and not _after_subject(tokens, i)  # "he bikes to work", "she usually wears": a verb
    ]


_PRONOUN_SUBJECTS = frozenset({"he", "she", "it", "they", "we", "i", "you", "u"})
_PRONOUN_OBJECTS = frozenset({"it", "them", "those", "these", "that", "this", "one", "ones", "any", "some"})


def _after_subject(tokens: list[Token], i: int) -> bool:
    """Whether token ``i`` follows a subject pronoun, an adverb between them allowed."""
    if i and tokens[i - 1].text in _PRONOUN_SUBJECTS:
        return True
    return (
        i > 1
        and tokens[i - 2].text in _PRONOUN_SUBJECTS
        and (tokens[i - 1].text.endswith("ly") or tokens[i - 1].stem in FILLER_WORDS)
    )


_ASPECT_NOUNS = frozenset(
    {"finish", "color", "colour", "shade", "style", "material", "look", "design", "pattern"}
)
"""Nouns that name an aspect of a product ("in a brushed nickel finish"), never the product."""


def _not_qualifiers(
    values: list[ValueMatch],
    matches: list[ValueMatch],
    content: list[tuple[int, Token]],
    tokens: list[Token],
    schema: CatalogSchema,
    word_categories: Callable[[str], list[tuple[str, int]]] | None,
) -> list[ValueMatch]:
    """Category names not followed by a noun that names other products: one that is only qualifies
    it ("a wall mount tub faucet" is a faucet, whatever the catalog files as Wall-Mount), while
    "a yoga mat" is what the Yoga category holds."""
    if word_categories is None:
        return values
    matched_at = {i for m in matches for i in range(m.start, m.end)}

    def qualifies(m: ValueMatch) -> bool:
        held = {leaf.name.casefold() for leaf in schema.leaves(m.value)} | {m.value}
        # "a ride on toy": a word of a level above the category (Kids & Toys) names the same products
        above = {w for level in schema.above(m.value) for w in _name_words(level)}
        for i, _ in content:
            if i < m.end or i in matched_at or tokens[i].stem in above:
                continue
            filed = word_categories(tokens[i].text)
            if _generic(filed):
                continue  # "a rotary tool kit": a kit of anything; the tool names the product
            if sum(n for _, n in filed) < 2:
                continue  # "do any of the totes come in black": one title's "comes with" names no kind
            if filed and not any(norm(c) in held for c, _ in filed):
                return True
        return False

    return [m for m in values if not qualifies(m)]


_GENERIC_SPREAD = 20
_GENERIC_SHARE = 0.25


def _filed_as_later(
    tokens: list[Token],
    first_at: int,
    later: ValueMatch,
    first_named: set[str],
    schema: CatalogSchema,
    word_categories: Callable[[str], list[tuple[str, int]]],
) -> bool:
    """ "a laptop stand": products whose titles say both words are filed under the later word's
    category (stands), not the first's (laptops): the later word is the kind, not a package of the
    first."""
    pair = word_categories(f"{tokens[first_at].text} {tokens[later.start].text}")
    own = {leaf.name.casefold() for leaf in schema.leaves(later.value)}
    return bool(pair) and pair[0][0] in own and pair[0][0] not in first_named


def _generic(filed: list[tuple[str, int]]) -> bool:
    """A title word filed under many categories with none dominating ("kit": building sets, combo
    kits, hair extensions …) packages products; it does not say which kind."""
    total = sum(n for _, n in filed)
    return len(filed) >= _GENERIC_SPREAD and bool(total) and filed[0][1] / total < _GENERIC_SHARE


_PACKAGE_NAMES = 3


def _ends_names(stem: str, schema: CatalogSchema) -> bool:
    """A word that ends several leaf names ("set": Dinnerware Sets, Knife Sets, Screwdriver Sets)
    says how products come, not which: after a named kind ("a pots and pans set") the kind wins."""
    return (
        sum(1 for leaf in schema.categories if (w := _name_words(leaf)) and w[-1] == stem) >= _PACKAGE_NAMES
    )


def qualifier_categories(
    text: str,
    matcher: VocabularyMatcher,
    schema: CatalogSchema,
    word_categories: Callable[[str], list[tuple[str, int]]] | None,
) -> set[str]:
    """The category names in the message's product phrase that only qualify a noun after them."""
    tokens = tokenize(product_phrase(text, matcher))
    everything = matcher.find(tokens)
    values = [m for m in everything if m.kind == "category" and not m.negated]
    content = _content_words(tokens, everything, _phrase_positions(tokens))
    kept = {m.value for m in _not_qualifiers(values, everything, content, tokens, schema, word_categories)}
    return {m.value for m in values} - kept


_WHICH_NOUN = re.compile(r"\b(?:which|what|whats|what's)\s+(?!is\b|are\b|do\b|does\b)[a-z]")


@lru_cache(maxsize=1)
def _color_lexicon() -> tuple[frozenset[str], frozenset[str]]:
    """``lexicons/colors.yaml``: the suffixes that mark a color ("colored") and the words that may
    open a color's name ("rose gold")."""
    data = yaml.safe_load(
        resources.files("assistant.plan").joinpath("lexicons/colors.yaml").read_text("utf-8")
    )
    return frozenset(data["suffixes"]), frozenset(data["modifiers"])


def _said_colors(
    tokens: list[Token], matches: list[ValueMatch], consumed: set[int]
) -> list[tuple[int, int, str]]:
    """Colors said with a suffix that marks them ("a maroon colored backpack", "rose gold colored"):
    (the suffix's position, where the color's words start, the color's words when no catalog color
    was read there, else ""). The words are color words (``COLOR_WORDS``), and before the last one
    at most two words that open a color's name (``colors.yaml`` modifiers)."""
    suffixes, modifiers = _color_lexicon()
    colors = {i for m in matches if m.kind == "color" for i in range(m.start, m.end)}
    found: list[tuple[int, int, str]] = []
    for i, t in enumerate(tokens):
        if t.text not in suffixes or i == 0 or i in consumed:
            continue
        if i - 1 in colors:
            found.append((i, i, ""))
            continue
        if tokens[i - 1].stem not in COLOR_WORDS:
            continue
        start = i - 1
        while (
            start > 0 and i - start < 3 and tokens[start - 1].text in modifiers and start - 1 not in consumed
        ):
            start -= 1
        found.append((i, start, " ".join(tok.text for tok in tokens[start:i])))
    return found


def _negated_ask(before: str) -> bool:
    """Whether the words right before an ask negate it ("I don't need", "no need")."""
    words = tokenize(before)
    return bool(words) and (
        words[-1].text.endswith("n't") or words[-1].text in ("not", "no", "never", "dont")
    )


def _leaves_named_one(schema: CatalogSchema, stem: str) -> bool:
    return sum(1 for leaf in schema.categories if stem in _name_words(leaf)) == 1


def _leaves_named(schema: CatalogSchema, stem: str) -> str | None:
    """The category whose name ends in ``stem``: one leaf, or the level that holds most such leaves
    ("toy" → Kids & Toys rather than one of its leaves)."""
    leaves = [leaf for leaf in schema.categories if (w := _name_words(leaf)) and w[-1] == stem]
    if not leaves:
        return None
    if len(leaves) == 1:
        return leaves[0]
    for leaf in leaves:  # "headphones" holds "kids headphones": the broader leaf names them all
        if all(other == leaf or other in schema.parents.get(leaf, []) for other in leaves):
            return leaf
    best: tuple[int, int, str] | None = None
    for parent, children in schema.parents.items():
        covered = sum(1 for leaf in leaves if leaf in children)
        if covered >= 2:
            size = sum(schema.categories[c].count for c in children)
            if best is None or (covered, -size) > (best[0], -best[1]):
                best = (covered, size, parent)
    if best is not None:
        return best[2]
    return max(leaves, key=lambda leaf: schema.categories[leaf].count)


_ASKING_MODALS = frozenset({"should", "would", "could", "can", "do", "does", "will", "shall"})


def kind_words(text: str) -> str:
    """The words of ``text`` that can name a kind of product: numbers, unit words, fillers and
    conversation words dropped ("a 55 inch tv" → "tv"); a spec says how big, not what it is. A
    question's own verb ends it ("what bits should i use": bits)."""
    tokens = tokenize(text)
    cut = next(
        (
            i
            for i in range(1, len(tokens))
            if tokens[i - 1].text in _ASKING_MODALS and tokens[i].text in _RELATIVE_SUBJECTS
        ),
        None,
    )
    if cut is not None and cut > 1:
        tokens = tokens[: cut - 1]
    # "a jigsaw every week": a noun after "every"/"each" following a noun says how often, not what
    # ("rips apart every toy": the toy is what is torn)
    quantified = {
        i
        for i in range(2, len(tokens))
        if tokens[i - 1].text in _EVERY and "NOUN" in word_classes(tokens[i - 2].text)
    }
    kept = [
        t.text
        for i, t in enumerate(tokens)
        if i not in quantified
        and any(c.isalpha() for c in t.stem)  # "55" is a spec; "af1" or "rtx3080" names a model
        and t.stem not in _unit_words()
        and t.stem not in FILLER_WORDS
        and t.stem not in _SKIP_HEAD
        and t.text not in _DISCOURSE
        and t.text not in _RELATIVE_SUBJECTS  # "what could he ride": who rides, not what
        and t.text not in _HOW_MANY  # "a second screen": how many, not what
        and t.text not in _WHOSE_WORDS  # "his own basketball": whose it is, not what
    ]
    return " ".join(kept)


_WHOSE_WORDS = _OWNERS | {"your", "own"}
_EVERY = frozenset({"every", "each"})
_AN_ITEM = re.compile(r"\b(?:an?|some|one of those)\s+[a-z]")


_MODALS_ALL = VERB_MODALS | {"can", "may"}
_CANNOT = frozenset({"cant", "can't", "cannot"})
_NOT = frozenset({"not", "never"})
_ASKED_OF = frozenset({"you", "u", "ya", "yall", "y'all", "we", "i", "they", "he", "she", "it", "there"})
"""Who a modal opening a question asks ("would you guys have tents"): no verb follows the modal."""


def _after_a_modal(phrase: str, text: str) -> bool:
    """Whether ``phrase`` is said right after a modal verb ("… that won't break", "one that can't tip
    over", "some that will not leak"): a verb, what the product must do, not the product."""
    said = phrase.strip().lower()
    lowered = _lower(text)
    at = lowered.find(said) if said else -1
    if at < 0:
        return False
    words = re.findall(r"[a-z']+", lowered[: at + len(said)])
    # (the phrase may hold the modal itself: " will not tip ")
    first = len(re.findall(r"[a-z']+", lowered[:at]))
    while first < len(words) - 1 and words[first] in _MODALS_ALL | _CANNOT | _NOT:
        first += 1
    if first < len(words) and words[first] in _ASKED_OF:
        return False  # "would you guys have tents": a modal opening a question, not a verb after it
    before = words[max(0, first - 2) : first]
    return bool(before) and (
        before[-1] in VERB_MODALS
        or before[-1] in _CANNOT
        or (before[-1] in _NOT and len(before) == 2 and before[0] in _MODALS_ALL)
    )


def product_kind(message: str, vocabulary: Vocabulary, known: Callable[[str], bool] | None = None) -> str:
    """The words of a message that name the product asked for, typos corrected as the planner
    corrects them: "I need four new tires for my car" → "four new tires" minus the number → "new tires"."""
    matcher = matcher_for(vocabulary)
    normalized = normalize_message(message, matcher, known)
    phrase = product_phrase(normalized, matcher)
    if _after_a_modal(phrase, normalized) and any(
        m.kind == "category" for m in matcher.find(tokenize(normalized))
    ):
        # "my son keeps breaking his headphones, need some that won't snap": what it must (not) do,
        # not the thing the message names ("oh and it cant tick", naming none, keeps its word)
        return ""
    if _vague(phrase) or _about_a_child(phrase, normalized):
        return ""  # "my nephew turns 8 and ...": who it is for, no kind named
    if asks_vaguely(normalized) and not _vague_aside(normalized, phrase):
        # "something for my dad, he loves camping", "we got a puppy, what do we need": the ask
        # names no kind; the rest says who it is for and what they like
        return ""
    said = [t.text for t in tokenize(phrase) if t.text not in _TRAILING_ASIDES]
    if said[-1:] and said[-1] in ("one", "ones"):
        # "i dont own a life jacket lol. would you guys have one": the kind a sentence before named;
        # "and a normal countertop one too": the kind shown, described; no other kind named
        lowered = _lower(normalized)
        at = lowered.find(phrase.strip())
        before = _kind_named_before(lowered, at, "one", matcher) if at > 0 else ""
        if not before:
            return ""
        # with the words the noun phrase names it by ("a life jacket": not any jacket)
        whole = re.findall(
            rf"\b(?:a|an|the|some|my|any)\s+((?:[a-z-]+\s+){{0,2}}{re.escape(before)})\b", lowered[:at]
        )
        return kind_words(whole[-1] if whole else before)
    if (
        said
        and _wants_to_do(_lower(normalized))
        and not _names_a_category(phrase, matcher)
        and not _names_a_kind_head(phrase, matcher)
        and not ASK_CUE.search(_lower(normalized), _wish_end(_lower(normalized)))
        # ("i want to try a foam roller": a word the catalog's text has, said as a thing with its
        # article, is a thing it may sell; "want to blitz soup smooth right in the pan" names none)
        and not (
            known is not None
            and known(said[-1])
            and re.search(r"\b(?:a|an|some|the|one)\s", phrase) is not None
        )
    ):
        # "my 3 yr old wants to zoom up and down the driveway": what someone wants to do, and where;
        # no thing named
        return ""
    if (
        (_WHAT_DOES.match(phrase) or _THEN_WHAT_DOES.search(_lower(normalized)))
        and not _names_a_category(phrase, matcher)
        and not _names_a_kind_head(phrase, matcher)
    ):
        # "what gets the smell out", "my husband smokes on the balcony, what gets the smell out": the
        # thing asked for is what does it; the words after name the trouble, and a story before it
        # that names no kind ("husband smokes") is no product asked for
        return ""
    if said and (said[0] in _VERB_OPENINGS or any(w in _OBJECT_PRONOUNS for w in said)):
        # "she wants to be able to stand", "what would let her make them at home": what someone
        # wants to do, no thing named
        return ""
    kind = kind_words(_after_determiner(phrase, matcher))
    words = kind.split()
    if (
        words
        and _told_of(said, words)
        and not _names_a_category(kind, matcher)
        and not _names_a_kind_head(kind, matcher)
    ):
        # "our puppy just got neutered and he keeps licking the incision": what someone does to a
        # thing, told; the thing is no product asked for
        return ""
    told = _told_of_theirs(said, matcher)
    if told is not None and not _names_a_category(told, matcher) and not _names_a_kind_head(told, matcher):
        # "my dog got spayed and keeps chewing at her stitches": what someone's own thing does or is,
        # told; no product is named by it (what it needs is searched for)
        return ""
    cut = next((i for i, w in enumerate(words) if _PRONOUN_CONTRACTION.fullmatch(w)), None)
    if cut is not None:
        # "the cheapest switch you've got", "we're broke lol": a pronoun and its verb start a clause;
        # what comes before it is all that can name the thing
        words = words[:cut]
        kind = " ".join(words)
    if words and _infinitive(words[0], _lower(normalized)) and not _names_a_category(words[0], matcher):
        # "it has to run on 24 volts", "wants to learn guitar": a verb after "to" says what to do;
        # the thing is what follows it, if anything
        words = words[1:]
        kind = " ".join(words)
    if words:
        # "my allergies go crazy and the bedroom air feels stuffy": a problem told, no thing named
        # (a word naming one of the catalog's categories stays a noun)
        kept = noun_phrase(words, lambda w: _names_a_category(w, matcher))
        if kept != words:
            return " ".join(kept)
    return kind


_TELLERS = frozenset({"i", "he", "she", "we", "they"})


def _told_of(said: list[str], kind: list[str]) -> bool:
    """Whether the words ``kind`` come after a subject pronoun in ``said`` ("he keeps licking the
    incision", "i run every morning and my knees hurt"): what someone does, told, not a product
    named."""
    at = next((i for i, w in enumerate(said) if w in _TELLERS), None)
    if at is None:
        return False
    after = said[at + 1 :]
    return bool(after) and all(w in after for w in kind)


def _told_of_theirs(said: list[str], matcher: VocabularyMatcher) -> str | None:
    """What is told of someone's thing when ``said`` opens a clause on it ("my feet are always cold",
    "my dad always complains …"): the words after its verb, else ``None``. Not when the thing is said
    by a category's name ("my throw pillows went flat": the story names the kind)."""
    if len(said) < 3 or said[0] not in _POSSESSIVES:
        return None
    verb = next((i for i in (2, 3) if i < len(said) and (said[i] in _FINITE or only_a_verb(said[i]))), None)
    if verb is None:
        return None
    subject = said[1:verb]
    said_as = {singular(w) for w in subject}
    for m in matcher.find(tokenize(" ".join(subject))):
        if m.kind == "category" and {singular(w) for w in re.findall(r"[a-z]+", m.value)} == said_as:
            return None
    return " ".join(said[verb + 1 :])


# finite forms that make a clause of what comes before them ("my feet are always cold")
_FINITE = frozenset(
    {"is", "are", "was", "were", "has", "have", "had", "got", "gets", "keeps", "won't", "can't"}
)


def _infinitive(word: str, text: str) -> bool:
    """Whether ``word`` is said right after "to" as a verb the dictionary knows ("has to run"),
    every time the text says it."""
    said = [m.start() for m in re.finditer(rf"\b{re.escape(word)}\b", text)]
    return (
        bool(said) and all(re.search(r"\bto\s+$", text[:at]) for at in said) and "VERB" in word_classes(word)
    )


_VERB_OPENINGS = frozenset({"be", "let", "make", "do", "doing", "get", "have", "go", "keep"})
_PRONOUN_CONTRACTION = re.compile(
    r"(?:i|you|u|we|they|he|she|it|that|there|who|what|y'all|ya)['’](?:re|ve|d|ll|m|s)"
)
_OBJECT_PRONOUNS = frozenset({"her", "him", "them", "me", "us", "it"})
_TRAILING_ASIDES = frozenset({"too", "also", "as", "well", "please", "pls", "plz", "then", "instead"})


def _vague_aside(text: str, phrase: str) -> bool:
    """ "do you carry dog shampoo? she rolled in something nasty": the vague word sits in another
    sentence, one that asks for nothing, than the one naming the product."""
    lowered = _lower(text)
    m = _VAGUE_ASK.search(lowered)
    if m is None or not phrase.strip():
        return False
    # (a dash, colon or semicolon ends a clause as a full stop does: "back to school stuff — my 6 yr
    # old needs a stainless steel water bottle")
    sentences = re.split(r"(?<=[.!?])\s+|\s+[\u2014\u2013-]+\s+|(?<=[:;])\s+", lowered)
    at = 0
    for sentence in sentences:
        start = lowered.find(sentence, at)
        at = start + len(sentence)
        if start <= m.start() < at:
            return phrase.strip() not in sentence and (
                not asks(sentence)
                # "do u guys carry sawhorses? need something to lay the door across": what the thing
                # a question named is for
                or (
                    _PURPOSE_OF_SOMETHING.search(sentence) is not None
                    and any(_asks_if_sold_of(x) and phrase.strip() in x for x in sentences)
                )
            )
    return False


_SOLD_HERE = re.compile(rf"\s*\b(?:that\s+|which\s+)?{YOU}\s+(?:have|sell|carry|stock|got|offer)\b")
_ASKS_IF_SOLD = re.compile(
    rf"\b{YOU}\s+(?:\w+\s+)?(?:have|sell|carry|stock|offer)\b|\b(?:got|have)\s+any\b|\bis\s+there\s+any\b"
)


def asks_if_sold(text: str) -> bool:
    """Whether a message asks if the store sells something ("do yall sell wetsuits?", "does the
    store carry …", "got any …"): a yes the store cannot back is worse than a plain no."""
    return _ASKS_IF_SOLD.search(_lower(text)) is not None


_VAGUE_ASK = re.compile(
    r"\b(?:(?:something|anything|stuff)(?!\s+(?:like|such\s+as|similar|called|named)\b)|gift\s+ideas?|"
    r"(?:a|any)\s+(?:gift|present)|"
    r"what\s+(?:should|can|could|would|do)\s+(?:i|we|u|you)\s+(?:get|buy|gift|use)|what\s+do\s+(?:i|we)\s+need|"
    # "what would actually work for him", "what might be good for her": the kind is left to the store
    r"what\s+(?:would|could|might|will)\s+(?:actually\s+|really\s+)?(?:work|suit|be\s+(?:good|best|right))\b|"
    # "what can i reseal it with", "what should we clean them with": a use, no kind named
    r"what\s+(?:should|can|could|would|do)\s+(?:i|we|u)\s+[a-z]+\s+(?:it|them|this|that|those)\s+with)\b"
)


def asks_vaguely(text: str) -> bool:
    """Whether a message asks for no kind of product in particular ("something for my dad")."""
    return _VAGUE_ASK.search(_lower(text)) is not None


_DETERMINERS = frozenset(
    {"a", "an", "the", "some", "any", "another", "two", "three", "four", "five", "couple", "few", "several"}
)


def _after_determiner(phrase: str, matcher: VocabularyMatcher | None = None) -> str:
    """The noun phrase after the first determiner of ``phrase`` ("he's cracked two desk chairs" →
    "desk chairs"), when a word is left; a figure is a spec ("monitors 32 inches or bigger")."""
    tokens = tokenize(phrase)
    at = next((i for i, t in enumerate(tokens) if t.text in _DETERMINERS), -1)
    if at > 0 and matcher is not None and _names_a_category(phrase[: tokens[at].start], matcher):
        return phrase  # "loud alarm clock i am a heavy sleeper": the kind came first
    if 0 <= at < len(tokens) - 1:
        return phrase[tokens[at + 1].start :]
    return phrase


_WORD_ISH = re.compile(r"\b([a-z]+)-ish\b", re.IGNORECASE)
_ISH = re.compile(r"(?<![\w.])(\$?\d+(?:\.\d+)?)\s*-?ish\b", re.IGNORECASE)


def normalize_message(message: str, matcher: VocabularyMatcher, known: Callable[[str], bool] | None) -> str:
    """See :func:`_normalize_message`; the planner and the out-of-catalog check read a message once."""
    return _normalize_message(message, matcher, known)


@lru_cache(maxsize=4096)  # the titles of shown products, read again every turn that shows them
def spelled_out(text: str, matcher: VocabularyMatcher, known: Callable[[str], bool] | None) -> str:
    """``text`` with shorthand spelled out as the planner spells it out in a message ("ANC" → noise
    cancelling where the catalog files the feature by its full name): a product name read this way
    matches a message read this way ("commute anc vs …" names the Sonovel Commute ANC)."""
    if known is None:
        return text

    def uses(phrase: str) -> bool:
        words = tokenize(phrase)
        if len(words) == 1:
            return known(phrase)
        return any(m.start == 0 and m.end == len(words) for m in matcher.find(words))

    def feature(short: str, full: str) -> bool:
        words = tokenize(full)
        named = [m for m in matcher.find(words) if m.start == 0 and m.end == len(words)]
        return any(m.kind in ("attribute", "category") for m in named) and not matcher.find(tokenize(short))

    return expand_shorthand(text, uses, feature)


@lru_cache(maxsize=8)  # the same turn's readings; small, as ``known`` holds the catalog's text index
def _normalize_message(message: str, matcher: VocabularyMatcher, known: Callable[[str], bool] | None) -> str:
    """A message as the planner reads it: shorthand spelled out ("vac" → vacuum, unless the catalog
    says "vac"), typos corrected against the catalog, numbers in words as digits."""
    expanded = spelled_out(message, matcher, known)
    # "a normal flashlight works", "a blender will do": accepting the kind, not naming one ("works")
    expanded = _ACCEPTS.sub("", expanded)
    # "also one of those waterproof pouches for my phone?": a kind of product, not a shown one
    expanded = _ONE_OF_A_KIND.sub("a ", expanded)
    # "20ish liters", "50-ish bucks": about that much; "under a kilo": under 1 kilo
    corrected = _material_adjectives(correct_typos(expanded, matcher, known), matcher)
    # "the two hundred-ish range": the number word, then about it
    digits = numbers_to_digits(
        _WORD_ISH.sub(
            lambda m: f"{m.group(1)} ish" if m.group(1).lower() in _number_words() else m.group(0), corrected
        )
    )
    bounded = _a_unit_pattern().sub(r"\1 1 \2", _ISH.sub(r"around \1", digits))
    # "makes one cup at a time": exactly one of the unit; "a set of 4": a count, as "a 4 pack" (no Sets)
    counted = counts_as_packs(_one_unit_pattern().sub(r"1 \1", bounded))
    # "minus 20", "20 below zero": a temperature under zero; "rated to -30", "good down to 15": the
    # figure a rating is said in, in degrees (no unit said)
    signed = _BELOW_ZERO.sub(r"-\1 degrees", _MINUS.sub(r"-\1", counted))
    return _RATED_TO_BARE.sub(r"\1 \2 degrees", signed)


_MINUS = re.compile(r"\b(?:minus|negative)\s+(\d{1,3})\b", re.IGNORECASE)
_BELOW_ZERO = re.compile(
    r"\b(\d{1,3})\s*(?:°\s*[fc]?\s+|degrees?\s+(?:[fc]\s+)?)?below(?:\s+zero|\s+0)?\b(?!\s*\$?\d)",
    re.IGNORECASE,
)
_RATED_TO_BARE = re.compile(
    r"\b((?:rated|good|comfortable|comfy|warm|ok|okay)(?:\s+down)?\s+to|down\s+to)\s+(-?\d{1,3})\b"
    r"(?!\s*(?:°|[a-z%$'\"]|\.\d|-\s*\d))",
    re.IGNORECASE,
)


_ONE_OF_A_KIND = re.compile(
    r"\bone\s+of\s+(?:those|these)\s+(?=[a-z]{3,}\s+[a-z]{3,}s\b)(?!(?:ones?|two|three|four|five|you|u|in|with|from|for|that|which|but|and|are|were|have|has|the)\b)",
    re.IGNORECASE,
)


_MATERIAL_ADJECTIVE = re.compile(r"\b([a-z]{3,})(?:en)\b", re.IGNORECASE)


def _material_adjectives(message: str, matcher: VocabularyMatcher) -> str:
    """ "wooden toys", "a woolen blanket": the catalog's value the adjective is made from (wood,
    wool), when the word itself is no catalog value and its base is one."""

    def base(m: re.Match[str]) -> str:
        word, stem = m.group(0), m.group(1)
        for b in (stem, stem[:-1] if len(stem) > 3 and stem[-1] == stem[-2] else stem):  # woollen
            if not matcher.find(tokenize(word)) and any(
                v.kind == "attribute" and v.end == 1 for v in matcher.find(tokenize(b))
            ):
                return b
        return word

    return _MATERIAL_ADJECTIVE.sub(base, message)


@lru_cache(maxsize=1)
def _one_unit_pattern() -> re.Pattern[str]:
    """ "makes one cup at a time": one of the unit, said as a word ("a single cup" stays words: titles
    say "Single Cup")."""
    return re.compile(
        r"\bone\s+(" + "|".join(re.escape(n) for n in _unit_names()) + r")\b",
        re.IGNORECASE,
    )


@lru_cache(maxsize=1)
def _unit_names() -> list[str]:
    from retrieval.schema import unit_spellings

    return sorted(
        {n.lower() for ns in unit_spellings().values() for n in ns if n.isalpha() and len(n) > 2},
        key=len,
        reverse=True,
    )


@lru_cache(maxsize=1)
def _a_unit_pattern() -> re.Pattern[str]:
    """ "under a kilo", "at least an hour": one of the unit after a bound word."""
    return re.compile(
        r"\b(under|below|less\s+than|over|above|more\s+than|at\s+least|at\s+most|about|around|within|"
        r"no\s+more\s+than)\s+(?:a|an|one)\s+(" + "|".join(re.escape(n) for n in _unit_names()) + r")\b",
        re.IGNORECASE,
    )


_ACCEPTS = re.compile(
    r"(?<=\w)\s+(?:works|would\s+work|will\s+work|will\s+do|would\s+do|is\s+fine|would\s+be\s+fine|"
    r"is\s+ok(?:ay)?)(?:\s+(?:too|then|for\s+me|i\s+guess|as\s+well))?(?=\s*(?:[.!?,;]|$))",
    re.IGNORECASE,
)


@lru_cache(maxsize=1)
def _unit_words() -> frozenset[str]:
    from retrieval.schema import unit_spellings

    return frozenset(
        w for names in unit_spellings().values() for n in names for w in re.findall(r"[a-z]+", n)
    )


def describes(word: str) -> bool:
    """Whether the planner reads ``word`` as describing a product rather than naming one: a
    comparative, dimension, use-case or preference word, a color ("quiet", "warm", "red")."""
    stem = singular(word.lower())
    return (
        stem in _NOT_HEAD_WORDS()
        or word.lower() in COLOR_WORDS
        or any(stem in term.split() for term in PREFERENCE_TERMS)
    )


def states_feature(word: str) -> bool:
    """Whether ``word`` is a preference or use word that names a feature a product has or lacks
    ("cordless", "waterproof", "insulated", "rechargeable"): in a catalog whose kinds carry no
    attributes, the products' text states it. Not a comparative or superlative by itself
    ("lighter"), a color, nor a word that judges (``evaluative.yaml``: "sturdy", "comfortable")."""
    from assistant.plan.semantics import lexicons

    lowered = word.lower()
    stem = singular(lowered)
    if lowered in COLOR_WORDS or lowered in lexicons().evaluative or stem in _ALONE_COMPARATIVES():
        return False
    return stem in _USE_WORDS() or any(stem == term for term in PREFERENCE_TERMS)


@lru_cache(maxsize=1)
def _ALONE_COMPARATIVES() -> frozenset[str]:
    """The comparatives and superlatives said in one word ("quieter", "lightest")."""
    from assistant.plan.semantics import lexicons

    lex = lexicons()
    return frozenset(p[0] for p, _, _ in [*lex.comparatives, *lex.superlatives] if len(p) == 1)


@lru_cache(maxsize=1)
def _USE_WORDS() -> frozenset[str]:
    """The use cases' one-word phrases ("waterproof", "insulated", "warm"), singular."""
    from assistant.plan.semantics import lexicons

    return frozenset(
        singular(words[0])
        for use in lexicons().use_cases
        for p in use["phrases"]
        if len(words := re.findall(r"[a-z]+", p.lower())) == 1
    )


@lru_cache(maxsize=1)
def _number_words() -> frozenset[str]:
    from assistant.plan.semantics import lexicons

    return frozenset(lexicons().number_units) | frozenset(lexicons().number_scales)


@lru_cache(maxsize=1)
def _NOT_HEAD_WORDS() -> frozenset[str]:
    """Words that describe rather than name a product (comparatives, dimensions, use cases)."""
    from assistant.plan.semantics import lexicons

    lex = lexicons()
    found: set[str] = set()
    for phrase, _, _ in [*lex.comparatives, *lex.superlatives]:
        found.update(phrase)
    for part in ("degree", "verdict_nouns", "verdict_verbs"):  # "the top scoring one"
        found.update(lex.rating_grammar.get(part, ()))
    for words in lex.question_words.values():
        for w in words:
            found.update(singular(x) for x in w.split())
    for use in lex.use_cases:
        for p in use["phrases"]:
            words = re.findall(r"[a-z]+", p.lower())
            # "ankles roll in" makes no "roll" a non-product word ("a tool roll"), nor does a verb
            # with its particle ("packs down": a backpacking pack)
            if len(words) == 1 or (len(words) == 2 and words[1] not in _PARTICLES):
                found.update(singular(x) for x in words)
    return frozenset(found)


_PARTICLES = frozenset({"down", "away", "into", "up", "out", "in", "off", "on", "small", "flat", "tight"})

_NEVER_CORRECT = (
    FILLER_WORDS
    | VAGUE_WORDS
    | OFF_TOPIC_WORDS
    | GENERIC_PRODUCT_NOUNS
    | _QUERY_DROP
    | frozenset(COMPARATIVES)
)


def correct_typos(message: str, matcher: VocabularyMatcher, known: Callable[[str], bool] | None) -> str:
    """Words the catalog never uses and English does not know, replaced by the closest of the
    catalog's category, brand and value words (:mod:`assistant.plan.typos`): "blendr" → "blender"."""
    if known is None:
        return message
    corrector = matcher.typo_corrector(_NOT_HEAD_WORDS())
    return corrector.correct(
        message,
        keep=lambda w: (
            w in _NEVER_CORRECT
            or w in _NOT_HEAD_WORDS()
            or w in _unit_words()  # "20ish liters" is a size, never the catalog's "litter"
            or singular(w) in _unit_words()
            or w in _number_words()  # "fourty" is a number the number reader knows, not "four"
            or matcher.covers(w)
            or known(w)
        ),
    )


def _query_words(tokens: list[Token], kept_at: set[int], consumed: set[int]) -> list[str]:
    """The kept words in order, plus a negation that negates free text ("kit without led lamp").

    A negation of a catalog value ("not Bosch") became a filter and its value was consumed, so it is
    dropped; one of plain words stays in the query, where search ranks products that lack the words
    (or say so: "lamp not included") above those that have them, instead of reading them as wanted.
    """
    out: list[str] = []
    for i, token in enumerate(tokens):
        if i in kept_at:
            out.append(token.text)
        elif token.text in _QUERY_NEGATIONS and i not in consumed:
            following = next(
                (j for j in range(i + 1, len(tokens)) if tokens[j].text not in FILLER_WORDS), None
            )
            if following in kept_at:
                out.append(_QUERY_NEGATIONS[token.text])
    return out

"""Matching the shopper's (or the LLM's) words to the catalog's own filter values.

As RecAI's InteRecAgent does, a value only becomes a filter when it is a real catalog value:
exact (case, spacing and plural/singular folded), then a unique token-prefix match ("stainless" →
finish "stainless steel", "navy" → "navy blue"), then a close spelling for brands ("bosh" → "bosch").
Negation cues ("not", "no", "anything but", "except", "without", "other than") right before a value
mark it negated, and carry over a list ("not Bosch or LG").
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict

from assistant.plan.semantics import lexicons
from assistant.plan.shorthand import spelling_variants
from assistant.plan.text import ALLOWED_DEGREE, COLOR_WORDS, FILLER_WORDS, Token, singular, tokenize
from assistant.plan.typos import TypoCorrector
from assistant.plan.word_class import word_classes
from retrieval.catalog import norm
from retrieval.products import Vocabulary
from retrieval.schema import GROUPING_KEYS

__all__ = [
    "ValueKind",
    "ValueMatch",
    "VocabularyMatcher",
    "matcher_for",
    "negation_after",
    "negation_cues",
    "ruled_out",
]

ValueKind = Literal["brand", "category", "color", "attribute"]

_PRECEDENCE: dict[str, int] = {"brand": 0, "category": 1, "color": 2, "attribute": 3}
_MAX_NGRAM = 5
_FLAG_VALUES = ("yes", "true")
_EITHER_WAY_AFTER = frozenset({("or", "not"), ("or", "no"), ("either", "way"), ("or", "without")})
_EITHER_WAY_SKIP = frozenset(
    {"if", "whether", "it's", "its", "it", "they're", "theyre", "they", "is", "are", "about"}
)
_EITHER_WAY_NEGATIONS = ("doesn't", "doesnt", "don't", "dont", "not", "no", "never")
_EITHER_WAY_BEFORE = frozenset(
    (neg, verb) for neg in _EITHER_WAY_NEGATIONS for verb in ("matter", "care", "mind")
)
# Words before a feature's noun that say the product has it ("with the grinder", "has a case").
# After one of these, a word is a verb ("would match", "will work"), whatever a category is called.
_MODALS = frozenset(
    {
        "would",
        "will",
        "could",
        "should",
        "might",
        "may",
        "must",
        "can",
        "wont",
        "wouldnt",
        "doesnt",
        "dont",
        "didnt",
        "won't",
        "wouldn't",
        "doesn't",
        "don't",
        "didn't",
    }
)
# the modals that are no noun too ("a can opener", "May"): the word after one is a verb
VERB_MODALS = _MODALS - {"can", "may"}
_HAS_CUE = frozenset({"with", "has", "have", "includ", "include", "includes"})
# Words that say the product does something by itself ("grinds the beans itself", "on its own").
_REFLEXIVE = frozenset({"itself", "themselves", "own", "automatically", "automatic"})
_NEGATION_SINGLE = frozenset(
    # not "never": it negates a verb ("the polish never sets"), not a value
    {"not", "no", "non", "except", "excluding", "exclude", "without", "avoid", "nor"}
)
_NEGATION_PAIRS = frozenset(
    {
        ("anything", "but"),
        ("all", "but"),
        ("other", "than"),
        ("don't", "want"),
        ("dont", "want"),
        ("instead", "of"),
        ("rather", "than"),
        ("but", "not"),
        ("no", "more"),
    }
    # "any that don't have noise cancelling", "doesn't come with a grinder", "i don't need a lid":
    # a negated auxiliary (or "not" after "do") and a verb of having or wanting, right before the value
    | {
        (aux, verb)
        for aux in ("don't", "dont", "doesn't", "doesnt", "didn't", "didnt", "not", "won't", "wont")
        for verb in ("have", "ha", "need", "come", "include", "includ")
    }
)
_COMPANY_WORDS = frozenset({"llc", "inc", "co", "ltd", "corp", "company", "the", "and", "of"})
_SUBJECTS = frozenset(
    {"he", "she", "dad", "mom", "son", "daughter", "husband", "wife", "boyfriend", "girlfriend"}
)
# Endings of a category's modifier that read as an adjective ("Electric Shavers"), not as what its
# products act on ("Fire Starters", "Hair Dryers"): see VocabularyMatcher._agent_object.
_ADJECTIVE_ENDINGS = ("ic", "al", "ive", "ous", "able", "ible", "ful", "less", "ed", "ing", "ary", "proof")
# "it makes", "she uses": verbs too general to name what a product does ("Coffee Makers" → make)
_GENERAL_DOINGS = frozenset({"make", "use", "hold", "get", "do", "go", "take"})
_NOT_THE_ONE_WITH = re.compile(
    r"\b(?:not|no|except|but)\s+(?:the\s+|a\s+|any\s+|that\s+)?one\s+(?:with|w|that\s+(?:ha|has|have|come|comes)(?:\s+in)?)"
    r"\s+(?:the\s+|a\s+|an\s+|any\s+|some\s+)?$"
)
_NEGATION_SKIP = frozenset(
    {"a", "an", "the", "any", "from", "by", "in", "made", "brand", "of", "anything", "stuff"}
    # "it's for me, not my kid": whose it is sits between the cue and the value
    | {"my", "our", "his", "her", "their", "your"}
    # "not an actual dremel": a word that insists on what it is, not another value
    | {"actual", "real", "genuine", "original", "official"}
)


@lru_cache(maxsize=1)
def _negations() -> dict[str, list[str]]:
    """``lexicons/negations.yaml``: cues before a value (``cues``) and after it (``after``)."""
    data: dict[str, list[str]] = yaml.safe_load(
        resources.files("assistant.plan").joinpath("lexicons/negations.yaml").read_text("utf-8")
    )
    return data


@lru_cache(maxsize=1)
def negation_cues() -> tuple[tuple[str, ...], ...]:
    """Exclusion cues from ``lexicons/negations.yaml``, as stem tuples."""
    data = _negations()
    return tuple(tuple(t.stem for t in tokenize(str(cue))) for cue in data["cues"])


@lru_cache(maxsize=1)
def complaint_cues() -> tuple[tuple[str, ...], ...]:
    """What a shopper says of the products with a feature right after "the X ones" that rules X out
    ("always get tangled", "leak"), from ``lexicons/negations.yaml`` (``complaints``), as stem tuples."""
    return tuple(tuple(t.stem for t in tokenize(str(cue))) for cue in _negations().get("complaints", []))


_PRO_FORM_STEMS = frozenset({"one", "kind", "type", "pair"})


def complained_of(stems: Sequence[str], end: int) -> bool:
    """Whether the word(s) ending at ``end`` are said as the subject of a complaint: "the wired ones
    always get tangled", "the plastic ones leak" (a pro-form, then a complaint cue)."""
    if end >= len(stems) or stems[end] not in _PRO_FORM_STEMS:
        return False
    rest = tuple(stems[end + 1 : end + 4])
    return any(rest[: len(cue)] == cue for cue in complaint_cues())


def blank_complaints(text: str) -> str:
    """``text`` with what it says of the products with a feature blanked, to the end of the clause
    ("the plastic ones always look cheap" → "the plastic ones"): no product is named there."""
    tokens = tokenize(text)
    stems = [t.stem for t in tokens]
    out = text
    for i in range(len(tokens) - 1):
        if stems[i] in _PRO_FORM_STEMS and any(
            tuple(stems[i + 1 : i + 1 + len(cue)]) == cue for cue in complaint_cues()
        ):
            start = tokens[i + 1].start
            end = next((m.start() for m in re.finditer(r"[,.;:!?]", text) if m.start() > start), len(text))
            out = out[:start] + " " * (end - start) + out[end:]
    return out


def _in_complaint(stems: Sequence[str], m: ValueMatch) -> bool:
    """Whether a value is a word of a complaint about the products said before it ("the plastic ones
    always leak": Always is a brand too): what they do, not what is asked."""
    return any(
        j >= 1
        and stems[j - 1] in _PRO_FORM_STEMS
        and tuple(stems[j : j + len(cue)]) == cue
        and j <= m.start < j + len(cue)
        for cue in complaint_cues()
        for j in range(max(1, m.start - 2), m.start + 1)
    )


def _counted(stems: Sequence[str], at: int) -> bool:
    """Whether the word at ``at`` follows a number: a measure ("zero drop running shoes", "0 drop"),
    not a cue that rules out what comes next ("drop the running shoes")."""
    if at < 1 or stems[at] == "not" or stems[at].endswith(("n't", "nt")):
        # "which ones aren't noise cancelling": a negation is no measure of "one" (``at`` is a cue's
        # first word, so "nt" only ends a contraction typed without its apostrophe: "arent", "dont")
        return False
    word = stems[at - 1]
    return word.replace(".", "", 1).isdigit() or word in _number_words()


@lru_cache(maxsize=1)
def _number_words() -> frozenset[str]:
    from assistant.plan.semantics import lexicons

    return frozenset(w for w in lexicons().number_units if w not in ("a", "an"))


def negated_words(before: str, words: str, after: str = "") -> bool:
    """Whether ``words`` said right after ``before`` (and before ``after``) are ruled out there ("…
    not my kid", "the wired ones always get tangled")."""
    head = [t.stem for t in tokenize(before)]
    tail = [t.stem for t in tokenize(words)]
    rest = [t.stem for t in tokenize(after)]
    hit = ValueMatch(kind="attribute", value=words, display=words, start=len(head), end=len(head) + len(tail))
    return VocabularyMatcher.negated([*head, *tail, *rest], hit, [])


@lru_cache(maxsize=1)
def _any_but_quantifiers() -> frozenset[str]:
    return frozenset(t.stem for cue in _negations().get("any_but", []) for t in tokenize(str(cue)))


_BUT_SKIP = frozenset({"a", "an", "the", "from", "by"})


def _any_but(stems: Sequence[str], start: int) -> bool:
    """Whether the value at ``start`` follows "<any> <word> but" ("any brand but kaweco", "every
    color but red"): a quantifier from ``lexicons/negations.yaml`` (``any_but``), one word, then
    "but" or "besides"; "from", "by" or an article may sit before the value ("any brand but from
    kaweco")."""
    j = start
    while j > 0 and stems[j - 1] in _BUT_SKIP and start - j < 2:
        j -= 1
    return j >= 3 and stems[j - 1] in ("but", "besides") and stems[j - 3] in _any_but_quantifiers()


def ruled_out(phrase: str) -> bool:
    """A phrase that opens with an exclusion ("forget the kettlebell", "no more tents") names what
    the shopper does NOT want: never the product asked for."""
    stems = tuple(t.stem for t in tokenize(phrase))
    return any(stems[: len(cue)] == cue for cue in negation_cues())


@lru_cache(maxsize=1)
def text_negation_cues() -> tuple[str, ...]:
    """Phrases that rule out the word after them in product text ("done with nonstick pans"), from
    ``lexicons/negations.yaml`` (``text_cues``)."""
    return tuple(str(cue).lower() for cue in _negations().get("text_cues", []))


@lru_cache(maxsize=1)
def negation_after() -> frozenset[str]:
    """Words that exclude the value right before them ("latex-free"), from ``lexicons/negations.yaml``."""
    data = _negations()
    return frozenset(t.stem for cue in data.get("after", []) for t in tokenize(str(cue)))


@lru_cache(maxsize=1)
def _brand_roles() -> dict[str, tuple[tuple[str, ...], ...]]:
    """``lexicons/brand_roles.yaml`` as stem tuples per list."""
    data: dict[str, list[str]] = yaml.safe_load(
        resources.files("assistant.plan").joinpath("lexicons/brand_roles.yaml").read_text("utf-8")
    )
    return {k: tuple(tuple(t.stem for t in tokenize(str(c))) for c in v) for k, v in data.items()}


def describes_brand(tokens: Sequence[Token], match: ValueMatch) -> bool:
    """Whether a brand in the message describes the product instead of choosing its maker:
    "something like Cards Against Humanity", "shimano-compatible", "compatible with Keurig"."""
    if match.kind != "brand":
        return False
    stems = [t.stem for t in tokens]
    roles = _brand_roles()
    before = stems[: match.start]
    after = stems[match.end :]

    def ends_with(cues: Sequence[tuple[str, ...]]) -> tuple[str, ...] | None:
        return next((c for c in cues if 0 < len(c) <= len(before) and tuple(before[-len(c) :]) == c), None)

    similar = ends_with(roles["similar_before"])
    if similar == ("like",) and len(before) > 1 and (before[-2],) in roles["like_not_after"]:
        similar = None  # "I'd like Sony headphones": wanting, not comparing
    if (
        match.end - match.start == 1
        and before
        and len(after) <= 2
        and not any(a.isalpha() for a in after[:1])
    ):
        from assistant.plan.typos import ordinary_word

        word = tokens[match.start].text.lower()
        if (
            ordinary_word(word)
            and before[-1].isalpha()
            and before[-1] not in FILLER_WORDS
            and (before[-1],) not in roles["noun_not_after"]
        ):
            return True  # "a bowling ball": the noun, not the brand Ball
    fits = ends_with(roles["for_before"])
    if fits is not None:
        ahead = before[: -len(fits)]
        # a product named before "for", and "for" not framing the ask ("looking for Nike shoes")
        if not ahead or any(ahead[-1:] == list(c) for c in roles["for_not_after"]):
            fits = None
    return (
        similar is not None
        or fits is not None
        or ends_with(roles["compatible_before"]) is not None
        or any(tuple(after[: len(c)]) == c for c in roles["compatible_after"])
    )


_LIST_JOINERS = frozenset({"or", "and", "nor"})
_BRAND_TYPO_CUTOFF = 0.85
_BRAND_TYPO_MIN_PRODUCTS = 3
_BRAND_TYPO_MIN_SHARE = 0.01
_LLM_VALUE_CUTOFF = 0.8
_BRAND_PREFIX_SHARE = 0.01


class ValueMatch(BaseModel):
    """A catalog value found in a message (token positions ``start``..``end``) or an LLM value."""

    model_config = ConfigDict(frozen=True)

    kind: ValueKind
    key: str | None = None
    value: str
    display: str
    start: int = -1
    end: int = -1
    fuzzy: bool = False
    negated: bool = False
    values: tuple[str, ...] = ()
    """When one word stands for several values of one attribute ("mechanical" for "mechanical
    linear" and "mechanical tactile", "down" in "down-free" for "800-fill down"): all of them."""
    owned: bool = False
    """A color said of something the shopper owns ("our floors are all gray"), not of the product."""


_Entry = tuple[str, str | None, str]  # kind, attribute key, normalized value
_REPLACEABLE = frozenset({"brand", "color", "attribute"})


_LOOKS = frozenset({"look", "looks", "seem", "seems", "appear", "appears"})
_WISHED_LOOK = frozenset({"that", "which", "to", "would", "will", "should", "could", "might", "must"})
_LOOKS_SKIP = frozenset({"all", "only", "just", "like", "kinda", "pretty", "very", "mostly", "to", "be"})


def _observed(stems: list[str], m: ValueMatch) -> bool:
    """ "looks silver only.. anything in black?": a color the shopper sees in what was shown, not one
    asked for."""
    if m.kind != "color":
        return False
    j = m.start
    while j > 0 and stems[j - 1] in _LOOKS_SKIP and m.start - j < 3:
        j -= 1
    # ("something that looks black", "i want it to look black": how it should look, asked)
    return j > 0 and stems[j - 1] in _LOOKS and not (j > 1 and stems[j - 2] in _WISHED_LOOK)


_COLOR_OBJECT_BEFORE = frozenset(
    {
        "in",
        "a",
        "an",
        "the",
        "some",
        "any",
        "get",
        "want",
        "need",
        "prefer",
        "like",
        "love",
        "or",
        "and",
        "only",
    }
)


def _color_as_subject(stems: list[str], found: list[ValueMatch]) -> list[ValueMatch]:
    """ "got em in gray? green shows every bit of mud": a color that is the subject of what follows
    (a verb right after it) is why, not what is asked, when another color is asked."""

    def subject(m: ValueMatch) -> bool:
        return (
            m.kind == "color"
            and m.end < len(stems)
            and stems[m.end] in lexicons().evaluative_verbs
            and not (m.start and stems[m.start - 1] in _COLOR_OBJECT_BEFORE)
        )

    said = [m for m in found if subject(m)]
    if not said or not any(m.kind == "color" and not m.negated and m not in said for m in found):
        return found
    return [m for m in found if m not in said]


def _predicative(tokens: list[Token], i: int) -> bool:
    """ "the pillows went totally flat", "they look sad and flat": a singular word the dictionary has as
    an adjective, after a linking verb (degree words and "and"-joined adjectives between) with no
    article, and no noun going on after it: it says how a thing is, not a kind of product."""
    linking, degree = lexicons().linking, lexicons().degree
    if not any(t.stem in linking for t in tokens[max(0, i - 4) : i]):
        return False  # (no linking verb near: most category words, read at once)
    word = tokens[i]
    after = tokens[i + 1] if i + 1 < len(tokens) else None
    if "ADJ" not in word_classes(word.text):
        return False  # "going camping": an activity, no adjective
    if word.text != word.stem or (
        after is not None
        and after.start - word.end <= 1
        and after.stem not in FILLER_WORDS
        and "NOUN" in word_classes(after.stem)
    ):
        return False  # a plural ("went to get flats"), or a noun phrase going on ("is flat iron")
    j = i
    while j > 0 and i - j < 4:
        before = tokens[j - 1].stem
        if before in linking:
            return True
        if before in degree or before == "and" or word_classes(before) == {"ADJ"}:
            j -= 1
            continue
        return False
    return False


def _owned_color(tokens: list[Token], m: ValueMatch) -> bool:
    """ "our floors are all gray", "his room is painted navy", "she's mostly black": a color that is
    the complement of a copula whose subject is not the product nor the wish (``possessions.yaml``)."""
    if m.kind != "color" or m.negated:
        return False
    words = lexicons().possession
    stems = [t.stem for t in tokens]
    if m.end < len(stems) and stems[m.end] in words["attributive"]:
        return False  # "there are black ones": a kind's adjective
    j = m.start
    while j > 0 and m.start - j < 3 and (stems[j - 1] in words["between"] or stems[j - 1] in _SHADE_WORDS):
        j -= 1
    if j == 0:
        return False
    if m.end < len(stems) and word_classes(stems[m.end]) == {"ADJ"}:
        return False  # "is blue available?": a question about the color, not a thing's color
    before = tokens[j - 1]
    if before.stem in words["copulas"] and j >= 2:
        subject = j - 2
        if before.start - tokens[subject].end > 1:
            return False  # "for the roller, is blue available?": the copula opens a question
    elif re.search(r"['’](?:s|re)$", before.text) and before.stem in words["pronoun_subjects"]:
        subject = j - 1  # "she's black", "we're all white"
    else:
        return False
    said = stems[subject]
    if said == "there":  # "so there are gray ones" asks; "the walls in there are white" owns
        place = stems[subject - 1] if subject > 0 else ""
        return place in words["places"] or (
            place not in FILLER_WORDS and "NOUN" in word_classes(place) and place not in words["copulas"]
        )
    return said not in words["product_subjects"] and said not in FILLER_WORDS


def _owned_colors(tokens: list[Token], found: list[ValueMatch]) -> list[ValueMatch]:
    """Mark the colors said of a thing the shopper owns (``owned``), and a color joined to one ("black
    with white paws"), unless the message asks for the owned color by likeness ("her hair was grey,
    anything like that", "to match")."""
    if not any(m.kind == "color" and not m.negated for m in found):
        return found
    stems = [t.stem for t in tokens]
    likeness = lexicons().possession_likeness
    if any(tuple(stems[i : i + len(p)]) == p for p in likeness for i in range(len(stems))):
        return found
    joiners = lexicons().possession["joiners"]
    marked: list[ValueMatch] = []
    for m in found:
        joined = (
            m.kind == "color"
            and bool(marked)
            and marked[-1].owned
            and m.start - marked[-1].end <= 2
            and all(w in joiners or w in _SHADE_WORDS for w in stems[marked[-1].end : m.start])
        )
        marked.append(m.model_copy(update={"owned": True}) if joined or _owned_color(tokens, m) else m)
    return marked


def _plural_color(tokens: list[Token], m: ValueMatch) -> bool:
    """ "greens powders", "the reds of autumn": a color word made plural is a noun, not a color."""
    if m.kind != "color" or m.end - m.start != 1:
        return False
    word = tokens[m.start]
    return word.text != word.stem and word.text.endswith("s") and not m.value.endswith("s")


def _replaced(stems: list[str], found: list[ValueMatch]) -> list[ValueMatch]:
    """ "in blue instead, she's decided pink is for babies": the value said right before "instead" is
    the one asked; another value of its kind (a color, a maker, one attribute) in the message is the
    one it replaces."""

    def chosen(m: ValueMatch) -> bool:
        return not m.negated and m.end < len(stems) and stems[m.end] == "instead"

    kinds = {(m.kind, m.key) for m in found if m.kind in _REPLACEABLE and chosen(m)}
    if not kinds:
        return found
    return [
        m.model_copy(update={"negated": True})
        if (m.kind, m.key) in kinds and not m.negated and not chosen(m)
        else m
        for m in found
    ]


def _stems(value: str) -> tuple[str, ...]:
    return tuple(t.stem for t in tokenize(value))


def _matchable_attr_value(value: str) -> bool:
    stems = _stems(value)
    return (
        bool(stems)
        and len(stems) <= _MAX_NGRAM
        and not all(s.isdigit() or s in FILLER_WORDS for s in stems)
        and len(value) >= 3
    )


_POSSESSIVE = re.compile(r"'s\b")

_SHADE_WORDS = frozenset(
    {
        "light",
        "dark",
        "pale",
        "deep",
        "bright",
        "matte",
        "metallic",
        "rose",
        "sky",
        "royal",
        "brushed",
        "polished",
        "satin",
        "oil",
        "rubbed",
    }
)


def _matchable(kind: str, value: str) -> bool:
    """Whether a catalog value may be read out of a shopper's free text.

    Real feeds carry noisy values (colors like "slim_black", "1" or "without lid"; brands named
    "Blue"): reading those as hard filters empties results. A color qualifies when it is made of
    color words; a one-word brand must not be a color or a filler word, nor a word the dictionary
    has only as an adverb ("Always": "my feet are always freezing"; it still matches through an
    LLM's plan or the UI, via :meth:`VocabularyMatcher.resolve`).
    """
    words = [w for w in re.split(r"[^a-z]+", value) if w]
    if kind == "color":
        return (
            bool(words)
            and all(w in COLOR_WORDS or w in _SHADE_WORDS for w in words)
            and words[-1] in COLOR_WORDS
        )
    if kind == "brand" and len(words) == 1:
        classes = word_classes(words[0])
        return (
            words[0] not in COLOR_WORDS
            and words[0] not in FILLER_WORDS
            and len(value) >= 2
            and not (classes and classes <= {"ADV"})
        )
    return True


_POSSESSIVES = frozenset({"my", "his", "her", "our", "their", "your", "ur"})
_ARTICLES = frozenset({"a", "an", "some", "another"})
# verbs that go on with a clause after its subject ("the launch spot is all rocks")
_CLAUSE_VERBS = frozenset({"is", "are", "was", "were", "has", "have", "had", "gets", "keeps"})
# words after which an ordinary word is a verb ("she wont touch it", "they ball up")
_VERB_BEFORE = (VERB_MODALS | {"cant", "can't", "cannot", "he", "she", "they", "we", "i", "it", "to"}) - {
    "may"
}


def said_either_way(stems: list[str], start: int, end: int) -> bool:
    """Whether the words ``stems[start:end]`` are said not to matter (see
    :meth:`VocabularyMatcher.indifferent`)."""
    after = tuple(stems[end : end + 2])
    if after in _EITHER_WAY_AFTER:
        return True
    j = start
    while j > 0 and stems[j - 1] in _EITHER_WAY_SKIP and start - j < 3:
        j -= 1
    if j > 1 and (stems[j - 2], stems[j - 1]) in _EITHER_WAY_BEFORE:
        return True
    # "doesn't have to be an espresso one", "don't need it to be wireless": allowed, not asked
    k = start
    while k > 0 and stems[k - 1] in ALLOWED_DEGREE:
        k -= 1  # ("doesn't have to be super warm")
    said = stems[max(0, k - 5) : k]
    verb = -4 if len(said) >= 3 and said[-3] == "it" else -3  # ("don't need it to be")
    return (
        len(said) > -verb
        and tuple(said[-2:]) == ("to", "be")
        and said[verb] in ("have", "need")
        and any(w in _EITHER_WAY_NEGATIONS for w in said[:verb])
    )


class VocabularyMatcher:
    """An index of a :class:`Vocabulary` for fast n-gram lookups. Build once per vocabulary."""

    def __init__(self, vocabulary: Vocabulary) -> None:
        self.vocabulary = vocabulary
        self._exact: dict[tuple[str, ...], list[_Entry]] = {}
        self._prefix: dict[str, list[_Entry]] = {}
        self.words: set[str] = set()
        self._spellings: dict[str, list[str]] | None = None
        self._value_stems: frozenset[str] | None = None
        self._corrections: TypoCorrector | None = None
        self._close_brands: dict[str, str | None] = {}
        self._openings: frozenset[tuple[str, ...]] | None = None
        self._doers: dict[str, _Entry] = {}
        self._agents: dict[str, _Entry] = {}
        self._feature_heads: dict[str, list[_Entry]] = {}
        # word -> attribute key -> the values of that key containing the word (whole-word families)
        self._families: dict[str, dict[str, list[str]]] = {}
        # a yes/no key's first word that is no ordinary English word names it alone ("only HEPA ones")
        self._jargon_keys: list[tuple[str, str, str]] = []
        self._jargon: dict[str, _Entry] | None = None
        self._category_stems: frozenset[str] | None = None
        self._brand_total = sum(n for key, n in vocabulary.counts.items() if key.startswith("brand:")) or 1
        for kind, table in (
            ("brand", vocabulary.brands),
            ("category", vocabulary.categories),
            ("color", vocabulary.colors),
        ):
            for value in table:
                if _matchable(kind, value):
                    self._add(
                        kind,
                        None,
                        value,
                        prefix=kind == "color" or (kind == "brand" and self._brand_prefix(value)),
                    )
        self._add_acronyms(vocabulary)
        for value in vocabulary.categories:
            if _matchable("category", value):
                self._add_agent(value)
                stems = _stems(value)
                # "dish towels" for Dish Cloths & Dish Towels, "pots and pans" for Pots & Pans: a part
                # of a listing name of two words or more, and "and" for "&"
                for part in re.split(r"\s*[&,]\s*", value) if "&" in value or "," in value else ():
                    part_stems = _stems(part)
                    named = any(e[0] == "category" for e in self._exact.get(part_stems, []))
                    if len(part_stems) >= 2 and not named:  # a category of that very name wins
                        self._exact.setdefault(part_stems, []).append(("category", None, value))
                if "&" in value:
                    self._exact.setdefault(_stems(value.replace("&", " and ")), []).append(
                        ("category", None, value)
                    )
                # "ride-ons" said "a ride on toy": a short last word's plural is past singular()
                last = stems[-1] if stems else ""
                if len(stems) > 1 and len(last) <= 4 and last.endswith("s") and not last.endswith("ss"):
                    self._exact.setdefault((*stems[:-1], last[:-1]), []).append(("category", None, value))
        for key, values in vocabulary.attributes.items():
            self.words.update(_stems(key))
            for value in values:
                if _matchable_attr_value(value):
                    self._add("attribute", key, value, prefix=True)
                    for stem in set(_stems(value)) if key not in GROUPING_KEYS else ():
                        if len(stem) >= 4 and stem.isalpha() and stem not in FILLER_WORDS:
                            self._families.setdefault(stem, {}).setdefault(key, []).append(value)
                elif value in _FLAG_VALUES:  # a yes/no attribute: its key's words select "yes"
                    self._exact.setdefault(_stems(key), []).append(("attribute", key, value))
                    self._add_doer(key, value)
                    head = _stems(key)[-1:]
                    if head and len(_stems(key)) > 1 and len(head[0]) >= 4 and head[0] not in FILLER_WORDS:
                        self._feature_heads.setdefault(head[0], []).append(("attribute", key, value))
                    if len(_stems(key)) > 1 and value in ("yes", "true"):
                        self._jargon_keys.append((_stems(key)[0], key, value))
        self._add_counts(vocabulary)
        catalog_size = sum(n for key, n in vocabulary.counts.items() if key.startswith("brand:"))
        typo_min = min(_BRAND_TYPO_MIN_PRODUCTS, _BRAND_TYPO_MIN_SHARE * catalog_size)
        # Typo correction only towards brands the catalog carries widely: towards a one-product
        # brand, a misspelling is likelier an ordinary word ("mudding" is not the brand "Budding").
        self._single_brands = {
            v: v
            for v in vocabulary.brands
            if len(_stems(v)) == 1
            and len(v) >= 4
            and _matchable("brand", v)
            and vocabulary.counts.get(f"brand:{v}", 0) >= typo_min
        }

    def _add_acronyms(self, vocabulary: Vocabulary) -> None:
        """A brand of three or more words said by its initials ("cah" for Cards Against Humanity),
        when the initials are no word of their own (English or the catalog's) and name one brand."""
        from assistant.plan.typos import english_words

        initials: dict[str, list[str]] = {}
        for value in vocabulary.brands:
            words = [w for w in re.findall(r"[a-z]+", value) if w not in _COMPANY_WORDS]
            if len(words) >= 3:
                initials.setdefault("".join(w[0] for w in words), []).append(value)
        english = english_words()
        for short, brands in initials.items():
            family = {b for b in brands if not any(b != o and b.startswith(o) for o in brands)}
            if (
                len(family) == 1
                and short not in english
                and (short,) not in self._exact
                and short not in self.words
            ):
                self._exact.setdefault((short,), []).append(("brand", None, family.pop()))
        # "bugasalt" for BUG-A-SALT, "tshirt" for T-Shirts: a name of two or more words said as one
        glued: dict[str, list[tuple[str, str]]] = {}
        for kind, table in (("brand", vocabulary.brands), ("category", vocabulary.categories)):
            for value in table:
                words = re.findall(r"[a-z0-9]+", value)
                if len(words) >= 2 and len(joined := "".join(words)) >= 5:
                    glued.setdefault(joined, []).append((kind, value))
        for joined, named in glued.items():
            (kind, value), *others = named
            stem = _stems(joined)
            # An English word is no brand ("sunday" is not Sun Day), but one that spells a category's
            # name ("bandsaws", "clothespins", "boardgame") is that category: the same words, closed up
            if (
                not others
                and stem not in self._exact
                and (kind == "category" or joined not in english)
                and len(stem) == 1
            ):
                self._exact.setdefault(stem, []).append((kind, None, value))
                self.words.update(stem)

    def _add_counts(self, vocabulary: Vocabulary) -> None:
        """ "two motors" for motors: dual, "one motor" for single: a value that is a count
        (``numbers.yaml`` multiplicity), said as the number before the key's last word."""
        lex = lexicons()
        for key, values in vocabulary.attributes.items():
            head = _stems(key)[-1:]
            if not head or key in GROUPING_KEYS:
                continue
            for value in values:
                n = lex.multiplicity.get(value.strip().lower())
                if n is not None:
                    words = (w for w, v in lex.number_units.items() if v == n and w not in ("a", "an"))
                    for said in {str(n), *words}:
                        self._exact.setdefault((said, head[0]), []).append(("attribute", key, value))

    def _add_agent(self, category: str) -> None:
        """A category named for what its products do ("Blenders", "Hair Dryers"): the doing names it
        too, said as a purpose ("something to blend smoothies", "for drying hair")."""
        words = re.findall(r"[a-z]+", category.lower())
        if not words:
            return
        head = singular(words[-1])
        if not head.endswith("er") or len(head) < 5:
            return
        verbs = {head[:-2], head[:-1]}  # blender → blend, shaver → shave
        if len(head) >= 6 and head[-3] == head[-4]:
            verbs.add(head[:-3])  # trimmer → trim
        for verb in verbs:
            stem = _stems(verb)
            if len(stem) == 1 and len(stem[0]) >= 3 and stem[0] not in FILLER_WORDS:
                self._agents.setdefault(stem[0], ("category", None, category))

    @staticmethod
    def _common_noun(tokens: list[Token], i: int, n: int, brand: str) -> bool:
        """A one-word brand that is an ordinary English word, said as a common noun with an article
        ("a ball for basketball practice" is not the jar maker Ball; "Ball jars" still is)."""
        from assistant.plan.typos import ordinary_word

        following = tokens[i + 1].text if i + 1 < len(tokens) else ""
        return (
            n == 1
            and " " not in brand
            and ordinary_word(brand)
            and i > 0
            # "by any chance": the phrase, not the basketball maker Chance ("any crest?" is the maker)
            and (
                tokens[i - 1].text in ("a", "an", "some", "another")
                or (i > 1 and tokens[i - 1].text == "any" and tokens[i - 2].text == "by")
            )
            # "a samsung dishwasher": the brand names a product that follows; "a ball for…" does not
            and (not following or following in FILLER_WORDS)
        ) or (
            # "a couple packs of onesies": a quantity of something, not the maker Packs
            n == 1 and " " not in brand and ordinary_word(brand) and following == "of" and i > 0
        )

    def _said_as_word(self, tokens: list[Token], i: int, n: int, brand: str) -> bool:
        """A one-word brand that is an ordinary English word, said as one: after a possessive ("my
        brother collects them", not before a word the catalog files products under: "my Brother
        printer"), opening the message before a throwaway word ("random q but …"), in its plural
        ("any balls for the tree") or as a place ("on the reef": ``brand_roles.yaml`` place_before)."""
        from assistant.plan.typos import ordinary_word

        if n != 1 or " " in brand or not ordinary_word(brand):
            return False
        following = tokens[i + 1].stem if i + 1 < len(tokens) else ""
        kind_follows = any(e[0] == "category" for e in self._exact.get((following,), []))
        word = tokens[i].text.lower()
        if word != brand.lower() and word in (f"{brand.lower()}s", f"{brand.lower()}es") and not kind_follows:
            return True  # "got any balls for the tree": the plural of the noun, not the jar maker Ball
        if (
            i > 1
            and tokens[i - 1].text == "the"
            and (tokens[i - 2].stem,) in _brand_roles()["place_before"]
            and not kind_follows
        ):
            return True  # "see the fish on the reef": a place, not the sandal maker Reef
        if i > 0 and tokens[i - 1].text in _VERB_BEFORE:
            return True  # "she wont touch chicken", "it can ball up": a verb, not the maker Touch
        if i > 0 and (tokens[i - 1].text.isdigit() or tokens[i - 1].text in _number_words()):
            return True  # "comes as a 2 pack": a count, not the maker Packs
        # (or "the" with a clause going on: "the launch spot is all rocks" is a place, not the pet bowl
        # maker SPOT; "the most expensive lego" ends on the maker's name)
        opener = next(
            (
                j
                for j in range(i - 1, max(-1, i - 4), -1)
                if tokens[j].text in _ARTICLES or (tokens[j].text == "the" and following in _CLAUSE_VERBS)
            ),
            None,
        )
        if (
            opener is not None
            and opener < i - 1
            and all(t.text.isalpha() and t.stem not in FILLER_WORDS for t in tokens[opener + 1 : i])
            and (not following or following in FILLER_WORDS)
        ):
            return True  # "going for a candy cane vibe": the head of a noun phrase, not the maker Vibe
        if i == 0:  # "random q but …": an opening word before a throwaway one, not a product's maker
            return len(following) == 1 or following in FILLER_WORDS
        if tokens[i - 1].text not in _POSSESSIVES:
            return False
        return not kind_follows

    def purpose_category(self, tokens: list[Token]) -> str | None:
        """The category a purpose in ``tokens`` names ("to blend" → blenders), if one does."""
        stems = [t.stem for t in tokens]
        for i, t in enumerate(tokens):
            if (
                t.stem in self._agents
                and self._purpose_at(tokens, i)
                and self._agent_object(stems, i, self._agents[t.stem][2])
            ):
                return self._agents[t.stem][2]
        return None

    @staticmethod
    def _agent_object(stems: list[str], i: int, category: str) -> bool:
        """A category named by a doing and what it is done to ("Fire Starters", "Hair Dryers") is
        meant only when that is what is done: "for drying hair", not "to start a podcast"."""
        # a modifier that reads as an adjective ("Electric Shavers") names no object: "to shave my legs"
        words = [
            singular(w)
            for w in re.findall(r"[a-z]+", category.lower())[:-1]
            if not w.endswith(_ADJECTIVE_ENDINGS) and w not in FILLER_WORDS
        ]
        # ("to start a campfire": what is done to may be written as one word with it)
        said = [singular(s) for s in stems[i + 1 : i + 5]]
        return not words or any(w in s for w in words for s in said)

    @staticmethod
    def _purpose_at(tokens: list[Token], i: int) -> bool:
        # "for drying hair", "to blend smoothies", and the doing said of someone: "he shaves every
        # morning", "she blends smoothies daily" (a shaver, a blender)
        said_of = (
            i > 0
            and tokens[i - 1].text in _SUBJECTS
            and tokens[i].text.endswith("s")
            and tokens[i].stem not in _GENERAL_DOINGS
        )
        return tokens[i].text.endswith("ing") or (i > 0 and tokens[i - 1].text in ("to", "for")) or said_of

    def _add_doer(self, key: str, value: str) -> None:
        """A feature named by what it does ("built_in_grinder", "self_emptying") also matches the
        doing, said of the product itself: "grinds the beans itself", "empties on its own"."""
        words = [w for w in re.split(r"[^a-z]+", key.lower()) if w]
        if not words:
            return
        head = words[-1]
        verbs = []
        if head.endswith("er") and len(head) >= 6:  # an agent noun: grinder → grind
            verbs.append(head[:-2])
        if words[0] in {"self", "auto"} and len(words) == 2:  # self_emptying → empty
            verbs.append(head)
        for verb in verbs:
            stem = _stems(verb)
            if len(stem) == 1 and len(stem[0]) >= 4:
                self._doers.setdefault(stem[0], ("attribute", key, value))

    def _add(self, kind: str, key: str | None, value: str, *, prefix: bool) -> None:
        stems = _stems(value)
        if not stems:
            return
        self.words.update(stems)
        self._exact.setdefault(stems, []).append((kind, key, value))
        if prefix and len(stems) > 1:
            self._prefix.setdefault(stems[0], []).append((kind, key, value))
        if kind == "color":
            # "grey" finds a color the feed files as "Gray" (lexicons/shorthand.yaml spellings)
            other = spelling_variants()
            respelled = tuple(other.get(s, s) for s in stems)
            if respelled != stems:
                self.words.update(respelled)
                self._exact.setdefault(respelled, []).append((kind, key, value))
                if prefix and len(respelled) > 1:
                    self._prefix.setdefault(respelled[0], []).append((kind, key, value))

    # lookups ------------------------------------------------------------------------------------
    def display(self, kind: str, key: str | None, value: str) -> str:
        v = self.vocabulary
        table = {"brand": v.brands, "category": v.categories, "color": v.colors}.get(kind)
        if table is None:
            table = v.attributes.get(key or "", {})
        return table.get(value, value)

    def _count(self, kind: str, key: str | None, value: str) -> int:
        prefix = f"attr:{key}" if kind == "attribute" else kind
        return self.vocabulary.counts.get(f"{prefix}:{value}", 0)

    def _best(
        self, entries: Iterable[_Entry], near: frozenset[str] = frozenset(), surface: str = ""
    ) -> _Entry:
        """Kind precedence first; then an attribute whose key the neighbouring words name
        ("adjustable lumbar support": lumbar_support, not a jump rope's adjustable=yes); then the
        most common brand/category/color, but the *rarest* attribute key carrying the value (the
        more telling constraint: "stainless" is the finish some dishwashers have, not the tub
        material most of them have)."""

        def rank(e: _Entry) -> tuple[int, int, int, int, int]:
            count = self._count(*e)
            named = e[0] == "attribute" and e[1] is not None and bool(set(_stems(e[1])) & near)
            # "basketballs" is the leaf Basketballs, not the level Basketball above it; a possessive
            # is no difference ("women's" is as much Women as the one-product level Women's)
            exact = bool(surface) and _POSSESSIVE.sub("", e[2]) == _POSSESSIVE.sub("", surface)
            return (
                # "oxfords": the category of that very name, not the maker Oxford
                0 if exact and e[0] in ("brand", "category") else 1,
                _PRECEDENCE[e[0]],
                0 if named else 1,
                0 if exact else 1,
                count if e[0] == "attribute" else -count,
            )

        return min(entries, key=rank)

    def _match(self, entry: _Entry, start: int, end: int, *, fuzzy: bool) -> ValueMatch:
        kind, key, value = entry
        return ValueMatch(
            kind=kind,  # type: ignore[arg-type]
            key=key,
            value=value,
            display=self.display(kind, key, value),
            start=start,
            end=end,
            fuzzy=fuzzy,
        )

    def _brand_prefix(self, value: str) -> bool:
        """Whether a brand's first word alone names it ("Corvid" for "Corvid Systems"): a word that is
        not ordinary English, or a brand this store carries widely."""
        from assistant.plan.typos import ordinary_word

        words = re.findall(r"[a-z0-9]+", value.lower())  # "Brand: City …" opens with "brand", not "brand:"
        first = words[0] if words else ""
        count = self.vocabulary.counts.get(f"brand:{value}", 0)
        share = count / self._brand_total
        # a maker of one product is not what its first word means ("drywall" is not Drywall Axe)
        return len(first) >= 4 and count >= 2 and (not ordinary_word(first) or share >= _BRAND_PREFIX_SHARE)

    def _prefix_entry(self, stem: str) -> _Entry | None:
        entries = self._prefix.get(stem, [])
        values = {(k, key, v) for k, key, v in entries}
        if len({v for _, _, v in values}) == 1:
            return self._best(values)
        return None

    def find(self, tokens: list[Token]) -> list[ValueMatch]:
        """Catalog values in ``tokens``: greedy longest match, left to right, negation marked. Two
        words the catalog writes as one ("paddle board" → paddleboard, "ear buds") match as one."""
        plain = self._find(tokens)
        joined, origin = self._compounds(tokens)
        if len(joined) == len(tokens):
            return plain
        found = self._find(joined)
        compound = {i for i, (a, b) in enumerate(origin) if b - a == 2}
        if not any(compound.intersection(range(m.start, m.end)) for m in found):
            return plain  # the joined word names nothing the catalog sells: keep the words apart
        if not self._joined_names(tokens, found, origin, compound):
            return plain
        return [
            m.model_copy(update={"start": origin[m.start][0], "end": origin[m.end - 1][1]}) for m in found
        ]

    def _joined_names(
        self, tokens: list[Token], found: list[ValueMatch], origin: list[tuple[int, int]], compound: set[int]
    ) -> bool:
        """Whether a value matched on a joined word (``found``, over the joined tokens) names what the
        words said apart mean. "hair tinsel" is the product, not the one-product maker Hairtinsel:
        words said apart name a maker only when they are not all plain words and the maker has more
        than one listing."""
        from assistant.plan.typos import ordinary_word

        for m in found:
            if not compound.intersection(range(m.start, m.end)):
                continue
            if m.kind != "brand":
                return True
            said = tokens[origin[m.start][0] : origin[m.end - 1][1]]
            listed = self.vocabulary.counts.get(f"brand:{m.value}", 0)
            if listed >= 2 and not all(ordinary_word(t.text) for t in said):
                return True
        return False

    def compounds(self, tokens: list[Token]) -> list[Token]:
        """``tokens`` with two words the catalog writes as one joined ("paddle board" → paddleboard),
        where the joined word names something the catalog sells."""
        joined, origin = self._compounds(tokens)
        if len(joined) == len(tokens):
            return tokens
        compound = {i for i, (a, b) in enumerate(origin) if b - a == 2}
        # the joined word matches a value, or a category name holds it: one word
        named = self._joined_names(tokens, self._find(joined), origin, compound)
        held = any(t.stem in self._category_words() for i, t in enumerate(joined) if i in compound)
        return joined if named or held else tokens

    def product_word(self, stem: str) -> bool:
        """Whether ``stem`` is a word of a category name or of an attribute value (not of a key, nor
        of a product id a value points at): a word that can name or describe a product."""
        if self._value_stems is None:
            words = set(self._category_words())
            for values in self.vocabulary.attributes.values():
                for value in values:
                    if not re.search(r"\d", value) or " " in value:
                        words.update(_stems(value))
            self._value_stems = frozenset(words)
        return stem in self._value_stems

    def _category_words(self) -> frozenset[str]:
        if self._category_stems is None:
            self._category_stems = frozenset(s for v in self.vocabulary.categories for s in _stems(v))
        return self._category_stems

    def _compounds(self, tokens: list[Token]) -> tuple[list[Token], list[tuple[int, int]]]:
        out: list[Token] = []
        origin: list[tuple[int, int]] = []
        i = 0
        while i < len(tokens):
            t = tokens[i]
            if i + 1 < len(tokens) and t.text.isalpha() and tokens[i + 1].text.isalpha():
                word = t.text + tokens[i + 1].text
                stem = singular(word)
                pair = (t.stem, tokens[i + 1].stem)
                if (
                    len(word) >= 7
                    and stem in self.words
                    and pair not in self._exact
                    and not self._starts(pair)
                ):
                    out.append(Token(text=word, stem=stem, start=t.start, end=tokens[i + 1].end))
                    origin.append((i, i + 2))
                    i += 2
                    continue
            out.append(t)
            origin.append((i, i + 1))
            i += 1
        return out, origin

    def _starts(self, pair: tuple[str, str]) -> bool:
        """Whether a catalog value begins with these two words ("stand up …"): then they stay apart."""
        if self._openings is None:
            self._openings = frozenset(k[:2] for k in self._exact if len(k) > 2)
        return pair in self._openings

    def _find(self, tokens: list[Token]) -> list[ValueMatch]:
        found: list[ValueMatch] = []
        i = 0
        stems = [t.stem for t in tokens]
        while i < len(tokens):
            hit: ValueMatch | None = None
            common = False
            for n in range(min(_MAX_NGRAM, len(tokens) - i), 0, -1):
                entries = self._exact.get(tuple(stems[i : i + n]))
                if entries:
                    near = frozenset(stems[max(0, i - 2) : i] + stems[i + n : i + n + 3]) - FILLER_WORDS
                    surface = " ".join(t.text for t in tokens[i : i + n])
                    best = self._best(entries, near, surface)
                    if n == 1 and best[0] == "category" and i and stems[i - 1] in _MODALS:
                        break  # "gray would match our kitchen": a verb after a modal, not Matches
                    if n == 1 and best[0] == "category" and _predicative(tokens, i):
                        break  # "my pillows went totally flat": how a thing is, not Flats
                    if best[0] == "brand" and (
                        self._common_noun(tokens, i, n, best[2]) or self._said_as_word(tokens, i, n, best[2])
                    ):
                        others = [e for e in entries if e[0] != "brand"]
                        if not others:
                            common = True
                            break
                        best = self._best(others, near, surface)
                    hit = self._match(best, i, i + n, fuzzy=False)
                    break
            if common:  # an ordinary word, not a brand: nothing to read here
                i += 1
                continue
            if (
                hit is None
                and stems[i] in self._agents
                and self._purpose_at(tokens, i)
                and self._agent_object(stems, i, self._agents[stems[i]][2])
            ):
                # "something to blend smoothies", "for grinding coffee": the catalog's agent noun.
                hit = self._match(self._agents[stems[i]], i, i + 1, fuzzy=False)
            if hit is None and stems[i] in self._feature_heads and _HAS_CUE & set(stems[max(0, i - 2) : i]):
                # "the one with the grinder": a yes/no feature named by its key's last word
                hit = self._match(self._best(self._feature_heads[stems[i]]), i, i + 1, fuzzy=False)
            if hit is None and stems[i] in self._jargon_words():
                hit = self._match(self._jargon_words()[stems[i]], i, i + 1, fuzzy=False)
            if hit is None and stems[i] in self._doers and _REFLEXIVE & set(stems[i + 1 : i + 6]):
                hit = self._match(self._doers[stems[i]], i, i + 1, fuzzy=False)
            if hit is None:
                hit = self._fuzzy_token(tokens[i], i)
                if hit is not None and self._adjective_not_brand(tokens, i, hit):
                    hit = None
            if hit is None:
                hit = self._family(stems, i, found)
            if hit is None:
                i += 1
                continue
            if not self.indifferent(stems, hit):
                found.append(hit.model_copy(update={"negated": self.negated(stems, hit, found)}))
            i = hit.end
        return [
            m
            for m in _owned_colors(tokens, _color_as_subject(stems, _replaced(stems, found)))
            if not _observed(stems, m) and not _plural_color(tokens, m) and not _in_complaint(stems, m)
        ]

    @staticmethod
    def indifferent(stems: list[str], hit: ValueMatch) -> bool:
        """Whether the shopper says ``hit`` does not matter: "waterproof or not", "doesn't matter if
        they're waterproof", "either way": neither asked for nor ruled out."""
        return said_either_way(stems, hit.start, hit.end)

    def _jargon_words(self) -> dict[str, _Entry]:
        if self._jargon is None:
            from assistant.plan.typos import ordinary_word

            # a word that opens two keys names neither
            opens = Counter(word for word, _ in {(w, k) for w, k, _ in self._jargon_keys})
            self._jargon = {
                word: ("attribute", key, value)
                for word, key, value in self._jargon_keys
                if len(word) >= 3 and word.isalpha() and opens[word] == 1 and not ordinary_word(word)
            }
        return self._jargon

    @staticmethod
    def _adjective_not_brand(tokens: list[Token], i: int, hit: ValueMatch) -> bool:
        """ "a little smoothie maker": an ordinary word that opens a brand's name ("Little Meadow"),
        said as an adjective after an article and before another word, describes the product."""
        from assistant.plan.typos import ordinary_word

        word = tokens[i].text
        return (
            hit.kind == "brand"
            and norm(hit.value) != word
            and ordinary_word(word)
            and i > 0
            and tokens[i - 1].text
            in ("a", "an", "the", "some", "another", "very", "too", "my", "this", "that", "these", "those")
            and i + 1 < len(tokens)
            # "i can spend a little more": a quantity, not the maker Little Meadow
            and (
                tokens[i + 1].text not in FILLER_WORDS
                or tokens[i + 1].text in ("more", "less", "bit", "while")
            )
        )

    def _family(self, stems: list[str], i: int, earlier: list[ValueMatch]) -> ValueMatch | None:
        """A word that is part of several values of ONE attribute key: "mechanical" opening
        "mechanical linear"/"mechanical tactile" selects them all; any word of a value does when it is
        excluded ("down-free" rules out "800-fill down", "650-fill down")."""
        keys = self._families.get(stems[i], {})
        if len(keys) != 1:
            return None
        ((key, values),) = keys.items()
        probe = ValueMatch(kind="attribute", key=key, value=values[0], display=stems[i], start=i, end=i + 1)
        if not self.negated(stems, probe, earlier):
            values = [v for v in values if _stems(v)[0] == stems[i]]
            if len(values) < 2:
                return None
        return probe.model_copy(update={"value": values[0], "values": tuple(sorted(values))})

    def _fuzzy_token(self, token: Token, i: int) -> ValueMatch | None:
        stem = token.stem
        if len(stem) < 4 or stem in FILLER_WORDS or not stem.isalpha():
            return None
        entry = self._prefix_entry(stem)
        if entry is not None:
            return self._match(entry, i, i + 1, fuzzy=True)
        if stem in self.words:
            return None
        from assistant.plan.typos import ordinary_word

        if ordinary_word(token.text):
            return None  # "while he heals and rests": an ordinary word, no misspelt maker (Crest)
        if stem not in self._close_brands:  # the same words recur turn after turn
            close = difflib.get_close_matches(stem, list(self._single_brands), n=1, cutoff=_BRAND_TYPO_CUTOFF)
            self._close_brands[stem] = close[0] if close else None
        brand = self._close_brands[stem]
        return self._match(("brand", None, brand), i, i + 1, fuzzy=True) if brand else None

    @staticmethod
    def negated(stems: list[str], hit: ValueMatch, earlier: list[ValueMatch]) -> bool:
        """Whether ``hit`` is ruled out by the words around it ("not smart", "latex-free")."""
        if hit.end < len(stems) and stems[hit.end] in negation_after():
            return True  # "latex-free"
        if complained_of(stems, hit.end):
            return True  # "the wired ones always get tangled"
        j = hit.start
        # "not too firm", "nothing super thin": a word of degree (``evaluative.yaml``) may sit
        # between the cue and the value
        degree = lexicons().degree
        while j > 0 and (stems[j - 1] in _NEGATION_SKIP or stems[j - 1] in degree) and hit.start - j < 3:
            j -= 1
        if j > 0 and stems[j - 1] in _NEGATION_SINGLE:
            return True
        if _NOT_THE_ONE_WITH.search(" ".join(stems[max(0, hit.start - 7) : hit.start]) + " "):
            return True  # "not the one with the pets", "not the ones that have fluoride"
        if j > 1 and stems[j - 1] == "for" and stems[j - 2] in ("not", "nothing", "isn't", "isnt"):
            return True  # "not for my kid" (but "no, for my kid" wants it)
        if j > 1 and (stems[j - 2], stems[j - 1]) in _NEGATION_PAIRS:
            return True
        if j > 2 and stems[j - 1] == "with" and (stems[j - 3], stems[j - 2]) in _NEGATION_PAIRS:
            return True  # "doesn't come with a grinder"
        if _any_but(stems, hit.start):
            return True  # "any brand but kaweco", "every color but red"
        before = tuple(stems[max(0, j - 5) : j])
        if any(
            before[len(before) - len(cue) :] == cue and not _counted(stems, j - len(cue))
            for cue in negation_cues()
            if len(cue) <= len(before)
        ):
            return True
        if earlier and earlier[-1].negated and earlier[-1].kind == hit.kind:
            # "not latex or memory foam"; nothing between ("aren't memory foam? queen") is a new thought
            between = stems[earlier[-1].end : hit.start]
            return bool(between) and all(s in _LIST_JOINERS for s in between)
        return False

    def resolve(self, kind: ValueKind, raw: str, key: str | None = None) -> ValueMatch | None:
        """The catalog value meant by ``raw`` (an LLM's or a UI's value), or ``None`` if the catalog
        has nothing close. Exact → singular/plural → unique prefix → close spelling."""
        value = norm(raw)
        if not value:
            return None
        stems = _stems(value)
        candidates = [
            e for e in self._exact.get(stems, []) if e[0] == kind and (key is None or e[1] == norm(key))
        ]
        if candidates:
            return self._match(self._best(candidates), -1, -1, fuzzy=self._best(candidates)[2] != value)
        if len(stems) == 1:
            entry = self._prefix_entry(stems[0])
            if entry is not None and entry[0] == kind:
                return self._match(entry, -1, -1, fuzzy=True)
        pool = self._pool(kind, key)
        close = difflib.get_close_matches(value, list(pool), n=1, cutoff=_LLM_VALUE_CUTOFF)
        return self._match(pool[close[0]], -1, -1, fuzzy=True) if close else None

    def _pool(self, kind: ValueKind, key: str | None) -> dict[str, _Entry]:
        v = self.vocabulary
        if kind == "attribute":
            keys = [norm(key)] if key and norm(key) in v.attributes else list(v.attributes)
            return {val: ("attribute", k, val) for k in keys for val in v.attributes[k]}
        table = {"brand": v.brands, "category": v.categories, "color": v.colors}[kind]
        return {val: (kind, None, val) for val in table}

    def typo_corrector(self, lexicon: frozenset[str] = frozenset()) -> TypoCorrector:
        """A corrector towards the words of category names (with the number of products filed there)
        and the planner's own ``lexicon`` words ("powerfull" → "powerful"), built once per vocabulary.
        Brands have their own closer typo rule (:meth:`_fuzzy_token`); correcting towards them
        turned "firestick" into an unrelated brand."""
        if self._corrections is None:
            v = self.vocabulary
            words: dict[str, int] = {w: 1 for w in lexicon if len(w) >= 4 and w.isalpha()}
            for value in v.categories:
                said = re.findall(r"[a-z]+", value)
                # ("tshirt" for T-Shirts: the name said as one word is no misspelling of "shirt")
                glued = (
                    ["".join(said)]
                    if len(said) >= 2 and (tuple(_stems("".join(said))) in self._exact)
                    else []
                )
                for w in [*said, *glued]:
                    for form in {w, singular(w)}:
                        if len(form) >= 4:
                            words[form] = words.get(form, 0) + v.counts.get(f"category:{value}", 1)
            # a feature's own name ("wirless keybord": the wireless key of keyboards)
            for key in v.attributes:
                for w in re.findall(r"[a-z]+", key):
                    if len(w) >= 4 and w not in ("yes", "true"):
                        words[w] = words.get(w, 0) + 1
            # a value's own words ("stabilty running shoes": the stability support type); not numbers
            for key, values in v.attributes.items():
                for value in values:
                    for w in re.findall(r"[a-z]+", value):
                        if len(w) >= 4 and w not in ("yes", "true", "false"):
                            words[w] = words.get(w, 0) + v.counts.get(f"attr:{key}:{value}", 1)
            self._corrections = TypoCorrector(words)
        return self._corrections

    def spellings(self, brand: str) -> list[str]:
        """The catalog's brands that are ``brand`` written with or without spaces and hyphens
        ("tastefully simple", "tastefullysimple"), ``brand`` first; one table per vocabulary."""
        if self._spellings is None:
            table: dict[str, list[str]] = {}
            for value in self.vocabulary.brands:
                table.setdefault(re.sub(r"[^a-z0-9]", "", value), []).append(value)
            self._spellings = table
        same = self._spellings.get(re.sub(r"[^a-z0-9]", "", brand), [])
        return [brand, *(b for b in same if b != brand)]

    def covers(self, word: str) -> bool:
        """Whether the catalog's vocabulary uses ``word`` (any form) at all."""
        return singular(word) in self.words

    def top_categories(self, n: int = 3) -> list[str]:
        """The catalog's most common category names that are not near-universal roots."""
        counts = {c: self.vocabulary.counts.get(f"category:{c}", 0) for c in self.vocabulary.categories}
        if not counts:
            return []
        ceiling = max(counts.values())
        ranked = sorted(counts, key=lambda c: (-counts[c], c))
        leafish = [c for c in ranked if counts[c] < ceiling] or ranked
        return [self.vocabulary.categories[c] for c in leafish[:n]]


_CACHE: list[tuple[Vocabulary, VocabularyMatcher]] = []
_CACHE_SIZE = 4


def matcher_for(vocabulary: Vocabulary) -> VocabularyMatcher:
    """The matcher of ``vocabulary`` (the same object reuses its index)."""
    for vocab, matcher in _CACHE:
        if vocab is vocabulary:
            return matcher
    matcher = VocabularyMatcher(vocabulary)
    _CACHE.insert(0, (vocabulary, matcher))
    del _CACHE[_CACHE_SIZE:]
    return matcher

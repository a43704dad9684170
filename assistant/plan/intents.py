"""Cues in the shopper's message that are not filter values: injection attempts to ignore, "forget
the price"/"any brand" clears, small talk, comparisons, questions about shown products, requests
that start over, and what a too-vague request should be asked."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.plan.semantics import find_comparative
from assistant.plan.text import ALLOWED_DEGREE, ALLOWED_LEAD, FILLER_WORDS, YOU, Token, singular

__all__ = [
    "OTHER_BRAND",
    "Clears",
    "clarifying_question",
    "find_clears",
    "find_injection",
    "is_chit_chat",
    "is_compare",
    "is_followup",
    "is_new_request",
    "is_product_question",
]

ClearTarget = Literal["price", "brand", "color", "category", "rating", "stock", "all"]

_INJECTION = re.compile(
    r"(?:ignore|disregard|forget|override|bypass)\s+(?:all\s+|any\s+|the\s+|your\s+|my\s+)*"
    r"(?:previous|prior|above|earlier|system|original|existing)?\s*"
    r"(?:instructions?|prompts?|rules|messages|directions|guidelines|context|constraints)"
    r"|(?:reveal|print|show|repeat|tell me)\s+(?:me\s+)?(?:your|the)\s+(?:system\s+)?(?:prompt|instructions)"
    r"|system\s+prompt|developer\s+mode|jailbreak|you\s+are\s+now\b[^.!?]*|act\s+as\b[^.!?]*"
    r"|pretend\s+(?:to\s+be|you\s+are)\b[^.!?]*|new\s+instructions?:?[^.!?]*|\bdo\s+anything\s+now\b"
)
_CLEAR_VERB = (
    r"(?:forget|ignore|drop|remove|clear|reset|never\s?mind|don't\s+care\s+about|dont\s+care\s+about|"
    r"no\s+need\s+for|skip|lose)"
)
_CLEAR_TARGETS: dict[str, ClearTarget] = {
    "price": "price", "prices": "price", "budget": "price", "price limit": "price", "price range": "price",
    "cost": "price", "brand": "brand", "brands": "brand", "color": "color", "colour": "color",
    "colors": "color", "category": "category", "rating": "rating", "stars": "rating", "stock": "stock",
    "filters": "all", "filter": "all", "everything": "all", "constraints": "all",
}  # fmt: skip
_TARGET_ALT = "|".join(sorted((re.escape(t) for t in _CLEAR_TARGETS), key=len, reverse=True))
_NARROWED = re.compile(r"\s+(?:that|which|with|under|below|over|above|at\s+least|at\s+most|from|in)\b")
_START_OVER = re.compile(
    r"\b(?:start\s+over|start\s+again|new\s+search|from\s+scratch|reset)\b"
    # "ok different thing - …", "totally unrelated but …", "switching gears", "on another note": the
    # shopper says the ask that follows is a new one, so nothing carries over from the last ("another
    # question: does the first one fold?" asks about what was shown, and "something totally different"
    # may still be of the kind shown: neither is one)
    r"|\b(?:different|separate|unrelated)\s+(?:thing|topic|subject|purchase|request)\b"
    r"|\b(?:unrelated|separate)\s+question\b|\b(?:totally|completely|entirely)\s+(?:unrelated|separate)\b"
    r"|\bunrelated\s*(?:but\b|[,:;-])|\bswitching\s+gears\b|\bchange\s+of\s+(?:topic|subject)\b"
    r"|\bchanging\s+(?:the\s+)?(?:topic|subject)\b"
    r"|\bon\s+(?:a|an|another)\s+(?:different\s+|unrelated\s+|separate\s+|other\s+)?note\b"
)
_CHIT_WORDS = frozenset(
    [
        "hi",
        "hello",
        "hey",
        "hiya",
        "yo",
        "morning",
        "afternoon",
        "evening",
        "thanks",
        "thank",
        "thx",
        "ty",
        "cheers",
        "cool",
        "great",
        "awesome",
        "perfect",
        "bye",
        "goodbye",
        "later",
        "lol",
        "haha",
        "nice",
        "helpful",
        "appreciate",
        "sure",
        "ok",
        "okay",
        "help",
        "joke",
        "good",
        "how",
        "are",
        "you",
        "who",
        "what",
        "can",
        "do",
        "it",
        "that's",
        "that",
        "this",
        "is",
        "was",
        "you're",
        "doing",
        "there",
        "much",
        "so",
        "lot",
    ]
)
_GREETING = frozenset(
    [
        "hi",
        "hello",
        "hey",
        "hiya",
        "yo",
        "thanks",
        "thank",
        "thx",
        "ty",
        "cheers",
        "bye",
        "goodbye",
        "lol",
        "haha",
        "appreciate",
        "joke",
        "help",
        "morning",
    ]
)
_COMPARE = re.compile(
    r"\b(?:compare|comparison|comparing|vs\.?|versus|(?:differences?|diffs?)\s+between|what's\s+the\s+difference|"
    r"how\s+do\s+(?:they|these|those)\s+(?:differ|compare)|side[\s-]+by[\s-]+side|stack\s+up|"
    r"(?:against|next\s+to|beside|vs\.?|versus)\s+(?:each\s+other|one\s+another)|head[\s-]+to[\s-]+head|"
    # "put the black halcyon next to the white sonovel"
    r"\b(?:put|place|line|set|hold)\s+(?:up\s+)?(?:the|that|this|those|these|#?\d|number)\b[^.?!]{0,40}?\s(?:next\s+to|beside|alongside|against)\s|"
    r"specs?[\s-]+(?:by|for|to)[\s-]+specs?|"
    r"(?:break\s*-?\s*down|run\s*-?\s*down)\s+of\s+(?:both|all\s+(?:two|three)|the\s+(?:two|three|top)|these|those|them)\b|stack\s+(?:\w+\s+){1,4}up\b|"
    r"which\s+(?:one\s+)?(?:is|has|would|should|will|of\s+(?:these|them|those|the\s+two))|"
    r"(?:better|quieter|cheaper|lighter)\s*,?\s+(?:the\s+)?\S+\s+or\b|"
    # "pit #1 against #3", "contrast the two", "pros and cons of the first two", "which wins"
    r"\bpit\s+\S+(?:\s+\S+)?\s+against\b|which\s+(?:one\s+)?wins\b|"
    # "pit the white anchor 9 against the teal pacecraft everyday stability"
    r"\bpit\s+(?:the|that|this|those|these|#?\d|number|first|second|top)\b[^.?!]{0,50}?\sagainst\b|"
    r"(?:\bcontrast|pros\s+and\s+cons\s+(?:of|for)|\btable\s+of|break\s*-?\s*down|run\s*-?\s*down)\s+"
    r"(?:the\s+)?(?:first|top|last|two|both|these|those|them|#?[1-5]\b)|"
    r"which\s+of\s+(?:the\s+)?(?:first|top|last)\s+(?:two|three|2|3)\b|"
    # "break the first two down for me in a table", "put those in a table"
    r"\b(?:break|lay|set)\s+(?:the\s+)?(?:first|top|last|two|both|these|those|them)\b(?:\s+\w+){0,2}\s+(?:down|out)\b|"
    # "line up the first two", "line those two up"
    r"\bline\s+up\s+(?:the\s+)?(?:first|top|last|two|both|these|those|them|#?[1-5]\b)|"
    # "line up the tenmiro and the lepro for me"
    r"\bline\s+up\s+the\s+[^.?!]{1,40}?\s+and\s+the\b|"
    r"\bline\s+(?:the\s+)?(?:first|top|last|two|both|these|those|them)\b(?:\s+\w+){0,2}\s+up\b|"
    r"\bin\s+a\s+(?:table|chart|grid)\b|"
    # "lay out the specs for both"
    r"\b(?:specs?|numbers|details|stats)\s+(?:for|of|on)\s+(?:both|the\s+(?:two|three)|all\s+(?:two|three))\b|"
    r"\b(?:lay|set|spell)\s+out\b[^.?!]{0,30}\bboth\b|"
    # "what sets the top 2 apart", "how the top two differ", "whats actually different between X and Y"
    r"\bwhat(?:'?s|\s+is)?\s+(?:sets?|makes?|setting)\s+(?:\w+\s+){1,4}(?:\w+\s+)?apart\b|\bhow\s+(?:\w+\s+){1,5}differ\b|"
    r"\bwhat(?:'?s|\s+is)?\s+(?:\w+\s+)?different\s+(?:between|about)\b|"
    r"how\s+(?:are|is)\s+(?:the\s+)?\S+(?:\s+one)?\s+and\s+(?:the\s+)?\S+(?:\s+one)?\s+different\b|"
    r"\bis\s+(?:the\s+)?(?:first|second|third|last|[1-5](?:st|nd|rd|th))(?:\s+one)?\s+(?:any\s+)?"
    r"(?:better|worse)\s+than\b)"
)
# A question may open with the product it is about: "first one - how waterproof is it?", "#2: does it fold?"
_LEAD_REFERENCE = (
    r"(?:(?:(?:the|that|this)\s+)?(?:first|second|third|fourth|fifth|last|top|other|[1-5](?:st|nd|rd|th))"
    r"(?:\s+(?:one|pair|pick|option))?(?:\s+(?:there|here|(?:you|u)\s+(?:showed|show|listed|sent|had|mentioned|picked)"
    r"(?:\s+me)?))?|#\s?\d|(?:number|option)\s+\w+)\s*[-\u2013\u2014:,.]+\s*"
)
_QUESTION_START = re.compile(
    # at the start, or opening a later clause ("2nd one looks nice, what brand is that")
    # (a spaced dash opens a clause too: "the teal northfold - whats its waterproof rating")
    rf"(?:^|[,.;!?]\s*|\s[-\u2013\u2014]\s+)\s*(?:(?:and|so|ok|okay|also|but|oh|hmm|cool|great|nice|thanks)\b[\s,.!-]*)?"
    rf"(?:{_LEAD_REFERENCE})?"
    # ("has to be the actual dremel brand": "have to" says what it must be, no question)
    r"(?:does|do|is|are|can|could|will|would|how|what|what's|whats|which|where|when|why|(?:has|have)(?!\s+to\b)|"
    r"who\s+(?:makes|made|sells)|who's|whos|whose)\b"
    r"|\b(?:tell\s+me\s+(?:more\s+)?about|more\s+(?:info|details|information)\s+(?:on|about)|specs\s+(?:of|for)|"
    r"warranty|reviews?\s+(?:of|for))\b"
)
_REFERENCE = re.compile(
    r"\b(?:it|its|it's|this|that|they|them|these|those|"
    r"the\s+(?:first|second|third|fourth|fifth|last|cheapest|other|[1-5](?:st|nd|rd|th)|"
    r"(?:top|leading)\s+(?:one|pick|choice|option|result)|middle(?:\s+one)?)|which\s+(?:one|ones|of)|"
    r"(?:number|option|item|pick)\s+(?:\d|one|two|three|four|five)\b|"
    r"this\s+one|that\s+one|one\s+of\s+(?:them|these|those)|"
    # "2nd one's weight?": a position said without "the"
    r"(?:first|second|third|fourth|fifth|last|[1-5](?:st|nd|rd|th))\s+one)\b|#\s?\d"
)
_FOLLOWUP = re.compile(
    r"^\s*(?:only|just|and|but|also|with|without|any\s+in|in\s+\w+|what\s+about\s+(?:in|with|a|the)\b)"
    r"|\b(?:ones?|those|these|them|they|it|instead)\b|\?\s*$"
)
_NEW_REQUEST = re.compile(
    # "now" opens a clause ("ok now a tent", "cool, now a deck box"); "she's gone grey now" says when
    r"(?:(?:^|[,.;:!?-]\s*)(?:(?:ok|okay|and|so|alright|cool|great|right)\W+)*now\b)|"
    r"\b(?:how\s+about|what\s+about|i\s+need|i\s+want|i'm\s+looking|im\s+looking|looking\s+for|show\s+me|"
    rf"find\s+me|get\s+me(?!\s*(?:[?.!]|$))|search\s+for|do(?:es)?\s+{YOU}\s+(?:even\s+|also\s+)?(?:have|sell|carry)|also\s+need|switch\s+to|"
    r"let's\s+look\s+at|"
    # "and is there an electric kettle somewhere on here?": another thing asked for, not a stand-in
    r"(?:is|are)\s+there\s+(?:an?|any)\s+(?!(?:one|ones|version|versions|model|models|other|others)\b)(?=[a-z]))"
    r"\b"
)


class Clears(BaseModel):
    """Constraints the shopper asked to drop ("forget the price", "any brand", "start over")."""

    model_config = ConfigDict(extra="forbid")

    targets: set[str] = Field(default_factory=set, description="ClearTarget values or attribute keys.")
    spans: list[tuple[int, int]] = Field(default_factory=list)


def find_injection(text: str) -> list[tuple[int, int]]:
    """Spans of prompt-injection phrases ("ignore previous instructions…"): they are not requests."""
    return [m.span() for m in _INJECTION.finditer(text)]


# "i can stretch the budget a bit" (with a figure, "stretch it to 400" is a new cap: a price)
_LOOSEN_BUDGET = re.compile(
    r"\b(?:stretch|raise|increase|bump|up|loosen|extend)\s+(?:up\s+)?(?:the\s+|my\s+|our\s+)?(?:budget|price)\b"
    r"(?!\s+(?:up\s+)?to\b)|\bspend\s+(?:a\s+(?:bit|little)\s+)?more\b(?!\s+than)"
)


def loosens_budget(text: str) -> bool:
    """The shopper lifts their price limit without naming a new one ("I can stretch the budget")."""
    return _LOOSEN_BUDGET.search(text) is not None


OTHER_BRAND = re.compile(
    r"\b(?:other|different|another)\s+(?:brands?|makers?|manufacturers?|makes|companies|company|labels?)\b"
)
"""A maker other than the one in front of the shopper asked for ("other brands?", "another maker")."""


def find_clears(text: str, attribute_keys: Iterable[str] = ()) -> Clears:
    """Which constraints ``text`` drops; attribute keys ("forget the finish") are cleared by name."""
    keys = [re.escape(k) for k in attribute_keys if k]
    alt = "|".join([*(sorted(keys, key=len, reverse=True)), _TARGET_ALT])
    patterns = (
        rf"\b{_CLEAR_VERB}\s+(?:about\s+)?(?:the\s+|my\s+|a\s+|that\s+|any\s+)?({alt})\b(?:\s+(?:filter|limit|constraint))?",
        # "any wireless ones?" asks for them: a kind of product after the key is no clear
        rf"\b(?:any|whatever|no\s+particular|no\s+specific)\s+({alt})\b(?!\s+(?:ones?|models?|options?|kinds?|types?)\b)"
        rf"(?:\s+(?:is\s+)?(?:fine|ok|okay|works))?",
        rf"\b(?:the\s+)?({alt})\s+(?:doesn't|does\s+not|dont|don't)\s+matter\b",
        # "they don't have to be waterproof": allowed, no longer asked
        rf"{ALLOWED_LEAD}\s+(?:(?:{'|'.join(ALLOWED_DEGREE)})\s+)?({alt})\b",
        rf"\b(?:no\s+)({alt})\s+(?:limit|filter|preference)\b",
        rf"\b(?:other|different|another)\s+({alt})\b",  # "other brands?": not the one asked before
    )
    clears = Clears()
    for pattern in patterns:
        for m in re.finditer(pattern, text):
            word = m.group(1)
            if _CLEAR_TARGETS.get(word) == "all" and _NARROWED.match(text, m.end()):
                continue  # "show me everything that does at least 144hz": all of the kind that does
            clears.targets.add(_CLEAR_TARGETS.get(word, word))
            if _EXCEPT_AFTER.match(text, m.end()) is None:
                # ("any brand but kaweco": the words stay, so the value after them reads as ruled out)
                clears.spans.append(m.span())
    for m in _START_OVER.finditer(text):
        clears.targets.add("all")
        clears.spans.append(m.span())
    for m in _CLEAR_WORD.finditer(text):
        # "forget the budget and the 4k", "drop the leather": a word a product's text was asked to
        # say (Filters.text_words) is dropped by its own word
        for word in _WORD_LIST.findall(m.group("list")):
            if word not in _CLEAR_TARGETS and word not in FILLER_WORDS:
                clears.targets.add(f"word:{word}")
    return clears


# "any brand but kaweco", "whatever color except red": the exception that follows a clear
_EXCEPT_AFTER = re.compile(r"\s*,?\s*(?:but|except|besides|excluding|other\s+than|apart\s+from)\b")
_CLEAR_WORD = re.compile(
    rf"\b{_CLEAR_VERB}\s+(?P<list>(?:about\s+)?(?:the\s+|my\s+|that\s+)?[a-z0-9][a-z0-9-]*"
    r"(?:\s*(?:,|\band\b|&)\s*(?:the\s+|my\s+|that\s+)?[a-z0-9][a-z0-9-]*)*)"
)
_WORD_LIST = re.compile(r"(?<![a-z0-9-])(?!(?:about|the|my|that|and)\b)([a-z0-9][a-z0-9-]*)")


def is_chit_chat(tokens: list[Token]) -> bool:
    """Small talk only: greetings, thanks, goodbyes, "what can you do" — nothing to search."""
    words = [t.text for t in tokens]
    return (
        bool(words)
        and any(w in _GREETING for w in words)
        and all(w in _CHIT_WORDS or w in FILLER_WORDS for w in words)
    )


def is_compare(text: str) -> bool:
    found = _COMPARE.search(text)
    if found is not None and text.startswith("compared", found.start()):
        # "anything lighter compared to the first one": a comparative, not a side-by-side
        before = text[: found.start()].split()
        return not (before and find_comparative([singular(before[-1])]) is not None)
    return found is not None


def opens_question(text: str) -> bool:
    """The message opens like a question ("how many watts…", "does the…"), not just ends with "?"."""
    return _QUESTION_START.search(text) is not None


# "the Dustwise one", "the silver one": a reference by a word of the product, in a real question
# ("does the Dustwise one have HEPA?"); "over the range ones?" alone asks for such products instead.
_NAMED_ONE = re.compile(r"\bthe\s+[\w&'.-]+(?:\s+[\w&'.-]+)?\s+(?:one|ones|model|pair|version)\b")


# "anything low cut that's still waterproof?", "a jacket that is packable?": "that" opening a
# relative clause about the thing asked for, no pointer at a shown product
_RELATIVE_THAT = re.compile(
    r"\b(?:anything|something|any|some|a|an|ones?)\b[^.?!,;]{0,40}?\s(?P<that>that)(?:'s|\s+(?:is|are|has|have|can|will|would|comes?|fits?|does|do|doesn't|don't|isn't|aren't)\b)"
)


def is_product_question(text: str) -> bool:
    """A question about products already shown ("does it come in blue?", "is the second one quiet?")."""
    if _QUESTION_START.search(text) is not None and _NAMED_ONE.search(text) is not None:
        return True
    relative = {m.start("that") for m in _RELATIVE_THAT.finditer(text.lower())}
    return (text.rstrip().endswith("?") or _QUESTION_START.search(text) is not None) and any(
        m.start() not in relative for m in _REFERENCE.finditer(text.lower())
    )


def is_followup(text: str) -> bool:
    return _FOLLOWUP.search(text) is not None


_REFERS_BACK = re.compile(r"\b(?:ones?|those|these|them|they|it|instead|same|similar)\b")


_POINTS_BACK = re.compile(r"\b(?:those|these|them|they|it|instead|same|similar)\b")


def refers_back(text: str, *, pro_form: bool = True) -> bool:
    """The message points at what was shown ("cheaper ones", "in black instead"), a question mark aside.

    Without ``pro_form``, "one"/"ones" do not count: in "a desk, an electric one" it stands for the
    noun just named, not for what was shown."""
    return (_REFERS_BACK if pro_form else _POINTS_BACK).search(text) is not None


def is_new_request(text: str) -> bool:
    return _NEW_REQUEST.search(text) is not None


def clarifying_question(vague_words: Iterable[str], examples: list[str]) -> str:
    """One question that would make a vague request searchable."""
    hint = f" For example: {', '.join(e.lower() for e in examples)}." if examples else ""
    words = set(vague_words)
    if words & {"gift", "present", "birthday", "christmas", "xmas", "anniversary", "surprise", "holiday"}:
        return f"Happy to help with a gift! Who is it for, what are they into, and what's your budget?{hint}"
    return f"What kind of product are you looking for, and is there a budget?{hint}"

"""Which shown products a message refers to: "the first two", "#2", "the last one", "both",
"the cheapest one", or a name ("which is quieter, the Bosch or the LG?") matched against titles."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from functools import lru_cache

from assistant.plan.text import FILLER_WORDS, singular, tokenize

__all__ = ["POSITION", "named_by_parts", "position_spans", "resolve_references"]

_ORDINALS = {
    "first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
    "fifth": 5, "5th": 5, "sixth": 6, "6th": 6, "seventh": 7, "7th": 7, "eighth": 8, "8th": 8,
    "ninth": 9, "9th": 9, "tenth": 10, "10th": 10,
}  # fmt: skip
_COUNTS = {"two": 2, "three": 3, "four": 4, "five": 5, "2": 2, "3": 3, "4": 4, "5": 5, "couple": 2}
_ORD = "|".join(_ORDINALS)
_CNT = "|".join(_COUNTS)

_FIRST_N = re.compile(rf"\b(?:first|top)\s+({_CNT})\b")
_LAST_N = re.compile(rf"\b(?:last|bottom)\s+({_CNT})\b")
_SECOND_LAST = re.compile(r"\b(?:second|2nd)\s+(?:to\s+)?last\b")
_ORDINAL = re.compile(rf"\b({_ORD})\b")
_HASH = re.compile(r"#\s?(\d{1,2})\b|\b(?:number|no\.|option|item|product|result|pick)\s?#?\s?(\d{1,2})\b")
_HASH_WORD = re.compile(r"\b(?:number|option|item|pick|result)\s+(one|two|three|four|five)\b")
_WORD_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5}
_PLACE = r"(?:[1-9]|one|two|three|four|five)\b"
# "numbers one and two", "options 1, 3 and 4", "#1 and 3": several places after one label
_PLACE_LIST = re.compile(
    rf"(?:\b(?:numbers?|options?|items?|picks?|results?)\s+#?|#\s?)({_PLACE}(?:\s*(?:,|&|\band\b|\bor\b|\bvs\.?|\bversus\b)\s*#?\s?{_PLACE})+)"
)
_PLACE_WORD = re.compile(_PLACE)
_MIDDLE = re.compile(r"\bthe\s+middle(?:\s+(?:one|option|pick))?\b")
# "the last one", "the bottom pick" — not the verb ("how long does it last?").
_LAST = re.compile(
    r"\bthe\s+(?:very\s+)?(?:last|bottom)\b|\b(?:last|bottom)\s+(?:one|option|pick|item|result)\b"
)
_TOP = re.compile(r"\b(?:top|leading)\s+(?:one|pick|choice|option|result|recommendation)\b")
_BOTH = re.compile(r"\bboth\b|\b(?:these|those|the)\s+(?:two|2)\b")
_ALL = re.compile(r"\b(?:all of them|them all|all of these|all of those|these|those|them|they)\b")
_N_CHEAPEST = re.compile(rf"\b({_CNT})\s+(?:cheapest|least\s+expensive|lowest[- ]priced)\b")
_N_PRICIEST = re.compile(rf"\b({_CNT})\s+(?:most\s+expensive|priciest|highest[- ]priced)\b")
_CHEAPEST = re.compile(r"\b(?:cheapest|least expensive|lowest[- ]priced)\b")
_PRICIEST = re.compile(r"\b(?:most expensive|priciest|highest[- ]priced)\b")
_BARE_DIGIT = re.compile(r"(?<![\w$.#])([1-9])(?![\w.%$])")
_NAME_SPLIT = re.compile(r"\s*(?:,|\bor\b|\bvs\.?\b|\bversus\b|\band\b|\bwith\b|\bto\b|\bagainst\b)\s*")
_MAX_ALL = 5
_OWNED = re.compile(r"\b(?:my|our|his|her|their|your|ur)\s+[a-z]+(?:'s\s+[a-z]+)?")


POSITION = re.compile(
    r"\b(?:first|second|third|fourth|fifth|last|top|middle|#\s?\d|(?:numbers?|options?|items?|picks?)\s+(?:\d|one|two|three|four|five))\b"
)
"""A message that points at a shown product by its place in the list ("the second one", "number two",
"#3", "the middle one")."""


def position_spans(text: str) -> list[tuple[int, int]]:
    """Where lowercased ``text`` points at shown products by place ("the top two", "the last 3", "the
    top pick", "number two"): words there are positions, never catalog values ("top" is not Tops)."""
    patterns = (_FIRST_N, _LAST_N, _TOP, _HASH_WORD, _MIDDLE)
    return sorted({m.span() for p in patterns for m in p.finditer(text)})


_POSITIONAL = re.compile(rf"\b(?:{_ORD}|last|bottom|top|cheapest|priciest|number|#)\b|#\s?\d")


def _is_name_part(text: str, pos: int) -> bool:
    """Whether the part of ``text`` starting at ``pos`` names a product rather than a position."""
    part = _NAME_SPLIT.split(text[pos:], maxsplit=1)[0]
    return _POSITIONAL.search(part) is None


def _index(n: int, size: int) -> int | None:
    i = n if n >= 0 else size + n
    return i if 0 <= i < size else None


@lru_cache(maxsize=1)
def _unit_words() -> frozenset[str]:
    """Words of units ("cups", "inch"): "which makes the most cups?" measures, it names no product."""
    from retrieval.schema import unit_spellings

    return frozenset(
        singular(w) for names in unit_spellings().values() for n in names for w in re.findall(r"[a-z]+", n)
    )


_COUNTED = re.compile(r"\bhow\s+(?:many|much)\s+([a-z]+)")


def _by_title(
    text: str, shown_ids: Sequence[str], titles: Mapping[str, str], *, all_shown: bool = False
) -> list[tuple[int, int]]:
    found: list[tuple[int, int]] = []
    title_words = {pid: {t.stem for t in tokenize(titles.get(pid, ""))} for pid in shown_ids}
    for part in _NAME_SPLIT.split(text):
        words = _naming_words(part)
        if not words:
            continue
        scores = {pid: len(words & tw) for pid, tw in title_words.items()}
        best = max(scores.values(), default=0)
        winners = [pid for pid, s in scores.items() if s == best]
        if best > 0 and (all_shown or len(winners) < len(shown_ids)):
            # "the Sonovel" names one product; "the black ones" may name several (never all shown:
            # a word every title shares, "blender", names none in particular).
            found.extend((text.find(part), shown_ids.index(w)) for w in winners)
    return found


def _naming_words(part: str) -> set[str]:
    """The stems of ``part`` that can name a product by its title."""
    # "our kitchen", "my dad's": what the shopper owns names none of the products
    part = _OWNED.sub(" ", part)
    words = {t.stem for t in tokenize(part)} - FILLER_WORDS - _unit_words()
    # "how many pieces is the bus one": what is counted is asked, it names no product
    return words - {singular(m.group(1)) for m in _COUNTED.finditer(part)}


def _best_named(part: str, ids: Sequence[str], titles: Mapping[str, str]) -> tuple[int, list[str]]:
    """How many of ``part``'s words the best-matching titles of ``ids`` share, and those products."""
    words = _naming_words(part)
    scores = {pid: len(words & {t.stem for t in tokenize(titles.get(pid, ""))}) for pid in ids}
    best = max(scores.values(), default=0)
    return best, [pid for pid, n in scores.items() if n == best] if best else []


def named_by_parts(text: str, lists: Sequence[tuple[Sequence[str], Mapping[str, str]]]) -> list[str]:
    """ "how does the hybrid stack up against the restwell one": each part of the message that names
    one product by its title words, looked for in ``lists`` in order (the latest shown first, then
    earlier answers); a part naming none or several names nothing."""
    # per part: the products each list's titles name, and the list that named some first
    named: list[list[list[str]]] = []
    chosen: list[tuple[str, int] | None] = []
    for part in _NAME_SPLIT.split(text.replace("\u2019", "'").lower()):
        found = [_best_named(part, ids, titles) for ids, titles in lists]
        named.append([hits for _, hits in found])
        # the list whose titles share the most of the part's words, the latest on a tie ("the black
        # ergomesh pro": an earlier answer's ErgoMesh Pro, not the black chair shown last)
        top = max((n for n, _ in found), default=0)
        at = next((k for k, (n, _) in enumerate(found) if n == top and top > 0), None)
        chosen.append((named[-1][at][0], at) if at is not None and len(named[-1][at]) == 1 else None)
    claims = Counter(c[0] for c in chosen if c is not None)
    for n, c in enumerate(chosen):
        if c is None or claims[c[0]] < 2:
            continue
        # "line up the arc 27 gaming next to the oled one": the OLED shown last is named by the other
        # part alone; this part's words name an earlier answer's Arc 27 Gaming too
        for hits in named[n][c[1] + 1 :]:
            left = [i for i in hits if i not in claims]
            if len(left) == 1:
                claims[c[0]] -= 1
                chosen[n] = (left[0], -1)
                claims[left[0]] += 1
                break
    return list(dict.fromkeys(c[0] for c in chosen if c is not None))


def resolve_references(
    text: str,
    shown_ids: Sequence[str],
    shown_prices: Sequence[float] = (),
    *,
    titles: Mapping[str, str] | None = None,
    bare_numbers: bool = False,
    default_all: bool = False,
) -> list[str]:
    """Shown product ids the message refers to, in the order mentioned.

    ``bare_numbers`` reads "compare 1 and 3" as positions (only with a compare cue);
    ``default_all`` returns every shown product (up to 5) when nothing more specific is named but
    the message says "them"/"these" or a comparison needs something to compare.
    """
    size = len(shown_ids)
    if not size:
        return []
    lowered = text.replace("\u2019", "'").lower()
    hits: list[tuple[int, int]] = []  # (position in text, index into shown)
    taken: list[tuple[int, int]] = []

    def add(m: re.Match[str], indices: list[int]) -> None:
        if any(m.start() < e and s < m.end() for s, e in taken):
            return
        taken.append(m.span())
        for i in indices:
            j = _index(i, size)
            if j is not None:
                hits.append((m.start(), j))

    prices = list(shown_prices)
    priced = [p for p in prices if p > 0]  # a price the feed does not give is stored as 0
    if len(prices) == size and len(priced) >= 2:
        # "the two cheapest" before "the two" (the first two) can claim those words
        by_price = sorted((p, i) for i, p in enumerate(prices) if p > 0)
        for m in _N_CHEAPEST.finditer(lowered):
            add(m, [i for _, i in by_price[: _COUNTS[m.group(1)]]])
        for m in _N_PRICIEST.finditer(lowered):
            add(m, [i for _, i in by_price[::-1][: _COUNTS[m.group(1)]]])
    for m in _FIRST_N.finditer(lowered):
        add(m, list(range(_COUNTS[m.group(1)])))
    for m in _LAST_N.finditer(lowered):
        add(m, list(range(-_COUNTS[m.group(1)], 0)))
    for m in _SECOND_LAST.finditer(lowered):
        add(m, [-2])
    for m in _ORDINAL.finditer(lowered):
        add(m, [_ORDINALS[m.group(1)] - 1])
    for m in _PLACE_LIST.finditer(lowered):
        places = [w.group(0) for w in _PLACE_WORD.finditer(m.group(1))]
        add(m, [(_WORD_NUMBERS[w] if w in _WORD_NUMBERS else int(w)) - 1 for w in places])
    for m in _HASH.finditer(lowered):
        add(m, [int(m.group(1) or m.group(2)) - 1])
    for m in _HASH_WORD.finditer(lowered):
        add(m, [_WORD_NUMBERS[m.group(1)] - 1])
    for m in _MIDDLE.finditer(lowered):
        add(m, [size // 2])
    for m in _LAST.finditer(lowered):
        add(m, [-1])
    for m in _TOP.finditer(lowered):
        add(m, [0])
    both = [m.span() for m in _BOTH.finditer(lowered)]
    for m in _BOTH.finditer(lowered):
        add(m, [0, 1])
    if len(prices) == size and priced:
        for m in _CHEAPEST.finditer(lowered):
            add(m, [prices.index(min(priced))])
        for m in _PRICIEST.finditer(lowered):
            add(m, [prices.index(max(priced))])
    if bare_numbers:
        for m in _BARE_DIGIT.finditer(lowered):
            if int(m.group(1)) <= size:
                add(m, [int(m.group(1)) - 1])
    if titles and hits and all(any(s <= pos < e for s, e in both) for pos, _ in hits):
        # "clearbreath 800 or the black hearthline - the specs for both": "both" are the two named
        named = _by_title(lowered, shown_ids, titles)
        if len({j for _, j in named}) >= 2:
            hits = named
    if not hits and titles:
        hits = _by_title(lowered, shown_ids, titles)
    if hits and titles and len({j for _, j in hits}) < 2:
        # "Hunter vs the second one": a name next to a position names a second product
        taken_ids = {j for _, j in hits}
        hits += [
            (pos, j)
            for pos, j in _by_title(lowered, shown_ids, titles)
            if j not in taken_ids and _is_name_part(lowered, pos)
        ]
    ordered = [shown_ids[j] for _, j in sorted(hits, key=lambda h: h[0])]
    result = list(dict.fromkeys(ordered))
    if not result and (default_all or _ALL.search(lowered)):
        result = list(shown_ids[:_MAX_ALL])
    return result

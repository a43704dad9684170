"""Word-level text analysis shared by ranking features and variant de-duplication.

:func:`analyze` lower-cases, splits on non-alphanumerics, drops English stopwords and stems
(Snowball, as the BM25 index does). :class:`FieldIndex` is a small in-memory inverted index over one
product field: which products contain a query word, and a BM25 score for that field alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache

import numpy as np

__all__ = [
    "NEGATIONS",
    "FieldIndex",
    "analyze",
    "head_term",
    "negated_terms",
    "negation_marked",
    "positive_text",
    "says_phrase",
    "words",
]

_WORD = re.compile(r"[a-z0-9]+")
_STOPWORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "but",
        "by",
        "for",
        "from",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "such",
        "that",
        "the",
        "their",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "was",
        "will",
        "with",
    ]
)
NEGATIONS = frozenset({"without", "not", "no", "non", "except", "sans"})


@lru_cache(maxsize=1)
def _stemmer():  # type: ignore[no-untyped-def]
    import Stemmer

    return Stemmer.Stemmer("english")


@lru_cache(maxsize=200_000)
def _stem(word: str) -> str:
    return str(_stemmer().stemWord(word))


def words(text: str) -> list[str]:
    """Lower-cased alphanumeric words, stopwords kept, not stemmed."""
    return _WORD.findall(text.casefold())


def analyze(text: str) -> list[str]:
    """Stemmed content words of ``text`` in order (stopwords and negation words dropped)."""
    return [_stem(w) for w in words(text) if w not in _STOPWORDS and w not in NEGATIONS]


def says_phrase(doc: Sequence[str], phrase: str) -> bool:
    """Whether the analyzed ``doc`` holds ``phrase``'s words in a row ("fragrance free" in "…Cream -
    Fragrance-Free, Non Greasy"; not in "Fragrance: cedar… cruelty-free"). A one-word phrase: anywhere."""
    stems = analyze(phrase)
    n = len(stems)
    if n <= 1:
        return not stems or stems[0] in doc
    return any(list(doc[i : i + n]) == stems for i in range(len(doc) - n + 1))


def negated_terms(text: str) -> list[str]:
    """Stemmed words a query excludes: the word after a negation ("cat treats without chicken") and
    the word before "free" ("fluoride-free toothpaste")."""
    tokens = words(text)
    found: list[str] = []
    for i, word in enumerate(tokens[:-1]):
        nxt = tokens[i + 1]
        if word in NEGATIONS and nxt not in _STOPWORDS:
            found.append(_stem(nxt))
        elif nxt == "free" and word not in _STOPWORDS and word not in NEGATIONS and not word.isdigit():
            found.append(_stem(word))
    return found


# Words that, near a word, say the product lacks it: "no buckle", "gelatin-free", "lamp not included".
_ABSENCE_CUES = frozenset(["without", "no", "not", "non", "free", "less", "zero", "excluded"])
_CUE_WINDOW = 3


def negation_marked(text: str) -> frozenset[str]:
    """Stems ``text`` says are absent: words within 3 words of an absence cue, and X of an "Xless" word.

    "Stemless Wine Glasses" → {"stem", …}; "Belt with No Buckle" → {"buckl", …}. Matching a query's
    negated term against this set finds products that state what the shopper wants to do without.
    """
    tokens = words(text)
    marked: set[str] = set()
    cues = [i for i, word in enumerate(tokens) if word in _ABSENCE_CUES]
    for i in cues:
        for word in tokens[max(0, i - _CUE_WINDOW) : i + _CUE_WINDOW + 1]:
            if word not in _ABSENCE_CUES and word not in _STOPWORDS:
                marked.add(_stem(word))
    for word in tokens:
        if word.endswith("less") and len(word) > 6:
            marked.add(_stem(word[:-4]))
    return frozenset(marked)


def only_denied(text: str, word: str) -> bool:
    """Whether ``text`` names ``word`` (its stems) only to deny it: "anti-reflective lens;
    non-polarized" says nothing polarized, "BPA free" no BPA, "no buckle" no buckle. A word said once
    without such a cue is stated. (Tighter than :func:`negation_marked`'s window: a product that
    states a feature is never taken for one that denies it.)"""
    stems = analyze(word)
    return len(stems) == 1 and stems[0] in denied_stems(text)


def denied_stems(text: str) -> frozenset[str]:
    """The stems ``text`` names only to deny them (see :func:`only_denied`): one scan for the cues
    (most texts have none), then a count of each denied stem's mentions."""
    lowered = text.lower()
    denied: dict[str, int] = {}
    for stem in _denials(lowered):
        denied[stem] = denied.get(stem, 0) + 1
    # denied only if every word starting with the stem is a denied one ("not kidding ... kids": no)
    return frozenset(
        stem for stem, times in denied.items() if len(re.findall(rf"\b{re.escape(stem)}", lowered)) == times
    )


def denial_candidates(text: str) -> set[str]:
    """The stems ``text`` puts right after a denial cue or before "free" (a cheap first pass: the
    products :func:`denied_stems` is asked about)."""
    return set(_denials(text.lower()))


def _denials(lowered: str) -> Iterator[str]:
    """The stem of each word a denial cue stands next to, in order; after a denial of use ("not
    compatible with", "does not work with", "will not fit") the words of what it names, to the
    first small word ("electric baseboard heat", "prior generation kindle")."""
    for m in _DENIAL.finditer(lowered):
        if m.group("used"):
            for word in m.group("used").split():
                if word in _STOPWORDS:
                    break
                yield _stem(word)
        else:
            yield _stem(m.group("word") or m.group("free"))


_DENIAL = re.compile(
    # "(Not Support Alexa)", "doesn't work with Alexa", "not compatible with iPhone", "will not fit
    # prior generation Kindle": what the product does not work with, in up to three words
    r"\b(?:(?:not|[a-z]+n't)[\s-]+(?:support(?:s|ed)?|compatible|work(?:s|ing)?|fit(?:s)?)|incompatible)"
    r"\s+(?:with\s+|for\s+|on\s+)?(?:(?:a|an|the)\s+)?"
    r"(?P<used>[a-z][a-z']*(?:\s+[a-z][a-z']*){0,2})"
    # "not polarized", "non-slip", "without a lid", "no batteries": the word it lacks
    r"|\b(?:non|no|not|without)[\s-]+(?:(?:a|an|the)\s+)?(?P<word>[a-z][a-z']*)"
    r"|\b(?P<free>[a-z][a-z']*)[\s-]+free\b"
)


_CLAUSE_END = frozenset(["for", "with", "and", "in", "on"])


def positive_text(text: str) -> str:
    """``text`` without its negated clauses, for matching what the shopper *wants*.

    A negation word starts a clause that runs to the next "for"/"with"/"and"/"in"/"on" or the end:
    "dewalt tool cases without tools" → "dewalt tool cases", "sweaters without hoodie for women" →
    "sweaters for women". Text without a negation comes back unchanged.
    """
    tokens = words(text)
    if not NEGATIONS.intersection(tokens):
        return text
    kept: list[str] = []
    negated = False
    for word in tokens:
        if word in NEGATIONS:
            negated = True
        elif negated and word in _CLAUSE_END:
            negated = False
        if not negated:
            kept.append(word)
    return " ".join(kept)


_MODIFIER_START = frozenset(
    ["for", "with", "without", "in", "on", "to", "of", "by", "from", "not", "no", "non", "except", "sans"]
)


def head_term(text: str) -> str | None:
    """The stemmed head noun of a product query, guessed as the last content word before the first
    modifier ("sandals for women" → sandal, "cat treats without chicken" → treat)."""
    head: str | None = None
    for word in words(text):
        if word in _MODIFIER_START and head is not None:
            break
        if word not in _STOPWORDS and word not in NEGATIONS and not word.isdigit():
            head = _stem(word)
    return head


class FieldIndex:
    """Postings of one field over products ``0..n-1``: word → (positions, BM25 contribution)."""

    def __contains__(self, word: object) -> bool:
        return word in self._postings

    def __init__(self, docs: Sequence[Sequence[str]], *, k1: float = 1.2, b: float = 0.75) -> None:
        self.size = len(docs)
        lengths = np.array([len(d) for d in docs], dtype=np.float32)
        average = float(lengths.mean()) if self.size and lengths.sum() > 0 else 1.0
        vocabulary: dict[str, int] = {}
        doc_of = np.repeat(np.arange(self.size, dtype=np.int64), lengths.astype(np.int64))
        word_of = np.fromiter(
            (vocabulary.setdefault(w, len(vocabulary)) for doc in docs for w in doc),
            dtype=np.int64,
            count=len(doc_of),
        )
        self._postings: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        if not len(doc_of):
            return
        pairs, tf = np.unique(word_of * self.size + doc_of, return_counts=True)
        words_sorted, positions = pairs // self.size, (pairs % self.size).astype(np.int32)
        starts = np.flatnonzero(np.r_[True, words_sorted[1:] != words_sorted[:-1]])
        ends = np.r_[starts[1:], len(pairs)]
        df = (ends - starts).astype(np.float32)
        idf = np.log(1.0 + (self.size - df + 0.5) / (df + 0.5))
        tf = tf.astype(np.float32)
        scale = np.repeat(idf, ends - starts)
        norm = tf + k1 * (1.0 - b + b * lengths[positions] / average)
        contribution = (scale * tf * (k1 + 1.0) / norm).astype(np.float32)
        names = list(vocabulary)
        for start, end in zip(starts.tolist(), ends.tolist(), strict=True):
            word = names[int(words_sorted[start])]
            self._postings[word] = (positions[start:end], contribution[start:end])

    def hits(self, query: Sequence[str]) -> np.ndarray:
        """Per product, how many distinct query words the field contains."""
        out = np.zeros(self.size, dtype=np.float32)
        for word in set(query):
            posting = self._postings.get(word)
            if posting is not None:
                out[posting[0]] += 1.0
        return out

    def bm25(self, query: Sequence[str]) -> np.ndarray:
        """Per product, the BM25 score of the field for ``query``."""
        out = np.zeros(self.size, dtype=np.float32)
        for word in query:
            posting = self._postings.get(word)
            if posting is not None:
                out[posting[0]] += posting[1]
        return out

    def document_frequency(self, word: str) -> int:
        posting = self._postings.get(word)
        return 0 if posting is None else len(posting[0])

"""The claim verifier: a reason is a list of claims, and each must be bound to the product's data.

A reason (from any model, or composed) is split into claims (clauses). Each claim is checked:

* **numbers with their unit** against the field that carries that unit, converted ("1.5 kg" against
  ``weight_kg``, "44 dB" against ``noise_level_db``, "$179" against the price, "4.5 out of 5"
  against the rating); a bare number must sit next to the words of the key it names ("14 place
  settings") or be part of the product's own name;
* **superlatives and comparatives** ("the lightest of these five", "quieter than the others") are
  true only when computed over the products shown, and only when the claim says so ("of these");
  unscoped market claims ("top-rated", "one of the warmest", "best on the market") are rejected;
* **brands, colors and attribute values** must be this product's (or, in a comparison, another shown
  product's);
* **judgements against the product, vacuous filler, markup and links, and seller-style claims**
  about price, discounts, shipping or policy are rejected; loops and truncated endings are cut.

An unsupported claim is dropped, not the whole reason; :class:`VerifiedReason` says what was kept and
why the rest went. The turn uses it before anything is shown, and the eval's ``grounded-reasons``
assertion uses it on what the shopper saw.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from functools import lru_cache

from pydantic import BaseModel, Field

from assistant.plan.semantics import lexicons
from assistant.plan.text import singular
from assistant.plan.typos import ordinary_word
from retrieval.catalog import Product, norm
from retrieval.filters import Filters
from retrieval.products import Vocabulary
from retrieval.schema import (
    PRODUCT_FIELDS,
    attribute_number,
    field_number,
    key_unit,
    key_words,
    unit_spellings,
)
from retrieval.text import analyze, denied_stems

__all__ = [
    "ClaimCheck",
    "VerifiedReason",
    "claim_start",
    "seller_claim",
    "seller_terms",
    "split_claims",
    "verify_reason",
    "verify_text",
]

_SENTENCE = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9\"'])")
_CLAUSE = re.compile(
    r"\s*;\s*|,\s+(?=(?:and|but|while|which|with|plus|so|making|it|its|it's|this|the)\b)|\s+—\s+|\s+-\s+|,\s+"
)
_MARKUP = re.compile(r"https?://|www\.|\]\(|!\[|<\s*/?\s*[a-z]+[^>]*>|`|\*\*|__|javascript:", re.IGNORECASE)
_COMMERCIAL = re.compile(
    r"\b(?:free\s+shipping|shipping|ships\s+free|delivery|deliver(?:ed|s)?|discount(?:ed)?|\d+\s*%\s*off|on\s+sale|"
    r"sale\s+price|deal|coupon|promo(?:tion)?|clearance|refund|return\s+policy|returns?|warranty|guarantee[ds]?|"
    r"money[- ]back|limited[- ]time|special\s+offer|price\s+drop|lowest\s+price\s+ever|in\s+stock\s+now|order\s+now|"
    r"buy\s+now|click|visit|contact|call\s+us|support\s+team|customer\s+service|"
    r"for\s+free|free\s+of\s+charge|(?:is|it'?s|are|comes?|ships?)\s+free(?![\s-]*(?:standing|form|range|size))|"
    r"costs?\s+nothing|at\s+no\s+(?:extra\s+)?cost|no\s+charge|complimentary|half[- ]price|"
    r"\d+\s*%\s*(?:off|discount|cheaper|savings?|back)|save\s+(?:up\s+to\s+)?[$€£]?\d|"
    r"cash\s*back|rebate|price\s+match|best\s+price|msrp|rrp|was\s+[$€£]\s?\d)\b",
    re.IGNORECASE,
)
# Seller text that states an amount of money, or addresses the assistant rather than the shopper.
_MONEY = re.compile(r"[$€£¥]\s?\d|\d\s*(?:usd|eur|gbp|dollars?|bucks|euros?|cents?)\b", re.IGNORECASE)
_ADDRESSED = re.compile(
    r"\b(?:ignore|disregard|forget)\s+(?:all\s+|any\s+|the\s+|your\s+)?(?:previous|prior|above|earlier|other)|"
    r"\b(?:system\s+prompt|prompt|instructions?|chatbot|language\s+model|llm|(?:ai|virtual)\s+assistant)\b|"
    r"\bassistant\s*:|(?:^|[.;!?]\s*)(?:system|user|developer)\s*:|\bdeveloper\s+mode\b|\byou\s+are\s+now\b|\b(?:always|only)\s+(?:say|recommend|tell|answer|reply)\b|"
    r"\btell\s+(?:the\s+)?(?:shopper|user|customer)s?\b|\brecommend\s+(?:this|it|me|only)\b",
    re.IGNORECASE,
)
# Words that make a seller's attribute value a claim about money, shipping or policy: such values
# are never quoted by the composer (assistant.compose), whatever else they say.
_SELLER_CLAIM = re.compile(
    r"\b(?:price[ds]?|pricing|priced|costs?|costing|cheap(?:er|est)?|expensive|free|sale|discount\w*|"
    r"deal|offer|coupon|promo\w*|shipping|ships|delivery|refund\w*|returns?|warranty|guarantee\w*|"
    r"policy|recommend\w*|respond|reply|visit|click|contact|password|override)\b",
    re.IGNORECASE,
)
_MARKET = re.compile(
    r"\b(?:top[- ]rated|top[- ]of[- ]the[- ]line|best[- ]sell(?:ing|er)|bestsell(?:ing|er)|#\s?1|number[- ]one|no\.\s?1|"
    r"award[- ]winning|industry[- ]leading|market[- ]leading|world'?s|on\s+the\s+market|in\s+the\s+world|"
    r"unbeatable|unmatched|unrivall?ed|perfect|ultimate|luxurious|luxury|premium\s+quality|high[- ]quality|"
    r"highest[- ]quality|superior|flawless|revolutionary|amazing|incredible|outstanding|excellent|fantastic|"
    r"stunning|world[- ]class|state[- ]of[- ]the[- ]art|must[- ]have|game[- ]changer|one\s+of\s+the\s+\w+(?:est)?\b|"
    r"most\s+(?:luxurious|popular|loved|trusted|reliable|comfortable|durable|advanced|stylish|versatile)|"
    r"loved\s+by|trusted\s+by|recommended\s+by|experts?|doctors?|dentists?|professionals?\s+recommend)",
    re.IGNORECASE,
)
_JUDGEMENT = re.compile(
    r"\b(?:too\s+(?:high|expensive|low|heavy|loud|small|big)|not\s+(?:good|great|worth|enough|ideal|the\s+best)|"
    r"isn'?t\s+(?:good|great|worth)|poor(?:ly)?|cheaply|flimsy|disappoint\w*|overpriced|bad|worse|worst|mediocre|"
    r"lacks?|lacking|unfortunately|however|downside|drawback|sadly|meh|junk|waste|great\s+value|good\s+value|"
    r"best\s+value|value\s+for\s+money|(?<!most\s)(?<!least\s)affordable|durable|with\s+ease|handy|top[- ]selling|well[- ]made|"
    r"a\s+steal|bargain|you'?ll\s+love|fails?\s+to|failed\s+to)\b",
    re.IGNORECASE,
)
_SCOPE = re.compile(
    r"\b(?:of\s+(?:these|those|the\s+(?:\w+\s+)?(?:shown|ones?\s+(?:shown|here)|results|options|picks))|"
    r"among\s+(?:these|those|them|the\s+\w+)|here|shown|listed|on\s+(?:this|the)\s+list|"
    r"in\s+this\s+(?:list|set|selection)|of\s+the\s+(?:two|three|four|five|six|seven|eight|nine|ten|\d+)|"
    r"(?:these|those)\s+\w+)\b",
    re.IGNORECASE,
)
_RELATIVE = re.compile(r"\b(?:than|vs\.?|versus|compared\s+(?:to|with)|before|instead\s+of)\b", re.IGNORECASE)
_NOT_SUPERLATIVE = frozenset(
    [
        "interest",
        "rest",
        "test",
        "honest",
        "harvest",
        "chest",
        "vest",
        "nest",
        "west",
        "guest",
        "request",
        "modest",
        "latest",
        "suggest",
        "digest",
        "contest",
        "protest",
        "manifest",
        "invest",
        "forest",
        "crest",
        "quest",
        "zest",
        "pest",
        "arrest",
        "est",
        "priest",
        "attest",
        "behest",
        "breast",
        "infest",
        "conquest",
    ]
)
_NUMBER = re.compile(
    r"(?<![\w.])(?P<dollar>[$€£¥]\s?)?(?P<num>-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|-?\d+(?:\.\d+)?)(?![\d])"
)
_FLAG = frozenset({"yes", "no", "true", "false"})
# A number right after these words is a price ("costs 1", "priced at 19", "for just 5").
_PRICE_BEFORE = re.compile(
    r"\b(?:costs?(?:\s+(?:just|only))?|costing|priced(?:\s+at)?|price\s+(?:of|is)|sells?\s+for|"
    r"retails?\s+(?:at|for)|for\s+(?:just|only))\s*$",
    re.IGNORECASE,
)
_FILLER_FACTLESS = frozenset(
    [
        "a",
        "an",
        "the",
        "it",
        "its",
        "it's",
        "is",
        "are",
        "this",
        "that",
        "these",
        "those",
        "and",
        "or",
        "but",
        "with",
        "for",
        "of",
        "in",
        "on",
        "to",
        "at",
        "by",
        "from",
        "as",
        "so",
        "very",
        "really",
        "great",
        "good",
        "nice",
        "choice",
        "option",
        "pick",
        "one",
        "you",
        "your",
        "can",
        "will",
        "be",
        "has",
        "have",
        "had",
        "which",
        "while",
        "also",
        "just",
        "more",
        "most",
        "fit",
        "fits",
        "fitting",
        "perfect",
        "ideal",
        "solid",
        "excellent",
        "well",
        "made",
        "make",
        "makes",
    ]
)
_LEADING = re.compile(r"^(?:and|but|also|plus|while|which|so|with|making|it's|it is)\s+", re.IGNORECASE)
_MIN_WORDS = 2
_DANGLING = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "with",
        "of",
        "to",
        "for",
        "in",
        "on",
        "at",
        "by",
        "is",
        "are",
        "it",
        "its",
        "it's",
        "as",
        "that",
        "which",
        "this",
        "than",
        "from",
    ]
)
_NAME_SEP = re.compile(r"[^\w&.']+")


_PROMO = re.compile(
    r"\b(?:free\s+shipping|ships\s+free|discount(?:ed)?|\d+\s*%\s*off|on\s+sale|sale\s+price|coupon|promo(?:tion)?|"
    r"clearance|refunds?|money[- ]back|limited[- ]time|special\s+offer|price\s+drop|lowest\s+price|"
    r"order\s+now|buy\s+now|for\s+free|free\s+of\s+charge|half[- ]price|cash\s*back|rebate)\b",
    re.IGNORECASE,
)
_TITLE_CLAIMS = (_MONEY, _ADDRESSED, _MARKUP, _PROMO)


def seller_claim(text: str) -> bool:
    """Whether seller free text (an attribute value) speaks of money, price, shipping or policy,
    carries markup or links, or addresses the assistant: such text is never quoted."""
    return (
        _SELLER_CLAIM.search(text) is not None
        or _COMMERCIAL.search(text) is not None
        or claim_start(text) is not None
    )


def seller_terms(text: str) -> bool:
    """Whether seller prose speaks of commercial terms (shipping, warranty, returns, discounts),
    states money, carries markup or links, or addresses the assistant: such prose is never quoted
    back as what a listing says of the product. Unlike :func:`seller_claim` it lets words such as
    "free" pass ("BPA free", "free-standing"), since a quote is the product's own words, not a value."""
    return _COMMERCIAL.search(text) is not None or claim_start(text) is not None


def claim_start(text: str) -> int | None:
    """Where a title's first claim starts (an amount of money, a shipping, discount or policy
    phrase, markup, words addressed to the assistant), or ``None``: names are cut there."""
    found = [m.start() for pattern in _TITLE_CLAIMS if (m := pattern.search(text))]
    return min(found) if found else None


class ClaimCheck(BaseModel):
    text: str
    supported: bool
    why: str = ""


class VerifiedReason(BaseModel):
    """What a reason claims, claim by claim, and the text of the claims that hold."""

    original: str
    text: str = Field(description="The supported claims, joined; '' when none holds.")
    claims: list[ClaimCheck] = Field(default_factory=list)

    @property
    def unsupported(self) -> list[ClaimCheck]:
        return [c for c in self.claims if not c.supported]

    @property
    def grounded(self) -> bool:
        return bool(self.claims) and not self.unsupported


def split_claims(reason: str) -> list[str]:
    """The clauses of a reason: sentences, then ';', '—' and comma-separated parts."""
    out: list[str] = []
    for sentence in _SENTENCE.split(reason.strip()):
        for part in _CLAUSE.split(sentence):
            part = part.strip(" .!?;,")
            if part:
                out.append(part)
    return out


@lru_cache(maxsize=1)
def _spelled_units() -> list[tuple[str, str]]:
    pairs = [(s.lower(), display) for display, names in unit_spellings().items() for s in names]
    return sorted(pairs, key=lambda p: -len(p[0]))


def _unit_after(text: str) -> tuple[str, int] | None:
    """The unit written right after a number (display, length consumed)."""
    low = text.lower()
    stripped = low.lstrip(" -")
    offset = len(low) - len(stripped)
    for spelled, display in _spelled_units():
        if stripped.startswith(spelled):
            end = len(spelled)
            if end < len(stripped) and stripped[end].isalpha() and spelled[-1].isalpha():
                continue
            return display, offset + end
    return None


def _unit_meta(display: str) -> tuple[str, float] | None:
    from assistant.plan.semantics import _unit_of_display

    return _unit_of_display(display)


_PHRASE_CHARS = 12
_QUOTE_SEP = re.compile(r"[^a-z0-9.]+")


def _quoted(text: str) -> str:
    """Lower-cased words and numbers, one space apart: the form quotes are compared in."""
    words = _QUOTE_SEP.sub(" ", text.lower().replace("–", "-")).split()
    return " ".join(words[:2]) if len(words) >= 2 else ""


_OWN_TEXT: dict[tuple[str, int], str] = {}
_INCH_MARK = re.compile(r"(\d)\s*(?:\"|''|”|″)")
_FOOT_MARK = re.compile(r"(\d)\s*(?:'|′)(?!')")
_OWN_TEXT_MAX = 20_000


def _own_text(product: Product) -> str:
    """The product's own words (title, description, bullets, color, attributes) in quoted form."""
    key = (
        product.id,
        hash(
            (
                product.title,
                product.description,
                tuple(product.bullet_points),
                tuple(product.attributes.items()),
            )
        ),
    )
    found = _OWN_TEXT.get(key)
    if found is None:
        parts = [product.title, product.description, *product.bullet_points, product.color or ""]
        parts += [f"{k.replace('_', ' ')} {v}" for k, v in product.attributes.items()]
        spelled = (_INCH_MARK.sub(r"\1 in ", _FOOT_MARK.sub(r"\1 ft ", p.lower())) for p in parts)
        found = " ".join(_QUOTE_SEP.sub(" ", p.replace("–", "-")) for p in spelled)
        if len(_OWN_TEXT) > _OWN_TEXT_MAX:
            _OWN_TEXT.clear()
        _OWN_TEXT[key] = found
    return found


def _close(a: float, b: float) -> bool:
    return abs(a - b) <= max(abs(b) * 0.01, 0.051)


def _numeric_fields(product: Product) -> list[tuple[str, float]]:
    out = []
    for key, value in product.attributes.items():
        number = attribute_number(value)
        if number is not None:
            out.append((norm(key), number))
    return out


def _check_number(
    clause: str,
    m: re.Match[str],
    product: Product,
    others: Sequence[Product],
    filters: Filters | None,
    shopper_numbers: set[float],
    relative: bool,
    reference: float | None = None,
) -> str | None:
    """``None`` when the number is supported, else why not."""
    value = float(m.group("num").replace(",", ""))
    if relative and reference is not None and _close(value, reference):
        return None  # the product shown before, which a comparison names ("vs 2.4 kg before")
    after = clause[m.end() :]
    before = clause[: m.start()].lower()
    context = (before[-30:] + " " + after[:30]).lower()
    pool = [product, *others] if relative else [product]
    budget_words = re.search(r"\b(?:budget|under|below|less than|up to|cap|limit|max|within|your)\b", context)
    if (
        m.group("dollar")
        or re.match(r"\s*(?:dollars?|usd|bucks|eur|euros?|gbp|cents?)\b", after, re.IGNORECASE)
        or (_PRICE_BEFORE.search(before) and _unit_after(after) is None)
    ):
        if any(p.price is not None and abs(value - p.price) < 0.51 for p in pool):  # to the dollar
            return None
        if (
            budget_words
            and filters is not None
            and any(v is not None and _close(value, v) for v in (filters.price_max, filters.price_min))
        ):
            return None
        if budget_words and any(_close(value, v) for v in shopper_numbers):
            return None
        return f"price ${value:g} is not this product's"
    if re.match(r"\s*-?\s*(?:/\s*5|out\s+of\s+5|stars?)\b", after, re.IGNORECASE) or re.search(
        r"\brated\s*$", before
    ):
        if any(p.rating is not None and _close(value, p.rating) for p in pool):
            return None
        return f"rating {value:g} is not this product's"
    if value == 5 and re.search(r"(?:/\s*|out\s+of\s+)$", before):
        return None  # the rating scale
    if re.match(
        r"\s*(?:shoppers|reviews|ratings|reviewers|customers|people\s+rated)\b", after, re.IGNORECASE
    ):
        over = re.search(r"\b(?:over|more\s+than|nearly|almost|about|around)\s*$", before)
        if any(
            p.rating_count is not None
            and (
                value == p.rating_count
                or (over is not None and 0.8 * p.rating_count <= value <= p.rating_count)
            )
            for p in pool
        ):
            return None
        return f"review count {value:g} is not this product's"
    # The number with the words right after it, as the product's own text has them ("2.4 GHz",
    # "1-4 player", "gpu: dedicated 6 GB", "Toy 4-Year-Old's 3-Wheel Scooter").
    phrase = _quoted(m.group("num") + after[:_PHRASE_CHARS])
    if phrase and any(f" {phrase} " in f" {_own_text(p)} " for p in pool):
        return None
    unit = _unit_after(after)
    if unit is not None:
        meta = _unit_meta(unit[0])
        if meta is not None:
            dimension, factor = meta
            base = value * factor
            for p in pool:
                for key, number in _numeric_fields(p):
                    ku = key_unit(key)
                    if ku is not None and ku.dimension == dimension and _close(base, number * ku.factor):
                        return None
            # the product's own text states it with the same unit ("60-inch blade span", "15 lb")
            spellings = [s.lower() for s in unit_spellings().get(unit[0], ()) if s.strip(" '\"")]
            own = [f" {_own_text(p)} " for p in pool]
            written = m.group("num").replace(",", "")
            if any(
                f" {written} {_QUOTE_SEP.sub(' ', s).strip()} " in text for s in spellings for text in own
            ):
                return None
            return f"{value:g} {unit[0]} matches no {dimension} field"
    # A bare number: next to its key's words, or part of the product's own name.
    words_near = {singular(w) for w in re.findall(r"[a-z]+", context)}
    for p in pool:
        for key, number in _numeric_fields(p):
            if _close(value, number) and (
                {singular(w) for w in key_words(key)} & words_near
                or (key.startswith("capacity") and words_near & {"people", "person"})
            ):
                return None
        named = " ".join([p.title, p.color or "", *p.attributes.values()]).replace(",", "")
        if value in {float(x) for x in re.findall(r"-?\d+(?:\.\d+)?", named)} | {
            float(x) for x in re.findall(r"\d+(?:\.\d+)?", named)
        }:
            return (
                None  # part of the product's own name or a listed value ("QuietClean 300", "02#Matte Black")
            )
    if relative and any(_close(value, v) for v in shopper_numbers):
        return None
    return f"number {value:g} is not tied to a field"


@lru_cache(maxsize=1)
def _superlative_words() -> frozenset[str]:
    lex = lexicons()
    words = {" ".join(phrase) for phrase, _, _ in lex.superlatives if len(phrase) == 1}
    return frozenset(words) | lex.market_superlatives


def _superlatives(clause: str) -> list[str]:
    low = re.sub(r"\b(?:best|highest|top)[- ](?:rated|reviewed)\b", "bestrated", clause.lower())
    found = [w for w in re.findall(r"\b([a-z]+est)\b", low) if w in _superlative_words()]
    found += [f"{a} {b}" for a, b in re.findall(r"\b(most|least)[\s-]+([a-z]+)", low)]
    found += ["best rated" for _ in re.findall(r"\bbestrated\b", low)]
    return found


def _field(product: Product, key: str) -> float | None:
    if key in PRODUCT_FIELDS:
        return field_number(product, key)
    return attribute_number(next((v for k, v in product.attributes.items() if norm(k) == key), None))


def _dimension_keys(
    dimension: str, products: Sequence[Product], _seen: frozenset[str] = frozenset()
) -> list[str]:
    """The products' numeric keys that measure ``dimension``, then its fallback dimensions' keys
    ("biggest" is a capacity; a monitor's capacity is its screen), as the planner reads them."""
    dim = lexicons().dimensions.get(dimension)
    if dim is None:
        return []
    if dim.field:
        return [dim.field]
    keys: list[str] = []
    for p in products:
        for key, _ in _numeric_fields(p):
            unit = key_unit(key)
            matching = any(key.startswith(w) for w in dim.keys) or (
                unit is not None and unit.dimension in dim.units
            )
            if matching and key not in keys:
                keys.append(key)
    if not keys:
        for other in dim.fallback:
            if other not in _seen:
                keys += [k for k in _dimension_keys(other, products, _seen | {dimension}) if k not in keys]
    return keys


def _superlative_holds(word: str, product: Product, shown: Sequence[Product], clause: str = "") -> bool:
    """Whether ``word`` ("lightest", "most powerful") is true of ``product`` among ``shown``; the
    clause's other words pick the dimension of a bare "lowest"/"highest" ("the lowest price")."""
    stems = tuple(singular(w) for w in word.split())
    around = {singular(w) for w in re.findall(r"[a-z]+", clause.lower())}
    phrases = [
        entry
        for entry in lexicons().superlatives
        if entry[0] == stems
        or (len(entry[0]) == 1 and entry[0][0] == stems[-1])
        or (stems[-1] in entry[0] and set(entry[0]) <= around)
    ]
    phrases.sort(key=lambda entry: -len(entry[0]))
    for _, dimension, order in phrases:
        for key in _dimension_keys(dimension, shown):
            values = [v for p in shown if (v := _field(p, key)) is not None]
            mine = _field(product, key)
            if mine is None or len(values) < 2 or min(values) == max(values):
                continue
            extreme = min(values) if order == "asc" else max(values)
            if mine == extreme and values.count(extreme) == 1:
                return True
    return word in {"best rated", "highest rated"} and _best_rated(product, shown)


def _best_rated(product: Product, shown: Sequence[Product]) -> bool:
    ratings = [p.rating for p in shown if p.rating is not None]
    return (
        product.rating is not None
        and len(ratings) > 1
        and product.rating == max(ratings)
        and ratings.count(max(ratings)) == 1
    )


def _comparatives(clause: str) -> list[tuple[str, str]]:
    stems = [singular(w) for w in re.findall(r"[a-z]+(?:-[a-z]+)?", clause.lower())]
    found: list[tuple[str, str]] = []
    for phrase, dimension, direction in lexicons().comparatives:
        n = len(phrase)
        if any(tuple(stems[i : i + n]) == phrase for i in range(len(stems) - n + 1)):
            found.append((dimension, direction))
    return found


def _comparative_holds(
    dimension: str, direction: str, product: Product, shown: Sequence[Product], reference: float | None
) -> bool:
    others = [p for p in shown if p.id != product.id]
    for key in _dimension_keys(dimension, [product, *others]):
        mine = _field(product, key)
        if mine is None:
            continue
        refs = (
            [reference] if reference is not None else [v for p in others if (v := _field(p, key)) is not None]
        )
        if not refs:
            continue
        if direction == "lower" and all(mine < r for r in refs):
            return True
        if direction == "higher" and all(mine > r for r in refs):
            return True
    return False


_FACTS: dict[tuple[str, int], frozenset[str]] = {}


def _fact_words(product: Product, vocabulary: Vocabulary | None) -> frozenset[str]:
    return _per_product(_FACTS, product, lambda p: frozenset(_compute_fact_words(p)))


def _per_product(
    cache: dict[tuple[str, int], frozenset[str]],
    product: Product,
    compute: Callable[[Product], frozenset[str]],
) -> frozenset[str]:
    """``compute(product)``, kept per product id and text (cleared past ``_OWN_TEXT_MAX`` entries)."""
    key = (product.id, _product_key(product))
    found = cache.get(key)
    if found is None:
        found = compute(product)
        if len(cache) > _OWN_TEXT_MAX:
            cache.clear()
        cache[key] = found
    return found


def _product_key(product: Product) -> int:
    return hash(
        (product.title, product.description, tuple(product.bullet_points), tuple(product.attributes.items()))
    )


def _compute_fact_words(product: Product) -> set[str]:
    words: set[str] = set()
    for text in [
        product.title,
        product.brand or "",
        product.color or "",
        *product.attributes.values(),
        *product.bullet_points,
        product.description,
    ]:
        words.update(singular(w) for w in re.findall(r"[a-z0-9]+", text.lower()) if len(w) > 1)
    return (
        words
        - _FILLER_FACTLESS
        - {singular(w) for c in product.category for w in re.findall(r"[a-z]+", c.lower())}
    )


class _Names:
    """The catalog's brand, color and attribute-value names, indexed by their first word."""

    def __init__(self, names: dict[str, str]) -> None:
        self.display = names
        self.by_first: dict[str, list[str]] = {}
        for name in names:
            if len(name) > 2:
                first = name.split(" ", 1)[0]
                self.by_first.setdefault(first, []).append(name)

    def __bool__(self) -> bool:
        return bool(self.display)

    def __getitem__(self, name: str) -> str:
        return self.display[name]

    def found_in(self, text: str) -> set[str]:
        padded = f" {norm(_NAME_SEP.sub(' ', text))} "
        # A one-word name that is an ordinary word ("Best", "Ultra", "Basic") names a brand or value
        # only when written as a name: "the best rated of these" is not a claim about the brand Best.
        written = {w.lower() for w in re.findall(r"[A-Z][\w&'-]*", text)}
        return {
            name
            for word in set(padded.split())
            for name in self.by_first.get(word, ())
            if f" {name} " in padded and (" " in name or not ordinary_word(name) or name in written)
        }


_NO_NAMES = _Names({})
_NAMES_CACHE: list[tuple[Vocabulary, _Names]] = []


def _catalog_names(vocabulary: Vocabulary) -> _Names:
    for vocab, names in _NAMES_CACHE:
        if vocab is vocabulary:
            return names
    table: dict[str, str] = {}
    for listed in (vocabulary.brands, vocabulary.colors):
        table.update(listed)
    for values in vocabulary.attributes.values():
        table.update(
            {
                v: d
                for v, d in values.items()
                if v not in _FLAG and attribute_number(v) is None and (" " in v or len(v) >= 6)
            }
        )
    built = _Names(table)
    _NAMES_CACHE.insert(0, (vocabulary, built))
    del _NAMES_CACHE[4:]
    return built


_NAME_TEXT: dict[tuple[str, int], str] = {}


def _without_own_name(clause: str, product: Product) -> str:
    """``clause`` with the product's brand and title blanked out where it says them whole."""
    for name in sorted({product.brand or "", product.title}, key=len, reverse=True):
        if len(name.strip()) > 2:
            clause = re.sub(re.escape(name.strip()), lambda m: " " * len(m.group()), clause, flags=re.I)
    return clause


def _name_text(product: Product) -> str:
    """The product's words as brand/color/value names are looked up in (cached)."""
    key = (product.id, _product_key(product))
    found = _NAME_TEXT.get(key)
    if found is None:
        parts = [
            product.title,
            product.description,
            *product.bullet_points,
            product.brand or "",
            product.color or "",
        ]
        found = _NAME_SEP.sub(" ", norm(" ".join([*parts, *product.attributes.values()])))
        if len(_NAME_TEXT) > _OWN_TEXT_MAX:
            _NAME_TEXT.clear()
        _NAME_TEXT[key] = found
    return found


def _names(text: str, names: _Names) -> set[str]:
    return names.found_in(text)


def verify_reason(
    reason: str,
    product: Product,
    *,
    shown: Sequence[Product] = (),
    filters: Filters | None = None,
    vocabulary: Vocabulary | None = None,
    shopper_text: str = "",
    reference: float | None = None,
) -> VerifiedReason:
    """Check each claim of ``reason`` against ``product`` (and the other products ``shown``)."""
    text = " ".join(reason.split())
    checks: list[ClaimCheck] = []
    if not text:
        return VerifiedReason(original=reason, text="", claims=[])
    last_word = re.findall(r"[a-z']+", text.lower())[-1:] or [""]
    truncated = text.endswith(("-", ",", ":", ";", "—")) or (
        not re.search(r"[.!?)\"']$", text) and last_word[0] in _DANGLING
    )
    clauses = split_claims(text)
    shopper_numbers = {
        float(x.replace(",", "")) for x in re.findall(r"\d+(?:,\d{3})*(?:\.\d+)?", shopper_text)
    }
    others = [p for p in shown if p.id != product.id]
    seen_ngrams: Counter[tuple[str, ...]] = Counter()
    facts = _fact_words(product, vocabulary)
    own_values = {norm(v) for v in product.attributes.values()} | {
        norm(product.brand or ""),
        norm(product.color or ""),
    }
    other_names = _catalog_names(vocabulary) if vocabulary is not None else _NO_NAMES
    product_text = _name_text(product)
    shown_text = " ".join(_name_text(p) for p in others)

    for index, clause in enumerate(clauses):
        why = ""
        # the product's own name ("By Amazing Grass", "the Best Choice Products bench") is a fact of
        # it, no judgement, superlative or market claim: its words are not read as the reason's own
        judged = _without_own_name(clause, product)
        words = re.findall(r"[a-z0-9]+", clause.lower())
        grams = [tuple(words[i : i + 4]) for i in range(len(words) - 3)]
        relative = bool(_RELATIVE.search(clause))
        if _MARKUP.search(clause):
            why = "markup or link"
        elif any(seen_ngrams[g] for g in grams):
            why = "repeats itself"
        elif truncated and index == len(clauses) - 1 and len(clauses) > 1:
            why = "cut off"
        elif _COMMERCIAL.search(judged):
            why = "a price, shipping or policy claim not from the catalog's fields"
        elif _JUDGEMENT.search(judged):
            why = "a judgement, not a fact"
        else:
            scoped = bool(_SCOPE.search(clause))
            for word in _superlatives(judged):
                if not scoped or not _superlative_holds(word, product, shown, clause):
                    why = (
                        f"'{word}' is not true of it among the products shown"
                        if scoped
                        else f"unscoped superlative '{word}'"
                    )
                    break
            if (
                not why
                and _MARKET.search(judged)
                and not (scoped and not _MARKET.search(_SCOPE.sub("", judged)))
            ):
                why = f"market claim '{_MARKET.search(judged).group()}'"  # type: ignore[union-attr]
            if not why:
                for dimension, direction in _comparatives(judged):
                    if not (relative or scoped) or not _comparative_holds(
                        dimension, direction, product, shown, reference
                    ):
                        why = (
                            f"comparison '{dimension} {direction}' is not computed against the products shown"
                        )
                        break
            if not why:
                for m in _NUMBER.finditer(clause):
                    problem = _check_number(
                        clause, m, product, others, filters, shopper_numbers, relative or scoped, reference
                    )
                    if problem:
                        why = problem
                        break
            if not why and other_names:
                for name in sorted(_names(clause, other_names)):
                    if name in own_values or f" {name} " in f" {product_text} ":
                        continue
                    if (relative or scoped) and f" {name} " in f" {shown_text} ":
                        continue
                    why = f"'{other_names[name]}' is not this product's"
                    break
            if not why and not _NEGATED.search(clause):
                # "works with Alexa" of a strip whose text says "(Not Support Alexa)": what the
                # product's own text names only to deny is no feature of it
                lacked = sorted(set(analyze(clause)) & _denied(product) - denied_stems(clause))
                if lacked:
                    why = f"its text says it does not have or work with '{lacked[0]}'"
            flag = _flag_claim(clause, product) if not why else None
            if flag is False:
                why = "says the opposite of the product's yes/no attribute"
            if not why and flag is None:
                content = {
                    singular(w) for w in re.findall(r"[a-z0-9]+", clause.lower()) if len(w) > 1
                } - _FILLER_FACTLESS
                has_number = bool(_NUMBER.search(clause))
                names_value = any(
                    len(v) > 1 and re.search(rf"(?<![a-z0-9]){re.escape(v)}(?![a-z0-9])", clause.lower())
                    for v in own_values
                    if v and v not in _FLAG
                )
                if not has_number and not names_value and not (content & facts) and not scoped:
                    why = "says nothing specific about the product"
                elif len(words) < _MIN_WORDS and not has_number and not names_value:
                    why = "too short to be a claim"
        seen_ngrams.update(grams)
        checks.append(ClaimCheck(text=clause, supported=not why, why=why))
    kept = [c.text for c in checks if c.supported]
    if len(kept) == len(checks):
        return VerifiedReason(original=reason, text=text, claims=checks)  # every claim holds: as written
    return VerifiedReason(original=reason, text=_join(kept), claims=checks)


_NEGATED = re.compile(r"\b(?:no|not|without|lacks?|non)\b", re.IGNORECASE)


def _denied(product: Product) -> frozenset[str]:
    """The stems the product's own text (title, bullets, description) names only to deny."""
    return _per_product(
        _DENIED, product, lambda p: denied_stems("\n".join([p.title, *p.bullet_points, p.description]))
    )


_DENIED: dict[tuple[str, int], frozenset[str]] = {}


def _flag_claim(clause: str, product: Product) -> bool | None:
    """A claim about a yes/no attribute ("wireless", "no third rack"): True when it matches the
    product's value, False when it contradicts it, None when the clause names no such attribute."""
    low = f" {' '.join(re.findall(r'[a-z0-9]+', clause.lower()))} "
    verdict: bool | None = None
    for key, value in product.attributes.items():
        flag = norm(value)
        if flag not in _FLAG:
            continue
        label = " ".join(key_words(key))
        if not label or f" {label} " not in low:
            continue
        says_no = bool(_NEGATED.search(clause))
        holds = (flag in ("yes", "true")) != says_no
        if not holds:
            return False
        verdict = True
    return verdict


def _join(parts: Sequence[str]) -> str:
    if not parts:
        return ""
    cleaned = [_LEADING.sub("", parts[0]).strip()] + [p.strip() for p in parts[1:]]
    text = "; ".join(p for p in cleaned if p)
    if not text:
        return ""
    return text[0].upper() + text[1:] + "."


def verify_text(
    text: str,
    products: Sequence[Product],
    *,
    filters: Filters | None = None,
    vocabulary: Vocabulary | None = None,
    shopper_text: str = "",
) -> VerifiedReason:
    """An answer about several products: each claim must hold for one of ``products`` (computed over
    all of them); unsupported claims are dropped."""
    if not products:
        return VerifiedReason(original=text, text="", claims=[])
    checks: list[ClaimCheck] = []
    for claim in split_claims(text):
        verdicts = [
            verify_reason(
                claim, p, shown=products, filters=filters, vocabulary=vocabulary, shopper_text=shopper_text
            )
            for p in products
        ]
        held = next((v for v in verdicts if v.grounded), None)
        why = (
            ""
            if held is not None
            else (verdicts[0].unsupported[0].why if verdicts[0].unsupported else "no claim")
        )
        checks.append(ClaimCheck(text=claim, supported=held is not None, why=why))
    kept = [c.text for c in checks if c.supported]
    if len(kept) == len(checks):
        return VerifiedReason(original=text, text=" ".join(text.split()), claims=checks)
    return VerifiedReason(original=text, text=_join(kept), claims=checks)

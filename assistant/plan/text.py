"""Words of the shopper's message: tokens, a light singular form, and the small generic lexicons the
deterministic parser needs (stopwords, soft preferences, colour words, product nouns, off-topic words).

Nothing here knows the catalog: catalog words come from ``retrieval.products.Vocabulary``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from pydantic import BaseModel, ConfigDict

__all__ = [
    "ALLOWED_DEGREE",
    "ALLOWED_LEAD",
    "ASK_CUE",
    "COLOR_WORDS",
    "FILLER_WORDS",
    "GENERIC_PRODUCT_NOUNS",
    "OFF_TOPIC_WORDS",
    "PREFERENCE_TERMS",
    "VAGUE_WORDS",
    "Token",
    "blank_spans",
    "singular",
    "tokenize",
]

YOU = r"(?:(?:you|u|ya|y'?all)(?:\s+(?:guys|folks|all))?|(?:the|this|your)\s+(?:store|shop|site))"
"""How shoppers address the store: "you", "u guys", "y'all", "the store"."""

CARRY_VERBS = r"holds?|supports?|carr(?:y|ies)|rated\s+(?:for|to)"
"""Verbs before a figure a product must carry ("hold 300", "rated for 400"): a load, not a price."""
LOAD_LEAD = r"(?:up\s+to\s+|at\s+least\s+|over\s+)?"
"""What may stand between such a verb and its figure."""

ALLOWED_LEAD = (
    r"\b(?:doesn'?t|does\s+not|don'?t|do\s+not|needn'?t)\s+(?:have|need)\s+(?:it\s+|them\s+)?to\s+be"
)
"""What allows a feature without asking for it: "doesn't have to be", "don't need them to be"."""
ALLOWED_DEGREE = ("a", "an", "the", "super", "too", "very", "that", "really", "so")
"""Words between that lead and the feature: "doesn't have to be super warm", "...be an espresso one"."""

ADDING_CUE = (
    r"(?:(?:toss|throw|chuck)\s+in|grab(?:\s+me)?|pick\s+up|add)"
    r"(?=\s+(?:an?|some|one|two|three|couple|pair|\d+|that|those|these|the(?!\s+towel\b))\b)"
)
"""Verbs that add a product to the basket: "throw in a face wash", "grab me some ribbon", "pick up a
leash" (a determiner follows; "throw in the towel" adds nothing)."""

ASK_CUE = re.compile(
    r"\b(?:(?:i'?m\s+|i\s+am\s+|we'?re\s+)?(?:looking|lookin'?|searching|shopping|hunting)\s+for|"
    rf"{ADDING_CUE}|"
    r"(?:is|are)\s+there\s+(?:any|an?)(?=\s)|(?:i'?m|i\s+am|we'?re|we\s+are)\s+after|"
    rf"do(?:es)?\s+{YOU}\s+(?:even\s+|also\s+)?(?:have|sell|carry|stock|got)|"
    r"(?:(?:i|we|i'd|we'd|she|he|they)\s+)?(?:need|needs|want|wants|would\s+like)|(?:can|could)\s+you\s+(?:find|show|recommend)(?:\s+me)?|"
    r"show\s+me|find\s+me|get\s+me(?!\s*(?:[?.!]|$))|recommend|"
    # "her bday's coming up, thinking a tshirt", "was thinking maybe a scarf"
    r"thinking(?:\s+(?:of|about))?(?:\s+(?:getting|buying|gifting)\s+(?:her|him|them|me|us))?(?:\s+(?:maybe|like))?(?=\s+(?:an?|some)\s))\b"
)
"""Words that frame an ask ("looking for", "do you have", "we need"): what follows names the product."""

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|&|\+")


class Token(BaseModel):
    """One word of the message: its text, singular form and character span (in the lowered message)."""

    model_config = ConfigDict(frozen=True)

    text: str
    stem: str
    start: int
    end: int


_IRREGULAR = {
    "people": "person",
    "persons": "person",
    "men": "man",
    "women": "woman",
    "children": "child",
    # the possessive plurals shoppers type without the apostrophe ("mens slippers", "womens coats")
    "mens": "man",
    "womens": "woman",
    "childrens": "child",
    "feet": "foot",
    "mice": "mouse",
}


@lru_cache(maxsize=4096)
def _singular_ies(w: str) -> str:
    """ "batteries"→"battery", but "hoodies"→"hoodie", "cookies"→"cookie": the -ie form when it is
    an English word and the -y form is not."""
    from assistant.plan.typos import english_words

    y_form, ie_form = w[:-3] + "y", w[:-1]
    words = english_words()
    return ie_form if ie_form in words and y_form not in words else y_form


@lru_cache(maxsize=4096)
def _singular_ves(w: str) -> str:
    """ "knives"→"knife", "shelves"→"shelf", but "microwaves"→"microwave", "gloves"→"glove": the f/fe
    form only when it is an English word (the word list the typo corrector uses), else drop the "s"."""
    from assistant.plan.typos import english_words

    base = w[:-3]
    if len(base) >= 3:
        for form in (base + "f", base + "fe"):
            if form in english_words():
                return form
    return w[:-1]


def singular(word: str) -> str:
    """A light singular: ``tents``→``tent``, ``batteries``→``battery``, ``boxes``→``box``;
    ``stainless``/``glass``/``bus`` stay."""
    w = word
    if w.endswith("'s") and len(w) > 3:  # a possessive: "women's" is "women", "kid's" is "kid"
        w = w[:-2]
    if w in _IRREGULAR:
        return _IRREGULAR[w]
    if len(w) <= 3 or not w.endswith("s") or w.endswith(("ss", "us", "is", "ous")):
        return w
    if w.endswith("ies") and len(w) > 4:
        return _singular_ies(w)
    if w.endswith("ves") and len(w) > 4:
        return _singular_ves(w)
    if w.endswith(("ches", "shes", "xes", "sses", "zes")):
        return w[:-2]
    return w[:-1]


def tokenize(text: str) -> list[Token]:
    """Lower-case word tokens of ``text`` (apostrophes normalized) with their spans."""
    lowered = text.replace("\u2019", "'").lower()
    return [
        Token(text=m.group(), stem=_one_spelling(singular(m.group())), start=m.start(), end=m.end())
        for m in _TOKEN.finditer(lowered)
    ]


_DOUBLED_L = re.compile(r"(?<=[a-z]{3}[aeu])ll(?=(?:ing|ed|er)$)")


def _one_spelling(stem: str) -> str:
    """British and American spellings as one stem: "cancelling"/"canceling", "travelled"/"traveled"."""
    return _DOUBLED_L.sub("l", stem) if "ll" in stem else stem


def blank_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """``text`` with each span replaced by spaces (so later spans keep their offsets)."""
    chars = list(text)
    for start, end in spans:
        for i in range(start, min(end, len(chars))):
            chars[i] = " "
    return "".join(chars)


FILLER_WORDS = frozenset(
    [
        # chat words that never name a product ("do u have anything under 15 tho")
        "though",
        "tho",
        "made",  # "any made by Sonovel?": who makes it, not a kind of product
        "if",
        "hm",
        "nah",
        "tbh",
        "ngl",
        "imo",
        "btw",
        "omg",
        "anyway",
        "anyways",
        # interjections ("oh bummer. ok swaddles then")
        "bummer",
        "dang",
        "darn",
        "ugh",
        "meh",
        "oof",
        "welp",
        "shucks",
        # time and degree adverbs ("he's cracked two desk chairs already")
        "already",
        "anymore",
        "again",
        "yet",
        "ever",
        "actually",
        "lately",
        "recently",
        "soon",
        "mostly",  # "at least 144hz, mostly for shooters": how much, not what
        "mainly",
        "usually",
        "primarily",
        "a",
        "an",
        "the",
        "and",
        "or",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "with",
        "by",
        "from",
        "as",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "am",
        "do",
        "does",
        "did",
        "doing",
        "i",
        "i'm",
        "im",
        "me",
        "my",
        "mine",
        "we",
        "our",
        "you",
        "your",
        "it",
        "its",
        "it's",
        "this",
        "that",
        "these",
        "those",
        "they",
        "them",
        "their",
        "there",
        "here",
        "some",
        "any",
        "anything",
        "something",
        "one",
        "ones",
        "show",
        "shows",
        "find",
        "get",
        "give",
        "see",
        "want",
        "wants",
        "need",
        "needs",
        "needed",
        "looking",
        "look",
        "search",
        "searching",
        "buy",
        "buying",
        "purchase",
        "please",
        "pls",
        "plz",
        "oh",
        "guys",
        "yall",
        "y'all",
        "folks",
        "can",
        "could",
        "would",
        "will",
        "should",
        "may",
        "might",
        "let",
        "let's",
        "lets",
        "like",
        "just",
        "only",
        "also",
        "too",
        "very",
        "really",
        "so",
        "but",
        "maybe",
        "perhaps",
        "now",
        "then",
        "instead",
        "what",
        "what's",
        "whats",  # (chat drops the apostrophe: "whats a good game for a 3 year old")
        "which",
        "who",
        "how",
        "about",
        "around",
        "have",
        "has",
        "had",
        "got",
        "good",
        "nice",
        "great",
        "okay",
        "ok",
        "hi",
        "hello",
        "hey",
        "thanks",
        "thank",
        "more",
        "other",
        "else",
        "kind",
        "type",
        "sort",
        "sorts",
        "kinds",
        "options",
        "option",
        "choices",
        "choice",
        "recommend",
        "recommendation",
        "recommendations",
        "suggest",
        "suggestion",
        "suggestions",
        "available",
        "sell",
        "sells",
        "selling",
        "carry",
        "stock",
        "item",
        "items",
        "product",
        "products",
        "stuff",
        "thing",
        "things",
        "all",
        "every",
        "each",
        "same",
        "new",
        "hmm",
        "um",
        "well",
        "yes",
        "yeah",
        "no",
        "not",
        "don't",
        "dont",
        "doesn't",
        "isn't",
    ]
)
"""Words that carry no product meaning for the standalone query."""

VAGUE_WORDS = frozenset(
    [
        "gift",
        "gifts",
        "present",
        "presents",
        # the occasion of a gift names no product ("a bday present", "xmas gift ideas")
        "bday",
        "birthday",
        "xmas",
        "christmas",
        "idea",
        "ideas",
        "something",
        "anything",
        "everything",
        "whatever",
        "stuff",
        "thing",
        "things",
        "surprise",
        "birthday",
        "christmas",
        "xmas",
        "holiday",
        "holidays",
        "anniversary",
        "occasion",
        "help",
        "shopping",
        "shop",
        "cool",
        "fun",
        "special",
        "nice",
        "dad",
        "mom",
        "mum",
        "father",
        "mother",
        "wife",
        "husband",
        "son",
        "daughter",
        "friend",
        "friends",
        "kid",
        "kids",
        "boyfriend",
        "girlfriend",
        "him",
        "her",
        "brother",
        "sister",
        "grandma",
        "grandpa",
        "boss",
        "coworker",
        "colleague",
        "teen",
        "teenager",
        "someone",
        "somebody",
        "person",
        "people",
        "family",
        "parents",
        "baby",
        "child",
        "children",
    ]
)
"""Words that alone make a request too vague to search ("I need a gift for my dad")."""

PREFERENCE_TERMS: tuple[str, ...] = (
    "energy efficient",
    "easy to clean",
    "easy to use",
    "easy to assemble",
    "water resistant",
    "eco friendly",
    "kid friendly",
    "pet friendly",
    "light weight",
    "long lasting",
    "high quality",
    "top rated",
    "well reviewed",
    "best selling",
    "quiet",
    "silent",
    "lightweight",
    "compact",
    "portable",
    "waterproof",
    "durable",
    "sturdy",
    "powerful",
    "warm",
    "cozy",
    "comfortable",
    "spacious",
    "large",
    "small",
    "big",
    "rechargeable",
    "wireless",
    "cordless",
    "foldable",
    "breathable",
    "adjustable",
    "stylish",
    "modern",
    "minimalist",
    "rugged",
    "insulated",
    "fast",
    "reliable",
)
"""Soft preferences: they rank, they don't filter (unless the catalog has them as attribute values)."""

COMPARATIVES: dict[str, str] = {
    "quieter": "quiet",
    "lighter": "lightweight",
    "smaller": "compact",
    "bigger": "large",
    "larger": "large",
    "warmer": "warm",
    "faster": "fast",
    "sturdier": "durable",
    "stronger": "durable",
    "cheaper": "price",
    "pricier": "price",
    "comfier": "comfortable",
    "better": "overall",
}

COLOR_WORDS = frozenset(
    [
        "black",
        "white",
        "grey",
        "gray",
        "silver",
        "gold",
        "golden",
        "red",
        "blue",
        "navy",
        "green",
        "olive",
        "yellow",
        "orange",
        "purple",
        "violet",
        "lavender",
        "pink",
        "magenta",
        "brown",
        "tan",
        "beige",
        "cream",
        "ivory",
        "teal",
        "turquoise",
        "cyan",
        "maroon",
        "burgundy",
        "charcoal",
        "bronze",
        "copper",
        "khaki",
        "mint",
        "coral",
        "blonde",
        "blond",
        "brunette",
        "auburn",
        "platinum",
        "mauve",
        "fuchsia",
        "aqua",
        "indigo",
        "nickel",
        "chrome",
        "brass",
    ]
)
"""Common colour words: a colour the catalog doesn't carry is reported as an unknown value."""

GENERIC_PRODUCT_NOUNS = frozenset(
    [
        "car",
        "cars",
        "truck",
        "trucks",
        "motorcycle",
        "motorcycles",
        "boat",
        "boats",
        "house",
        "houses",
        "apartment",
        "apartments",
        "laptop",
        "laptops",
        "phone",
        "phones",
        "smartphone",
        "smartphones",
        "tablet",
        "tablets",
        "tv",
        "tvs",
        "television",
        "televisions",
        "monitor",
        "monitors",
        "computer",
        "computers",
        "printer",
        "printers",
        "camera",
        "cameras",
        "drone",
        "drones",
        "headphone",
        "headphones",
        "earbuds",
        "speaker",
        "speakers",
        "shoe",
        "shoes",
        "sneaker",
        "sneakers",
        "boot",
        "boots",
        "dress",
        "dresses",
        "shirt",
        "shirts",
        "jeans",
        "jacket",
        "jackets",
        "coat",
        "coats",
        "watch",
        "watches",
        "ring",
        "rings",
        "necklace",
        "necklaces",
        "bracelet",
        "bracelets",
        "sunglasses",
        "handbag",
        "handbags",
        "sofa",
        "sofas",
        "couch",
        "couches",
        "mattress",
        "mattresses",
        "bed",
        "beds",
        "chair",
        "chairs",
        "table",
        "tables",
        "desk",
        "desks",
        "lamp",
        "lamps",
        "refrigerator",
        "refrigerators",
        "fridge",
        "fridges",
        "dishwasher",
        "dishwashers",
        "washer",
        "washers",
        "dryer",
        "dryers",
        "microwave",
        "microwaves",
        "oven",
        "ovens",
        "stove",
        "stoves",
        "blender",
        "blenders",
        "toaster",
        "toasters",
        "vacuum",
        "vacuums",
        "tent",
        "tents",
        "backpack",
        "backpacks",
        "stove",
        "bicycle",
        "bicycles",
        "bike",
        "bikes",
        "scooter",
        "scooters",
        "skateboard",
        "guitar",
        "guitars",
        "piano",
        "pianos",
        "violin",
        "drum",
        "drums",
        "book",
        "books",
        "novel",
        "toy",
        "toys",
        "lego",
        "puzzle",
        "puzzles",
        "puppy",
        "puppies",
        "kitten",
        "kittens",
        "dog",
        "dogs",
        "cat",
        "cats",
        "pet",
        "pets",
        "horse",
        "horses",
        "medicine",
        "medicines",
        "prescription",
        "drugs",
        "groceries",
        "grocery",
        "wine",
        "beer",
        "cigarettes",
        "vape",
        "gun",
        "guns",
        "ammo",
        "tire",
        "tires",
        "mower",
        "mowers",
        "grill",
        "grills",
        "perfume",
        "lipstick",
        "makeup",
        "shampoo",
        "diapers",
    ]
)
"""Generic product nouns: one the catalog vocabulary never mentions makes a request out of catalog."""

OFF_TOPIC_WORDS = frozenset(
    [
        "weather",
        "forecast",
        "flight",
        "flights",
        "airline",
        "hotel",
        "hotels",
        "taxi",
        "uber",
        "lyft",
        "news",
        "headlines",
        "stocks",
        "crypto",
        "bitcoin",
        "recipe",
        "recipes",
        "poem",
        "poems",
        "essay",
        "essays",
        "homework",
        "lawyer",
        "attorney",
        "diagnosis",
        "symptoms",
        "mortgage",
        "loan",
        "loans",
        "visa",
        "passport",
        "vacation",
        "reservation",
        "reservations",
        "restaurant",
        "restaurants",
        "translate",
        "translation",
    ]
)
"""Words of requests that are not shopping for a product at all."""

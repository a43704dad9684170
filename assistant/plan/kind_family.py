"""A kind named by its head noun alone, read where it was said.

"And a mattress for it" after a futon frame asks for a futon mattress; "do you have a set with the
conditioner too?" after shampoos asks for a shampoo and conditioner set, not a screwdriver set. The
planner reads "mattress" as the catalog's Mattresses and "set" as its Sets level: the levels named
for the same thing (:meth:`retrieval.schema.CatalogSchema.same_head`) that the conversation names
more of are what the shopper meant. The rule reads the catalog's own level names; no word list.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from assistant.plan.text import FILLER_WORDS, tokenize
from retrieval.catalog import norm
from retrieval.schema import CatalogSchema, name_heads
from retrieval.text import analyze

__all__ = ["MAX_KINDS", "NEAR", "kind_in_context", "modifiers", "name_words"]

MAX_KINDS = 3
"""More levels than this named as well as each other: the words do not choose between them."""


def name_words(name: str) -> frozenset[str]:
    """The content words of a level name, singular ("Futon Mattresses": futon, mattress)."""
    return frozenset(
        t.stem for t in tokenize(re.sub(r"[^a-z0-9' ]+", " ", name.lower())) if t.stem not in FILLER_WORDS
    )


@lru_cache(maxsize=4096)
def modifiers(name: str, head: str) -> frozenset[str]:
    """The words qualifying ``head`` in ``name``: the other words of the part of the name it heads
    ("Shampoo & Conditioner Sets": conditioner; "Screw Guns & Screwdrivers": none for screwdriver)."""
    for part in re.split(r"[&,]", name):
        if analyze(part)[-1:] == [head]:
            return frozenset(w for w in name_words(part) if analyze(w)[-1:] != [head] and len(w) > 2)
    return frozenset()


NEAR = 5
"""How many words from the head noun a word of the message may stand to qualify it ("a set that sits
in a block"; not "a game ... at the kitchen table", the next sentence's noun)."""


def _near(message: str, heads: set[str]) -> frozenset[str]:
    """The content words of ``message`` within :data:`NEAR` words of a word naming one of ``heads``,
    in the same sentence."""
    found: set[str] = set()
    for sentence in re.split(r"[.!?;]+", message.lower()):
        tokens = tokenize(sentence)
        at = [i for i, t in enumerate(tokens) if (stems := analyze(t.text)) and stems[-1] in heads]
        found |= {
            t.stem
            for i, t in enumerate(tokens)
            if t.stem not in FILLER_WORDS and any(abs(i - j) <= NEAR for j in at)
        }
    return frozenset(found)


def kind_in_context(
    category: str, message: str, context: Iterable[str], schema: CatalogSchema
) -> list[str] | None:
    """The levels the shopper means by ``category``, a level the planner read from the message,
    when other levels named for the same thing share more words with the message and the
    conversation's kinds (``context``: the earlier asked and shown levels) than ``category`` shares
    with the message; ``None`` to keep it. Ties among up to :data:`MAX_KINDS` levels are all kept."""
    key = norm(category)
    heads = name_heads(key)
    members = schema.same_head(key)
    if not heads or not members:
        return None
    said = _near(message, set(heads))
    around = said | {w for name in context for w in name_words(name)}
    best: list[str] = []
    top = 0
    for member in members:
        head = next((h for h in name_heads(member) if h in heads), None)
        if head is None:
            continue
        score = len(modifiers(member, head) & around)
        if score > top:
            best, top = [member], score
        elif score == top and score:
            best.append(member)
    own = max((len(modifiers(key, h) & said) for h in heads), default=0)
    if top <= own or not best or len(best) > MAX_KINDS:
        return None
    return best

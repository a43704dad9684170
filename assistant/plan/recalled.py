"""A later turn that points back at a list an earlier answer showed, by the kind of its products:
"how much was the first tent?" after tents and then sleeping bags, "go back to the headphones, is
the second one wireless?" after earbuds, "the laptop you showed me first, how heavy is it?". The
position, the name or the question is that list's, read as if it had been shown last, not a new
search of the kind.

Which list: the most recent earlier answer whose products a word of the message names as their kind
(a word the catalog's titles name those products by, or the kind word of their category's name),
when the message points back (a place in a list, "you showed", "earlier", "again", "go back", "was")
and names neither the kind shown last nor any category the list does not hold.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Sequence

from assistant.plan.references import POSITION
from assistant.plan.text import FILLER_WORDS, singular
from assistant.schemas import HistoryTurn
from retrieval.catalog import Product, norm

__all__ = ["recalled_answer"]

_POINTS_BACK = re.compile(
    r"\b(?:you\s+(?:showed|show(?:ed)?\s+me|had|found|listed|gave|suggested|recommended|mentioned)"
    r"|earlier|before|again|go(?:ing)?\s+back|back\s+to|was|were|did)\b"
)


def recalled_answer(
    message: str,
    history: Sequence[HistoryTurn],
    products: Callable[[Sequence[str]], list[Product]],
    named_kinds: Callable[[str], set[str]],
    said_categories: set[str],
    levels: Callable[[str], Collection[str]],
    kind_of_name: Callable[[str], set[str]] | None = None,
) -> int | None:
    """The index in ``history`` of the earlier answer whose list ``message`` points back at, or
    ``None``. ``products(ids)``: the catalog's products; ``named_kinds(word)``: the leaf categories
    (normalized) whose products the word names; ``said_categories``: the categories the message
    names (normalized); ``levels(leaf)``: the levels above a leaf; ``kind_of_name(word)``: the leaves
    whose category's name has the word as its kind (what says the kind shown last is asked about;
    by default ``named_kinds``)."""
    kind_of_name = kind_of_name or named_kinds
    lowered = message.lower()
    if _POINTS_BACK.search(lowered) is None and POSITION.search(lowered) is None:
        return None
    answers = [i for i, h in enumerate(history) if h.shown_ids]
    if len(answers) < 2:
        return None

    def leaves(i: int) -> set[str]:
        return {norm(p.category[-1]) for p in products(history[i].shown_ids) if p.category}

    words = [w for w in re.findall(r"[a-z]+", lowered) if len(w) > 2 and w not in FILLER_WORDS]
    kinds = [named for w in words if (named := named_kinds(w) | named_kinds(singular(w)))]
    last = leaves(answers[-1])
    if not kinds or any((kind_of_name(w) | kind_of_name(singular(w))) & last for w in words):
        return None  # no kind said, or the one shown last ("the first tent" among tents)
    for i in reversed(answers[:-1]):
        theirs = leaves(i)
        if not any(named & theirs for named in kinds):
            continue
        held = theirs | {norm(level) for leaf in theirs for level in levels(leaf)}
        # ("the tent was too pricey, got sleeping bags?": another kind asked for, no list recalled)
        return i if said_categories <= held else None
    return None

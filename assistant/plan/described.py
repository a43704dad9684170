"""The kinds of product a catalog's descriptions name where its titles and categories do not.

A feed's description often opens by saying what the product is, in the words shoppers use ("A ceramic
flat iron with adjustable temperature …", "A stick blender for soups …", "A family jigsaw with a
mountain lake …", "A versatile neutral daily trainer …"), while its title and category use the trade's
("Hair Straightener", "Immersion Hand Blender", "Puzzle", "Running Shoe"). Read from the catalog at
each version, never from a word list: a store whose descriptions open otherwise gets no such kinds.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from assistant.plan.text import singular
from assistant.plan.word_class import word_classes
from retrieval.catalog import Product, norm

__all__ = ["DescribedKinds"]

# "A/An <up to six words>" up to the first clause break: a preposition, a relative pronoun, "and",
# a full stop ("A ceramic flat iron with …", "An off-road RC truck that …", "A stick blender for …");
# a comma only runs adjectives together ("A light, responsive trainer …")
_OPENING = re.compile(
    r"^an?\s+(?P<phrase>[a-z0-9][a-z0-9'-]*(?:,?\s+[a-z0-9][a-z0-9'-]*){0,5}?)"
    r"(?=\s*[.;:!?(]|\s+(?:with|for|that|and|in|on|to|from|which|who|whose|of|under|by|at|is|are|built)\b|\s*$)",
    re.IGNORECASE,
)


def _words(text: str) -> list[str]:
    return [singular(w) for w in re.findall(r"[a-z]+", text.casefold())]


@dataclass
class DescribedKinds:
    """head noun (singular) → the leaf categories of the products whose description opens naming it,
    the words said before it there ("flat" of "flat iron"), and every word of those leaves' titles
    and category paths (what a shopper's modifier may be without naming another kind)."""

    version: int
    leaves: dict[str, dict[str, int]] = field(default_factory=dict)
    modifiers: dict[str, set[str]] = field(default_factory=dict)
    leaf_words: dict[str, set[str]] = field(default_factory=dict)
    title_words: set[str] = field(default_factory=set)

    @classmethod
    def build(cls, version: int, products: Iterable[Product]) -> DescribedKinds:
        kinds = cls(version=version)
        for p in products:
            if not p.category:
                continue
            leaf = p.category[-1]
            title = _words(p.title)
            kinds.title_words.update(title)
            kinds.leaf_words.setdefault(leaf, set()).update(title, _words(" ".join(p.category)))
            match = _OPENING.match((p.description or "").strip())
            if match is None:
                continue
            words = _words(match.group("phrase"))
            if not words or "NOUN" not in word_classes(words[-1]):
                continue  # ("A fast, tangle-free rope": no noun closes the phrase before the break)
            head = words[-1]
            table = kinds.leaves.setdefault(head, {})
            table[leaf] = table.get(leaf, 0) + 1
            kinds.modifiers.setdefault(head, set()).update(words[:-1])
        return kinds

    def leaf_for(self, kind: str) -> str | None:
        """The leaf category ``kind`` (the words naming what the shopper asked for) is, when a
        description names it and no title does: its head noun opens descriptions of that leaf's
        products (most of those naming it), and a word said before the head is one said there too or
        a word of that leaf ("running trainers"); otherwise it names another kind ("a cross trainer",
        "steam irons" where only a flat iron is described). A head some title has ("iron" of cast-iron
        kettlebells) counts only with a modifier the description said ("flat iron")."""
        words = _words(kind)
        if not words:
            return None
        head = words[-1]
        table = self.leaves.get(head)
        if not table:
            return None
        leaf, count = max(table.items(), key=lambda item: item[1])
        if 2 * count <= sum(table.values()):
            return None
        modifier = words[-2] if len(words) > 1 else None
        if modifier is None:
            return None if head in self.title_words else leaf
        said_there = modifier in self.modifiers.get(head, set())
        if head in self.title_words:
            # "flat iron": the titles' iron is cast iron; only the description's own pair is this kind
            return leaf if said_there else None
        return leaf if said_there or modifier in self.leaf_words.get(leaf, set()) else None

    def leaf_over(self, kind: str, read: Iterable[str]) -> str | None:
        """:meth:`leaf_for`, given the categories (normalized names) already read from the ask: the
        described leaf when none was read, when it is one of them, or when the ask's words are
        unlike any title's use of them (:meth:`unlike_titles`: "flat iron" over the kettlebells read
        from "iron"); ``None`` when a category read otherwise stands."""
        leaf = self.leaf_for(kind)
        read = list(read)
        if leaf is None or (read and norm(leaf) not in read and not self.unlike_titles(kind, read)):
            return None
        return leaf

    def titled(self, kind: str) -> bool:
        """Whether the head noun of ``kind`` is a word of some title ("cork block": the yoga block's)."""
        words = _words(kind)
        return bool(words) and words[-1] in self.title_words

    def unlike_every_title(self, kind: str) -> bool:
        """Whether no word of ``kind`` is a word of any title: what another word for a category may be
        ("stuffed animal"); "bed frames" has the dog beds' word, and is a thing of its own."""
        words = _words(kind)
        return bool(words) and not any(w in self.title_words for w in words)

    def unlike_titles(self, kind: str, categories: Iterable[str]) -> bool:
        """Whether ``kind`` names its described kind in words no title uses that way, so that a
        category read from one of its words is a misreading: a modifier no title has ("flat iron",
        read as the cast iron of kettlebells), or a bare head no title has that is no word of the
        categories read ("trainers", not Strength Training)."""
        words = _words(kind)
        if not words:
            return False
        if len(words) > 1:
            return words[-2] not in self.title_words
        named = {w for c in categories for w in _words(c)}
        return words[-1] not in self.title_words and words[-1] not in named

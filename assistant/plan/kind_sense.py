"""Which of the catalog's kinds a head noun means, read from the products nearest the whole ask.

A head noun names a category ("bags": the store's Bags level), but catalogs file things called the
same in several places: "bags to put birthday presents in" are its Gift Bags, not the dust and tool
bags of its Bags level; "my cat needs a new bowl" is Bowls & Dishes under Pet Supplies, not the
kitchen's Bowls. And a category may hold the noun only as one word of a longer name the shopper did
not say: "a bed for the guest room" in a store whose only Beds are Dog Beds is a mattress.

The rule reads the catalog, not a word list: when none of the products nearest the whole ask is filed
under the category read, another level the catalog names for the same thing
(:meth:`retrieval.schema.CatalogSchema.same_head`) holding a clear share of them is the kind asked;
and when the category's name qualifies the noun with words the shopper did not say ("dog" of Dog
Beds), the leaf holding a clear share of them is. Otherwise the category stands.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.plan.kind_family import modifiers, name_words
from retrieval.catalog import norm
from retrieval.schema import CatalogSchema, name_heads
from retrieval.text import analyze

__all__ = ["Sense", "same_head_kinds", "sense_of_head"]


@dataclass(frozen=True)
class Sense:
    """What the nearest products say of the category read: ``level`` to ask for instead, and
    whether it is a level named for the same thing (``same_head``) or the leaf the nearest products
    are filed under (a kind the shopper named only by its head)."""

    level: str
    same_head: bool


def _clear(
    counts: Counter[str], order: Sequence[str], schema: CatalogSchema, needed: float, inside: int
) -> str | None:
    """The level of ``order`` holding the most of ``counts`` when it holds at least ``needed`` and
    twice as many as the category read (``inside``) and as any level neither above nor below it."""
    ranked = sorted((m for m in order if counts[m]), key=lambda m: -counts[m])
    if not ranked:
        return None
    lead = ranked[0]
    rival = next(
        (counts[m] for m in ranked[1:] if m not in schema.above(lead) and lead not in schema.above(m)),
        0,
    )
    return lead if counts[lead] >= needed and counts[lead] >= 2 * max(rival, inside) else None


def _size(level: str, schema: CatalogSchema) -> int:
    """How many products the catalog files under ``level``."""
    return sum(leaf.count for leaf in schema.leaves(level))


def _unsaid_qualifier(category: str, head: str, said: set[str]) -> bool:
    """Whether ``category`` names ``head`` only with words qualifying it that ``said`` lacks ("Dog
    Beds" for "a bed for the guest room"; not "Beds", not "Dog Beds" for "a bed for my dog")."""
    stems = analyze(head)[-1:]
    for part_head in name_heads(category):
        if [part_head] != stems:
            continue
        qualifying = modifiers(category, part_head)
        if qualifying and not (qualifying & said):
            return True
    return False


def same_head_kinds(category: str, schema: CatalogSchema) -> list[str]:
    """The levels the catalog names for the same thing as ``category``
    (:meth:`retrieval.schema.CatalogSchema.same_head`), largest first; a department is no kind
    ("Toys & Games" for "a game")."""
    return [m for m in schema.same_head(category) if schema.departments(m) != {m}]


def sense_of_head(
    category: str,
    head: str,
    said: str,
    nearest: Callable[[], Sequence[Sequence[str]]],
    schema: CatalogSchema,
    *,
    share: float,
    qualified_by: frozenset[str] = frozenset(),
    size: int | None = None,
) -> Sense | None:
    """The kind ``head`` (the noun naming the product, singular) means in an ask ``said``, when
    ``category`` (read from it) holds less than ``share`` of the ``nearest`` products (their
    category paths, nearest first; asked for only when another kind could be meant); ``None`` to
    keep ``category``. A level must hold ``share`` of them, and twice as many as ``category`` and
    any other level (see the module docstring). A level whose name qualifies the noun otherwise than
    the shopper did (``qualified_by``: "beach" of "a beach towel"; Dish Towels) is another kind, and
    so is one filing no more than twice the products of ``category`` (the likelier sense is the far
    larger). A category of ``size`` products all of which are among the nearest stands however few
    that is (three hair dryers cannot be a quarter of twenty)."""
    key = norm(category)
    stems = analyze(head)[-1:]

    def qualified_otherwise(level: str) -> bool:
        qualifying = frozenset(w for h in name_heads(level) if [h] == stems for w in modifiers(level, h))
        return bool(qualified_by and qualifying and not (qualifying & qualified_by))

    # (a level filing no more than twice the products of the one read is not the likelier sense)
    own = _size(key, schema) if size is None else size
    members = [
        m for m in same_head_kinds(key, schema) if _size(m, schema) > 2 * own and not qualified_otherwise(m)
    ]
    unsaid = _unsaid_qualifier(key, head, set(name_words(said)))
    if not members and not unsaid:
        return None  # no other kind the noun could mean here
    found = nearest()
    paths = [{norm(level) for level in path} for path in found if path]
    if not paths:
        return None
    inside = sum(key in levels for levels in paths)
    needed = share * len(found)
    if inside >= (needed if size is None else min(needed, size)):
        return None  # the category read holds a share of them itself
    counts: Counter[str] = Counter(m for levels in paths for m in members if m in levels)
    lead = _clear(counts, members, schema, needed, inside)
    if lead is not None:
        return Sense(lead, same_head=True)
    if not unsaid:
        return None
    leaves: Counter[str] = Counter(norm(path[-1]) for path in found if path and norm(path[-1]) != key)
    leaf = _clear(leaves, list(leaves), schema, needed, inside)
    return Sense(leaf, same_head=False) if leaf is not None else None

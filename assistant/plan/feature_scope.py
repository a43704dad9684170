"""A best-of question scoped to the shown products that have a feature their text states: "which of
the polarized ones has the best reviews", "out of the remote control ones which is cheapest".

The planner reads "which … cheapest" over the products shown; the words between "of the" and "ones"
say which of them. A raw marketplace feed states such features only in titles and bullet points, so
the scope is read the way the text-word stage reads a feature (:func:`~assistant.plan.text_words.
with_text_words`: a word the catalog's text tells some products of the kind apart by) and checked on
each shown product: only those saying it are ranked; when none shown says it, the kind is searched
for it, sorted as asked.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from assistant.plan.semantics import lexicons
from assistant.plan.text import FILLER_WORDS, tokenize
from assistant.plan.text_words import with_text_words
from assistant.schemas import QueryPlan
from retrieval.products import Vocabulary
from retrieval.schema import CatalogSchema
from retrieval.snapshot import CatalogSnapshot
from retrieval.text import analyze

__all__ = ["scoped_to_feature"]

# "which of the polarized ones", "out of the remote control ones", "among those waterproof ones"
_SCOPE = re.compile(
    r"\b(?:of|among|from)\s+(?:all\s+)?(?:the|those|these)\s+(?P<scope>[a-z][a-z0-9' -]{1,40}?)\s+ones?\b"
)


def scoped_to_feature(
    plan: QueryPlan,
    said: str,
    shown_ids: Sequence[str],
    vocabulary: Vocabulary,
    snap: CatalogSnapshot,
    schema: CatalogSchema,
) -> QueryPlan:
    """``plan`` (a best-of question over the products shown, ``shown_ids``) ranking only those with
    the feature the question scopes it to; with none of them having it, a search of the kind for it,
    sorted. (The planner may have picked the best of all shown already: the scope picks again.)"""
    if plan.intent != "product_question" or plan.sort is None or not plan.referenced_ids:
        return plan
    pool = list(plan.referenced_ids) if len(plan.referenced_ids) > 1 else list(shown_ids)
    if len(pool) < 2:
        return plan
    scope = _SCOPE.search(said.lower())
    if scope is None:
        return plan
    # the scope's own words tell the shown products apart as their titles (what the shopper sees of
    # them) say them ("loud" of alarm clocks, a word the planner reads as a measure elsewhere);
    # asked of the whole kind, only words that tell its products apart are searched for (the
    # text-word stage's reading)
    said_words = [
        t.text
        for t in tokenize(scope.group("scope"))
        if t.text.isalpha()
        and len(t.text) > 2
        and t.stem not in FILLER_WORDS
        and t.text not in lexicons().evaluative
    ]
    if not said_words:
        return plan
    stems = analyze(" ".join(said_words))
    has = np.asarray(snap.fields["title"].hits(stems) >= len(set(stems)))
    kept = [i for i in pool if i in snap.position and has[snap.position[i]]]
    if len(kept) == len(pool):
        return plan
    if kept:
        return plan.model_copy(update={"referenced_ids": kept})
    probe = plan.model_copy(update={"intent": "refine", "referenced_ids": []})
    read = with_text_words(probe, scope.group("scope"), vocabulary, snap, schema)
    words = [w for w in read.filters.text_words if w not in plan.filters.text_words]
    if not words:
        return plan
    f = plan.filters
    return plan.model_copy(
        update={
            "intent": "refine",
            "referenced_ids": [],
            "question": None,
            "filters": f.model_copy(update={"text_words": [*f.text_words, *words][:8]}),
        }
    )

"""Answers from a product's own listing: what its title, bullets and description say of a feature no
attribute holds ("does the first one go in the oven?", "is there a tilt lock on it?").

The words of the feature (:func:`assistant.plan.asked.asked_terms`) are looked for in the listing,
bullets first, then the description's sentences, then the title; the passage naming most of them (one
at least the last word of a run: "compartment" of "shoe compartment") is quoted word for word, cut to
a short window around the feature. A passage speaking of shipping, warranty, returns, discounts or
money, or holding markup or words addressed to the assistant (:func:`assistant.claims.seller_terms`)
is never quoted. When no passage names the feature the answer says the listing does not mention it,
naming the feature only in words the catalog itself uses (the shopper's other words are not said
back). Nothing here judges yes or no: the listing's own words do.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from assistant.claims import seller_terms
from assistant.plan.text import singular
from assistant.responses import Responses
from retrieval.catalog import Product
from retrieval.schema import key_words
from retrieval.text import analyze

__all__ = ["ListingEvidence", "listing_answer", "listing_evidence", "listings_answer"]

_SENTENCES = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"\S+")
_WINDOW = 12  # words quoted either side of the feature in a long passage
_WHOLE = 30  # a passage this short is quoted whole
_QUOTE_MARKS = frozenset('"“”')


@dataclass(frozen=True)
class ListingEvidence:
    """What a listing says of a feature: the quote, or that only seller terms speak of it."""

    quote: str | None
    seller_terms_only: bool = False


def _passages(product: Product) -> list[str]:
    described = [s.strip() for s in _SENTENCES.split(product.description or "") if s.strip()]
    return [*(b.strip() for b in product.bullet_points if b.strip()), *described, product.title]


def listing_evidence(product: Product, terms: Sequence[str]) -> ListingEvidence:
    """The passage of ``product``'s listing that names most of ``terms`` (see the module docstring)."""
    analyzed = [analyze(t) for t in terms]
    heads = {stems[-1] for stems in analyzed if stems}
    wanted = {s for stems in analyzed for s in stems}
    if not heads:
        return ListingEvidence(None)
    best: tuple[int, int, int, str] | None = None  # (-score, order, length, quote)
    seller_only = False
    for order, passage in enumerate(_passages(product)):
        words = list(_WORD.finditer(passage))
        stems = [set(analyze(w.group())) for w in words]
        at_head = [i for i, s in enumerate(stems) if s & heads]
        if not at_head:
            continue
        score = len(wanted & set().union(*stems))
        if len(words) <= _WHOLE:
            quote = passage
        else:
            first = at_head[0]
            lo, hi = max(0, first - _WINDOW), min(len(words), first + _WINDOW + 1)
            quote = passage[words[lo].start() : words[hi - 1].end()]
            quote = ("…" if lo else "") + quote.strip(",;:") + ("…" if hi < len(words) else "")
        quote = " ".join(quote.split()).rstrip(".")
        if _QUOTE_MARKS & set(quote):
            continue
        if seller_terms(quote):
            seller_only = True
            continue
        candidate = (-score, order, len(quote), quote)
        if best is None or candidate < best:
            best = candidate
    if best is not None:
        return ListingEvidence(best[3])
    return ListingEvidence(None, seller_terms_only=seller_only)


def listing_answer(
    responses: Responses,
    name: str,
    product: Product,
    terms: Sequence[str],
    sayable: Callable[[str], bool],
    sheet: Sequence[str] = (),
    found: ListingEvidence | None = None,
) -> str:
    """One product's answer to a question about ``terms``, from its listing (``found``, when already
    read); when the listing never names them, what its ``sheet`` (its attribute facts) does list ("how
    hot does it get?": the straightener's maximum temperature, though no word of its listing is "hot")."""
    asked = _said(terms, sayable)
    found = found if found is not None else listing_evidence(product, terms)
    if found.quote:
        return responses.render("answer_listing", title=name, quote=found.quote)
    if found.seller_terms_only:
        return responses.render("answer_seller_terms", title=name, asked=asked)
    text = responses.render("answer_unlisted", title=name, asked=asked)
    if sheet:
        text += " " + responses.render("answer_sheet", facts="; ".join(sheet))
    return text


def listings_answer(
    responses: Responses,
    named: Sequence[tuple[str, Product]],
    terms: Sequence[str],
    sayable: Callable[[str], bool],
    sheet: Callable[[Product], dict[str, str]],
    core: Sequence[str] = (),
) -> str:
    """The answer to a question about ``terms`` asked of shown products (each with its name); of one
    product whose sheet lists nothing, ``core`` (its price and rating) is what it lists.

    A product's own facts answer first where a question word names one of its attribute keys or
    values ("how often do i swap the filter?": filter life, filter type; "which is softest?": its
    firmness); else its listing's words (:func:`listing_evidence`). Of several products, those whose
    listings never speak of it are said together ("the others' listings don't mention loud"); one
    product alone says so, and what its sheet does list."""
    asked = {singular(w) for term in terms for w in term.split()}
    lines: list[str] = []
    silent: list[tuple[str, Product, ListingEvidence]] = []
    for name, product in named:
        facts = sheet(product)
        own = [
            phrase
            for key, phrase in facts.items()
            if asked & {singular(w) for w in key_words(key)}
            or asked
            & {singular(w) for w in _VALUE_WORD.findall(str(product.attributes.get(key, "")).lower())}
        ]
        if own:
            lines.append(responses.render("answer_value", title=name, fact="; ".join(own)))
            continue
        found = listing_evidence(product, terms)
        if found.quote:
            lines.append(responses.render("answer_listing", title=name, quote=found.quote))
        elif found.seller_terms_only:
            lines.append(responses.render("answer_seller_terms", title=name, asked=_said(terms, sayable)))
        else:
            silent.append((name, product, found))
    if len(named) == 1 and silent:
        name, product, found = silent[0]
        listed = list(sheet(product).values())[:6] or list(core)
        return listing_answer(responses, name, product, terms, sayable, listed, found)
    if silent and lines:
        lines.append(responses.render("answer_unlisted_others", asked=_said(terms, sayable)))
    elif silent:
        lines.append(responses.render("answer_unlisted_all", asked=_said(terms, sayable)))
    return " ".join(lines)


_VALUE_WORD = re.compile(r"[a-z]+")


def _said(terms: Sequence[str], sayable: Callable[[str], bool]) -> str:
    said = [t for t in terms if sayable(t)][:2]
    return " or ".join(said) if said else "that"

"""Products a question or comparison names in words the shown list does not settle, read against the
catalog snapshot: a product of the kinds in play that no answer showed, called by words of its title
("how many pieces is the bus one", "the lumetric mouse, how many buttons"), and a referenced product's
own variant in a color said of it ("put the black halcyon next to the white sonovel", "the weight
limit on the purple one", "the red one - is it pricier than the same model in black?").

Pure: the plan, the message (as the planner read it) and the catalog in, the plan's references out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

import numpy as np

from assistant.plan.catalog_stage import question_dimension
from assistant.plan.planner import describes
from assistant.plan.references import POSITION
from assistant.plan.semantics import lexicons
from assistant.plan.text import COLOR_WORDS, FILLER_WORDS, Token, singular, tokenize
from assistant.plan.typos import english_words
from assistant.plan.vocab import matcher_for
from assistant.schemas import QueryPlan
from retrieval.catalog import Product, norm
from retrieval.filters import Filters
from retrieval.products import Vocabulary
from retrieval.schema import CatalogSchema, key_words
from retrieval.snapshot import CatalogSnapshot
from retrieval.text import analyze

__all__ = ["chosen_between", "named_as_choice", "named_in_catalog", "named_variants"]

_ASKS_ABOUT = ("compare", "product_question")

_PART_SPLIT = re.compile(r"\s*(?:,|\bor\b|\bvs\.?|\bversus\b|\band\b|\bthan\b|\bagainst\b|\bnext\s+to\b)\s*")
"""Where a message naming several products ("the black halcyon next to the white sonovel") parts."""
_COMPARE_SPLIT = re.compile(rf"{_PART_SPLIT.pattern}|\s*\b(?:with|to)\b\s*")
"""A comparison also parts at "with" and "to" ("compare the arc 27 oled with the lumetric view 32")."""

_NAME_STOPS = frozenset(
    {"one", "ones", "pair", "pairs", "model", "version", "kind", "is", "are", "has", "have", "does", "do", "was",
     "will", "would", "can", "could", "next", "with", "for", "from", "in", "on", "at", "to", "of", "than"}
)  # fmt: skip
_SAME_ONE = re.compile(r"\bsame\s+(?:model|one|thing|kind|version|product|style|design)\b")


def named_in_catalog(
    plan: QueryPlan,
    message: str,
    seen: Sequence[Product],
    snap: CatalogSnapshot,
    vocabulary: Vocabulary,
    schema: CatalogSchema,
    *,
    shown_too: bool = False,
) -> QueryPlan:
    """ "how many pieces is the bus one", "the lumetric mouse, how many buttons": a question or
    comparison naming, by words of its title, one product of the kinds in play that no answer
    showed (``seen``: the products shown last, then earlier): that product (one of its variants).
    With ``shown_too``, products named that an answer showed are read as well."""
    if plan.intent not in _ASKS_ABOUT or not seen:
        return plan
    matcher = matcher_for(vocabulary)
    title = snap.fields["title"]
    lex = lexicons()
    asked_words = {singular(w) for words in lex.question_words.values() for p in words for w in p.split()}
    key_said = {singular(w) for k in vocabulary.attributes for w in key_words(k)}
    # the kinds in play: the plan's, and the level above each shown product's ("the fox" among baby
    # toys is the plush one next to them)
    kinds = list(
        dict.fromkeys([*plan.filters.categories, *(norm(p.category[-2:][0]) for p in seen if p.category)])
    )
    if not kinds:
        return plan
    in_play = snap.mask(Filters(categories=kinds))
    kind_said = {s for p in seen for level in p.category for s in analyze(level)}
    seen_at = [snap.position[p.id] for p in seen if p.id in snap.position]
    brand = snap.fields["brand"]

    def said_by(stems: Sequence[str]) -> np.ndarray:
        """How many of ``stems`` each product's title or maker says."""
        return np.sum([(title.hits([s]) >= 1) | (brand.hits([s]) >= 1) for s in set(stems)], axis=0)

    found: list[tuple[int, str]] = []  # (part index, product id) read from the catalog
    named: list[tuple[int, str]] = []  # (part index, product id) of one shown
    split = _COMPARE_SPLIT if plan.intent == "compare" else _PART_SPLIT
    parts = split.split(message.lower())
    for n, part in enumerate(parts):
        tokens = tokenize(part)
        valued = {
            i for m in matcher.find(tokens) if m.kind in ("attribute", "color") for i in range(m.start, m.end)
        }
        # where the name is: after "the"; else, for a comparison, each side as said after any
        # lead-in ("ok then: silver brightwell barista one"); for a choice read from a narrowing,
        # also its first clause ("orbit r9 white? worth the extra money?")
        phrase = _named_phrase(part, tokens)
        # ("lay out the first two next to each other": a side said by its place in the list has no name)
        sided = plan.intent == "compare" and len(parts) > 1 and not POSITION.search(part)
        if sided:
            # a side's name is said after the lead-in of the first ("ok then: silver brightwell
            # barista one") and before the chatter of the others ("orange crush vs black fly - whats
            # actually different", "jura e8 vs ena 8 from that list, which one")
            sides = [_compared_side(part, tokens), _first_side(part, tokens)]
            phrases = [phrase, *(sides if n == 0 else sides[::-1])]
        elif plan.intent == "compare":
            phrases = [phrase or _compared_side(part, tokens)]  # ("what sets the top 2 apart?")
        else:
            phrases = [phrase, _first_side(part, tokens)] if shown_too else [phrase]
        stems: list[str] = []
        scope = in_play
        # (for a comparison, a side named only by words that are also values, wishes or the names of
        # keys, "the auto pour-over", "studio 9 open", is read by them when nothing else names it, as
        # one model)
        readings = [(p, True) for p in phrases]
        if sided:
            readings += [(p, False) for p in phrases if p]
        strict = True
        for phrase, strict in readings:
            words = [
                t.text
                for i, t in phrase
                if t.stem not in FILLER_WORDS
                and t.text not in COLOR_WORDS
                and singular(t.text) not in asked_words
                and not POSITION.search(t.text)
                and t.text not in lex.number_units  # "the top two pairs"
                and not t.text.isdigit()
                and len(t.text) > 2
                and not (strict and (i in valued or singular(t.text) in key_said or describes(t.text)))
            ]
            # the words some title (or maker) of the kinds in play has ("put", "many" are no name)
            stems = [s for w in words for s in analyze(w) if (in_play & (said_by([s]) >= 1)).any()]
            if stems:
                break
            if plan.intent == "compare" and (wide := _named_anywhere(words, said_by, snap)):
                # "lepotec vs rxwlkj": a maker or model the kinds in play lack, named in full by the
                # title or maker of one model elsewhere in the catalog
                stems, scope = wide
                break
        if not stems or (plan.intent == "compare" and set(stems) <= kind_said):
            # ("which makes better coffee?" after coffee makers: the kind's own words name no one product)
            continue
        # "the drift nc beige" beside a shown Drift Lite: a two-letter word of a title ("NC") tells the
        # model apart, when some title of the kinds in play has it with the other words
        short = [
            s
            for i, t in phrase
            if len(t.text) == 2
            and t.text.isalpha()
            and t.stem not in FILLER_WORDS
            and i not in valued
            and t.text not in lex.number_units
            for s in analyze(t.text)
        ]
        if short and (in_play & (title.hits([*stems, *short]) >= len({*stems, *short}))).any():
            stems = [*stems, *short]
        has = said_by(stems) >= len(set(stems))
        if makers := [m.value for m in matcher.find(tokens) if m.kind == "brand" and not m.negated]:
            # "lights by night": a maker named in full, whatever other titles say its words
            by_maker = has & snap.mask(Filters(brands=makers))
            has = by_maker if by_maker.any() else has
        shown_here = [i for i in seen_at if has[i]]
        # "the black fly" when the shown Fly Gun is not black: the one model in play whose title says
        # every word of the side, values and colours too, over a shown product that lacks some
        said_all = [
            s for i, t in phrase if t.stem not in FILLER_WORDS and len(t.text) > 1 for s in analyze(t.text)
        ]
        says_all = said_by(said_all) >= len(set(said_all)) if said_all else has
        if said_all and not any(says_all[i] for i in shown_here):
            whole = np.flatnonzero(says_all & scope)
            if len({int(snap.variant[i]) for i in whole}) > 1:
                # (the title that says them as said, "… Black Fly Edition", not "… Fruit Flies … Black")
                as_said = f" {' '.join(t.text for _, t in phrase if t.stem not in FILLER_WORDS)} "
                whole = np.asarray(
                    [i for i in whole if as_said in f" {snap.normalized_titles[i]} "], dtype=int
                )
            if len(whole) and len({int(snap.variant[i]) for i in whole}) == 1:
                found.append((n, str(snap.products[int(whole[0])].id)))
                continue
        # the figures of a model's name ("view 32 4k") tell its variants apart
        figures = [s for t in tokens if any(c.isdigit() for c in t.text) for s in analyze(t.text)]
        if len(shown_here) > 1:
            # "the arc 27 oled" among the arc 34 and the arc 27 gaming: the shown one whose title
            # also has the figures and values said
            extra = [
                s
                for i, t in enumerate(tokens)
                if i in valued or any(c.isdigit() for c in t.text)
                for s in analyze(t.text)
            ]
            if extra:
                said = title.hits(extra)
                best = max(int(said[i]) for i in shown_here)
                shown_here = [i for i in shown_here if int(said[i]) == best]
        if shown_here:
            # (read for a choice, a part names one model: "brightwell or kestrel?" asks for makers; so
            # does a side read by its values)
            if (not shown_too and strict) or len({int(snap.variant[i]) for i in shown_here}) == 1:
                named.append((n, str(snap.products[shown_here[0]].id)))  # for the order of a comparison
            continue
        hits = np.flatnonzero(has & scope)
        if len({int(snap.variant[i]) for i in hits}) > 1 and figures:
            narrowed = title.hits(figures) >= len(set(figures))
            hits = np.asarray([i for i in hits if narrowed[i]], dtype=int)
        if len(hits) and len({int(snap.variant[i]) for i in hits}) == 1:
            found.append((n, str(snap.products[int(hits[0])].id)))
    if not found and not (shown_too and named):
        return plan
    if plan.intent == "compare":
        ids = [i for _, i in sorted([*found, *named])]
        ids += [i for i in plan.referenced_ids if i not in ids][: max(0, 2 - len(ids))]
    else:
        ids = [i for _, i in found]
    update: dict[str, object] = {"referenced_ids": list(dict.fromkeys(ids))}
    if plan.intent == "product_question":
        # what is asked, read against the named product's own kind ("how big": a plush's height)
        leaves = [norm(p.category[-1]) for p in (snap.products[snap.position[i]] for i in ids) if p.category]
        update["question"] = question_dimension(message, schema, leaves) or plan.question
    return plan.model_copy(update=update)


def named_variants(
    plan: QueryPlan, message: str, snap: CatalogSnapshot, vocabulary: Vocabulary, shown: Sequence[str] = ()
) -> QueryPlan:
    """ "put the black halcyon next to the white sonovel", "the weight limit on the purple one", "the
    red one - is it pricier than the same model in black?": a color said of a product a comparison or
    question refers to names that product's own variant in the color, shown or not."""
    if plan.intent not in _ASKS_ABOUT or not plan.referenced_ids:
        return plan
    matcher = matcher_for(vocabulary)
    referenced = [i for i in plan.referenced_ids if i in snap.position]

    def product(pid: str) -> Product:
        return snap.products[snap.position[pid]]

    def in_color(pids: Sequence[str], color: set[str]) -> list[str]:
        return [i for i in pids if color <= _words(product(i).color)]

    def family(pid: str) -> list[str]:
        return [
            str(snap.products[int(j)].id)
            for j in np.flatnonzero(snap.variant == snap.variant[snap.position[pid]])
        ]

    named: list[str] = []
    for part in _PART_SPLIT.split(message.lower()):
        colors = {m.value for m in matcher.find(tokenize(part)) if m.kind == "color" and not m.negated}
        if len(colors) != 1:
            continue
        color = _words(next(iter(colors)))
        direct = in_color(referenced, color)
        if named and _SAME_ONE.search(part):
            picks = in_color(family(named[-1]), color)  # "… than the same model in black"
        else:
            # the referenced products in that color, then their variants in it ("the white station
            # one": the station's white variant, not another white one)
            picks = direct + [v for i in referenced for v in in_color(family(i), color)]
            if not picks and len(colors) == 1:
                # "the green one" when the pick it fell back on has no green: the shown product
                # whose own variant is green (the pink personal blender's green twin)
                others = [i for i in shown if i in snap.position and i not in referenced]
                picks = in_color(others, color) or [v for i in others for v in in_color(family(i), color)]
        picks = list(dict.fromkeys(picks))
        if len(picks) > 1:
            # the part's other words ("the white sonovel") pick among them; else the ones shown
            said = _words(part) - color - FILLER_WORDS
            scores = {i: len(said & _words(product(i).title)) for i in picks}
            best = max(scores.values())
            picks = [i for i in picks if scores[i] == best] if best else (direct or picks)
        if len(picks) == 1:
            named.append(picks[0])
    named = list(dict.fromkeys(named))
    if not named or set(named) == set(referenced):
        return plan
    if plan.intent == "compare" and len(referenced) >= 2:
        # "clearbreath 800 or the black hearthline": the colored one replaces its own family's
        # product; the other compared product stays
        swapped = [next((n for n in named if n in family(r)), r) for r in referenced]
        named = list(dict.fromkeys([*swapped, *named]))
    return plan.model_copy(update={"referenced_ids": named})


_CHOICE = re.compile(r"\bor\b")
_BREAK = re.compile(r"[\u2013\u2014,?.!:;]|\s-\s")
"""What ends one side of a comparison: a dash, a comma, a stop, a question mark."""
_BETWEEN = re.compile(r"\bor\b|\bbetween\b[^.?!]+\band\b")


def named_as_choice(
    plan: QueryPlan,
    message: str,
    seen: Sequence[Product],
    snap: CatalogSnapshot,
    vocabulary: Vocabulary,
    schema: CatalogSchema,
) -> QueryPlan | None:
    """ "the drift nc beige or the aura anc 500 white - thoughts?", "torn between the orbit r7 and the
    orbit r9": a message read as a narrowing that names two models (not two variants of one) by
    their titles as a choice. The comparison of the two, or None."""
    if plan.intent not in ("refine", "search") or not _BETWEEN.search(message.lower()):
        return None
    named = named_in_catalog(
        plan.model_copy(update={"intent": "compare", "referenced_ids": []}),
        message,
        seen,
        snap,
        vocabulary,
        schema,
        shown_too=True,
    )
    return named if len(_models(named.referenced_ids, snap)) >= 2 else None


def chosen_between(plan: QueryPlan, message: str, snap: CatalogSnapshot) -> QueryPlan:
    """ "orbit r5 or roam lite? cant decide": two products (not two variants of one) named as a choice
    with nothing about them asked is a comparison of the two; "is the r7 or the r9 quieter" asks a
    dimension and stays a question."""
    if plan.intent != "product_question" or plan.question is not None or not _CHOICE.search(message.lower()):
        return plan
    if len(_models(plan.referenced_ids, snap)) < 2:
        return plan
    return plan.model_copy(update={"intent": "compare"})


def _named_anywhere(
    words: Sequence[str], said_by: Callable[[Sequence[str]], np.ndarray], snap: CatalogSnapshot
) -> tuple[list[str], np.ndarray] | None:
    """A side of a comparison naming, in every word it says, one model anywhere in the catalog by its
    title or maker, with a word that is a name, not plain English ("rxwlkj", "ena"): the words, and
    the products of that model."""
    stems = [s for w in words for s in analyze(w)]
    if not stems or all(w in english_words() for w in words):
        return None
    has = said_by(stems) >= len(set(stems))
    if len({int(snap.variant[i]) for i in np.flatnonzero(has)}) != 1:
        return None
    return stems, has


def _models(ids: Sequence[str], snap: CatalogSnapshot) -> set[int]:
    """The models (variant groups) ``ids`` are of: two colors of one model are one."""
    return {int(snap.variant[snap.position[i]]) for i in ids if i in snap.position}


def _words(text: str | None) -> set[str]:
    return set(re.findall(r"[a-z0-9]+", (text or "").lower()))


def _compared_side(part: str, tokens: Sequence[Token]) -> list[tuple[int, Token]]:
    """One side of a comparison, as said: its words after the last break ("ok then: silver
    brightwell barista one" → "silver brightwell barista one"), five at most."""
    start = 0
    for j in range(1, len(tokens)):
        if _BREAK.search(part[tokens[j - 1].end : tokens[j].start]):
            start = j
    return list(enumerate(tokens))[start:][:5]


def _first_side(part: str, tokens: Sequence[Token]) -> list[tuple[int, Token]]:
    """One side of a comparison said before a break ("orbit r9 white? worth the extra money?" →
    "orbit r9 white"), five words at most."""
    for j in range(1, len(tokens)):
        if _BREAK.search(part[tokens[j - 1].end : tokens[j].start]):
            return list(enumerate(tokens))[:j][:5]
    return list(enumerate(tokens))[:5]


def _named_phrase(part: str, tokens: Sequence[Token]) -> list[tuple[int, Token]]:
    """The words after "the"/"that"/"this" up to a pro-form, a verb or a break ("the bus one", "the
    lumetric mouse, how many buttons", "the fox - how big"): where a product is called by name."""
    found: list[tuple[int, Token]] = []
    for i, t in enumerate(tokens):
        if t.text not in ("the", "that", "this"):
            continue
        for j in range(i + 1, min(len(tokens), i + 4)):
            if tokens[j].text in _NAME_STOPS or re.search(
                r"[-\u2013\u2014,?.!:;]", part[tokens[j - 1].end : tokens[j].start]
            ):
                break
            found.append((j, tokens[j]))
    return found

"""The composed answer: what the assistant says above the cards, built from the turn's facts.

It says what was found (in the category's own words, not the shopper's raw query), why the top pick
leads, what changed since the last turn ("all lighter than the X at 1.6 kg"), what was relaxed when
nothing fit, and answers questions about shown products from their data. Templates live in
``prompts/templates/replies.yaml``; every number comes from a product field.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from assistant.compose import (
    Claim,
    compose_claims,
    display_value,
    distinct_names,
    fact_phrase,
    product_name,
    quotable,
)
from assistant.listing import listings_answer
from assistant.plan.semantics import excluded_for_use, key_dimension, lexicons
from assistant.responses import Responses
from assistant.schemas import ComparisonRow, QueryPlan
from retrieval.ages import CHILD_WORD
from retrieval.brands import family_heads
from retrieval.catalog import Product
from retrieval.quantities import describe as describe_quantity
from retrieval.schema import GROUPING_KEYS, REVIEWS_FIELD, CatalogSchema, key_words

__all__ = ["answer_question", "compare_summary", "constraints_text", "results_text"]


def _money(value: float) -> str:
    return f"${value:,.0f}" if float(value).is_integer() else f"${value:,.2f}"


def _price(p: Product) -> str:
    return "" if p.price is None else _money(p.price)


def _brand_name(brand: str) -> str:
    """A brand as said in an answer: title-cased, an apostrophe's "s" kept small ("Burt's Bees",
    not "Burt'S Bees")."""
    return re.sub(r"'([A-Z])\b", lambda m: "'" + m.group(1).lower(), brand.title())


def constraints_text(plan: QueryPlan) -> str:
    """The plan's hard constraints in words (" under $600, from Hearthline")."""
    f = plan.filters
    bits: list[str] = []
    if f.price_min is not None and f.price_max is not None:
        bits.append(f"between {_money(f.price_min)} and {_money(f.price_max)}")
    elif f.price_max is not None:
        bits.append(f"under {_money(f.price_max)}" + (" together" if plan.total_budget else ""))
    elif f.price_min is not None:
        bits.append(f"over {_money(f.price_min)}")
    if f.brands:
        bits.append("from " + " or ".join(_brand_name(b) for b in family_heads(f.brands)))
    if f.exclude_brands:
        bits.append("not from " + " or ".join(_brand_name(b) for b in family_heads(f.exclude_brands)))
    if f.colors:
        # the plain color names first: a seller's variant codes ("f-pink", "pink-001") read as noise
        shown = sorted(f.colors, key=lambda c: (re.fullmatch(r"[a-z ]+", c) is None, len(c)))[:2]
        bits.append("in " + " or ".join(shown) + (" (and similar shades)" if len(f.colors) > 2 else ""))
    if f.exclude_colors:
        bits.append("not in " + " or ".join(f.exclude_colors))
    words = f.text_words
    if f.child_age is not None:
        # (a kids' one by its text, or by the ages it states: "Ages 3 and Up" never says kids)
        bits.append(f"for a {f.child_age}-year-old")
        words = [w for w in words if w != CHILD_WORD]
    if words:
        bits.append("mentioning " + " and ".join(words))
    for unit, bounds in f.title_quantities.items():
        described = describe_quantity(unit, bounds)
        # ("4 count": in a set or pack of 4)
        bits.append(
            f"in sets or packs of {described.removesuffix(' count')}"
            if described.endswith(" count")
            else "of " + described
        )
    if f.exclude_text_words:
        audience = excluded_for_use()
        said = [w for w in f.exclude_text_words if w not in audience]
        if said:
            bits.append("without " + " or ".join(said))
        if len(said) < len(f.exclude_text_words):
            bits.append("not for children")  # "headphones for my dad": Kids Headphones left out
    for key, value in f.attributes.items():
        label = " ".join(key_words(key)) or key
        if value in ("yes", "true"):
            bits.append(label)
        elif value in ("no", "false"):
            bits.append(f"without {label}")
        else:
            bits.append(f"{value} {label}")
    return (" " + ", ".join(bits)) if bits else ""


def _what(plan: QueryPlan, products: Sequence[Product], count: int) -> str:
    leaves = [p.category[-1] for p in products if p.category]
    if leaves and len(set(leaves)) == 1 and quotable(leaves[0]):
        name = leaves[0]
        return name.lower() if count != 1 else _singular(name.lower())
    if plan.filters.categories and len(plan.filters.categories) == 1:
        return plan.filters.categories[0]
    # never the shopper's own words: they may be abuse or an injection
    return "matches" if count != 1 else "match"


def _singular(what: str) -> str:
    words = what.split()
    if not words or what.startswith("matches"):
        return "one"
    last = words[-1]
    last = (
        last[:-3] + "y"
        if last.endswith("ies")
        else last[:-2]
        if last.endswith(("ches", "shes", "sses", "xes", "zzes"))
        else last[:-1]
        if last.endswith("s")
        else last
    )
    return " ".join([*words[:-1], last])


def relaxation_text(responses: Responses, plan: QueryPlan, products: Sequence[Product]) -> list[str]:
    """What was loosened and how close the catalog gets: "Nothing matched under $400; the cheapest
    laptop is $1,099." One sentence per relaxation (said whoever writes the rest of the answer)."""
    count = len(products)
    what = _what(plan, products, count)
    kind = what if count == 1 else _singular(what)
    # "the cheapest sleeping bag mentioning expedition is $649", "… headphone from Halcyon Audio is
    # $179": the cheapest of what the ask still holds, not of the whole kind (a $45 bag is its cheapest)
    unpriced = plan.filters.model_copy(update={"price_min": None, "price_max": None})
    kind += constraints_text(plan.model_copy(update={"filters": unpriced}))
    sentences = []
    for r in plan.relaxed:
        if r.field.startswith("unmeasured:"):
            # "a lighter one?" where nothing of the kind lists its weight
            sentences.append(responses.render("unmeasured", noun=r.asked, what=what))
            continue
        closest = (r.closest or "I loosened that").replace("the cheapest is", f"the cheapest {kind} is")
        closest = closest.replace("the priciest is", f"the priciest {kind} is")
        sentences.append(responses.render("relaxed", asked=r.asked, closest=closest))
    if sentences:
        sentences[-1] += " " + responses.render("relaxed_closest")
    return sentences


def _why(claims: Sequence[Claim]) -> str:
    # the price is already in the sentence ("the X ($129): …")
    parts = [c.text for c in claims if c.text and c.field != "price"][:2]
    return ", ".join(parts) if parts else "the closest match to what you asked"


def results_text(
    responses: Responses,
    plan: QueryPlan,
    products: Sequence[Product],
    schema: CatalogSchema | None,
    previous: Sequence[Product] = (),
) -> str:
    """The answer for a search or refine turn."""
    count = len(products)
    what = _what(plan, products, count)
    parts: list[str] = relaxation_text(responses, plan, products)
    change = _change(responses, plan, products, previous)
    if change:
        parts.append(change)
    if not plan.relaxed:
        parts.append(responses.render("results", count=count, what=what, constraints=constraints_text(plan)))
    loosened = {r.asked for r in plan.relaxed}
    # a prior the answer had to loosen was not kept: the relaxation sentence says so instead
    kept = [p.split(": ", 1)[-1] for p in plan.priors if p.split(": ", 1)[-1] not in loosened]
    if kept:
        parts.append(responses.render("priors", what="; ".join(kept)).strip())
    top = products[0]
    why = _why(compose_claims(top, plan, products, schema))
    pick = (
        responses.render("top_pick", title=product_name(top), price=_price(top), why=why)
        if top.price is not None
        else responses.render("top_pick_no_price", title=product_name(top), why=why)
    )
    parts.append(pick.strip())
    return " ".join(p.strip() for p in parts if p.strip())


def _change(
    responses: Responses, plan: QueryPlan, products: Sequence[Product], previous: Sequence[Product]
) -> str:
    c = plan.comparative
    if c is None or c.than is None or not products:
        return ""
    if any(r.field == c.key for r in plan.relaxed):
        return ""  # nothing was better: the relaxation sentence says so
    ref = next((p for p in previous if p.id == c.than_id), None)
    title = product_name(ref) if ref is not None else "one shown before"
    value = (
        _money(c.than)
        if c.key == "price"
        else f"{c.than:,.0f} ratings"
        if c.key == REVIEWS_FIELD
        else display_value(c.key, f"{c.than:g}")
    )
    word = {
        "price": "cheaper" if c.direction == "lower" else "pricier",
    }.get(c.key)
    if word is None:
        dim = lexicons().dimensions.get(c.dimension)
        if dim is None:
            return ""
        word = dim.less if c.direction == "lower" else dim.more
        if c.dimension == "warmth":
            word = "warmer" if c.direction == "lower" else "less warm"
    return responses.render(
        "comparative_change",
        these="This one is" if len(products) == 1 else "All of these are",
        word=word,
        title=title,
        value=value,
    )


def answer_question(
    responses: Responses,
    plan: QueryPlan,
    products: Sequence[Product],
    schema: CatalogSchema | None,
    *,
    all_shown: bool,
    sayable: Callable[[str], bool] = lambda _: False,
) -> str:
    """The answer to a question about shown products, from their facts; a feature no attribute holds
    (``plan.asked``) from their listings' own words, the feature named back only where ``sayable``."""
    if not products:
        return ""
    key = plan.question
    cats = list(dict.fromkeys(p.category[-1] for p in products if p.category))
    if not key and plan.asked:

        def sheet(p: Product) -> dict[str, str]:
            return {
                k: phrase
                for k in p.attributes
                if k not in GROUPING_KEYS and (phrase := fact_phrase(p, k, cats, schema))
            }

        return listings_answer(
            responses,
            list(zip(distinct_names(products[:5]), products[:5], strict=True)),
            plan.asked,
            sayable,
            sheet,
            [f for k in ("price", "rating") if (f := fact_phrase(products[0], k, cats, schema))]
            if len(products) == 1
            else (),
        )
    noun = _noun(key, schema, cats) if key else ""
    if key and plan.sort is not None and (all_shown or plan.sort.key == key) and len(products) > 1:
        top = products[0]
        value = _value_text(top, key)
        tied = [p for p in products if _value_text(p, key) == value]
        if value and len(tied) > 1:
            names = " and the ".join(distinct_names(tied[:3]))
            return responses.render("answer_tie", names=names, noun=noun, value=value)
        if value:
            extreme = _extreme_word(key, plan.sort.order, schema, cats)
            text = responses.render(
                "answer_superlative", title=product_name(top), extreme=extreme, noun=noun, value=value
            )
            shown = distinct_names(products)
            others = [
                f"{n}: {v}"
                for n, p in zip(shown[1:], products[1:], strict=True)
                if (v := _value_text(p, key))
            ]
            return text + (" Then " + "; ".join(others) + "." if others else "")
    if key:
        lines = []
        for name, p in zip(distinct_names(products), products, strict=True):
            fact = fact_phrase(p, key, cats, schema)
            flag = str(p.attributes.get(key, "")).strip().lower()
            # A yes/no feature ("is the first one programmable?") is answered yes or no first.
            template = {
                "yes": "answer_yes",
                "true": "answer_yes",
                "no": "answer_no",
                "false": "answer_no",
            }.get(flag, "answer_value")
            lines.append(
                responses.render(template, title=name, fact=fact)
                if fact
                else responses.render("answer_missing", noun=noun or "that", title=name)
            )
        return " ".join(lines)
    lines = []
    # one product asked about ("tell me more about the first one"): its whole sheet; several: the gist
    most = 6 if len(products) > 1 else 14
    for name, p in zip(distinct_names(products[:3]), products[:3], strict=True):
        facts = [c.text for c in compose_claims(p, plan, [], schema)]
        facts += [
            ph
            for k in list(p.attributes)[:most]
            if k not in GROUPING_KEYS and (ph := fact_phrase(p, k, cats, schema))
        ]
        facts = list(dict.fromkeys(facts))[:most]
        lines.append(
            responses.render(
                "answer_details",
                title=name,
                price=_price(p) or "price not listed",
                facts="; ".join(facts),
            )
        )
    return " ".join(lines)


def _value_text(p: Product, key: str) -> str:
    if key == "price":
        return _price(p)
    if key in ("brand", "color"):
        value = getattr(p, key) or ""
        return value if quotable(value) else ""
    if key == "rating":
        return "" if p.rating is None else f"{p.rating:g} out of 5"
    if key == REVIEWS_FIELD:
        return "" if p.rating_count is None else f"{p.rating_count:,}"
    raw = p.attributes.get(key)
    return "" if raw is None or not quotable(raw) else display_value(key, raw)


def _noun(key: str, schema: CatalogSchema | None, cats: list[str]) -> str:
    if key in ("price", "rating", "brand", "color"):
        return key
    dim = key_dimension(schema, cats, key)
    if dim and dim in lexicons().dimensions and dim not in ("size", "capacity"):
        return lexicons().dimensions[dim].noun
    return " ".join(key_words(key)) or key


def _extreme_word(key: str, order: str, schema: CatalogSchema | None, cats: list[str]) -> str:
    if key == "price":
        return "lowest" if order == "asc" else "highest"
    dim = key_dimension(schema, cats, key)
    if dim == "warmth":
        return "lowest (warmest)" if order == "asc" else "highest"
    if dim == "battery":
        return "longest" if order == "desc" else "shortest"
    return "lowest" if order == "asc" else "highest"


def compare_summary(responses: Responses, products: Sequence[Product], rows: Sequence[ComparisonRow]) -> str:
    """ "The A is cheaper ($199 vs $249); the B has the longer battery life (60 vs 40 hours)."""
    names = distinct_names(products)
    wins: dict[int, list[str]] = {}
    for row in rows:
        if row.winner is None:
            continue
        ordered = [row.values[row.winner], *(v for i, v in enumerate(row.values) if i != row.winner)]
        values = " vs ".join(v or "n/a" for v in ordered)
        adjective = {"lower": "lower", "higher": "higher"}[row.better or "higher"]
        wins.setdefault(row.winner, []).append(f"{adjective} {row.label} ({values})")
    if not wins:
        return responses.render("compare_none")
    parts = [f"the {names[i]} has the {', '.join(ws[:3])}" for i, ws in sorted(wins.items())]
    summary = "; ".join(parts)
    return responses.render("compare_intro", summary=summary)

"""The fact composer: reasons and answers written from the catalog's data, without any LLM.

A reason leads with what matters for this shopper's ask — the comparative they asked for, the sort,
their stated constraints and use case — adds one comparison computed over the products shown, and
reads as a sentence. Every claim comes from a product field, so composed text passes the claim
verifier (:mod:`assistant.claims`) by construction. It is the fallback for every model and the
default for the embedded one.

    compose_reason(product, plan, shown, schema)   # "Weighs 1.1 kg, the lightest of these 5; …"
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from assistant.claims import claim_start, seller_claim
from assistant.plan.semantics import key_dimension, lexicons
from assistant.schemas import ComparisonRow, QueryPlan
from retrieval.catalog import Product, norm
from retrieval.schema import (
    GROUPING_KEYS,
    PRODUCT_FIELDS,
    REVIEWS_FIELD,
    CatalogSchema,
    attribute_number,
    field_number,
    key_unit,
    key_words,
)

__all__ = [
    "Claim",
    "compare_rows",
    "compose_reason",
    "display_value",
    "distinct_names",
    "fact_phrase",
    "product_name",
    "quotable",
]

_MAX_CLAIMS = 3
_MAX_QUOTED_WORDS = 8  # a longer attribute value is seller prose, not a value to quote
_NUMBER_WORDS = {
    2: "two",
    3: "three",
    4: "four",
    5: "five",
    6: "six",
    7: "seven",
    8: "eight",
    9: "nine",
    10: "ten",
}


@dataclass(frozen=True)
class Claim:
    """One statement of a reason and the field it is bound to."""

    text: str
    field: str


def product_name(product: Product, max_words: int = 9) -> str:
    """A short name for a product: the first words of its title, cut before any seller claim
    ("Tent — now only $1, free shipping" → "Tent")."""
    title = product.title.split(",")[0].split(" - ")[0].strip()
    start = claim_start(title)
    if start is not None:
        head = title[:start]
        cut = max(head.rfind(sep) for sep in (" — ", " – ", " - ", "|", "(", ":", ";"))
        title = (head[:cut] if cut > 0 else head).strip(" -–—:;|/(")
    words = title.split()
    if not words:
        leaf = product.category[-1] if product.category else "item"
        return (
            f"{product.brand} {leaf}".strip() if product.brand and not seller_claim(product.brand) else leaf
        )
    return " ".join(words[:max_words]) if len(words) > max_words else title


def distinct_names(products: Sequence[Product]) -> list[str]:
    """:func:`product_name` of each product, told apart where two would read the same (variants of
    one product: "… Standing Desk (48 x 30 in)" and "… Standing Desk (60 x 30 in)"): the rest of
    the title after its first comma, else the color, is added in brackets when it is quotable."""
    names = [product_name(p) for p in products]
    counts = Counter(names)
    out = []
    for name, p in zip(names, products, strict=True):
        if counts[name] > 1:
            rest = p.title.partition(",")[2].strip() or (p.color or "")
            if rest and quotable(rest) and rest.lower() not in name.lower():
                name = f"{name} ({rest})"
        out.append(name)
    return out


def quotable(value: str) -> bool:
    """Whether seller text may be quoted as a fact: a short value that makes no claim about price,
    discount, shipping or policy and carries no instruction (:func:`assistant.claims.seller_claim`)."""
    return bool(value.strip()) and len(value.split()) <= _MAX_QUOTED_WORDS and not seller_claim(value)


def _num(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}".rstrip("0").rstrip(".")


def display_value(key: str, value: str) -> str:
    """An attribute value with its unit: ``weight_kg``/``1.5`` → "1.5 kg"; ``temp_rating_f``/``20`` → "20 °F"."""
    unit = key_unit(key)
    number = attribute_number(value)
    if unit is not None and number is not None:
        sep = "" if unit.display.startswith("°") else " "
        shown = unit.display
        if number == 1 and len(shown) > 3 and shown.isalpha() and shown.endswith("s"):
            shown = shown[:-1]  # "1 year", "1 hour"
        return f"{_num(number)}{sep}{shown}"
    return value


def _label(key: str) -> str:
    return " ".join(key_words(key)) or key.replace("_", " ")


def fact_phrase(
    product: Product, key: str, categories: Sequence[str] = (), schema: CatalogSchema | None = None
) -> str | None:
    """One field of ``product`` as a phrase: "weighs 1.5 kg", "$179", "rated 4.5 out of 5", "finish: stainless steel"."""
    if key == "price":
        return None if product.price is None else f"${product.price:,.2f}".replace(".00", "")
    if key == "brand":
        return None if not product.brand or not quotable(product.brand) else f"by {product.brand}"
    if key == "color":
        return None if not product.color or not quotable(product.color) else f"in {product.color}"
    if key == "rating" or key == REVIEWS_FIELD:
        if product.rating is None or (key == REVIEWS_FIELD and not product.rating_count):
            return None
        count = f" by {product.rating_count:,} shoppers" if product.rating_count else ""
        return f"rated {product.rating:g} out of 5{count}"
    raw = product.attributes.get(key)
    if raw is None:
        raw = next((v for k, v in product.attributes.items() if norm(k) == key), None)
    if raw is None or not quotable(raw) or seller_claim(key):
        return None
    value = display_value(key, raw)
    if value.lower() in ("yes", "true"):
        return _label(key)
    if value.lower() in ("no", "false"):
        return f"no {_label(key)}"
    cats = list(categories) or ([product.category[-1]] if product.category else [])
    dimension = key_dimension(schema, cats, key) if schema is not None else None
    template = lexicons().phrases.get(dimension or "")
    if template and attribute_number(raw) is not None:
        return template.format(value=value, label=_label(key))
    return f"{_label(key)} {value}" if attribute_number(raw) is not None else f"{_label(key)}: {value}"


def _superlative(product: Product, key: str, shown: Sequence[Product], better: str) -> str | None:
    """ "the lightest of these 5" when ``product`` is the extreme of ``key`` among ``shown``."""
    values = [(p.id, field_number(p, key)) for p in shown]
    known = [(pid, v) for pid, v in values if v is not None]
    mine = field_number(product, key)
    if mine is None or len(known) < 2:
        return None
    lowest, highest = min(v for _, v in known), max(v for _, v in known)
    if lowest == highest:
        return None
    n = len(shown)
    scope = f"of these {_NUMBER_WORDS.get(n, str(n))}"
    lex = lexicons()
    dimension = key if key in PRODUCT_FIELDS else None
    words = {
        "price": ("cheapest", "priciest"),
        "rating": ("lowest rated", "best rated"),
        REVIEWS_FIELD: ("least reviewed", "most reviewed"),
    }
    if dimension is None:
        for name, dim in lex.dimensions.items():
            if any(w in key for w in dim.keys):
                dimension = name
                break
    low_word, high_word = words.get(dimension or "", (None, None))
    if dimension and dimension in lex.dimensions and low_word is None:
        d = lex.dimensions[dimension]
        low_word, high_word = _superlative_words(d.less), _superlative_words(d.more)
    if better == "lower" and mine == lowest and sum(1 for _, v in known if v == lowest) == 1 and low_word:
        return f"the {low_word} {scope}"
    if better == "higher" and mine == highest and sum(1 for _, v in known if v == highest) == 1 and high_word:
        return f"the {high_word} {scope}"
    return None


def _superlative_words(comparative: str) -> str:
    """ "lighter" → "lightest", "more powerful" → "most powerful", "more compact" → "most compact"."""
    c = comparative.strip()
    if c.startswith("more "):
        return "most " + c[5:]
    if c.startswith("less "):
        return "least " + c[5:]
    if " " in c:
        return ""
    if c.endswith("ier"):
        return c[:-3] + "iest"
    if c.endswith("er"):
        return c[:-2] + "est"
    return ""


def _relevant_keys(product: Product, plan: QueryPlan, schema: CatalogSchema | None) -> list[str]:
    wanted = {norm(w) for text in [plan.query, *plan.preferences, *plan.priors] for w in text.split()}
    cats = [product.category[-1]] if product.category else []
    from assistant.plan.semantics import dimension_key

    asked = {
        dimension_key(schema, cats, dim)
        for dim, words in lexicons().question_words.items()
        if wanted & set(words)
    }
    scored: list[tuple[int, str]] = []
    for key, value in product.attributes.items():
        if key in GROUPING_KEYS:
            continue
        words = set(key_words(key)) | set(norm(value).split())
        score = len(words & wanted) + (2 if key in asked else 0)
        if (
            key in plan.filters.attributes
            or key in plan.filters.attribute_ranges
            or key in plan.filters.attribute_in
        ):
            score += 3
        scored.append((score, key))
    scored.sort(key=lambda t: -t[0])
    return [k for s, k in scored if s > 0]


def compose_claims(
    product: Product, plan: QueryPlan, shown: Sequence[Product], schema: CatalogSchema | None = None
) -> list[Claim]:
    """The claims of a composed reason, most relevant first."""
    claims: list[Claim] = []
    used: set[str] = set()
    cats = [product.category[-1]] if product.category else []
    lead_keys = [
        k
        for k in (plan.comparative.key if plan.comparative else None, plan.sort.key if plan.sort else None)
        if k
    ]
    for key in dict.fromkeys(lead_keys):
        phrase = fact_phrase(product, key, cats, schema)
        if phrase is None:
            continue
        direction = (
            plan.comparative.direction
            if plan.comparative and plan.comparative.key == key
            else ("lower" if plan.sort and plan.sort.key == key and plan.sort.order == "asc" else "higher")
        )
        extra = _superlative(product, key, shown, direction)
        if (
            plan.comparative
            and key == plan.comparative.key
            and plan.comparative.than is not None
            and key != "price"
        ):
            ref = (
                display_value(key, _num(plan.comparative.than))
                if key not in PRODUCT_FIELDS
                else _num(plan.comparative.than)
            )
            phrase = f"{phrase} (vs {ref} before)"
        claims.append(Claim(f"{phrase}, {extra}" if extra else phrase, key))
        used.add(key)
        if key == REVIEWS_FIELD:
            used.add("rating")  # (its phrase is the rating's, with the count)
    f = plan.filters
    if product.price is not None and "price" not in used:
        price = fact_phrase(product, "price") or ""
        # A cap the shopper stated, not one derived from "cheaper?" ($548.99 = just under $549).
        from_shopper = (
            not (plan.comparative and plan.comparative.key == "price")
            and float(f.price_max or 0).is_integer()
        )
        if f.price_max is not None and from_shopper and product.price <= f.price_max:
            claims.append(Claim(f"{price}, within your ${_num(f.price_max)} budget", "price"))
        elif f.price_max is not None:
            claims.append(Claim(price, "price"))
        elif f.price_min is not None:
            claims.append(Claim(f"{price}", "price"))
        used.add("price")
    for key in _relevant_keys(product, plan, schema):
        if len(claims) >= _MAX_CLAIMS or key in used:
            continue
        phrase = fact_phrase(product, key, cats, schema)
        if phrase:
            claims.append(Claim(phrase, key))
            used.add(key)
    if product.brand and f.brands and len(claims) < _MAX_CLAIMS + 1 and quotable(product.brand):
        claims.append(Claim(f"by {product.brand}", "brand"))
    if product.color and f.colors and quotable(product.color):
        claims.append(Claim(f"in {product.color}", "color"))
    if (
        len(claims) < _MAX_CLAIMS
        and "rating" not in used
        and product.rating is not None
        and product.rating_count
    ):
        claims.append(Claim(fact_phrase(product, "rating") or "", "rating"))
    if not claims and product.price is not None:
        claims.append(Claim(fact_phrase(product, "price") or "", "price"))
    if not claims and product.brand and quotable(product.brand):
        claims.append(Claim(f"by {product.brand}", "brand"))
    if not claims:
        claims.append(Claim(product_name(product), "title"))
    return claims[: _MAX_CLAIMS + 1]


def join_claims(texts: Sequence[str]) -> str:
    parts = [t.strip() for t in texts if t.strip()]
    if not parts:
        return ""
    text = "; ".join(parts)
    return text[0].upper() + text[1:] + ("" if text.endswith(".") else ".")


def compose_reason(
    product: Product, plan: QueryPlan, shown: Sequence[Product] = (), schema: CatalogSchema | None = None
) -> str:
    """A reason for ``product`` built only from its data, the plan and the other products shown."""
    return join_claims([c.text for c in compose_claims(product, plan, shown, schema)])


def compare_rows(products: Sequence[Product], schema: CatalogSchema | None = None) -> list[ComparisonRow]:
    """A side-by-side of ``products``: price, rating and every attribute any of them lists; the
    winner of a numeric row is the one better in the dimension's usual direction."""
    keys: list[str] = ["price", "rating", "brand", "color"]
    for p in products:
        for k in p.attributes:
            if k not in GROUPING_KEYS and k not in keys and not seller_claim(k):
                keys.append(k)
    cats = list(dict.fromkeys(p.category[-1] for p in products if p.category))
    lex = lexicons()
    rows: list[ComparisonRow] = []
    for key in keys:
        values: list[str] = []
        numbers: list[float | None] = []
        for p in products:
            if key == "price":
                values.append("" if p.price is None else f"${p.price:,.2f}")
            elif key == "rating":
                values.append("" if p.rating is None else f"{p.rating:g}/5")
            elif key in ("brand", "color"):
                value = getattr(p, key) or ""
                values.append(value if quotable(value) else "")
            else:
                raw = p.attributes.get(key)
                values.append("" if raw is None or not quotable(raw) else display_value(key, raw))
            numbers.append(field_number(p, key))
        if sum(1 for v in values if v) < 1:
            continue
        dimension = (
            key_dimension(schema, cats, key)
            if schema is not None
            else ("price" if key == "price" else "rating" if key == "rating" else None)
        )
        better = lex.dimensions[dimension].better if dimension in lex.dimensions else None
        winner = None
        known = [(i, n) for i, n in enumerate(numbers) if n is not None]
        if better and len(known) == len(products) and len({n for _, n in known}) > 1:
            pick = min(known, key=lambda t: t[1]) if better == "lower" else max(known, key=lambda t: t[1])
            if sum(1 for _, n in known if n == pick[1]) == 1:
                winner = pick[0]
        label = key if key in ("price", "rating", "brand", "color") else _label(key)
        rows.append(
            ComparisonRow(
                attribute=key,
                label=label,
                values=values,
                winner=winner,
                better=better,
            )  # type: ignore[arg-type]
        )
    return rows

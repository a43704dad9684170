"""A scripted stand-in for a capable model (``AISLE_LLM=fake`` with ``AISLE_FAKE_SCRIPT=realistic``).

It answers each prompt the way a real capable model does, mistakes included, so the CI gate exercises
the verifier and the answer path instead of a fixed default reply:

* ``explain`` (listwise rerank): keeps the ranker's order and writes one reason per product from the
  facts in the prompt; one reason in four is right as written, the others carry one planted mistake
  each — a number moved to the wrong unit or doubled, an unscoped market claim, a seller-style
  promise ("free shipping"), or a judgement — next to true facts;
* ``reasons``: the same, one product at a time;
* ``answer``: a short text naming the top pick with its price, plus one unsupported superlative.

Deterministic: the mistake depends on the product's position only.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from langchain_core.messages import BaseMessage

__all__ = ["realistic_reply"]

_BLOCK = re.compile(r"(?ms)^id: (?P<id>\S+)\n(?P<body>.*?)(?=^id: |\Z)")
_LINE = re.compile(r"^(?P<key>[a-z_]+): (?P<value>.+)$", re.M)


def _facts(body: str) -> dict[str, str]:
    return {m.group("key"): m.group("value").strip() for m in _LINE.finditer(body)}


def _short(title: str) -> str:
    return title.split(",")[0].strip()


def _numeric(facts: dict[str, str]) -> tuple[str, float] | None:
    for key, value in facts.items():
        if key in ("id", "price", "rating", "title", "brand", "color", "category"):
            continue
        try:
            return key, float(value)
        except ValueError:
            continue
    return None


def _reason(position: int, facts: dict[str, str]) -> str:
    title = _short(facts.get("title", "this one"))
    price = facts.get("price", "")
    numeric = _numeric(facts)
    true_bits = [f"it costs {price}" if price else f"the {title} fits the request"]
    if numeric is not None:
        key, number = numeric
        label = key.replace("_", " ")
        true_bits.append(f"{label} {number:g}")
    mistake = position % 4
    if mistake == 0:
        return f"The {title}: " + ", and ".join(true_bits) + "."
    if mistake == 1 and numeric is not None:
        key, number = numeric
        return f"The {title} {true_bits[0]}, and its {key.replace('_', ' ')} is {number * 2:g} kg."
    if mistake == 2:
        return f"The {title} is the top-rated choice on the market, and {true_bits[0]}."
    return f"The {title} {true_bits[0]}, with free shipping and a lifetime warranty."


def realistic_reply(messages: Sequence[BaseMessage]) -> str:
    system = messages[0].text if messages else ""
    user = messages[-1].text if messages else ""
    blocks = [(m.group("id"), _facts(m.group("body"))) for m in _BLOCK.finditer(user)]
    if '"ranking"' in system and blocks:
        ranking = [{"id": pid, "reason": _reason(i, facts)} for i, (pid, facts) in enumerate(blocks)]
        return json.dumps({"ranking": ranking})
    if '"reason"' in system:
        facts = _facts(user.split("Product facts:", 1)[-1])
        return json.dumps({"reason": _reason(1, facts)})
    # the answer: the top pick of the numbered list it was given
    first = re.search(r"^1\. (?P<title>.+?) \((?P<price>[^)]*)\): ", user, re.M)
    if first is None:
        return "Here are a few options that match what you asked for."
    title, price = _short(first.group("title")), first.group("price")
    return (
        f"My top pick is the {title} at {price}. "
        "It is the best value you will find anywhere. "
        "Have a look at the others below too."
    )

"""Figures a product's title states with a unit: "15 lbs", "65.6ft", "12V-24V", '52"', "0.7 mm",
"10'6\"" — read once per product and compared by what the unit measures, so every spelling of a
figure is the same figure ("15 lbs", "15lbs", "15 Pounds") and a bound holds across units ("at least
30 feet" takes "32.8ft" and "100 Ft").

A raw marketplace feed (ESCI) files no measured attributes: the size a shopper asks for ("a 60 inch
ceiling fan", "a 24v lunch box") is in its titles only. ``Filters.title_quantities`` asks for it,
keyed by the unit the shopper said (``{"ft": NumericRange(gte=30)}``); a product meets it when one
figure its title states, in that unit, lies within the bounds. Units and their spellings are
``retrieval/data/units.yaml``'s (one file for attribute keys, shoppers' words and titles).

    title_quantities("Tenmiro 65.6ft Led Strip Lights, 12V")  # (length, 787.2 in), (voltage, 12 V)
    states(title, "ft", NumericRange(gte=30))                   # True
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from retrieval.schema import Unit, unit_spellings

if TYPE_CHECKING:
    from retrieval.filters import NumericRange

__all__ = [
    "Quantity",
    "closest",
    "counts_as_packs",
    "describe",
    "in_unit",
    "known_unit",
    "states",
    "title_quantities",
    "unit_of",
]

_FOLDED = {"length_mm": ("length", 0.0393701)}
"""Dimensions the attribute keys keep apart (a shoe's drop in mm) that are one in a title: mm and inches
are both lengths ("0.5mm" lead, "12-Inch" skillet)."""


@dataclass(frozen=True)
class Quantity:
    """One figure a title states: what it measures, its value in that dimension's base unit, as written."""

    dimension: str
    value: float
    text: str


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, tuple[str, float]], dict[str, str], re.Pattern[str]]:
    """(unit display → (dimension, factor), spelling → display, the figure-and-unit pattern)."""
    import retrieval.schema as schema_module

    suffixes, _ = schema_module._units()
    units: dict[str, tuple[str, float]] = {}
    for unit in suffixes.values():
        units.setdefault(unit.display, _folded(unit))
    spelled: dict[str, str] = {}
    for display, names in unit_spellings().items():
        if display not in units:
            continue
        for name in (display, *names):
            name = name.lower()
            # a bare degree sign or an apostrophe is read by the patterns below, not as a spelling
            if name.strip("\"'°") and not name.startswith("-"):
                spelled.setdefault(" ".join(name.split()), display)
    # ("fl oz", "fluid ounce": a spelling of several words takes any space between them)
    alternatives = "|".join(
        re.escape(s).replace(r"\ ", r"\s+") for s in sorted(spelled, key=len, reverse=True)
    )
    pattern = re.compile(
        # "10'6\"": feet and inches; "60''", '52"', "48”": inches; "11'", "6ft": feet
        r"(?<![\w.])(?P<ft>\d{1,2})\s*['’′]\s*(?P<inch>\d{1,2}(?:\.\d+)?)\s*(?:\"|''|”|″|’’)"
        # (a figure may follow a size's "x": "60''x80''")
        # (nor the end of a model number: "722-30G", "P250000-31M")
        r"|(?<![0-9A-WYZa-wyz_.])(?<!\d-)(?P<num>\d+(?:\.\d+)?|\.\d+)"
        # "12V-24V", "5-52 lb", "48 x 72 Inch": a range or a size's sides, the unit said once
        r"(?:\s*(?P<sep>-|–|to|x|×)\s*(?P<num2>\d+(?:\.\d+)?))?"
        rf"\s*-?\s*(?:(?P<unit>{alternatives})(?![a-z0-9])|(?P<q>\"|''|”|″|’’)|(?P<f>['’′])(?![a-z'’]))",
        re.IGNORECASE,
    )
    return units, spelled, pattern


def _folded(unit: Unit) -> tuple[str, float]:
    dimension, factor = _FOLDED.get(unit.dimension, (unit.dimension, 1.0))
    return dimension, unit.factor * factor


_PANTS = re.compile(r"\b\d{2}\s*W\s*[x×/]\s*\d{2}\s*L\b", re.IGNORECASE)
"""A waist-by-length clothing size ("32W x 30L"): no watts, no litres."""
_IN_WORD = re.compile(r"\s+[a-z0-9]", re.IGNORECASE)
"""After a spaced "in": a word or a figure ("2 in 1", "2 in Black") — the preposition, not inches."""


def unit_of(display: str) -> tuple[str, float] | None:
    """(dimension, factor to its base unit) of a unit display ("ft" → length, 12), else ``None``."""
    return _table()[0].get(display)


def known_unit(display: str) -> bool:
    return display in _table()[0]


_COUNT_FIRST = re.compile(
    r"\b(?:set|pack|box|case|bundle|package)s?\s+of\s+(\d{1,4})\b(?!\s*-?\s*(?:[a-z°\"']|\.\d))",
    re.IGNORECASE,
)
"""A count said before its number ("Set of 4", "pack of 12"; not "a pack of 60 litres")."""
_PACK_AFTER = re.compile(r"\b(\d{1,4})(\s*-?\s*)(?:packs?|pk)\b", re.IGNORECASE)
"""A count said as a pack after its number ("4 Pack", "6-pack", "24pk")."""


def counts_as_packs(text: str) -> str:
    """``text`` with each count written "4 ct", whichever way it was said ("set of 4", "a 4-pack",
    "24pk"), padded so every span keeps its offsets. "A pack" alone (a backpack) is left as it is."""
    text = _COUNT_FIRST.sub(lambda m: f"{m.group(1)} ct".ljust(len(m.group(0))), text)
    return _PACK_AFTER.sub(lambda m: f"{m.group(1)}{m.group(2)}ct".ljust(len(m.group(0))), text)


@lru_cache(maxsize=65536)
def title_quantities(title: str) -> tuple[Quantity, ...]:
    """Every figure with a unit ``title`` states, in its dimension's base unit ("Set of 4" is a count of 4)."""
    units, spelled, pattern = _table()
    text = _PANTS.sub(" ", counts_as_packs(title))
    found: list[Quantity] = []
    for m in pattern.finditer(text):
        if m.group("ft") is not None:
            dimension, factor = units["in"]
            value = int(m.group("ft")) * 12 + float(m.group("inch"))
            found.append(Quantity(dimension, value * factor, m.group(0).strip()))
            continue
        if m.group("unit"):
            word = " ".join(m.group("unit").lower().split())
            if (
                word == "in"
                and " " in text[m.start("num") : m.start("unit")]
                and _IN_WORD.match(text, m.end())
            ):
                continue
            if word == "in" and text[m.end() : m.end() + 2] in ("-1", "-2", "-3", "-4", "-5", "-6"):
                continue  # "2-in-1"
            display = spelled[word]
        elif m.group("q"):
            display = "in"
        else:
            display = "ft"
        dimension, factor = units[display]
        figures = [m.group("num")]
        if m.group("num2") is not None:
            if m.group("sep").lower() not in ("x", "×") and float(m.group("num")) >= float(m.group("num2")):
                continue  # a model number ("722-30G"), no range
            figures.append(m.group("num2"))
        for figure in figures:
            found.append(Quantity(dimension, float(figure) * factor, m.group(0).strip()))
    return tuple(found)


def in_unit(quantity: Quantity, display: str) -> float | None:
    """``quantity``'s value in the unit ``display``, or ``None`` when that unit measures something else."""
    unit = unit_of(display)
    if unit is None or unit[0] != quantity.dimension:
        return None
    return quantity.value / unit[1]


def states(title: str, display: str, bounds: NumericRange) -> bool:
    """Whether ``title`` states a figure that, in the unit ``display``, lies within ``bounds``."""
    return any(
        (v := in_unit(q, display)) is not None and bounds.holds(round(v, 6)) for q in title_quantities(title)
    )


def describe(unit: str, bounds: NumericRange) -> str:
    """The bounds in words, in the unit asked ("30 ft or more", "15 lb", "0.7 mm", "between 40 and 50 oz")."""
    low = bounds.gte if bounds.gte is not None else bounds.gt
    high = bounds.lte if bounds.lte is not None else bounds.lt
    if low is not None and high is not None:
        if bounds.lt is not None and bounds.gte is not None and abs(bounds.lt - bounds.gte - 1) < 1e-9:
            return f"{bounds.gte:g} {unit}"  # a nominal whole figure: 15 takes 15-15.9
        if high <= low * 1.03:
            return f"{round((low + high) / 2, 4):g} {unit}"
        return f"between {low:g} and {high:g} {unit}"
    if low is not None:
        return f"{low:g} {unit} or more"
    if high is not None:
        return f"{high:g} {unit} or less"
    return unit


def closest(titles: list[str], unit: str, bounds: NumericRange) -> tuple[list[int], float | None]:
    """The positions of ``titles`` ordered by how near a figure they state in ``unit`` comes to
    ``bounds`` (those stating none last), and the nearest figure (``None`` when none states one)."""
    low = bounds.gte if bounds.gte is not None else bounds.gt
    high = bounds.lte if bounds.lte is not None else bounds.lt
    gaps: list[tuple[float, int, float | None]] = []
    for i, title in enumerate(titles):
        best: tuple[float, float] | None = None
        for q in title_quantities(title):
            v = in_unit(q, unit)
            if v is None:
                continue
            gap = max((low - v) if low is not None else 0.0, (v - high) if high is not None else 0.0, 0.0)
            if best is None or gap < best[0]:
                best = (gap, v)
        gaps.append((best[0], i, best[1]) if best else (float("inf"), i, None))
    gaps.sort()
    nearest = gaps[0][2] if gaps else None
    return [i for _, i, _ in gaps], nearest

"""A comparison by name compares one product per family of variants (the late-da cases): "the r7 and
the r9" compared both colors of the R7 with the R9; "the large orthopedic and the large donut" took
the X-Large too, "large" being part of its name. A variant's own value said as a whole word picks
it; a comparison within one family keeps every variant named."""

from __future__ import annotations

from assistant.turn import _one_per_family
from retrieval.catalog import Product


def _p(pid: str, family: str, color: str = "", size: str = "") -> Product:
    attrs = {"variant_of": family, **({"size": size} if size else {})}
    return Product(id=pid, title=pid, category=["X"], color=color or None, attributes=attrs)


_R7_BLACK, _R7_WHITE = _p("r7-black", "r7", "Black"), _p("r7-white", "r7", "White")
_R9 = _p("r9", "r9", "Black")
_ORTHO_L, _ORTHO_XL = _p("ortho-l", "ortho", size="Large"), _p("ortho-xl", "ortho", size="X-Large")
_DONUT_L = _p("donut-l", "donut", size="Large")


def test_a_family_named_without_its_variants_value_is_its_first_variant() -> None:
    chosen = _one_per_family([_R7_BLACK, _R7_WHITE, _R9], "whats the difference between the r7 and the r9")
    assert [p.id for p in chosen] == ["r7-black", "r9"]


def test_a_variants_value_said_whole_picks_it() -> None:
    said = "how do the large orthopedic and the large donut compare"
    assert [p.id for p in _one_per_family([_ORTHO_XL, _ORTHO_L, _DONUT_L], said)] == ["ortho-l", "donut-l"]
    said = "the x-large orthopedic against the large donut"
    assert [p.id for p in _one_per_family([_ORTHO_XL, _ORTHO_L, _DONUT_L], said)] == ["ortho-xl", "donut-l"]


def test_variants_of_one_family_stay_when_compared_with_each_other() -> None:
    pair = [_R7_BLACK, _R7_WHITE]
    assert _one_per_family(pair, "compare the black r7 with the white r7") == pair

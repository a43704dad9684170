"""Figures a title states with a unit (retrieval/quantities.py) and the figures a shopper asks for
(semantics.said_quantities): every spelling of a figure is the same figure, bounds hold across units,
and what is not a size (a "3-in-1", a "32W x 30L" waist and length, "2 in Black") is not read as one."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from assistant.plan.semantics import said_quantities
from assistant.plan.text_words import sizes_asked
from retrieval.catalog import Product
from retrieval.filters import Filters, NumericRange, matches
from retrieval.quantities import closest, describe, states, title_quantities
from retrieval.relax import QUANTITY_FIELD, search_relaxed
from retrieval.schema import CatalogSchema
from retrieval.snapshot import CatalogSnapshot


def _figures(title: str, unit: str) -> list[float]:
    from retrieval.quantities import in_unit

    return [round(v, 2) for q in title_quantities(title) if (v := in_unit(q, unit)) is not None]


@pytest.mark.parametrize(
    ("title", "unit", "figures"),
    [
        ("Weighted Blanket 15 lbs, Queen", "lb", [15.0]),
        ('Weighted Blanket（15lbs 60"x80"）', "lb", [15.0]),
        ("Bedsure Queen Weighted Blanket 15 Pounds", "lb", [15.0]),
        ("Sleep Mantra Throw-Blanket 15-lbs", "lb", [15.0]),
        ("Tenmiro 65.6ft Led Strip Lights", "ft", [65.6]),
        ("GUSODOR Led Strip Lights 32.8 Feet", "ft", [32.8]),
        ("HEDYNSHINE 100Ft Smart LED Strip Lights", "ft", [100.0]),
        ("Lunch Box 12V-24V 110V for Car", "V", [12.0, 24.0, 110.0]),
        ('Ceiling Fan, 52", Bronze', "in", [52.0]),
        ("Ceiling Fan, 60 in, Matte Black", "in", [60.0]),
        ("Hypnoser Weighted Blanket (20 lbs, 60''x80'' )", "in", [60.0, 80.0]),
        ("Weighted Blanket 48 x 72 Inch", "in", [48.0, 72.0]),
        ('ISSYAUTO Paddle Board 10\'6"×31"×6"', "in", [126.0, 31.0, 6.0]),
        ("Kaweco Special Mechanical Pencil Black 0.5mm", "mm", [0.5]),
        ("Kaweco Classic Sport Mechanical Pencil 0.7 mm Red", "mm", [0.7]),
        ("CamelBak 0.4-Liter Kids Water Bottle 12 Ounces", "oz", [13.53, 12.0]),
        ("Hummingbird Feeder - Blue Mushroom - 32 Fluid Ounce", "oz", [32.0]),
        ("Toothpaste, 4.8 fl. oz, Pack of 2", "oz", [4.8]),
        ("Progress Lighting P250000-31M Ceiling Fan, 60 in", "in", [60.0]),  # no 31 m: a model number
    ],
)
def test_every_spelling_of_a_figure_is_read(title: str, unit: str, figures: list[float]) -> None:
    assert _figures(title, unit) == figures


@pytest.mark.parametrize(
    "title",
    [
        "Levi's Men's 505 Regular Fit Jeans 32W x 30L",  # a waist and a length, no watts nor litres
        "Rhudaky 3-In-1 Portable Food Warmer",
        "Electric Lunch Box 2 in 1 Food Heater",
        "Throw Pillow Covers Pack of 2 in Black",
    ],
)
def test_what_is_no_size_is_not_read_as_one(title: str) -> None:
    assert [
        q.dimension for q in title_quantities(title) if q.dimension in ("power", "volume", "length")
    ] == []


def test_a_bound_holds_across_units_and_spellings() -> None:
    at_least_30_ft = NumericRange(gte=30)
    assert states("Govee 32.8ft LED Strip", "ft", at_least_30_ft)
    assert states("LED Strip 10 m Roll 5V", "ft", at_least_30_ft)  # 10 m = 32.8 ft
    assert not states("MINGER LED Strip Lights 16.4ft", "ft", at_least_30_ft)
    assert not states("LED strip lights, color changing", "ft", at_least_30_ft)  # states no length
    # a figure of another measure is not compared
    assert not states("Lunch Box 40W 12V", "ft", NumericRange(gte=1))


def test_filters_take_known_units_only_and_match_titles() -> None:
    f = Filters(title_quantities={"lb": {"gte": 15, "lt": 16}})
    yes = Product(
        id="a", title="Weighted Blanket 15 Pounds, Queen", category=["Bedding", "Weighted Blankets"]
    )
    no = Product(id="b", title="Weighted Blanket 20 lbs, Queen", category=["Bedding", "Weighted Blankets"])
    assert matches(yes, f) and not matches(no, f)
    # the snapshot's mask means the same
    snap = CatalogSnapshot([yes, no], np.zeros((2, 4), dtype=np.float32), version=1)
    assert snap.mask(f).tolist() == [True, False]
    assert snap.states_quantity("in").tolist() == [False, False]
    with pytest.raises(ValidationError, match="unknown unit"):
        Filters(title_quantities={"furlongs": {"gte": 3}})
    assert Filters(title_quantities={"ft": {}}).title_quantities == {}  # no bound: nothing asked


@pytest.mark.parametrize(
    ("message", "unit", "bounds"),
    [
        ("looking for a weighted blanket, 20 pounds", "lb", NumericRange(gte=20, lt=21)),
        ("need at least 30 feet of it", "ft", NumericRange(gte=30)),
        ("thats 120 ft long minimum", "ft", NumericRange(gte=120)),
        ("works on a 24v truck socket", "V", NumericRange(gte=24, lt=25)),
        ("any 70 inches or bigger", "in", NumericRange(gte=70)),
        ("nothing heavier than 12 lbs", "lb", NumericRange(lte=12)),
        ("14 oz or smaller", "oz", NumericRange(lte=14)),
        ("takes .7 mm lead", "mm", NumericRange(gte=0.693, lte=0.707)),
        ("about 20 oz", "oz", NumericRange(gte=17, lte=23)),
        # the unit said as a noun for the thing of that size (the late-bo cases)
        ("a 20 pounder weighted blanket", "lb", NumericRange(gte=20, lt=21)),
        ("need an 11 footer for the lake", "ft", NumericRange(gte=11, lt=12)),
        ("a 65 incher for the living room", "in", NumericRange(gte=65, lt=66)),
    ],
)
def test_the_figure_asked_and_its_bound(message: str, unit: str, bounds: NumericRange) -> None:
    assert [(u, b) for u, b, _ in said_quantities(message)][:1] == [(unit, bounds)]


def test_a_figure_corrected_mid_message() -> None:
    said = said_quantities("a weighted blanket, 15 pounds - wait no, make it 20, for my husband")
    assert [(u, b) for u, b, _ in said] == [
        ("lb", NumericRange(gte=15, lt=16)),
        ("lb", NumericRange(gte=20, lt=21)),  # the bare corrected figure, in the unit it corrects
    ]
    assert [u for u, _, _ in said_quantities("make it 20 bucks")] == []


def test_a_preposition_is_no_inch() -> None:
    assert said_quantities("something under 300 in black") == []


def test_words_for_a_bound() -> None:
    assert describe("ft", NumericRange(gte=30)) == "30 ft or more"
    assert describe("lb", NumericRange(gte=15, lt=16)) == "15 lb"
    assert describe("mm", NumericRange(gte=0.693, lte=0.707)) == "0.7 mm"
    assert describe("lb", NumericRange(lte=12)) == "12 lb or less"


def test_an_impossible_size_is_loosened_to_the_nearest_and_said() -> None:
    products = [
        Product(id=str(i), title=t, category=["Lighting", "LED Strip Lights"])
        for i, t in enumerate(
            ["LED Strip 16.4ft", "LED Strip 100Ft Ultra Long", "LED Strip 32.8 Feet", "LED Strip Kit"]
        )
    ]
    asked = Filters(categories=["led strip lights"], title_quantities={"ft": {"gte": 120}})
    found = search_relaxed(asked, lambda f: [p for p in products if matches(p, f)])
    assert [p.id for p in found.products][:3] == ["1", "2", "0"]
    (relaxed,) = found.relaxed
    assert relaxed.field == QUANTITY_FIELD
    assert relaxed.asked == "of 120 ft or more" and relaxed.closest == "the closest is 100 ft"
    assert relaxed.loosened == Filters(title_quantities={"ft": {"gte": 120}})
    assert closest(["no size", "LED 5 ft"], "ft", NumericRange(gte=120)) == ([1, 0], 5.0)


def _catalog(rows: list[tuple[str, list[str], dict[str, str]]]) -> tuple[CatalogSnapshot, CatalogSchema]:
    products = [Product(id=f"p{i}", title=t, category=c, attributes=a) for i, (t, c, a) in enumerate(rows)]
    snap = CatalogSnapshot(products, np.zeros((len(products), 4), dtype=np.float32), version=1)
    return snap, CatalogSchema.from_products(products)


_STRIPS = ["Lighting", "LED Strip Lights"]
_LEASHES = ["Pets", "Leashes"]
_TOYS = ["Toys", "Building Toys"]


def test_a_size_is_asked_of_titles_only_where_no_attribute_measures_it() -> None:
    snap, schema = _catalog(
        [
            ("LED Strip 16.4ft", _STRIPS, {}),
            ("LED Strip 32.8ft Kit", _STRIPS, {}),
            ("LED Strip 100 Feet", _STRIPS, {}),
            ("Reflective Leash 6 ft", _LEASHES, {"length_ft": "6"}),
            ("Training Leash 15 ft", _LEASHES, {"length_ft": "15"}),
            ("Blocks for Ages 3 Years and Up", _TOYS, {}),
            ("Magnet Tiles for 5 Years Old", _TOYS, {}),
            ("Marble Run for 8 Years", _TOYS, {}),
        ]
    )
    strips = Filters(categories=["led strip lights"])
    assert sizes_asked("led strips, at least 30 feet of it", strips, snap, schema) == {
        "ft": NumericRange(gte=30)
    }
    # every strip asked about already meets it: nothing to ask
    assert sizes_asked("led strips, 10 feet or more", strips, snap, schema) == {}
    # none meets it: asked all the same, so the search loosens it and says so
    assert sizes_asked("a 200 ft led strip", strips, snap, schema) == {"ft": NumericRange(gte=200, lt=201)}
    # a leash's length is an attribute: the planner's spec parser reads it, not the titles
    assert sizes_asked("a 15 ft leash", Filters(categories=["leashes"]), snap, schema) == {}
    # an age says who it is for, not what the product measures
    assert (
        sizes_asked("something for my 5 year old", Filters(categories=["building toys"]), snap, schema) == {}
    )
    # the corrected figure is the ask; without a correction the first one is
    assert sizes_asked("at least 20 feet... actually make it 30 ft or more", strips, snap, schema) == {
        "ft": NumericRange(gte=30)
    }
    assert sizes_asked("a 50 ft one, the 16 ft ones are too short", strips, snap, schema) == {
        "ft": NumericRange(gte=50, lt=51)
    }
    # said not to matter: no figure asked
    assert sizes_asked("led strips, doesn't have to be 30 feet", strips, snap, schema) == {}
    # no kind: nothing to read the figure against
    assert sizes_asked("at least 30 feet", Filters(), snap, schema) == {}

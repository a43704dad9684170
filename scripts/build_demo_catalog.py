"""Build Aisle's bundled demo catalog: ``retrieval/data/demo_catalog.jsonl``.

Every product, brand, spec and sentence below was written by Aisle's authors for the demo; the brands
are invented. The catalog is generated from the hand-written product families in this file, combined
deterministically (rating counts and small rating differences between variants come from a
``random.Random`` seeded with the product id), so editing a family and re-running gives a stable diff:

    .venv/bin/python scripts/build_demo_catalog.py            # rewrites the JSONL
    .venv/bin/python scripts/build_demo_catalog.py --check    # fails if the JSONL is out of date

Conventions (see ``retrieval/data/README.md``):

* Attribute values are strings; numbers are plain (``"44"``) with the unit in the key
  (``noise_level_db``, ``width_in``, ``weight_kg``); yes/no attributes are ``"yes"`` / ``"no"``.
* Colour lives in ``color``; a dishwasher's ``finish`` is an attribute (stainless steel -> Silver).
* A product family sold in several colours, finishes or sizes becomes one product per variant. Every
  member carries ``attributes["variant_of"] = <family id>``, its id is ``<family id>-<variant slug>``,
  and its title is ``<shared title stem>, <variant label>``. Single-variant products have no
  ``variant_of`` and their id is the family id.
* Bullets are generated from the attributes, so the text always agrees with the data.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
OUTPUT = ROOT / "retrieval" / "data" / "demo_catalog.jsonl"
URL = "https://demo.aisle.shop/p/{id}"

Attrs = dict[str, str]
Variant = tuple[Any, ...]  # (label, price) or (label, price, extra_attributes)

# Products that are sold out in the demo (exact product ids; the build fails on an unknown id).
OUT_OF_STOCK = {
    "dw-brightwell-compact-18-white",
    "dw-nordvik-silens-38-panel-ready",
    "hp-pipsqueak-kidsafe-wired-red",
    "hp-halcyon-aura-anc-700-navy",
    "eb-sonovel-pebble-blue",
    "sp-sonovel-campfire-green",
    "cf-kestrel-single-cup-red",
    "bl-whirlwise-go-personal-pink",
    "lt-corvid-blade-16",
    "kb-keyforge-k75-wireless-white",
    "tn-summit-pine-stormhold-3",
    "tn-trailwright-duo-ul-2-orange",
    "sb-northfold-glacier-minus-20",
    "bp-ridgeback-trek-65-black",
    "rs-stridewell-anchor-9-gray",
    "rs-pacecraft-tempo-carbon-yellow",
    "rj-northfold-downpour-shell-w-purple",
    "fl-summit-pine-sherpa-pullover-brown",
    "vc-kestrel-roam-lite",
    "ap-clearbreath-pure-1200",
    "mt-restwell-natural-latex-king",
    "oc-deskwright-task-basic-blue",
    "sd-oakhaven-walnut-72-x-30-in",
    "ty-brickbloom-lighthouse",
    "pc-barbery-rotary-r5",
    "pt-pawsome-orthopedic-bed-x-large",
    "fit-ironleaf-adjustable-dumbbells-5-90-lb",
}

FINISH_COLOR = {
    "stainless steel": "Silver",
    "black stainless steel": "Black",
    "white": "White",
    "black": "Black",
    "panel-ready": None,
}


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("&", " ")).strip("-")


def yn(value: bool) -> str:
    return "yes" if value else "no"


def cap(text: str) -> str:
    """Upper-case the first letter only (str.capitalize would lower-case "GB" and "USB-C")."""
    return text[:1].upper() + text[1:]


def money(value: float) -> float:
    return round(float(value), 2)


def join_words(items: Sequence[str]) -> str:
    items = list(items)
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def label_text(kind: str, label: str) -> str:
    return label.title() if kind == "finish" else label


class Catalog:
    def __init__(self) -> None:
        self.products: list[dict[str, Any]] = []

    def family(
        self,
        *,
        id: str,
        brand: str,
        category: list[str],
        title: str,
        blurb: str,
        attrs: Attrs,
        bullets: Callable[[Attrs], list[str]],
        rating: float,
        variants: Sequence[Variant],
        kind: str = "color",
        color: str | None = None,
        popularity: tuple[int, int] = (40, 2400),
    ) -> None:
        """Add one product family: one product per variant (kind: color, finish or size)."""
        multi = len(variants) > 1
        labels = [label_text(kind, v[0]) for v in variants]
        for variant in variants:
            label, price = variant[0], variant[1]
            extra: Attrs = variant[2] if len(variant) > 2 else {}
            attributes = {**attrs, **extra}
            product_color = color
            if kind == "color":
                product_color = label
            elif kind == "finish":
                attributes["finish"] = label
                product_color = FINISH_COLOR[label]
            elif kind == "size":
                attributes["size"] = label
            else:
                raise ValueError(f"unknown variant kind {kind!r}")
            pid = f"{id}-{slug(label)}" if multi else id
            description = blurb
            if multi:
                attributes["variant_of"] = id
                noun = {"color": "colors", "finish": "finishes", "size": "sizes"}[kind]
                description += (
                    f" Available in {len(labels)} {noun}: {join_words(labels)}"
                    f" (this listing: {label_text(kind, label)})."
                )
            rng = random.Random(f"aisle-demo:{pid}")
            product_rating = rating
            if multi:
                product_rating = round(min(4.9, max(3.2, rating + rng.choice((-0.1, 0.0, 0.0, 0.1)))), 1)
            self.products.append(
                {
                    "id": pid,
                    "title": f"{title}, {label_text(kind, label)}" if multi else title,
                    "description": description,
                    "bullet_points": bullets(attributes),
                    "brand": brand,
                    "category": category,
                    "price": money(price),
                    "currency": "USD",
                    "attributes": dict(sorted(attributes.items())),
                    "color": product_color,
                    "rating": product_rating,
                    "rating_count": rng.randint(*popularity),
                    "in_stock": pid not in OUT_OF_STOCK,
                    "image_url": None,
                    "url": URL.format(id=pid),
                }
            )


def with_extra(extra: Sequence[str], fn: Callable[[Attrs], list[str]]) -> Callable[[Attrs], list[str]]:
    """Generated bullets plus hand-written feature bullets (kept to at most five in total)."""

    def build(a: Attrs) -> list[str]:
        return (fn(a) + list(extra))[:5]

    return build


# ---------------------------------------------------------------------------------------------
# Kitchen Appliances
# ---------------------------------------------------------------------------------------------

# fmt: off
DISHWASHERS: list[dict[str, Any]] = [
    dict(id="dw-hearthline-quietclean-300", brand="Hearthline", name="QuietClean 300", db=44, width=24,
         tub="stainless steel", settings=14, energy_star=True, third_rack=False, drying="heated dry",
         rating=4.4, finishes=[("stainless steel", 579), ("white", 549), ("black stainless steel", 629)],
         blurb="A quiet, no-fuss everyday dishwasher with a stainless steel tub and a soil sensor that "
         "adjusts the wash to how dirty the load is."),
    dict(id="dw-hearthline-quietclean-500", brand="Hearthline", name="QuietClean 500", db=42, width=24,
         tub="stainless steel", settings=16, energy_star=True, third_rack=True, drying="fan-assisted dry",
         rating=4.6, finishes=[("stainless steel", 749), ("black stainless steel", 799)],
         blurb="The step-up QuietClean adds a third rack for utensils and a fan that helps plastics come "
         "out dry."),
    dict(id="dw-hearthline-essentials-100", brand="Hearthline", name="Essentials 100", db=52, width=24,
         tub="plastic", settings=12, energy_star=True, third_rack=False, drying="heated dry",
         rating=3.8, finishes=[("white", 399), ("stainless steel", 429)],
         blurb="A basic, budget built-in dishwasher for rentals and first kitchens; louder than the "
         "QuietClean line but simple to use."),
    dict(id="dw-nordvik-silens-38", brand="Nordvik", name="Silens 38", db=38, width=24,
         tub="stainless steel", settings=16, energy_star=True, third_rack=True, drying="condensation dry",
         rating=4.8, finishes=[("stainless steel", 1749), ("panel-ready", 1899)],
         blurb="Nordvik's quietest dishwasher, built for open-plan kitchens: at 38 dBA it is hard to hear "
         "over conversation. Height-adjustable upper rack and an interior light."),
    dict(id="dw-nordvik-silens-42", brand="Nordvik", name="Silens 42", db=42, width=24,
         tub="stainless steel", settings=15, energy_star=True, third_rack=True, drying="condensation dry",
         rating=4.7, finishes=[("stainless steel", 1149), ("panel-ready", 1249)],
         blurb="A very quiet premium dishwasher with a flexible third rack and a delay-start timer of up "
         "to 24 hours."),
    dict(id="dw-nordvik-compact-18", brand="Nordvik", name="Compact", db=44, width=18,
         tub="stainless steel", settings=9, energy_star=True, third_rack=True, drying="condensation dry",
         rating=4.5, finishes=[("stainless steel", 899), ("white", 849)],
         blurb="A slim 18-inch dishwasher for small kitchens and apartments that still fits a third rack."),
    dict(id="dw-brightwell-cleanpro-46", brand="Brightwell", name="CleanPro 46", db=46, width=24,
         tub="stainless steel", settings=14, energy_star=True, third_rack=False, drying="heated dry",
         rating=4.2, finishes=[("stainless steel", 529), ("black", 549)],
         blurb="Good value with a stainless steel tub and a bottle-jet wash zone for tall items."),
    dict(id="dw-brightwell-cleanpro-49", brand="Brightwell", name="CleanPro 49", db=49, width=24,
         tub="plastic", settings=13, energy_star=True, third_rack=False, drying="heated dry",
         rating=3.9, finishes=[("white", 449), ("stainless steel", 479)],
         blurb="An affordable full-size dishwasher with five wash cycles, including a one-hour quick wash."),
    dict(id="dw-brightwell-compact-18", brand="Brightwell", name="Compact", db=49, width=18,
         tub="plastic", settings=8, energy_star=True, third_rack=False, drying="heated dry",
         rating=4.0, finishes=[("white", 469), ("stainless steel", 499)],
         blurb="A budget 18-inch built-in dishwasher for tight spaces."),
    dict(id="dw-solenne-maison-40", brand="Solenne", name="Maison 40", db=40, width=24,
         tub="stainless steel", settings=15, energy_star=True, third_rack=True, drying="condensation dry",
         rating=4.6, finishes=[("stainless steel", 1299), ("black stainless steel", 1349)],
         blurb="A hushed, design-led dishwasher with a fingerprint-resistant finish and a cutlery third "
         "rack."),
    dict(id="dw-solenne-maison-45", brand="Solenne", name="Maison 45", db=45, width=24,
         tub="stainless steel", settings=14, energy_star=True, third_rack=False, drying="fan-assisted dry",
         rating=4.3, finishes=[("stainless steel", 689)],
         blurb="Solenne's entry model: a stainless tub, quiet operation and a half-load option."),
    dict(id="dw-kestrel-portable-18", brand="Kestrel Home", name="Rollaway", db=50, width=18,
         tub="stainless steel", settings=8, energy_star=False, third_rack=False, drying="heated dry",
         rating=3.6, finishes=[("white", 599)], portable=True,
         blurb="A portable dishwasher on casters that connects to the kitchen faucet, for homes without "
         "a built-in slot."),
]
# fmt: on


def dishwasher_bullets(a: Attrs) -> list[str]:
    racks = "Third rack for utensils" if a["third_rack"] == "yes" else "Two racks, no third rack"
    return [
        f"{a['noise_level_db']} dBA noise level",
        f"{a['place_settings']} place settings, {a['width_in']}-inch wide, {a['installation']}",
        f"{cap(a['tub_material'])} tub; {a['finish']} finish",
        f"{racks}; {a['drying']}",
        "ENERGY STAR certified" if a["energy_star"] == "yes" else "Not ENERGY STAR certified",
    ]


def add_dishwashers(cat: Catalog) -> None:
    for m in DISHWASHERS:
        install = "portable" if m.get("portable") else "built-in"
        cat.family(
            id=m["id"],
            brand=m["brand"],
            category=["Kitchen Appliances", "Dishwashers"],
            title=f"{m['brand']} {m['name']} {m['width']}-Inch {install.title()} Dishwasher, {m['db']} dBA",
            blurb=m["blurb"],
            attrs={
                "noise_level_db": str(m["db"]),
                "width_in": str(m["width"]),
                "tub_material": m["tub"],
                "place_settings": str(m["settings"]),
                "energy_star": yn(m["energy_star"]),
                "third_rack": yn(m["third_rack"]),
                "drying": m["drying"],
                "installation": install,
            },
            bullets=dishwasher_bullets,
            rating=m["rating"],
            variants=m["finishes"],
            kind="finish",
            popularity=(30, 1800),
        )


# (id, brand, name, type, cups, carafe, programmable, grinder, pressure_bar, rating, colors, blurb)
# fmt: off
COFFEE_MAKERS = [
    ("cf-morrow-brewhouse-12", "Morrow & Co.", "Brewhouse 12 Thermal Drip Coffee Maker", "drip", 12,
     "thermal", True, False, None, 4.5, [("Black", 129), ("Silver", 139)],
     "A 12-cup drip brewer with a double-wall thermal carafe that keeps coffee hot without a hot plate."),
    ("cf-morrow-brewhouse-10", "Morrow & Co.", "Brewhouse 10 Drip Coffee Maker", "drip", 10, "glass",
     True, False, None, 4.1, [("Black", 69)],
     "A simple 10-cup programmable drip coffee maker with a glass carafe and keep-warm plate."),
    ("cf-brightwell-grind-brew-10", "Brightwell", "Grind & Brew 10 Coffee Maker", "drip", 10, "thermal",
     True, True, None, 4.2, [("Silver", 179)],
     "Grinds whole beans right before brewing, with a strength selector and a thermal carafe."),
    ("cf-brightwell-barista-one", "Brightwell", "Barista One Espresso Machine", "espresso", 2, "none",
     False, False, 15, 4.4, [("Silver", 349), ("Black", 349)],
     "A compact home espresso machine with a manual steam wand for lattes and cappuccinos."),
    ("cf-morrow-espresso-duo", "Morrow & Co.", "Espresso Duo with Built-In Grinder", "espresso", 2,
     "none", False, True, 20, 4.6, [("Silver", 599)],
     "Bean-to-cup espresso with a conical burr grinder, dose control and a steam wand."),
    ("cf-kestrel-single-cup", "Kestrel Home", "Single Cup Pod Coffee Maker", "single-serve", 1, "none",
     False, False, None, 3.9, [("Black", 79), ("Red", 79), ("White", 79)],
     "Brews one mug from a pod or the included reusable filter basket in about a minute."),
    ("cf-kestrel-cold-brew-1-5", "Kestrel Home", "Cold Brew Maker 1.5 L", "cold brew", 6, "glass",
     False, False, None, 4.3, [("Black", 39)],
     "A glass pitcher with a fine mesh filter for steeping cold brew concentrate in the fridge overnight."),
    ("cf-brightwell-auto-pour-over-8", "Brightwell", "Auto Pour-Over 8-Cup Coffee Maker", "pour-over", 8,
     "glass", True, False, None, 4.7, [("Silver", 219)],
     "Mimics a hand pour-over with a wide showerhead and a bloom phase; brews at a controlled temperature."),
]
# fmt: on


def coffee_bullets(a: Attrs) -> list[str]:
    out = [f"Type: {a['type']} coffee maker"]
    if a["type"] == "espresso":
        out.append(f"{a['pressure_bar']}-bar pump; makes up to {a['capacity_cups']} shots at once")
    else:
        cups = a["capacity_cups"]
        out.append(f"Makes up to {cups} cup{'s' if cups != '1' else ''}")
    out.append(f"Carafe: {a['carafe']}" if a["carafe"] != "none" else "No carafe: brews into your cup")
    out.append("Built-in grinder" if a["built_in_grinder"] == "yes" else "No built-in grinder")
    out.append("Programmable start timer" if a["programmable"] == "yes" else "Not programmable")
    return out


def add_coffee_makers(cat: Catalog) -> None:
    for pid, brand, name, kind, cups, carafe, prog, grinder, bar, rating, colors, blurb in COFFEE_MAKERS:
        attrs = {
            "type": kind,
            "capacity_cups": str(cups),
            "carafe": carafe,
            "programmable": yn(prog),
            "built_in_grinder": yn(grinder),
        }
        if bar:
            attrs["pressure_bar"] = str(bar)
        cat.family(
            id=pid,
            brand=brand,
            category=["Kitchen Appliances", "Coffee Makers"],
            title=f"{brand} {name}",
            blurb=blurb,
            attrs=attrs,
            bullets=coffee_bullets,
            rating=rating,
            variants=colors,
        )


# (id, brand, name, type, watts, capacity_oz, speeds, rating, colors, blurb)
# fmt: off
BLENDERS = [
    ("bl-whirlwise-pro-1500", "Whirlwise", "Pro 1500 Blender", "full-size", 1500, 64, 10, 4.6,
     [("Black", 199), ("Red", 209)],
     "A powerful countertop blender that crushes ice and frozen fruit and can heat soup by friction."),
    ("bl-whirlwise-pro-1000", "Whirlwise", "Pro 1000 Blender", "full-size", 1000, 72, 5, 4.3,
     [("Black", 99)], "A large-pitcher blender for family smoothies and frozen drinks."),
    ("bl-whirlwise-go-personal", "Whirlwise", "Go Personal Blender", "personal", 300, 20, 1, 4.0,
     [("Blue", 39), ("Pink", 39), ("Green", 39)],
     "Blend a smoothie straight in the to-go cup, then swap the blade for the drinking lid."),
    ("bl-brightwell-immersion-500", "Brightwell", "Immersion Hand Blender 500", "immersion", 500, 24, 2,
     4.4, [("Silver", 49)],
     "A stick blender for soups and sauces in the pot, with a whisk and a 24 oz beaker included."),
    ("bl-brightwell-chef-1800", "Brightwell", "Chef 1800 Blender", "full-size", 1800, 64, 12, 4.7,
     [("Silver", 349)], "A pro-grade blender with presets for smoothies, nut butter and hot soup."),
    ("bl-kestrel-smoothie-station", "Kestrel Home", "Smoothie Station Blender", "full-size", 900, 48, 3,
     3.8, [("Black", 79), ("White", 79)],
     "A 48 oz pitcher plus two 16 oz travel cups, for both batch and single-serve smoothies."),
]
# fmt: on


def blender_bullets(a: Attrs) -> list[str]:
    return [
        f"{a['wattage_w']} W motor",
        f"{a['capacity_oz']} oz {'beaker' if a['type'] == 'immersion' else 'container'}",
        f"{a['speeds']} speed{'s' if a['speeds'] != '1' else ''}",
        f"Type: {a['type']} blender",
        "Dishwasher-safe jar and blades" if a["type"] != "immersion" else "Detachable dishwasher-safe shaft",
    ]


def add_blenders(cat: Catalog) -> None:
    for pid, brand, name, kind, watts, oz, speeds, rating, colors, blurb in BLENDERS:
        cat.family(
            id=pid,
            brand=brand,
            category=["Kitchen Appliances", "Blenders"],
            title=f"{brand} {name}",
            blurb=blurb,
            attrs={"type": kind, "wattage_w": str(watts), "capacity_oz": str(oz), "speeds": str(speeds)},
            bullets=blender_bullets,
            rating=rating,
            variants=colors,
        )


# (id, brand, name, type, cu_ft, watts, convection, sensor, rating, colors, blurb)
# fmt: off
MICROWAVES = [
    ("mw-kestrel-compact-0-7", "Kestrel Home", "Compact 0.7 cu ft Microwave", "countertop", 0.7, 700,
     False, False, 4.1, [("White", 79), ("Black", 79)],
     "A small countertop microwave for dorms, offices and reheating."),
    ("mw-kestrel-family-1-2", "Kestrel Home", "Family 1.2 cu ft Microwave", "countertop", 1.2, 1100,
     False, True, 4.3, [("Silver", 129), ("Black", 129)],
     "A mid-size countertop microwave with sensor reheat and popcorn settings."),
    ("mw-brightwell-inverter-1-6", "Brightwell", "Inverter 1.6 cu ft Microwave", "countertop", 1.6, 1250,
     False, True, 4.5, [("Silver", 189)],
     "Inverter power gives an even, gentle defrost instead of cooked edges and frozen centres."),
    ("mw-brightwell-convection-1-5", "Brightwell", "Convection & Air Fry 1.5 cu ft Microwave", "countertop",
     1.5, 1000, True, True, 4.4, [("Silver", 279)],
     "A three-in-one microwave, convection oven and air fryer for small kitchens."),
    ("mw-hearthline-otr-1-9", "Hearthline", "Over-the-Range 1.9 cu ft Microwave", "over-the-range", 1.9,
     1000, False, True, 4.2, [("Silver", 349), ("Black", 369)],
     "Mounts above the range with a 400 CFM vent fan and a cooktop light."),
    ("mw-hearthline-drawer-24", "Hearthline", "24-Inch Microwave Drawer", "drawer", 1.2, 950, False, True,
     4.6, [("Silver", 1199)],
     "A built-in drawer microwave that opens at the touch of a button, installed under the counter."),
]
# fmt: on


def microwave_bullets(a: Attrs) -> list[str]:
    return [
        f"{a['capacity_cu_ft']} cu ft capacity",
        f"{a['wattage_w']} W cooking power",
        f"Installation: {a['type']}",
        "Convection baking and air fry" if a["convection"] == "yes" else "No convection mode",
        "Sensor cooking" if a["sensor_cooking"] == "yes" else "Manual timer, no sensor cooking",
    ]


def add_microwaves(cat: Catalog) -> None:
    for pid, brand, name, kind, cu_ft, watts, conv, sensor, rating, colors, blurb in MICROWAVES:
        cat.family(
            id=pid,
            brand=brand,
            category=["Kitchen Appliances", "Microwaves"],
            title=f"{brand} {name}",
            blurb=blurb,
            attrs={
                "type": kind,
                "capacity_cu_ft": str(cu_ft),
                "wattage_w": str(watts),
                "convection": yn(conv),
                "sensor_cooking": yn(sensor),
            },
            bullets=microwave_bullets,
            rating=rating,
            variants=colors,
        )


# ---------------------------------------------------------------------------------------------
# Audio
# ---------------------------------------------------------------------------------------------

# (id, brand, name, form, anc, wireless, battery_h, open_back, weight_g, kids, rating, colors, blurb)
# fmt: off
HEADPHONES = [
    ("hp-halcyon-aura-anc-700", "Halcyon Audio", "Aura ANC 700 Wireless Noise Cancelling Headphones",
     "over-ear", True, True, 35, False, 254, False, 4.6, [("Black", 279), ("Silver", 279), ("Navy", 289)],
     "Flagship over-ear noise cancelling headphones tuned for long flights and open offices. They fold "
     "into the included hard case and connect to two devices at once."),
    ("hp-halcyon-aura-anc-500", "Halcyon Audio", "Aura ANC 500 Wireless Noise Cancelling Headphones",
     "over-ear", True, True, 30, False, 262, False, 4.4, [("Black", 179), ("White", 179)],
     "Most of the Aura 700's noise cancelling at a lower price, with a transparency mode for announcements."),
    ("hp-sonovel-drift-nc", "Sonovel", "Drift NC Noise Cancelling Headphones", "over-ear", True, True, 40,
     False, 240, False, 4.3, [("Black", 149), ("Green", 149), ("Beige", 149)],
     "Lightweight travel headphones whose ear cups fold flat; 40 hours of battery covers a long-haul "
     "round trip."),
    ("hp-sonovel-drift-lite", "Sonovel", "Drift Lite Wireless On-Ear Headphones", "on-ear", False, True, 50,
     False, 180, False, 4.1, [("Black", 59), ("Blue", 59), ("Pink", 59)],
     "Everyday wireless on-ear headphones with very long battery life and a built-in microphone for calls."),
    ("hp-sonovel-commute-anc", "Sonovel", "Commute ANC On-Ear Headphones", "on-ear", True, True, 28, False,
     195, False, 3.9, [("Black", 99)],
     "Compact on-ear noise cancelling headphones for the train and the bus."),
    ("hp-tideline-voyager-pro", "Tideline", "Voyager Pro Noise Cancelling Headphones", "over-ear", True, True,
     60, False, 280, False, 4.5, [("Black", 229), ("Gray", 229)],
     "Built for frequent flyers: 60 hours of battery, an airplane adapter and a wired mode for in-flight "
     "entertainment."),
    ("hp-tideline-studio-9-open", "Tideline", "Studio 9 Open-Back Headphones", "over-ear", False, False, 0,
     True, 290, False, 4.7, [("Black", 199)],
     "Open-back wired headphones with a wide, natural soundstage for critical listening at home. Open "
     "backs leak sound, so they suit quiet rooms rather than commutes."),
    ("hp-fathom-reference-ob2", "Fathom", "Reference OB-2 Open-Back Headphones", "over-ear", False, False, 0,
     True, 320, False, 4.8, [("Silver", 349)],
     "Reference-grade open-back headphones with velour pads and a detachable cable."),
    ("hp-fathom-monitor-c1", "Fathom", "Monitor C1 Closed-Back Studio Headphones", "over-ear", False, False,
     0, False, 270, False, 4.5, [("Black", 99)],
     "Closed-back wired studio monitors for recording and mixing; they isolate well without electronics."),
    ("hp-pipsqueak-kidsafe-wireless", "Pipsqueak", "KidSafe Wireless Kids Headphones", "on-ear", False, True,
     24, False, 150, True, 4.3, [("Blue", 39), ("Pink", 39), ("Green", 39)],
     "Wireless headphones for children with a volume limit, soft bendable headband and a shareable "
     "audio port."),
    ("hp-pipsqueak-kidsafe-wired", "Pipsqueak", "KidSafe Wired Kids Headphones", "on-ear", False, False, 0,
     False, 120, True, 4.0, [("Blue", 19), ("Purple", 19), ("Red", 19)],
     "Simple wired kids headphones with a volume limit; no charging needed."),
    ("hp-pipsqueak-kidsafe-nc", "Pipsqueak", "KidSafe NC Noise Cancelling Kids Headphones", "over-ear", True,
     True, 20, False, 190, True, 4.2, [("Blue", 69), ("Pink", 69)],
     "Noise cancelling headphones sized for kids, handy on planes and road trips, with a volume limit."),
]
# fmt: on


def headphone_bullets(a: Attrs) -> list[str]:
    out = [
        "Active noise cancelling" if a["noise_cancelling"] == "yes" else "No active noise cancelling",
        f"Wireless (Bluetooth), {a['battery_hours']} hours of battery"
        if a["wireless"] == "yes"
        else "Wired, no battery to charge",
        f"{cap(a['form_factor'])}, {'open-back' if a['open_back'] == 'yes' else 'closed-back'}",
        f"Weighs {a['weight_g']} g",
    ]
    if "volume_limit_db" in a:
        out.append(f"Volume limited to {a['volume_limit_db']} dB for young ears")
    return out


def add_headphones(cat: Catalog) -> None:
    for (
        pid,
        brand,
        name,
        form,
        anc,
        wireless,
        hours,
        open_back,
        grams,
        kids,
        rating,
        colors,
        blurb,
    ) in HEADPHONES:
        attrs = {
            "form_factor": form,
            "noise_cancelling": yn(anc),
            "wireless": yn(wireless),
            "open_back": yn(open_back),
            "weight_g": str(grams),
        }
        if wireless:
            attrs["battery_hours"] = str(hours)
        category = ["Audio", "Headphones"]
        if kids:
            attrs["volume_limit_db"] = "85"
            attrs["age_min_years"] = "3"
            category = ["Audio", "Headphones", "Kids Headphones"]
        cat.family(
            id=pid,
            brand=brand,
            category=category,
            title=f"{brand} {name}",
            blurb=blurb,
            attrs=attrs,
            bullets=headphone_bullets,
            rating=rating,
            variants=colors,
            popularity=(60, 5200),
        )


# (id, brand, name, anc, battery_h, case_h, water, rating, colors, blurb)
# fmt: off
EARBUDS = [
    ("eb-halcyon-aura-buds-anc", "Halcyon Audio", "Aura Buds ANC True Wireless Earbuds", True, 8, 24, "IPX4",
     4.5, [("Black", 199), ("White", 199)],
     "Small noise cancelling earbuds with four ear-tip sizes and a wireless-charging case."),
    ("eb-sonovel-pebble-nc", "Sonovel", "Pebble NC Noise Cancelling Earbuds", True, 7, 28, "IPX5", 4.2,
     [("Black", 99), ("White", 99), ("Blue", 99)],
     "Affordable noise cancelling earbuds with a pocketable pebble-shaped case."),
    ("eb-sonovel-pebble", "Sonovel", "Pebble True Wireless Earbuds", False, 6, 24, "IPX4", 3.9,
     [("Black", 39), ("White", 39), ("Blue", 39)],
     "Budget wireless earbuds for calls and podcasts, with touch controls."),
    ("eb-tideline-sprint-sport", "Tideline", "Sprint Sport Earbuds with Ear Hooks", False, 9, 27, "IPX7",
     4.4, [("Black", 79), ("Red", 79)],
     "Secure ear-hook earbuds for running and the gym that survive sweat and rain."),
    ("eb-tideline-voyager-buds", "Tideline", "Voyager Buds Noise Cancelling Earbuds", True, 10, 40, "IPX4",
     4.3, [("Black", 149), ("Navy", 149)],
     "Long-battery noise cancelling earbuds for travel, with a low-latency mode for video."),
    ("eb-pipsqueak-mini-buds", "Pipsqueak", "Mini Buds Kids Wireless Earbuds", False, 5, 15, "IPX4", 3.7,
     [("Blue", 29), ("Pink", 29)],
     "Small-fit earbuds for kids with an 85 dB volume limit."),
]
# fmt: on


def earbud_bullets(a: Attrs) -> list[str]:
    return [
        "Active noise cancelling" if a["noise_cancelling"] == "yes" else "No active noise cancelling",
        f"{a['battery_hours']} hours per charge, {a['case_battery_hours']} more hours from the case",
        f"{a['water_resistance']} water resistance",
        "True wireless in-ear design, Bluetooth",
        *([f"Volume limited to {a['volume_limit_db']} dB for young ears"] if "volume_limit_db" in a else []),
    ]


def add_earbuds(cat: Catalog) -> None:
    for pid, brand, name, anc, hours, case_h, water, rating, colors, blurb in EARBUDS:
        attrs = {
            "form_factor": "in-ear",
            "noise_cancelling": yn(anc),
            "wireless": "yes",
            "battery_hours": str(hours),
            "case_battery_hours": str(case_h),
            "water_resistance": water,
        }
        if brand == "Pipsqueak":
            attrs["volume_limit_db"] = "85"
        cat.family(
            id=pid,
            brand=brand,
            category=["Audio", "Earbuds"],
            title=f"{brand} {name}",
            blurb=blurb,
            attrs=attrs,
            bullets=earbud_bullets,
            rating=rating,
            variants=colors,
            popularity=(60, 5200),
        )


# (id, brand, name, type, battery_h or None, water or None, power_w, rating, colors, blurb)
# fmt: off
SPEAKERS = [
    ("sp-tideline-boom-go", "Tideline", "Boom Go Portable Bluetooth Speaker", "portable", 20, "IP67", 20, 4.5,
     [("Black", 99), ("Blue", 99), ("Red", 99)],
     "A rugged, waterproof speaker that floats, with enough volume for a picnic or a pool party."),
    ("sp-tideline-boom-mini", "Tideline", "Boom Mini Portable Bluetooth Speaker", "portable", 12, "IP67", 8,
     4.3, [("Black", 49), ("Teal", 49)],
     "A palm-sized waterproof speaker with a strap for backpacks and bike bars."),
    ("sp-sonovel-campfire", "Sonovel", "Campfire Speaker with Lantern", "portable", 24, "IP67", 30, 4.1,
     [("Green", 129), ("Black", 129)],
     "A camping speaker with a dimmable lantern on top and a USB port to charge a phone."),
    ("sp-sonovel-roomfill-smart", "Sonovel", "Roomfill Smart Wi-Fi Speaker", "smart", None, None, 40, 4.2,
     [("Black", 199), ("White", 199)],
     "A plug-in Wi-Fi and Bluetooth speaker that fills a living room and groups with other Roomfills."),
    ("sp-fathom-bookshelf-b5", "Fathom", "B5 Passive Bookshelf Speakers (Pair)", "bookshelf", None, None, 60,
     4.7, [("Black", 279), ("Brown", 299)],
     "A pair of two-way passive bookshelf speakers; they need an amplifier or receiver."),
    ("sp-halcyon-soundbar-3-1", "Halcyon Audio", "Soundbar 3.1 with Wireless Subwoofer", "soundbar", None,
     None, 300, 4.4, [("Black", 329)],
     "A TV soundbar with a dedicated centre channel for clear dialogue and a wireless subwoofer."),
]
# fmt: on


def speaker_bullets(a: Attrs) -> list[str]:
    out = [f"Type: {a['type']} speaker", f"{a['power_w']} W output"]
    if "battery_hours" in a:
        out.append(f"{a['battery_hours']} hours of battery")
    else:
        out.append("Mains powered, no battery")
    out.append(f"{a['water_resistance']} waterproof" if "water_resistance" in a else "Not waterproof")
    out.append("Bluetooth" if a["wireless"] == "yes" else "Wired connection to an amplifier")
    return out


def add_speakers(cat: Catalog) -> None:
    for pid, brand, name, kind, hours, water, watts, rating, colors, blurb in SPEAKERS:
        attrs = {"type": kind, "power_w": str(watts), "wireless": yn(kind != "bookshelf")}
        if hours:
            attrs["battery_hours"] = str(hours)
        if water:
            attrs["water_resistance"] = water
        cat.family(
            id=pid,
            brand=brand,
            category=["Audio", "Speakers"],
            title=f"{brand} {name}",
            blurb=blurb,
            attrs=attrs,
            bullets=speaker_bullets,
            rating=rating,
            variants=colors,
        )


# ---------------------------------------------------------------------------------------------
# Computers
# ---------------------------------------------------------------------------------------------

# (id, brand, name, screen_in, cores, ram, storage, gpu, weight_kg, battery_h, os, rating, colors, blurb)
# fmt: off
LAPTOPS = [
    ("lt-lumetric-air-13", "Lumetric", "Air 13 Laptop", 13.3, 8, 16, 512, "integrated", 1.1, 18, "Windows 11",
     4.5, [("Silver", 999), ("Blue", 999)],
     "A thin, fanless ultralight for writing, browsing and video calls, with an all-day battery."),
    ("lt-lumetric-air-15", "Lumetric", "Air 15 Laptop", 15.3, 10, 16, 1024, "integrated", 1.5, 16,
     "Windows 11", 4.4, [("Silver", 1299)],
     "The Air with a larger 15-inch screen and twice the storage."),
    ("lt-lumetric-student-14", "Lumetric", "Student 14 Chromebook", 14.0, 4, 8, 128, "integrated", 1.4, 12,
     "ChromeOS", 4.1, [("Gray", 329), ("Blue", 329)],
     "A durable, spill-resistant Chromebook for school, with a keyboard that survives backpacks."),
    ("lt-corvid-blade-16", "Corvid Systems", "Blade 16 Gaming Laptop", 16.0, 14, 32, 1024,
     "dedicated 8 GB", 2.4, 6, "Windows 11", 4.6, [("Black", 1899)],
     "A 16-inch gaming laptop with a 240 Hz display and a dedicated 8 GB graphics card."),
    ("lt-corvid-strike-15", "Corvid Systems", "Strike 15 Gaming Laptop", 15.6, 8, 16, 512, "dedicated 6 GB",
     2.2, 5, "Windows 11", 4.2, [("Black", 1099)],
     "An entry gaming laptop with a 144 Hz screen that plays current games at medium settings."),
    ("lt-corvid-creator-14", "Corvid Systems", "Creator 14 OLED Laptop", 14.0, 12, 32, 1024,
     "dedicated 6 GB", 1.6, 11, "Windows 11", 4.7, [("Silver", 1699)],
     "A compact OLED laptop for photo and video editing, with an SD card reader."),
    ("lt-altair-workmate-14", "Altair Computing", "Workmate 14 Business Laptop", 14.0, 10, 16, 512,
     "integrated", 1.3, 14, "Windows 11", 4.3, [("Black", 1149)],
     "A business laptop with a fingerprint reader, privacy shutter and a spill-resistant keyboard."),
    ("lt-altair-workmate-16", "Altair Computing", "Workmate 16 Business Laptop", 16.0, 12, 32, 1024,
     "integrated", 1.8, 13, "Windows 11", 4.2, [("Black", 1449)],
     "The Workmate with a 16-inch screen and a full numeric keypad."),
    ("lt-altair-open-13", "Altair Computing", "Open 13 Linux Laptop", 13.5, 8, 16, 512, "integrated", 1.2,
     12, "Linux", 4.4, [("Silver", 899)],
     "A repairable laptop that ships with Linux preinstalled and user-replaceable memory and storage."),
    ("lt-lumetric-flip-14", "Lumetric", "Flip 14 2-in-1 Laptop", 14.0, 8, 8, 256, "integrated", 1.5, 10,
     "Windows 11", 3.9, [("Silver", 649)],
     "A touchscreen 2-in-1 that folds into a tablet, with a pen included."),
]
# fmt: on


def laptop_bullets(a: Attrs) -> list[str]:
    gpu = "integrated graphics" if a["gpu"] == "integrated" else f"{a['gpu']} graphics card"
    return [
        f"{a['screen_in']}-inch display",
        f"{a['cpu_cores']}-core processor, {a['ram_gb']} GB RAM, {a['storage_gb']} GB SSD",
        cap(gpu),
        f"Weighs {a['weight_kg']} kg; up to {a['battery_hours']} hours of battery",
        f"{a['os']} preinstalled",
    ]


def add_laptops(cat: Catalog) -> None:
    for pid, brand, name, screen, cores, ram, ssd, gpu, kg, hours, os, rating, colors, blurb in LAPTOPS:
        attrs = {
            "screen_in": f"{screen:g}",
            "cpu_cores": str(cores),
            "ram_gb": str(ram),
            "storage_gb": str(ssd),
            "gpu": gpu,
            "weight_kg": str(kg),
            "battery_hours": str(hours),
            "os": os,
        }
        cat.family(
            id=pid,
            brand=brand,
            category=["Computers", "Laptops"],
            title=f"{brand} {name}",
            blurb=blurb,
            attrs=attrs,
            bullets=laptop_bullets,
            rating=rating,
            variants=colors,
        )


# (id, brand, name, screen_in, resolution, refresh_hz, panel, usb_c, height_adjustable, rating, price, blurb)
# fmt: off
MONITORS = [
    ("mn-lumetric-view-24", "Lumetric", "View 24 Monitor", 24, "1920x1080", 75, "IPS", False, False, 4.2, 139,
     "A simple 24-inch full-HD monitor for home offices."),
    ("mn-lumetric-view-27-qhd", "Lumetric", "View 27 QHD Monitor", 27, "2560x1440", 75, "IPS", True, True, 4.5,
     299, "A sharp 27-inch monitor with a single USB-C cable for video and laptop charging."),
    ("mn-lumetric-view-32-4k", "Lumetric", "View 32 4K Monitor", 32, "3840x2160", 60, "IPS", True, True, 4.6,
     499, "A large 4K monitor for spreadsheets side by side and photo work."),
    ("mn-corvid-arc-27-gaming", "Corvid Systems", "Arc 27 Gaming Monitor", 27, "2560x1440", 170, "IPS",
     False, True, 4.6, 329, "A fast 170 Hz QHD gaming monitor with adaptive sync."),
    ("mn-corvid-arc-34-ultrawide", "Corvid Systems", "Arc 34 Curved Ultrawide Monitor", 34, "3440x1440",
     144, "VA", True, True, 4.4, 549, "A curved ultrawide for immersive games and wide timelines."),
    ("mn-corvid-arc-27-oled", "Corvid Systems", "Arc 27 OLED Gaming Monitor", 27, "2560x1440", 240, "OLED",
     True, True, 4.8, 899, "An OLED gaming monitor with perfect blacks and a 240 Hz refresh rate."),
    ("mn-altair-duo-24", "Altair Computing", "Duo 24 USB-C Monitor", 24, "1920x1200", 60, "IPS", True, True,
     4.3, 249, "A taller 16:10 office monitor with a USB-C hub and a built-in webcam."),
    ("mn-altair-portable-16", "Altair Computing", "Portable 16 Travel Monitor", 16, "1920x1080", 60, "IPS",
     True, False, 4.0, 179, "A slim second screen for laptops that runs on a single USB-C cable."),
]
# fmt: on


def monitor_bullets(a: Attrs) -> list[str]:
    return [
        f"{a['screen_in']}-inch {a['panel']} panel",
        f"{a['resolution']} resolution at {a['refresh_hz']} Hz",
        "USB-C input with laptop charging"
        if a["usb_c"] == "yes"
        else "HDMI and DisplayPort inputs, no USB-C",
        "Height-adjustable stand" if a["height_adjustable"] == "yes" else "Tilt-only stand",
    ]


def add_monitors(cat: Catalog) -> None:
    for pid, brand, name, screen, res, hz, panel, usbc, adj, rating, price, blurb in MONITORS:
        attrs = {
            "screen_in": str(screen),
            "resolution": res,
            "refresh_hz": str(hz),
            "panel": panel,
            "usb_c": yn(usbc),
            "height_adjustable": yn(adj),
        }
        cat.family(
            id=pid,
            brand=brand,
            category=["Computers", "Monitors"],
            title=f"{brand} {name}",
            blurb=blurb,
            attrs=attrs,
            bullets=monitor_bullets,
            rating=rating,
            variants=[("Black", price)],
        )


# (id, brand, name, layout, switch, wireless, backlit, rating, colors, blurb)
# fmt: off
KEYBOARDS = [
    ("kb-keyforge-k75-wireless", "Keyforge", "K75 Wireless Mechanical Keyboard", "75%", "mechanical tactile",
     True, True, 4.6, [("Black", 129), ("White", 129), ("Gray", 129)],
     "A compact 75% mechanical keyboard with hot-swappable switches and a volume knob."),
    ("kb-keyforge-k100-full", "Keyforge", "K100 Full-Size Mechanical Keyboard", "full-size",
     "mechanical linear", False, True, 4.4, [("Black", 99), ("White", 99)],
     "A full-size wired mechanical keyboard with smooth linear switches and a number pad."),
    ("kb-keyforge-tkl-quiet", "Keyforge", "TKL Quiet Mechanical Keyboard", "tenkeyless",
     "mechanical silent", True, True, 4.3, [("Gray", 109), ("Pink", 109)],
     "A tenkeyless keyboard with dampened silent switches for shared offices."),
    ("kb-altair-slim-wireless", "Altair Computing", "Slim Wireless Keyboard", "full-size", "low-profile scissor",
     True, False, 4.2, [("Black", 49), ("White", 49)],
     "A thin, quiet office keyboard that pairs with three devices."),
    ("kb-lumetric-ergo-split", "Lumetric", "Ergo Split Keyboard", "split", "low-profile scissor", True, True,
     4.5, [("Black", 139)],
     "A split, tented ergonomic keyboard with a cushioned palm rest to reduce wrist strain."),
]
# fmt: on


def keyboard_bullets(a: Attrs) -> list[str]:
    return [
        f"{cap(a['layout'])} layout",
        f"{cap(a['switch_type'])} switches",
        "Wireless (Bluetooth and 2.4 GHz)" if a["wireless"] == "yes" else "Wired USB-C",
        "Backlit keys" if a["backlit"] == "yes" else "No backlight",
    ]


def add_keyboards(cat: Catalog) -> None:
    for pid, brand, name, layout, switch, wireless, backlit, rating, colors, blurb in KEYBOARDS:
        attrs = {"layout": layout, "switch_type": switch, "wireless": yn(wireless), "backlit": yn(backlit)}
        cat.family(
            id=pid,
            brand=brand,
            category=["Computers", "Keyboards"],
            title=f"{brand} {name}",
            blurb=blurb,
            attrs=attrs,
            bullets=keyboard_bullets,
            rating=rating,
            variants=colors,
        )


# (id, brand, name, wireless, dpi, weight_g, buttons, rating, colors, blurb)
# fmt: off
MICE = [
    ("ms-keyforge-featherlight", "Keyforge", "Featherlight Wireless Gaming Mouse", True, 26000, 58, 5, 4.7,
     [("Black", 89), ("White", 89)], "An ultralight wireless gaming mouse with a fast optical sensor."),
    ("ms-altair-office-silent", "Altair Computing", "Office Silent Wireless Mouse", True, 4000, 85, 3, 4.2,
     [("Black", 25), ("Gray", 25), ("Pink", 25)], "A quiet-click office mouse that runs a year on one battery."),
    ("ms-lumetric-vertical", "Lumetric", "Vertical Ergonomic Mouse", True, 4000, 125, 6, 4.4,
     [("Black", 59)], "A vertical mouse that keeps your hand in a handshake position."),
]
# fmt: on


def mouse_bullets(a: Attrs) -> list[str]:
    return [
        "Wireless" if a["wireless"] == "yes" else "Wired",
        f"Up to {a['dpi']} DPI sensor",
        f"Weighs {a['weight_g']} g",
        f"{a['buttons']} buttons",
    ]


def add_mice(cat: Catalog) -> None:
    for pid, brand, name, wireless, dpi, grams, buttons, rating, colors, blurb in MICE:
        attrs = {"wireless": yn(wireless), "dpi": str(dpi), "weight_g": str(grams), "buttons": str(buttons)}
        cat.family(
            id=pid,
            brand=brand,
            category=["Computers", "Mice"],
            title=f"{brand} {name}",
            blurb=blurb,
            attrs=attrs,
            bullets=mouse_bullets,
            rating=rating,
            variants=colors,
        )


# ---------------------------------------------------------------------------------------------
# Outdoor
# ---------------------------------------------------------------------------------------------

# (id, brand, name, capacity, season, weight_kg, waterproof_mm, freestanding, doors, rating, colors, blurb)
# fmt: off
TENTS = [
    ("tn-trailwright-solo-ul-1", "Trailwright", "Solo UL 1 Ultralight Tent", 1, "3-season", 0.9, 1500, False,
     1, 4.4, [("Green", 289)],
     "A trekking-pole tent for one that packs down to the size of a water bottle."),
    ("tn-trailwright-duo-ul-2", "Trailwright", "Duo UL 2 Ultralight Backpacking Tent", 2, "3-season", 1.2,
     2000, True, 2, 4.6, [("Green", 379), ("Orange", 379)],
     "A freestanding two-person backpacking tent with two doors so nobody climbs over anyone."),
    ("tn-trailwright-trio-ul-3", "Trailwright", "Trio UL 3 Ultralight Backpacking Tent", 3, "3-season", 1.6,
     2000, True, 2, 4.5, [("Green", 449)],
     "Room for three, or two and their gear, at backpacking weight."),
    ("tn-ridgeback-basecamp-2", "Ridgeback Outfitters", "Basecamp 2 Dome Tent", 2, "3-season", 2.4, 3000,
     True, 1, 4.3, [("Green", 179)],
     "A sturdy, waterproof dome tent for car camping and short hikes."),
    ("tn-ridgeback-basecamp-4", "Ridgeback Outfitters", "Basecamp 4 Dome Tent", 4, "3-season", 4.6, 3000,
     True, 2, 4.5, [("Green", 249), ("Blue", 249)],
     "A waterproof four-person dome with taped seams, a full rainfly and two vestibules for boots and packs."),
    ("tn-ridgeback-quickpitch-4", "Ridgeback Outfitters", "Quickpitch 4 Instant Tent", 4, "3-season", 6.0,
     1500, True, 1, 4.0, [("Gray", 159)],
     "Pre-attached poles pop the tent up in about a minute; best for fair-weather festivals and campsites."),
    ("tn-ridgeback-family-dome-6", "Ridgeback Outfitters", "Family Dome 6 Tent", 6, "3-season", 8.1, 2000,
     True, 2, 4.2, [("Blue", 329)],
     "A tall family tent with a room divider and space for two queen air mattresses."),
    ("tn-summit-pine-meadow-4", "Summit & Pine", "Meadow 4 Waterproof Tent", 4, "3-season", 5.2, 4000, True,
     2, 4.7, [("Green", 299), ("Orange", 299)],
     "A very weatherproof four-person tent with a 4000 mm rainfly and a bathtub floor for stormy weekends."),
    ("tn-summit-pine-stormhold-2", "Summit & Pine", "Stormhold 2 Four-Season Tent", 2, "4-season", 3.1, 5000,
     True, 2, 4.8, [("Yellow", 549)],
     "A four-season mountaineering tent that sheds snow load and high winds."),
    ("tn-summit-pine-stormhold-3", "Summit & Pine", "Stormhold 3 Four-Season Tent", 3, "4-season", 3.7, 5000,
     True, 2, 4.7, [("Yellow", 649)],
     "The three-person Stormhold for winter expeditions and base camps."),
    ("tn-northfold-cabin-8", "Northfold", "Cabin 8 Family Tent", 8, "3-season", 11.5, 2500, True, 2, 4.1,
     [("Beige", 449)],
     "A cabin-style tent with near-vertical walls, two rooms and standing headroom."),
]
# fmt: on


def tent_bullets(a: Attrs) -> list[str]:
    people = "person" if a["capacity"] == "1" else "people"
    return [
        f"Sleeps {a['capacity']} {people}",
        f"{cap(a['season'])} tent",
        f"{a['waterproof_rating_mm']} mm waterproof rating",
        f"Weighs {a['weight_kg']} kg",
        f"{'Freestanding' if a['freestanding'] == 'yes' else 'Not freestanding (pitches with trekking poles)'}, "
        f"{a['doors']} door{'s' if a['doors'] != '1' else ''}",
    ]


def add_tents(cat: Catalog) -> None:
    for pid, brand, name, cap, season, kg, mm, free, doors, rating, colors, blurb in TENTS:
        attrs = {
            "capacity": str(cap),
            "season": season,
            "weight_kg": str(kg),
            "waterproof_rating_mm": str(mm),
            "freestanding": yn(free),
            "doors": str(doors),
        }
        cat.family(
            id=pid,
            brand=brand,
            category=["Outdoor", "Camping", "Tents"],
            title=f"{brand} {name}",
            blurb=blurb,
            attrs=attrs,
            bullets=tent_bullets,
            rating=rating,
            variants=colors,
        )


# (id, brand, name, temp_f, fill, weight_kg, shape, rating, color, sizes, blurb)
# fmt: off
SLEEPING_BAGS = [
    ("sb-summit-pine-alpine-0", "Summit & Pine", "Alpine 0 Down Sleeping Bag", 0, "800-fill down", 1.6,
     "mummy", 4.8, "Red", [("Regular", 499), ("Long", 529)],
     "A winter down bag with a draft collar and a contoured hood for cold nights above the tree line."),
    ("sb-summit-pine-alpine-20", "Summit & Pine", "Alpine 20 Down Sleeping Bag", 20, "800-fill down", 0.95,
     "mummy", 4.7, "Blue", [("Regular", 399), ("Long", 429)],
     "A light three-season down bag that compresses small for backpacking."),
    ("sb-trailwright-featherlite-30", "Trailwright", "Featherlite 30 Down Quilt", 30, "850-fill down", 0.6,
     "quilt", 4.6, "Gray", [("Regular", 349)],
     "An ultralight quilt that pairs with your sleeping pad for summer and shoulder seasons."),
    ("sb-ridgeback-trailhead-20", "Ridgeback Outfitters", "Trailhead 20 Synthetic Sleeping Bag", 20,
     "synthetic", 1.5, "mummy", 4.3, "Green", [("Regular", 129), ("Long", 139)],
     "Synthetic insulation keeps insulating when damp; a good value bag for wet climates."),
    ("sb-ridgeback-trailhead-40", "Ridgeback Outfitters", "Trailhead 40 Synthetic Sleeping Bag", 40,
     "synthetic", 1.1, "rectangular", 4.1, "Green", [("Regular", 69)],
     "A roomy summer bag that unzips fully into a blanket."),
    ("sb-ridgeback-junior-40", "Ridgeback Outfitters", "Junior 40 Kids Sleeping Bag", 40, "synthetic", 0.9,
     "rectangular", 4.4, "Orange", [("Regular", 45)],
     "A kid-sized sleeping bag for sleepovers and summer camp, with a stuff sack."),
    ("sb-northfold-glacier-minus-20", "Northfold", "Glacier -20 Expedition Sleeping Bag", -20,
     "700-fill down", 2.3, "mummy", 4.7, "Yellow", [("Regular", 649)],
     "An expedition bag for polar and high-altitude nights."),
    ("sb-northfold-camp-double", "Northfold", "Camp Double Sleeping Bag", 35, "synthetic", 3.2, "rectangular",
     4.2, "Navy", [("Regular", 149)], "A two-person flannel-lined bag for car camping couples."),
]
# fmt: on


def sleeping_bag_bullets(a: Attrs) -> list[str]:
    return [
        f"Temperature rating {a['temp_rating_f']}°F",
        f"{cap(a['fill'])} insulation",
        f"Weighs {a['weight_kg']} kg",
        f"{cap(a['shape'])} shape, {a['size'].lower()} length",
    ]


def add_sleeping_bags(cat: Catalog) -> None:
    for pid, brand, name, temp, fill, kg, shape, rating, color, sizes, blurb in SLEEPING_BAGS:
        attrs = {"temp_rating_f": str(temp), "fill": fill, "weight_kg": str(kg), "shape": shape}
        cat.family(
            id=pid,
            brand=brand,
            category=["Outdoor", "Camping", "Sleeping Bags"],
            title=f"{brand} {name}",
            blurb=blurb,
            attrs=attrs,
            bullets=sleeping_bag_bullets,
            rating=rating,
            variants=sizes,
            kind="size",
            color=color,
        )


# (id, brand, name, litres, weight_kg, frame, rain_cover, rating, colors, blurb)
# fmt: off
BACKPACKS = [
    ("bp-trailwright-ascent-38", "Trailwright", "Ascent 38 Hiking Backpack", 38, 1.1, "internal", False, 4.5,
     [("Blue", 169), ("Gray", 169)],
     "A light overnight and hut-to-hut pack with an adjustable torso length."),
    ("bp-trailwright-ascent-55", "Trailwright", "Ascent 55 Backpacking Pack", 55, 1.6, "internal", True, 4.6,
     [("Blue", 229), ("Green", 229)],
     "A multi-day backpacking pack with a ventilated back panel and hip-belt pockets."),
    ("bp-trailwright-ultra-40", "Trailwright", "Ultra 40 Frameless Pack", 40, 0.6, "frameless", False, 4.3,
     [("Gray", 199)], "A minimalist frameless pack for ultralight thru-hikers."),
    ("bp-ridgeback-trek-65", "Ridgeback Outfitters", "Trek 65 Backpacking Pack", 65, 2.2, "internal", True,
     4.4, [("Green", 199), ("Black", 199)],
     "A load-hauling pack for week-long trips with a sleeping bag compartment."),
    ("bp-ridgeback-summit-30", "Ridgeback Outfitters", "Summit 30 Daypack", 30, 0.9, "internal", True, 4.2,
     [("Red", 99)], "A framed daypack for long summit days, with a rain cover in the base."),
    ("bp-summit-pine-ridge-48", "Summit & Pine", "Ridge 48 Backpack", 48, 1.4, "internal", False, 4.7,
     [("Red", 249), ("Black", 249)], "A tough, weatherproof alpine pack with ice-axe loops."),
    ("bp-northfold-day-22", "Northfold", "Day 22 Daypack", 22, 0.7, "frameless", False, 4.3,
     [("Black", 79), ("Teal", 79), ("Orange", 79)], "A comfortable everyday and day-hike pack with a laptop sleeve."),
]
# fmt: on


def backpack_bullets(a: Attrs) -> list[str]:
    frame = "Internal frame" if a["frame"] == "internal" else "Frameless"
    return [
        f"{a['capacity_l']} L capacity",
        f"Weighs {a['weight_kg']} kg",
        f"{frame}; hydration-reservoir compatible",
        "Rain cover included" if a["rain_cover"] == "yes" else "No rain cover included",
    ]


def add_backpacks(cat: Catalog) -> None:
    for pid, brand, name, litres, kg, frame, cover, rating, colors, blurb in BACKPACKS:
        attrs = {
            "capacity_l": str(litres),
            "weight_kg": str(kg),
            "frame": frame,
            "rain_cover": yn(cover),
            "hydration_compatible": "yes",
        }
        cat.family(
            id=pid,
            brand=brand,
            category=["Outdoor", "Hiking", "Backpacks"],
            title=f"{brand} {name}",
            blurb=blurb,
            attrs=attrs,
            bullets=backpack_bullets,
            rating=rating,
            variants=colors,
        )


# ---------------------------------------------------------------------------------------------
# Footwear
# ---------------------------------------------------------------------------------------------

# (id, brand, name, gender, support, drop_mm, cushioning, width, terrain, sizes, weight_g, rating, colors, blurb)
# fmt: off
RUNNING_SHOES = [
    ("rs-stridewell-anchor-9", "Stridewell", "Anchor 9 Men's Stability Running Shoe", "men's", "stability", 10,
     "moderate", "regular", "road", "7-14", 298, 4.6, [("Blue", 139), ("Black", 139), ("Gray", 139)],
     "A stability shoe with a firm medial post that guides overpronating strides; a favourite of runners "
     "with flat feet."),
    ("rs-stridewell-anchor-9-w", "Stridewell", "Anchor 9 Women's Stability Running Shoe", "women's",
     "stability", 10, "moderate", "regular", "road", "5-12", 255, 4.6,
     [("Blue", 139), ("Purple", 139), ("White", 139)],
     "The women's Anchor 9: medial support for overpronation and flat feet on a women's-specific last."),
    ("rs-stridewell-anchor-9-wide", "Stridewell", "Anchor 9 Wide Men's Stability Running Shoe", "men's",
     "stability", 10, "moderate", "wide", "road", "7-15", 305, 4.5, [("Black", 139), ("Blue", 139)],
     "The Anchor 9 on a wide (2E) last for runners who need stability and room in the forefoot."),
    ("rs-kinetra-steadfast-mc", "Kinetra", "Steadfast MC Motion Control Running Shoe", "men's",
     "motion control", 12, "max", "regular", "road", "7-15", 340, 4.4, [("Black", 159), ("Gray", 159)],
     "Kinetra's most supportive shoe, for severe overpronation and low arches, with a wide, stable base."),
    ("rs-kinetra-glide-4", "Kinetra", "Glide 4 Men's Neutral Running Shoe", "men's", "neutral", 8, "moderate",
     "regular", "road", "7-14", 270, 4.5, [("Blue", 119), ("Red", 119), ("Black", 119)],
     "A versatile neutral daily trainer with a smooth, bouncy ride."),
    ("rs-kinetra-glide-4-w", "Kinetra", "Glide 4 Women's Neutral Running Shoe", "women's", "neutral", 8,
     "moderate", "regular", "road", "5-11", 230, 4.5, [("Pink", 119), ("Blue", 119), ("White", 119)],
     "The women's Glide 4 neutral daily trainer."),
    ("rs-pacecraft-cloudrun-max", "Pacecraft", "Cloudrun Max Cushioned Running Shoe", "men's", "neutral", 6,
     "max", "regular", "road", "7-14", 285, 4.7, [("Black", 159), ("White", 159), ("Orange", 159)],
     "A maximum-cushion neutral shoe for long easy miles and recovery runs."),
    ("rs-pacecraft-tempo-carbon", "Pacecraft", "Tempo Carbon Racing Shoe", "unisex", "neutral", 8, "light",
     "regular", "road", "5-14", 205, 4.6, [("Yellow", 229), ("White", 229)],
     "A carbon-plated racer for 10K to marathon race day."),
    ("rs-pacecraft-everyday-stability-w", "Pacecraft", "Everyday Stability Women's Running Shoe", "women's",
     "stability", 8, "moderate", "regular", "road", "5-12", 245, 4.3,
     [("Gray", 109), ("Teal", 109), ("Blue", 109)],
     "An affordable stability trainer with a supportive heel counter for mild overpronation and flat feet."),
    ("rs-trailwright-scree", "Trailwright", "Scree Men's Trail Running Shoe", "men's", "neutral", 6,
     "moderate", "regular", "trail", "7-14", 310, 4.4, [("Green", 139), ("Gray", 139)],
     "A grippy trail shoe with 5 mm lugs and a rock plate for technical terrain."),
    ("rs-trailwright-scree-w", "Trailwright", "Scree Women's Trail Running Shoe", "women's", "neutral", 6,
     "moderate", "regular", "trail", "5-11", 265, 4.4, [("Purple", 139), ("Gray", 139)],
     "The women's Scree trail shoe with 5 mm lugs and a rock plate."),
    ("rs-stridewell-flow-zero", "Stridewell", "Flow Zero Drop Running Shoe", "unisex", "neutral", 0, "light",
     "wide", "road", "5-14", 240, 4.2, [("Black", 119), ("Beige", 119)],
     "A zero-drop shoe with a foot-shaped toe box for a natural stride."),
    ("rs-kinetra-kids-dash", "Kinetra", "Kids Dash Running Shoe", "kids'", "neutral", 8, "moderate", "regular",
     "road", "11K-6Y", 180, 4.3, [("Blue", 59), ("Pink", 59)],
     "A light, hook-and-loop kids' running shoe for school and sports days."),
]
# fmt: on


def shoe_bullets(a: Attrs) -> list[str]:
    return [
        f"{cap(a['support_type'])} support, {a['cushioning']} cushioning",
        f"{a['drop_mm']} mm heel-to-toe drop",
        f"{cap(a['width'])} width; US sizes {a['sizes_us']} ({a['gender']})",
        f"{cap(a['terrain'])} running; {a['weight_g']} g per shoe",
    ]


def add_running_shoes(cat: Catalog) -> None:
    for (
        pid,
        brand,
        name,
        gender,
        support,
        drop,
        cushion,
        width,
        terrain,
        sizes,
        grams,
        rating,
        colors,
        blurb,
    ) in RUNNING_SHOES:
        attrs = {
            "gender": gender,
            "support_type": support,
            "drop_mm": str(drop),
            "cushioning": cushion,
            "width": width,
            "terrain": terrain,
            "sizes_us": sizes,
            "weight_g": str(grams),
        }
        category = ["Footwear", "Running Shoes"] + (["Trail Running Shoes"] if terrain == "trail" else [])
        cat.family(
            id=pid,
            brand=brand,
            category=category,
            title=f"{brand} {name}",
            blurb=blurb,
            attrs=attrs,
            bullets=shoe_bullets,
            rating=rating,
            variants=colors,
            popularity=(50, 3800),
        )


# (id, brand, name, gender, weight_g, size_range, blurb, rating, colors)
# fmt: off
HIKING_BOOTS = [
    ("hb-trailwright-ridgeline-mid", "Trailwright", "Ridgeline Mid Waterproof Hiking Boot", "men's", 540,
     "7-14", "A waterproof mid-height hiking boot with a membrane liner and a grippy lugged sole.", 4.5,
     [("Brown", 169), ("Gray", 169)]),
    ("hb-trailwright-ridgeline-mid-w", "Trailwright", "Ridgeline Mid Women's Waterproof Hiking Boot",
     "women's", 460, "5-11", "The women's Ridgeline Mid: waterproof, supportive and ready out of the box.",
     4.5, [("Brown", 169), ("Green", 169)]),
    ("hb-summit-pine-crag-low", "Summit & Pine", "Crag Low Hiking Shoe", "unisex", 410, "5-14",
     "A low-cut, breathable hiking shoe for dry trails and travel.", 4.2, [("Gray", 119)]),
]
# fmt: on


def boot_bullets(a: Attrs) -> list[str]:
    return [
        "Waterproof membrane" if a["waterproof"] == "yes" else "Breathable mesh, not waterproof",
        f"{cap(a['cut'])} cut",
        f"{a['weight_g']} g per shoe",
        f"US sizes {a['sizes_us']} ({a['gender']})",
    ]


def add_hiking_boots(cat: Catalog) -> None:
    for pid, brand, name, gender, grams, sizes, blurb, rating, colors in HIKING_BOOTS:
        mid = "Mid" in name
        attrs = {
            "gender": gender,
            "weight_g": str(grams),
            "sizes_us": sizes,
            "waterproof": yn(mid),
            "cut": "mid" if mid else "low",
        }
        cat.family(
            id=pid,
            brand=brand,
            category=["Footwear", "Hiking Boots"],
            title=f"{brand} {name}",
            blurb=blurb,
            attrs=attrs,
            bullets=boot_bullets,
            rating=rating,
            variants=colors,
        )


# ---------------------------------------------------------------------------------------------
# Apparel
# ---------------------------------------------------------------------------------------------

# (id, brand, name, gender, waterproof_mm, breathability, layers, packable, pit_zips, weight_g, sizes,
#  rating, colors, blurb)
# fmt: off
RAIN_JACKETS = [
    ("rj-northfold-downpour-shell", "Northfold", "Downpour 2.5L Men's Rain Jacket", "men's", 20000, 20000,
     "2.5", True, True, 310, "S-XXL", 4.6, [("Black", 229), ("Blue", 229), ("Red", 229)],
     "A fully seam-taped hiking shell that packs into its own chest pocket."),
    ("rj-northfold-downpour-shell-w", "Northfold", "Downpour 2.5L Women's Rain Jacket", "women's", 20000,
     20000, "2.5", True, True, 280, "XS-XL", 4.6, [("Black", 229), ("Teal", 229), ("Purple", 229)],
     "The women's Downpour shell: fully seam-taped, with a helmet-compatible hood."),
    ("rj-driftwood-packaway", "Driftwood Supply", "Packaway Rain Jacket", "unisex", 10000, 8000, "2", True,
     False, 240, "XS-XXL", 4.1, [("Navy", 69), ("Yellow", 69), ("Green", 69)],
     "An easy, light rain jacket for city showers that stuffs into its pocket."),
    ("rj-summit-pine-tempest-3l", "Summit & Pine", "Tempest 3L Men's Storm Shell", "men's", 28000, 25000, "3",
     False, True, 420, "S-XXL", 4.8, [("Orange", 349), ("Black", 349)],
     "A three-layer storm shell for sustained mountain rain and wind."),
    ("rj-driftwood-city-trench-w", "Driftwood Supply", "City Women's Waterproof Trench", "women's", 10000,
     10000, "2", False, False, 620, "XS-XL", 4.3, [("Beige", 149), ("Navy", 149)],
     "A knee-length waterproof trench with a detachable hood that looks at home in the office."),
    ("rj-little-meadow-puddle-jumper", "Little Meadow", "Puddle Jumper Kids Rain Jacket", "kids'", 10000,
     5000, "2", False, False, 260, "2T-12", 4.5, [("Yellow", 39), ("Red", 39), ("Blue", 39)],
     "A fleece-lined kids' rain jacket with reflective trim and an easy zip pull."),
]
# fmt: on


def rain_jacket_bullets(a: Attrs) -> list[str]:
    return [
        f"{a['waterproof_rating_mm']} mm waterproof, {a['breathability_g_m2']} g/m² breathability",
        f"{a['layers']}-layer fabric, fully taped seams",
        ("Packs into its own pocket" if a["packable"] == "yes" else "Not packable")
        + ("; pit zips for venting" if a["pit_zips"] == "yes" else ""),
        f"Weighs {a['weight_g']} g; sizes {a['sizes']} ({a['gender']})",
    ]


def add_rain_jackets(cat: Catalog) -> None:
    for (
        pid,
        brand,
        name,
        gender,
        mm,
        breath,
        layers,
        pack,
        pits,
        grams,
        sizes,
        rating,
        colors,
        blurb,
    ) in RAIN_JACKETS:
        attrs = {
            "gender": gender,
            "waterproof_rating_mm": str(mm),
            "breathability_g_m2": str(breath),
            "layers": layers,
            "packable": yn(pack),
            "pit_zips": yn(pits),
            "weight_g": str(grams),
            "sizes": sizes,
        }
        cat.family(
            id=pid,
            brand=brand,
            category=["Apparel", "Outerwear", "Rain Jackets"],
            title=f"{brand} {name}",
            blurb=blurb,
            attrs=attrs,
            bullets=rain_jacket_bullets,
            rating=rating,
            variants=colors,
        )


# (id, brand, name, gender, gsm, zip, sizes, rating, colors, blurb)
# fmt: off
FLEECE = [
    ("fl-northfold-hearth-fleece", "Northfold", "Hearth Men's Full-Zip Fleece Jacket", "men's", 300, "full",
     "S-XXL", 4.5, [("Gray", 89), ("Navy", 89), ("Green", 89)],
     "A warm midweight fleece with zip hand pockets for camp evenings and cold commutes."),
    ("fl-northfold-hearth-fleece-w", "Northfold", "Hearth Women's Full-Zip Fleece Jacket", "women's", 300,
     "full", "XS-XL", 4.6, [("Gray", 89), ("Purple", 89), ("Beige", 89)],
     "The women's Hearth fleece with a slightly longer, tailored fit."),
    ("fl-driftwood-grid-quarter-zip", "Driftwood Supply", "Grid Quarter-Zip Fleece", "unisex", 150,
     "quarter", "XS-XXL", 4.3, [("Black", 59), ("Blue", 59), ("Orange", 59)],
     "A light grid fleece that breathes well as a running or hiking mid-layer."),
    ("fl-summit-pine-sherpa-pullover", "Summit & Pine", "Sherpa Pullover", "unisex", 280, "snap placket",
     "XS-XXL", 4.4, [("Beige", 99), ("Brown", 99)],
     "A cosy high-pile sherpa pullover with a kangaroo pocket."),
]
# fmt: on


def fleece_bullets(a: Attrs) -> list[str]:
    return [
        f"{a['fleece_weight_gsm']} g/m² fleece",
        f"{cap(a['zip'])} {'zip' if a['zip'] in ('full', 'quarter') else 'closure'}",
        f"Sizes {a['sizes']} ({a['gender']})",
        "Machine washable",
    ]


def add_fleece(cat: Catalog) -> None:
    for pid, brand, name, gender, gsm, zip_, sizes, rating, colors, blurb in FLEECE:
        attrs = {"gender": gender, "fleece_weight_gsm": str(gsm), "zip": zip_, "sizes": sizes}
        cat.family(
            id=pid,
            brand=brand,
            category=["Apparel", "Outerwear", "Fleece"],
            title=f"{brand} {name}",
            blurb=blurb,
            attrs=attrs,
            bullets=fleece_bullets,
            rating=rating,
            variants=colors,
        )


# ---------------------------------------------------------------------------------------------
# Home
# ---------------------------------------------------------------------------------------------

# (id, brand, name, type, runtime_min or None, suction_pa or None, mop, self_empty, hepa, rating, colors, blurb)
# fmt: off
VACUUMS = [
    ("vc-dustwise-orbit-r5", "Dustwise", "Orbit R5 Robot Vacuum", "robot", 120, 2500, False, False, False, 4.2,
     [("Black", 229)], "A slim robot vacuum that maps your home and fits under most sofas."),
    ("vc-dustwise-orbit-r7-mop", "Dustwise", "Orbit R7 Robot Vacuum and Mop", "robot", 150, 4000, True, False,
     False, 4.4, [("Black", 449), ("White", 449)],
     "Vacuums and mops in one pass and lifts the mop pad when it reaches a rug."),
    ("vc-dustwise-orbit-r9-station", "Dustwise", "Orbit R9 Robot Vacuum with Self-Empty Station",
     "robot", 180, 6000, True, True, True, 4.6, [("Black", 899), ("White", 899)],
     "A hands-off robot: the base empties the bin, and the robot avoids cables and pet bowls."),
    ("vc-kestrel-roam-lite", "Kestrel Home", "Roam Lite Robot Vacuum", "robot", 90, 1800, False, False, False,
     3.7, [("White", 149)], "An entry-level robot vacuum for small apartments with hard floors."),
    ("vc-dustwise-flex-s8", "Dustwise", "Flex S8 Cordless Stick Vacuum", "cordless stick", 60, None, False,
     False, True, 4.5, [("Silver", 349), ("Blue", 349)],
     "A powerful cordless stick with a pet-hair tool and a detachable handheld unit."),
    ("vc-dustwise-flex-s4", "Dustwise", "Flex S4 Cordless Stick Vacuum", "cordless stick", 40, None, False,
     False, False, 4.2, [("Silver", 199)], "A lighter, simpler cordless stick for quick daily cleanups."),
    ("vc-hearthline-powerplus-upright", "Hearthline", "PowerPlus Bagless Upright Vacuum", "upright", None,
     None, False, False, True, 4.3, [("Red", 179)],
     "A corded upright for carpets with a long hose and a pet-hair brush."),
    ("vc-hearthline-canister-c2", "Hearthline", "Canister C2 Vacuum", "canister", None, None, False, False,
     True, 4.1, [("Gray", 249)], "A quiet bagged canister vacuum for hard floors and stairs."),
    ("vc-kestrel-handy-mini", "Kestrel Home", "Handy Mini Handheld Vacuum", "handheld", 20, None, False, False,
     False, 4.0, [("White", 59)], "A small cordless handheld for crumbs, car seats and cat litter."),
    ("vc-kestrel-stick-3-in-1", "Kestrel Home", "3-in-1 Cordless Stick Vacuum", "cordless stick", 30, None,
     False, False, False, 3.8, [("Gray", 119), ("Green", 119)],
     "A budget cordless stick that converts to a handheld."),
]
# fmt: on


def vacuum_bullets(a: Attrs) -> list[str]:
    out = [f"Type: {a['type']} vacuum"]
    out.append(
        f"Up to {a['runtime_min']} minutes per charge" if "runtime_min" in a else "Corded, unlimited runtime"
    )
    if "suction_pa" in a:
        out.append(f"{a['suction_pa']} Pa suction")
    if a["type"] == "robot":
        out.append(
            ("Vacuums and mops" if a["mop"] == "yes" else "Vacuum only, no mop")
            + ("; self-emptying base" if a["self_emptying"] == "yes" else "")
        )
    if a["type"] != "robot":
        out.append("Bagless" if a["bagless"] == "yes" else "Uses disposable bags")
    out.append("HEPA filter" if a["hepa_filter"] == "yes" else "Standard washable filter")
    return out


def add_vacuums(cat: Catalog) -> None:
    for pid, brand, name, kind, runtime, pa, mop, empty, hepa, rating, colors, blurb in VACUUMS:
        attrs = {
            "type": kind,
            "mop": yn(mop),
            "self_emptying": yn(empty),
            "hepa_filter": yn(hepa),
            "bagless": yn(kind != "canister"),
            "cordless": yn(runtime is not None),
        }
        if runtime:
            attrs["runtime_min"] = str(runtime)
        if pa:
            attrs["suction_pa"] = str(pa)
        category = ["Home", "Vacuums"] + (["Robot Vacuums"] if kind == "robot" else [])
        cat.family(
            id=pid,
            brand=brand,
            category=category,
            title=f"{brand} {name}",
            blurb=blurb,
            attrs=attrs,
            bullets=vacuum_bullets,
            rating=rating,
            variants=colors,
        )


# (id, brand, name, room_sq_ft, cadr_cfm, noise_db_min, smart, filter_months, rating, colors, blurb)
# fmt: off
AIR_PURIFIERS = [
    ("ap-clearbreath-pure-200", "Clearbreath", "Pure 200 HEPA Air Purifier", 200, 130, 24, False, 6, 4.4,
     [("White", 99)], "A compact true-HEPA purifier for bedrooms and home offices, with a sleep mode."),
    ("ap-clearbreath-pure-400", "Clearbreath", "Pure 400 HEPA Air Purifier", 400, 260, 26, False, 6, 4.5,
     [("White", 179), ("Gray", 179)], "A living-room purifier with an air-quality light and auto mode."),
    ("ap-clearbreath-pure-800-smart", "Clearbreath", "Pure 800 Smart HEPA Air Purifier", 800, 520, 28, True,
     12, 4.6, [("White", 349)], "A large-room smart purifier with app control, schedules and a PM2.5 sensor."),
    ("ap-clearbreath-pure-1200", "Clearbreath", "Pure 1200 HEPA Air Purifier", 1200, 760, 32, True, 12, 4.5,
     [("White", 499)], "Whole-floor purification for open-plan spaces and wildfire smoke seasons."),
    ("ap-kestrel-desk-air", "Kestrel Home", "Desk Air Mini Purifier", 150, 80, 22, False, 4, 3.9,
     [("White", 59), ("Black", 59)], "A desktop purifier for a small room or a nursery."),
    ("ap-kestrel-room-air-350", "Kestrel Home", "Room Air 350 Purifier", 350, 220, 27, False, 6, 4.1,
     [("Gray", 129)], "A good-value bedroom and living-room purifier with a carbon pre-filter for odours."),
    ("ap-hearthline-aircare-600", "Hearthline", "AirCare 600 Smart Air Purifier", 600, 400, 25, True, 12, 4.3,
     [("White", 249), ("Black", 249)], "A smart purifier with washable pre-filter and voice-assistant control."),
]
# fmt: on


def purifier_bullets(a: Attrs) -> list[str]:
    return [
        f"Cleans rooms up to {a['room_size_sq_ft']} sq ft",
        f"CADR {a['cadr_cfm']} CFM; true HEPA filter",
        f"As quiet as {a['noise_level_db']} dB on the lowest setting",
        "App control and schedules" if a["smart"] == "yes" else "Button controls, no app",
        f"Replace the filter about every {a['filter_life_months']} months",
    ]


def add_air_purifiers(cat: Catalog) -> None:
    for pid, brand, name, room, cadr, db, smart, months, rating, colors, blurb in AIR_PURIFIERS:
        attrs = {
            "room_size_sq_ft": str(room),
            "cadr_cfm": str(cadr),
            "noise_level_db": str(db),
            "smart": yn(smart),
            "filter_life_months": str(months),
            "filter_type": "true HEPA",
        }
        cat.family(
            id=pid,
            brand=brand,
            category=["Home", "Air Purifiers"],
            title=f"{brand} {name}",
            blurb=blurb,
            attrs=attrs,
            bullets=purifier_bullets,
            rating=rating,
            variants=colors,
        )


MATTRESS_DIMENSIONS = {"Twin": "38 x 75", "Full": "54 x 75", "Queen": "60 x 80", "King": "76 x 80"}

# (id, brand, name, type, firmness, height_in, rating, sizes, blurb)
# fmt: off
MATTRESSES = [
    ("mt-slumberloft-cloud-memory-foam", "Slumberloft", "Cloud 10-Inch Memory Foam Mattress", "memory foam",
     "medium", 10, 4.4, [("Twin", 399), ("Full", 499), ("Queen", 599), ("King", 699)],
     "A pressure-relieving memory foam mattress that ships compressed in a box."),
    ("mt-slumberloft-hybrid-plus", "Slumberloft", "Hybrid Plus 12-Inch Mattress", "hybrid", "medium-firm", 12,
     4.6, [("Twin", 699), ("Full", 849), ("Queen", 999), ("King", 1199)],
     "Pocketed coils under foam comfort layers: supportive edges and a cooler sleep than all-foam."),
    ("mt-restwell-firm-support", "Restwell", "Firm Support 11-Inch Innerspring Mattress", "innerspring", "firm",
     11, 4.2, [("Twin", 449), ("Full", 549), ("Queen", 649), ("King", 799)],
     "A traditional firm innerspring for back and stomach sleepers."),
    ("mt-restwell-natural-latex", "Restwell", "Natural Latex 9-Inch Mattress", "latex", "medium", 9, 4.5,
     [("Queen", 1299), ("King", 1499)], "A responsive natural latex mattress with an organic cotton cover."),
]
# fmt: on


def mattress_bullets(a: Attrs) -> list[str]:
    return [
        f"{cap(a['type'])} mattress, {a['firmness']} feel",
        f"{a['height_in']} inches thick",
        f"{a['size']} size, {a['dimensions_in']} inches",
        f"{a['trial_nights']}-night home trial",
    ]


def add_mattresses(cat: Catalog) -> None:
    for pid, brand, name, kind, firm, height, rating, sizes, blurb in MATTRESSES:
        attrs = {"type": kind, "firmness": firm, "height_in": str(height), "trial_nights": "100"}
        variants = [(size, price, {"dimensions_in": MATTRESS_DIMENSIONS[size]}) for size, price in sizes]
        cat.family(
            id=pid,
            brand=brand,
            category=["Home", "Bedroom", "Mattresses"],
            title=f"{brand} {name}",
            blurb=blurb,
            attrs=attrs,
            bullets=mattress_bullets,
            rating=rating,
            variants=variants,
            kind="size",
            color="White",
        )


# ---------------------------------------------------------------------------------------------
# Furniture
# ---------------------------------------------------------------------------------------------

# (id, brand, name, material, lumbar, armrests, headrest, max_lb, rating, colors, blurb)
# fmt: off
OFFICE_CHAIRS = [
    ("oc-posturely-ergomesh-pro", "Posturely", "ErgoMesh Pro Ergonomic Office Chair", "mesh", "adjustable",
     "4D", True, 300, 4.7, [("Black", 549), ("Gray", 549)],
     "A fully adjustable mesh chair with a height-adjustable lumbar pad and a seat-depth slider."),
    ("oc-posturely-ergomesh", "Posturely", "ErgoMesh Ergonomic Office Chair", "mesh", "adjustable", "3D", False,
     275, 4.4, [("Black", 329), ("Gray", 329), ("Blue", 329)],
     "The ErgoMesh essentials without the headrest, at a friendlier price."),
    ("oc-posturely-big-tall", "Posturely", "Big & Tall Office Chair", "fabric", "adjustable", "4D", True, 400,
     4.5, [("Black", 449)], "A wider seat and a heavy-duty base rated for larger and taller people."),
    ("oc-oakhaven-executive", "Oakhaven", "Executive Leather Office Chair", "leather", "fixed", "fixed", True,
     275, 4.2, [("Black", 399), ("Brown", 419)], "A padded leather executive chair with a tilt lock."),
    ("oc-deskwright-task-basic", "Deskwright", "Task Basic Office Chair", "fabric", "fixed", "fixed", False,
     250, 3.9, [("Black", 129), ("Gray", 129), ("Blue", 129)],
     "A simple, compact task chair for a home desk."),
    ("oc-oakhaven-saddle-stool", "Oakhaven", "Saddle Stool", "leather", "none", "none", False, 250, 4.0,
     [("Black", 149)], "An ergonomic saddle stool for standing desks and studios."),
]
# fmt: on


def chair_bullets(a: Attrs) -> list[str]:
    lumbar = {
        "adjustable": "Adjustable lumbar support",
        "fixed": "Built-in (fixed) lumbar support",
        "none": "No lumbar support",
    }[a["lumbar_support"]]
    arms = "No armrests" if a["armrests"] == "none" else cap(f"{a['armrests']} armrests")
    return [
        f"{cap(a['seat_material'])} seat",
        lumbar,
        f"{arms}; {'headrest' if a['headrest'] == 'yes' else 'no headrest'}",
        f"Supports up to {a['max_weight_lb']} lb",
    ]


def add_office_chairs(cat: Catalog) -> None:
    for pid, brand, name, material, lumbar, arms, head, lb, rating, colors, blurb in OFFICE_CHAIRS:
        attrs = {
            "seat_material": material,
            "lumbar_support": lumbar,
            "armrests": arms,
            "headrest": yn(head),
            "max_weight_lb": str(lb),
        }
        cat.family(
            id=pid,
            brand=brand,
            category=["Furniture", "Office", "Office Chairs"],
            title=f"{brand} {name}",
            blurb=blurb,
            attrs=attrs,
            bullets=chair_bullets,
            rating=rating,
            variants=colors,
        )


# (id, brand, name, motors, height_range_in, max_lb, presets, rating, color, sizes [(label, price)], blurb)
# fmt: off
STANDING_DESKS = [
    ("sd-deskwright-rise-dual", "Deskwright", "Rise Dual-Motor Standing Desk", "dual", "25-50", 350, 4, 4.6,
     "Black", [("48 x 30 in", 449), ("60 x 30 in", 499), ("72 x 30 in", 579)],
     "A stable dual-motor electric desk with four memory presets and anti-collision stop."),
    ("sd-deskwright-rise-single", "Deskwright", "Rise Single-Motor Standing Desk", "single", "28-47", 180, 2,
     4.2, "White", [("48 x 24 in", 279), ("55 x 28 in", 299)],
     "An affordable electric standing desk for laptops and a single monitor."),
    ("sd-oakhaven-walnut", "Oakhaven", "Solid Walnut Standing Desk", "dual", "25-51", 300, 4, 4.8, "Brown",
     [("60 x 30 in", 899), ("72 x 30 in", 999)], "A solid walnut desktop on a quiet dual-motor frame."),
    ("sd-deskwright-converter", "Deskwright", "Desktop Standing Converter", "none", "6-17", 35, 0,
     4.0, "Black", [("36 x 22 in", 189)],
     "Turns an existing desk into a sit-stand workstation with no assembly."),
]
# fmt: on


def desk_bullets(a: Attrs) -> list[str]:
    lift = "Gas-spring lift, no motor" if a["motors"] == "none" else f"{cap(a['motors'])} motor"
    out = [
        f"Desktop {a['size']}",
        f"{lift}; height {a['height_range_in']} inches",
        f"Holds up to {a['max_load_lb']} lb",
    ]
    if a["memory_presets"] != "0":
        out.append(f"{a['memory_presets']} memory presets")
    return out


def add_standing_desks(cat: Catalog) -> None:
    for pid, brand, name, motors, height, lb, presets, rating, color, sizes, blurb in STANDING_DESKS:
        attrs = {
            "motors": motors,
            "height_range_in": height,
            "max_load_lb": str(lb),
            "memory_presets": str(presets),
        }
        variants = [(label, price, {"width_in": label.split(" x ")[0]}) for label, price in sizes]
        cat.family(
            id=pid,
            brand=brand,
            category=["Furniture", "Office", "Standing Desks"],
            title=f"{brand} {name}",
            blurb=blurb,
            attrs=attrs,
            bullets=desk_bullets,
            rating=rating,
            variants=variants,
            kind="size",
            color=color,
        )


# ---------------------------------------------------------------------------------------------
# Kids & Toys, Personal Care, Pet Supplies, Sports & Fitness: varied items, one bullet list each
# ---------------------------------------------------------------------------------------------

# (id, brand, leaf category, title, age_min, attrs, bullets, rating, colors, blurb)
# fmt: off
TOYS: list[tuple[Any, ...]] = [
    ("ty-brickbloom-lighthouse", "Brickbloom", "Building Sets", "Lighthouse Building Set", 8,
     {"pieces": "612", "batteries_required": "yes"}, ["612 pieces", "Working light-up lamp (2 AAA batteries, not included)"], 4.8,
     [("Multicolor", 59)], "Build a coastal lighthouse with a keeper's cottage and a rotating lamp."),
    ("ty-brickbloom-city-bus", "Brickbloom", "Building Sets", "City Bus Building Set", 6,
     {"pieces": "248"}, ["248 pieces", "Includes 3 figures"], 4.6, [("Multicolor", 29)],
     "A city bus with opening doors and a bus stop."),
    ("ty-brickbloom-starter-bucket", "Brickbloom", "Building Sets", "Starter Brick Bucket", 4,
     {"pieces": "500"}, ["500 pieces in 12 colors", "Storage bucket with lid"], 4.7, [("Multicolor", 34)],
     "An open-ended bucket of bricks for free building."),
    ("ty-brickbloom-robot-kit", "Brickbloom", "STEM Kits", "Codeable Robot Kit", 10,
     {"pieces": "380", "batteries_required": "yes"},
     ["380 pieces", "Programmable with a free tablet app", "Rechargeable hub included"], 4.5,
     [("Multicolor", 129)], "Build and program five different robots with drag-and-drop coding."),
    ("ty-little-meadow-wooden-blocks", "Little Meadow", "Baby & Toddler Toys", "Wooden Block Set", 1,
     {"pieces": "60", "material": "wood"}, ["60 solid wood blocks", "Water-based paints"], 4.8,
     [("Multicolor", 39)], "Smooth, chunky beech blocks in a canvas bag."),
    ("ty-little-meadow-stacking-rings", "Little Meadow", "Baby & Toddler Toys", "Stacking Rings", 1,
     {"pieces": "7", "material": "silicone"}, ["7 soft silicone rings", "Dishwasher safe"], 4.6,
     [("Green", 19), ("Pink", 19)], "Soft stacking rings that double as teethers."),
    ("ty-little-meadow-plush-fox", "Little Meadow", "Plush Toys", "Fox Plush, 12 Inch", 0,
     {"height_in": "12", "material": "polyester plush"}, ["12 inches tall", "Machine washable"], 4.7,
     [("Orange", 24)], "A very soft fox with embroidered eyes, safe from birth."),
    ("ty-little-meadow-puzzle-100", "Little Meadow", "Puzzles", "Ocean Friends 100-Piece Puzzle", 5,
     {"pieces": "100"}, ["100 pieces", "Finished size 19 x 14 inches"], 4.5, [("Multicolor", 14)],
     "A colourful sea-life jigsaw with a poster guide."),
    ("ty-little-meadow-puzzle-1000", "Little Meadow", "Puzzles", "Mountain Lake 1000-Piece Puzzle", 12,
     {"pieces": "1000"}, ["1000 pieces", "Finished size 27 x 20 inches"], 4.6, [("Multicolor", 22)],
     "A family jigsaw with a mountain lake at sunrise."),
    ("ty-zoomtastic-balance-bike", "Zoomtastic", "Ride-Ons", "Balance Bike", 2,
     {"wheel_size_in": "12", "max_weight_lb": "55"}, ["12-inch wheels", "Supports up to 55 lb",
                                                      "Adjustable seat and handlebars"], 4.7,
     [("Red", 79), ("Blue", 79), ("Green", 79)], "A lightweight balance bike that teaches steering before pedals."),
    ("ty-zoomtastic-scooter-3-wheel", "Zoomtastic", "Ride-Ons", "3-Wheel Kids Scooter", 3,
     {"max_weight_lb": "110", "light_up_wheels": "yes"}, ["Supports up to 110 lb", "Light-up wheels",
                                                          "Height-adjustable handlebar"], 4.5,
     [("Pink", 49), ("Blue", 49), ("Purple", 49)], "A lean-to-steer scooter with a wide deck for beginners."),
    ("ty-zoomtastic-rc-truck", "Zoomtastic", "Remote Control Toys", "Rock Crawler RC Truck", 8,
     {"batteries_required": "yes", "runtime_min": "25"}, ["25 minutes per charge",
                                                         "Rechargeable battery included"], 4.3,
     [("Orange", 59)], "An off-road RC truck that climbs over rocks and roots."),
    ("ty-zoomtastic-art-easel", "Zoomtastic", "Arts & Crafts", "Double-Sided Art Easel", 3,
     {"material": "wood"}, ["Chalkboard and whiteboard sides", "Paper roll holder"], 4.4,
     [("Natural", 69)], "A wooden easel with storage trays for chalk, markers and paint."),
    ("ty-brickbloom-marble-run", "Brickbloom", "STEM Kits", "Marble Run Builder", 6, {"pieces": "150"},
     ["150 pieces", "Includes 20 marbles"], 4.4, [("Multicolor", 44)],
     "Design tracks, funnels and spirals, then race the marbles."),
]
# fmt: on


def toy_bullets_for(extra: Sequence[str]) -> Callable[[Attrs], list[str]]:
    def build(a: Attrs) -> list[str]:
        age = "Suitable from birth" if a["age_min_years"] == "0" else f"Ages {a['age_min_years']} and up"
        return [age, *extra][:5]

    return build


def add_toys(cat: Catalog) -> None:
    for pid, brand, leaf, title, age, attrs, bullets, rating, colors, blurb in TOYS:
        cat.family(
            id=pid,
            brand=brand,
            category=["Kids & Toys", leaf],
            title=f"{brand} {title}",
            blurb=blurb,
            attrs={"age_min_years": str(age), **attrs},
            bullets=toy_bullets_for(bullets),
            rating=rating,
            variants=colors,
        )


# (id, brand, leaf, title, attrs, bullet templates, rating, variants, blurb). Bullets are format strings
# filled from the attributes, so they cannot disagree with them.
# fmt: off
PERSONAL_CARE: list[tuple[Any, ...]] = [
    ("pc-brightsmile-sonic-5", "Brightsmile", "Electric Toothbrushes", "Sonic 5 Electric Toothbrush",
     {"battery_days": "30", "modes": "5", "pressure_sensor": "yes", "travel_case": "yes"},
     ["{battery_days} days of battery per charge", "{modes} cleaning modes", "Pressure sensor",
      "Travel case included"], 4.6, [("White", 89), ("Black", 89), ("Pink", 89)],
     "A sonic toothbrush with a two-minute timer that warns you when you brush too hard."),
    ("pc-brightsmile-sonic-2", "Brightsmile", "Electric Toothbrushes", "Sonic 2 Electric Toothbrush",
     {"battery_days": "21", "modes": "2", "pressure_sensor": "no", "travel_case": "no"},
     ["{battery_days} days of battery per charge", "{modes} cleaning modes", "Two-minute timer"], 4.3,
     [("White", 39), ("Blue", 39)], "A simple rechargeable sonic toothbrush."),
    ("pc-brightsmile-kids-sonic", "Brightsmile", "Electric Toothbrushes", "Kids Sonic Toothbrush",
     {"battery_days": "14", "modes": "2", "age_min_years": "3"},
     ["Ages {age_min_years} and up", "{battery_days} days of battery per charge", "Extra-soft small head"], 4.4,
     [("Blue", 29), ("Pink", 29), ("Green", 29)], "A gentle, small-headed sonic brush with a musical timer."),
    ("pc-glowen-airflow-1800", "Glowen", "Hair Dryers", "Airflow 1800 Ionic Hair Dryer",
     {"wattage_w": "1800", "ionic": "yes", "heat_settings": "3", "attachments": "2"},
     ["{wattage_w} W", "Ionic, reduces frizz", "{heat_settings} heat settings with cool shot",
      "{attachments} attachments: concentrator and diffuser"], 4.5, [("Black", 59), ("Pink", 59)],
     "A fast, ionic dryer with a diffuser for curls."),
    ("pc-glowen-travel-mini", "Glowen", "Hair Dryers", "Travel Mini Hair Dryer",
     {"wattage_w": "1200", "ionic": "no", "heat_settings": "2", "dual_voltage": "yes"},
     ["{wattage_w} W", "Dual voltage for travel abroad", "Folding handle"], 4.0, [("White", 29)],
     "A folding travel dryer that switches between 120 V and 230 V."),
    ("pc-glowen-straightener-pro", "Glowen", "Hair Straighteners", "Ceramic Pro Hair Straightener",
     {"max_temp_f": "450", "plate_width_in": "1", "auto_off": "yes"},
     ["Heats up to {max_temp_f}°F", "{plate_width_in}-inch ceramic plates", "Auto shut-off"], 4.4,
     [("Black", 69)], "A ceramic flat iron with adjustable temperature for fine to thick hair."),
    ("pc-barbery-foil-f7", "Barbery", "Electric Shavers", "Foil F7 Wet & Dry Electric Shaver",
     {"type": "foil", "wet_dry": "yes", "runtime_min": "60"},
     ["Foil shaver", "Wet and dry use", "{runtime_min} minutes per charge"], 4.5, [("Silver", 149)],
     "A close foil shave with a pop-up trimmer, usable in the shower."),
    ("pc-barbery-rotary-r5", "Barbery", "Electric Shavers", "Rotary R5 Electric Shaver",
     {"type": "rotary", "wet_dry": "yes", "runtime_min": "50"},
     ["Rotary shaver", "Wet and dry use", "{runtime_min} minutes per charge"], 4.2, [("Black", 99)],
     "Flexing rotary heads follow the jawline and neck."),
    ("pc-barbery-beard-trimmer-t3", "Barbery", "Trimmers", "Beard Trimmer T3",
     {"length_settings": "20", "runtime_min": "90", "waterproof": "yes"},
     ["{length_settings} length settings", "{runtime_min} minutes per charge", "Waterproof, rinse clean"], 4.6,
     [("Black", 49), ("Silver", 49)], "A precise beard trimmer with a dial for length."),
    ("pc-glowen-facial-brush", "Glowen", "Skin Care Devices", "Silicone Facial Cleansing Brush",
     {"speeds": "8", "waterproof": "yes", "battery_days": "60"},
     ["{speeds} speeds", "Waterproof", "{battery_days} days per charge"], 4.1,
     [("Pink", 39), ("Teal", 39)], "A soft silicone face brush that is hygienic and easy to rinse."),
]
# fmt: on


def template_bullets(templates: Sequence[str]) -> Callable[[Attrs], list[str]]:
    def build(a: Attrs) -> list[str]:
        bullets = [t.format(**a) for t in templates][:5]
        return [b[0].upper() + b[1:] for b in bullets]

    return build


def add_personal_care(cat: Catalog) -> None:
    for pid, brand, leaf, title, attrs, templates, rating, colors, blurb in PERSONAL_CARE:
        cat.family(
            id=pid,
            brand=brand,
            category=["Personal Care", leaf],
            title=f"{brand} {title}",
            blurb=blurb,
            attrs=attrs,
            bullets=template_bullets(templates),
            rating=rating,
            variants=colors,
        )


# (id, brand, category path, title, attrs, bullet templates, rating, variants, kind, color, blurb)
# fmt: off
PET_SUPPLIES: list[tuple[Any, ...]] = [
    ("pt-pawsome-orthopedic-bed", "Pawsome Co.", ["Pet Supplies", "Dogs", "Dog Beds"],
     "Orthopedic Memory Foam Dog Bed", {"fill": "memory foam", "washable_cover": "yes"},
     ["{size} size, for dogs up to {pet_weight_max_lb} lb", "Memory foam base", "Removable, washable cover"],
     4.7, [("Small", 49, {"pet_weight_max_lb": "25"}), ("Medium", 69, {"pet_weight_max_lb": "50"}),
           ("Large", 89, {"pet_weight_max_lb": "90"}), ("X-Large", 119, {"pet_weight_max_lb": "130"})], "size", "Gray",
     "A supportive foam bed with bolsters, kind to older dogs' joints."),
    ("pt-pawsome-donut-bed", "Pawsome Co.", ["Pet Supplies", "Dogs", "Dog Beds"], "Calming Donut Dog Bed",
     {"fill": "polyester", "washable_cover": "yes"},
     ["{size} size, for pets up to {pet_weight_max_lb} lb", "Raised rim for head support", "Machine washable"],
     4.5, [("Small", 29, {"pet_weight_max_lb": "25"}), ("Medium", 39, {"pet_weight_max_lb": "50"}),
           ("Large", 55, {"pet_weight_max_lb": "90"})], "size", "Beige",
     "A plush round bed that dogs and cats curl into."),
    ("pt-trailhound-reflective-leash", "Trailhound", ["Pet Supplies", "Dogs", "Leashes & Harnesses"],
     "Reflective Dog Leash, 6 ft", {"length_ft": "6", "reflective": "yes"},
     ["{length_ft} ft long", "Reflective stitching", "Padded handle"], 4.6,
     [("Red", 19), ("Blue", 19), ("Black", 19), ("Green", 19)], "color", None,
     "A sturdy nylon leash with reflective stitching for night walks."),
    ("pt-trailhound-no-pull-harness", "Trailhound", ["Pet Supplies", "Dogs", "Leashes & Harnesses"],
     "No-Pull Dog Harness", {"front_clip": "yes", "reflective": "yes"},
     ["{size} size, fits chests of {chest_in} inches", "Front and back leash clips", "Reflective trim"], 4.4,
     [("Small", 29, {"chest_in": "16-22"}), ("Medium", 32, {"chest_in": "22-30"}),
      ("Large", 35, {"chest_in": "30-38"})],
     "size", "Blue", "A padded harness with a front clip that discourages pulling."),
    ("pt-trailhound-travel-water-bottle", "Trailhound", ["Pet Supplies", "Dogs", "Travel"],
     "Travel Water Bottle for Dogs", {"capacity_oz": "20"}, ["{capacity_oz} oz", "Flip-out drinking trough",
                                                             "Leak-proof lock"], 4.3,
     [("Blue", 17), ("Gray", 17)], "color", None, "A one-handed water bottle for hikes and walks."),
    ("pt-whiskerly-cat-tree-52", "Whiskerly", ["Pet Supplies", "Cats", "Cat Trees"], "52-Inch Cat Tree",
     {"height_in": "52", "levels": "4"}, ["{height_in} inches tall", "{levels} levels with a condo",
                                          "Sisal scratching posts"], 4.5, [("Gray", 89), ("Beige", 89)],
     "color", None, "A multi-level cat tree with a hammock and scratching posts."),
    ("pt-whiskerly-self-cleaning-litter-box", "Whiskerly", ["Pet Supplies", "Cats", "Litter Boxes"],
     "Self-Cleaning Litter Box", {"self_cleaning": "yes", "app_control": "yes"},
     ["Self-cleaning rake after each use", "App alerts when the drawer is full", "Sealed waste drawer"], 4.0,
     [("White", 299)], "color", None, "An automatic litter box for multi-cat homes."),
    ("pt-whiskerly-automatic-feeder", "Whiskerly", ["Pet Supplies", "Cats", "Feeders"],
     "Automatic Pet Feeder", {"capacity_cups": "16", "meals_per_day": "6", "app_control": "yes"},
     ["Holds {capacity_cups} cups of dry food", "Up to {meals_per_day} scheduled meals a day",
      "App control and battery backup"], 4.4, [("White", 79), ("Black", 79)], "color", None,
     "Feeds cats or small dogs on schedule while you are away."),
    ("pt-whiskerly-water-fountain", "Whiskerly", ["Pet Supplies", "Cats", "Feeders"], "Pet Water Fountain",
     {"capacity_l": "2", "filter": "yes"}, ["{capacity_l} L capacity", "Replaceable carbon filter",
                                             "Quiet pump"], 4.3, [("White", 35), ("Blue", 35)], "color", None,
     "Flowing, filtered water that encourages cats to drink."),
    ("pt-pawsome-chew-toy-set", "Pawsome Co.", ["Pet Supplies", "Dogs", "Dog Toys"], "Tough Chew Toy Set",
     {"pieces": "4", "material": "natural rubber"}, ["{pieces} toys", "Natural rubber", "For strong chewers"],
     4.2, [("Multicolor", 25)], "color", None, "Four durable chew toys, one of which holds treats."),
]
# fmt: on


def add_pet_supplies(cat: Catalog) -> None:
    for pid, brand, category, title, attrs, templates, rating, variants, kind, color, blurb in PET_SUPPLIES:
        cat.family(
            id=pid,
            brand=brand,
            category=category,
            title=f"{brand} {title}",
            blurb=blurb,
            attrs=attrs,
            bullets=template_bullets(templates),
            rating=rating,
            variants=variants,
            kind=kind,
            color=color,
        )


# fmt: off
SPORTS: list[tuple[Any, ...]] = [
    ("fit-flexora-grip-yoga-mat", "Flexora", ["Sports & Fitness", "Yoga"], "Grip Yoga Mat, 6 mm",
     {"thickness_mm": "6", "length_in": "72", "material": "TPE"},
     ["{thickness_mm} mm thick, {length_in} inches long", "Non-slip {material}", "Carry strap included"], 4.5,
     [("Purple", 39), ("Teal", 39), ("Black", 39), ("Pink", 39)], "color", None,
     "A cushioned, grippy mat for yoga and floor workouts."),
    ("fit-flexora-travel-yoga-mat", "Flexora", ["Sports & Fitness", "Yoga"], "Travel Yoga Mat, 1.5 mm",
     {"thickness_mm": "1.5", "length_in": "68", "material": "natural rubber"},
     ["{thickness_mm} mm thick, {length_in} inches long", "Folds to fit a suitcase", "Non-slip {material}"],
     4.2, [("Blue", 49), ("Gray", 49)], "color", None, "A foldable mat for hotel rooms and studios."),
    ("fit-flexora-cork-yoga-block", "Flexora", ["Sports & Fitness", "Yoga"], "Cork Yoga Block",
     {"material": "cork"}, ["Solid {material}", "9 x 6 x 4 inches", "Sold as a single block"], 4.6,
     [("Beige", 19)], "color", None, "A firm, sustainable cork block for support in poses."),
    ("fit-ironleaf-adjustable-dumbbells", "Ironleaf", ["Sports & Fitness", "Strength Training"],
     "Adjustable Dumbbells (Pair)", {"weight_min_lb": "5"},
     ["Adjusts from {weight_min_lb} to {weight_max_lb} lb per dumbbell", "Sold as a pair with trays",
      "Dial selector changes weight in seconds"], 4.6,
     [("5-52 lb", 349, {"weight_max_lb": "52"}), ("5-90 lb", 499, {"weight_max_lb": "90"})], "size", "Black",
     "Replaces a rack of dumbbells in the space of two."),
    ("fit-ironleaf-resistance-bands", "Ironleaf", ["Sports & Fitness", "Strength Training"],
     "Resistance Band Set", {"pieces": "5", "max_resistance_lb": "50"},
     ["{pieces} bands up to {max_resistance_lb} lb", "Door anchor and handles included", "Carry bag"], 4.3,
     [("Multicolor", 29)], "color", None, "Stackable bands for home and travel strength workouts."),
    ("fit-ironleaf-kettlebell", "Ironleaf", ["Sports & Fitness", "Strength Training"], "Cast Iron Kettlebell",
     {"material": "cast iron"}, ["{weight_lb} lb", "Solid {material}", "Wide, textured handle"], 4.7,
     [("15 lb", 39, {"weight_lb": "15"}), ("25 lb", 55, {"weight_lb": "25"}),
      ("35 lb", 69, {"weight_lb": "35"})], "size", "Black", "A single-piece cast iron kettlebell."),
    ("fit-flexora-foam-roller", "Flexora", ["Sports & Fitness", "Recovery"], "Textured Foam Roller, 18 Inch",
     {"length_in": "18", "density": "firm"}, ["{length_in} inches long", "{density} density",
                                              "Textured surface"], 4.4, [("Blue", 29), ("Black", 29)],
     "color", None, "A firm roller for calves, quads and upper back."),
    ("fit-ironleaf-jump-rope", "Ironleaf", ["Sports & Fitness", "Cardio"], "Speed Jump Rope",
     {"length_ft": "10", "adjustable": "yes"}, ["{length_ft} ft adjustable cable", "Ball-bearing handles",
                                                "Spare cable included"], 4.3, [("Black", 15), ("Red", 15)],
     "color", None, "A fast, tangle-free rope for double-unders and conditioning."),
]
# fmt: on


def add_sports(cat: Catalog) -> None:
    for pid, brand, category, title, attrs, templates, rating, variants, kind, color, blurb in SPORTS:
        cat.family(
            id=pid,
            brand=brand,
            category=category,
            title=f"{brand} {title}",
            blurb=blurb,
            attrs=attrs,
            bullets=template_bullets(templates),
            rating=rating,
            variants=variants,
            kind=kind,
            color=color,
        )


BUILDERS = [
    add_dishwashers,
    add_coffee_makers,
    add_blenders,
    add_microwaves,
    add_headphones,
    add_earbuds,
    add_speakers,
    add_laptops,
    add_monitors,
    add_keyboards,
    add_mice,
    add_tents,
    add_sleeping_bags,
    add_backpacks,
    add_running_shoes,
    add_hiking_boots,
    add_rain_jackets,
    add_fleece,
    add_vacuums,
    add_air_purifiers,
    add_mattresses,
    add_office_chairs,
    add_standing_desks,
    add_toys,
    add_personal_care,
    add_pet_supplies,
    add_sports,
]


def build() -> list[dict[str, Any]]:
    cat = Catalog()
    for builder in BUILDERS:
        builder(cat)
    ids = [p["id"] for p in cat.products]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise SystemExit(f"duplicate product ids: {duplicates}")
    unknown = sorted(OUT_OF_STOCK - set(ids))
    if unknown:
        raise SystemExit(f"OUT_OF_STOCK names unknown product ids: {unknown}")
    return cat.products


def render(products: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(p, ensure_ascii=False) + "\n" for p in products)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=OUTPUT)
    parser.add_argument("--check", action="store_true", help="fail if the file is not up to date")
    args = parser.parse_args(argv)
    text = render(build())
    if args.check:
        current = args.output.read_text(encoding="utf-8") if args.output.exists() else ""
        if current != text:
            print(f"{args.output} is out of date; run scripts/build_demo_catalog.py", file=sys.stderr)
            return 1
        print(f"{args.output} is up to date")
        return 0
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(text, encoding="utf-8")
    print(f"wrote {text.count(chr(10))} products to {args.output}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Each side of a comparison is a product named by words of its title or by its maker, whether or not
the last answer showed it (the late-by cases): the later side is said before the chatter that follows
it ("roam lite vs orbit r5 - which one handles pet hair better?", "brewhouse 10 vs the auto pour-over,
which makes better coffee?"), and a maker no product of the kinds in play has, naming one model
elsewhere in the catalog by a word that is no plain English ("lepotec vs rxwlkj"), is that model."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.turn import Assistant
from retrieval.catalog import Product
from tests.turn_support import products_in, small_assistant, turn

_CABINET = ["Tools & Home Improvement", "Lighting", "Wall Lights", "Under-Cabinet Lights"]
_EMERGENCY = ["Tools & Home Improvement", "Commercial Lighting", "Emergency Light Fixtures"]
_PAINT = ["Arts & Crafts", "Painting"]


def _lights() -> list[Product]:
    return [
        *products_in(
            _CABINET,
            [
                ("LEPOTEC", "Led Undercabinet Lighting for Kitchen, Motion Activated", 30.0),
                ("LDOPTO", "LDOPTO Under Cabinet Lights 3 Pack with Remote", 31.0),
                ("LANBOJINDI", "LANBOJINDI Battery Operated Under Cabinet Lights", 29.0),
            ],
            "uc",
        ),
        *products_in(_EMERGENCY, [("RXWLKJ", "Stick-on Anywhere Portable Little Light, 10-LED", 23.0)], "em"),
        *products_in(_PAINT, [("Artlane", "Different Strokes Acrylic Paint Set", 19.0)], "pa"),
    ]


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory, demo_products: list[Product]) -> Iterator[Assistant]:
    with small_assistant(tmp_path_factory.mktemp("compared-names") / "data", demo_products) as a:
        yield a


@pytest.fixture(scope="module")
def lights(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    with small_assistant(tmp_path_factory.mktemp("compared-makers") / "data", _lights()) as a:
        yield a


@pytest.mark.parametrize(
    ("first", "compare", "ids"),
    [
        (
            "a robot vacuum",
            "roam lite vs orbit r5 - which one handles pet hair better?",
            ["vc-kestrel-roam-lite", "vc-dustwise-orbit-r5"],
        ),
        (
            "drip coffee maker",
            "brewhouse 10 vs the auto pour-over, which makes better coffee?",
            ["cf-morrow-brewhouse-10", "cf-brightwell-auto-pour-over-8"],
        ),
    ],
)
def test_the_later_side_is_named_before_its_chatter(
    demo: Assistant, first: str, compare: str, ids: list[str]
) -> None:
    _, _, _, sid = turn(demo, first)
    shown, _, plan, _ = turn(demo, compare, sid)
    assert plan.intent == "compare"
    assert sorted(p.id for p in shown) == sorted(ids)


def test_a_maker_the_kinds_in_play_lack_names_its_one_model(lights: Assistant) -> None:
    _, _, _, sid = turn(lights, "under cabinet lights")
    shown, _, plan, _ = turn(lights, "lepotec vs rxwlkj, which is better?", sid)
    assert plan.intent == "compare"
    assert sorted(p.id for p in shown) == ["em0", "uc0"]


def test_plain_words_name_no_product_outside_the_kinds_in_play(lights: Assistant) -> None:
    _, _, _, sid = turn(lights, "under cabinet lights")
    shown, _, _, _ = turn(lights, "ldopto vs lanbojindi - whats actually different between them", sid)
    assert sorted(p.id for p in shown) == ["uc1", "uc2"]


def test_chatter_after_a_named_side_asks_nothing_new(demo: Assistant) -> None:
    # "bedroom" (a level of the catalog's tree) in what follows "X vs Y" is no new kind asked
    _, _, _, sid = turn(demo, "fathom headphones")
    shown, _, plan, _ = turn(
        demo, "the monitor c1 vs reference ob-2, which one would you get for a small bedroom studio", sid
    )
    assert plan.intent == "compare"
    assert sorted(p.id for p in shown) == ["hp-fathom-monitor-c1", "hp-fathom-reference-ob2"]

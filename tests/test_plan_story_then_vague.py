"""A story whose one sentence names the product, then a sentence naming none (the late-bj cases):
"my son struggles at bedtime, his OT thinks a weighted blanket would help. something meant for kids"
asks for what the story's later clause names. A lone singular word that only shares a grouped
category's noun ("Track & Active Jackets") names no kind ("i keep losing track of appointments"), and
a word the catalog shares, used as a verb or a body part, is no kind said in the story ("my dog
gulps his food and throws up", "my back is wrecked")."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from assistant.plan.planner import _kind_parts, product_phrase
from assistant.plan.vocab import matcher_for
from retrieval.products import Vocabulary
from retrieval.schema import CatalogSchema
from tests.plan_support import plan_after, small_store


@pytest.fixture(scope="module")
def store() -> tuple[Vocabulary, CatalogSchema, Callable[[str], list[tuple[str, int]]]]:
    """The ESCI feed's shape: grouped levels whose first word only shares the last part's noun, and
    words its levels use for kinds (throws, work) that shoppers use otherwise."""
    rows = [
        (["Clothing", "Active", "Track & Active Jackets"], "Full Zip Track Jacket"),
        (["Office Products", "Calendars", "Planners"], "Weekly Monthly Planner"),
        (["Pet Supplies", "Dogs", "Bowls & Dishes", "Slow Feeders"], "Dog Slow Feeder Bowl"),
        (["Home", "Bedding", "Blankets & Throws", "Weighted Blankets"], "Cooling Weighted Blanket"),
        (["Home", "Bedding", "Blankets & Throws", "Bed Blankets"], "Fleece Bed Blanket"),
        (["Home", "Wall Lights", "Night Lights"], "Plug-in LED Night Light"),
        (["Clothing", "Uniforms", "Wear to Work"], "Stretch Work Pants"),
    ]
    return small_store(rows)


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        (
            "my toddler is scared of the dark, her doctor said a night light might help. something dim",
            "night lights",
        ),
        (
            "my dog gulps his food and throws up, the vet recommended a slow feeder bowl. nothing too big",
            "slow feeders",
        ),
        (
            "i keep losing track of appointments, my therapist suggested a planner. something simple",
            "planners",
        ),
        (
            "i work from my couch and my back is wrecked, my sister swears by a planner. ideally something cheap",
            "planners",
        ),
        (
            "my mom is always cold at night, my sister thinks a weighted blanket would help her. "
            "something not too heavy",
            "weighted blankets",
        ),
    ],
)
def test_the_story_clause_naming_a_kind_is_the_ask(message: str, kind: str, store: tuple) -> None:
    vocab, schema, titles = store
    assert plan_after(message, vocab, schema, titles).filters.categories == [kind]


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        (
            "i wake up with a sore back every day, my doctor thinks a new mattress would help. something firm",
            "mattresses",
        ),
        (
            "i bike to work in all weather, my coworker swears by a rain jacket. preferably something light",
            "rain jackets",
        ),
    ],
)
def test_on_the_demo_catalog(
    message: str,
    kind: str,
    demo_vocabulary: Vocabulary,
    demo_schema: CatalogSchema,
    demo_titles: Callable,
) -> None:
    assert plan_after(message, demo_vocabulary, demo_schema, demo_titles).filters.categories == [kind]


def test_a_second_sentence_naming_a_kind_still_decides(demo_vocabulary: Vocabulary) -> None:
    # two sentences that each name a kind: the later question asks ("… a knife block set, then?")
    phrase = product_phrase(
        "my doctor thinks a standing desk would help. any office chairs?", matcher_for(demo_vocabulary)
    )
    assert "office chairs" in phrase


def test_a_grouped_level_lists_only_its_kinds() -> None:
    assert _kind_parts("Track & Active Jackets") == ["Active Jackets"]
    assert _kind_parts("Bathtub & Shower Trim Systems") == ["Shower Trim Systems"]
    assert _kind_parts("Cookies, Biscuits & Snacks") == ["Cookies", "Biscuits", "Snacks"]
    assert _kind_parts("Wall Lamps & Sconces") == ["Wall Lamps", "Sconces"]


def test_a_requirement_then_a_likening_is_no_new_kind() -> None:
    # "has to …" says what the lunch box must do; "like a car" likens the rig, it asks for no car
    rows = [
        (["Kitchen", "Travel & To-Go Food Containers", "Lunch Boxes"], "Electric Heated Lunch Box 12V 24V"),
        (["Toys", "Remote & App Controlled Vehicles", "Cars"], "High Speed RC Car"),
    ]
    vocab, schema, titles = small_store(rows)
    first = plan_after("an electric lunch box that heats food", vocab, schema, titles)
    assert first.filters.categories == ["lunch boxes"]
    plan = plan_after("has to work on 24 volt, my rig isnt 12V like a car", vocab, schema, titles, first)
    assert plan.filters.categories == ["lunch boxes"]
    assert "car" not in product_phrase("my rig isnt 12V like a car", matcher_for(vocab))


@pytest.mark.parametrize(
    ("message", "said", "not_said"),
    [
        ("has to run quiet, my old one roared like a blender", "run quiet", "blender"),
        ("i'd like a tent for two", "tent", None),
        ("anything like a pop up tent?", "tent", None),
    ],
)
def test_what_a_thing_is_likened_to_is_no_product(
    message: str, said: str, not_said: str | None, demo_vocabulary: Vocabulary
) -> None:
    phrase = product_phrase(message, matcher_for(demo_vocabulary))
    assert said in phrase
    assert not_said is None or not_said not in phrase


def test_a_word_qualifying_a_stand_in_says_which_of_the_kind_shown() -> None:
    # "wine" heads the titles of Wine Glasses; said of "ones" after wine colored pillow covers it
    # says which covers, as "red wine ones" after wine glasses says which glasses
    rows = [
        (["Home", "Decorative Pillows", "Throw Pillow Covers"], "Wine Red Velvet Throw Pillow Covers 18x18"),
        (["Home", "Decorative Pillows", "Throw Pillow Covers"], "Linen Throw Pillow Covers 18x18"),
        (["Kitchen", "Wine & Champagne Glasses", "Wine Glasses"], "Crystal Wine Glasses"),
        (["Kitchen", "Wine & Champagne Glasses", "Wine Glasses"], "Stemless Wine Glasses"),
    ]
    vocab, schema, titles = small_store(rows, per=12)
    assert [c for c, _ in titles("wine")][:1] == ["wine glasses"]
    first = plan_after("wine colored pillow covers for 18x18 pillows", vocab, schema, titles)
    assert first.filters.categories == ["throw pillow covers"]
    plan = plan_after("can you find wine ones that are under fifteen dollars?", vocab, schema, titles, first)
    assert plan.filters.categories == ["throw pillow covers"] and plan.filters.price_max == 15
    glasses = plan_after("show me wine glasses", vocab, schema, titles)
    assert plan_after("any red wine ones?", vocab, schema, titles, glasses).filters.categories == [
        "wine glasses"
    ]

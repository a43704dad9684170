"""A two-word kind whose head the catalog carries, read against its titles (the late-af cases): a
noun before the head names another kind ("life jackets" in a store whose jackets are clothing, "fish
food" where the foods are for cats and dogs) when no title says the two words in a row and no product
of the kind says the noun before its head; a material or use the kind's own titles say before it
("Merino Wool Hiking Socks", "Immersion Hand Blender") is no other kind, nor is who it is for. End to
end over a small catalog (hash embedder, fake LLM); the decline rests on the words here, so the
similarity a product needs to be kept anyway is set out of reach."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.schemas import QueryPlan
from assistant.turn import Assistant
from retrieval.filters import Filters
from tests.turn_support import products_in, small_assistant, turn

_PRODUCTS = [
    *products_in(
        ["Clothing", "Jackets"],
        [
            ("Amazon Essentials", "Women's Lightweight Packable Hooded Jacket", 39.0),
            ("Columbia", "Men's Watertight II Rain Jacket", 69.0),
        ],
        "jk",
    ),
    *products_in(
        ["Pet Supplies", "Food"],
        [
            ("Blue Buffalo", "Indoor Adult Dry Cat Food, Fish & Potato", 24.0),
            ("Purina", "Adult Dry Dog Food, Chicken & Rice", 31.0),
        ],
        "fd",
    ),
    *products_in(
        ["Clothing", "Socks"],
        [
            ("Trailfoot", "Merino Wool Hiking Socks, 3 Pairs", 22.0),
            ("Basics", "Cotton Crew Socks, 6 Pairs", 12.0),
        ],
        "sk",
    ),
    *products_in(
        ["Kitchen", "Blenders"],
        [
            ("Brightwell", "Immersion Hand Blender 500", 49.0),
            ("Brightwell", "Countertop Blender 1200", 129.0),
        ],
        "bl",
    ),
    *products_in(["Home", "Bedroom", "Air Purifiers"], [("Kestrel", "Room Air Purifier 350", 129.0)], "ap"),
    # "life" is a word titles use, just never before "jacket"
    *products_in(
        ["Electronics", "E-readers"], [("Amazon", "Kindle Paperwhite, Weeks of Battery Life", 139.0)], "er"
    ),
]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    with small_assistant(
        tmp_path_factory.mktemp("modifier-kind") / "data", _PRODUCTS, unseen_pair_similarity=0.99
    ) as a:
        yield a


@pytest.mark.parametrize(
    "message",
    [
        "do you carry life jackets? going kayaking saturday",
        "do yall have fish food too, just flakes for a betta",
    ],
)
def test_a_noun_no_title_says_before_the_head_names_another_kind(assistant: Assistant, message: str) -> None:
    shown, _, plan, _ = turn(assistant, message)
    assert plan.intent == "out_of_catalog"
    assert shown == []


@pytest.mark.parametrize(
    ("message", "first"),
    [
        # the kind's own titles say the noun before the head, apart from it
        ("wool socks for hiking", "sk0"),
        ("an immersion blender for soup", "bl0"),
        # the two words in a row
        ("do you sell dry cat food", "fd0"),
    ],
)
def test_a_noun_the_kinds_titles_say_before_the_head_is_no_other_kind(
    assistant: Assistant, message: str, first: str
) -> None:
    shown, _, plan, _ = turn(assistant, message)
    assert plan.intent != "out_of_catalog"
    assert first in {p.id for p in shown}


def test_who_a_kind_is_for_is_no_other_kind(assistant: Assistant) -> None:
    shown, _, plan, _ = turn(assistant, "a kids jacket for school")
    assert plan.intent != "out_of_catalog"
    assert shown and all(p.category[-1] == "Jackets" for p in shown)


def test_a_level_the_catalog_groups_kinds_under_is_no_other_kind(assistant: Assistant) -> None:
    # "bedroom" names Home > Bedroom: a place in the store, not a kind of air no title says (read
    # with no category, as the demo catalog's planner reads this ask)
    message = "do you have anything for the bedroom air? it feels stuffy"
    plan = QueryPlan(query="bedroom air stuffy")
    assert not assistant._modifier_names_other_kind("bedroom", "air", plan, (message,))
    # the same words where "fish" names no level: another kind
    assert assistant._modifier_names_other_kind("fish", "food", plan, ("do you have any fish food?",))


def test_a_noun_before_the_head_of_a_plain_search_is_not_judged(assistant: Assistant) -> None:
    # searched, not asked whether the store sells it: "a winter jacket" is as often a use of the
    # kind as another kind, which the words alone do not tell apart
    plan = QueryPlan(query="winter jacket", filters=Filters(categories=["jackets"]))
    assert not assistant._modifier_names_other_kind("winter", "jacket", plan, ("a winter jacket for school",))
    asked = "do you carry winter jackets?"
    assert assistant._modifier_names_other_kind("winter", "jackets", plan, (asked,))


def test_a_follow_up_naming_no_kind_is_not_declined(assistant: Assistant) -> None:
    # a price and a remark after an ask the planner filed under no category: no thing named,
    # nothing to say the store lacks
    message = "can we do under twenty dollars? we're broke lol"
    previous = QueryPlan(query="something warm feet hikes")
    plan = QueryPlan(
        query="something warm feet hikes we're broke lol", intent="refine", filters=Filters(price_max=20)
    )
    assert not assistant._outside_catalog(plan, previous, "", message, message)
    # a follow-up that asks whether the store sells a thing is still judged
    asked = "do you sell hammocks too?"
    plan = QueryPlan(query="something warm feet hikes hammocks", intent="refine")
    assert assistant._outside_catalog(plan, previous, "hammocks", asked, asked)

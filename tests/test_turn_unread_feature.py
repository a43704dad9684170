"""A follow-up the planner reads nothing in asks for the feature its words name in the titles of the
products it is about (``assistant.plan.unread`` and ``Assistant._unread_feature``); a text filter
puts the products whose titles state it ahead of those whose bullet points only mention it
(``retrieval.search._title_first``)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.plan.unread import unread_feature
from assistant.plan.vocab import matcher_for
from assistant.schemas import Filters
from assistant.turn import Assistant
from retrieval.catalog import Product
from retrieval.search import SearchRequest
from tests.turn_support import products_in, small_assistant, turn

_GLASSES = ["Home & Kitchen", "Kitchen & Dining", "Glassware", "Wine Glasses"]
_CLOCKS = ["Home & Kitchen", "Home Decor", "Clocks", "Alarm Clocks"]
_FANS = ["Tools & Home Improvement", "Lighting & Ceiling Fans", "Ceiling Fans"]
_BEDS = ["Home & Kitchen", "Furniture", "Bedroom Furniture", "Beds"]


def _products() -> list[Product]:
    glasses = products_in(
        _GLASSES,
        [
            ("Riedel", "Riedel Stemless Wine Glass, Set of 2", 29.0),
            ("Libbey", "Libbey Stemless Wine Glasses, Set of 4", 19.0),
            ("Schott", "Schott Zwiesel Stemless Tumbler Glasses", 35.0),
            ("Riedel", "Riedel Vinum Cabernet Wine Glass, Set of 2", 59.0),
            ("Libbey", "Libbey Signature Kentfield Wine Glasses", 24.0),
            ("Luigi", "Luigi Bormioli Crescendo Red Wine Glasses", 32.0),
            ("Bormioli", "Top Rated Crystal Wine Glasses", 40.0),
            ("Zalto", "Zalto Denk'Art Wine Glass, Top Rated", 60.0),
        ],
        "wg",
    )
    clocks = products_in(
        _CLOCKS,
        [
            ("Peakeep", "Peakeep Silent Analog Alarm Clock, Non Ticking", 14.0),
            ("Lumme", "Lumme Silent Bedside Alarm Clock", 18.0),
            ("Sharp", "Sharp Digital Alarm Clock with Snooze", 12.0),
            ("Westclox", "Westclox Classic Twin Bell Alarm Clock", 16.0),
        ],
        "ac",
    )
    # a clock whose bullet points say it, not its title
    clocks.append(
        Product(
            id="ac-bullet",
            title="Travelmate Compact Alarm Clock",
            brand="Travelmate",
            price=11.0,
            rating=4.9,
            category=_CLOCKS,
            bullet_points=["Silent sweep movement", "Folds flat"],
        )
    )
    fans = products_in(
        _FANS,
        [
            ("Hunter", "Hunter Dempsey Ceiling Fan with Remote", 189.0),
            ("Minka", "Minka Aire Ceiling Fan, Remote Included", 249.0),
            ("Harbor", "Harbor Breeze Ceiling Fan, Pull Chain", 89.0),
            ("Westinghouse", "Westinghouse Comet Ceiling Fan", 69.0),
        ],
        "fan",
    )
    beds = products_in(
        _BEDS, [("Zinus", "Zinus Platform Bed", 199.0), ("DHP", "DHP Metal Bed", 149.0)], "bed"
    )
    return [*glasses, *clocks, *fans, *beds]


@pytest.fixture(scope="module")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Assistant]:
    with small_assistant(tmp_path_factory.mktemp("unread") / "data", _products(), recommendations=3) as a:
        yield a


def _asked(assistant: Assistant, category: str):  # type: ignore[no-untyped-def]
    return assistant.searcher.snapshot().mask(Filters(categories=[category]))


def test_the_phrase_some_titles_of_the_kind_say_is_the_feature(assistant: Assistant) -> None:
    snap = assistant.searcher.snapshot()
    matcher = matcher_for(assistant.vocabulary)
    asked = _asked(assistant, "wine glasses")
    said = "stemless would be better, she knocks everything over"
    assert unread_feature(said, matcher, snap, asked) == "stemless"


def test_a_word_every_product_asked_about_says_is_no_feature(assistant: Assistant) -> None:
    snap = assistant.searcher.snapshot()
    matcher = matcher_for(assistant.vocabulary)
    # among the stemless glasses, every title says it: it picks none of them
    stemless = snap.mask(Filters(categories=["wine glasses"], text_words=["stemless"]))
    assert int(stemless.sum()) == 3
    assert unread_feature("stemless would be better", matcher, snap, stemless) is None


def test_a_word_ruled_out_is_no_feature(assistant: Assistant) -> None:
    snap = assistant.searcher.snapshot()
    matcher = matcher_for(assistant.vocabulary)
    asked = _asked(assistant, "wine glasses")
    assert unread_feature("not stemless, she likes them tall", matcher, snap, asked) is None


def test_a_question_about_the_listing_names_no_feature(assistant: Assistant) -> None:
    snap = assistant.searcher.snapshot()
    matcher = matcher_for(assistant.vocabulary)
    # two titles say "Top Rated": asking how one is rated asks for neither
    assert unread_feature("hows it rated", matcher, snap, _asked(assistant, "wine glasses")) is None


def test_a_follow_up_read_as_nothing_else_asks_for_it_end_to_end(assistant: Assistant) -> None:
    _, _, first, session = turn(assistant, "wine glasses for my sister")
    assert first.filters.categories == ["wine glasses"]
    shown, _, plan, _ = turn(assistant, "stemless would be better, she knocks everything over", session)
    assert plan.filters.text_words == ["stemless"]
    assert shown and {p.id for p in shown} == {"wg0", "wg1", "wg2"}


def test_a_follow_up_that_reads_as_something_is_left_as_read(assistant: Assistant) -> None:
    _, _, _, session = turn(assistant, "wine glasses for my sister")
    _, _, plan, _ = turn(assistant, "under $30 please, stemless glasses break less", session)
    assert plan.filters.price_max == 30.0
    # the kind named with what qualifies it ("stemless glasses") asks its titles for that word
    # (``text_words.kind_modifiers``); the unread-feature stage adds nothing to a follow-up it read
    assert plan.filters.text_words == ["stemless"]
    _, _, _, session = turn(assistant, "wine glasses for my sister")
    _, _, plan, _ = turn(assistant, "under $30 please, she breaks everything", session)
    assert plan.filters.price_max == 30.0
    assert plan.filters.text_words == []


def test_titles_that_state_the_word_come_before_bullets_that_mention_it(assistant: Assistant) -> None:
    request = SearchRequest(
        query="alarm clock", filters=Filters(categories=["alarm clocks"], text_words=["silent"]), k=5
    )
    ids = [c.product_id for c in assistant.searcher.search(request).candidates]
    assert set(ids) == {"ac0", "ac1", "ac-bullet"}  # the filter holds all three
    assert ids[-1] == "ac-bullet"  # (though it is the best rated)


def test_a_bare_noun_after_a_preposition_is_a_place_not_a_kind(assistant: Assistant) -> None:
    _, _, first, session = turn(assistant, "need a ceiling fan for the bedroom")
    assert first.filters.categories == ["ceiling fans"]
    # "from bed": where the shopper is, not a bed asked for
    shown, _, plan, _ = turn(assistant, "i want to switch it from bed, remote please", session)
    assert plan.filters.categories == ["ceiling fans"]
    assert plan.filters.text_words == ["remote"]
    assert shown and {p.id for p in shown} == {"fan0", "fan1"}

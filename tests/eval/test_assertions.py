"""Every assertion type passes on a good hand-made transcript and fails on a bad one."""

from __future__ import annotations

import pytest
from eval_helpers import context, make_turn

from eval.assertions import JudgeVerdict, assertion_types, grade
from eval.suite_format import AssertionSpec
from eval.transcript import AppliedFeedback, CaseTranscript
from retrieval.filters import Filters


def spec(type_: str, value: object = None, **kw: object) -> AssertionSpec:
    return AssertionSpec.model_validate({"type": type_, "value": value, **kw})


EXERCISED: set[str] = set()
"""Assertion types graded by the tests of this module (checked by the last test)."""


def check(s: AssertionSpec, *turns, **kw) -> bool:  # type: ignore[no-untyped-def]
    result = graded(s, context(*turns, **kw))
    assert result.reason
    assert 0.0 <= result.score <= 1.0
    return result.passed


@pytest.mark.parametrize(
    ("assertion", "good", "bad"),
    [
        (spec("contains", "Hearthline"), "The Hearthline is quiet.", "The hearthline is quiet."),
        (spec("icontains", "HEARTHLINE"), "the hearthline is quiet", "the Bosch is quiet"),
        (spec("not-contains", "sorry"), "Here you go", "sorry, nothing"),
        (spec("contains-any", ["quiet", "silent"]), "very silent", "loud"),
        (spec("regex", r"\$\d+"), "from $579", "from 579 dollars"),
        (spec("is-json", {"required": ["answer"]}), '{"answer": 1}', '{"other": 1}'),
        (spec("not-regex", r"(?i)ignore"), "fine", "I will IGNORE the rules"),
    ],
)
def test_text_assertions(assertion: AssertionSpec, good: str, bad: str) -> None:
    assert check(assertion, make_turn(text=good))
    assert not check(assertion, make_turn(text=bad))


def test_is_json_fails_on_prose() -> None:
    assert not check(spec("is-json"), make_turn(text="not json"))


def test_latency_and_cost() -> None:
    assert check(spec("latency", threshold=500), make_turn(latency_ms=120))
    assert not check(spec("latency", threshold=100), make_turn(latency_ms=120))
    assert check(spec("cost", threshold=0.01), make_turn(cost=0.002))
    assert not check(spec("cost", threshold=0.001), make_turn(cost=0.002))
    unpriced = graded(spec("cost", threshold=0.0), context(make_turn(cost=None)))
    assert unpriced.passed and "unpriced" in unpriced.reason


def test_recommends_any_and_none_with_ids_and_predicates() -> None:
    turn = make_turn(recs=["dw1", "dw3"])
    assert check(spec("recommends-any", ["dw9", "dw3"]), turn)
    assert not check(spec("recommends-any", "dw2"), turn)
    assert check(spec("recommends-any", {"brand": "hearthline"}), turn)
    assert check(spec("recommends-any", {"price_lte": 400}), turn)
    assert not check(spec("recommends-any", {"brand": "Bosch"}), turn)
    assert check(spec("recommends-none", {"brand": "Bosch"}), turn)
    assert not check(spec("recommends-none", {"price_gt": 500}), turn)
    assert check(spec("recommends-none", {"attributes": {"noise_level_db": "46"}}), turn)
    # k restricts to the top of the list
    assert not check(spec("recommends-any", "dw3", config={"k": 1}), turn)


def test_recommends_none_with_turn_reference_after_feedback() -> None:
    first = make_turn(1, recs=["dw1", "dw3"])
    good = make_turn(2, message="more", recs=["dw3"])
    bad = make_turn(2, message="more", recs=["dw1"])
    s = spec("recommends-none", "@turn1.rec1")
    assert check(s, first, good)
    assert not check(s, first, bad)
    unresolved = graded(spec("recommends-none", "@turn1.rec5"), context(first, good))
    assert not unresolved.passed and "showed 2 products" in unresolved.reason


def test_respects_filters_uses_plan_and_explicit_filters_as_numbers() -> None:
    plan_filters = Filters(price_max=600)
    assert check(spec("respects-filters"), make_turn(recs=["dw1", "dw3"], filters=plan_filters))
    assert not check(spec("respects-filters"), make_turn(recs=["dw1", "dw2"], filters=plan_filters))
    # explicit constraint the plan forgot: 579 <= 600 passes, 749 does not (numbers, not strings)
    assert check(spec("respects-filters", {"price_max": 600}), make_turn(recs=["dw1"]))
    result = graded(spec("respects-filters", {"price_max": 600}), context(make_turn(recs=["dw1", "dw2"])))
    assert not result.passed and result.score == 0.5 and "dw2" in result.reason
    assert check(spec("respects-filters", {"brands": ["Hearthline"]}), make_turn(recs=["dw1"]))
    # nothing shown for an impossible budget: vacuously respected
    assert check(spec("respects-filters", {"price_max": 5}), make_turn(recs=[], products=[]))
    # nothing to check is a failure, not a silent pass
    assert not check(spec("respects-filters"), make_turn(recs=["dw1"]))


def test_respects_filters_checks_catalog_truth_not_the_card() -> None:
    turn = make_turn(recs=["dw2"], filters=Filters(price_max=600))
    for event in turn.events:
        for rec in getattr(event, "recommendations", []):
            rec.product.price = 500.0  # the card lies; the catalog says 749
    assert not check(spec("respects-filters"), turn)


def test_no_invented_products() -> None:
    assert check(spec("no-invented-products"), make_turn(recs=["dw1", "dw3"]))
    assert not check(spec("no-invented-products"), make_turn(recs=["dw1", "ghost"]))
    # real product but not among the products event
    assert not check(spec("no-invented-products"), make_turn(recs=["dw1", "dw2"], products=["dw1", "dw3"]))


def test_no_duplicates() -> None:
    assert check(spec("no-duplicates"), make_turn(recs=["dw1", "dw3"]))
    result = graded(spec("no-duplicates"), context(make_turn(recs=["dw1", "dw1", "dw3"])))
    assert not result.passed and "dw1" in result.reason


def graded(s: AssertionSpec, ctx):  # type: ignore[no-untyped-def]
    EXERCISED.update({s.type, s.type.removeprefix("not-")})
    return grade(s, ctx)


def test_grounded_reasons() -> None:
    good = make_turn(recs=[("dw1", "Hearthline, 44 dBA quiet, $579 fits your budget under $600")])
    assert check(spec("grounded-reasons"), good)
    bad = make_turn(recs=[("dw1", "Only 38 dBA and $499 from Bosch")])
    result = graded(spec("grounded-reasons"), context(bad))
    assert not result.passed and "dw1" in result.reason


@pytest.mark.parametrize(
    "reason",
    [
        "At 4.5 dBA, Hearthline is a top-rated dishwasher, and it's a 9-piece kitchen appliance.",  # 44 dBA
        "It is one of the quietest dishwashers, with a 130 dB filter.",
        "The price is too high, and the quality is not good enough to justify the price.",
        "At $1 it is one of the cheapest.",
        "Hearthline at 44 dBA, the quietest of these two.",  # it is quieter than dw2 (46), not than itself…
    ][:4],
)
def test_grounded_reasons_fails_false_claims(reason: str) -> None:
    """The false reasons quoted in the issues (here on the test catalog's dw1) fail the gate."""
    result = graded(spec("grounded-reasons"), context(make_turn(recs=[("dw1", reason), "dw2"])))
    assert not result.passed and result.score == 0.5, result.reason


def test_grounded_reasons_computes_superlatives_over_the_shown_products() -> None:
    shown = make_turn(recs=[("dw1", "44 dBA, the quietest of these two."), ("dw2", "46 dBA, by Bosch.")])
    assert check(spec("grounded-reasons"), shown)
    wrong = make_turn(recs=[("dw1", "44 dBA."), ("dw2", "46 dBA, the quietest of these two.")])
    assert not check(spec("grounded-reasons"), wrong)


def test_shows_no_text_matching_reads_the_answer_and_every_reason() -> None:
    s = spec("shows-no-text-matching", "top-rated|free shipping")
    assert check(s, make_turn(recs=[("dw1", "44 dBA, $579.")], text="Here are quiet ones."))
    assert not check(s, make_turn(recs=[("dw1", "Top-rated, 44 dBA.")], text="Here."))
    assert not check(s, make_turn(recs=["dw1"], text="All with free shipping."))


def test_recommends_only() -> None:
    assert check(spec("recommends-only", {"category": "Dishwashers"}), make_turn(recs=["dw1", "dw2"]))
    assert not check(spec("recommends-only", {"category": "Dishwashers"}), make_turn(recs=["dw1", "sh1"]))
    assert not check(spec("recommends-only", {"category": "Dishwashers"}), make_turn(recs=[], products=[]))
    assert check(
        spec("recommends-only", {"attr_lte": {"noise_level_db": 46}}), make_turn(recs=["dw1", "dw2"])
    )
    assert not check(
        spec("recommends-only", {"attr_lt": {"noise_level_db": 46}}), make_turn(recs=["dw1", "dw2"])
    )


def test_ranked_first_among_shown_and_previous() -> None:
    quiet_first = make_turn(recs=["dw1", "dw3"])
    assert check(spec("ranked-first", {"attribute": "noise_level_db", "order": "min"}), quiet_first)
    assert not check(spec("ranked-first", {"attribute": "price", "order": "min"}), quiet_first)
    first = make_turn(1, recs=["dw2", "dw1", "dw3"])
    answer = make_turn(2, message="which of these is cheapest?", recs=["dw3"])
    s = spec("ranked-first", {"attribute": "price", "order": "min", "among": "previous"}, turn=2)
    assert check(s, first, answer)
    assert not check(s, first, make_turn(2, message="which of these is cheapest?", recs=["dw1"]))


def test_improves_on_the_previous_turns_first_product() -> None:
    first = make_turn(1, recs=["dw2", "dw3"])  # dw2: 46 dBA
    s = spec("improves-on", {"attribute": "noise_level_db", "direction": "lower"}, turn=2)
    assert check(s, first, make_turn(2, message="quieter?", recs=["dw1"]))  # 44
    assert not check(s, first, make_turn(2, message="quieter?", recs=["dw1", "dw3"]))  # 52 is louder
    assert not check(s, first, make_turn(2, message="quieter?", recs=[], products=[]))


def test_improves_on_passes_an_honest_nothing_better_only_when_the_catalog_has_nothing_better() -> None:
    s = spec("improves-on", {"attribute": "noise_level_db", "direction": "lower"}, turn=2)
    quietest = make_turn(1, recs=["dw1", "dw2"])  # dw1 (44 dBA) is the quietest dishwasher sold
    honest = "Nothing is quieter than 44 dBA; these are the closest I have."
    assert check(s, quietest, make_turn(2, message="quieter?", recs=["dw2"], text=honest))
    assert not check(
        s, quietest, make_turn(2, message="quieter?", recs=["dw2"], text="Here are quieter ones.")
    )
    loud = make_turn(1, recs=["dw3"])  # 52 dBA: dw1 and dw2 are quieter, so "nothing" is false
    assert not check(s, loud, make_turn(2, message="quieter?", recs=["dw3"], text=honest))


def test_mentions_fact() -> None:
    first = make_turn(1, recs=["dw1", "dw2"])
    s = spec("mentions-fact", {"product": "@turn1.rec2", "attribute": "noise_level_db"}, turn=2)
    assert check(s, first, make_turn(2, message="how loud is the second?", text="The Bosch runs at 46 dBA."))
    assert not check(s, first, make_turn(2, message="how loud is the second?", text="It runs at 44 dBA."))
    brand = spec("mentions-fact", {"product": "@turn1.rec1", "attribute": "brand"}, turn=2)
    assert check(brand, first, make_turn(2, message="who makes it?", text="Hearthline makes it."))


def test_answers_from_listing_grades_both_ways_against_the_listing() -> None:
    first = make_turn(1, recs=["dw1", "dw2"])
    named = spec("answers-from-listing", {"product": "@turn1.rec1", "terms": ["quietclean"]}, turn=2)
    ask = "does the first one have quietclean?"
    quoted = "The listing for the Hearthline says: “Hearthline QuietClean 300 Dishwasher”."
    assert check(named, first, make_turn(2, message=ask, recs=["dw1"], text=quoted))
    # a quote the listing does not hold, or a "not mentioned" the listing belies, fails
    made_up = "The listing for the Hearthline says: “QuietClean technology for silent nights”."
    assert not check(named, first, make_turn(2, message=ask, recs=["dw1"], text=made_up))
    denied = "The listing for the Hearthline doesn't mention quietclean."
    assert not check(named, first, make_turn(2, message=ask, recs=["dw1"], text=denied))
    unnamed = spec("answers-from-listing", {"product": "@turn1.rec1", "terms": ["third rack"]}, turn=2)
    ask = "does the first one have a third rack?"
    honest = "The listing for the Hearthline doesn't mention third rack."
    assert check(unnamed, first, make_turn(2, message=ask, recs=["dw1"], text=honest))
    sheet = "The Hearthline ($579): 44 dBA; finish: stainless steel."
    assert not check(unnamed, first, make_turn(2, message=ask, recs=["dw1"], text=sheet))
    invented = "The listing for the Hearthline says: “with a third rack for cutlery”."
    assert not check(unnamed, first, make_turn(2, message=ask, recs=["dw1"], text=invented))
    # of several asked about, another's listing may be quoted (word for word), this one's said silent
    series = spec("answers-from-listing", {"product": "@turn1.rec1", "terms": ["series"]}, turn=2)
    ask = "which of these is a series?"
    both = "The listing for the Bosch says: “Bosch 300 Series Dishwasher”. The others' listings don't mention series."
    assert check(series, first, make_turn(2, message=ask, recs=["dw1", "dw2"], text=both))
    made = (
        "The listing for the Hearthline says: “QuietClean Series”. The others' listings don't mention series."
    )
    assert not check(series, first, make_turn(2, message=ask, recs=["dw1", "dw2"], text=made))


def test_compares_reads_the_comparison_table() -> None:
    from eval_helpers import IDS, card

    from assistant.schemas import ComparisonEvent, ComparisonRow

    first = make_turn(1, recs=["dw1", "dw2"])
    second = make_turn(2, message="compare the first two", recs=["dw1", "dw2"])
    s = spec("compares", {"products": ["@turn1.rec1", "@turn1.rec2"]}, turn=2)
    assert not check(s, first, second)  # no table
    rows = [
        ComparisonRow(attribute="price", label="price", values=["$579", "$749"], winner=0, better="lower"),
        ComparisonRow(attribute="noise_level_db", label="noise level", values=["44 dB", "46 dB"], winner=0),
    ]
    second.events.insert(-1, ComparisonEvent(**IDS, products=[card("dw1"), card("dw2")], rows=rows))
    assert check(s, first, second)
    wrong = spec("compares", {"products": ["@turn1.rec1", "dw3"]}, turn=2)
    assert not check(wrong, first, second)


def test_discloses_relaxation() -> None:
    said = make_turn(recs=["dw3"], text="Nothing matched under $300; the cheapest is $399.99.")
    assert check(spec("discloses-relaxation"), said)
    assert not check(spec("discloses-relaxation"), make_turn(recs=["dw3"], text="Here are dishwashers."))
    assert not check(spec("discloses-relaxation"), make_turn(recs=[], products=[], text="Nothing matched."))


def test_explains_empty() -> None:
    assert check(spec("explains-empty"), make_turn(recs=["dw1"]))
    assert check(spec("explains-empty"), make_turn(intent="out_of_catalog", text="We don't carry tires."))
    assert check(spec("explains-empty"), make_turn(recs=[], products=[], text="I couldn't find any."))
    assert not check(spec("explains-empty"), make_turn(recs=[], products=[], text="Here you go."))


def test_asks_clarification() -> None:
    assert check(
        spec("asks-clarification"), make_turn(intent="clarify", clarifying_question="Which room?", text="x")
    )
    assert check(spec("asks-clarification"), make_turn(text="What is your budget?"))
    assert not check(spec("asks-clarification"), make_turn(recs=["dw1"], text="Here are dishwashers."))


def test_declines_out_of_catalog() -> None:
    assert check(
        spec("declines-out-of-catalog"), make_turn(intent="out_of_catalog", text="We only sell home goods.")
    )
    assert check(spec("declines-out-of-catalog"), make_turn(text="Sorry, we don't carry car tires."))
    assert not check(
        spec("declines-out-of-catalog"), make_turn(recs=["sh1"], text="We don't carry tires, but…")
    )
    assert check(
        spec("declines-out-of-catalog", config={"allow_products": True}),
        make_turn(recs=["sh1"], text="We don't carry tires, but here are shoes."),
    )
    assert not check(spec("declines-out-of-catalog"), make_turn(text="Great choice!"))


def test_ndcg_at_k() -> None:
    judgments = {"dw1": 1.0, "dw3": 0.1}
    assert check(
        spec("ndcg-at-k", {"k": 10, "judgments": judgments}, threshold=0.9), make_turn(recs=["dw1", "dw3"])
    )
    result = grade(
        spec("ndcg-at-k", {"k": 10, "judgments": judgments}, threshold=0.9),
        context(make_turn(recs=["dw2", "dw3"])),
    )
    assert not result.passed and 0 < result.score < 0.9


class _Judge:
    def __init__(self, verdict: JudgeVerdict) -> None:
        self.verdict = verdict
        self.seen: list[str] = []

    def grade(self, rubric: str, answer: str, conversation: list[str]) -> JudgeVerdict:
        self.seen.append(answer)
        return self.verdict


def test_llm_rubric_with_and_without_judge() -> None:
    s = spec("llm-rubric", "Is polite and recommends quiet dishwashers")
    skipped = grade(s, context(make_turn(recs=["dw1"])))
    assert skipped.skipped and "skipped" in skipped.reason and "AISLE_JUDGE" in skipped.reason
    judge = _Judge(JudgeVerdict(passed=True, score=0.9, reason="fine"))
    assert check(s, make_turn(recs=["dw1"]), judge=judge)
    assert "Hearthline" in judge.seen[0]
    assert not check(
        s, make_turn(recs=["dw1"]), judge=_Judge(JudgeVerdict(passed=False, score=0.2, reason="rude"))
    )


def test_turn_selects_an_earlier_turn() -> None:
    first = make_turn(1, text="What is your budget?")
    second = make_turn(2, message="under 600", recs=["dw1"], text="Here.")
    assert check(spec("asks-clarification", turn=1), first, second)
    assert not check(spec("asks-clarification"), first, second)


def test_history_rejections_are_recorded() -> None:
    transcript = CaseTranscript(
        turns=[make_turn(1, recs=["dw1"]), make_turn(2, recs=["dw3"])],
        feedback=[AppliedFeedback(turn=2, product_id="dw1", kind="not_interested")],
    )
    assert transcript.rejected_before(2) == {"dw1"}
    assert transcript.rejected_before(1) == set()


def test_every_registered_type_is_graded_here() -> None:
    """Runs last in this module: every registered assertion type was graded by a test above (a type
    named only in a string does not count)."""
    missing = [t for t in assertion_types() if t not in EXERCISED]
    assert not missing, f"never graded by these tests: {missing}"

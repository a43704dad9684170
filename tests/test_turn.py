"""One turn end to end through the real core: real SQLite, real embedded Chroma, real BM25 and
ranker, the hash embedder and the scripted fake chat model injected through ``build_assistant``."""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.llm.fake import FakeChatModel, FakeReply
from assistant.schemas import (
    ChatRequest,
    DegradedEvent,
    DoneEvent,
    FeedbackRequest,
    PlanEvent,
    ProductsEvent,
    QueryPlan,
    RecommendationsEvent,
    TokenEvent,
)
from assistant.settings import Settings
from assistant.turn import Assistant, build_assistant
from retrieval.catalog import Product
from retrieval.filters import matches

DEMO = Path(__file__).resolve().parents[1] / "retrieval" / "data" / "demo_catalog.jsonl"


@pytest.fixture(scope="module")
def turn_settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return Settings(
        _env_file=None,
        data_dir=tmp_path_factory.mktemp("turn") / "data",
        embedder="hash",
        llm="fake",
        chroma_url=None,
        llm_timeout_s=2.0,
    )


@pytest.fixture(scope="module")
def ingested(turn_settings: Settings) -> Settings:
    from retrieval.ingest import ingest_feed

    assistant = build_assistant(turn_settings, chat_model=FakeChatModel())
    summary = ingest_feed(assistant.catalog, DEMO)
    assert summary.added >= 300 and not summary.errors
    assistant.catalog.close()
    assistant.store.close()
    return turn_settings


@pytest.fixture
def fake() -> FakeChatModel:
    return FakeChatModel()


@pytest.fixture
def assistant(ingested: Settings, fake: FakeChatModel) -> Iterator[Assistant]:
    a = build_assistant(ingested, chat_model=fake)
    yield a
    a.store.close()
    a.catalog.close()


def _run(assistant: Assistant, message: str, **kw: str) -> list:
    return list(assistant.chat(ChatRequest(message=message, **kw)))


def _of(events: list, kind: type) -> list:
    return [e for e in events if isinstance(e, kind)]


def _recs(events: list) -> list:
    (event,) = _of(events, RecommendationsEvent)
    return event.recommendations


def _product(assistant: Assistant, pid: str) -> Product:
    product = assistant.catalog.store.get(pid)
    assert product is not None
    return product


def _rerank_reply(ids: list[str], reasons: dict[str, str] | None = None) -> str:
    reasons = reasons or {}
    return json.dumps({"ranking": [{"id": i, "reason": reasons.get(i, "A good fit for you.")} for i in ids]})


def _echo_ranking(messages: list) -> str:
    """A well-behaved model: ranks the candidates it was given in reverse order, citing their titles."""
    ids = re.findall(r"^id: (\S+)$", messages[-1].content, flags=re.M)
    titles = re.findall(r"^title: (.+)$", messages[-1].content, flags=re.M)
    reasons = {i: f"The {t} matches what you asked for." for i, t in zip(ids, titles, strict=True)}
    return _rerank_reply(list(reversed(ids)), reasons)


def test_event_order_products_before_tokens(assistant: Assistant, fake: FakeChatModel) -> None:
    fake.add(_echo_ranking, "Here are some quiet dishwashers.")
    events = _run(assistant, "a quiet dishwasher under $600")
    kinds = [type(e) for e in events]
    assert kinds[0] is PlanEvent and kinds[-1] is DoneEvent
    first_token = kinds.index(TokenEvent)
    assert kinds.index(ProductsEvent) < first_token < kinds.index(RecommendationsEvent)
    done = events[-1]
    assert done.message == "Here are some quiet dishwashers."
    assert {"plan", "retrieve_rank", "explain", "total"} <= done.timings_ms.keys()
    assert done.usage.llm_calls == 2 and done.usage.prompt_tokens > 0
    assert done.prompt_versions["explain"] == "2" and done.prompt_versions["answer"] == "2"
    assert not _of(events, DegradedEvent)


def test_llm_rerank_order_is_used_and_reasons_kept(assistant: Assistant, fake: FakeChatModel) -> None:
    fake.add(_echo_ranking, "ok")
    events = _run(assistant, "noise cancelling headphones")
    candidates = re.findall(r"^id: (\S+)$", fake.calls[0][-1].content, flags=re.M)
    assert [r.product.id for r in _recs(events)] == list(reversed(candidates))[:5]
    assert all(r.reason == f"The {r.product.title} matches what you asked for." for r in _recs(events))


def test_follow_ups_keep_constraints(assistant: Assistant) -> None:
    session = "follow-ups"
    first = _recs(_run(assistant, "a quiet dishwasher under $600", session_id=session))
    assert first and all(r.product.price <= 600 for r in first)
    cheaper_events = _run(assistant, "cheaper ones?", session_id=session)
    plan = _of(cheaper_events, PlanEvent)[0].plan
    assert plan.filters.price_max is not None and plan.filters.price_max < max(r.product.price for r in first)
    assert "dishwashers" in plan.filters.categories
    cheaper = _recs(cheaper_events)
    assert cheaper and all(r.product.price <= plan.filters.price_max for r in cheaper)
    stainless_events = _run(assistant, "only stainless", session_id=session)
    plan = _of(stainless_events, PlanEvent)[0].plan
    assert plan.filters.attributes == {"finish": "stainless steel"}
    assert plan.filters.price_max is not None
    for r in _recs(stainless_events):
        product = _product(assistant, r.product.id)
        assert product.attributes["finish"] == "stainless steel"
        assert matches(product, plan.filters)


@pytest.mark.parametrize(
    "message",
    [
        "headphones under $100",
        "a tent between 150 and 300 dollars",
        "running shoes in blue",
        "a laptop from Lumetric",
        "office chair, not Ergodyne, under $400",
    ],
)
def test_hard_filters_never_violated(assistant: Assistant, message: str) -> None:
    events = _run(assistant, message)
    plan = _of(events, PlanEvent)[0].plan
    assert not plan.filters.is_empty()
    shown = _of(events, ProductsEvent)[0].products + [r.product for r in _recs(events)]
    assert shown
    for card in shown:
        assert matches(_product(assistant, card.id), plan.filters), (card.id, plan.filters)


def test_invented_and_duplicate_ids_are_dropped(assistant: Assistant, fake: FakeChatModel) -> None:
    def invent(messages: list) -> str:
        ids = re.findall(r"^id: (\S+)$", messages[-1].content, flags=re.M)
        return _rerank_reply(["made-up-product", ids[1], ids[1], ids[0]])

    fake.add(invent, "ok")
    events = _run(assistant, "a blender")
    ids = [r.product.id for r in _recs(events)]
    assert "made-up-product" not in ids and len(ids) == len(set(ids))
    assert all(assistant.catalog.store.get(i) is not None for i in ids)
    (degraded,) = [e for e in _of(events, DegradedEvent) if e.stage == "explain"]
    assert "invented" in degraded.reason and "duplicate" in degraded.reason


def test_ungrounded_reason_is_replaced(assistant: Assistant, fake: FakeChatModel) -> None:
    def lie(messages: list) -> str:
        ids = re.findall(r"^id: (\S+)$", messages[-1].content, flags=re.M)
        return _rerank_reply(ids[:2], {ids[0]: "Only $1.99 and whisper quiet at 12 dBA."})

    fake.add(lie, "ok")
    events = _run(assistant, "a coffee maker")
    top = _recs(events)[0]
    assert "1.99" not in top.reason and "12 dBA" not in top.reason
    assert "unsupported claim" in _of(events, DegradedEvent)[0].reason


@pytest.mark.parametrize(
    "reply",
    [
        "{not json",
        '{"ranking": [{"id": "x"',  # partial JSON
        '{"ranking": "nope"}',  # wrong shape
        RuntimeError("backend exploded"),
        FakeReply(content='{"ranking": []}', delay_s=5.0),  # slower than llm_timeout_s
    ],
    ids=["malformed", "partial", "wrong-shape", "backend-error", "timeout"],
)
def test_llm_failures_fall_back_with_degraded_event(
    assistant: Assistant, fake: FakeChatModel, reply: object
) -> None:
    fake.add(reply, "Here you go.")  # type: ignore[arg-type]
    events = _run(assistant, "a robot vacuum under $500")
    degraded = _of(events, DegradedEvent)
    assert degraded and degraded[0].stage == "explain"
    recs = _recs(events)
    assert recs and all(r.product.price <= 500 for r in recs)
    assert all(r.reason for r in recs)  # fallback reasons from the product's facts
    assert isinstance(events[-1], DoneEvent)


def test_token_budget_trims_rerank_candidates(ingested: Settings) -> None:
    small = ingested.model_copy(update={"llm_context_window": 1200, "llm_max_tokens": 200})
    fake = FakeChatModel([_echo_ranking, "ok"])
    assistant = build_assistant(small, chat_model=fake)
    try:
        events = _run(assistant, "noise cancelling headphones")
    finally:
        assistant.store.close()
        assistant.catalog.close()
    sent = re.findall(r"^id: (\S+)$", fake.calls[0][-1].content, flags=re.M)
    assert 1 <= len(sent) < small.rerank_depth
    assert events[-1].timings_ms["rerank_candidates"] == len(sent)


def test_feedback_changes_the_next_turn(assistant: Assistant) -> None:
    shopper = "shopper-feedback"
    first = _recs(_run(assistant, "a backpack", shopper_id=shopper))
    rejected = _product(assistant, first[0].product.id)
    assistant.record_feedback(
        FeedbackRequest(product_id=rejected.id, kind="not_interested", shopper_id=shopper)
    )
    again = [r.product.id for r in _recs(_run(assistant, "a backpack", shopper_id=shopper))]
    assert rejected.id not in again
    family = rejected.attributes.get("variant_of")
    if family:
        assert all(_product(assistant, pid).attributes.get("variant_of") != family for pid in again)


def test_nothing_fits_is_honest(assistant: Assistant) -> None:
    """An impossible budget shows the closest products, cheapest first, and says what was relaxed."""
    events = _run(assistant, "a laptop under $5")
    plan = _of(events, PlanEvent)[0].plan
    assert [r.field for r in plan.relaxed] == ["price"]
    recs = _recs(events)
    assert recs and all("Laptops" in r.product.category for r in recs)
    prices = [r.product.price for r in recs]
    assert prices == sorted(prices)  # closest to the budget first
    message = events[-1].message
    assert "Nothing matched under $5" in message and f"the cheapest laptop is ${prices[0]:,.0f}" in message
    assert message.count("Nothing matched") == 1


def test_out_of_catalog_and_chit_chat_show_no_products(assistant: Assistant) -> None:
    for message in ("do you sell car tires?", "hi there"):
        events = _run(assistant, message)
        assert not _of(events, ProductsEvent)
        assert events[-1].message


def test_export_and_delete_shopper(assistant: Assistant) -> None:
    shopper = "shopper-privacy"
    events = _run(assistant, "a sleeping bag", shopper_id=shopper)
    pid = _recs(events)[0].product.id
    assistant.record_feedback(FeedbackRequest(product_id=pid, kind="thumbs_up", shopper_id=shopper))
    export = assistant.store.export_shopper(shopper)
    dumped = export.model_dump_json()
    assert "a sleeping bag" in dumped and pid in dumped
    assistant.store.delete_shopper(shopper)
    with sqlite3.connect(assistant.settings.store_db) as conn:
        leftover = conn.execute("SELECT COUNT(*) FROM feedback WHERE shopper_id=?", (shopper,)).fetchone()[0]
        messages = conn.execute(
            "SELECT COUNT(*) FROM messages WHERE content=?", ("a sleeping bag",)
        ).fetchone()[0]
    assert leftover == 0 and messages == 0


def test_a_brand_the_category_lacks_is_disclosed_not_faked(assistant: Assistant) -> None:
    # A brand the catalog sells, but not in that category: other dishwashers, and the answer says so.
    events = _run(assistant, "a dishwasher from Tideline")
    recs = _recs(events)
    assert recs and all("Dishwashers" in r.product.category and r.product.brand != "Tideline" for r in recs)
    assert "Nothing matched from tideline" in events[-1].message
    assert all("Tideline" not in r.reason for r in recs)


def test_the_same_turn_streams_through_an_openai_compatible_server(ingested: Settings) -> None:
    """AISLE_LLM=openai against a local OpenAI-compatible server: plan, rerank and answer all go
    through the real ChatOpenAI adapter, and the answer arrives as several token events."""
    from openai_server import serve_stub

    with serve_stub() as stub:
        settings = ingested.model_copy(
            update={"llm": "openai", "llm_base_url": stub.url, "llm_model": "stub-7b", "llm_timeout_s": 10.0}
        )
        assistant = build_assistant(settings)
        try:
            plan_reply = json.dumps(
                {"query": "quiet dishwasher", "filters": {"price_max": 600}, "intent": "search"}
            )
            stub.add(plan_reply)
            first = list(assistant.chat(ChatRequest(message="a quiet dishwasher under $600")))
            # The plan and the rerank went out as structured calls, the answer as a stream.
            assert len(stub.requests) == 3
            assert stub.requests[-1].get("stream") is True
        finally:
            assistant.store.close()
            assistant.catalog.close()
    tokens = _of(first, TokenEvent)
    assert len(tokens) > 1 and "".join(t.text for t in tokens) == first[-1].message
    assert _of(first, PlanEvent)[0].plan.filters.price_max == 600
    assert all(r.product.price <= 600 for r in _recs(first))
    # The stub's rerank reply is not JSON: that call falls back (and its usage is not counted).
    assert _of(first, DegradedEvent)[0].stage == "explain"
    assert first[-1].usage.llm_calls == 2 and first[-1].llm.startswith("openai: stub-7b")


@pytest.mark.llm
def test_embedded_model_answers_a_multi_turn_conversation(ingested: Settings) -> None:
    """AISLE_LLM=local: the real SmolLM2 on llama.cpp writes reasons; every shown reason is grounded."""
    pytest.importorskip("llama_cpp")
    from assistant.claims import verify_reason

    settings = ingested.model_copy(update={"llm": "local", "llm_timeout_s": 120.0, "local_reasons": 2})
    assistant = build_assistant(settings)
    try:
        first = _run(assistant, "a quiet dishwasher under $600", session_id="local-llm")
        second = _run(assistant, "cheaper ones?", session_id="local-llm")
        vocabulary = assistant.vocabulary
        for events in (first, second):
            plan = _of(events, PlanEvent)[0].plan
            recs = _recs(events)
            assert recs and all(r.product.price <= plan.filters.price_max for r in recs)
            shown = [_product(assistant, r.product.id) for r in recs]
            reference = plan.comparative.than if plan.comparative else None
            for r, product in zip(recs, shown, strict=True):
                report = verify_reason(
                    r.reason,
                    product,
                    shown=shown,
                    vocabulary=vocabulary,
                    filters=plan.filters,
                    reference=reference,
                )
                assert report.grounded, (r.reason, report.unsupported)
            done = events[-1]
            assert done.llm.startswith("local: SmolLM2") and done.message
            assert done.usage.llm_calls + len(_of(events, DegradedEvent)) >= 1
    finally:
        assistant.store.close()
        assistant.catalog.close()


def test_a_multi_item_ask_says_what_each_item_search_loosened(assistant: Assistant) -> None:
    # Nothing in the demo catalog is a keyboard under $20; each item's search loosens the price, and
    # the answer says so per item instead of claiming "under $20" over what it shows.
    events = _run(assistant, "a wireless keyboard and a mouse, both under $20")
    plan = next(e for e in events if e.type == "plan").plan
    shown = next(e for e in events if e.type == "products").products
    answer = "".join(e.text for e in events if e.type == "token")
    assert plan.items, "the ask is read as two items"
    assert any(p.price is not None and p.price > 20 for p in shown)
    assert "under $20" in answer and "Nothing matched" in answer, answer
    assert "in Keyboards" in answer, answer
    assert "found" not in answer.split("Nothing matched")[0], answer  # no "I found N matches under $20"


def _first_turn_on_feed(tmp_path: Path, rows: list[dict], message: str) -> tuple[QueryPlan, list[str]]:
    """The plan and the ids shown for ``message``, first in a conversation over a feed of ``rows``
    (hash embeddings, the fake model)."""
    from retrieval.ingest import ingest_feed

    feed = tmp_path / "feed.jsonl"
    feed.write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    settings = Settings(
        _env_file=None, data_dir=tmp_path / "data", embedder="hash", llm="fake", chroma_url=None
    )
    assistant = build_assistant(settings, chat_model=FakeChatModel())
    try:
        assert not ingest_feed(assistant.catalog, feed).errors
        events = _run(assistant, message)
        plan = next(e for e in events if e.type == "plan").plan
        return plan, [p.id for p in next(e for e in events if e.type == "products").products]
    finally:
        assistant.store.close()
        assistant.catalog.close()


def test_a_small_marketplace_category_is_topped_up_with_the_same_thing_filed_elsewhere(
    tmp_path: Path,
) -> None:
    # A feed without attributes (like a marketplace's): only two picnic baskets under $30 are filed as
    # such, a third under Storage; a berry basket is a basket but not a picnic basket.
    rows = [
        {
            "id": "pb-1",
            "title": "Willow Picnic Basket for 2",
            "category": "Home > Picnic Baskets",
            "price": 28,
        },
        {
            "id": "pb-2",
            "title": "Picnic Basket Set with Plates",
            "category": "Home > Picnic Baskets",
            "price": 29,
        },
        *[
            {
                "id": f"pb-big-{i}",
                "title": f"Deluxe Picnic Basket {i}",
                "category": "Home > Picnic Baskets",
                "price": 80,
            }
            for i in range(30)
        ],
        {"id": "st-1", "title": "Woven Picnic Basket with Lid", "category": "Home > Storage", "price": 25},
        {"id": "st-2", "title": "Plastic Berry Baskets 48-Pack", "category": "Home > Storage", "price": 12},
        # a cooler that comes with a picnic basket's lid is a cooler, whatever words its title shares
        {
            "id": "cl-1",
            "title": "Rolling Cooler with Picnic Basket Lid",
            "category": "Outdoor > Coolers",
            "price": 24,
        },
        *[
            {"id": f"mug-{i}", "title": f"Ceramic Coffee Mug {i}", "category": "Home > Mugs", "price": 10 + i}
            for i in range(8)
        ],
    ]
    plan, shown = _first_turn_on_feed(tmp_path, rows, "a picnic basket under 30 dollars")
    assert plan.filters.categories == ["picnic baskets"]
    assert shown[:2] == ["pb-1", "pb-2"] or set(shown[:2]) == {"pb-1", "pb-2"}
    assert "st-1" in shown and "st-2" not in shown and not any(s.startswith("mug") for s in shown)
    assert "cl-1" not in shown


def test_a_tiny_category_widens_only_to_the_same_kind(tmp_path: Path) -> None:
    # One fish oil is filed as Fish Oil: widened, other fish oils come in; a cooking oil filed as
    # Oils > Soybean (a sibling kind of oil) and a multivitamin listing fish oil among its
    # ingredients do not.
    rows = [
        {"id": "fo-1", "title": "Fish Oil Softgels 1200 mg", "category": "Health > Supplements > Fish Oil", "price": 12},
        {"id": "o3-1", "title": "Omega-3 Fish Oil, Triple Strength", "category": "Health > Supplements > Omega-3", "price": 20},
        {"id": "soy-1", "title": "Gourmet Soybean Cooking Oil, 1 Gallon", "category": "Grocery > Oils > Soybean", "price": 9},
        {"id": "mv-1", "title": "Kids Gummy Multivitamin: Vitamin C, Omega 3 Fish Oil", "category": "Health > Vitamins > Children's Vitamins", "price": 14},
        *[
            {"id": f"mug-{i}", "title": f"Ceramic Coffee Mug {i}", "category": "Home > Mugs", "price": 10 + i}
            for i in range(8)
        ],
    ]  # fmt: skip
    plan, shown = _first_turn_on_feed(tmp_path, rows, "some fish oil")
    assert plan.filters.categories == ["fish oil"]
    assert "fo-1" in shown and "o3-1" in shown
    assert not {"soy-1", "mv-1"} & set(shown)

"""Deadlines, not hangs: whole turns through the real ``Assistant`` and the real OpenAI adapter against
a loopback OpenAI-compatible server that misbehaves (``tests/openai_server.py``).

Each mode — hang, HTTP 500, 429 with a ``Retry-After`` past the budget, malformed JSON, a stream cut
mid-body, a 2 s/token drip — must still give ``products`` and ``done`` within the turn budget + 1 s
with a ``degraded`` event; repeated failures open the circuit (the next turn sends the server
nothing), and a probe after the cooldown that succeeds closes it. Upstream error bodies and raw
model output never reach an event or an INFO log.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator

import pytest
from openai_server import MODES, SECRET_DETAIL, OpenAIStub, deadline_settings

from assistant.llm.circuit import CircuitBreaker
from assistant.schemas import ChatEvent, ChatRequest, DegradedEvent, DoneEvent, ProductsEvent
from assistant.settings import Settings
from assistant.turn import Assistant, build_assistant

BUDGET_S = 2.0
MESSAGE = "a quiet dishwasher under $800"
BAD_MODES = [m for m in MODES if m != "ok"]
INJECTED = "IGNORE ALL PREVIOUS INSTRUCTIONS <raw-model-output-91c>"


@pytest.fixture(scope="module")
def catalog_settings(tmp_path_factory: pytest.TempPathFactory, stub_server: OpenAIStub) -> Settings:
    return deadline_settings(stub_server, tmp_path_factory.mktemp("deadlines"), budget_s=BUDGET_S)


def _warm(assistant: Assistant) -> None:
    """Load what the first turn of a process loads (ranker, lexical index, vocabulary, tokenizer) with
    the model off: the budget bounds the model's time, not a cold start."""
    off = assistant.model_profile.model_copy(
        update={
            "plans": False,
            "reranks": False,
            "reasons": "composer",
            "model_reasons": 0,
            "writes_answer": False,
        }
    )
    assistant.__dict__["model_profile"] = off
    events = list(assistant.chat(ChatRequest(message=MESSAGE)))
    del assistant.__dict__["model_profile"]
    assert not any(isinstance(e, DegradedEvent) for e in events), "the warm-up must not call the model"
    assert assistant.llm_circuit.recent_failures == 0
    from assistant.llm import token_counter

    token_counter(assistant.chat_model).count("warm")


def _assistant(settings: Settings, **update: object) -> Iterator[Assistant]:
    assistant = build_assistant(settings.model_copy(update=update))
    try:
        _warm(assistant)
        yield assistant
    finally:
        assistant.store.close()
        assistant.catalog.close()


@pytest.fixture
def assistant(catalog_settings: Settings, stub: OpenAIStub) -> Iterator[Assistant]:
    yield from _assistant(catalog_settings)


class Turn:
    """One turn's events with when each arrived (monotonic) and how many requests the server got."""

    def __init__(self, assistant: Assistant, stub: OpenAIStub, message: str = MESSAGE) -> None:
        before = len(stub.requests)
        self.started = time.monotonic()
        self.events: list[ChatEvent] = []
        self.at: list[float] = []
        for event in assistant.chat(ChatRequest(message=message)):
            self.events.append(event)
            self.at.append(time.monotonic())
        self.requests = len(stub.requests) - before
        self.request_times = stub.received_at[before:]

    def time_of(self, kind: type) -> float:
        return (
            next(t for e, t in zip(self.events, self.at, strict=True) if isinstance(e, kind)) - self.started
        )

    @property
    def degraded(self) -> list[DegradedEvent]:
        return [e for e in self.events if isinstance(e, DegradedEvent)]

    @property
    def text(self) -> str:
        return "\n".join(e.model_dump_json() for e in self.events)


def _check_bounded(turn: Turn) -> None:
    assert isinstance(turn.events[-1], DoneEvent)
    products = [e for e in turn.events if isinstance(e, ProductsEvent)]
    assert products and products[0].products, "the turn must still show products"
    assert turn.time_of(ProductsEvent) <= BUDGET_S + 1.0
    assert turn.time_of(DoneEvent) <= BUDGET_S + 1.0
    assert turn.degraded, "a turn that lost the model says so"
    assert turn.events[-1].message.strip(), "the answer is finished from catalog facts"
    assert SECRET_DETAIL not in turn.text and "UPSTREAM-SECRET" not in turn.text


@pytest.mark.parametrize("mode", BAD_MODES)
def test_a_misbehaving_model_costs_at_most_the_budget_then_the_circuit_opens(
    assistant: Assistant, stub: OpenAIStub, mode: str, caplog: pytest.LogCaptureFixture
) -> None:
    stub.mode = mode  # type: ignore[assignment]
    caplog.set_level(logging.INFO)
    turns: list[Turn] = []
    while assistant.llm_circuit.state == "closed":
        assert len(turns) < 3, f"{mode}: the circuit did not open after {len(turns)} failing turns"
        turns.append(Turn(assistant, stub))
        _check_bounded(turns[-1])
    assert turns[0].requests >= 1
    # Open: the next turn never calls the model, so it waits for none of the budget (what the turn's
    # own catalog work costs is a benchmark's business: on a loaded machine it can take seconds).
    skipped = Turn(assistant, stub)
    _check_bounded(skipped)
    assert skipped.requests == 0
    assert any("paused after repeated failures" in d.reason for d in skipped.degraded)
    # Nothing upstream (error bodies, raw output) reached an INFO log either.
    assert SECRET_DETAIL not in caplog.text and "not json at all" not in caplog.text


class ManualClock:
    """The breaker's clock, moved by the test: the cooldown passes when the test says so, not when a
    slow machine happens to spend a second on a turn."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _manual_breaker(assistant: Assistant, cooldown_s: float) -> ManualClock:
    clock = ManualClock()
    assistant.llm_circuit = CircuitBreaker(
        failures=assistant.settings.llm_breaker_failures, cooldown_s=cooldown_s, clock=clock
    )
    return clock


def test_a_probe_after_the_cooldown_that_succeeds_closes_the_circuit(
    catalog_settings: Settings, stub: OpenAIStub
) -> None:
    for assistant in _assistant(catalog_settings):
        clock = _manual_breaker(assistant, cooldown_s=30.0)
        stub.mode = "http_500"
        while assistant.llm_circuit.state == "closed":
            _check_bounded(Turn(assistant, stub))
        assert Turn(assistant, stub).requests == 0
        stub.mode = "ok"
        clock.now += 29.9
        assert assistant.llm_circuit.state == "open"
        clock.now += 0.2
        assert assistant.llm_circuit.state == "half_open"
        plan = {"query": "quiet dishwasher", "filters": {"price_max": 800}, "intent": "search"}
        stub.add(json.dumps(plan), '{"ranking": []}', "Here are some quiet dishwashers.")
        healed = Turn(assistant, stub)
        assert assistant.llm_circuit.state == "closed"
        assert healed.requests == 3  # the probe (plan) succeeded, so rerank and answer went too
        assert not healed.degraded
        assert healed.events[-1].message.startswith("Here are some quiet dishwashers.")


def test_a_failed_probe_keeps_the_circuit_open(catalog_settings: Settings, stub: OpenAIStub) -> None:
    for assistant in _assistant(catalog_settings):
        clock = _manual_breaker(assistant, cooldown_s=30.0)
        stub.mode = "rate_limited"
        while assistant.llm_circuit.state == "closed":
            _check_bounded(Turn(assistant, stub))
        clock.now += 30.0
        probe = Turn(assistant, stub)
        _check_bounded(probe)
        assert probe.requests == 1 and assistant.llm_circuit.state == "open"
        assert Turn(assistant, stub).requests == 0


def test_retry_after_longer_than_the_budget_is_not_waited(assistant: Assistant, stub: OpenAIStub) -> None:
    stub.mode = "rate_limited"
    stub.retry_after_s = 20
    turn = Turn(assistant, stub)
    _check_bounded(turn)
    assert turn.time_of(DoneEvent) < 1.0  # not 20 s, not a retry: the wait would pass the deadline
    assert any("rate-limited (HTTP 429)" in d.reason for d in turn.degraded)


def test_retry_after_within_the_budget_is_honoured_once(assistant: Assistant, stub: OpenAIStub) -> None:
    stub.mode = "rate_limited"
    stub.retry_after_s = 1
    turn = Turn(assistant, stub)
    _check_bounded(turn)
    # The plan call waited 1 s and tried again once (still 429); then too little budget was left
    # to wait again, so the rest of the turn failed fast and the circuit opened.
    assert turn.request_times[1] - turn.request_times[0] >= 0.95
    assert turn.requests == 3 and assistant.llm_circuit.state == "open"


def test_a_token_drip_is_cut_at_the_deadline_and_finished_from_facts(
    assistant: Assistant, stub: OpenAIStub
) -> None:
    plan = {"query": "quiet dishwasher", "filters": {"price_max": 800}, "intent": "search"}
    stub.add(json.dumps(plan), '{"ranking": []}', "Here are quiet dishwashers. " + "They fit well. " * 20)
    stub.stream_mode = "drip"  # the plan and rerank answer at once; the answer drips a word every 2 s
    turn = Turn(assistant, stub)
    _check_bounded(turn)
    assert turn.requests == 3
    answer = [d for d in turn.degraded if d.stage == "answer"]
    assert answer and "timed out" in answer[0].reason and "catalog facts" in answer[0].reason
    assert "They fit well" not in turn.events[-1].message


@pytest.mark.parametrize("mode", ["truncated", "malformed", "http_500", "rate_limited"])
def test_a_broken_answer_stream_is_finished_from_facts(
    assistant: Assistant, stub: OpenAIStub, mode: str
) -> None:
    """The plan and rerank work; the streamed answer breaks (cut mid-body, a chunk that is not JSON,
    an error status): the shopper gets the composed answer and a safe degraded reason."""
    stub.add(
        json.dumps({"query": "dishwasher", "intent": "search"}),
        '{"ranking": []}',
        "Here are some quiet dishwashers for you today. They are all good.",
    )
    stub.stream_mode = mode  # type: ignore[assignment]
    turn = Turn(assistant, stub)
    _check_bounded(turn)
    (answer,) = [d for d in turn.degraded if d.stage == "answer"]
    assert answer.reason.startswith("LLM answer failed (") and "catalog facts" in answer.reason
    assert "not json at all" not in turn.text
    assert assistant.llm_circuit.recent_failures == 1


def test_products_come_before_the_llm_calls_that_do_not_decide_them(
    assistant: Assistant, stub: OpenAIStub
) -> None:
    stub.mode = "ok"
    stub.add(json.dumps({"query": "quiet dishwasher", "intent": "search"}))
    turn = Turn(assistant, stub)
    assert turn.requests == 3
    products_at = turn.started + turn.time_of(ProductsEvent)
    # The plan call decides the products; the rerank and the answer start after they were sent.
    assert turn.request_times[0] < products_at <= turn.request_times[1] <= turn.request_times[2]


def test_raw_model_output_never_reaches_events_or_info_logs(
    assistant: Assistant, stub: OpenAIStub, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    stub.add(INJECTED, json.dumps({"ranking": [{"id": INJECTED, "reason": "x"}]}), INJECTED + ".")
    turn = Turn(assistant, stub)
    reasons = " ".join(d.reason for d in turn.degraded)
    assert "output was invalid" in reasons and "1 invented product id" in reasons
    assert INJECTED not in json.dumps([d.model_dump() for d in turn.degraded])
    assert INJECTED not in caplog.text
    assert assistant.llm_circuit.state == "closed"  # invalid output: the model is up


def test_the_budget_is_shared_by_the_calls_of_a_turn(catalog_settings: Settings, stub: OpenAIStub) -> None:
    """A slow but working model: each structured call takes 0.7 s (under the 10 s per-call timeout),
    the answer would take 4 s: together they would pass the 2 s budget, so the answer is cut."""
    for assistant in _assistant(catalog_settings, llm_breaker_failures=5):
        stub.mode = "drip"
        stub.drip_s = 0.7
        plan = json.dumps({"query": "dishwasher", "intent": "search"}, separators=(",", ":"))
        stub.add(plan, '{"ranking":[]}', "Quiet ones here. They are good. Pick one.")
        turn = Turn(assistant, stub)
        _check_bounded(turn)
        # the answer call is cut, or (on a loaded machine, where the two structured calls and the
        # search already spent the budget) never started: either way the answer is what is lost
        assert turn.requests in (2, 3)
        assert [d.stage for d in turn.degraded] == ["answer"]
        assert turn.time_of(DoneEvent) <= BUDGET_S + 0.5


@pytest.mark.parametrize("budget", [0.3])
def test_a_spent_budget_skips_the_remaining_steps(
    catalog_settings: Settings, stub: OpenAIStub, budget: float
) -> None:
    for assistant in _assistant(catalog_settings, turn_budget_s=budget):
        stub.mode = "hang"
        turn = Turn(assistant, stub)
        assert turn.requests == 1  # the plan call used the whole budget: rerank and answer skipped
        stages = {d.stage: d.reason for d in turn.degraded}
        assert set(stages) == {"plan", "explain", "answer"}
        assert "timed out" in stages["plan"] and "time budget" in stages["explain"]
        assert turn.time_of(DoneEvent) <= budget + 1.0
        # The request itself carried the budget as its timeout: the client hung up (not after the
        # 10 s per-call timeout, nor never), so no request outlives its turn for long.
        waited = time.monotonic()
        while stub.hung_up < 1 and time.monotonic() - waited < 2.0:
            time.sleep(0.02)
        assert stub.hung_up == 1


def test_a_hung_answer_stream_is_cut_and_its_request_dropped(assistant: Assistant, stub: OpenAIStub) -> None:
    stub.add(json.dumps({"query": "dishwasher", "intent": "search"}), '{"ranking": []}')
    stub.stream_mode = "hang"
    turn = Turn(assistant, stub)
    _check_bounded(turn)
    assert turn.requests == 3 and [d.stage for d in turn.degraded] == ["answer"]
    waited = time.monotonic()
    while stub.hung_up < 1 and time.monotonic() - waited < 2.0:
        time.sleep(0.02)
    assert stub.hung_up == 1


def test_the_stub_really_misbehaves(stub: OpenAIStub) -> None:
    """Guard for the harness itself: each mode breaks a plain OpenAI client call."""
    import openai

    client = openai.OpenAI(base_url=stub.url, api_key="x", max_retries=0, timeout=1.0)
    for mode in BAD_MODES:
        stub.mode = mode  # type: ignore[assignment]
        with pytest.raises((openai.OpenAIError, ValueError, TypeError, AttributeError)):
            reply = client.chat.completions.create(model="m", messages=[{"role": "user", "content": "hi"}])
            assert isinstance(reply.choices[0].message.content, str)

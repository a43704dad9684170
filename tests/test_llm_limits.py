"""The LLM's limits without a server: the circuit breaker and the turn deadline on a fake clock, safe
failure descriptions, and reasons kept when the budget runs out midway."""

from __future__ import annotations

import threading

import pytest

from assistant.llm.circuit import CircuitBreaker, Permit
from assistant.llm.deadline import Deadline
from assistant.llm.failures import ModelFailure, classify


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_opens_after_enough_failures_among_the_recent_calls() -> None:
    clock = Clock()
    breaker = CircuitBreaker(failures=3, cooldown_s=30, clock=clock)
    # Alternating (a slow model: its plan answers, its rerank times out) still opens it.
    for failing in [False, True, False, True, False]:
        permit = breaker.acquire() or Permit()
        if failing:
            breaker.failed(permit)
        else:
            breaker.succeeded(permit)
    assert breaker.state == "closed" and breaker.recent_failures == 2
    breaker.failed(breaker.acquire() or Permit())
    assert breaker.state == "open" and breaker.opened_total == 1
    assert breaker.acquire() is None
    assert "open after 3 failures in 6 calls" in breaker.describe()


def test_old_failures_leave_the_window() -> None:
    breaker = CircuitBreaker(failures=2, cooldown_s=30, clock=Clock())
    breaker.failed(breaker.acquire() or Permit())
    for _ in range(4):  # the window is 2 x 2 calls: the failure falls out of it
        breaker.succeeded(breaker.acquire() or Permit())
    breaker.failed(breaker.acquire() or Permit())
    assert breaker.state == "closed" and breaker.recent_failures == 1


def test_half_open_lets_exactly_one_probe_through_and_its_success_closes() -> None:
    clock = Clock()
    breaker = CircuitBreaker(failures=1, cooldown_s=30, clock=clock)
    breaker.failed(breaker.acquire() or Permit())
    clock.now += 29.9
    assert breaker.state == "open" and breaker.acquire() is None
    assert breaker.retry_in_s() == pytest.approx(0.1)
    clock.now += 0.2
    assert breaker.state == "half_open"
    probe = breaker.acquire()
    assert probe is not None and probe.probe
    assert breaker.acquire() is None  # one probe at a time
    breaker.succeeded(probe)
    assert breaker.state == "closed" and breaker.acquire() == Permit()


def test_a_failed_probe_reopens_for_another_cooldown() -> None:
    clock = Clock()
    breaker = CircuitBreaker(failures=2, cooldown_s=10, clock=clock)
    for _ in range(2):
        breaker.failed(breaker.acquire() or Permit())
    clock.now += 10
    probe = breaker.acquire()
    assert probe is not None
    breaker.failed(probe)
    assert breaker.state == "open" and breaker.opened_total == 2
    clock.now += 9
    assert breaker.acquire() is None
    clock.now += 1
    assert breaker.acquire() is not None


def test_an_abandoned_probe_frees_the_slot() -> None:
    clock = Clock()
    breaker = CircuitBreaker(failures=1, cooldown_s=1, clock=clock)
    breaker.failed(breaker.acquire() or Permit())
    clock.now += 1
    probe = breaker.acquire()
    assert probe is not None and breaker.acquire() is None
    breaker.abandoned(probe)
    assert breaker.acquire() is not None


def test_a_late_failure_of_an_old_call_does_not_extend_the_cooldown() -> None:
    clock = Clock()
    breaker = CircuitBreaker(failures=1, cooldown_s=10, clock=clock)
    old = breaker.acquire()
    breaker.failed(breaker.acquire() or Permit())
    clock.now += 9
    assert old is not None
    breaker.failed(old)  # started before the circuit opened
    clock.now += 1
    assert breaker.state == "half_open"


def test_concurrent_calls_count_every_failure_and_admit_one_probe() -> None:
    clock = Clock()
    breaker = CircuitBreaker(failures=50, cooldown_s=5, clock=clock)
    barrier = threading.Barrier(8)

    def fail_some() -> None:
        barrier.wait()
        for _ in range(10):
            permit = breaker.acquire()
            if permit is not None:
                breaker.failed(permit)

    threads = [threading.Thread(target=fail_some) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=5)
    assert breaker.state == "open" and breaker.opened_total == 1
    clock.now += 5
    permits: list[Permit | None] = []
    lock = threading.Lock()

    def try_probe() -> None:
        barrier.wait()
        got = breaker.acquire()
        with lock:
            permits.append(got)

    threads = [threading.Thread(target=try_probe) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=5)
    assert sum(p is not None for p in permits) == 1


def test_bad_configuration_is_refused() -> None:
    with pytest.raises(ValueError):
        CircuitBreaker(failures=0)


def test_deadline_bounds_each_call_and_is_spent() -> None:
    clock = Clock()
    deadline = Deadline(3.0, clock=clock)
    assert deadline.timeout(30) == 3.0 and deadline.timeout(1) == 1
    clock.now += 2.5
    assert deadline.timeout(30) == pytest.approx(0.5)
    assert deadline.allows_wait(0.0) and not deadline.allows_wait(0.1)
    clock.now += 0.5
    assert deadline.spent and deadline.remaining() == 0
    assert not Deadline.unlimited().spent


def test_failures_describe_themselves_safely() -> None:
    import httpx
    import openai

    request = httpx.Request("POST", "http://127.0.0.1/v1/chat/completions")
    body = "internal: db-prod-3 password=hunter2"
    response = httpx.Response(503, request=request, text=body)
    failure = classify(openai.InternalServerError(body, response=response, body=None))
    assert str(failure) == "the model returned HTTP 503" and failure.unavailable and failure.retryable
    assert "hunter2" in failure.detail  # for DEBUG only
    limited = httpx.Response(429, request=request, headers={"Retry-After": "20"}, text=body)
    failure = classify(openai.RateLimitError(body, response=limited, body=None))
    assert failure.kind == "rate_limited" and failure.retry_after_s == 20
    assert str(failure) == "the model was rate-limited (HTTP 429)"
    ms = httpx.Response(429, request=request, headers={"retry-after-ms": "1500"})
    assert classify(openai.RateLimitError("x", response=ms, body=None)).retry_after_s == 1.5
    assert classify(httpx.RemoteProtocolError("peer closed connection")).kind == "malformed"
    assert classify(openai.APITimeoutError(request=request)).kind == "timeout"
    assert not ModelFailure("invalid_output").unavailable
    assert ModelFailure("circuit_open").skipped and not ModelFailure("circuit_open").unavailable


def test_the_metrics_gauge_knows_every_state() -> None:
    from assistant.api.metrics import CIRCUIT_STATES
    from assistant.llm.circuit import STATES

    assert CIRCUIT_STATES == STATES


def test_reasons_written_before_the_budget_ran_out_are_kept() -> None:
    """Reasons mode (one call per product): the budget runs out after the first product; its reason
    is kept and the others are composed from catalog facts, with a safe degraded note."""
    from assistant.explain import ReasonReply, explain
    from assistant.schemas import QueryPlan, Usage
    from retrieval.catalog import Product

    products = [
        Product(id=f"k{i}", title=f"Steel Kettle {i}", brand="Brewline", price=40.0 + i) for i in range(3)
    ]
    calls: list[str] = []

    def call(prompt: str, variables: dict[str, str], schema: type, /) -> tuple[ReasonReply, Usage]:
        calls.append(prompt)
        if len(calls) > 1:
            raise ModelFailure("budget_spent")
        return ReasonReply(reason="The Steel Kettle 0 by Brewline is a steel kettle."), Usage(llm_calls=1)

    plan = QueryPlan(query="kettle")
    result = explain(
        products,
        plan,
        mode="reasons",
        call=call,
        n=3,
        vocabulary=None,
        shopper_text="a kettle",  # type: ignore[arg-type]
    )
    assert len(calls) == 2 and not result.failed
    assert result.reasons[0].startswith("The Steel Kettle 0 by Brewline")
    assert all(result.reasons[1:])
    assert any("skipped (the turn's time budget" in p for p in result.problems)

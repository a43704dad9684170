"""Prometheus metrics for one app (its own registry, so several apps in one process don't collide).

* ``aisle_http_requests_total{route,method,status}`` and ``aisle_http_request_seconds{route}``
* ``aisle_turns_total``, ``aisle_turn_stage_seconds{stage}`` (from the ``done`` event's ``timings_ms``)
* ``aisle_llm_tokens_total{kind}`` (prompt / completion), ``aisle_degraded_total{stage}``
* ``aisle_llm_circuit_state{state}``: 1 for the LLM circuit breaker's current state (``closed``,
  ``open``, ``half_open``), 0 for the others — read from the assistant when ``/metrics`` is scraped
"""

from __future__ import annotations

import time

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from assistant.schemas import DegradedEvent, DoneEvent

__all__ = ["CONTENT_TYPE_LATEST", "ApiMetrics", "MetricsMiddleware"]

CIRCUIT_STATES = ("closed", "open", "half_open")
"""``assistant.llm.circuit.STATES``, repeated so that importing the API does not import the LLM stack."""

_STAGE_BUCKETS = (0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class ApiMetrics:
    """The app's metric families and the helpers that feed them."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "aisle_http_requests", "HTTP requests by route template and status.",
            ["route", "method", "status"], registry=self.registry,
        )  # fmt: skip
        self.request_seconds = Histogram(
            "aisle_http_request_seconds", "HTTP request duration (streams: until the last byte).",
            ["route"], registry=self.registry,
        )  # fmt: skip
        self.turns = Counter("aisle_turns", "Finished chat turns.", registry=self.registry)
        self.stage_seconds = Histogram(
            "aisle_turn_stage_seconds", "Per-stage latency of chat turns (from the done event).",
            ["stage"], buckets=_STAGE_BUCKETS, registry=self.registry,
        )  # fmt: skip
        self.tokens = Counter(
            "aisle_llm_tokens", "LLM tokens used by turns.", ["kind"], registry=self.registry
        )
        self.degraded = Counter(
            "aisle_degraded", "Turn stages that fell back.", ["stage"], registry=self.registry
        )
        self.llm_circuit = Gauge(
            "aisle_llm_circuit_state", "LLM circuit breaker: 1 for the current state (open: turns skip the model).",
            ["state"], registry=self.registry,
        )  # fmt: skip

    def observe_event(self, event: object) -> None:
        """Record what a turn's event says about stages, tokens and fallbacks."""
        if isinstance(event, DoneEvent):
            self.turns.inc()
            for stage, ms in event.timings_ms.items():
                self.stage_seconds.labels(stage=stage).observe(max(ms, 0.0) / 1000.0)
            self.tokens.labels(kind="prompt").inc(event.usage.prompt_tokens)
            self.tokens.labels(kind="completion").inc(event.usage.completion_tokens)
        elif isinstance(event, DegradedEvent):
            self.degraded.labels(stage=event.stage).inc()

    def observe_circuit(self, state: str) -> None:
        """Set the circuit gauge to ``state`` (called when ``/metrics`` is scraped)."""
        for name in CIRCUIT_STATES:
            self.llm_circuit.labels(state=name).set(1.0 if name == state else 0.0)

    def render(self) -> bytes:
        return generate_latest(self.registry)


class MetricsMiddleware:
    """Counts every HTTP request by its route template (``/v1/products/{product_id}``) and status."""

    def __init__(self, app: ASGIApp, metrics: ApiMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        finally:
            route = scope.get("route")
            template = getattr(route, "path", None) or "unmatched"
            self.metrics.requests.labels(route=template, method=scope["method"], status=str(status)).inc()
            self.metrics.request_seconds.labels(route=template).observe(time.perf_counter() - started)

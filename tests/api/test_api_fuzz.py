"""Schemathesis against the live app: every operation of the OpenAPI document, with generated valid
and invalid requests, over a real uvicorn server running the real core (hash embedder, fake LLM,
a slice of the demo catalog). Every response must be a non-5xx whose status, content type, headers
and body are the ones the spec documents.

Each operation runs as valid requests from an admin key, a storefront key and no key, and as invalid
requests; bounded to ``MAX_EXAMPLES`` generated cases per operation and run.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import schemathesis
from http_support import LiveServer, make_settings, write_small_catalog
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from assistant.api import create_app
from assistant.llm.fake import FakeChatModel
from assistant.turn import build_assistant
from retrieval.components import open_catalog
from retrieval.embed import HashEmbedder
from retrieval.ingest import ingest_feed

MAX_EXAMPLES = 10
ADMIN = {"Authorization": "Bearer sk-ops"}  # an admin key reaches every route
STOREFRONT = {"Authorization": "Bearer sk-shop"}
OPERATIONS = [
    ("POST", "/v1/chat"),
    ("POST", "/v1/chat/completions"),
    ("POST", "/v1/feedback"),
    ("POST", "/v1/events"),
    ("GET", "/v1/sessions/{session_id}"),
    ("GET", "/v1/shoppers/{shopper_id}/export"),
    ("DELETE", "/v1/shoppers/{shopper_id}"),
    ("GET", "/v1/products/{product_id}"),
    ("GET", "/v1/search"),
    ("POST", "/v1/catalog"),
    ("GET", "/healthz"),
    ("GET", "/readyz"),
    ("GET", "/metrics"),
]
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture(scope="module")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    root: Path = tmp_path_factory.mktemp("fuzz")
    # No request limits: the fuzzer sends many requests, many of them without a valid key.
    settings_ = make_settings(
        root / "data",
        api_keys={"sk-shop": "storefront", "sk-ops": "admin"},
        rate_limit_per_minute=0,
        auth_failures_per_minute=0,
    )
    catalog = open_catalog(settings_, embedder=HashEmbedder())
    assert ingest_feed(catalog, write_small_catalog(root / "feed.jsonl")).added > 0
    assistant = build_assistant(settings_, chat_model=FakeChatModel(), catalog=catalog)
    with LiveServer(create_app(settings_, assistant=assistant)) as server:
        yield server
    assistant.store.close()
    catalog.close()


@pytest.fixture(scope="module")
def api_schema(live_app: LiveServer) -> schemathesis.BaseSchema:
    return schemathesis.openapi.from_url(f"{live_app.url}/openapi.json")


# (mode, caller): valid requests as each kind of caller, and invalid requests as an admin.
RUNS = {
    "valid-admin": (GenerationMode.POSITIVE, ADMIN),
    "valid-storefront": (GenerationMode.POSITIVE, STOREFRONT),
    "valid-no-key": (GenerationMode.POSITIVE, {}),
    "invalid-admin": (GenerationMode.NEGATIVE, ADMIN),
}


NO_INPUT = {"/healthz", "/readyz", "/metrics"}  # nothing to make invalid


@pytest.mark.parametrize(
    ("method", "path", "run"),
    [(m, p, run) for m, p in OPERATIONS for run in RUNS if not (p in NO_INPUT and run.startswith("invalid"))],
)
def test_every_response_is_documented_and_never_a_server_error(
    api_schema: schemathesis.BaseSchema, method: str, path: str, run: str
) -> None:
    mode, caller = RUNS[run]
    operation = api_schema[path][method]

    @settings(
        max_examples=MAX_EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
    )
    @given(case=operation.as_strategy(generation_mode=mode))
    def call(case: schemathesis.Case) -> None:
        case.call_and_validate(headers=caller, checks=CHECKS, timeout=30)

    call()

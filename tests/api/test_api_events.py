"""``POST /v1/events`` and the served-list log the chat routes write (fake assistant, real SQLite store)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from http_support import FakeAssistant

from assistant.api.experiments import Experiments
from assistant.errors import ConfigurationError

KEYS = {"sk-shop-a": "storefront", "sk-shop-b": "storefront", "sk-ops": "admin"}
A = {"Authorization": "Bearer sk-shop-a"}
B = {"Authorization": "Bearer sk-shop-b"}
OPS = {"Authorization": "Bearer sk-ops"}

EXPERIMENTS = """
experiments:
  - name: answer-length
    variants:
      - {name: control, weight: 1}
      - {name: same, weight: 1}
"""
"""An A/A experiment: the fake assistant cannot run variants that change settings (see
tests/api/test_api_experiments.py for those, on the real core)."""


@pytest.fixture
def client(make_client: Callable[..., TestClient], tmp_path: Path) -> TestClient:
    path = tmp_path / "experiments.yaml"
    path.write_text(EXPERIMENTS)
    return make_client(api_keys=KEYS, rate_limit_per_minute=0, experiments=path)


def _turn(client: TestClient, headers: dict[str, str] = A, **body: object) -> dict:
    r = client.post("/v1/chat", json={"message": "quiet dishwasher", **body}, headers=headers)
    assert r.status_code == 200, r.text
    return r.json()  # type: ignore[no-any-return]


def _event(turn: dict, eid: str, kind: str = "click", rank: int = 1, **kw: object) -> dict:
    pid = turn["recommendations"][rank - 1]["product"]["id"]
    return {
        "event_id": eid,
        "type": kind,
        "session_id": turn["session_id"],
        "turn_id": turn["turn_id"],
        "product_id": pid,
        **kw,
    }


def test_a_turn_logs_what_it_showed_with_its_assignments(
    client: TestClient, fake_assistant: FakeAssistant
) -> None:
    turn = _turn(client, shopper_id="alice")
    [served] = fake_assistant.store.served()
    assert served.turn_id == turn["turn_id"] and served.session_id == turn["session_id"]
    assert served.product_ids == [r["product"]["id"] for r in turn["recommendations"]]
    assert served.shopper_id == "alice" and set(served.assignments) == {"answer-length"}
    again = _turn(client, shopper_id="alice")  # the same shopper keeps the same variant
    assert fake_assistant.store.served_turns([again["turn_id"]])[again["turn_id"]].assignments == (
        served.assignments
    )


def test_events_are_attributed_stored_once_and_rejected_one_by_one(
    client: TestClient, fake_assistant: FakeAssistant
) -> None:
    turn = _turn(client, shopper_id="alice")
    batch = {
        "events": [
            _event(turn, "e1", "impression", shopper_id="alice"),
            _event(turn, "e2", "click", rank=2, shopper_id="alice"),
            _event(turn, "e3", "purchase", value=19.99, shopper_id="alice"),
            {**_event(turn, "e4", shopper_id="alice"), "turn_id": "no-such-turn"},
            {**_event(turn, "e5", shopper_id="alice"), "product_id": "never-shown"},
            _event(turn, "e6", shopper_id="mallory"),  # not the session's shopper
        ]
    }
    r = client.post("/v1/events", json=batch, headers=A)
    assert r.status_code == 200, r.text
    body = r.json()
    assert (body["accepted"], body["duplicates"]) == (3, 0)
    assert [(x["index"], x["event_id"]) for x in body["rejected"]] == [(3, "e4"), (4, "e5"), (5, "e6")]
    assert "not shown" in body["rejected"][1]["reason"]
    again = client.post("/v1/events", json=batch, headers=A).json()  # a retried batch
    assert (again["accepted"], again["duplicates"]) == (0, 3)
    stored = list(fake_assistant.store.events())
    assert [e.event_id for e in stored] == ["e1", "e2", "e3"]
    assert stored[1].position == 2  # filled from the served list
    served = fake_assistant.store.served_turns([turn["turn_id"]])[turn["turn_id"]]
    assert all(e.assignments == served.assignments for e in stored)
    # another storefront key cannot attribute events to this session
    other = client.post("/v1/events", json={"events": [_event(turn, "x1", shopper_id="alice")]}, headers=B)
    assert other.status_code == 200 and other.json()["accepted"] == 0 and other.json()["rejected"]
    # the shopper's export and erase include them
    export = client.get("/v1/shoppers/alice/export", headers=OPS).json()
    assert {e["event_id"] for e in export["events"]} == {"e1", "e2", "e3"} and len(export["served"]) == 1
    erased = client.delete("/v1/shoppers/alice", headers=OPS).json()
    assert (erased["events"], erased["served"]) == (3, 1)


def test_an_anonymous_session_needs_no_shopper(client: TestClient) -> None:
    turn = _turn(client)
    r = client.post(
        "/v1/events", json={"events": [_event(turn, "e1"), _event(turn, "e2", "impression")]}, headers=A
    )
    assert r.json()["accepted"] == 2


@pytest.mark.parametrize(
    "body",
    [
        b'{"events": []}',
        b'{"events": [{"event_id": "e", "type": "click", "session_id": "s", "turn_id": "t",'
        b' "product_id": "p", "value": NaN}]}',
        b'{"events": [{"event_id": "e", "type": "click", "session_id": "s", "turn_id": "t",'
        b' "product_id": "p", "value": 1e400}]}',
        b'{"events": [{"event_id": "e", "type": "click", "session_id": "s", "turn_id": "t",'
        b' "product_id": "p", "assignments": {"answer-length": "short"}}]}',
        b'{"events": [{"event_id": "", "type": "click", "session_id": "s", "turn_id": "t", "product_id": "p"}]}',
    ],
)
def test_bad_bodies_are_422(client: TestClient, body: bytes) -> None:
    r = client.post("/v1/events", content=body, headers={**A, "Content-Type": "application/json"})
    assert r.status_code == 422, r.text


def test_events_need_a_key_and_a_json_body(client: TestClient) -> None:
    assert client.post("/v1/events", json={"events": []}).status_code == 401
    r = client.post("/v1/events", content=b"events", headers={**A, "Content-Type": "text/plain"})
    assert r.status_code == 415


def test_a_full_batch_fits_the_body_limit(client: TestClient) -> None:
    turn = _turn(client)
    events = [
        _event(turn, f"event-{i:06d}-{'x' * 80}", "impression", occurred_at="2026-11-30T12:00:00Z")
        for i in range(500)
    ]
    r = client.post("/v1/events", json={"events": events}, headers=A)
    assert r.status_code == 200, r.text[:300]
    assert r.json()["accepted"] == 500


def test_a_bad_experiments_file_fails_at_startup(api_settings: object, tmp_path: Path) -> None:
    from http_support import make_settings

    path = tmp_path / "bad.yaml"
    path.write_text("experiments:\n  - name: x\n    variants:\n      - {name: a, overrides: {rrf_k: -1}}\n")
    with pytest.raises(ConfigurationError, match="rrf_k"):
        Experiments(make_settings(tmp_path / "d", experiments=path))
    path.write_text(
        "experiments:\n  - name: x\n    variants:\n      - {name: a, overrides: {temperature: 1}}\n"
    )
    with pytest.raises(ConfigurationError, match="temperature"):
        Experiments(make_settings(tmp_path / "d", experiments=path))


def test_the_stream_and_the_openai_facade_log_their_turns_too(
    client: TestClient, fake_assistant: FakeAssistant, sse: Callable[[str], list[tuple[str, dict | str]]]
) -> None:
    r = client.post("/v1/chat", json={"message": "tents"}, headers={**A, "Accept": "text/event-stream"})
    events = dict((n, d) for n, d in sse(r.text) if n != ":")
    turn_id = events["recommendations"]["turn_id"]  # type: ignore[index]
    ranks = [x["rank"] for x in events["recommendations"]["recommendations"]]  # type: ignore[index]
    assert ranks == list(range(1, len(ranks) + 1))
    body = {"messages": [{"role": "user", "content": "tents"}]}
    completion = client.post("/v1/chat/completions", json=body, headers=A).json()
    logged = fake_assistant.store.served_turns([turn_id, completion["aisle"]["turn_id"]])
    assert len(logged) == 2
    assert logged[completion["aisle"]["turn_id"]].product_ids == [
        x["product"]["id"] for x in completion["aisle"]["recommendations"]
    ]

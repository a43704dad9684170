"""A scripted capable model that replays recorded plans (``AISLE_LLM=fake``, ``AISLE_FAKE_SCRIPT=plans``).

It answers the ``plan`` prompt with the JSON recorded for that conversation turn in a fixtures file
(``AISLE_FAKE_PLANS``, written by ``python -m eval.plan_fixtures``) and anything else with the fake's
default reply. A turn is found by its latest message and the shopper's earlier messages, both read
from the rendered prompt; a turn with no recording gets ``{}`` (an empty plan: the parser's stands).

The recordings are the deterministic parse's plans rewritten as a model fills the schema, plus
deliberate deviations — right and wrong — that the schema check and the merge rules must handle
(each is labelled in the file with what it is and whether a strict ``json_schema`` endpoint could
have sent it). So a run proves the JSON-schema path, the check and the merge end to end with a model
that follows the schema; it says nothing about how well a real model plans.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from langchain_core.messages import BaseMessage
from pydantic import BaseModel, ConfigDict, Field

from assistant.llm.fake import DEFAULT_REPLY

__all__ = ["Deviation", "PlanFixtures", "PlanReplay", "RecordedPlan", "turn_key"]

log = logging.getLogger(__name__)

_LATEST = re.compile(r"(?s)Latest message: (?P<message>.*)\Z")
_HISTORY = re.compile(r"(?s)Conversation so far \(oldest first\):\n(?P<history>.*?)\n\nProducts shown last:")


class Deviation(BaseModel):
    """A deliberate departure from the parser's plan, and what the checks must do with it."""

    model_config = ConfigDict(extra="forbid")

    kind: str
    note: str
    in_schema: bool = Field(description="Whether a strict json_schema endpoint could have sent it.")
    expect: str = Field(description="What the check or merge must do: a Dropped reason, or 'kept'.")


class RecordedPlan(BaseModel):
    """The model's reply for one turn of one conversation."""

    model_config = ConfigDict(extra="forbid")

    suite: str
    case: str
    turn: int = Field(ge=1)
    earlier: list[str] = Field(default_factory=list, description="The shopper's earlier messages.")
    message: str
    plan: dict[str, Any] = Field(description="The JSON the model answers (a ModelPlan's wire shape).")
    raw: str | None = Field(
        default=None, description="Reply text sent instead of `plan` (invalid JSON on purpose)."
    )
    deviations: list[Deviation] = Field(default_factory=list)

    def reply(self) -> str:
        return self.raw if self.raw is not None else json.dumps(self.plan)


class PlanFixtures(BaseModel):
    """A recorded plans file."""

    model_config = ConfigDict(extra="forbid")

    description: str
    method: str
    command: str
    plans: list[RecordedPlan]


def turn_key(earlier: Sequence[str], message: str) -> tuple[str, ...]:
    return (*(" ".join(m.split()) for m in earlier), " ".join(message.split()))


class PlanReplay:
    """A responder for :class:`~assistant.llm.fake.FakeChatModel`: recorded plan JSON per turn."""

    def __init__(self, fixtures: PlanFixtures) -> None:
        self.fixtures = fixtures
        self._by_turn = {turn_key(p.earlier, p.message): p for p in fixtures.plans}
        self._lock = threading.Lock()
        self.replayed = 0
        self.missed = 0

    @classmethod
    def load(cls, path: Path) -> PlanReplay:
        return cls(PlanFixtures.model_validate_json(Path(path).read_text("utf-8")))

    def __call__(self, messages: list[BaseMessage]) -> str:
        system = messages[0].text if messages else ""
        user = messages[-1].text if messages else ""
        latest = _LATEST.search(user)
        if '"referenced_ids"' not in system or latest is None:
            return DEFAULT_REPLY  # not the plan prompt
        history = _HISTORY.search(user)
        lines = history.group("history").splitlines() if history else []
        earlier = [line.removeprefix("user: ") for line in lines if line.startswith("user: ")]
        found = self._by_turn.get(turn_key(earlier, latest.group("message")))
        with self._lock:
            if found is None:
                self.missed += 1
            else:
                self.replayed += 1
        if found is None:
            log.warning("no recorded plan for this turn: answering {} (the parser's plan stands)")
            return "{}"
        return found.reply()

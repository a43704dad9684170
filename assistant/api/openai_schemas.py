"""Wire models of the OpenAI-compatible façade (``POST /v1/chat/completions``).

Only the fields Aisle reads or writes are modelled; other request fields (``temperature``…) are
accepted and ignored, so any OpenAI client works unmodified.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from assistant.schemas import DegradedEvent, ProductCard, QueryPlan, Recommendation

__all__ = [
    "AisleExtension",
    "ChatCompletionChunkPublic",
    "ChatCompletionCreate",
    "ChatCompletionPublic",
    "ChoicePublic",
    "ChunkChoicePublic",
    "CompletionUsagePublic",
    "ContentPartCreate",
    "DeltaPublic",
    "MessageCreate",
    "MessagePublic",
    "StreamOptionsCreate",
]


class ContentPartCreate(BaseModel):
    model_config = ConfigDict(extra="allow")

    type: str
    text: str | None = None


class MessageCreate(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[ContentPartCreate] | None = None

    def text(self) -> str:
        if isinstance(self.content, str):
            return self.content
        return "".join(p.text or "" for p in self.content or [] if p.type == "text")


class StreamOptionsCreate(BaseModel):
    model_config = ConfigDict(extra="allow")

    include_usage: bool = False


class ChatCompletionCreate(BaseModel):
    """An OpenAI chat-completions request. Aisle reads ``messages``, ``stream``, ``user``, ``metadata``.

    * the **last user message** is the shopper's message (≤ 4000 characters);
    * ``metadata.session_id`` continues a session; without it every request starts a new session
      whose server-issued id comes back in the ``X-Aisle-Session-Id`` header and in
      ``aisle.session_id`` (send it as ``metadata.session_id`` to continue the conversation);
    * ``user`` (or ``metadata.shopper_id``) is the shopper id; a session that has a shopper can only
      be continued with that shopper id.
    """

    model_config = ConfigDict(extra="allow")

    model: str = "aisle"
    messages: list[MessageCreate] = Field(min_length=1, max_length=200)
    stream: bool = False
    stream_options: StreamOptionsCreate | None = None
    user: str | None = Field(default=None, max_length=128)
    metadata: dict[str, str] | None = None


class AisleExtension(BaseModel):
    """Aisle's extension field: what the turn recommended, beside the plain text."""

    session_id: str
    turn_id: str
    recommendations: list[Recommendation] = Field(default_factory=list)
    products: list[ProductCard] = Field(default_factory=list)
    plan: QueryPlan | None = None
    degraded: list[DegradedEvent] = Field(default_factory=list)


class MessagePublic(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str


class ChoicePublic(BaseModel):
    index: int = 0
    message: MessagePublic
    finish_reason: Literal["stop"] = "stop"
    logprobs: None = None


class CompletionUsagePublic(BaseModel):
    prompt_tokens: int = 0
    completion_tokens: int = 0
    total_tokens: int = 0


class ChatCompletionPublic(BaseModel):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[ChoicePublic]
    usage: CompletionUsagePublic
    aisle: AisleExtension


class DeltaPublic(BaseModel):
    role: Literal["assistant"] | None = None
    content: str | None = None


class ChunkChoicePublic(BaseModel):
    index: int = 0
    delta: DeltaPublic
    finish_reason: Literal["stop"] | None = None
    logprobs: None = None


class ChatCompletionChunkPublic(BaseModel):
    id: str
    object: Literal["chat.completion.chunk"] = "chat.completion.chunk"
    created: int
    model: str
    choices: list[ChunkChoicePublic]
    usage: CompletionUsagePublic | None = None
    aisle: AisleExtension | None = None

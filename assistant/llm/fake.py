"""A scripted chat model for tests and offline demos (``AISLE_LLM=fake``).

Each call pops the next scripted reply: a string, an exception to raise, a callable taking the
messages and returning a string, or a :class:`FakeReply` (any of those plus a delay, to test
timeouts). When the script is empty the model answers :attr:`FakeChatModel.default_reply` — a fixed,
deterministic text (so a structured call against an empty fake fails validation and exercises the
caller's fallback). Every message list it was sent is recorded in :attr:`FakeChatModel.calls`.
"""

from __future__ import annotations

import re
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.messages.ai import UsageMetadata
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

__all__ = ["CHARS_PER_TOKEN", "DEFAULT_REPLY", "FakeChatModel", "FakeReply", "ReplyContent", "ScriptItem"]

DEFAULT_REPLY = "This is the fake model's default reply."
CHARS_PER_TOKEN = 4.0

ReplyContent = str | BaseException | Callable[[list[BaseMessage]], str]


class FakeReply(BaseModel):
    """One scripted reply, optionally after a delay (seconds)."""

    model_config = ConfigDict(arbitrary_types_allowed=True, frozen=True)

    content: ReplyContent
    delay_s: float = 0.0


ScriptItem = ReplyContent | FakeReply

_CHUNK = re.compile(r"\S+\s*|\s+")


def _words(text: str) -> int:
    return len(text.split())


def _tokens(text: str) -> float:
    """Tokens a real tokenizer would count, roughly (about four characters each in English text)."""
    return len(text) / CHARS_PER_TOKEN


class FakeChatModel(BaseChatModel):
    """A ``BaseChatModel`` that replays a script; thread-safe, so it can sit behind a timeout.

    With ``first_token_s`` / ``tokens_per_s`` it takes a hosted model's time (load benchmarks): a
    stream's first piece comes after ``first_token_s``, the rest at ``tokens_per_s`` (a token being
    about four characters); a whole reply after the time its stream would take.
    """

    model_name: str = "fake"
    default_reply: str = DEFAULT_REPLY
    responder: Callable[[list[BaseMessage]], str] | None = None
    """Answers when the script is empty (instead of ``default_reply``): a scripted model's behaviour."""
    first_token_s: float = Field(default=0.0, ge=0.0)
    """Seconds before the first token (0: at once)."""
    tokens_per_s: float = Field(default=0.0, ge=0.0)
    """Decoding speed after the first token (0: instant)."""

    _queue: deque[FakeReply] = PrivateAttr(default_factory=deque)
    _calls: list[list[BaseMessage]] = PrivateAttr(default_factory=list)
    _call_kwargs: list[dict[str, Any]] = PrivateAttr(default_factory=list)
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    def __init__(self, script: Iterable[ScriptItem] = (), **data: Any) -> None:
        super().__init__(**data)
        self.add(*script)

    @property
    def _llm_type(self) -> str:
        return "aisle-fake"

    @property
    def calls(self) -> list[list[BaseMessage]]:
        """Every message list the model was sent, in order."""
        return self._calls

    @property
    def call_kwargs(self) -> list[dict[str, Any]]:
        """The keyword arguments of each call (e.g. ``response_format``), aligned with :attr:`calls`."""
        return self._call_kwargs

    @property
    def pending(self) -> int:
        """Scripted replies not yet used."""
        return len(self._queue)

    def add(self, *items: ScriptItem) -> None:
        """Append replies to the script."""
        for item in items:
            self._queue.append(item if isinstance(item, FakeReply) else FakeReply(content=item))

    def _next_text(self, messages: list[BaseMessage], kwargs: dict[str, Any]) -> str:
        with self._lock:
            self._calls.append(list(messages))
            self._call_kwargs.append(dict(kwargs))
            if self._queue:
                reply = self._queue.popleft()
            else:
                reply = FakeReply(content=self.responder or self.default_reply)
        if reply.delay_s:
            time.sleep(reply.delay_s)
        content = reply.content
        if isinstance(content, BaseException):
            raise content
        if callable(content):
            return content(list(messages))
        return content

    def _decode_s(self, text: str) -> float:
        return _tokens(text) / self.tokens_per_s if self.tokens_per_s else 0.0

    @staticmethod
    def _usage(messages: list[BaseMessage], text: str) -> UsageMetadata:
        prompt = sum(_words(m.text) for m in messages)
        completion = _words(text)
        return UsageMetadata(input_tokens=prompt, output_tokens=completion, total_tokens=prompt + completion)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        text = self._next_text(messages, kwargs)
        wait = self.first_token_s + self._decode_s(text)
        if wait:
            time.sleep(wait)
        message = AIMessage(content=text, usage_metadata=self._usage(messages, text))
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        text = self._next_text(messages, kwargs)
        if self.first_token_s:
            time.sleep(self.first_token_s)
        for i, piece in enumerate(_CHUNK.findall(text)):
            if i and self.tokens_per_s:
                time.sleep(self._decode_s(piece))
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=piece))
            if run_manager:
                run_manager.on_llm_new_token(piece, chunk=chunk)
            yield chunk
        yield ChatGenerationChunk(
            message=AIMessageChunk(
                content="", usage_metadata=self._usage(messages, text), chunk_position="last"
            )
        )

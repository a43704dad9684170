"""How the Streamlit app reaches the core: over HTTP SSE (``AISLE_API_URL``) or in-process.

Both transports yield the same typed :data:`~assistant.schemas.ChatEvent` objects, so the app only
renders. The in-process one wraps an :class:`~assistant.turn.Assistant` (or anything shaped like it).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, Protocol

import httpx
from pydantic import BaseModel, SecretStr, TypeAdapter, ValidationError

from assistant.errors import AisleError
from assistant.schemas import ChatEvent, ChatRequest, FeedbackRequest

if TYPE_CHECKING:
    from assistant.settings import Settings

__all__ = [
    "ChatTransport",
    "HttpTransport",
    "InProcessTransport",
    "SseMessage",
    "TransportError",
    "iter_sse",
    "make_transport",
]

_EVENT = TypeAdapter(ChatEvent)


class TransportError(AisleError):
    """The API could not be reached or answered with an error; the message says what happened."""


class ChatTransport(Protocol):
    def chat(self, request: ChatRequest) -> Iterator[ChatEvent]: ...

    def feedback(self, request: FeedbackRequest) -> None: ...

    def llm_description(self) -> str: ...


class SseMessage(BaseModel):
    event: str = "message"
    data: str = ""


def iter_sse(lines: Iterable[str]) -> Iterator[SseMessage]:
    """SSE messages from a stream's lines (comments and pings skipped; multi-line data joined)."""
    event = "message"
    data: list[str] = []
    for raw in lines:
        line = raw.rstrip("\r")
        if not line:
            if data:
                yield SseMessage(event=event, data="\n".join(data))
            event, data = "message", []
        elif line.startswith(":"):
            continue
        else:
            name, _, value = line.partition(":")
            value = value.removeprefix(" ")
            if name == "event":
                event = value
            elif name == "data":
                data.append(value)
    if data:
        yield SseMessage(event=event, data="\n".join(data))


class HttpTransport:
    """Talks to ``POST /v1/chat`` (SSE) and ``POST /v1/feedback`` of an Aisle API."""

    def __init__(self, api_url: str, *, api_key: SecretStr | None = None, timeout_s: float = 120.0) -> None:
        headers = {"Authorization": f"Bearer {api_key.get_secret_value()}"} if api_key else {}
        self.api_url = api_url.rstrip("/")
        self._http = httpx.Client(
            base_url=self.api_url, headers=headers, timeout=httpx.Timeout(timeout_s, connect=5.0)
        )

    def _fail(self, response: httpx.Response) -> TransportError:
        try:
            detail: Any = response.json().get("detail", response.text)
        except ValueError:
            detail = response.text
        return TransportError(f"{self.api_url} answered {response.status_code}: {detail}")

    def chat(self, request: ChatRequest) -> Iterator[ChatEvent]:
        body = request.model_dump(mode="json", exclude_none=True)
        try:
            with self._http.stream(
                "POST", "/v1/chat", json=body, headers={"Accept": "text/event-stream"}
            ) as response:
                if response.status_code != 200:
                    response.read()
                    raise self._fail(response)
                for message in iter_sse(response.iter_lines()):
                    try:
                        yield _EVENT.validate_json(message.data)
                    except ValidationError as exc:
                        raise TransportError(
                            f"unexpected {message.event!r} event from the API: {exc}"
                        ) from exc
        except httpx.HTTPError as exc:
            raise TransportError(f"cannot reach the Aisle API at {self.api_url}: {exc}") from exc

    def feedback(self, request: FeedbackRequest) -> None:
        try:
            response = self._http.post(
                "/v1/feedback", json=request.model_dump(mode="json", exclude_none=True)
            )
        except httpx.HTTPError as exc:
            raise TransportError(f"cannot reach the Aisle API at {self.api_url}: {exc}") from exc
        if response.status_code != 200:
            raise self._fail(response)

    def llm_description(self) -> str:
        try:
            checks = self._http.get("/readyz").json().get("checks", {})
        except (httpx.HTTPError, ValueError):
            return f"unknown (API at {self.api_url} unreachable)"
        llm = checks.get("llm") or checks.get("assistant") or {}
        return f"{llm.get('detail', 'unknown')} (via {self.api_url})"


class _AssistantLike(Protocol):
    llm_description: str

    def chat(self, request: ChatRequest) -> Iterator[ChatEvent]: ...

    def record_feedback(self, request: FeedbackRequest) -> Any: ...


class InProcessTransport:
    """Runs the core in this process (no API server)."""

    def __init__(self, assistant: _AssistantLike) -> None:
        self.assistant = assistant

    def chat(self, request: ChatRequest) -> Iterator[ChatEvent]:
        return self.assistant.chat(request)

    def feedback(self, request: FeedbackRequest) -> None:
        self.assistant.record_feedback(request)

    def llm_description(self) -> str:
        return f"{self.assistant.llm_description} (in-process)"


def make_transport(settings: Settings) -> ChatTransport:
    """HTTP when ``settings.api_url`` is set, else the core in-process (built from ``settings``)."""
    if settings.api_url:
        return HttpTransport(settings.api_url, api_key=settings.ui_api_key)
    from assistant.turn import build_assistant

    return InProcessTransport(build_assistant(settings))

"""``POST /v1/chat/completions``: an OpenAI-compatible façade over the same turn.

Mapping (see :class:`~assistant.api.openai_schemas.ChatCompletionCreate`): the last user message is
the shopper's message; ``metadata.session_id`` continues a session, and without it each request
starts a new one, with an unguessable server-issued id returned in the ``X-Aisle-Session-Id`` header
and in ``aisle.session_id`` (ids are never derived from the conversation's content); ``user`` (or
``metadata.shopper_id``) is the shopper. Text streams as
``chat.completion.chunk``s; the products ride on an early empty-delta chunk and the
recommendations on the final chunk, in the top-level ``aisle`` extension field that OpenAI clients
keep (``chunk.model_extra["aisle"]`` / ``completion.aisle``).
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import AsyncIterator

from fastapi import APIRouter, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from sse_starlette import EventSourceResponse, ServerSentEvent

from assistant.api.bodies import JSONBodyRoute
from assistant.api.deps import AssistantDep, MetricsDep, SettingsDep, StorefrontKey
from assistant.api.experiments import ExperimentsDep, run_turn
from assistant.api.openai_schemas import (
    AisleExtension,
    ChatCompletionChunkPublic,
    ChatCompletionCreate,
    ChatCompletionPublic,
    ChoicePublic,
    ChunkChoicePublic,
    CompletionUsagePublic,
    DeltaPublic,
    MessagePublic,
)
from assistant.api.responses import SESSION_HEADER, SESSION_HEADER_DOC, OpenAIErrorPublic, errors
from assistant.api.routers.chat import INTERNAL_ERROR, sse_headers
from assistant.api.schemas import ChatTurnCreate, TurnFailed, collect_turn
from assistant.api.turns import error_code, observed, open_session
from assistant.errors import AisleError
from assistant.schemas import (
    ChatEvent,
    DegradedEvent,
    DoneEvent,
    ErrorEvent,
    PlanEvent,
    ProductsEvent,
    RecommendationsEvent,
    TokenEvent,
    Usage,
)

__all__ = ["router", "to_chat_request"]

router = APIRouter(tags=["openai"], route_class=JSONBodyRoute)
log = logging.getLogger("assistant.api")


def to_chat_request(body: ChatCompletionCreate) -> ChatTurnCreate:
    """The shopper turn an OpenAI request stands for (422 when there is no user message, or a field
    is invalid). Its ``session_id`` is ``None`` unless ``metadata.session_id`` names one."""
    users = [m for m in body.messages if m.role == "user"]
    if not users:
        raise RequestValidationError(
            [
                {
                    "type": "missing",
                    "loc": ("body", "messages"),
                    "msg": "no message with role 'user'",
                    "input": None,
                }
            ]
        )
    meta = body.metadata or {}
    shopper_id = meta.get("shopper_id") or body.user or None
    # Where each field of the turn came from in the OpenAI request (for 422 locations).
    source: dict[str, tuple[str | int, ...]] = {
        "message": ("body", "messages", -1, "content"),
        "session_id": ("body", "metadata", "session_id"),
        "shopper_id": ("body", "metadata", "shopper_id") if meta.get("shopper_id") else ("body", "user"),
    }
    try:
        return ChatTurnCreate(
            message=users[-1].text(), session_id=meta.get("session_id"), shopper_id=shopper_id
        )
    except ValidationError as exc:
        problems = exc.errors(include_url=False, include_context=False)
        raise RequestValidationError(
            [{**e, "loc": source.get(str(e["loc"][0]), ("body",)) + tuple(e["loc"][1:])} for e in problems]
        ) from exc


def _usage(usage: Usage) -> CompletionUsagePublic:
    return CompletionUsagePublic(
        prompt_tokens=usage.prompt_tokens,
        completion_tokens=usage.completion_tokens,
        total_tokens=usage.prompt_tokens + usage.completion_tokens,
    )


class _ChunkWriter:
    """Turns the core's events into ``chat.completion.chunk`` SSE messages."""

    def __init__(self, model: str, include_usage: bool) -> None:
        self.model = model
        self.include_usage = include_usage
        self.created = int(time.time())
        self.ext: AisleExtension | None = None

    def _chunk(self, turn_id: str, delta: DeltaPublic, **extra: object) -> ServerSentEvent:
        chunk = ChatCompletionChunkPublic(
            id=f"chatcmpl-{turn_id}",
            created=self.created,
            model=self.model,
            choices=[ChunkChoicePublic(delta=delta, finish_reason=extra.pop("finish_reason", None))],  # type: ignore[arg-type]
            **extra,  # type: ignore[arg-type]
        )
        return ServerSentEvent(data=chunk.model_dump_json(exclude_none=True))

    def render(self, event: ChatEvent) -> list[ServerSentEvent]:
        if self.ext is None:
            self.ext = AisleExtension(session_id=event.session_id, turn_id=event.turn_id)
            out = [self._chunk(event.turn_id, DeltaPublic(role="assistant", content=""))]
        else:
            out = []
        ext = self.ext
        if isinstance(event, PlanEvent):
            ext.plan = event.plan
        elif isinstance(event, ProductsEvent):
            ext.products = event.products
            early = AisleExtension(session_id=ext.session_id, turn_id=ext.turn_id, products=event.products)
            out.append(self._chunk(event.turn_id, DeltaPublic(), aisle=early))
        elif isinstance(event, TokenEvent):
            out.append(self._chunk(event.turn_id, DeltaPublic(content=event.text)))
        elif isinstance(event, RecommendationsEvent):
            ext.recommendations = event.recommendations
        elif isinstance(event, DegradedEvent):
            ext.degraded.append(event)
        elif isinstance(event, ErrorEvent):
            out.append(self.error(event.code, event.message))
        elif isinstance(event, DoneEvent):
            out.append(self._chunk(event.turn_id, DeltaPublic(), finish_reason="stop", aisle=ext))
            if self.include_usage:
                final = ChatCompletionChunkPublic(
                    id=f"chatcmpl-{event.turn_id}",
                    created=self.created,
                    model=self.model,
                    choices=[],
                    usage=_usage(event.usage),
                )
                out.append(ServerSentEvent(data=final.model_dump_json(exclude_none=True)))
        return out

    @staticmethod
    def error(code: str, message: str) -> ServerSentEvent:
        return ServerSentEvent(data=json.dumps({"error": {"message": message, "type": code, "code": code}}))


async def _stream(
    first: ChatEvent, rest: AsyncIterator[ChatEvent], writer: _ChunkWriter
) -> AsyncIterator[ServerSentEvent]:
    try:
        for message in writer.render(first):
            yield message
        async for event in rest:
            for message in writer.render(event):
                yield message
    except AisleError as exc:
        yield writer.error(error_code(exc), str(exc))
    except Exception:  # an error chunk, not a cut connection; the details stay in the log
        log.exception("the turn failed mid-stream")
        yield writer.error("internal_error", INTERNAL_ERROR)
    finally:
        await rest.aclose()  # type: ignore[attr-defined]
    yield ServerSentEvent(data="[DONE]")


@router.post(
    "/v1/chat/completions",
    operation_id="create_chat_completion",
    summary="OpenAI-compatible chat completions (stream and non-stream)",
    description=(__doc__ or "").split("\n\n", 1)[1],
    response_model=ChatCompletionPublic,
    responses={
        200: {
            "content": {
                "text/event-stream": {"schema": {"$ref": "#/components/schemas/ChatCompletionChunkPublic"}}
            },
            "headers": SESSION_HEADER_DOC,
        },
        **errors(401, 404, 413, 415, 422, 429, 502, 503, s502=OpenAIErrorPublic),
    },
)
async def create_chat_completion(
    body: ChatCompletionCreate,
    assistant: AssistantDep,
    settings: SettingsDep,
    metrics: MetricsDep,
    experiments: ExperimentsDep,
    key: StorefrontKey,
    response: Response,
) -> ChatCompletionPublic | EventSourceResponse | JSONResponse:
    turn_request = to_chat_request(body)
    session_id = await open_session(assistant.store, key, turn_request.session_id, turn_request.shopper_id)
    events = observed(run_turn(assistant, experiments, turn_request.to_core(session_id)), metrics)
    if body.stream:
        try:
            first = await anext(events)
        except StopAsyncIteration:
            return _failed(TurnFailed(_no_events(session_id)), session_id)
        if isinstance(first, ErrorEvent):  # failed before anything streamed: a real status
            await events.aclose()  # type: ignore[attr-defined]
            return _failed(TurnFailed(first), session_id)
        include_usage = body.stream_options is not None and body.stream_options.include_usage
        writer = _ChunkWriter(body.model, include_usage)
        return EventSourceResponse(
            _stream(first, events, writer), headers=sse_headers(session_id), ping=settings.sse_ping_seconds
        )
    response.headers[SESSION_HEADER] = session_id
    try:
        turn = collect_turn([event async for event in events])
    except TurnFailed as failed:
        return _failed(failed, session_id)
    return ChatCompletionPublic(
        id=f"chatcmpl-{turn.turn_id}",
        created=int(time.time()),
        model=body.model,
        choices=[ChoicePublic(message=MessagePublic(content=turn.message))],
        usage=_usage(turn.usage),
        aisle=AisleExtension(
            session_id=turn.session_id,
            turn_id=turn.turn_id,
            recommendations=turn.recommendations,
            products=turn.products,
            plan=turn.plan,
            degraded=turn.degraded,
        ),
    )


def _no_events(session_id: str) -> ErrorEvent:
    return ErrorEvent(
        session_id=session_id, turn_id="", code="empty_turn", message="the turn produced no events"
    )


def _failed(failed: TurnFailed, session_id: str) -> JSONResponse:
    return JSONResponse(
        {"error": {"message": failed.event.message, "type": failed.event.code, "code": failed.event.code}},
        status_code=502,
        headers={SESSION_HEADER: session_id},
    )

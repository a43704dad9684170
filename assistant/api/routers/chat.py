"""``POST /v1/chat``: one shopper turn, streamed as SSE (``Accept: text/event-stream``) or as JSON."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import APIRouter, Header, Response
from fastapi.responses import JSONResponse
from sse_starlette import EventSourceResponse, ServerSentEvent

from assistant.api.bodies import JSONBodyRoute
from assistant.api.deps import AssistantDep, MetricsDep, SettingsDep, StorefrontKey
from assistant.api.experiments import ExperimentsDep, run_turn
from assistant.api.responses import SESSION_HEADER, SESSION_HEADER_DOC, errors
from assistant.api.schemas import ChatTurnCreate, ChatTurnPublic, TurnFailed, collect_turn
from assistant.api.turns import error_code, observed, open_session
from assistant.errors import AisleError
from assistant.schemas import ChatEvent, ErrorEvent

__all__ = ["SSE_EVENT_NAMES", "router", "sse_headers"]

router = APIRouter(tags=["chat"], route_class=JSONBodyRoute)
log = logging.getLogger("assistant.api")

SSE_EVENT_NAMES = ("plan", "products", "token", "recommendations", "comparison", "degraded", "error", "done")
INTERNAL_ERROR = "the turn failed unexpectedly; please try again"


def sse_headers(session_id: str) -> dict[str, str]:
    return {"X-Accel-Buffering": "no", "Cache-Control": "no-store", SESSION_HEADER: session_id}


async def _sse(first: ChatEvent, rest: AsyncIterator[ChatEvent]) -> AsyncIterator[ServerSentEvent]:
    last = first
    try:
        yield ServerSentEvent(event=first.type, data=first.model_dump_json())
        async for event in rest:
            last = event
            yield ServerSentEvent(event=event.type, data=event.model_dump_json())
    except AisleError as exc:
        # The stream has started (status 200 is sent): a failure becomes the stream's last event.
        error = ErrorEvent(
            session_id=last.session_id, turn_id=last.turn_id, code=error_code(exc), message=str(exc)
        )
        yield ServerSentEvent(event=error.type, data=error.model_dump_json())
    except Exception:
        # Anything else also ends the stream with an `error` event (not a cut connection); its
        # details stay in the log.
        log.exception("the turn failed mid-stream")
        error = ErrorEvent(
            session_id=last.session_id, turn_id=last.turn_id, code="internal_error", message=INTERNAL_ERROR
        )
        yield ServerSentEvent(event=error.type, data=error.model_dump_json())
    finally:
        await rest.aclose()  # type: ignore[attr-defined]


_SSE_DOC = (
    "With `Accept: text/event-stream` the turn streams as Server-Sent Events: `event:` is the event "
    "type and `data:` its JSON (the `ChatEvent` models: "
    + ", ".join(f"`{n}`" for n in SSE_EVENT_NAMES)
    + "). "
    "Order: `plan`, `products`, `token`*, `recommendations`, (`degraded`), `done`; an `error` event ends "
    "a failed stream. Keep-alive pings are SSE comments. Disconnecting stops the turn. Otherwise the "
    "finished turn is returned as JSON. A new session (an unguessable server-issued id) is created when "
    "`session_id` is absent; its id is in every event, in the JSON and in the `X-Aisle-Session-Id` "
    "header. A session is visible only to the API key that created it and, once a turn named a "
    "`shopper_id`, only with that shopper id; anyone else gets 404. What the shopper then does with the "
    "recommendations (impressions, clicks, add-to-cart, purchases) goes to `POST /v1/events`, naming the "
    "turn's `turn_id` and the recommendation's `rank` as its `position`."
)


@router.post(
    "/v1/chat",
    operation_id="chat",
    summary="Chat: one shopper turn (SSE or JSON)",
    description=_SSE_DOC,
    response_model=ChatTurnPublic,
    responses={
        200: {
            "content": {"text/event-stream": {"schema": {"$ref": "#/components/schemas/ChatEvent"}}},
            "headers": SESSION_HEADER_DOC,
        },
        **errors(401, 404, 413, 415, 422, 429, 502, 503),
    },
)
async def chat(
    body: ChatTurnCreate,
    assistant: AssistantDep,
    settings: SettingsDep,
    metrics: MetricsDep,
    experiments: ExperimentsDep,
    key: StorefrontKey,
    response: Response,
    accept: Annotated[str | None, Header()] = None,
) -> ChatTurnPublic | EventSourceResponse | JSONResponse:
    session_id = await open_session(assistant.store, key, body.session_id, body.shopper_id)
    events = observed(run_turn(assistant, experiments, body.to_core(session_id)), metrics)
    if accept and "text/event-stream" in accept:
        # The first step runs before the response starts, so setup errors still get a real status.
        try:
            first = await anext(events)
        except StopAsyncIteration:
            return _no_events(session_id)
        if isinstance(first, ErrorEvent):  # failed before anything streamed: a real status, as in JSON
            await events.aclose()  # type: ignore[attr-defined]
            return _failed(TurnFailed(first), session_id)
        return EventSourceResponse(
            _sse(first, events), headers=sse_headers(session_id), ping=settings.sse_ping_seconds
        )
    response.headers[SESSION_HEADER] = session_id
    try:
        return collect_turn([event async for event in events])
    except TurnFailed as failed:
        return _failed(failed, session_id)


def _no_events(session_id: str) -> JSONResponse:
    return JSONResponse(
        {"detail": "the turn produced no events", "session_id": session_id},
        status_code=502,
        headers={SESSION_HEADER: session_id},
    )


def _failed(failed: TurnFailed, session_id: str) -> JSONResponse:
    return JSONResponse(
        {
            "detail": failed.event.message,
            "code": failed.event.code,
            "session_id": failed.event.session_id or session_id,
        },
        status_code=502,
        headers={SESSION_HEADER: session_id},
    )

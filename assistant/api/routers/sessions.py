"""``GET /v1/sessions/{session_id}``: a session and its messages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel

from assistant.api.bodies import JSONBodyRoute
from assistant.api.deps import AssistantDep, StorefrontKey
from assistant.api.responses import errors
from assistant.api.schemas import SESSION_ID_PATTERN
from assistant.store import MessageRecord, SessionInfo

__all__ = ["SessionPublic", "router"]

router = APIRouter(tags=["sessions"], route_class=JSONBodyRoute)


class SessionPublic(BaseModel):
    session: SessionInfo
    messages: list[MessageRecord]


@router.get(
    "/v1/sessions/{session_id}",
    operation_id="get_session",
    summary="A session's history",
    description="Visible only to the API key that created the session and, once the session has a "
    "shopper, only with that `shopper_id`; otherwise 404, as for a session that does not exist.",
    response_model=SessionPublic,
    responses=errors(401, 404, 422, 429, 503),
)
def get_session(
    session_id: Annotated[str, Path(pattern=SESSION_ID_PATTERN)],
    assistant: AssistantDep,
    key: StorefrontKey,
    shopper_id: Annotated[
        str | None, Query(min_length=1, max_length=128, description="The shopper the session belongs to.")
    ] = None,
) -> SessionPublic:
    info = assistant.store.session_for(session_id, owner=key.owner, shopper_id=shopper_id)
    return SessionPublic(session=info, messages=assistant.store.messages(session_id))

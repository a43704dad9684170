"""``GET /v1/sessions/{session_id}``: a session and its messages."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path
from pydantic import BaseModel

from assistant.api.deps import AssistantDep, StorefrontKey
from assistant.store import MessageRecord, SessionInfo

__all__ = ["SessionPublic", "router"]

router = APIRouter(tags=["sessions"])

SessionId = Annotated[str, Path(max_length=128)]


class SessionPublic(BaseModel):
    session: SessionInfo
    messages: list[MessageRecord]


@router.get(
    "/v1/sessions/{session_id}",
    operation_id="get_session",
    summary="A session's history",
    response_model=SessionPublic,
    responses={404: {"description": "Unknown session."}},
)
def get_session(session_id: SessionId, assistant: AssistantDep, _key: StorefrontKey) -> SessionPublic:
    info = assistant.store.get_session(session_id)
    return SessionPublic(session=info, messages=assistant.store.messages(session_id))

"""``POST /v1/feedback``: thumbs up/down, "not interested" or a click on a shown product."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from assistant.api.bodies import JSONBodyRoute
from assistant.api.deps import AssistantDep, StorefrontKey
from assistant.api.responses import errors
from assistant.api.schemas import FeedbackCreate

__all__ = ["FeedbackPublic", "router"]

router = APIRouter(tags=["feedback"], route_class=JSONBodyRoute)


class FeedbackPublic(BaseModel):
    recorded: bool = True


@router.post(
    "/v1/feedback",
    operation_id="record_feedback",
    summary="Record a shopper's feedback on a product",
    description="Needs a `shopper_id` or a `session_id`; a session must be visible to this key and "
    "shopper (404 otherwise, as for an unknown product).",
    response_model=FeedbackPublic,
    responses=errors(401, 404, 413, 415, 422, 429, 503),
)
def record_feedback(body: FeedbackCreate, assistant: AssistantDep, key: StorefrontKey) -> FeedbackPublic:
    if body.session_id is not None:
        assistant.store.session_for(body.session_id, owner=key.owner, shopper_id=body.shopper_id)
    assistant.record_feedback(body.to_core())
    return FeedbackPublic()

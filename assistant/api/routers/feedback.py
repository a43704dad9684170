"""``POST /v1/feedback``: thumbs up/down, "not interested" or a click on a shown product."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from assistant.api.deps import AssistantDep, StorefrontKey
from assistant.schemas import FeedbackRequest

__all__ = ["FeedbackPublic", "router"]

router = APIRouter(tags=["feedback"])


class FeedbackPublic(BaseModel):
    recorded: bool = True


@router.post(
    "/v1/feedback",
    operation_id="record_feedback",
    summary="Record a shopper's feedback on a product",
    response_model=FeedbackPublic,
    responses={404: {"description": "Unknown product."}},
)
def record_feedback(body: FeedbackRequest, assistant: AssistantDep, _key: StorefrontKey) -> FeedbackPublic:
    assistant.record_feedback(body)
    return FeedbackPublic()

"""Privacy requests (admin): export or delete everything stored about a shopper."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from assistant.api.bodies import JSONBodyRoute
from assistant.api.deps import AdminKey, AssistantDep
from assistant.api.responses import errors
from assistant.store import DeleteCounts, ShopperExport

__all__ = ["router"]

router = APIRouter(tags=["shoppers"], route_class=JSONBodyRoute)

ShopperId = Annotated[str, Path(min_length=1, max_length=128)]


@router.get(
    "/v1/shoppers/{shopper_id}/export",
    operation_id="export_shopper",
    summary="Export a shopper's sessions, messages, feedback, served lists and events (admin)",
    response_model=ShopperExport,
    responses=errors(401, 403, 404, 422, 429, 503),
)
def export_shopper(shopper_id: ShopperId, assistant: AssistantDep, _key: AdminKey) -> ShopperExport:
    return assistant.store.export_shopper(shopper_id)  # type: ignore[no-any-return]


@router.delete(
    "/v1/shoppers/{shopper_id}",
    operation_id="delete_shopper",
    summary="Delete everything stored about a shopper (admin; idempotent)",
    response_model=DeleteCounts,
    responses=errors(401, 403, 422, 429, 503),
)
def delete_shopper(shopper_id: ShopperId, assistant: AssistantDep, _key: AdminKey) -> DeleteCounts:
    return assistant.store.delete_shopper(shopper_id)  # type: ignore[no-any-return]

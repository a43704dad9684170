"""``POST /v1/catalog`` (admin): upsert products through the same ingest path as ``aisle ingest``.

At most :data:`~assistant.api.schemas.MAX_UPSERT` products and ``AISLE_MAX_UPSERT_BYTES`` per request
(the app gives this path its own body limit; 1,000 products of the demo catalog are ~0.8 MB)."""

from __future__ import annotations

from fastapi import APIRouter

from assistant.api.bodies import JSONBodyRoute
from assistant.api.deps import AdminKey, AssistantDep
from assistant.api.responses import errors
from assistant.api.schemas import CatalogUpsertCreate
from retrieval.ingest import IngestSummary, ingest_products

__all__ = ["router"]

router = APIRouter(tags=["catalog"], route_class=JSONBodyRoute)


@router.post(
    "/v1/catalog",
    operation_id="upsert_products",
    summary="Add or update products (admin); only changed products are embedded again",
    description="Up to 1,000 products and `AISLE_MAX_UPSERT_BYTES` (default 4 MB) per request.",
    response_model=IngestSummary,
    responses=errors(401, 403, 413, 415, 422, 429, 503),
)
def upsert_products(body: CatalogUpsertCreate, assistant: AssistantDep, _key: AdminKey) -> IngestSummary:
    return ingest_products(assistant.catalog, body.products)

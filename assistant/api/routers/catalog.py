"""``POST /v1/catalog`` (admin): upsert products through the same ingest path as ``aisle ingest``."""

from __future__ import annotations

from fastapi import APIRouter

from assistant.api.deps import AdminKey, AssistantDep
from assistant.api.schemas import CatalogUpsertCreate
from retrieval.ingest import IngestSummary, ingest_products

__all__ = ["router"]

router = APIRouter(tags=["catalog"])


@router.post(
    "/v1/catalog",
    operation_id="upsert_products",
    summary="Add or update products (admin); only changed products are embedded again",
    response_model=IngestSummary,
)
def upsert_products(body: CatalogUpsertCreate, assistant: AssistantDep, _key: AdminKey) -> IngestSummary:
    return ingest_products(assistant.catalog, body.products)

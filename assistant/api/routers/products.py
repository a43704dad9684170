"""``GET /v1/products/{product_id}`` and ``GET /v1/search`` (plain retrieval for storefront search boxes)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError

from assistant.api.bodies import JSONBodyRoute
from assistant.api.deps import AssistantDep, StorefrontKey
from assistant.api.responses import errors
from assistant.api.schemas import SearchResultsPublic
from assistant.errors import NotFoundError
from assistant.schemas import ProductCard
from retrieval.catalog import Product
from retrieval.filters import Filters
from retrieval.search import SearchRequest

__all__ = ["router"]

router = APIRouter(tags=["products"], route_class=JSONBodyRoute)

# The query parameter each search filter comes from (for 422 locations).
_PARAM = {
    "price_min": "min_price",
    "price_max": "max_price",
    "min_rating": "min_rating",
    "exclude_colors": "exclude_color",
}


@router.get(
    "/v1/products/{product_id}",
    operation_id="get_product",
    summary="One product as the catalog records it",
    response_model=Product,
    responses=errors(401, 404, 422, 429, 503),
)
def get_product(
    product_id: Annotated[str, Path(max_length=256)], assistant: AssistantDep, _key: StorefrontKey
) -> Product:
    product = assistant.catalog.release().get(product_id)
    if product is None:
        raise NotFoundError(f"no product {product_id!r} in the catalog")
    return product


@router.get(
    "/v1/search",
    operation_id="search_products",
    summary="Search the catalog (hybrid retrieval with hard filters; no LLM)",
    response_model=SearchResultsPublic,
    responses=errors(401, 422, 429, 503),
)
def search_products(
    assistant: AssistantDep,
    _key: StorefrontKey,
    q: Annotated[str, Query(min_length=1, max_length=500, description="What the shopper typed.")],
    k: Annotated[int, Query(ge=1, le=100, description="How many products.")] = 20,
    min_price: Annotated[float | None, Query(ge=0, allow_inf_nan=False)] = None,
    max_price: Annotated[float | None, Query(ge=0, allow_inf_nan=False)] = None,
    brand: Annotated[list[str] | None, Query(description="Only these brands (repeatable).")] = None,
    exclude_brand: Annotated[list[str] | None, Query(description="Not these brands (repeatable).")] = None,
    category: Annotated[
        list[str] | None, Query(description="Any category level equals one (repeatable).")
    ] = None,
    color: Annotated[list[str] | None, Query(description="Only these colors (repeatable).")] = None,
    exclude_color: Annotated[
        list[str] | None,
        Query(description="No product whose color holds one of these (repeatable; red rules out Wood Red)."),
    ] = None,
    in_stock: Annotated[bool | None, Query(description="true: only products in stock.")] = None,
    min_rating: Annotated[float | None, Query(ge=0, le=5, allow_inf_nan=False)] = None,
) -> SearchResultsPublic:
    try:
        filters = Filters(
            price_min=min_price,
            price_max=max_price,
            brands=brand or [],
            exclude_brands=exclude_brand or [],
            categories=category or [],
            colors=color or [],
            exclude_colors=exclude_color or [],
            in_stock=in_stock,
            min_rating=min_rating,
        )
    except ValidationError as exc:  # e.g. min_price above max_price
        problems = exc.errors(include_url=False, include_context=False)
        raise RequestValidationError(
            [{**e, "loc": ("query", *(_PARAM.get(str(part), part) for part in e["loc"]))} for e in problems]
        ) from exc
    result = assistant.searcher.search(SearchRequest(query=q, filters=filters, k=k))
    return SearchResultsPublic(
        query=q,
        products=[ProductCard.from_product(c.product) for c in result.candidates[:k]],
        timings_ms=result.timings_ms,
    )

"""What the ranker knows about a shopper: products they liked, disliked or clicked, and affinities.

Built by ``assistant.store`` from the shopper's feedback; consumed by ranking. Depends only on
pydantic (and :func:`retrieval.catalog.norm` for the key form), so retrieval never imports ``assistant``.

* ``liked_ids``: latest opinion on the product was thumbs up (most recent first).
* ``disliked_ids``: latest opinion was thumbs down or not interested (most recent first).
* ``clicked_ids``: clicked at least once (most recent first).
* ``brand_affinity`` / ``category_affinity``: normalized name → weight in [-1, 1]; positive means the
  shopper's feedback leans towards it, negative away from it.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator

from retrieval.catalog import norm

__all__ = ["Affinity", "ShopperProfile"]

Affinity = Annotated[float, Field(ge=-1.0, le=1.0)]


class ShopperProfile(BaseModel):
    """A shopper's preferences distilled from feedback (empty for a new or anonymous shopper)."""

    model_config = ConfigDict(extra="forbid")

    shopper_id: str | None = None
    liked_ids: list[str] = Field(default_factory=list)
    disliked_ids: list[str] = Field(default_factory=list)
    clicked_ids: list[str] = Field(default_factory=list)
    brand_affinity: dict[str, Affinity] = Field(default_factory=dict)
    category_affinity: dict[str, Affinity] = Field(default_factory=dict)

    @field_validator("brand_affinity", "category_affinity", mode="after")
    @classmethod
    def _normalize_keys(cls, values: dict[str, float]) -> dict[str, float]:
        return {norm(k): v for k, v in values.items() if norm(k)}

    def is_empty(self) -> bool:
        return not (
            self.liked_ids
            or self.disliked_ids
            or self.clicked_ids
            or self.brand_affinity
            or self.category_affinity
        )

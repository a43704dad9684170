"""The catalog's product model and everything derived from one product (one place for each).

* :class:`Product` is the typed record every feed loader produces.
* :func:`embedding_text` / :func:`lexical_text` compose the text that is embedded and BM25-indexed.
* :func:`content_hash` decides whether a product changed between two ingests.
* :func:`index_metadata` flattens a product into the scalar metadata Chroma filters on.
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from retrieval.brands import clean_brand
from retrieval.markup import link_problem, plain_line, plain_text

__all__ = [
    "GROUPING_KEYS",
    "MAX_CATEGORY_LEVELS",
    "Product",
    "content_hash",
    "embedding_text",
    "index_metadata",
    "lexical_text",
    "norm",
]

MAX_CATEGORY_LEVELS = 8
_EMBED_BULLETS_CHARS = 600
_WS = re.compile(r"\s+")

NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


def norm(value: str) -> str:
    """The normal form used for filtering and vocabulary matching: case-folded, single-spaced."""
    return _WS.sub(" ", value).strip().casefold()


class Product(BaseModel):
    """One sellable product.

    Feeds that list variants under one product (Shopify) fold the options into ``attributes``; feeds
    that list each variant as its own product mark the family with ``attributes["variant_of"]``.

    Seller text is data: every text field is stored as plain text (markup, links, control and
    zero-width/bidi characters removed by :func:`retrieval.markup.plain_text`), and ``url`` /
    ``image_url`` hold only http(s) URLs (``image_url`` also a relative media-dir path) — anything
    else is dropped (the feed loaders report it as a row warning first). ``brand`` is the maker or
    ``None``: a feed's placeholder ("Unknown", "Generic") is no brand (:mod:`retrieval.brands`).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: NonEmpty
    title: NonEmpty
    description: str = ""
    bullet_points: list[str] = Field(default_factory=list)
    brand: str | None = None
    category: list[str] = Field(default_factory=list, description="Category path, root to leaf.")
    price: float | None = Field(default=None, ge=0, allow_inf_nan=False)
    currency: str = "USD"
    attributes: dict[str, str] = Field(default_factory=dict)
    color: str | None = None
    rating: float | None = Field(default=None, ge=0, le=5, allow_inf_nan=False)
    rating_count: int | None = Field(default=None, ge=0)
    in_stock: bool = True
    image_url: str | None = None
    url: str | None = None

    @field_validator("brand", "color", "image_url", "url", mode="before")
    @classmethod
    def _blank_to_none(cls, value: object) -> object:
        if isinstance(value, str) and not value.strip():
            return None
        return value.strip() if isinstance(value, str) else value

    @field_validator("title")
    @classmethod
    def _plain_title(cls, value: str) -> str:
        text = plain_line(value)
        if not text:
            raise ValueError("title is empty once markup and links are removed")
        return text

    @field_validator("description")
    @classmethod
    def _plain_description(cls, value: str) -> str:
        return plain_text(value)

    @field_validator("brand", "color")
    @classmethod
    def _plain_name(cls, value: str | None) -> str | None:
        return (plain_line(value) or None) if value is not None else None

    @field_validator("brand")
    @classmethod
    def _maker(cls, value: str | None) -> str | None:
        """A placeholder ("Unknown", "Generic") is no brand; a label ("Brand: X") is dropped."""
        return clean_brand(value) if value is not None else None

    @field_validator("category", "bullet_points")
    @classmethod
    def _plain_items(cls, value: list[str]) -> list[str]:
        return [text for item in value if (text := plain_line(item))]

    @field_validator("attributes")
    @classmethod
    def _plain_attributes(cls, value: dict[str, str]) -> dict[str, str]:
        cleaned: dict[str, str] = {}
        for key, item in value.items():
            name, text = plain_line(key), plain_line(item)
            if name and text:
                cleaned.setdefault(name, text)
        return cleaned

    @field_validator("url")
    @classmethod
    def _http_link(cls, value: str | None) -> str | None:
        return None if value is None or link_problem(value, image=False) else value

    @field_validator("image_url")
    @classmethod
    def _image_link(cls, value: str | None) -> str | None:
        return None if value is None or link_problem(value, image=True) else value

    @field_validator("category", "bullet_points", mode="before")
    @classmethod
    def _drop_blank_items(cls, value: object) -> object:
        if isinstance(value, list):
            return [str(v).strip() for v in value if str(v).strip()]
        return value

    @field_validator("currency", mode="before")
    @classmethod
    def _upper_currency(cls, value: object) -> object:
        return value.strip().upper() if isinstance(value, str) and value.strip() else "USD"

    @property
    def category_path(self) -> str:
        return " > ".join(self.category)


def embedding_text(product: Product) -> str:
    """Text embedded for dense retrieval: the fields a shopper's words match, most telling first.

    MiniLM reads at most 256 word pieces, so bullets are truncated and the long description is left
    to the lexical index.
    """
    parts = [product.title]
    if product.brand:
        parts.append(f"Brand: {product.brand}")
    if product.color:
        parts.append(f"Color: {product.color}")
    if product.category:
        parts.append(f"Category: {product.category_path}")
    if product.bullet_points:
        parts.append(" ".join(product.bullet_points)[:_EMBED_BULLETS_CHARS])
    elif product.description:
        parts.append(product.description[:_EMBED_BULLETS_CHARS])
    return "\n".join(parts)


_LEXICAL_DESCRIPTION_CHARS = 2000

GROUPING_KEYS = frozenset({"variant_of", "family"})
"""Attribute keys that group products (a variant family), not facts about them."""


def lexical_text(product: Product) -> str:
    """Text indexed by BM25: title, brand, color, category, attributes, bullets and the description's start.

    Changing what this returns changes the BM25 index: bump ``LEXICAL_SCHEMA`` in :mod:`retrieval.lexical`
    so persisted indexes are rebuilt (nothing is re-embedded; :func:`embedding_text` is separate).
    """
    parts = [product.title, product.brand or "", product.color or "", " ".join(product.category)]
    # a variant family's key is an id ("hp-halcyon-aura-anc-700"), not words the product is found by
    parts.extend(f"{k} {v}" for k, v in sorted(product.attributes.items()) if k not in GROUPING_KEYS)
    parts.extend(product.bullet_points)
    parts.append(product.description[:_LEXICAL_DESCRIPTION_CHARS])
    return "\n".join(p for p in parts if p)


def content_hash(product: Product) -> str:
    """A stable hash of everything that is stored for the product; changes iff the product changed."""
    payload = json.dumps(product.model_dump(mode="json"), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:32]


MetadataValue = str | int | float | bool


def index_metadata(product: Product, *, content_hash_value: str | None = None) -> dict[str, MetadataValue]:
    """Scalar metadata for the vector index's ``where`` filters (see ``retrieval.filters``).

    Keys: ``price`` (number, absent when unknown), ``currency``, ``brand`` (normalized), ``color``
    (normalized), ``cat0``..``catN`` (normalized category levels), ``in_stock``, ``rating``,
    ``rating_count``, ``attr:<key>`` (normalized value) and ``hash`` (the content hash).
    Chroma cannot store ``None``, so unknown values are left out, and a filter on them never matches.
    """
    meta: dict[str, MetadataValue] = {"in_stock": product.in_stock, "currency": product.currency}
    if product.price is not None:
        meta["price"] = float(product.price)
    if product.brand:
        meta["brand"] = norm(product.brand)
    if product.color:
        meta["color"] = norm(product.color)
    for level, name in enumerate(product.category[:MAX_CATEGORY_LEVELS]):
        meta[f"cat{level}"] = norm(name)
    if product.rating is not None:
        meta["rating"] = float(product.rating)
    if product.rating_count is not None:
        meta["rating_count"] = int(product.rating_count)
    for key, value in product.attributes.items():
        meta[f"attr:{norm(key)}"] = norm(value)
    meta["hash"] = content_hash_value or content_hash(product)
    return meta

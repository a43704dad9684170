"""The one settings object for Aisle: environment variables with the ``AISLE_`` prefix (and ``.env``).

Nothing is built at import time: call :func:`get_settings` (cached) and override it in tests with
``get_settings.cache_clear()`` plus environment variables, or pass a ``Settings(...)`` explicitly.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["EmbedderName", "LLMName", "Settings", "get_settings"]

EmbedderName = Literal["minilm", "hash"]
LLMName = Literal["local", "openai", "fake"]


class Settings(BaseSettings):
    """Typed configuration; every field maps to ``AISLE_<FIELD>`` in the environment."""

    model_config = SettingsConfigDict(env_prefix="AISLE_", env_file=".env", extra="ignore")

    # Storage -------------------------------------------------------------------------------
    data_dir: Path = Field(default=Path(".aisle"), description="Everything Aisle persists lives here.")
    chroma_url: str | None = Field(
        default=None, description="e.g. http://127.0.0.1:8000 to use a Chroma server instead of embedded."
    )
    collection: str = Field(default="products", min_length=3, description="Chroma collection name.")

    # Embeddings ----------------------------------------------------------------------------
    embedder: EmbedderName = "minilm"
    embed_batch_size: int = Field(default=64, ge=1, le=4096)
    torch_threads: int = Field(default=2, ge=1, le=64)

    # Ingest --------------------------------------------------------------------------------
    ingest_batch_size: int = Field(default=256, ge=1, le=100_000)

    # LLM -----------------------------------------------------------------------------------
    llm: LLMName = "local"
    llm_base_url: str | None = None
    llm_model: str = "gpt-4o-mini"
    openai_api_key: SecretStr | None = None
    llm_timeout_s: float = Field(default=30.0, gt=0)
    llm_rerank: Literal["auto", "on", "off"] = "auto"
    local_model_path: Path | None = None
    local_n_threads: int = Field(default=1, ge=1, le=64)
    local_n_ctx: int = Field(default=4096, ge=512)

    @property
    def chroma_dir(self) -> Path:
        return self.data_dir / "chroma"

    @property
    def catalog_db(self) -> Path:
        return self.data_dir / "catalog.sqlite"

    @property
    def lexical_dir(self) -> Path:
        return self.data_dir / "bm25"

    @property
    def store_db(self) -> Path:
        return self.data_dir / "aisle.sqlite"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings, read once from the environment and ``.env``."""
    return Settings()

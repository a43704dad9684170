"""The OpenAI backend (``AISLE_LLM=openai``): ``ChatOpenAI`` for the OpenAI API or any compatible server.

vLLM, Ollama, llama.cpp's server and LM Studio are the same wire format at another URL
(``AISLE_LLM_BASE_URL``), so they are a provider setting here, not another adapter.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING
from urllib.parse import urlparse

from pydantic import SecretStr

from assistant.errors import ConfigurationError
from assistant.tokens import ensure_tiktoken_cache

if TYPE_CHECKING:
    from langchain_openai import ChatOpenAI

    from assistant.settings import Settings

__all__ = ["PLACEHOLDER_KEY", "is_openai_api", "make_openai_model"]

log = logging.getLogger(__name__)

PLACEHOLDER_KEY = "not-needed"
"""Sent to OpenAI-compatible servers that need no key (the client refuses to start without one)."""


def is_openai_api(base_url: str | None) -> bool:
    """True for the real OpenAI API (no base URL, or one on api.openai.com)."""
    return base_url is None or (urlparse(base_url).hostname or "").endswith("api.openai.com")


def make_openai_model(settings: Settings) -> ChatOpenAI:
    """``ChatOpenAI`` configured from settings; raises ``ConfigurationError`` without a usable key."""
    official = is_openai_api(settings.llm_base_url)
    key = settings.openai_api_key
    if key is None or not key.get_secret_value():
        if official:
            raise ConfigurationError("set AISLE_OPENAI_API_KEY or choose AISLE_LLM=local")
        log.info("no AISLE_OPENAI_API_KEY: sending a placeholder key to %s", settings.llm_base_url)
        key = SecretStr(PLACEHOLDER_KEY)
    from langchain_openai import ChatOpenAI

    # langchain-openai counts tokens with tiktoken, which would download its BPE files: serve them offline.
    ensure_tiktoken_cache(data_dir=settings.data_dir)

    # langchain-openai sends `max_completion_tokens`, which llama.cpp's server ignores: compatible
    # servers also get the older `max_tokens` (the real API rejects it for reasoning models).
    extra_body = None if official else {"max_tokens": settings.llm_max_tokens}
    # No client-side retries: the SDK would sleep a 429's Retry-After (up to 60 s) or back off on a 5xx
    # outside the turn's budget; assistant.llm retries once, only when the wait fits in the budget, and
    # gives each request what is left of the budget as its own timeout (this one is the per-call cap).
    return ChatOpenAI(
        model=settings.llm_model,
        base_url=settings.llm_base_url,
        api_key=key,
        timeout=settings.llm_timeout_s,
        max_retries=0,
        max_completion_tokens=settings.llm_max_tokens,
        temperature=settings.llm_temperature,
        stream_usage=True,
        extra_body=extra_body,
    )

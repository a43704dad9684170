"""The embedder seam: queries arriving together share one model call (QueryBatcher); torch threads are
shared out among API workers."""

from __future__ import annotations

import threading
import time
from collections.abc import Sequence

import numpy as np
import pytest

from assistant.settings import Settings
from retrieval.embed import HashEmbedder, QueryBatcher, torch_threads


class GatedEmbedder:
    """A hash embedder whose first call waits for the test's go, recording every batch it embeds."""

    def __init__(self) -> None:
        self._inner = HashEmbedder()
        self.name, self.dim = self._inner.name, self._inner.dim
        self.go = threading.Event()
        self.entered = threading.Event()
        self.batches: list[list[str]] = []

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        self.entered.set()
        assert self.go.wait(10)
        self.batches.append(list(texts))
        if "boom" in texts:
            raise RuntimeError("the model failed")
        return self._inner.embed_documents(texts)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]


def _run_together(batcher: QueryBatcher, inner: GatedEmbedder, texts: list[str]) -> dict[str, object]:
    """Embed ``texts[0]`` first; once the model is busy with it, queue the rest, then let it go."""
    results: dict[str, object] = {}

    def embed(text: str) -> None:
        try:
            results[text] = batcher.embed_query(text)
        except RuntimeError as exc:
            results[text] = exc

    threads = [threading.Thread(target=embed, args=(texts[0],))]
    threads[0].start()
    assert inner.entered.wait(10)
    for text in texts[1:]:
        threads.append(threading.Thread(target=embed, args=(text,)))
        threads[-1].start()
    deadline = time.monotonic() + 10
    while batcher.waiting < len(texts) - 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    inner.go.set()
    for thread in threads:
        thread.join(10)
    return results


def test_queries_arriving_while_the_model_is_busy_share_one_call() -> None:
    inner = GatedEmbedder()
    batcher = QueryBatcher(inner, max_batch=3)
    texts = [f"query {i} about tents" for i in range(8)]
    results = _run_together(batcher, inner, texts)
    # The first query alone (nothing else was waiting), then the seven queued ones in batches of 3.
    assert [len(b) for b in inner.batches] == [1, 3, 3, 1]
    assert sorted(t for b in inner.batches for t in b) == sorted(texts)
    reference = HashEmbedder()
    for text in texts:
        assert np.array_equal(results[text], reference.embed_query(text))  # each caller gets its own vector
    assert batcher.batches == 4 and batcher.waiting == 0


def test_a_failed_batch_fails_its_callers_only_and_the_next_batch_still_runs() -> None:
    inner = GatedEmbedder()
    batcher = QueryBatcher(inner, max_batch=2)
    results = _run_together(batcher, inner, ["first", "boom", "also in the failed batch", "later"])
    assert isinstance(results["boom"], RuntimeError)
    assert isinstance(results["also in the failed batch"], RuntimeError)
    assert isinstance(results["first"], np.ndarray) and isinstance(results["later"], np.ndarray)
    assert batcher.embed_query("after") is not None  # not stuck: a later lone query runs at once


def test_a_lone_query_and_documents_go_straight_to_the_model() -> None:
    inner = GatedEmbedder()
    inner.go.set()
    batcher = QueryBatcher(inner)
    assert batcher.embed_documents(["a", "b"]).shape == (2, inner.dim)
    assert batcher.embed_query("c").shape == (inner.dim,)
    assert inner.batches == [["a", "b"], ["c"]]
    with pytest.raises(ValueError, match="max_batch"):
        QueryBatcher(inner, max_batch=0)


def test_torch_threads_are_shared_out_among_api_workers(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("retrieval.embed.os.cpu_count", lambda: 2)
    assert torch_threads(Settings(_env_file=None)) == 2
    assert torch_threads(Settings(_env_file=None, api_workers=2)) == 1
    assert torch_threads(Settings(_env_file=None, api_workers=4)) == 1
    assert torch_threads(Settings(_env_file=None, api_workers=4, torch_threads=3)) == 3  # as configured

"""BM25 top-k: the index's own selection matches bm25s's scores, best first, ties by position."""

from __future__ import annotations

import numpy as np
import pytest

from retrieval.lexical import LexicalIndex

_WORDS = ["oil", "flaxseed", "organic", "coffee", "mug", "steel", "bottle", "yoga", "mat", "lamp"]


@pytest.fixture(scope="module")
def index() -> LexicalIndex:
    rng = np.random.default_rng(3)
    texts = [" ".join(rng.choice(_WORDS, size=int(rng.integers(1, 6)))) for _ in range(3000)]
    texts[7] = ""  # a document without a word
    return LexicalIndex.build([f"p{i}" for i in range(len(texts))], texts, version=1)


def _expected(index: LexicalIndex, query: str, k: int, mask: np.ndarray | None) -> list[tuple[str, float]]:
    scores = index._retriever.get_scores(index.terms(query), weight_mask=mask)  # type: ignore[attr-defined]
    order = sorted((i for i in range(len(scores)) if scores[i] > 0), key=lambda i: (-scores[i], i))
    return [(index.ids[i], float(scores[i])) for i in order[:k]]


@pytest.mark.parametrize("query", ["organic flaxseed oil", "mug", "yoga mat lamp", "steel steel bottle"])
@pytest.mark.parametrize("k", [1, 5, 200, 5000])
@pytest.mark.parametrize("masked", [False, True])
def test_search_is_the_k_best_positive_scores_ties_by_position(
    index: LexicalIndex, query: str, k: int, masked: bool
) -> None:
    mask = (np.arange(len(index)) % 3 != 0) if masked else None
    got = index.search(query, k, mask)

    assert got == _expected(index, query, k, None if mask is None else mask.astype(np.float32))
    if mask is not None:
        assert all(mask[index.position[pid]] for pid, _ in got)
    # the same scores bm25s's own retrieve returns (the set at a tied cut may differ, never the scores)
    _docs, scores = index._retriever.retrieve(  # type: ignore[attr-defined]
        [index.terms(query)],
        k=min(k, len(index)),
        weight_mask=mask if mask is None else mask.astype(np.float32),
        show_progress=False,
        n_threads=0,
    )
    theirs = sorted((float(s) for s in scores[0] if s > 0), reverse=True)
    assert [s for _, s in got] == pytest.approx(theirs[: len(got)]) and len(got) == len(theirs)


def test_search_without_known_words_or_allowed_documents_finds_nothing(index: LexicalIndex) -> None:
    assert index.search("the and of", 10) == []
    assert index.search("zeppelin", 10) == []
    assert index.search("mug", 10, np.zeros(len(index), dtype=bool)) == []
    assert index.search("mug", 0) == []
    with pytest.raises(ValueError, match="mask has shape"):
        index.search("mug", 10, np.ones(3, dtype=bool))


def test_terms_are_cached_but_each_caller_gets_its_own_list(index: LexicalIndex) -> None:
    first = index.terms("Organic Flaxseed oils")
    first.append("mutated")
    again = index.terms("Organic Flaxseed oils")
    assert "mutated" not in again
    assert again == first[:-1]
    assert index._cached_terms.cache_info().hits >= 1  # the second call did not tokenize again

"""Lexical retrieval: a BM25 index (``bm25s``, English stopwords, Snowball stemming) over
:func:`retrieval.catalog.lexical_text`, persisted beside Chroma.

The index is derived from the product store: it records the store ``version`` it was built from,
and :func:`load_or_build` rebuilds it when that is stale (after an ingest, or a crash mid-ingest).
Hard filters arrive as a boolean mask over the documents (same meaning as the Chroma ``where``).
"""

from __future__ import annotations

import functools
import json
import os
import shutil
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from retrieval.catalog import lexical_text
from retrieval.products import ProductStore

__all__ = ["LEXICAL_SCHEMA", "LexicalIndex", "load_or_build"]

_MANIFEST = "aisle.json"
# What :func:`retrieval.catalog.lexical_text` indexes; bump it when that changes, so a persisted index
# built from the old text is rebuilt (1: the original fields; 2: + description[:2000];
# 3: without grouping keys such as variant_of, whose values are ids).
LEXICAL_SCHEMA = 3


def _stemmer():  # type: ignore[no-untyped-def]
    import Stemmer

    return Stemmer.Stemmer("english")


class LexicalIndex:
    """BM25 over a fixed, ordered list of product ids."""

    def __init__(
        self,
        ids: Sequence[str],
        retriever: object,
        version: int,
        schema: int = LEXICAL_SCHEMA,
        *,
        indexed: bool = True,
    ) -> None:
        self.ids: list[str] = list(ids)
        self.indexed = indexed and bool(self.ids)  # False: no document has a word BM25 keeps
        self.position: dict[str, int] = {pid: i for i, pid in enumerate(self.ids)}
        self.version = version
        self.schema = schema
        self._retriever = retriever
        self._stem = _stemmer()
        # A turn asks for the same query's terms several times (search, features, relaxation steps),
        # and bm25s's tokenizer is slow to start (it builds progress bars even when hidden).
        self._cached_terms = functools.lru_cache(maxsize=4096)(self._tokenize)

    @classmethod
    def build(cls, ids: Sequence[str], texts: Iterable[str], version: int = 0) -> LexicalIndex:
        """BM25 over ``texts`` (one per id, same order). ``texts`` may be a generator: it is read once and
        never held whole, so a large catalog's text need not be in memory all at once."""
        import bm25s

        retriever = bm25s.BM25()
        indexed = False
        if ids:
            corpus = _counted(texts, len(ids))
            tokens = bm25s.tokenize(corpus, stopwords="en", stemmer=_stemmer(), show_progress=False)  # type: ignore[arg-type]
            if tokens.vocab:  # bm25s cannot index documents without a single word it keeps
                retriever.index(tokens, show_progress=False)
                indexed = True
        return cls(ids, retriever, version, indexed=indexed)

    def __len__(self) -> int:
        return len(self.ids)

    def terms(self, text: str) -> list[str]:
        """``text`` as the index sees it: stemmed terms, stopwords removed."""
        return list(self._cached_terms(text))

    def _tokenize(self, text: str) -> tuple[str, ...]:
        import bm25s

        tokens = bm25s.tokenize(
            [text], stopwords="en", stemmer=self._stem, show_progress=False, return_ids=False
        )
        return tuple(t for t in tokens[0] if t)

    def knows(self, term: str) -> bool:
        """Whether any indexed product text contains the (stemmed) ``term``."""
        vocab = getattr(self._retriever, "vocab_dict", None) or {}
        return term in vocab

    def search(self, query: str, k: int, mask: np.ndarray | None = None) -> list[tuple[str, float]]:
        """Up to ``k`` ``(id, bm25 score)`` pairs with a positive score, best first.

        ``mask`` (bool or 0/1 per document, in ``self.ids`` order) removes documents before the cut.
        """
        if not self.indexed or k <= 0:
            return []
        terms = [t for t in self.terms(query) if self.knows(t)]
        if not terms:
            return []
        weight = None
        if mask is not None:
            weight = np.asarray(mask, dtype=np.float32)
            if weight.shape != (len(self.ids),):
                raise ValueError(f"mask has shape {weight.shape}, expected ({len(self.ids)},)")
            if not weight.any():
                return []
        # bm25s scores every document; the top k are picked here among the documents that score at all.
        # bm25s's own top-k (np.argpartition over every document, most of them tied at 0) took ~45 ms per
        # query at 1M products, against ~1 ms for the scores themselves.
        scores = self._retriever.get_scores(terms, weight_mask=weight)  # type: ignore[attr-defined]
        hits = np.flatnonzero(scores > 0)
        if len(hits) > k:  # the k best; among equal scores at the cut, the lowest positions
            cut = -np.partition(-scores[hits], k - 1)[k - 1]
            tied = hits[scores[hits] == cut]
            hits = np.concatenate([hits[scores[hits] > cut], tied[: k - int((scores[hits] > cut).sum())]])
        best = hits[np.lexsort((hits, -scores[hits]))]  # best first; ties: lower position first
        return [(self.ids[int(d)], float(scores[d])) for d in best]

    def save(self, directory: Path) -> None:
        """Write atomically: a temporary folder renamed over the old one."""
        directory = Path(directory)
        tmp = directory.with_name(directory.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        if self.indexed:  # bm25s cannot save an empty index; one without words loads from the manifest
            self._retriever.save(str(tmp / "bm25"))  # type: ignore[attr-defined]
        (tmp / _MANIFEST).write_text(
            json.dumps(
                {"version": self.version, "schema": self.schema, "ids": self.ids, "indexed": self.indexed}
            )
        )
        old = directory.with_name(directory.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        if directory.exists():
            os.replace(directory, old)
        os.replace(tmp, directory)
        shutil.rmtree(old, ignore_errors=True)

    @classmethod
    def load(cls, directory: Path, *, mmap: bool = False) -> LexicalIndex | None:
        """The saved index, or ``None`` when there is none (or it is unreadable).

        ``mmap``: map the score matrix from disk instead of reading it (for immutable folders, such as
        a published release: worker processes then share one copy in the page cache).
        """
        import bm25s

        manifest = Path(directory) / _MANIFEST
        if not manifest.exists():
            return None
        try:
            info = json.loads(manifest.read_text())
            indexed = bool(info.get("indexed", True)) and bool(info["ids"])
            retriever = bm25s.BM25.load(str(Path(directory) / "bm25"), mmap=mmap) if indexed else bm25s.BM25()
        except (OSError, ValueError):
            return None
        # Indexes saved before the schema was recorded are schema 1.
        return cls(info["ids"], retriever, int(info["version"]), int(info.get("schema", 1)), indexed=indexed)


def _counted(texts: Iterable[str], expected: int) -> Iterable[str]:
    """``texts``, checked to hold exactly ``expected`` items (one per id) as it is read."""
    count = 0
    for text in texts:
        count += 1
        yield text
    if count != expected:
        raise ValueError(f"{count} texts for {expected} ids")


def load_or_build(store: ProductStore, directory: Path) -> LexicalIndex:
    """The persisted index when it matches the store's version and :data:`LEXICAL_SCHEMA`; otherwise
    rebuilt from the store (BM25 only: no product is re-embedded) and saved."""
    version = store.version()
    index = LexicalIndex.load(directory)
    if index is not None and index.version == version and index.schema == LEXICAL_SCHEMA:
        return index
    products = list(store.all())
    index = LexicalIndex.build([p.id for p in products], [lexical_text(p) for p in products], version)
    index.save(directory)
    return index

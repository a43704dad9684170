"""Ranking features: one function, :func:`compute_features`, used both to train the ranker and to serve.

Features describe one (query, candidate) pair within its candidate pool: retriever scores and ranks,
word overlap per field (title, brand, color, category, bullets), phrase and negation matches, how
well the candidate's category agrees with the pool's best candidates, how close the query is to the
*name* of the candidate's leaf category (a product-type signal: "fitbit charge 3" is nearer to
"Activity & Fitness Trackers" than to "Replacement Bands"), and catalog priors (rating, popularity).
The ``pos_*`` features repeat the dense and title matches for the query without its negated clauses
("dewalt tool cases without tools" → "dewalt tool cases"; equal to the plain ones otherwise), so
matching the excluded word does not count as matching the query, and ``negation_echo`` marks titles
that themselves say the excluded thing is absent ("Stemless Wine Glasses", "Belt with No Buckle").
Everything is vectorized over the pool; per-product word postings are precomputed in
:class:`~retrieval.snapshot.CatalogSnapshot`.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

from retrieval.filters import Filters
from retrieval.snapshot import CatalogSnapshot
from retrieval.text import analyze, head_term, negated_terms, positive_text, words

__all__ = ["FEATURE_NAMES", "CandidatePool", "QueryAnalysis", "analyze_query", "compute_features"]

FEATURE_NAMES: tuple[str, ...] = (
    "dense_sim",
    "dense_sim_gap",
    "dense_rank_log",
    "bm25_score",
    "bm25_norm",
    "bm25_rank_log",
    "rrf",
    "rrf_rank_log",
    "title_bm25",
    "title_bm25_norm",
    "title_cover",
    "brand_match",
    "color_match",
    "category_cover",
    "bullets_cover",
    "all_cover",
    "phrase_in_title",
    "title_bigram_cover",
    "head_in_title",
    "head_in_category",
    "numbers_in_title",
    "negated_in_title",
    "negated_in_text",
    "negation_echo",
    "centroid_sim",
    "query_brand",
    "category_bm25",
    "leaf_agreement",
    "root_agreement",
    "rating",
    "log_rating_count",
    "prior",
    "has_price",
    "price_fit",
    "title_len",
    "query_len",
    "leaf_sim",
    "leaf_sim_gap",
    "pos_dense_sim",
    "pos_dense_sim_gap",
    "pos_title_bm25",
    "pos_title_cover",
    "pos_all_cover",
    "pos_title_bigram_cover",
    "pos_phrase_in_title",
)

_AGREEMENT_TOP = 10


@dataclass(frozen=True)
class Terms:
    """The words of a query text as the title-matching features use them."""

    tokens: list[str]
    bigrams: list[tuple[str, str]]
    phrase: str

    @classmethod
    def of(cls, text: str) -> Terms:
        sequence = analyze(text)
        return cls(
            tokens=list(dict.fromkeys(sequence)),
            bigrams=list(dict.fromkeys(itertools.pairwise(sequence))),
            phrase=" ".join(words(text)),
        )


@dataclass(frozen=True)
class QueryAnalysis:
    """The query, analyzed once per search; ``positive`` is its terms without the negated clauses."""

    text: str
    terms: Terms
    negated: list[str]
    vector: np.ndarray
    head: str | None
    numbers: list[str]
    positive: Terms
    positive_vector: np.ndarray


def analyze_query(text: str, vector: np.ndarray, positive_vector: np.ndarray | None = None) -> QueryAnalysis:
    """``positive_vector`` embeds :func:`~retrieval.text.positive_text` (default: ``vector``)."""
    terms = Terms.of(text)
    wanted = positive_text(text)
    vector = np.asarray(vector, dtype=np.float32)
    return QueryAnalysis(
        text=text,
        terms=terms,
        negated=negated_terms(text),
        vector=vector,
        head=head_term(text),
        numbers=[t for t in terms.tokens if t.isdigit()],
        positive=terms if wanted == text else Terms.of(wanted),
        positive_vector=vector if positive_vector is None else np.asarray(positive_vector, dtype=np.float32),
    )


@dataclass(frozen=True)
class CandidatePool:
    """The fused candidates of one search, as arrays aligned with ``positions`` (snapshot positions).

    Ranks are 1-based; 0 means the retriever did not return the candidate within ``depth``.
    """

    positions: np.ndarray
    dense_sim: np.ndarray
    dense_rank: np.ndarray
    bm25_score: np.ndarray
    bm25_rank: np.ndarray
    fused: np.ndarray
    depth: int

    def __len__(self) -> int:
        return len(self.positions)


def _rank_log(rank: np.ndarray, depth: int) -> np.ndarray:
    return np.log1p(np.where(rank > 0, rank, 2 * depth + 1)).astype(np.float32)


def _share(values: np.ndarray, top: np.ndarray) -> np.ndarray:
    """For each value, the share of ``top`` equal to it (empty values never agree)."""
    if len(top) == 0:
        return np.zeros(len(values), dtype=np.float32)
    uniq, counts = np.unique(top[top != ""], return_counts=True)
    table = dict(zip(uniq.tolist(), (counts / len(top)).tolist(), strict=True))
    return np.array([table.get(v, 0.0) if v else 0.0 for v in values], dtype=np.float32)


def _price_fit(prices: np.ndarray, filters: Filters) -> np.ndarray:
    """Where a known price sits in the requested range (0 = bottom, 1 = top); -1 without a range or price."""
    low = filters.price_min or 0.0
    high = filters.price_max
    if high is None or high <= low:
        return np.full(len(prices), -1.0, dtype=np.float32)
    fit = (prices - low) / (high - low)
    return np.where(np.isnan(prices), -1.0, fit).astype(np.float32)


def _title_match(snapshot: CatalogSnapshot, terms: Terms, pos: np.ndarray) -> dict[str, np.ndarray]:
    """How well each candidate's title (and, for ``all_cover``, any field) matches ``terms``."""
    n = len(pos)
    fields = snapshot.fields
    n_tokens = max(len(terms.tokens), 1)
    any_hits = np.zeros(n, dtype=np.float32)
    for token in terms.tokens:
        present = np.zeros(n, dtype=bool)
        for field in fields.values():
            present |= field.hits([token])[pos] > 0
        any_hits += present
    phrase, bigrams = terms.phrase, terms.bigrams
    return {
        "title_bm25": fields["title"].bm25(terms.tokens)[pos],
        "title_cover": fields["title"].hits(terms.tokens)[pos] / n_tokens,
        "all_cover": any_hits / n_tokens,
        "phrase_in_title": np.array(
            [1.0 if phrase and phrase in snapshot.normalized_titles[p] else 0.0 for p in pos],
            dtype=np.float32,
        ),
        "title_bigram_cover": np.array(
            [_bigram_cover(bigrams, snapshot.title_bigrams_at(int(p))) if bigrams else -1.0 for p in pos],
            dtype=np.float32,
        ),
    }


def _bigram_cover(bigrams: list[tuple[str, str]], title: frozenset[tuple[str, str]]) -> float:
    return sum(1 for b in bigrams if b in title) / len(bigrams)


def compute_features(
    snapshot: CatalogSnapshot, query: QueryAnalysis, pool: CandidatePool, filters: Filters
) -> np.ndarray:
    """An ``(len(pool), len(FEATURE_NAMES))`` float32 matrix for the pool's candidates."""
    n = len(pool)
    if n == 0:
        return np.zeros((0, len(FEATURE_NAMES)), dtype=np.float32)
    pos = pool.positions
    tokens = query.terms.tokens
    n_tokens = max(len(tokens), 1)
    fields = snapshot.fields

    brand_hits = fields["brand"].hits(tokens)[pos]
    color_hits = fields["color"].hits(tokens)[pos]
    category_hits = fields["category"].hits(tokens)[pos]
    bullets_hits = fields["bullets"].hits(tokens)[pos]
    match = _title_match(snapshot, query.terms, pos)
    positive = match if query.positive is query.terms else _title_match(snapshot, query.positive, pos)

    negated_title = np.zeros(n, dtype=np.float32)
    negated_text = np.zeros(n, dtype=np.float32)
    for word in query.negated:
        negated_title += fields["title"].hits([word])[pos] > 0
        negated_text += (fields["bullets"].hits([word])[pos] > 0) | (fields["category"].hits([word])[pos] > 0)
    if query.negated:  # the title itself says the product lacks what the shopper excludes ("no buckle")
        absent = snapshot.title_absent
        negation_echo = np.array([any(w in absent[p] for w in query.negated) for p in pos], dtype=np.float32)
    else:
        negation_echo = np.full(n, -1.0, dtype=np.float32)

    if query.head:
        head_in_title = (fields["title"].hits([query.head])[pos] > 0).astype(np.float32)
        head_in_category = (fields["category"].hits([query.head])[pos] > 0).astype(np.float32)
    else:
        head_in_title = head_in_category = np.full(n, -1.0, dtype=np.float32)
    numbers_in_title = (
        fields["title"].hits(query.numbers)[pos] / len(query.numbers)
        if query.numbers
        else np.full(n, -1.0, dtype=np.float32)
    )

    order = np.argsort(-pool.fused, kind="stable")
    rrf_rank = np.empty(n, dtype=np.float32)
    rrf_rank[order] = np.arange(1, n + 1, dtype=np.float32)
    top = pos[order[:_AGREEMENT_TOP]]
    leaf = snapshot.leaf_category[pos]
    root = snapshot.categories[pos, 0]
    leaf_agreement = _share(leaf, snapshot.leaf_category[top])
    centroid = snapshot.vectors[top].mean(axis=0)
    centroid_sim = snapshot.vectors[pos] @ (centroid / max(float(np.linalg.norm(centroid)), 1e-6))
    mentioned = snapshot.brands_in(query.text)
    if mentioned:
        query_brand = np.isin(snapshot.brand[pos], list(mentioned)).astype(np.float32)
    else:
        query_brand = np.full(n, -1.0, dtype=np.float32)
    root_agreement = _share(root, snapshot.categories[top, 0])

    bm25_max = float(pool.bm25_score.max()) if n else 0.0
    title_bm25 = match["title_bm25"]
    title_max = float(title_bm25.max()) if n else 0.0
    if query.positive_vector is query.vector:
        positive_sim = pool.dense_sim
    else:
        positive_sim = snapshot.vectors[pos] @ query.positive_vector
    leaf_sim = snapshot.leaf_vectors_at(pos) @ query.vector
    prices = snapshot.price[pos]
    columns = {
        "dense_sim": pool.dense_sim,
        "dense_sim_gap": float(pool.dense_sim.max()) - pool.dense_sim,
        "dense_rank_log": _rank_log(pool.dense_rank, pool.depth),
        "bm25_score": pool.bm25_score,
        "bm25_norm": pool.bm25_score / bm25_max if bm25_max > 0 else np.zeros(n),
        "bm25_rank_log": _rank_log(pool.bm25_rank, pool.depth),
        "rrf": pool.fused,
        "rrf_rank_log": np.log1p(rrf_rank),
        "title_bm25": title_bm25,
        "title_bm25_norm": title_bm25 / title_max if title_max > 0 else np.zeros(n),
        "title_cover": match["title_cover"],
        "brand_match": (brand_hits > 0).astype(np.float32),
        "color_match": (color_hits > 0).astype(np.float32),
        "category_cover": category_hits / n_tokens,
        "bullets_cover": bullets_hits / n_tokens,
        "all_cover": match["all_cover"],
        "phrase_in_title": match["phrase_in_title"],
        "title_bigram_cover": match["title_bigram_cover"],
        "head_in_title": head_in_title,
        "head_in_category": head_in_category,
        "numbers_in_title": numbers_in_title,
        "negated_in_title": negated_title,
        "negated_in_text": negated_text,
        "negation_echo": negation_echo,
        "centroid_sim": centroid_sim,
        "query_brand": query_brand,
        "category_bm25": fields["category"].bm25(tokens)[pos],
        "leaf_agreement": leaf_agreement,
        "root_agreement": root_agreement,
        "rating": np.nan_to_num(snapshot.rating[pos], nan=-1.0),
        "log_rating_count": np.log1p(np.nan_to_num(snapshot.rating_count[pos], nan=0.0)),
        "prior": snapshot.prior[pos],
        "has_price": (~np.isnan(prices)).astype(np.float32),
        "price_fit": _price_fit(prices, filters),
        "title_len": snapshot.title_length[pos],
        "query_len": np.full(n, float(len(tokens)), dtype=np.float32),
        "leaf_sim": leaf_sim,
        "leaf_sim_gap": float(leaf_sim.max()) - leaf_sim,
        "pos_dense_sim": positive_sim,
        "pos_dense_sim_gap": float(positive_sim.max()) - positive_sim,
        "pos_title_bm25": positive["title_bm25"],
        "pos_title_cover": positive["title_cover"],
        "pos_all_cover": positive["all_cover"],
        "pos_title_bigram_cover": positive["title_bigram_cover"],
        "pos_phrase_in_title": positive["phrase_in_title"],
    }
    matrix = np.column_stack([np.asarray(columns[name], dtype=np.float32) for name in FEATURE_NAMES])
    if not math.isfinite(float(matrix.sum())):
        matrix = np.nan_to_num(matrix, nan=0.0, posinf=0.0, neginf=0.0)
    return matrix

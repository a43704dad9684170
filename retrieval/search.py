"""Search: a :class:`SearchRequest` → ranked :class:`Candidate`s, hard filters applied *inside* retrieval.

Stages (each timed in ``SearchResult.timings_ms``):

1. **filter** — the request's :class:`~retrieval.filters.Filters` become a Chroma ``where`` clause for
   dense retrieval and the same constraint as a boolean mask over the BM25 documents
   (:meth:`~retrieval.snapshot.CatalogSnapshot.mask`), so no retriever cuts its top-``depth`` before
   filtering. When fewer products pass than ``depth``, all of them are scored.
2. **embed / dense / bm25** — the query is embedded once; each retriever returns up to ``depth`` ids.
3. **fuse** — reciprocal rank fusion of the two lists (:func:`retrieval.fusion.rrf`).
4. **features / rank** — the learned ranker scores the fused pool (:mod:`retrieval.features`, :mod:`retrieval.rank`).
5. **personalize** — the shopper profile and soft preferences shift scores; disliked products and their
   variants never appear.
6. **diversify** — variant de-duplication and MMR (:mod:`retrieval.diversity`).

``mode`` picks how far the pipeline goes: ``bm25`` / ``dense`` (one retriever), ``hybrid`` (RRF),
``hybrid+ranker``, ``hybrid+ranker+mmr`` (the default: everything).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import Counter, OrderedDict
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field

from retrieval.ages import for_children, stated_ages
from retrieval.catalog import Product, norm
from retrieval.dense import DensePolicy, dense_search
from retrieval.diversity import dedupe_variants, mmr
from retrieval.features import FEATURE_NAMES, CandidatePool, QueryAnalysis, analyze_query, compute_features
from retrieval.filters import Filters, bullet_text, title_says, to_where
from retrieval.fusion import DEFAULT_RRF_K, rrf
from retrieval.profile import ShopperProfile
from retrieval.snapshot import CatalogSnapshot, UnknownValue
from retrieval.text import analyze, positive_text

if TYPE_CHECKING:
    from retrieval.components import Catalog
    from retrieval.rank import Ranker
    from retrieval.release import Release

__all__ = [
    "Candidate",
    "Retrieved",
    "SearchMode",
    "SearchRequest",
    "SearchResult",
    "Searcher",
    "UnknownValue",
]

SearchMode = Literal["bm25", "dense", "hybrid", "hybrid+ranker", "hybrid+ranker+mmr"]

# Personalization weights, added to the pool's base score scaled to [0, 1].
BRAND_AFFINITY_WEIGHT = 0.2
CATEGORY_AFFINITY_WEIGHT = 0.15
LIKED_SIMILARITY_WEIGHT = 0.1
PREFERENCE_WEIGHT = 0.1
_MMR_WINDOW_MIN = 30
_QUERY_VECTORS = 256
# Allowed sets up to this size are scored exactly; larger ones use a Chroma server's ANN index when there is one.
_EXACT_MAX = 50_000

log = logging.getLogger(__name__)


class SearchRequest(BaseModel):
    """What to search for, under which hard constraints, and how far to run the pipeline."""

    model_config = ConfigDict(extra="forbid")

    query: str = Field(default="", description="Free text; empty browses the filtered catalog by popularity.")
    filters: Filters = Field(default_factory=Filters)
    preferences: list[str] = Field(default_factory=list, description="Soft preferences: rank, never filter.")
    exclude_ids: list[str] = Field(default_factory=list)
    profile: ShopperProfile | None = None
    k: int = Field(default=10, ge=1, le=1000, description="Results to return.")
    depth: int = Field(default=200, ge=1, le=10_000, description="Candidates fetched per retriever.")
    mode: SearchMode = "hybrid+ranker+mmr"
    diversify: bool | None = Field(default=None, description="MMR; default: on in the +mmr mode.")
    mmr_lambda: float = Field(
        default=0.8, ge=0, le=1, description="1 keeps relevance order; lower = more variety."
    )
    dedupe_variants: bool | None = Field(
        default=None, description="One per variant group; default: on in +mmr."
    )
    rrf_k: int = Field(default=DEFAULT_RRF_K, ge=0)
    include_features: bool = Field(default=False, description="Attach ranker features to each candidate.")

    @property
    def uses_ranker(self) -> bool:
        return self.mode in ("hybrid+ranker", "hybrid+ranker+mmr")

    @property
    def mmr_on(self) -> bool:
        return self.mode == "hybrid+ranker+mmr" if self.diversify is None else self.diversify

    @property
    def dedupe_on(self) -> bool:
        return self.mode == "hybrid+ranker+mmr" if self.dedupe_variants is None else self.dedupe_variants


class Candidate(BaseModel):
    """One result with every stage's score (``None``: the stage did not run or did not retrieve it)."""

    product_id: str
    product: Product
    dense_sim: float | None = None
    dense_rank: int | None = None
    bm25_score: float | None = None
    bm25_rank: int | None = None
    fused: float | None = None
    ranker: float | None = None
    final: float
    features: dict[str, float] | None = None


class SearchResult(BaseModel):
    """Ranked candidates plus what the caller should know about the search."""

    query: str
    mode: SearchMode
    candidates: list[Candidate]
    unknown_filter_values: list[UnknownValue] = Field(default_factory=list)
    total_matching: int = Field(description="Products passing the hard filters.")
    timings_ms: dict[str, float] = Field(default_factory=dict)

    @property
    def ids(self) -> list[str]:
        return [c.product_id for c in self.candidates]


class _Timer:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self._start = time.perf_counter()
        self._last = self._start

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.timings[stage] = round(self.timings.get(stage, 0.0) + (now - self._last) * 1000.0, 3)
        self._last = now

    def total(self) -> None:
        self.timings["total"] = round((time.perf_counter() - self._start) * 1000.0, 3)


@dataclass(frozen=True)
class Retrieved:
    """The fused pool of one search before ranking (shared by search and ranker training)."""

    analysis: QueryAnalysis
    pool: CandidatePool
    total_matching: int
    unknown: list[UnknownValue]


class Searcher:
    """Searches one catalog; holds the catalog in memory (reloaded when the store's version changes)."""

    def __init__(self, catalog: Catalog, *, ranker: Ranker | None = None) -> None:
        _single_threaded_blas()
        self.catalog = catalog
        self._ranker = ranker
        self._snapshot: CatalogSnapshot | None = None
        self._lock = threading.Lock()
        self._snapshot_lock = threading.Lock()
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()

    def embed_query(self, text: str) -> np.ndarray:
        """The query's vector, remembered for the last few texts: a turn that searches again
        (relaxation, category widening, the out-of-catalog check) embeds each text once."""
        with self._lock:
            found = self._vectors.get(text)
            if found is not None:
                self._vectors.move_to_end(text)
                return found
        vector = self.catalog.embedder.embed_query(text)
        with self._lock:
            self._vectors[text] = vector
            while len(self._vectors) > _QUERY_VECTORS:
                self._vectors.popitem(last=False)
        return vector

    def nearest_similarity(self, text: str, filters: Filters | None = None) -> float | None:
        """Cosine similarity of ``text`` to the nearest served product (among those ``filters`` allow);
        ``None`` when there is none."""
        snap = self.snapshot()
        allowed = snap.mask(filters) if filters is not None else np.ones(len(snap), dtype=bool)
        if not allowed.any():
            return None
        ann = snap.release.ann if snap.release is not None else None
        _, sims, _ = dense_search(snap.vectors, self.embed_query(text), allowed, 1, ann, self.dense_policy)
        return float(sims[0])

    def clearly_nearest_leaf(
        self, text: str, similarity: float, margin: float, among: Collection[str] | None = None
    ) -> str | None:
        """The leaf category whose name is clearly the nearest to ``text`` (what kind of product a
        message is about when it names none): at least ``similarity`` (cosine) and ``margin`` more
        than any other leaf's name; ``None`` when no leaf stands out. What it rules out is no kind it
        asks about ("a liquid, not a powder"). ``among``: only those leaves (normalized names)."""
        vector = self.embed_query(positive_text(text).strip() or text)
        ranked = self.snapshot().nearest_leaves(vector, k=2, among=among)
        if len(ranked) < 2:
            return None
        (leaf, best), (_, runner_up) = ranked
        return leaf if best >= similarity and best - runner_up >= margin else None

    def nearest_leaf_held_by_nearest(self, text: str, similarity: float) -> str | None:
        """The leaf category whose name is the nearest to ``text`` (at least ``similarity``, cosine)
        when the product nearest to ``text`` is filed under it too: two readings agreeing where the
        name alone is not clearly ahead of the next ("stuffed animal": Plush Toys 0.72, Dog Toys
        0.66, and the nearest product is the plush fox). ``None`` otherwise."""
        snap = self.snapshot()
        if not len(snap):
            return None
        vector = self.embed_query(positive_text(text).strip() or text)
        ranked = snap.nearest_leaves(vector, k=1)
        if not ranked or ranked[0][1] < similarity:
            return None
        leaf = ranked[0][0]
        nearest = self.nearest_products(text, 1)
        if not nearest or not nearest[0].category or norm(nearest[0].category[-1]) != norm(leaf):
            return None
        return leaf

    def clearly_nearest_by_products(
        self,
        text: str,
        margin: float,
        top: int = 3,
        pool: int = 256,
        among: Collection[str] | None = None,
        least: int | None = None,
    ) -> str | None:
        """The leaf category whose own products are clearly the nearest to ``text`` (normalized name):
        the mean similarity of its ``top`` nearest products at least ``margin`` above any other
        leaf's (:meth:`CatalogSnapshot.leaves_by_products`, over the ``pool`` products nearest), and
        at least ``top`` products of its own. What a need told with no kind named is about ("my 60hz
        screen feels like a slideshow") when no leaf's name is near enough to say it; ``None`` when
        no leaf stands out. Only the leaves named in ``among`` (normalized names) compete when given
        (the leaves under one level the ask named: "my old dog" is Dogs), and a leader then needs
        ``least`` products of its own (``top`` unless given)."""
        snap = self.snapshot()
        if not len(snap) or margin > 1:
            return None
        positions, sims = self._nearest(snap, text, min(pool, len(snap)))
        ranked = snap.leaves_by_products(positions, sims, top)
        if among is not None:
            ranked = [(leaf, sim) for leaf, sim in ranked if leaf in among]
        if not ranked or snap.leaf_size(ranked[0][0]) < (top if least is None else least):
            return None  # (one or two products near the ask say little of a kind, and fill no answer)
        runner_up = ranked[1][1] if len(ranked) > 1 else float(sims[-1])
        return ranked[0][0] if ranked[0][1] - runner_up >= margin else None

    def leaf_led_by_meaning_and_words(self, text: str, top: int = 3, pool: int = 256) -> str | None:
        """The leaf category (normalized name) that leads both rankings of leaves by their own
        products: by nearness in meaning to ``text`` (:meth:`CatalogSnapshot.leaves_by_products` over
        the ``pool`` nearest) and by the words they share with it (the same over the ``pool`` best
        BM25 matches). What a need told with no kind named is about ("want to blitz soup right in the
        pan": Blenders, by "soup" and "blitz" in their text and by meaning) when neither ranking
        alone stands out by a margin; ``None`` when the two disagree, or the leader has fewer than
        ``top`` products of its own. The two read different evidence, so their agreement is."""
        snap = self.snapshot()
        if not len(snap):
            return None
        positions, sims = self._nearest(snap, text, min(pool, len(snap)))
        by_meaning = snap.leaves_by_products(positions, sims, top)
        lexical = snap.release.lexical if snap.release is not None else self.catalog.lexical()
        hits = lexical.search(positive_text(text).strip() or text, pool)
        if not by_meaning or not hits:
            return None
        by_words = snap.leaves_by_products(
            np.array([snap.position[pid] for pid, _ in hits], dtype=np.int64),
            np.array([score for _, score in hits], dtype=np.float32),
            top,
        )
        leader = by_meaning[0][0]
        if not by_words or by_words[0][0] != leader or snap.leaf_size(leader) < top:
            return None
        return leader

    def _nearest(self, snap: CatalogSnapshot, text: str, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Positions in ``snap`` of the ``k`` products nearest in meaning to what ``text`` asks for
        (what it rules out left aside), nearest first, with their similarities."""
        everything = np.ones(len(snap), dtype=bool)
        ann = snap.release.ann if snap.release is not None else None
        vector = self.embed_query(positive_text(text).strip() or text)
        positions, sims, _ = dense_search(snap.vectors, vector, everything, k, ann, self.dense_policy)
        return positions, sims

    def nearest_products(self, text: str, k: int) -> list[Product]:
        """The ``k`` products nearest in meaning to ``text`` over the whole catalog, nearest first."""
        snap = self.snapshot()
        if not len(snap) or k <= 0:
            return []
        return [snap.products[int(p)] for p in self._nearest(snap, text, k)[0]]

    def nearest_filing(self, text: str, k: int, filters: Filters) -> tuple[int, list[tuple[str, int]]]:
        """Where the ``k`` products nearest to ``text`` are filed: how many of them ``filters`` allow,
        and their leaf categories with counts, most first (what kind of product the text is about,
        read from the catalog's products rather than from one of its words)."""
        snap = self.snapshot()
        if not len(snap) or k <= 0:
            return 0, []
        positions, _ = self._nearest(snap, text, k)
        inside = int(snap.mask(filters)[positions].sum())
        leaves = Counter(
            snap.products[int(p)].category[-1] for p in positions if snap.products[int(p)].category
        )
        return inside, leaves.most_common()

    @property
    def dense_policy(self) -> DensePolicy:
        """When dense retrieval leaves exact scoring (``AISLE_DENSE_*`` settings)."""
        settings = self.catalog.settings
        return DensePolicy(
            mode=settings.dense_search, exact_max=settings.dense_exact_max, nprobe=settings.dense_nprobe
        )

    @property
    def ranker(self) -> Ranker:
        if self._ranker is None:
            from retrieval.rank import make_ranker

            self._ranker = make_ranker(self.catalog.settings)
        return self._ranker

    def ages_first(self, products: list[Product], age: int) -> list[Product]:
        """``products`` with those whose own text states ages taking in a child of ``age`` first (in
        the order they had), as :meth:`search` orders its matches for ``Filters.child_age``."""
        snap = self.snapshot()
        _, _, kids = snap.child_ages(age)
        stated = {p.id for p in products if (i := snap.position.get(p.id)) is not None and kids[i]}
        if not stated:
            return products
        return [p for p in products if p.id in stated] + [p for p in products if p.id not in stated]

    @staticmethod
    def adults_first(
        products: list[Product],
        child_words: Collection[str],
        adult_words: Collection[str] = (),
        window: int | None = None,
    ) -> list[Product]:
        """``products`` with those made for children after the others (each group in the order it
        had): a kids' product by its title or a level of its category saying one of ``child_words``
        ("Kids Headphones", "Little Meadow Puddle Jumper Kids Rain Jacket"), or by the ages its text
        states ("Ages 3 and Up"). For a shopper who named no child: what is made for a grown-up
        comes first, a child's after it (a list of children's products only is left as it was). A
        title naming grown-ups too (one of ``adult_words``: "for Kids & Adults") is nobody's in
        particular.

        With a ``window`` (the number shown), a grown-up's product ranked past it leads only if it is
        of a kind (the last level of its category) one of the first ``window`` is: a weaker match of
        another kind (kindling sticks after roasting sticks) does not push a kids' one of the asked
        kind off the list; it keeps its place after the kids' ones."""
        words = {w.lower() for w in child_words}
        grown = [w.lower() for w in adult_words]

        def childs(p: Product) -> bool:
            if grown and title_says(p.title, grown):
                return False
            if title_says(p.title, list(words)):
                return True
            if any(words & set(norm(level).split()) for level in p.category):
                return True
            ages = stated_ages(p.title, bullet_text(p))
            return ages is not None and for_children(ages)

        kids = [childs(p) for p in products]
        if all(kids) or not any(kids):
            return products
        shown = {p.category[-1].lower() for p in products[:window] if p.category} if window else set()

        def leads(i: int, p: Product) -> bool:
            if kids[i]:
                return False
            return window is None or i < window or bool(p.category and p.category[-1].lower() in shown)

        lead = [leads(i, p) for i, p in enumerate(products)]
        return [p for p, k in zip(products, lead, strict=True) if k] + [
            p for p, k in zip(products, lead, strict=True) if not k
        ]

    def snapshot(self) -> CatalogSnapshot:
        """The in-memory catalog of the release this process serves (rebuilt when a newer one is published)."""
        release = self.catalog.release()
        snap = self._snapshot
        if snap is not None and snap.release is release:
            return snap
        # One thread builds the new snapshot; the others go on serving the old one meanwhile. A large
        # release's snapshot is built in a background thread, so no query waits for it.
        if not self._snapshot_lock.acquire(blocking=snap is None):
            return snap  # type: ignore[return-value]
        if snap is not None and len(release) >= self.catalog.settings.background_reload_min_products:
            threading.Thread(target=self._build_snapshot, args=(release,), daemon=True).start()
            return snap  # the thread holds the lock until the new snapshot is in place
        return self._build_snapshot(release)

    def _build_snapshot(self, release: Release) -> CatalogSnapshot:
        """Build (unless already built) and serve the snapshot of ``release``; releases the snapshot lock.

        In a background thread a failure is reported by the thread and the previous snapshot stays served
        (the next query tries again)."""
        try:
            if self._snapshot is None or self._snapshot.release is not release:
                self._snapshot = CatalogSnapshot(
                    release.products,
                    release.vectors,
                    release.version,
                    leaf_vectors=self._leaf_vectors(release.products),
                    release=release,
                )
            return self._snapshot
        finally:
            self._snapshot_lock.release()

    def _leaf_vectors(self, products: list[Product]) -> dict[str, np.ndarray]:
        """The name embedding of each leaf category the products are filed under."""
        names = sorted({p.category[-1] for p in products if p.category and p.category[-1]})
        if not names:
            return {}
        return dict(zip(names, self.catalog.category_vectors(names), strict=True))

    # stages -------------------------------------------------------------------------------------
    def retrieve(self, request: SearchRequest, timer: _Timer | None = None) -> Retrieved:
        """Filter, embed, retrieve and fuse: the candidate pool ranking starts from."""
        timer = timer or _Timer()
        snap = self.snapshot()
        lexical = snap.release.lexical if snap.release is not None else self.catalog.lexical()
        timer.lap("load")
        filters = request.filters
        unknown = snap.unknown_values(filters)
        mask = snap.mask(filters)
        total = int(mask.sum())
        excluded = self._excluded_positions(snap, request)
        allowed = mask.copy()
        if len(excluded):
            allowed[excluded] = False
        excluded_ids = {snap.ids[p] for p in excluded}
        timer.lap("filter")

        text = request.query.strip()
        vector = np.zeros(snap.vectors.shape[1], dtype=np.float32)
        positive_vector = None
        if text and request.mode != "bm25":
            vector = self.embed_query(text)
            wanted = positive_text(text)
            if wanted != text and wanted.strip():
                positive_vector = self.embed_query(wanted)
        analysis = analyze_query(text, vector, positive_vector)
        timer.lap("embed")

        depth = request.depth
        dense_ids: list[str] = []
        if text and request.mode != "bm25" and allowed.any():
            dense_ids, _ = self._dense(snap, vector, filters, allowed, excluded_ids, depth, total)
        timer.lap("dense")
        bm25_ids: list[str] = []
        bm25_scores: dict[str, float] = {}
        if text and request.mode != "dense" and allowed.any():
            hits = lexical.search(text, depth, allowed)
            bm25_ids = [pid for pid, _ in hits]
            bm25_scores = dict(hits)
        timer.lap("bm25")

        if not text:
            order = np.flatnonzero(allowed)
            order = order[np.argsort(-snap.prior[order], kind="stable")][:depth]
            browse = [snap.ids[p] for p in order]
            fused = {pid: float(snap.prior[snap.position[pid]]) for pid in browse}
        else:
            fused = rrf([r for r in (dense_ids, bm25_ids) if r], k=request.rrf_k)
        pool_ids = list(fused)
        positions = np.array([snap.position[pid] for pid in pool_ids], dtype=np.int64)
        dense_rank = {pid: i for i, pid in enumerate(dense_ids, start=1)}
        bm25_rank = {pid: i for i, pid in enumerate(bm25_ids, start=1)}
        sims = snap.vectors[positions] @ vector if len(positions) else np.zeros(0, dtype=np.float32)
        pool = CandidatePool(
            positions=positions,
            dense_sim=np.asarray(sims, dtype=np.float32),
            dense_rank=np.array([dense_rank.get(pid, 0) for pid in pool_ids], dtype=np.int64),
            bm25_score=np.array([bm25_scores.get(pid, 0.0) for pid in pool_ids], dtype=np.float32),
            bm25_rank=np.array([bm25_rank.get(pid, 0) for pid in pool_ids], dtype=np.int64),
            fused=np.array([fused[pid] for pid in pool_ids], dtype=np.float32),
            depth=depth,
        )
        timer.lap("fuse")
        return Retrieved(analysis=analysis, pool=pool, total_matching=total, unknown=unknown)

    def features(self, request: SearchRequest, retrieved: Retrieved) -> np.ndarray:
        """The ranker's feature rows for a retrieved pool (the one function train and serve share)."""
        return compute_features(self.snapshot(), retrieved.analysis, retrieved.pool, request.filters)

    def search(self, request: SearchRequest) -> SearchResult:
        timer = _Timer()
        retrieved = self.retrieve(request, timer)
        snap = self.snapshot()
        pool = retrieved.pool
        n = len(pool)

        features: np.ndarray | None = None
        ranker_scores: np.ndarray | None = None
        if request.mode == "bm25":
            base = pool.bm25_score.astype(np.float64)
        elif request.mode == "dense":
            base = pool.dense_sim.astype(np.float64)
        else:
            base = pool.fused.astype(np.float64)
        if request.uses_ranker and request.query.strip() and n:
            features = self.features(request, retrieved)
            timer.lap("features")
            ranker_scores = self.ranker.score(features)
            base = ranker_scores
            timer.lap("rank")

        final = self._personalize(snap, request, retrieved, base)
        timer.lap("personalize")
        order = np.argsort(-final, kind="stable")
        order = self._diversify(snap, request, pool, final, order)
        order = _title_first(snap, request.filters.text_words, pool.positions, order)
        order = _ages_first(snap, request.filters.child_age, pool.positions, order)
        timer.lap("diversify")

        candidates = [
            self._candidate(
                snap, pool, i, final, ranker_scores, features if request.include_features else None
            )
            for i in order[: request.k]
        ]
        timer.total()
        return SearchResult(
            query=request.query,
            mode=request.mode,
            candidates=candidates,
            unknown_filter_values=retrieved.unknown,
            total_matching=retrieved.total_matching,
            timings_ms=timer.timings,
        )

    # helpers ------------------------------------------------------------------------------------
    def _excluded_positions(self, snap: CatalogSnapshot, request: SearchRequest) -> np.ndarray:
        excluded = {snap.position[pid] for pid in request.exclude_ids if pid in snap.position}
        profile = request.profile
        if profile is not None and profile.disliked_ids:
            disliked = [snap.position[pid] for pid in profile.disliked_ids if pid in snap.position]
            if disliked:
                groups = np.unique(snap.variant[disliked])
                excluded.update(np.flatnonzero(np.isin(snap.variant, groups)).tolist())
        return np.array(sorted(excluded), dtype=np.int64)

    def _dense(
        self,
        snap: CatalogSnapshot,
        vector: np.ndarray,
        filters: Filters,
        allowed: np.ndarray,
        excluded_ids: set[str],
        depth: int,
        total: int,
    ) -> tuple[list[str], dict[str, float]]:
        """The ``depth`` allowed products nearest to ``vector``: exact, from the served release's vectors.

        Exact scoring over the snapshot is both consistent (it is the served version, whatever a writer
        is doing to the index meanwhile) and fast at store scale (6,764 × 384 floats: about a
        millisecond). Only a large allowed set with a Chroma server (``AISLE_CHROMA_URL``) goes to the
        ANN index, over-fetching by the excluded ids; HNSW under a selective filter can return fewer
        neighbours than exist, and then the exact scores are used after all. Readers never query an
        embedded Chroma: its in-process index goes stale when another process writes.

        A release large enough to carry its own IVF index (``AISLE_ANN_MIN_PRODUCTS``) never goes to
        Chroma: :func:`retrieval.dense.dense_search` picks exact scoring or the IVF index (filter inside
        the scan) by the allowed set's size, without Chroma's ``where`` cost.
        """
        allowed_count = int(allowed.sum())
        want = min(depth, allowed_count)
        hits: list[tuple[str, float]] = []
        ann = snap.release.ann if snap.release is not None else None
        chroma = (
            ann is None
            and self.catalog.settings.chroma_url is not None
            and allowed_count > _EXACT_MAX
            and not filters.attribute_ranges  # Chroma cannot evaluate numeric attribute bounds
            and not filters.exclude_colors  # nor the words of a colour
            and not filters.exclude_categories  # (its hits are not checked against the allowed set)
            and not filters.text_words  # nor words of the product text (its metadata holds none)
            and not filters.exclude_text_words
            and not filters.title_quantities  # nor the figures its titles state
            and filters.child_age is None  # nor the ages its text states
        )
        if chroma:
            fetch = min(depth + len(excluded_ids), total)
            try:
                found = self.catalog.index.query(vector, fetch, to_where(filters))
            except Exception as exc:
                log.warning("vector index query failed (%s); scoring exactly", type(exc).__name__)
                found = []
            hits = [(pid, sim) for pid, sim in found if pid not in excluded_ids and pid in snap.position]
            hits = hits[:depth]
        if len(hits) < want:
            positions, sims, _ = dense_search(snap.vectors, vector, allowed, depth, ann, self.dense_policy)
            hits = [(snap.ids[int(p)], float(s)) for p, s in zip(positions, sims, strict=True)]
        return [pid for pid, _ in hits], dict(hits)

    def _personalize(
        self, snap: CatalogSnapshot, request: SearchRequest, retrieved: Retrieved, base: np.ndarray
    ) -> np.ndarray:
        """Base scores scaled to [0, 1], plus profile affinities and soft-preference matches."""
        profile = request.profile
        if (profile is None or profile.is_empty()) and not request.preferences:
            return np.asarray(base, dtype=np.float64)
        pool = retrieved.pool
        pos = pool.positions
        spread = float(base.max() - base.min()) if len(base) else 0.0
        score = (base - base.min()) / spread if spread > 0 else np.zeros(len(base))
        if profile is not None:
            if profile.brand_affinity:
                score += BRAND_AFFINITY_WEIGHT * np.array(
                    [profile.brand_affinity.get(b, 0.0) for b in snap.brand[pos]], dtype=np.float64
                )
            if profile.category_affinity:
                score += CATEGORY_AFFINITY_WEIGHT * np.array(
                    [_strongest(profile.category_affinity, row) for row in snap.categories[pos]],
                    dtype=np.float64,
                )
            liked = [snap.position[p] for p in profile.liked_ids + profile.clicked_ids if p in snap.position]
            if liked:
                weights = np.array(
                    [1.0 if snap.ids[p] in profile.liked_ids else 0.5 for p in liked], dtype=np.float64
                )
                sims = snap.vectors[pos] @ snap.vectors[liked].T
                score += LIKED_SIMILARITY_WEIGHT * (sims * weights).max(axis=1)
        if request.preferences:
            words = list(dict.fromkeys(w for pref in request.preferences for w in analyze(pref)))
            if words:
                hits = np.zeros(len(snap), dtype=np.float64)
                for field in ("title", "bullets", "category", "color"):
                    hits = np.maximum(hits, snap.fields[field].hits(words))
                score += PREFERENCE_WEIGHT * hits[pos] / len(words)
        return score

    def _diversify(
        self,
        snap: CatalogSnapshot,
        request: SearchRequest,
        pool: CandidatePool,
        final: np.ndarray,
        order: np.ndarray,
    ) -> np.ndarray:
        spare = order[:0]
        if request.dedupe_on and len(order):
            kept = dedupe_variants(snap.variant[pool.positions[order]])
            if len(kept) < min(request.k, len(order)):
                # fewer product families than asked for: the other sizes and colors of those that
                # matched fill the list after every family (two desks in budget, one of them in two
                # sizes: three to choose from, not two)
                chosen = set(kept)
                spare = order[[i for i in range(len(order)) if i not in chosen][: request.k - len(kept)]]
            order = order[kept]
        if request.mmr_on and len(order) > 1:
            window = max(3 * request.k, _MMR_WINDOW_MIN)
            head, tail = order[:window], order[window:]
            picked = mmr(
                final[head], snap.vectors[pool.positions[head]], lambda_=request.mmr_lambda, k=len(head)
            )
            order = np.concatenate([head[picked], tail])
        if len(spare):
            order = np.concatenate([order, spare])
        return order

    def _candidate(
        self,
        snap: CatalogSnapshot,
        pool: CandidatePool,
        i: int,
        final: np.ndarray,
        ranker_scores: np.ndarray | None,
        features: np.ndarray | None,
    ) -> Candidate:
        position = int(pool.positions[i])
        dense_rank = int(pool.dense_rank[i])
        bm25_rank = int(pool.bm25_rank[i])
        return Candidate(
            product_id=snap.ids[position],
            product=snap.products[position],
            dense_sim=float(pool.dense_sim[i]),
            dense_rank=dense_rank or None,
            bm25_score=float(pool.bm25_score[i]) if bm25_rank else None,
            bm25_rank=bm25_rank or None,
            fused=float(pool.fused[i]),
            ranker=float(ranker_scores[i]) if ranker_scores is not None else None,
            final=float(final[i]),
            features=dict(zip(FEATURE_NAMES, features[i].tolist(), strict=True))
            if features is not None
            else None,
        )


def _title_first(
    snap: CatalogSnapshot, text_words: list[str], positions: np.ndarray, order: np.ndarray
) -> np.ndarray:
    """``order`` with the products whose titles state every asked text word ahead of those that
    meet the filter in their bullet points only: a title names what the product is sold as, a
    bullet may mention the word in passing ("prevents leaks")."""
    if not text_words:
        return order
    stated = np.ones(len(snap), dtype=bool)
    for word in text_words:
        stated &= snap.title_states(word)
    return _stated_first(stated, positions, order)


def _ages_first(
    snap: CatalogSnapshot, age: int | None, positions: np.ndarray, order: np.ndarray
) -> np.ndarray:
    """``order`` with the products whose text states ages taking in a child of ``age`` ("Ages 3 and
    Up" for a 4-year-old) ahead of those stating none: the seller saying who it is for is the
    surest sign it suits the child."""
    if age is None:
        return order
    _, _, kids = snap.child_ages(age)
    return _stated_first(kids, positions, order)


def _stated_first(stated: np.ndarray, positions: np.ndarray, order: np.ndarray) -> np.ndarray:
    """``order`` (indices into the pool, whose catalog rows are ``positions``) with the products
    ``stated`` marks (a mask over catalog rows) first, each part in the order it had."""
    if not len(order):
        return order
    first = stated[positions[order]]
    if first.all() or not first.any():
        return order
    return np.concatenate([order[first], order[~first]])


_BLAS_LIMITED = False


def _single_threaded_blas() -> None:
    """Keep numpy's BLAS to one thread (once per process).

    Search multiplies small matrices (hundreds of rows); a multi-threaded OpenBLAS gains nothing there,
    and its spinning threads slowed the next query embedding (torch) from 10 to 25 ms when measured.
    """
    global _BLAS_LIMITED
    if not _BLAS_LIMITED:
        from threadpoolctl import threadpool_limits

        threadpool_limits(limits=1, user_api="blas")
        _BLAS_LIMITED = True


def _strongest(affinity: dict[str, float], levels: np.ndarray) -> float:
    """The affinity of largest magnitude among a product's category levels."""
    best = 0.0
    for level in levels:
        value = affinity.get(level, 0.0) if level else 0.0
        if abs(value) > abs(best):
            best = value
    return best

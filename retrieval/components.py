"""The catalog bundle: the product store, the embedder, the vector index and the BM25 index, opened
from :class:`~assistant.settings.Settings`.

Everything is built on first use: opening a :class:`Catalog` costs nothing; the Chroma client is made
when ``index`` is first read and the embedding model loads when something first embeds.

    catalog = open_catalog(get_settings())
    catalog.store.get("B0…")
    catalog.index.query(catalog.embedder.embed_query("usb c charger"), k=10)
    catalog.lexical().search("usb c charger", k=10)
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING

import numpy as np
from pydantic import BaseModel, Field

from assistant.errors import CatalogError
from retrieval.category_vectors import cached_category_vectors
from retrieval.embed import Embedder, make_embedder
from retrieval.index import ChromaIndex, make_index
from retrieval.lexical import LEXICAL_SCHEMA, LexicalIndex, load_or_build
from retrieval.products import ProductStore, Vocabulary
from retrieval.release import Release, current_name, is_current, load, publish, read_manifest, writer_lock

if TYPE_CHECKING:
    from assistant.settings import Settings

__all__ = ["Catalog", "CatalogStats", "catalog_stats", "open_catalog"]

log = logging.getLogger(__name__)


class Catalog:
    """The catalog's components for one data dir; use :func:`open_catalog`. Closing closes the store."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None) -> None:
        self.settings = settings
        self._embedder = embedder
        self._lexical: LexicalIndex | None = None
        self._lock = threading.Lock()
        self._category_lock = threading.Lock()
        self._release: Release | None = None
        self._release_checked = 0.0
        self._release_lock = threading.Lock()

    @cached_property
    def embedder(self) -> Embedder:
        """The injected embedder, or the one ``AISLE_EMBEDDER`` names (its model loads on first embed)."""
        return self._embedder if self._embedder is not None else make_embedder(self.settings)

    @cached_property
    def store(self) -> ProductStore:
        """The SQLite product store: the source of truth."""
        return ProductStore(self.settings.catalog_db)

    @cached_property
    def index(self) -> ChromaIndex:
        """The Chroma collection (embedded, or the server at ``AISLE_CHROMA_URL``)."""
        return make_index(self.settings, embedder_name=self.embedder.name, dim=self.embedder.dim)

    def lexical(self) -> LexicalIndex:
        """The BM25 index of the release this process serves (see :meth:`release`)."""
        return self.release().lexical

    def build_lexical(self) -> LexicalIndex:
        """The writer's BM25 index for the store's current version (loaded or rebuilt, then cached)."""
        with self._lock:
            if self._lexical is None or self._lexical.version != self.store.version():
                self._lexical = load_or_build(self.store, self.settings.lexical_dir)
            return self._lexical

    def release(self) -> Release:
        """The published catalog release this process serves: what every reader searches and shows.

        ``CURRENT`` is re-read at most every ``catalog_refresh_s``; a newer release is loaded by one thread
        while the others go on serving the old one, then replaces it in one assignment; a release of at least
        ``background_reload_min_products`` products is loaded by a background thread, so no query waits for
        it (at 1M products loading takes minutes). A data dir that has
        products but no release yet (made before releases existed) is published once, under the writer lock.
        """
        served = self._release
        if served is not None and time.monotonic() - self._release_checked < self.settings.catalog_refresh_s:
            return served
        if not self._release_lock.acquire(blocking=served is None):
            return served  # type: ignore[return-value]  # another thread is loading; serve the old one
        if served is not None and self._loads_in_background(served):
            threading.Thread(target=self._refresh, name="aisle-release-load", daemon=True).start()
            return served  # the thread holds the lock until the newer release is in place
        try:
            return self._refresh_locked()
        finally:
            self._release_lock.release()

    def _loads_in_background(self, served: Release) -> bool:
        """Whether ``CURRENT`` names a newer release large enough to load off the query path."""
        name = current_name(self.settings.data_dir)
        if name is None or name == served.name:
            return False
        info = read_manifest(self.settings.data_dir, name) or {}
        size = info.get("products")
        return isinstance(size, int) and size >= self.settings.background_reload_min_products

    def _refresh(self) -> None:
        """Load the newer release (in a background thread that holds the release lock)."""
        try:
            self._refresh_locked()
        except (CatalogError, OSError) as exc:
            log.warning("loading the newer catalog release failed (%s); serving the previous one", exc)
            self._release_checked = time.monotonic()
        finally:
            self._release_lock.release()

    def _refresh_locked(self) -> Release:
        served = self._release
        for _ in range(3):
            name = current_name(self.settings.data_dir)
            if name is None or (served is None and not self._release_fits(name)):
                name = self.publish()
            if served is not None and served.name == name:
                break
            try:
                served = load(self.settings.data_dir, name)
                break
            except FileNotFoundError:
                continue  # pruned between reading CURRENT and loading it: read CURRENT again
        if served is None:
            raise CatalogError(f"no readable catalog release in {self.settings.data_dir}")
        self._release = served
        self._release_checked = time.monotonic()
        return served

    def _release_fits(self, name: str) -> bool:
        """Whether release ``name`` was built for this process's embedder and BM25 text schema."""
        info = read_manifest(self.settings.data_dir, name) or {}
        return info.get("embedder") == self.embedder.name and info.get("lexical_schema") == LEXICAL_SCHEMA

    def publish(self) -> str:
        """Publish the store's current version as the served release (takes the writer lock)."""
        with writer_lock(self.settings.data_dir, wait_s=max(self.settings.ingest_wait_s, 60.0)):
            if is_current(self.settings.data_dir, self.store.version(), self.embedder.name):
                return str(current_name(self.settings.data_dir))
            return publish(self)

    def adopt(self, name: str) -> Release:
        """Serve release ``name`` now (the writer's own process, right after publishing it)."""
        with self._release_lock:
            if self._release is None or self._release.name != name:
                self._release = load(self.settings.data_dir, name)
            self._release_checked = time.monotonic()
            return self._release

    def category_vectors(self, names: Sequence[str]) -> np.ndarray:
        """Embeddings of category names, from the on-disk cache (names not cached yet are embedded once)."""
        with self._category_lock:
            return cached_category_vectors(self.settings.category_vectors_dir, names, self.embedder)

    def leaf_categories(self) -> list[str]:
        """The distinct leaf categories of the store's products."""
        return sorted({p.category[-1] for p in self.store.all() if p.category})

    def close(self) -> None:
        if "store" in self.__dict__:
            self.store.close()
            del self.__dict__["store"]

    def __enter__(self) -> Catalog:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_catalog(settings: Settings, *, embedder: Embedder | None = None) -> Catalog:
    """The catalog under ``settings.data_dir``; pass ``embedder`` to inject one (tests, benchmarks)."""
    return Catalog(settings, embedder)


class CatalogStats(BaseModel):
    """What ``aisle catalog stats`` reports: the store's contents and whether the indexes agree with it."""

    products: int
    version: int
    brands: int
    categories: int
    colors: int
    with_price: int
    price_coverage: float = Field(description="Share of products with a price, 0..1.")
    chroma_count: int
    chroma_in_sync: bool = Field(description="Chroma holds exactly the store's ids.")
    chroma_missing: int = Field(description="Store ids missing from Chroma (the next ingest repairs them).")
    chroma_extra: int = Field(
        description="Chroma ids the store does not record (the next ingest removes them)."
    )
    bm25_count: int | None = Field(description="Documents in the saved BM25 index; None when there is none.")
    bm25_in_sync: bool = Field(
        description="The saved BM25 index was built from the store's current version, with the current text schema."
    )
    release: str | None = Field(
        description="The published release readers serve (None before the first ingest)."
    )
    release_in_sync: bool = Field(description="The served release holds the store's current version.")


def catalog_stats(catalog: Catalog) -> CatalogStats:
    """Counts from the store, Chroma and the saved BM25 index (read only: nothing is rebuilt)."""
    store = catalog.store
    products = list(store.all())
    stored_ids = {p.id for p in products}
    vocabulary = Vocabulary.from_products(products)
    with_price = sum(1 for p in products if p.price is not None)
    indexed = catalog.index.ids()
    lexical = LexicalIndex.load(catalog.settings.lexical_dir)
    version = store.version()
    return CatalogStats(
        products=len(products),
        version=version,
        brands=len(vocabulary.brands),
        categories=len(vocabulary.categories),
        colors=len(vocabulary.colors),
        with_price=with_price,
        price_coverage=with_price / len(products) if products else 0.0,
        chroma_count=len(indexed),
        chroma_in_sync=indexed == stored_ids,
        chroma_missing=len(stored_ids - indexed),
        chroma_extra=len(indexed - stored_ids),
        bm25_count=len(lexical) if lexical is not None else None,
        bm25_in_sync=lexical is not None
        and lexical.version == version
        and lexical.schema == LEXICAL_SCHEMA
        and set(lexical.ids) == stored_ids,
        release=current_name(catalog.settings.data_dir),
        release_in_sync=is_current(catalog.settings.data_dir, version, catalog.embedder.name),
    )

"""Incremental, crash-safe catalog ingest: feed → content-hash diff → embed → Chroma → store → BM25.

* **Incremental**: each product's :func:`~retrieval.catalog.content_hash` is compared with the one
  the store records; unchanged products are not embedded again, changed and new ones are.
* **Repair**: store ids that the vector index lacks (its folder was deleted, a crash) are embedded
  again, and ids only the vector index holds (left by a crash) are removed from it.
* **Crash-safe**: every batch goes to Chroma first (an idempotent upsert) and is recorded in the
  store afterwards (one SQLite transaction), so the store only ever records what Chroma already has.
  After a ``kill -9`` anywhere, rerunning the same ingest re-embeds whatever the store does not
  record and ends with the exact catalog. Deletions (``sync``) go the other way: Chroma first,
  then the store. The BM25 index is rebuilt at the end from the store; it is versioned, so a
  stale one (after a crash) is rebuilt on next use.
* **One writer, atomic for readers**: the whole ingest holds the data dir's writer lock (a second
  ingest waits ``wait_s`` seconds, then fails with a clear message), and ends by publishing a
  :mod:`release <retrieval.release>`: readers in other processes switch to it in one step and never
  see a half-written catalog.
* **Makers**: a product without a brand (a feed's "Unknown" is none, see :mod:`retrieval.brands`)
  whose title opens with a brand the catalog uses is filed under that brand before the diff, so the
  store, the filter metadata and BM25 all carry it.
* **Quiet**: the core never prints; callers pass a ``progress(done, total)`` callback.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, Field

from assistant.errors import CatalogError, FeedError
from retrieval.brands import TitleBrands, clean_brand
from retrieval.catalog import Product, content_hash, embedding_text, index_metadata
from retrieval.loaders import FeedFormat, RowError, RowWarning, load_feed
from retrieval.release import publish, writer_lock

if TYPE_CHECKING:
    from retrieval.components import Catalog

__all__ = [
    "IngestSummary",
    "ProgressCallback",
    "ingest_feed",
    "ingest_products",
]

log = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int], None]
"""Called with ``(products written, products to write)`` before the first batch and after each one."""

_STRICT_SHOWN = 10


class IngestSummary(BaseModel):
    """What one ingest did."""

    added: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    skipped: int = Field(default=0, description="Feed rows the loader skipped (see errors).")
    errors: list[RowError] = Field(default_factory=list, description="The skipped rows: file, line, reason.")
    warnings: list[RowWarning] = Field(
        default_factory=list,
        description="What was dropped from kept rows (unsafe links): file, line, reason.",
    )
    repaired: list[str] = Field(
        default_factory=list, description="Ids embedded again because the vector index lacked them."
    )
    embedded: int = Field(default=0, description="Texts sent to the embedder.")
    seconds: float = 0.0
    products_per_s: float = Field(default=0.0, description="Valid feed products handled per second.")


@dataclass
class _Plan:
    """The diff between a feed and the catalog: what to write, delete and count (internal)."""

    writes: list[tuple[Product, str]] = field(default_factory=list)
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    repaired: list[str] = field(default_factory=list)
    deletes: list[str] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)


def ingest_feed(
    catalog: Catalog,
    path: str | Path,
    *,
    fmt: FeedFormat = "auto",
    sync: bool = False,
    strict: bool = False,
    column_map: dict[str, str] | None = None,
    batch_size: int | None = None,
    progress: ProgressCallback | None = None,
    wait_s: float | None = None,
) -> IngestSummary:
    """Ingest a feed file (``fmt``: auto, jsonl, csv, shopify, esci) into ``catalog``.

    ``sync`` deletes products the feed no longer lists; ``strict`` refuses the whole feed (raising
    :class:`FeedError`, before writing anything) when any row could not be read.
    """
    started = time.perf_counter()
    feed = load_feed(Path(path), fmt, column_map=column_map)
    summary = _ingest(
        catalog,
        feed.products,
        feed.errors,
        sync=sync,
        strict=strict,
        batch_size=batch_size,
        progress=progress,
        started=started,
        wait_s=wait_s,
    )
    return summary.model_copy(update={"warnings": feed.warnings})


def ingest_products(
    catalog: Catalog,
    products: Iterable[Product],
    *,
    sync: bool = False,
    strict: bool = False,
    errors: Sequence[RowError] = (),
    batch_size: int | None = None,
    progress: ProgressCallback | None = None,
    wait_s: float | None = None,
) -> IngestSummary:
    """Ingest already-parsed products (the API's admin upsert); same semantics as :func:`ingest_feed`."""
    return _ingest(
        catalog,
        products,
        errors,
        sync=sync,
        strict=strict,
        batch_size=batch_size,
        progress=progress,
        started=time.perf_counter(),
        wait_s=wait_s,
    )


def _ingest(
    catalog: Catalog,
    products: Iterable[Product],
    row_errors: Sequence[RowError],
    *,
    sync: bool,
    strict: bool,
    batch_size: int | None,
    progress: ProgressCallback | None,
    started: float,
    wait_s: float | None,
) -> IngestSummary:
    errors = list(row_errors)
    if strict and errors:
        raise FeedError(_strict_message(errors))
    feed = _unique(products)
    if sync and not feed:
        raise FeedError(
            "the feed has no valid products; refusing --sync, which would delete the whole catalog"
        )
    size = batch_size or catalog.settings.ingest_batch_size
    if size < 1:
        raise ValueError(f"batch_size must be at least 1, got {size}")

    # A bad row still names its product: --sync must not delete a product just because its row broke.
    keep = {e.record_id for e in errors if e.record_id}
    wait = catalog.settings.ingest_wait_s if wait_s is None else wait_s
    with writer_lock(catalog.settings.data_dir, wait_s=wait):
        feed = _with_title_brands(catalog, feed, sync=sync)
        plan = _diff(catalog, feed, sync=sync, keep=keep)
        _delete(catalog, plan)
        embedded = _write(catalog, plan.writes, size, progress)
        catalog.build_lexical()  # rebuild BM25 from the store (versioned: also heals after a crash)
        catalog.category_vectors(catalog.leaf_categories())  # embed new category names now, not at search
        release = publish(catalog)  # readers switch to the new version atomically
    catalog.adopt(release)

    seconds = time.perf_counter() - started
    summary = IngestSummary(
        added=plan.added,
        updated=plan.updated,
        unchanged=plan.unchanged,
        deleted=len(plan.deletes),
        skipped=len(errors),
        errors=errors,
        repaired=plan.repaired,
        embedded=embedded,
        seconds=seconds,
        products_per_s=len(feed) / seconds if seconds > 0 else 0.0,
    )
    log.info(
        "ingest: %d added, %d updated, %d unchanged, %d deleted, %d repaired, %d skipped in %.2fs",
        summary.added,
        summary.updated,
        summary.unchanged,
        summary.deleted,
        len(summary.repaired),
        summary.skipped,
        seconds,
    )
    return summary


def _strict_message(errors: Sequence[RowError]) -> str:
    lines = [f"{len(errors)} feed row(s) could not be read, and --strict refuses the whole feed:"]
    lines += [f"  {e}" for e in errors[:_STRICT_SHOWN]]
    if len(errors) > _STRICT_SHOWN:
        lines.append(f"  … and {len(errors) - _STRICT_SHOWN} more")
    lines.append("Fix these rows, or ingest without --strict to skip them.")
    return "\n".join(lines)


def _unique(products: Iterable[Product]) -> dict[str, Product]:
    """Products by id; when a feed repeats an id, its last row wins."""
    feed: dict[str, Product] = {}
    repeated = 0
    for product in products:
        if product.id in feed:
            repeated += 1
            del feed[product.id]  # keep the order of the last occurrence
        feed[product.id] = product
    if repeated:
        log.warning("the feed repeats %d product id(s); the last row of each wins", repeated)
    return feed


def _with_title_brands(catalog: Catalog, feed: dict[str, Product], *, sync: bool) -> dict[str, Product]:
    """Brandless products whose title opens with a brand the catalog uses, filed under that brand.

    The catalog's brands are the feed's and, unless ``sync`` replaces the catalog, the stored
    products' the feed does not repeat (so one product upserted alone is read like a whole feed).
    """
    brands = {} if sync else {pid: b for pid, b in catalog.store.brands().items() if pid not in feed}
    brands.update({pid: p.brand for pid, p in feed.items() if p.brand})
    titles = TitleBrands(b for raw in brands.values() if (b := clean_brand(raw)))
    if not titles:
        return feed
    named = 0
    for pid, product in feed.items():
        if product.brand is None and (brand := titles.brand_of(product.title)) is not None:
            feed[pid] = product.model_copy(update={"brand": brand})
            named += 1
    if named:
        log.info("ingest: %d brandless product(s) filed under the brand their title opens with", named)
    return feed


def _diff(catalog: Catalog, feed: dict[str, Product], *, sync: bool, keep: set[str]) -> _Plan:
    stored = catalog.store.hashes()
    indexed = catalog.index.ids()
    plan = _Plan()
    for product in feed.values():
        digest = content_hash(product)
        known = stored.get(product.id)
        if known is None:
            plan.added += 1
        elif known != digest:
            plan.updated += 1
        elif product.id not in indexed:
            plan.repaired.append(product.id)
        else:
            plan.unchanged += 1
            continue
        plan.writes.append((product, digest))
    if sync:
        plan.deletes = sorted(set(stored) - set(feed) - keep)
        if kept := (set(stored) - set(feed)) & keep:
            log.warning("--sync keeps %d product(s) whose feed rows could not be read", len(kept))
    else:
        # Products the feed does not mention stay; re-embed those the vector index lost.
        lost = sorted(pid for pid in stored if pid not in feed and pid not in indexed)
        found = catalog.store.get_many(lost)
        for pid in lost:
            plan.writes.append((found[pid], stored[pid]))
            plan.repaired.append(pid)
    writing = {p.id for p, _ in plan.writes}
    plan.orphans = sorted(pid for pid in indexed if pid not in stored and pid not in writing)
    return plan


def _delete(catalog: Catalog, plan: _Plan) -> None:
    """Vector index first, then the store: a crash in between leaves ids the rerun deletes again."""
    gone = plan.deletes + plan.orphans
    if gone:
        catalog.index.delete(gone)
    if plan.deletes:
        catalog.store.delete(plan.deletes)


def _write(
    catalog: Catalog, writes: list[tuple[Product, str]], size: int, progress: ProgressCallback | None
) -> int:
    """Embed and write in batches; returns how many texts were embedded.

    Texts are sorted by length (longest first) before batching, as sentence-transformers does within
    one ``encode`` call, so a batch pads to similar lengths.
    """
    items = [(product, digest, embedding_text(product)) for product, digest in writes]
    items.sort(key=lambda item: -len(item[2]))
    total = len(items)
    if progress:
        progress(0, total)
    done = 0
    for start in range(0, total, size):
        batch = items[start : start + size]
        vectors = catalog.embedder.embed_documents([text for _, _, text in batch])
        if vectors.shape != (len(batch), catalog.embedder.dim):
            raise CatalogError(
                f"the embedder {catalog.embedder.name!r} returned shape {vectors.shape} for {len(batch)} "
                f"texts, expected ({len(batch)}, {catalog.embedder.dim})"
            )
        catalog.index.upsert(
            [product.id for product, _, _ in batch],
            vectors,
            [index_metadata(product, content_hash_value=digest) for product, digest, _ in batch],
        )
        catalog.store.upsert((product, digest) for product, digest, _ in batch)
        done += len(batch)
        if progress:
            progress(done, total)
    return total

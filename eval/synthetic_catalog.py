"""Synthetic scale catalogs (``aisle bench gen``): realistic records and fast deterministic vectors.

Records follow ESCI's shape. Each product is drawn from an ESCI *template* product of its category
(categories: ESCI's own paths, popularity skewed), with:

* a brand from the category's brand list, Zipf-skewed (ESCI's brand names plus generated ones);
* a title from the template's words (its brand swapped for the new one, a few words replaced by words
  of other titles in the same category, a model code added), so title lengths are ESCI's;
* the template's bullet points and description (ESCI text lengths: most descriptions empty);
* a price drawn log-normally around its category's own median;
* typed attributes per root category (sizes, materials, capacities with units, pack counts);
* color, rating, rating count and stock like a marketplace's.

Vectors come from :class:`SyntheticEmbedder`, **not a language model**: each word gets a fixed random
direction (seeded by its hash), a product's vector is the normalized sum over its title, brand and
category words (category words counted twice), and a query is embedded the same way. Products of one
category or brand therefore lie near each other, so an ANN index faces clustered data, not uniform
noise. It is fast (1M products in well under a minute) and deterministic; it measures latency and
recall against exact search, not relevance.

The catalog is written as a normal published release (:func:`retrieval.release.write_release`), so the
release, snapshot and search code serve it exactly as they serve an ingested catalog.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pydantic import BaseModel

from retrieval.catalog import MAX_CATEGORY_LEVELS, Product, lexical_text
from retrieval.lexical import LexicalIndex
from retrieval.release import current_name, release_root, write_release

__all__ = [
    "GenSummary",
    "SyntheticEmbedder",
    "add_bm25",
    "generate_catalog",
    "generate_products",
    "synthetic_queries",
]

_TOKEN = re.compile(r"[a-z]+")
_CATEGORY_DEPTH = 4
_COLORS = [
    "Black",
    "White",
    "Blue",
    "Red",
    "Grey",
    "Green",
    "Silver",
    "Pink",
    "Brown",
    "Beige",
    "Navy",
    "Gold",
]
_MATERIALS = ["cotton", "polyester", "wool", "leather", "linen", "nylon", "bamboo", "stainless steel", "wood"]
_SIZES = ["XS", "S", "M", "L", "XL", "XXL"]
# Typed attributes per root category: (name, values); values with a unit are numeric to the schema.
_ATTRIBUTES: dict[str, list[tuple[str, list[str]]]] = {
    "Clothing, Shoes & Jewelry": [("size", _SIZES), ("material", _MATERIALS[:6])],
    "Electronics": [
        ("storage", ["16 GB", "32 GB", "64 GB", "128 GB", "256 GB", "512 GB"]),
        ("wattage", ["5 W", "10 W", "20 W", "45 W", "65 W"]),
    ],
    "Home & Kitchen": [("material", _MATERIALS), ("capacity", ["1 qt", "2 qt", "4 qt", "6 qt", "8 qt"])],
    "Tools & Home Improvement": [("voltage", ["12 V", "18 V", "20 V", "40 V"]), ("material", _MATERIALS[5:])],
    "Sports & Outdoors": [("size", _SIZES), ("weight", ["1 lb", "2 lb", "5 lb", "10 lb", "25 lb"])],
}
_DEFAULT_ATTRIBUTES = [
    ("pack size", ["1 count", "2 count", "4 count", "6 count", "12 count"]),
    ("material", _MATERIALS),
]
_SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ra",
    "tek",
    "vo",
    "zen",
    "pro",
    "nu",
    "sol",
    "ver",
    "qua",
    "bri",
    "dex",
    "fa",
    "gor",
]


class SyntheticEmbedder:
    """Hashed-token random projection: each word a fixed N(0, 1) direction, a text their normalized sum.

    Words with digits are ignored (model codes would only add noise), so are one-letter words.
    """

    def __init__(self, dim: int = 384, seed: int = 11) -> None:
        self.name = f"synthetic-{dim}"
        self.dim = dim
        self._seed = seed
        self._table: dict[str, np.ndarray] = {}

    def _word(self, word: str) -> np.ndarray:
        vector = self._table.get(word)
        if vector is None:
            key = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")
            vector = np.random.default_rng([self._seed, key]).standard_normal(self.dim).astype(np.float32)
            self._table[word] = vector
        return vector

    @staticmethod
    def words(text: str) -> list[str]:
        return [w for w in _TOKEN.findall(text.casefold()) if len(w) > 1]

    def embed_query(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dim, dtype=np.float32)
        for word in self.words(text):
            vector += self._word(word)
        length = float(np.linalg.norm(vector))
        if length == 0.0:
            vector[0] = 1.0
            return vector
        return vector / length

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        """All texts at once: a sparse (texts × words) count matrix times the word table."""
        from scipy.sparse import csr_matrix

        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        vocabulary: dict[str, int] = {}
        indptr = [0]
        indices: list[int] = []
        for text in texts:
            indices.extend(vocabulary.setdefault(w, len(vocabulary)) for w in self.words(text))
            indptr.append(len(indices))
        counts = csr_matrix(
            (np.ones(len(indices), dtype=np.float32), np.array(indices, dtype=np.int64), np.array(indptr)),
            shape=(len(texts), len(vocabulary)),
        )
        table = np.stack([self._word(w) for w in vocabulary]) if vocabulary else np.zeros((1, self.dim))
        vectors = np.asarray(counts @ table, dtype=np.float32)
        lengths = np.linalg.norm(vectors, axis=1, keepdims=True)
        empty = lengths[:, 0] == 0.0
        vectors[empty, 0] = 1.0
        lengths[empty] = 1.0
        return vectors / lengths


def embedded_text(product: Product) -> str:
    """What :class:`SyntheticEmbedder` embeds for a product: title, brand, category path twice."""
    path = " ".join(product.category)
    return f"{product.title} {product.brand or ''} {path} {path}"


@dataclass(frozen=True)
class _Template:
    title: str
    brand: str
    bullets: list[str]
    description: str
    color: str


def _esci_templates(path: Path) -> dict[tuple[str, ...], list[_Template]]:
    """ESCI products with a category, grouped by their category path (at most four levels)."""
    groups: dict[tuple[str, ...], list[_Template]] = defaultdict(list)
    with open(path, encoding="utf-8") as handle:
        for line in handle:
            row = json.loads(line)
            if "title" not in row or not row.get("category"):
                continue
            bullets = [b.strip() for b in (row.get("bullet_points") or "").split("\n") if b.strip()]
            groups[tuple(row["category"][:_CATEGORY_DEPTH])].append(
                _Template(
                    title=str(row["title"]),
                    brand=str(row.get("brand") or ""),
                    bullets=bullets,
                    description=str(row.get("description") or ""),
                    color=str(row.get("color") or ""),
                )
            )
    return dict(groups)


def _zipf(rng: np.random.Generator, n: int, s: float = 1.1) -> np.ndarray:
    weights = 1.0 / np.arange(1, n + 1) ** s
    return rng.permutation(weights / weights.sum())


def _brand_pool(
    templates: dict[tuple[str, ...], list[_Template]], n: int, rng: np.random.Generator
) -> list[str]:
    real = sorted({t.brand for group in templates.values() for t in group if t.brand})
    wanted = max(len(real), n // 200, 60)
    made = {
        "".join(rng.choice(_SYLLABLES, size=int(rng.integers(2, 4)))).capitalize()
        + ("" if i % 3 else " " + str(rng.choice(["Home", "Labs", "Co", "Gear", "Works"])))
        for i in range(wanted - len(real))
    }
    return real + sorted(made - set(real))


def generate_products(n: int, esci_products: Path, *, seed: int = 7) -> list[Product]:
    """``n`` synthetic products (ids ``S00000000``…), deterministic for a seed."""
    rng = np.random.default_rng(seed)
    templates = _esci_templates(esci_products)
    paths = sorted(templates)
    path_weights = _zipf(rng, len(paths), 0.9)
    brands = _brand_pool(templates, n, rng)
    # Per root category: a slice of the brand pool and its Zipf weights.
    roots = sorted({p[0] for p in paths})
    root_brands: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for root in roots:
        chosen = rng.choice(len(brands), size=min(len(brands), max(50, len(brands) // 3)), replace=False)
        root_brands[root] = (chosen, np.cumsum(_zipf(rng, len(chosen))))
    price_mu = {p: float(rng.uniform(math.log(8), math.log(250))) for p in paths}
    price_sigma = {p: float(rng.uniform(0.35, 0.9)) for p in paths}
    words_of = {p: [w for t in group for w in t.title.split()] for p, group in templates.items()}

    # Every random number is drawn up front, in arrays (a scalar draw per field costs more than the rest).
    path_of = rng.choice(len(paths), size=n, p=path_weights).tolist()
    brand_draw = rng.random(n)
    template_draw = rng.random(n).tolist()
    swap_draw = rng.random((n, 4)).tolist()
    code_draw = rng.integers(100, 9999, size=n).tolist()
    prices = np.exp(
        rng.normal(size=n) * np.array([price_sigma[paths[i]] for i in path_of])
        + [price_mu[paths[i]] for i in path_of]
    )
    prices = (np.round(np.maximum(1.0, prices)) - 0.01).round(2).tolist()
    attribute_draw = rng.random((n, 4)).tolist()
    color_draw = rng.random((n, 3)).tolist()
    ratings = np.clip(rng.normal(4.3, 0.45, size=n), 1.0, 5.0).round(1).tolist()
    rating_counts = rng.lognormal(3.5, 1.8, size=n).astype(np.int64).tolist()
    in_stock = (rng.random(n) < 0.93).tolist()
    root_of = np.array([roots.index(paths[i][0]) for i in range(len(paths))])[path_of]
    brand_index = np.zeros(n, dtype=np.int64)
    for r, root in enumerate(roots):
        rows = np.flatnonzero(root_of == r)
        pool, cdf = root_brands[root]
        brand_index[rows] = pool[np.minimum(np.searchsorted(cdf, brand_draw[rows]), len(pool) - 1)]
    brand_of = [brands[b] for b in brand_index.tolist()]
    products: list[Product] = []
    for i in range(n):
        path = paths[path_of[i]]
        group = templates[path]
        template = group[int(template_draw[i] * len(group))]
        brand = brand_of[i]
        own = set(template.brand.split())
        title_words = [w for w in template.title.split() if w not in own]
        pool_words = words_of[path]
        draws = swap_draw[i]
        if title_words:
            for j in range(2):
                slot = int(draws[2 * j] * len(title_words))
                title_words[slot] = pool_words[int(draws[2 * j + 1] * len(pool_words))]
        code = f"{chr(65 + i % 26)}{chr(65 + (i // 26) % 26)}-{code_draw[i]}"
        title = f"{brand} {' '.join(title_words)} {code}"
        schema = _ATTRIBUTES.get(path[0], _DEFAULT_ATTRIBUTES)
        picks = attribute_draw[i]
        attributes = {
            name: values[int(picks[2 * j + 1] * len(values))]
            for j, (name, values) in enumerate(schema[:2])
            if picks[2 * j] < 0.8
        }
        colors = color_draw[i]
        color = (
            template.color if template.color and colors[0] < 0.5 else _COLORS[int(colors[1] * len(_COLORS))]
        )
        products.append(
            Product.model_construct(
                id=f"S{i:08d}",
                title=title,
                description=template.description,
                bullet_points=list(template.bullets),
                brand=brand,
                category=list(path[:MAX_CATEGORY_LEVELS]),
                price=prices[i],
                currency="USD",
                attributes=attributes,
                color=color if colors[2] < 0.8 else None,
                rating=ratings[i],
                rating_count=rating_counts[i],
                in_stock=in_stock[i],
                image_url=None,
                url=None,
            )
        )
    return products


class GenSummary(BaseModel):
    """What ``aisle bench gen`` wrote and how long each step took."""

    products: int
    data_dir: str
    release: str
    generate_s: float
    embed_s: float
    bm25_s: float
    write_s: float
    ann_built: bool
    bm25_built: bool = True
    bm25_added: bool = False  # built afterwards by ``aisle bench gen --bm25-only`` (bm25_s is that step)
    total_s: float


def generate_catalog(
    n: int,
    data_dir: Path,
    esci_products: Path,
    *,
    seed: int = 7,
    ann_min_products: int = 50_000,
    bm25: bool = True,
    say: Callable[[str], None] = lambda _: None,
) -> GenSummary:
    """Generate ``n`` products and publish them as release 1 of ``data_dir`` (BM25 and, when large, IVF).

    ``bm25=False`` publishes an empty BM25 index (the release then serves dense retrieval only): for
    measuring dense retrieval at sizes whose BM25 build takes longer than the time at hand."""
    started = time.perf_counter()
    products = generate_products(n, esci_products, seed=seed)
    generated = time.perf_counter()
    say(f"{n:,} records in {generated - started:.1f}s; embedding …")
    embedder = SyntheticEmbedder()
    vectors = embedder.embed_documents([embedded_text(p) for p in products])
    embedded = time.perf_counter()
    say(f"  {embedded - generated:.1f}s; BM25 …")
    ids = [p.id for p in products]
    if bm25:
        lexical = LexicalIndex.build(ids, [lexical_text(p) for p in products], version=1)
    else:
        lexical = LexicalIndex(ids, None, 1, indexed=False)
    indexed = time.perf_counter()
    say(f"  {indexed - embedded:.1f}s; writing the release (and its IVF index when large) …")
    name = write_release(
        data_dir,
        products,
        vectors,
        lexical,
        version=1,
        embedder=embedder.name,
        ann_min_products=ann_min_products,
    )
    written = time.perf_counter()
    say(f"  {written - indexed:.1f}s")
    return GenSummary(
        products=n,
        data_dir=str(data_dir),
        release=name,
        generate_s=round(generated - started, 2),
        embed_s=round(embedded - generated, 2),
        bm25_s=round(indexed - embedded, 2),
        write_s=round(written - indexed, 2),
        ann_built=n >= ann_min_products,
        bm25_built=bm25,
        total_s=round(written - started, 2),
    )


def add_bm25(data_dir: Path, *, say: Callable[[str], None] = lambda _: None) -> GenSummary:
    """Build the BM25 index of a catalog generated with ``bm25=False``, in place, without regenerating
    records or vectors; returns the updated summary (also written to ``gen.json``).

    The products are streamed from the release's ``products.jsonl`` (never all in memory) in the id order
    of its empty BM25 manifest, and the index replaces ``lexical/`` atomically. This rewrites a published
    release's folder, which a served catalog never does: it is for bench catalogs that nothing serves
    while it runs."""
    data_dir = Path(data_dir)
    summary = GenSummary.model_validate_json((data_dir / "gen.json").read_text())
    name = current_name(data_dir)
    if name is None:
        raise FileNotFoundError(f"no published release in {data_dir}")
    folder = release_root(data_dir) / name
    existing = LexicalIndex.load(folder / "lexical")
    if existing is None:
        raise FileNotFoundError(folder / "lexical")
    ids = existing.ids
    del existing
    started = time.perf_counter()
    say(f"BM25 over {len(ids):,} products of {folder} …")
    lexical = LexicalIndex.build(
        ids, _lexical_texts(folder / "products.jsonl", ids), version=_release_version(folder)
    )
    built = time.perf_counter()
    lexical.save(folder / "lexical")
    say(f"  built in {built - started:.1f}s, saved in {time.perf_counter() - built:.1f}s")
    summary = summary.model_copy(
        update={
            "bm25_s": round(built - started, 2),
            "bm25_built": True,
            "bm25_added": True,
            "total_s": round(summary.total_s - summary.bm25_s + (built - started), 2),
        }
    )
    (data_dir / "gen.json").write_text(summary.model_dump_json())
    return summary


def _release_version(folder: Path) -> int:
    """The store version a release folder was published from (its manifest's ``version``)."""
    return int(json.loads((folder / "release.json").read_text())["version"])


def _lexical_texts(products_file: Path, ids: Sequence[str]) -> Iterator[str]:
    """:func:`~retrieval.catalog.lexical_text` of each product in ``products_file``, checked against ``ids``."""
    with open(products_file, encoding="utf-8") as handle:
        for position, line in enumerate(line for line in handle if line.strip()):
            product = Product.model_validate_json(line)
            if position >= len(ids) or product.id != ids[position]:
                raise ValueError(f"{products_file}: product {position} is {product.id!r}, not the indexed id")
            yield lexical_text(product)


def synthetic_queries(products: Sequence[Product], count: int, *, seed: int = 5) -> list[tuple[str, Product]]:
    """Shopper-like queries: two to four consecutive title words (brand and model code left out) of a
    random product, sometimes with its leaf category's last word; each with its source product."""
    rng = np.random.default_rng(seed)
    out: list[tuple[str, Product]] = []
    while len(out) < count:
        product = products[int(rng.integers(len(products)))]
        brand = set((product.brand or "").casefold().split())
        words = [w for w in product.title.split()[1:-1] if w.casefold() not in brand and w.isalpha()]
        if len(words) < 2:
            continue
        size = int(rng.integers(2, min(4, len(words)) + 1))
        start = int(rng.integers(len(words) - size + 1))
        text = " ".join(words[start : start + size]).lower()
        if product.category and rng.random() < 0.4:
            text += " " + product.category[-1].split()[-1].lower()
        out.append((text, product))
    return out

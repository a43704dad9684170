"""A small generated catalog for search and ranking tests (hash embedder, real Chroma, real SQLite)."""

from __future__ import annotations

import random
from pathlib import Path

from assistant.settings import Settings
from retrieval.catalog import Product
from retrieval.components import Catalog, open_catalog
from retrieval.embed import Embedder, HashEmbedder
from retrieval.ingest import ingest_products

BRANDS = ["Acme", "Globex", "Initech", "Umbrella", "Hooli"]
COLORS = ["Red", "Blue", "Green", "Black"]
KINDS = [
    ("wireless headphones", ["Electronics", "Audio", "Headphones"]),
    ("running shoes", ["Clothing", "Shoes", "Running"]),
    ("coffee grinder", ["Home", "Kitchen", "Coffee"]),
    ("yoga mat", ["Sports", "Fitness", "Yoga"]),
]


def generated_products(n: int = 120, seed: int = 3) -> list[Product]:
    """``n`` products; only a few are Acme + red + at most 20 USD (the filter most tests use)."""
    rng = random.Random(seed)
    products = []
    for i in range(n):
        kind, category = KINDS[i % len(KINDS)]
        brand = BRANDS[1 + i % (len(BRANDS) - 1)]
        color = COLORS[i % len(COLORS)]
        price = round(rng.uniform(25, 300), 2)
        products.append(
            Product(
                id=f"p{i:03d}",
                title=f"{brand} {kind} model {i}",
                bullet_points=[f"A {kind} for everyday use", f"Finish {color.lower()}"],
                brand=brand,
                color=color,
                category=category,
                price=price if i % 7 else None,
                rating=round(rng.uniform(2.5, 5.0), 1),
                rating_count=rng.randint(0, 5000),
                in_stock=i % 5 != 0,
            )
        )
    # The only products passing brand=acme, color=red, price<=20: a headphone, a grinder and a mat.
    for i, (kind, category) in enumerate([KINDS[0], KINDS[2], KINDS[3]]):
        products.append(
            Product(
                id=f"acme{i}",
                title=f"Acme {kind} budget {i}",
                brand="Acme",
                color="Red",
                category=category,
                price=9.99 + i,
                rating=4.0,
                rating_count=10,
            )
        )
    # An Acme red product without a price: never passes a price cap.
    products.append(
        Product(id="acme-noprice", title="Acme wireless headphones deluxe", brand="Acme", color="Red")
    )
    return products


def variant_products() -> list[Product]:
    """One product in three colors (two ways of saying so) plus two distinct products."""
    return [
        Product(
            id="tee-red",
            title="Globex cotton crew tee red",
            brand="Globex",
            color="Red",
            category=["Clothing"],
        ),
        Product(
            id="tee-blue",
            title="Globex cotton crew tee blue",
            brand="Globex",
            color="Blue",
            category=["Clothing"],
        ),
        Product(
            id="tee-green",
            title="Globex cotton crew tee, large",
            brand="Globex",
            color="Green",
            category=["Clothing"],
            attributes={"variant_of": "globex-crew-tee"},
        ),
        Product(
            id="tee-black",
            title="Globex crew tee in black",
            brand="Globex",
            color="Black",
            category=["Clothing"],
            attributes={"variant_of": "globex-crew-tee"},
        ),
        Product(
            id="polo", title="Initech cotton polo shirt", brand="Initech", color="Red", category=["Clothing"]
        ),
        Product(id="hoodie", title="Hooli cotton hoodie", brand="Hooli", color="Grey", category=["Clothing"]),
    ]


def make_catalog(tmp_path: Path, products: list[Product], *, embedder: Embedder | None = None) -> Catalog:
    settings = Settings(_env_file=None, data_dir=tmp_path / "data", embedder="hash", chroma_url=None)  # type: ignore[call-arg]
    catalog = open_catalog(settings, embedder=embedder or HashEmbedder())
    ingest_products(catalog, products, sync=True)
    return catalog

"""The ESCI shopping subset (``../shared/data/esci-shopping`` beside the checkout): queries, judgments and splits.

Products are read by the ingest's ``esci`` feed loader (:mod:`retrieval.loaders.esci`).

Gains follow the ESCI benchmark: Exact 1.0, Substitute 0.1, Complement 0.01, Irrelevant 0; the files
store them ×100. The products' ``query_id`` field leaks the labels and is never read.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from assistant.errors import FeedError

__all__ = [
    "DEFAULT_ESCI_DIR",
    "EXACT_GAIN",
    "EsciDataset",
    "EsciQuery",
    "Split",
    "load_esci",
]

# ``shared/`` lies beside the checkout (read-only); pass another folder to the loaders/CLI to move it.
DEFAULT_ESCI_DIR = Path(__file__).resolve().parents[2] / "shared" / "data" / "esci-shopping"
EXACT_GAIN = 1.0
Split = Literal["dev", "test", "all"]


class EsciQuery(BaseModel):
    """One query with its graded judgments (product id → gain in [0, 1])."""

    text: str
    gains: dict[str, float] = Field(default_factory=dict)

    @property
    def exact_ids(self) -> set[str]:
        return {pid for pid, gain in self.gains.items() if gain >= EXACT_GAIN}


class EsciDataset(BaseModel):
    """The queries of one split and the path of the product feed."""

    directory: Path
    split: Split
    queries: list[EsciQuery]

    @property
    def products_path(self) -> Path:
        return self.directory / "products.ndjson"


def load_esci(directory: Path = DEFAULT_ESCI_DIR, split: Split = "dev") -> EsciDataset:
    """The queries of ``split`` (``all``: every judged query) with their gains."""
    directory = Path(directory)
    try:
        judgments = json.loads((directory / "judgments.json").read_text(encoding="utf-8"))
        splits = json.loads((directory / "splits.json").read_text(encoding="utf-8"))
    except OSError as exc:
        raise FeedError(f"cannot read the ESCI dataset in {directory}: {exc}") from exc
    gains: dict[str, dict[str, float]] = {}
    for entry in judgments["judgmentRatings"]:
        table = gains.setdefault(entry["query"], {})
        for rating in entry["ratings"]:
            table[rating["docId"]] = float(rating["rating"]) / 100.0
    wanted = sorted(gains) if split == "all" else list(splits[split])
    missing = [q for q in wanted if q not in gains]
    if missing:
        raise FeedError(f"{len(missing)} {split} queries have no judgments, e.g. {missing[0]!r}")
    queries = [EsciQuery(text=q, gains=gains[q]) for q in wanted]
    return EsciDataset(directory=directory, split=split, queries=queries)

"""The learned ranker seam: a :class:`Ranker` protocol scoring feature rows, its adapters and the artifact.

* :class:`LightGBMRanker` — a LightGBM lambdarank model (``retrieval/models/ranker.txt``) plus its
  manifest (``ranker.json``: feature names, version, training metrics). Shipped in the package, so a
  fresh install ranks without training. LightGBM is imported on first use; prediction is single-threaded.
* :class:`FusionRanker` — scores by the fused (RRF) feature: the fallback without a model.
* :func:`make_ranker` picks one from settings; :func:`fit_lambdarank` / :func:`save_ranker` train and
  write the artifact (``aisle ranker train``).
"""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

import numpy as np
from pydantic import BaseModel, Field

from assistant.errors import ConfigurationError
from retrieval.features import FEATURE_NAMES

if TYPE_CHECKING:
    from assistant.settings import Settings

__all__ = [
    "ESCI_LABEL_GAIN",
    "FusionRanker",
    "LightGBMRanker",
    "Ranker",
    "RankerManifest",
    "default_model_path",
    "fit_lambdarank",
    "make_ranker",
    "merge_boosters",
    "save_ranker",
]

# Integer relevance grades 0..3 (Irrelevant/unjudged, Complement, Substitute, Exact) with ESCI's gains.
ESCI_LABEL_GAIN: tuple[float, ...] = (0.0, 0.01, 0.1, 1.0)
MANIFEST_VERSION = 1


@runtime_checkable
class Ranker(Protocol):
    """Scores candidates from their feature rows (columns in ``FEATURE_NAMES`` order); higher is better."""

    name: str

    def score(self, features: np.ndarray) -> np.ndarray: ...


class RankerManifest(BaseModel):
    """``ranker.json``: what the model expects and how it was trained."""

    version: int = MANIFEST_VERSION
    feature_names: list[str]
    params: dict[str, float | int | str] = Field(default_factory=dict)
    num_trees: int = 0
    trained_on: str = ""
    metrics: dict[str, float] = Field(default_factory=dict)


def default_model_path() -> Path:
    """The model shipped in the package (``retrieval/models/ranker.txt``)."""
    return Path(str(resources.files("retrieval") / "models" / "ranker.txt"))


class FusionRanker:
    """Ranks by the reciprocal-rank-fusion score (no model)."""

    name = "rrf"

    def score(self, features: np.ndarray) -> np.ndarray:
        return np.asarray(features[:, FEATURE_NAMES.index("rrf")], dtype=np.float64)


class LightGBMRanker:
    """A LightGBM text model, loaded on first use and checked against the manifest's feature names."""

    name = "lightgbm"

    def __init__(self, model_path: Path | None = None) -> None:
        self.model_path = Path(model_path) if model_path else default_model_path()
        self._booster: Any = None
        self._lock = threading.Lock()

    @property
    def manifest_path(self) -> Path:
        return self.model_path.with_suffix(".json")

    def manifest(self) -> RankerManifest:
        try:
            return RankerManifest.model_validate_json(self.manifest_path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigurationError(
                f"no ranker manifest at {self.manifest_path}: run `aisle ranker train`, or set AISLE_RANKER=rrf"
            ) from exc

    def _load(self) -> Any:
        with self._lock:
            if self._booster is None:
                if not self.model_path.exists():
                    raise ConfigurationError(
                        f"no ranker model at {self.model_path}: run `aisle ranker train`, or set AISLE_RANKER=rrf"
                    )
                manifest = self.manifest()
                if tuple(manifest.feature_names) != FEATURE_NAMES:
                    raise ConfigurationError(
                        f"the ranker at {self.model_path} was trained on other features; "
                        "retrain it with `aisle ranker train`"
                    )
                import lightgbm

                self._booster = lightgbm.Booster(model_file=str(self.model_path))
        return self._booster

    def score(self, features: np.ndarray) -> np.ndarray:
        if len(features) == 0:
            return np.zeros(0, dtype=np.float64)
        return np.asarray(self._load().predict(features, num_threads=1), dtype=np.float64)


def make_ranker(settings: Settings) -> Ranker:
    """The ranker ``AISLE_RANKER`` names (``lightgbm`` reads ``AISLE_RANKER_MODEL`` or the shipped model)."""
    if settings.ranker == "lightgbm":
        return LightGBMRanker(settings.ranker_model)
    if settings.ranker == "rrf":
        return FusionRanker()
    raise ConfigurationError(f"unknown AISLE_RANKER {settings.ranker!r}; choose one of: lightgbm, rrf")


def fit_lambdarank(
    features: np.ndarray,
    labels: np.ndarray,
    group_sizes: Sequence[int],
    params: dict[str, float | int | str],
    *,
    num_boost_round: int,
    seed: int = 7,
    weights: np.ndarray | None = None,
) -> Any:
    """A LightGBM lambdarank booster; ``labels`` are grades 0..3 (see :data:`ESCI_LABEL_GAIN`),
    ``weights`` optional per-row weights (e.g. judged rows vs click-labelled rows).

    ``params["bags"]`` (default 1, not a LightGBM parameter) trains that many boosters with seeds
    ``seed, seed + 1, …`` (different bagging and feature-fraction draws) and merges them into one
    booster whose score is their sum: a seed ensemble that ships and serves as a single model.
    """
    import lightgbm

    params = dict(params)
    bags = int(params.pop("bags", 1))
    if bags > 1:
        boosters = [
            fit_lambdarank(
                features,
                labels,
                group_sizes,
                params,
                num_boost_round=num_boost_round,
                seed=seed + i,
                weights=weights,
            )
            for i in range(bags)
        ]
        return merge_boosters(boosters)
    full = {
        "objective": "lambdarank",
        "metric": "ndcg",
        "ndcg_eval_at": [10],
        "label_gain": list(ESCI_LABEL_GAIN),
        "lambdarank_truncation_level": 20,
        "verbosity": -1,
        "num_threads": 1,
        "seed": seed,
        "deterministic": True,
        "force_row_wise": True,
        **params,
    }
    data = lightgbm.Dataset(
        features, label=labels, group=list(group_sizes), weight=weights, feature_name=list(FEATURE_NAMES)
    )
    return lightgbm.train(full, data, num_boost_round=num_boost_round)


def merge_boosters(boosters: Sequence[Any]) -> Any:
    """One booster holding every tree of ``boosters`` (same features): it predicts the sum of theirs."""
    import lightgbm

    texts = [b.model_to_string() for b in boosters]
    first = texts[0]
    head = first[: first.index("\nTree=0\n")]
    head = "\n".join(line for line in head.split("\n") if not line.startswith("tree_sizes="))
    tail = first[first.index("end of trees") :]
    blocks: list[str] = []
    for text in texts:
        body = text[text.index("\nTree=0\n") : text.index("end of trees")]
        for part in body.split("\nTree=")[1:]:
            _, _, rest = part.partition("\n")
            blocks.append(f"Tree={len(blocks)}\n{rest}")
    return lightgbm.Booster(model_str=head.rstrip("\n") + "\n\n" + "\n".join(blocks) + tail)


def save_ranker(booster: Any, model_path: Path, manifest: RankerManifest) -> None:
    """Write the text model and its manifest side by side."""
    model_path = Path(model_path)
    model_path.parent.mkdir(parents=True, exist_ok=True)
    booster.save_model(str(model_path))
    model_path.with_suffix(".json").write_text(
        json.dumps(manifest.model_dump(), indent=2) + "\n", encoding="utf-8"
    )

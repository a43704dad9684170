"""The ONNX Runtime query encoder: chosen by settings, crash-safe export, a visible fallback when the
export is broken, and (slow: the real model) vectors that agree with torch's."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from pydantic import ValidationError

from assistant.errors import ConfigurationError
from assistant.settings import Settings
from retrieval import onnx_embed
from retrieval.embed import (
    HashEmbedder,
    QueryBatcher,
    SentenceTransformerEmbedder,
    make_embedder,
    make_query_encoder,
)
from retrieval.onnx_embed import OnnxEmbedder, export_dir, export_model

TEXTS = [
    "quiet dishwasher for a small kitchen",
    "Samsung 55-inch QLED 4K smart TV with HDR",
    "running shoes",
    "a stainless steel water bottle that keeps drinks cold for 24 hours, 32 oz, with a straw lid",
    "kindle paperwhite",
]


class RecordingEmbedder:
    """A hash embedder that records what it was asked to embed."""

    def __init__(self, name: str) -> None:
        self._inner = HashEmbedder(dim=384)
        self.name, self.dim = name, 384
        self.calls: list[list[str]] = []

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(list(texts))
        return self._inner.embed_documents(texts)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]


def _settings(tmp_path: Path, **values: object) -> Settings:
    return Settings(_env_file=None, data_dir=tmp_path / "data", embedder="minilm", **values)  # type: ignore[arg-type]


# --- chosen by settings (no model loaded) -------------------------------------------------------


def test_the_query_backend_is_chosen_by_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    documents = RecordingEmbedder("all-MiniLM-L6-v2")
    assert make_query_encoder(_settings(tmp_path, embed_query_backend="torch"), documents) is documents
    fp32 = make_query_encoder(_settings(tmp_path, embed_query_backend="onnx"), documents)
    assert isinstance(fp32, OnnxEmbedder) and fp32.variant == "fp32"
    assert fp32.directory == export_dir(tmp_path / "data", "fp32")
    int8 = make_query_encoder(_settings(tmp_path, embed_query_backend="onnx-int8"), documents)
    assert isinstance(int8, OnnxEmbedder) and int8.variant == "int8"

    monkeypatch.setenv("AISLE_EMBED_QUERY_BACKEND", "onnx-int8")
    assert Settings(_env_file=None).embed_query_backend == "onnx-int8"
    monkeypatch.setenv("AISLE_EMBED_QUERY_BACKEND", "tensorrt")
    with pytest.raises(ValidationError):
        Settings(_env_file=None)


def test_minilm_keeps_the_document_embedders_name_whatever_runs_the_queries(tmp_path: Path) -> None:
    embedder = make_embedder(_settings(tmp_path, embed_query_backend="onnx"))
    assert isinstance(embedder, QueryBatcher)
    assert isinstance(embedder.inner, SentenceTransformerEmbedder)
    assert isinstance(embedder.queries, OnnxEmbedder)
    assert embedder.name == "all-MiniLM-L6-v2"  # stored with a release: releases are not re-embedded


def test_the_batcher_sends_queries_to_the_query_encoder_and_documents_to_the_document_embedder() -> None:
    documents, queries = RecordingEmbedder("docs"), RecordingEmbedder("queries")
    batcher = QueryBatcher(documents, queries=queries)
    batcher.embed_query("red shoes")
    batcher.embed_documents(["a red shoe"])
    assert queries.calls == [["red shoes"]]
    assert documents.calls == [["a red shoe"]]
    with pytest.raises(ValueError, match="dim"):
        QueryBatcher(documents, queries=HashEmbedder(dim=128))


# --- crash-safe export and a visible fallback ---------------------------------------------------


def _fake_model_dir(tmp_path: Path) -> Path:
    model = tmp_path / "model"
    model.mkdir()
    (model / "tokenizer.json").write_text("{}", encoding="utf-8")
    (model / "sentence_bert_config.json").write_text('{"max_seq_length": 128}', encoding="utf-8")
    return model


def test_a_failed_export_leaves_nothing_behind(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(model_path: Path, out: Path) -> None:
        out.write_bytes(b"half a model")
        raise RuntimeError("killed mid-export")

    monkeypatch.setattr(onnx_embed, "_write_onnx", crash)
    target = export_dir(tmp_path / "data", "fp32")
    with pytest.raises(RuntimeError, match="mid-export"):
        export_model(_fake_model_dir(tmp_path), target, "fp32")
    assert not target.exists()
    assert list(target.parent.iterdir()) == []  # no temporary directory left either


def test_an_export_is_made_once_and_reused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[Path] = []

    def write(model_path: Path, out: Path) -> None:
        calls.append(out)
        out.write_bytes(b"graph")

    monkeypatch.setattr(onnx_embed, "_write_onnx", write)
    target = export_dir(tmp_path / "data", "fp32")
    model = _fake_model_dir(tmp_path)
    assert export_model(model, target, "fp32") == target
    assert export_model(model, target, "fp32") == target
    assert len(calls) == 1
    assert sorted(p.name for p in target.iterdir()) == ["export.json", "model.onnx", "tokenizer.json"]


def _broken_export(tmp_path: Path) -> Path:
    target = export_dir(tmp_path / "data", "fp32")
    target.mkdir(parents=True)
    (target / "model.onnx").write_bytes(b"not an onnx graph")
    (target / "tokenizer.json").write_text("{}", encoding="utf-8")
    (target / "export.json").write_text('{"format": 1, "variant": "fp32", "max_seq_length": 256}')
    return tmp_path / "data"


def test_a_broken_export_falls_back_to_torch_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    fallback = RecordingEmbedder("all-MiniLM-L6-v2")
    encoder = OnnxEmbedder(_broken_export(tmp_path), fallback=fallback)
    with caplog.at_level(logging.WARNING, logger="retrieval.onnx_embed"):
        vector = encoder.embed_query("red shoes")
        encoder.embed_query("blue shoes")
    np.testing.assert_allclose(vector, HashEmbedder(dim=384).embed_query("red shoes"))
    assert fallback.calls == [["red shoes"], ["blue shoes"]]
    assert encoder.degraded is not None
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and "fall back to torch" in warnings[0].getMessage()


def test_a_broken_export_without_a_fallback_is_a_clear_configuration_error(tmp_path: Path) -> None:
    encoder = OnnxEmbedder(_broken_export(tmp_path))
    with pytest.raises(ConfigurationError, match="AISLE_EMBED_QUERY_BACKEND=torch"):
        encoder.embed_query("red shoes")


# --- the real model (slow: exports MiniLM, ~15 s per variant) -----------------------------------


@pytest.fixture(scope="module")
def torch_vectors() -> np.ndarray:
    return SentenceTransformerEmbedder(threads=1).embed_documents(TEXTS)


@pytest.mark.slow
@pytest.mark.parametrize(("variant", "least_cosine"), [("fp32", 0.999), ("int8", 0.97)])
def test_onnx_vectors_are_normalized_float32_and_agree_with_torch(
    tmp_path: Path, torch_vectors: np.ndarray, variant: onnx_embed.OnnxVariant, least_cosine: float
) -> None:
    encoder = OnnxEmbedder(tmp_path / "data", variant=variant, threads=1)
    vectors = encoder.embed_documents(TEXTS)
    assert encoder.degraded is None
    assert vectors.dtype == np.float32 and vectors.shape == (len(TEXTS), 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    cosines = np.sum(vectors * torch_vectors, axis=1)
    assert cosines.min() >= least_cosine, cosines
    assert np.sum(encoder.embed_query(TEXTS[2]) * torch_vectors[2]) >= least_cosine  # a lone query, unpadded
    assert (export_dir(tmp_path / "data", variant) / "model.onnx").is_file()

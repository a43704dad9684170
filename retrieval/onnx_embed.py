"""An ONNX Runtime encoder for the same all-MiniLM-L6-v2 weights, for shopper queries.

The graph (BERT, mean pooling over the attention mask, L2 normalization) is exported once from the
LOCAL model package with ``torch.onnx.export`` into ``<data_dir>/models/<variant dir>`` and reused by
every process afterwards; ``int8`` then quantizes its weights with ONNX Runtime's dynamic
quantization. The export is written to a temporary directory and renamed into place, so a crash or
two workers exporting at once never leave a half-written model behind. Queries then run with
``tokenizers`` and ``onnxruntime`` only: no torch in the query path.

If the exported model cannot be loaded (a damaged file, onnxruntime missing), the encoder logs a
warning naming the reason and delegates to its ``fallback`` (the torch encoder), or raises a
:class:`~assistant.errors.ConfigurationError` when it has none.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from assistant.errors import ConfigurationError
from retrieval.embed import offline_hub

if TYPE_CHECKING:
    from retrieval.embed import Embedder

__all__ = ["EXPORT_FORMAT", "OnnxEmbedder", "OnnxVariant", "export_dir", "export_model"]

log = logging.getLogger(__name__)

OnnxVariant = Literal["fp32", "int8"]

EXPORT_FORMAT = 1
"""Bumped when the exported graph changes: a new directory name, so old exports are not reused."""

MODEL_FILE = "model.onnx"
TOKENIZER_FILE = "tokenizer.json"
INFO_FILE = "export.json"
_INPUTS = ("input_ids", "attention_mask", "token_type_ids")


def export_dir(data_dir: Path, variant: OnnxVariant) -> Path:
    """Where the ``variant`` export of all-MiniLM-L6-v2 lives under a data dir."""
    return Path(data_dir) / "models" / f"all-MiniLM-L6-v2-onnx-{variant}-v{EXPORT_FORMAT}"


def _max_seq_length(model_path: Path) -> int:
    config = model_path / "sentence_bert_config.json"
    if config.is_file():
        return int(json.loads(config.read_text(encoding="utf-8")).get("max_seq_length", 256))
    return 256


def _write_onnx(model_path: Path, out: Path) -> None:
    """BERT + mean pooling + L2 normalization as one ONNX graph with dynamic batch and length."""
    import torch
    from transformers import AutoModel

    bert = AutoModel.from_pretrained(str(model_path)).eval()

    class _SentenceEmbedding(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: Any, attention_mask: Any, token_type_ids: Any) -> Any:
            hidden = self.bert(
                input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
            ).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(pooled, p=2, dim=1)

    sample = torch.ones(2, 8, dtype=torch.long)
    with torch.no_grad():
        torch.onnx.export(
            _SentenceEmbedding(),
            (sample, torch.ones_like(sample), torch.zeros_like(sample)),
            str(out),
            input_names=list(_INPUTS),
            output_names=["sentence_embedding"],
            dynamic_axes={
                **{name: {0: "batch", 1: "tokens"} for name in _INPUTS},
                "sentence_embedding": {0: "batch"},
            },
            opset_version=17,
            dynamo=False,
        )


def export_model(model_path: Path, target: Path, variant: OnnxVariant) -> Path:
    """Export (and for ``int8`` quantize) the model into ``target`` unless it is already there.

    Crash-safe: everything is written into a temporary sibling directory that is renamed to
    ``target`` only when complete; when another process wins the rename, its export is used."""
    if (target / MODEL_FILE).is_file():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        fp32 = tmp / ("model-fp32.onnx" if variant == "int8" else MODEL_FILE)
        _write_onnx(model_path, fp32)
        if variant == "int8":
            from onnxruntime.quantization import QuantType, quantize_dynamic

            # per-channel weights with reduced range: the most faithful dynamic int8 on CPUs
            # without VNNI (measured in benchmarks/results/query-encoder.md)
            quantize_dynamic(
                fp32, tmp / MODEL_FILE, per_channel=True, reduce_range=True, weight_type=QuantType.QInt8
            )
            fp32.unlink()
        shutil.copyfile(model_path / TOKENIZER_FILE, tmp / TOKENIZER_FILE)
        info = {"format": EXPORT_FORMAT, "variant": variant, "max_seq_length": _max_seq_length(model_path)}
        (tmp / INFO_FILE).write_text(json.dumps(info), encoding="utf-8")
        try:
            os.rename(tmp, target)
        except OSError:
            if not (target / MODEL_FILE).is_file():
                raise
            log.info("ONNX export: another process finished %s first; using it", target.name)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
    return target


class _Session:
    """A loaded export: tokenizer and ONNX Runtime session."""

    def __init__(self, directory: Path, threads: int) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        info = json.loads((directory / INFO_FILE).read_text(encoding="utf-8"))
        self.tokenizer = Tokenizer.from_file(str(directory / TOKENIZER_FILE))
        self.tokenizer.enable_truncation(int(info["max_seq_length"]))
        self.tokenizer.enable_padding(pad_id=0, pad_token="[PAD]")  # pad to the batch's longest
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(
            str(directory / MODEL_FILE), sess_options=options, providers=["CPUExecutionProvider"]
        )

    def encode(self, texts: list[str]) -> np.ndarray:
        encodings = self.tokenizer.encode_batch(texts)
        feed = {
            "input_ids": np.array([e.ids for e in encodings], dtype=np.int64),
            "attention_mask": np.array([e.attention_mask for e in encodings], dtype=np.int64),
            "token_type_ids": np.array([e.type_ids for e in encodings], dtype=np.int64),
        }
        return np.asarray(self.session.run(None, feed)[0], dtype=np.float32)


class OnnxEmbedder:
    """all-MiniLM-L6-v2 run by ONNX Runtime (fp32 or dynamic int8), exported on first use and cached.

    ``fallback`` (the torch encoder) answers instead when the export cannot be made or loaded; the
    reason is logged once and kept in :attr:`degraded`."""

    dim = 384

    def __init__(
        self,
        cache_dir: Path,
        *,
        variant: OnnxVariant = "fp32",
        model_path: str | None = None,
        threads: int = 2,
        batch_size: int = 64,
        fallback: Embedder | None = None,
    ) -> None:
        self.name = f"all-MiniLM-L6-v2-onnx-{variant}"
        self.variant: OnnxVariant = variant
        self.directory = export_dir(cache_dir, variant)
        self._model_path = model_path
        self._threads = threads
        self._batch_size = batch_size
        self._fallback = fallback
        self._session: _Session | None = None
        self._lock = threading.Lock()
        self.degraded: str | None = None
        """Why the fallback answers instead of ONNX Runtime (None: ONNX Runtime answers)."""

    def _source(self) -> Path:
        if self._model_path is not None:
            return Path(self._model_path)
        from retrieval.embed import installed_model_path

        return installed_model_path()

    def _load(self) -> _Session | None:
        with self._lock:
            if self._session is None and self.degraded is None:
                try:
                    offline_hub()
                    export_model(self._source(), self.directory, self.variant)
                    self._session = _Session(self.directory, self._threads)
                except ConfigurationError:
                    raise
                except Exception as exc:
                    reason = f"{type(exc).__name__}: {exc}"[:300]
                    if self._fallback is None:
                        raise ConfigurationError(
                            f"the ONNX query encoder in {self.directory} could not be exported or loaded "
                            f"({reason}); delete that directory to export it again, or set "
                            "AISLE_EMBED_QUERY_BACKEND=torch"
                        ) from exc
                    self.degraded = reason
                    log.warning(
                        "ONNX query encoder unavailable in %s (%s): queries fall back to torch; delete that "
                        "directory to export it again",
                        self.directory,
                        reason,
                    )
        return self._session

    def embed_documents(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        session = self._load()
        if session is None:
            assert self._fallback is not None
            return self._fallback.embed_documents(texts)
        items = list(texts)
        parts = [
            session.encode(items[i : i + self._batch_size]) for i in range(0, len(items), self._batch_size)
        ]
        return np.concatenate(parts, axis=0)

    def embed_query(self, text: str) -> np.ndarray:
        return self.embed_documents([text])[0]

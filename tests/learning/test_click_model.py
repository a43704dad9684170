from __future__ import annotations

import numpy as np
import pytest
from planted import THETA, planted_logs, relevance

from eval.learning.click_model import click_labels, estimate_position_bias
from retrieval.exposure import ExposurePolicy


def test_swaps_recover_planted_position_bias() -> None:
    rel = relevance(queries=40, pool=5)
    logs = planted_logs(rel, 15_000, ExposurePolicy(swap_rate=0.5))
    bias = estimate_position_bias(logs, 5, bootstrap=20)
    for estimated, planted in zip(bias.theta, THETA, strict=True):
        assert estimated == pytest.approx(planted, abs=0.06)
    assert sum(bias.swapped_lists[1:]) > 5_000


def test_debiased_labels_undo_position() -> None:
    """Raw CTR favours what was shown first; clicks over expected examinations recover relevance."""
    rel = relevance(queries=5, pool=5, seed=4)
    logs = planted_logs(rel, 12_000, ExposurePolicy(swap_rate=0.3), seed=5)
    bias = estimate_position_bias(logs, 5, bootstrap=0)
    labels = click_labels(logs, bias, smoothing=0.0)
    errors = [abs(label.ctr - rel[label.query][label.product_id]) for label in labels]
    raw = [abs(label.clicks / label.impressions - rel[label.query][label.product_id]) for label in labels]
    assert float(np.mean(errors)) < 0.03
    assert max(raw) > 0.2  # without the correction the low positions look far less relevant


def test_no_swaps_is_an_error() -> None:
    logs = planted_logs(relevance(3, 5), 50, ExposurePolicy())
    with pytest.raises(ValueError, match="swap"):
        estimate_position_bias(logs, 5)

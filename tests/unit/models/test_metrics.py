"""Metrics on inputs whose answers are known by hand."""

from __future__ import annotations

import math

import numpy as np
import pytest

from models.metrics import evaluate, expected_calibration_error, precision_at_k


def test_perfect_and_reversed_ranking():
    y = [0, 0, 1, 0, 1]
    perfect = evaluate(y, [0.1, 0.2, 0.9, 0.3, 0.8], top_k=(2,))
    assert perfect["aupr"] == 1.0 and perfect["auroc"] == 1.0 and perfect["p_at_2"] == 1.0
    assert perfect["base_rate"] == pytest.approx(0.4) and perfect["n"] == 5
    reversed_ = evaluate(y, [0.9, 0.8, 0.1, 0.7, 0.2], top_k=(2,))
    assert reversed_["auroc"] == 0.0 and reversed_["p_at_2"] == 0.0


def test_brier_by_hand():
    assert evaluate([1, 0], [0.8, 0.4])["brier"] == pytest.approx((0.2**2 + 0.4**2) / 2)


def test_precision_at_k_ties_and_small_samples():
    # ties keep input order: the first two 0.5s are taken
    assert precision_at_k([1, 0, 1], [0.5, 0.5, 0.5], 2) == 0.5
    assert precision_at_k([1, 0, 1], [0.1, 0.2, 0.3], 50) == pytest.approx(2 / 3)  # fewer rows than k
    assert math.isnan(precision_at_k([], [], 5))


def test_one_class_gives_nan_ranking_metrics():
    out = evaluate([0, 0, 0], [0.1, 0.2, 0.3])
    assert math.isnan(out["aupr"]) and math.isnan(out["auroc"])
    assert out["brier"] == pytest.approx((0.01 + 0.04 + 0.09) / 3)


def test_bad_inputs_raise():
    with pytest.raises(ValueError, match="NaN"):
        evaluate([0, 1], [0.1, np.nan])
    with pytest.raises(ValueError, match="shape"):
        evaluate([0, 1, 1], [0.1, 0.2])


def test_recall_bss_and_ece_by_hand():
    y = [0, 0, 1, 0, 1]
    out = evaluate(y, [0.1, 0.2, 0.9, 0.3, 0.8], top_k=(1, 2))
    assert out["r_at_1"] == 0.5 and out["r_at_2"] == 1.0 and out["events"] == 2
    # forecasting the base rate everywhere has no skill
    flat = evaluate(y, [0.4] * 5)
    assert flat["bss"] == pytest.approx(0.0)
    assert expected_calibration_error(y * 2, [0.4] * 10, bins=2) == pytest.approx(0.0, abs=1e-12)
    # one bin per row: ECE is the mean |p - y|
    assert evaluate([0, 1], [0.2, 0.6])["ece"] == pytest.approx((0.2 + 0.4) / 2)


def test_boundaries_of_new_metrics():
    assert math.isnan(evaluate([0, 0], [0.1, 0.2])["bss"])  # no event: no reference skill
    assert math.isnan(evaluate([0, 0], [0.1, 0.2])["r_at_50"])
    empty = evaluate([], [])
    assert math.isnan(empty["ece"]) and math.isnan(empty["base_rate"])

"""Group coverage of probability intervals, binomial noise included, on generated inputs (SYNTHETIC)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from models.intervals import interval_coverage


def _outcomes(p: np.ndarray, seed: int) -> np.ndarray:
    return (np.random.default_rng(1000 + seed).random(len(p)) < p).astype(int)


def test_true_probabilities_cover_about_the_nominal_share():
    """Draws that are the true probabilities: the only noise left is the 0/1 outcome, which the check
    accounts for, so about 90 % of the groups are covered (never all, never few)."""
    p = np.random.default_rng(0).uniform(0.005, 0.2, 4000)
    draws = np.tile(p, (400, 1))
    shares = [
        interval_coverage(_outcomes(p, s), p, p, p, draws, bins=20, seed=s)["coverage"] for s in range(10)
    ]
    assert 0.82 <= np.mean(shares) <= 0.99


def test_probabilities_three_times_too_low_are_not_covered():
    p = np.random.default_rng(1).uniform(0.02, 0.2, 4000)
    low = p / 3
    result = interval_coverage(_outcomes(p, 1), low, low, low, np.tile(low, (400, 1)), bins=10)
    assert result["coverage"] <= 0.1 and result["interval_width"] == 0.0


def test_a_spread_of_the_level_covers_a_shifted_year():
    """The year's level is 0.8 log-odds above the model's: point draws miss, draws with a level spread of
    that size cover most groups."""
    rng = np.random.default_rng(2)
    p = rng.uniform(0.005, 0.05, 5000)
    truth = 1 / (1 + np.exp(-(np.log(p / (1 - p)) + 0.8)))
    y = _outcomes(truth, 2)
    point = interval_coverage(y, p, p, p, np.tile(p, (400, 1)))
    shift = rng.normal(0.0, 0.8, (400, 1))
    spread = 1 / (1 + np.exp(-(np.log(p / (1 - p)) + shift)))
    lo, hi = (
        np.minimum(np.quantile(spread, 0.05, axis=0), p),
        np.maximum(np.quantile(spread, 0.95, axis=0), p),
    )
    wide = interval_coverage(y, p, lo, hi, spread)
    assert point["coverage"] <= 0.3 and wide["coverage"] >= 0.8 and wide["interval_width"] > 0


def test_empty_bad_intervals_and_bad_draws():
    assert math.isnan(interval_coverage([], [], [], [], np.empty((4, 0)))["coverage"])
    with pytest.raises(ValueError, match="contain p"):
        interval_coverage([0, 1], [0.5, 0.5], [0.6, 0.4], [0.7, 0.6], np.full((4, 2), 0.5))
    with pytest.raises(ValueError, match="shape"):
        interval_coverage([0, 1], [0.5, 0.5], [0.5, 0.5], [0.5, 0.5], np.full((4, 3), 0.5))

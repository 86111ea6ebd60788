"""Risk classes exactly at, just below and just above the cut-points."""

from __future__ import annotations

import numpy as np
import pytest

from models.risk import class_counts, risk_class


def test_cut_points_belong_to_the_higher_class():
    p = [0.0, 0.0499999, 0.05, 0.1999999, 0.2, 1.0]
    assert risk_class(p, 0.05, 0.20).tolist() == ["low", "low", "medium", "medium", "high", "high"]


def test_counts_have_every_class():
    assert class_counts(np.array(["high", "low", "low"])) == {"low": 2, "medium": 0, "high": 1}
    assert class_counts([]) == {"low": 0, "medium": 0, "high": 0}


@pytest.mark.parametrize("medium, high", [(0.2, 0.2), (0.3, 0.2), (-0.1, 0.2), (0.1, 1.5)])
def test_invalid_cut_points(medium, high):
    with pytest.raises(ValueError, match="medium"):
        risk_class([0.1], medium, high)


def test_nan_probability_raises():
    with pytest.raises(ValueError, match="NaN"):
        risk_class([0.1, np.nan], 0.05, 0.2)

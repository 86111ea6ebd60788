"""Group coverage of probability intervals on hand-made inputs (SYNTHETIC)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from models.intervals import interval_coverage


def test_covered_and_not_covered_groups():
    y = np.array([0, 0, 0, 1] * 5)
    p = np.full(20, 0.25)
    wide = interval_coverage(y, p, p - 0.1, p + 0.1, bins=2)
    assert wide == {"coverage": 1.0, "interval_width": pytest.approx(0.2)}
    point = interval_coverage(y, p + 0.2, p + 0.2, p + 0.2, bins=2)
    assert point["coverage"] == 0.0 and point["interval_width"] == 0.0


def test_empty_and_bad_intervals():
    assert math.isnan(interval_coverage([], [], [], [])["coverage"])
    with pytest.raises(ValueError, match="contain p"):
        interval_coverage([0, 1], [0.5, 0.5], [0.6, 0.4], [0.7, 0.6])

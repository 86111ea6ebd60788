"""Checking per-area probability intervals against 0/1 outcomes.

A single 0/1 outcome cannot fall "inside" a probability interval, so coverage is checked on groups: the
areas are cut into ``bins`` equal-count groups by ``p``, and a group is covered when its observed event
rate lies within its mean ``[p_lo, p_hi]``. ``interval_coverage`` is the share of covered groups (the
nominal level is the interval's, e.g. 0.9), plus the mean interval width.
"""

from __future__ import annotations

import numpy as np

COVERAGE_BINS = 10


def interval_coverage(y, p, p_lo, p_hi, bins: int = COVERAGE_BINS) -> dict[str, float]:
    """``coverage`` (share of equal-count ``p`` groups whose event rate is inside their mean interval)
    and ``interval_width`` (mean ``p_hi - p_lo``). NaN for empty input."""
    y, p = np.asarray(y, dtype="float64"), np.asarray(p, dtype="float64")
    lo, hi = np.asarray(p_lo, dtype="float64"), np.asarray(p_hi, dtype="float64")
    if len(y) == 0:
        return {"coverage": float("nan"), "interval_width": float("nan")}
    if np.any(lo > p + 1e-12) or np.any(hi < p - 1e-12):
        raise ValueError("intervals must contain p")
    order = np.argsort(p, kind="stable")
    groups = np.array_split(order, min(bins, len(y)))
    covered = [lo[g].mean() - 1e-12 <= y[g].mean() <= hi[g].mean() + 1e-12 for g in groups]
    return {"coverage": float(np.mean(covered)), "interval_width": float(np.mean(hi - lo))}

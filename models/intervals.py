"""Checking per-area probability intervals against 0/1 outcomes, with the outcome's binomial noise.

A single 0/1 outcome cannot fall "inside" a probability interval, so coverage is checked on groups: the
areas are cut into ``bins`` equal-count groups by ``p``. For each group the model's probability draws
(``RiskModel.draws``: plausible probabilities per area, shape (draws, areas)) give a predictive
distribution of the group's number of events — each draw's probabilities, then a Bernoulli outcome per
area — and the group is covered when its observed count lies within that distribution's ``alpha/2`` and
``1 - alpha/2`` quantiles. An interval that only knew the model's sampling error (not the year's level,
not the coin flips) fails this check; one that means what it says covers about ``1 - alpha`` of the groups.
"""

from __future__ import annotations

import numpy as np

from models.count_intervals import count_range

COVERAGE_BINS = 10


def interval_coverage(
    y, p, p_lo, p_hi, draws, bins: int = COVERAGE_BINS, alpha: float = 0.1, seed: int = 0
) -> dict[str, float]:
    """``coverage`` (share of equal-count ``p`` groups whose observed event count lies inside their
    predictive interval, see module doc) and ``interval_width`` (mean ``p_hi - p_lo``, probability).
    ``draws``: shape (n_draws, len(y)). NaN for empty input."""
    y, p = np.asarray(y, dtype="float64"), np.asarray(p, dtype="float64")
    lo, hi = np.asarray(p_lo, dtype="float64"), np.asarray(p_hi, dtype="float64")
    draws = np.asarray(draws, dtype="float64")
    if len(y) == 0:
        return {"coverage": float("nan"), "interval_width": float("nan")}
    if np.any(lo > p + 1e-12) or np.any(hi < p - 1e-12):
        raise ValueError("intervals must contain p")
    if draws.ndim != 2 or draws.shape[1] != len(y):
        raise ValueError(f"draws must have shape (n_draws, {len(y)}), got {draws.shape}")
    rng = np.random.default_rng(seed)
    order = np.argsort(p, kind="stable")
    covered = []
    for group in np.array_split(order, min(bins, len(y))):
        q_lo, q_hi = count_range(draws[:, group], alpha, rng)
        covered.append(q_lo <= y[group].sum() <= q_hi)
    return {"coverage": float(np.mean(covered)), "interval_width": float(np.mean(hi - lo))}

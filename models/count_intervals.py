"""Predictive intervals for the number of municipalities with an event, per state and nationally.

Given per-area probabilities ``p`` (independent Bernoulli outcomes), the count is Poisson-binomial; its
interval is widened for the uncertainty of the base rate by drawing a common log-odds shift per replicate
(``level_sd``: the year-to-year spread of the realised rate around the forecast, in log-odds). Seeded
Monte Carlo: ``n_draws`` replicates. Coverage across backtest years says whether the interval holds.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from models.calibration import expit, logit


def count_interval(
    p: np.ndarray, level_sd: float = 0.0, alpha: float = 0.1, n_draws: int = 2000, seed: int = 0
) -> tuple[float, float, float]:
    """``(expected, lo, hi)`` of the number of events among areas with probabilities ``p``."""
    p = np.asarray(p, dtype="float64")
    rng = np.random.default_rng(seed)
    m = logit(p)
    shifts = rng.normal(0.0, level_sd, size=(n_draws, 1)) if level_sd > 0 else np.zeros((n_draws, 1))
    lo, hi = count_range(expit(m + shifts), alpha, rng)
    return float(p.sum()), lo, hi


def count_range(prob_draws: np.ndarray, alpha: float, rng: np.random.Generator) -> tuple[float, float]:
    """The ``alpha/2`` and ``1 - alpha/2`` quantiles of the number of events when each row of
    ``prob_draws`` (shape (draws, areas), probabilities) gives one independent 0/1 outcome per area."""
    counts = (rng.random(prob_draws.shape) < prob_draws).sum(axis=1)
    lo, hi = np.quantile(counts, [alpha / 2, 1 - alpha / 2])
    return float(lo), float(hi)


def state_count_intervals(
    scores: pd.DataFrame, level_sd: float = 0.0, alpha: float = 0.1, seed: int = 0
) -> pd.DataFrame:
    """One row per state (``state``) plus ``BRA`` (national): ``expected``, ``lo``, ``hi`` and, when
    ``scores`` has ``y``, the realised ``events`` and ``covered`` (1.0 inside ``[lo, hi]``).

    ``scores``: ``area_id`` (``BRA.<ibge7>``, state = its first two digits), ``p`` and optionally ``y``.
    """
    state = scores["area_id"].str.slice(4, 6)
    rows = []
    for name, part in [("BRA", scores), *sorted(scores.groupby(state), key=lambda kv: kv[0])]:
        expected, lo, hi = count_interval(part["p"].to_numpy(), level_sd, alpha, seed=seed)
        row = {"state": name, "expected": expected, "lo": lo, "hi": hi}
        if "y" in part.columns:
            events = float(part["y"].sum())
            row.update(events=events, covered=float(lo <= events <= hi))
        rows.append(row)
    return pd.DataFrame(rows)

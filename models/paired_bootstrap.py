"""Paired bootstrap of a candidate's skill against a reference (the rule), over areas, per backtest year.

Input: backtest predictions with ``target_year``, ``area_id``, ``y`` and one probability column per model.
Each replicate resamples the areas of every target year with replacement (the same rows for both models:
paired), computes per year the AUPR difference and the log-loss difference (reference − candidate, so
positive = candidate better on both) and averages over the years. The interval is the replicates'
``alpha/2``..``1 - alpha/2`` quantiles; the gate passes only when the AUPR interval lies above zero.
Seeded: the same input gives the same interval.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score

EPS = 1e-6


def _log_loss(y: np.ndarray, p: np.ndarray) -> float:
    p = np.clip(p, EPS, 1 - EPS)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


def _ap(y: np.ndarray, p: np.ndarray) -> float:
    return float(average_precision_score(y, p)) if 0 < y.sum() < len(y) else np.nan


def paired_difference(
    preds: pd.DataFrame,
    candidate: str,
    reference: str,
    n_boot: int = 400,
    alpha: float = 0.1,
    seed: int = 0,
) -> dict[str, float]:
    """Mean over target years of ``AUPR(candidate) − AUPR(reference)`` and ``logloss(reference) −
    logloss(candidate)``, with bootstrap ``1 - alpha`` intervals. ``preds`` is wide: columns
    ``target_year``, ``y``, ``candidate`` and ``reference`` (probabilities).

    Returns ``aupr_diff``, ``aupr_lo``, ``aupr_hi``, ``logloss_diff``, ``logloss_lo``, ``logloss_hi``,
    ``years`` and ``gate`` (1.0 when ``aupr_lo > 0``).
    """
    rng = np.random.default_rng(seed)
    groups = [
        (
            g["y"].to_numpy(dtype="float64"),
            g[candidate].to_numpy(dtype="float64"),
            g[reference].to_numpy("float64"),
        )
        for _, g in preds.groupby("target_year", sort=True)
    ]

    def stats(rows_per_year) -> tuple[float, float]:
        da, dl = [], []
        for (y, pc, pr), rows in zip(groups, rows_per_year, strict=True):
            yy, cc, rr = y[rows], pc[rows], pr[rows]
            da.append(_ap(yy, cc) - _ap(yy, rr))
            dl.append(_log_loss(yy, rr) - _log_loss(yy, cc))
        return float(np.nanmean(da)), float(np.mean(dl))

    point = stats([np.arange(len(g[0])) for g in groups])
    draws = np.array([stats([rng.integers(0, len(g[0]), len(g[0])) for g in groups]) for _ in range(n_boot)])
    lo = np.nanquantile(draws, alpha / 2, axis=0)
    hi = np.nanquantile(draws, 1 - alpha / 2, axis=0)
    return {
        "aupr_diff": point[0],
        "aupr_lo": float(lo[0]),
        "aupr_hi": float(hi[0]),
        "logloss_diff": point[1],
        "logloss_lo": float(lo[1]),
        "logloss_hi": float(hi[1]),
        "years": float(len(groups)),
        "gate": float(lo[0] > 0),
    }

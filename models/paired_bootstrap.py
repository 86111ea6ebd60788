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

EPS = 1e-6


class _Ranked:
    """One model's scores of one year, sorted once (descending), so that the AUPR and log-loss of any
    bootstrap resample are weighted sums over the sorted rows: a row drawn k times weighs k. Tied scores
    form one threshold, as in ``sklearn.metrics.average_precision_score``, which gives the same value on
    the resampled rows (to rounding). Sorting 5,570 rows once instead of in every replicate took the
    comparison of a training run from about four minutes to seconds."""

    def __init__(self, y: np.ndarray, p: np.ndarray):
        self.order = np.argsort(-p, kind="stable")
        ranked = p[self.order]
        self.y = y[self.order]
        self.ends = np.r_[np.flatnonzero(np.diff(ranked)), len(ranked) - 1]
        q = np.clip(p, EPS, 1 - EPS)
        self.loss = -(y * np.log(q) + (1 - y) * np.log(1 - q))  # per row, input order

    def aupr(self, weights: np.ndarray) -> float:
        """Average precision with row ``weights`` (input order); NaN without both classes."""
        w = weights[self.order]
        tp = np.cumsum(w * self.y)[self.ends]
        seen = np.cumsum(w)[self.ends]
        if not 0 < tp[-1] < seen[-1]:
            return np.nan
        precision = np.divide(tp, seen, out=np.zeros_like(tp), where=seen > 0)
        return float(np.sum(np.diff(tp, prepend=0.0) / tp[-1] * precision))

    def log_loss(self, weights: np.ndarray) -> float:
        return float(np.dot(weights, self.loss) / weights.sum())


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
    groups = []
    for _, g in preds.groupby("target_year", sort=True):
        y = g["y"].to_numpy(dtype="float64")
        groups.append(
            (_Ranked(y, g[candidate].to_numpy("float64")), _Ranked(y, g[reference].to_numpy("float64")))
        )

    def stats(weights_per_year) -> tuple[float, float]:
        da, dl = [], []
        for (cand, ref), w in zip(groups, weights_per_year, strict=True):
            da.append(cand.aupr(w) - ref.aupr(w))
            dl.append(ref.log_loss(w) - cand.log_loss(w))
        return float(np.nanmean(da)), float(np.mean(dl))

    def resample(n: int) -> np.ndarray:
        return np.bincount(rng.integers(0, n, n), minlength=n).astype("float64")

    sizes = [len(cand.y) for cand, _ in groups]
    point = stats([np.ones(n) for n in sizes])
    draws = np.array([stats([resample(n) for n in sizes]) for _ in range(n_boot)])
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

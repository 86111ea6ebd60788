"""Platt scaling on the log-odds margin, fitted on out-of-fold predictions inside the training window.

A model's margin ``m`` (log-odds) becomes ``a * m + b``. Because the map is linear in log-odds, additive
explanations stay additive: every contribution is multiplied by ``a`` and the expected value becomes
``a * e + b``. Folds are whole label years (no year is calibrated by a model that saw it), so nothing
outside the training window is used.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from sklearn.linear_model import LogisticRegression

MARGIN_CLIP = 30.0


def logit(p) -> np.ndarray:
    """Log-odds of probabilities, clipped away from 0 and 1."""
    p = np.clip(np.asarray(p, dtype="float64"), 1e-12, 1.0 - 1e-12)
    return np.log(p / (1.0 - p))


def expit(m) -> np.ndarray:
    """Inverse of :func:`logit`."""
    return 1.0 / (1.0 + np.exp(-np.clip(np.asarray(m, dtype="float64"), -MARGIN_CLIP, MARGIN_CLIP)))


def fit_platt(margin, y) -> tuple[float, float]:
    """``(a, b)`` of ``P(y=1) = expit(a * margin + b)``; identity ``(1, 0)`` when ``y`` has one class, and
    slope 1 when the fit would not be increasing (calibration never reverses a ranking)."""
    margin = np.asarray(margin, dtype="float64").reshape(-1, 1)
    y = np.asarray(y, dtype="int64")
    if len(np.unique(y)) < 2:
        return 1.0, 0.0
    # Nearly unpenalised: Platt has two parameters and thousands of rows.
    lr = LogisticRegression(C=1e6, max_iter=1000).fit(margin, y)
    a, b = float(lr.coef_[0, 0]), float(lr.intercept_[0])
    if a <= 0.0:
        # A calibration map must keep the model's ranking: a flat or reversed fit (a fold with a handful of
        # events) is no evidence against it. Keep the slope at 1; the intercept is matched to the rate.
        return 1.0, float(logit(y.mean())[()] - np.median(margin))
    return a, b


def out_of_fold_margin(
    years: np.ndarray, fit_margin: Callable[[np.ndarray, np.ndarray], np.ndarray], n_folds: int = 2
) -> np.ndarray | None:
    """Out-of-fold margins over folds of whole, consecutive label years (at most ``n_folds``):
    ``fit_margin(train_mask, test_mask)`` fits on the train rows and returns margins of the test rows.
    ``None`` with fewer than two label years (nothing to hold out)."""
    unique = np.unique(years)
    if len(unique) < 2:
        return None
    out = np.full(len(years), np.nan)
    for block in np.array_split(unique, min(n_folds, len(unique))):
        test = np.isin(years, block)
        out[test] = fit_margin(~test, test)
    return out


def refit_intercept(margin, rate: float, iterations: int = 50) -> float:
    """The shift ``d`` with ``mean(expit(margin + d)) == rate`` (Newton steps on the log-odds scale);
    0 when ``rate`` is 0 or 1 or ``margin`` is empty (nothing to match)."""
    margin = np.asarray(margin, dtype="float64")
    if len(margin) == 0 or not 0.0 < rate < 1.0:
        return 0.0
    d = 0.0
    for _ in range(iterations):
        p = expit(margin + d)
        gap = p.mean() - rate
        slope = (p * (1.0 - p)).mean()
        if abs(gap) < 1e-10 or slope <= 0:
            break
        d -= gap / slope
    return float(d)

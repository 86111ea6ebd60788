"""Platt scaling on the log-odds margin, fitted on out-of-fold predictions inside the training window.

A model's margin ``m`` (log-odds) becomes ``a * m + b``. Because the map is linear in log-odds, additive
explanations stay additive: every contribution is multiplied by ``a`` and the expected value becomes
``a * e + b``. Folds are whole label years (no year is calibrated by a model that saw it), so nothing
outside the training window is used.

The base rate moves from year to year (list coverage, inspection effort): :func:`refit_intercept` matches
the last training year's rate and :func:`level_spread` says how far the next years' rate may be from it.
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


LEVEL_HALF_LIFE = 2.0  # years: a change of the base rate this long ago counts half as much as the latest


def level_spread(rates, horizon: int = 1, half_life: float = LEVEL_HALF_LIFE) -> float:
    """How far, in log-odds, the event rate ``horizon`` years ahead may be from the latest year's: the
    root mean square of the year-to-year changes of the logit rate (the error of "same as the last year"),
    the changes weighted by recency with ``half_life`` in years (an exponentially weighted volatility: the
    early years of a register that is still filling in move far more than the years since, and should
    fade), times ``sqrt(horizon)`` (a random walk's spread grows with the square root of the steps).
    ``rates``: event rate per consecutive year, oldest first; years with rate 0 or 1 are left out. 0 with
    fewer than two usable years (nothing to measure the change on)."""
    m = logit(np.asarray([r for r in rates if 0.0 < r < 1.0], dtype="float64"))
    steps = np.diff(m)
    if len(steps) == 0:
        return 0.0
    weights = 0.5 ** (np.arange(len(steps))[::-1] / half_life)
    return float(np.sqrt(np.average(steps**2, weights=weights)) * np.sqrt(max(int(horizon), 1)))

"""Skill metrics for rare-event risk scores. ``y`` is 0/1, ``p`` is a probability in [0, 1].

- ``aupr``: average precision (area under the precision-recall curve); the base rate is its no-skill level.
- ``auroc``: area under the ROC curve; 0.5 is no skill. NaN when ``y`` has one class only.
- ``brier``: mean squared error of ``p`` (lower is better); ``bss``: Brier skill score against always
  forecasting the evaluated year's base rate, ``1 - brier / (r (1 - r))`` (0 = no better, 1 = perfect).
- ``ece``: expected calibration error over ``ECE_BINS`` equal-count bins of ``p`` (equal-width bins would
  put almost every municipality in the first bin): the count-weighted mean |mean p − event rate|.
- ``p_at_k`` / ``r_at_k``: share of events among the ``k`` highest scores, and share of all events they
  catch; ties broken by input order (stable).
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

TOP_K = (50, 100, 250)
ECE_BINS = 10


def _arrays(y, p) -> tuple[np.ndarray, np.ndarray]:
    y = np.asarray(y, dtype="float64")
    p = np.asarray(p, dtype="float64")
    if y.shape != p.shape:
        raise ValueError(f"y and p differ in shape: {y.shape} vs {p.shape}")
    if np.isnan(p).any() or np.isnan(y).any():
        raise ValueError("y and p must not contain NaN")
    return y, p


def precision_at_k(y, p, k: int) -> float:
    """Share of positives among the top ``k`` scores (all rows when fewer than ``k``); NaN if empty."""
    y, p = _arrays(y, p)
    if len(y) == 0 or k <= 0:
        return float("nan")
    order = np.argsort(-p, kind="stable")[:k]
    return float(y[order].mean())


def recall_at_k(y, p, k: int) -> float:
    """Share of all positives found among the top ``k`` scores; NaN without positives."""
    y, p = _arrays(y, p)
    if y.sum() == 0 or k <= 0:
        return float("nan")
    order = np.argsort(-p, kind="stable")[:k]
    return float(y[order].sum() / y.sum())


def expected_calibration_error(y, p, bins: int = ECE_BINS) -> float:
    """Count-weighted mean |mean p − event rate| over ``bins`` equal-count bins of ``p``; NaN if empty."""
    y, p = _arrays(y, p)
    if len(y) == 0:
        return float("nan")
    order = np.argsort(p, kind="stable")
    total = 0.0
    for part in np.array_split(order, min(bins, len(y))):
        total += len(part) * abs(p[part].mean() - y[part].mean())
    return float(total / len(y))


def brier_skill_score(y, p) -> float:
    """``1 - brier / brier(base rate)``; NaN when the base rate is 0 or 1 (no reference skill to beat)."""
    y, p = _arrays(y, p)
    rate = y.mean() if len(y) else float("nan")
    ref = rate * (1.0 - rate)
    if not ref > 0:
        return float("nan")
    return float(1.0 - np.mean((p - y) ** 2) / ref)


def evaluate(y, p, top_k: tuple[int, ...] = TOP_K) -> dict[str, float]:
    """All metrics as a flat dict: ``n``, ``events``, ``base_rate``, ``aupr``, ``auroc``, ``brier``, ``bss``,
    ``ece``, ``p_at_<k>``, ``r_at_<k>``."""
    y, p = _arrays(y, p)
    both = len(np.unique(y)) == 2
    out = {
        "n": float(len(y)),
        "events": float(y.sum()),
        "base_rate": float(y.mean()) if len(y) else float("nan"),
        "aupr": float(average_precision_score(y, p)) if both else float("nan"),
        "auroc": float(roc_auc_score(y, p)) if both else float("nan"),
        "brier": float(brier_score_loss(y, p)) if len(y) else float("nan"),
        "bss": brier_skill_score(y, p),
        "ece": expected_calibration_error(y, p),
    }
    for k in top_k:
        out[f"p_at_{k}"] = precision_at_k(y, p, k)
        out[f"r_at_{k}"] = recall_at_k(y, p, k)
    return out

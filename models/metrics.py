"""Skill metrics for rare-event risk scores. ``y`` is 0/1, ``p`` is a probability in [0, 1].

- ``aupr``: average precision (area under the precision-recall curve); the base rate is its no-skill level.
- ``auroc``: area under the ROC curve; 0.5 is no skill. NaN when ``y`` has one class only.
- ``brier``: mean squared error of ``p`` (lower is better).
- ``precision_at_k``: share of events among the ``k`` highest scores; ties broken by input order (stable).
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import average_precision_score, brier_score_loss, roc_auc_score

TOP_K = (50, 100, 250)


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


def evaluate(y, p, top_k: tuple[int, ...] = TOP_K) -> dict[str, float]:
    """All metrics as a flat dict: ``aupr``, ``auroc``, ``brier``, ``base_rate``, ``n``, ``p_at_<k>``."""
    y, p = _arrays(y, p)
    both = len(np.unique(y)) == 2
    out = {
        "n": float(len(y)),
        "base_rate": float(y.mean()) if len(y) else float("nan"),
        "aupr": float(average_precision_score(y, p)) if both else float("nan"),
        "auroc": float(roc_auc_score(y, p)) if both else float("nan"),
        "brier": float(brier_score_loss(y, p)) if len(y) else float("nan"),
    }
    for k in top_k:
        out[f"p_at_{k}"] = precision_at_k(y, p, k)
    return out

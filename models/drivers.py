"""Drivers: which features pushed an area's score up or down, from LightGBM's own SHAP values.

``Booster.predict(X, pred_contrib=True)`` returns one column per feature plus a last column for the
expected value; per row they sum to the raw score (log-odds).
"""

from __future__ import annotations

from collections.abc import Mapping

import lightgbm as lgb
import numpy as np
import pandas as pd


def contributions(booster: lgb.Booster, X: pd.DataFrame) -> pd.DataFrame:
    """SHAP contributions in log-odds: the feature columns of ``X`` plus ``expected_value``."""
    values = np.asarray(booster.predict(X, pred_contrib=True))
    return pd.DataFrame(values, index=X.index, columns=[*X.columns, "expected_value"])


# Size effects: reported, but never ahead of what an officer can act on (what inspections found, here and
# nearby). A bigger municipality simply has more establishments.
SIZE_FEATURES = frozenset({"log_population", "log_area_km2", "n_neighbours"})


def top_drivers(
    contrib: pd.DataFrame, labels: Mapping[str, str], n: int = 3, size: frozenset[str] = SIZE_FEATURES
) -> list[list[dict]]:
    """Per row, the ``n`` largest |contribution| features, signed; features in ``size`` come after every
    other non-zero driver (they are the headline only when nothing else moved the score).

    Each driver is ``{"feature", "label", "contribution"}`` (log-odds); zero contributions are left out.
    """
    features = contrib.drop(columns="expected_value", errors="ignore")
    names = features.columns.to_numpy()
    values = features.to_numpy(dtype="float64")
    is_size = np.isin(names, list(size))
    key = np.where(is_size[None, :] & (values != 0.0), 1e6, 0.0) - np.abs(values)
    order = np.argsort(key, axis=1, kind="stable")[:, :n]
    out: list[list[dict]] = []
    for row, idx in zip(values, order, strict=True):
        out.append(
            [
                {
                    "feature": str(names[j]),
                    "label": labels.get(names[j], str(names[j])),
                    "contribution": float(row[j]),
                }
                for j in idx
                if row[j] != 0.0
            ]
        )
    return out

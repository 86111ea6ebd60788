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


def top_drivers(contrib: pd.DataFrame, labels: Mapping[str, str], n: int = 3) -> list[list[dict]]:
    """Per row, the ``n`` largest |contribution| features, signed, largest first.

    Each driver is ``{"feature", "label", "contribution"}`` (log-odds); zero contributions are left out.
    """
    features = contrib.drop(columns="expected_value", errors="ignore")
    names = features.columns.to_numpy()
    values = features.to_numpy(dtype="float64")
    order = np.argsort(-np.abs(values), axis=1, kind="stable")[:, :n]
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

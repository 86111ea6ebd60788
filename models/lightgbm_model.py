"""The LightGBM risk classifier: fixed seed, small-data parameters, deterministic on any machine.

Positives are 1-2 % of municipality-years and number a few hundred in total, so trees are kept small
(few leaves, many samples per leaf), learning is slow and row/column subsampling is seeded. Classes are
NOT reweighted: the scores are read as probabilities against risk cut-points, and reweighting would
inflate them; ranking metrics (AUPR, precision@k) do not need it.
"""

from __future__ import annotations

from typing import Any

import lightgbm as lgb

DEFAULT_PARAMS: dict[str, Any] = {
    "n_estimators": 150,
    "learning_rate": 0.03,
    "num_leaves": 7,
    "max_depth": 4,
    "min_child_samples": 40,
    "subsample": 0.8,
    "subsample_freq": 1,
    "colsample_bytree": 0.8,
    "reg_lambda": 5.0,
    "min_split_gain": 0.0,
}


def make_classifier(random_state: int, n_jobs: int = 1, **overrides: Any) -> lgb.LGBMClassifier:
    """A seeded, deterministic ``LGBMClassifier`` with :data:`DEFAULT_PARAMS` (``overrides`` win)."""
    params = {**DEFAULT_PARAMS, **overrides}
    return lgb.LGBMClassifier(
        objective="binary",
        random_state=random_state,
        deterministic=True,
        force_row_wise=True,
        n_jobs=n_jobs,
        verbose=-1,
        **params,
    )


def classifier_params(model: lgb.LGBMClassifier) -> dict[str, Any]:
    """The parameters worth logging: the defaults above plus seed, as plain values."""
    params = model.get_params()
    keys = [*DEFAULT_PARAMS, "random_state", "objective", "deterministic"]
    return {k: params[k] for k in keys if k in params}

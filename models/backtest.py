"""Rolling-origin backtest: for each origin year, fit on every earlier target year, score that year.

``data`` has one row per (area, target ``year``) with the label ``y`` and whatever columns the recipes
read. A recipe is a function that fits on a training frame and returns a predictor of P(y = 1); recipes
own their seeds, so the backtest is deterministic.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from models.metrics import evaluate

Predictor = Callable[[pd.DataFrame], np.ndarray]
Recipe = Callable[[pd.DataFrame], Predictor]


def rolling_origin(data: pd.DataFrame, origins: Sequence[int], recipes: Mapping[str, Recipe]) -> pd.DataFrame:
    """Metrics per (origin ``year``, ``model``): train on years < origin, evaluate on the origin year.

    Origins without training rows, or whose training years have no event, are skipped (nothing to learn).
    Returns columns ``year``, ``model``, ``n_train``, ``n_train_events`` and the ``evaluate`` metrics.
    """
    rows = []
    for year in origins:
        train = data.loc[data["year"] < year]
        test = data.loc[data["year"] == year]
        if train.empty or test.empty or train["y"].sum() == 0:
            continue
        for name, recipe in recipes.items():
            p = recipe(train)(test)
            rows.append(
                {
                    "year": year,
                    "model": name,
                    "n_train": len(train),
                    "n_train_events": int(train["y"].sum()),
                    **evaluate(test["y"], p),
                }
            )
    return pd.DataFrame(rows)


def backtest_origins(train_years: Sequence[int], heldout_year: int, n: int) -> list[int]:
    """The last ``n`` years up to and including ``heldout_year`` that leave at least one training year."""
    candidates = [y for y in (*train_years, heldout_year) if y > min(train_years)]
    return candidates[-n:]

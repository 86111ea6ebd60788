"""Rolling-origin backtest over declared windows (``models.windows.backtest_windows``).

Frames: ``panel`` is the wide feature table, one row per (``area_id``, feature ``year``), where a row of
year ``F`` draws on data before ``F``; ``labels`` is one row per (``area_id``, label ``year``) with ``y``
0/1. A recipe is ``name -> factory()`` of an object with ``fit(frame, y)`` and ``predict_proba(frame)``
(P(event), shape (n,) or (n, 2)); models that also have ``interval(frame)`` and ``draws(frame)`` get
their interval coverage checked (``models.intervals``). Recipes own their seeds, so the backtest is
deterministic.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np
import pandas as pd

from models.intervals import interval_coverage
from models.metrics import evaluate
from models.windows import BacktestWindow

Factory = Callable[[], object]


def horizon_examples(panel: pd.DataFrame, labels: pd.DataFrame, horizon: int) -> pd.DataFrame:
    """Feature rows of year ``F`` paired with the label of year ``F + horizon - 1``.

    Output keeps the feature columns, ``feature_year`` = ``F`` and ``year`` = the label year, ``y``.
    Rows whose label year is not in ``labels`` are dropped.
    """
    rows = panel.rename(columns={"year": "feature_year"})
    rows = rows.assign(year=rows["feature_year"] + horizon - 1)
    return rows.merge(labels.loc[:, ["area_id", "year", "y"]], on=["area_id", "year"], how="inner")


def probabilities(model, frame: pd.DataFrame) -> np.ndarray:
    """P(event) per row from a model whose ``predict_proba`` returns (n,) or (n, 2)."""
    p = np.asarray(model.predict_proba(frame), dtype="float64")
    return p[:, 1] if p.ndim == 2 else p


def window_frames(
    window: BacktestWindow, panel: pd.DataFrame, train_labels: pd.DataFrame, truth: pd.DataFrame
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Training examples (label years of the window, labels as the window knew them) and the evaluated
    examples (feature year ``origin + 1``, labels from ``truth``)."""
    h = window.horizon
    train = horizon_examples(panel, train_labels, h)
    train = train.loc[train["year"].isin(window.train_label_years)]
    test = horizon_examples(panel.loc[panel["year"] == window.target_feature_year], truth, h)
    return train.reset_index(drop=True), test.loc[test["year"] == window.target_year].reset_index(drop=True)


def run_window(
    window: BacktestWindow,
    train: pd.DataFrame,
    test: pd.DataFrame,
    recipes: Mapping[str, Factory],
) -> tuple[list[dict], pd.DataFrame]:
    """Fit every recipe on ``train``, evaluate on ``test``. Returns metric rows and the predictions
    (``area_id``, ``model``, ``y``, ``p``, ``p_lo``, ``p_hi``). Empty when training has no event."""
    if train.empty or test.empty or train["y"].sum() == 0:
        return [], pd.DataFrame()
    head = {
        "origin": window.origin,
        "horizon": window.horizon,
        "target_year": window.target_year,
        "label_basis": window.label_basis,
        "as_of": window.as_of.isoformat(),
        "under_covered": window.under_covered,
        "n_train": len(train),
        "n_train_events": int(train["y"].sum()),
    }
    rows, preds = [], []
    for name, factory in recipes.items():
        model = factory().fit(train, train["y"].to_numpy())
        p = probabilities(model, test)
        lo, hi = model.interval(test) if hasattr(model, "interval") else (p, p)
        row = {**head, "model": name, **evaluate(test["y"], p)}
        if hasattr(model, "draws"):
            row.update(interval_coverage(test["y"], p, lo, hi, model.draws(test)))
        rows.append(row)
        preds.append(
            pd.DataFrame(
                {"area_id": test["area_id"], "model": name, "y": test["y"], "p": p, "p_lo": lo, "p_hi": hi}
            )
        )
    return rows, pd.concat(preds, ignore_index=True).assign(
        **{k: head[k] for k in ("origin", "horizon", "label_basis")}
    )


def rolling_origin(
    windows: Sequence[BacktestWindow],
    frames: Callable[[BacktestWindow], tuple[pd.DataFrame, pd.DataFrame]],
    recipes: Mapping[str, Factory] | Callable[[BacktestWindow], Mapping[str, Factory]],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Run every window; ``frames(window)`` gives its (train, test) examples and ``recipes`` the models
    (a mapping, or a function of the window). Returns the metric table (one row per window and model)
    and every prediction. Windows with no training event are skipped."""
    tables, preds = [], []
    for window in windows:
        train, test = frames(window)
        lineup = recipes(window) if callable(recipes) else recipes
        rows, pred = run_window(window, train, test, lineup)
        tables.extend(rows)
        if not pred.empty:
            preds.append(pred)
    return pd.DataFrame(tables), (pd.concat(preds, ignore_index=True) if preds else pd.DataFrame())

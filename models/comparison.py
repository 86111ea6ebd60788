"""Backtest summaries every candidate is judged on: skill against the rule with paired bootstrap
intervals, calibration by year, and coverage of the count intervals.

Input ``preds``: backtest predictions (``models.backtest.rolling_origin``) with ``area_id``, ``model``,
``y``, ``p``, ``horizon``, ``label_basis``, ``origin``; ``target_year = origin + horizon``. Only the
retrospective (``latest_edition``) windows are summarised: they cover every evaluated year once.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
from sklearn.metrics import average_precision_score, roc_auc_score

from models.calibration import level_spread
from models.count_intervals import state_count_intervals
from models.paired_bootstrap import paired_difference

CALIBRATION_TOLERANCE = 0.15  # mean predicted p within 15 % of the realised rate


def retrospective(preds: pd.DataFrame) -> pd.DataFrame:
    """The ``latest_edition`` predictions with ``target_year``."""
    rows = preds.loc[preds["label_basis"] == "latest_edition"]
    return rows.assign(target_year=rows["origin"] + rows["horizon"])


def compare_to_reference(
    preds: pd.DataFrame, reference: str = "rule", n_boot: int = 400, seed: int = 0
) -> pd.DataFrame:
    """One row per (``horizon``, ``model``): mean AUPR/AUROC over the target years, and for every model
    but ``reference`` the paired bootstrap differences (:func:`models.paired_bootstrap.paired_difference`)."""
    rows = retrospective(preds)
    out = []
    for h, part in rows.groupby("horizon", sort=True):
        wide = part.pivot_table(index=["target_year", "area_id"], columns="model", values="p")
        wide = wide.join(
            part.drop_duplicates(["target_year", "area_id"]).set_index(["target_year", "area_id"])["y"]
        )
        wide = wide.reset_index()
        for model in [m for m in part["model"].unique()]:
            per_year = [
                (average_precision_score(g["y"], g[model]), roc_auc_score(g["y"], g[model]))
                for _, g in wide.groupby("target_year")
                if 0 < g["y"].sum() < len(g)
            ]
            row = {
                "horizon": int(h),
                "model": model,
                "aupr": float(np.mean([a for a, _ in per_year])),
                "auroc": float(np.mean([b for _, b in per_year])),
            }
            if model != reference and reference in wide.columns:
                row.update(paired_difference(wide, model, reference, n_boot=n_boot, seed=seed))
            out.append(row)
    return pd.DataFrame(out)


def calibration_by_year(preds: pd.DataFrame, model: str) -> pd.DataFrame:
    """Per (``horizon``, ``target_year``): ``mean_p``, realised ``rate``, ``ratio`` = mean_p / rate and
    ``within`` (1.0 when |ratio − 1| ≤ :data:`CALIBRATION_TOLERANCE`)."""
    rows = retrospective(preds)
    rows = rows.loc[rows["model"] == model]
    table = (
        rows.groupby(["horizon", "target_year"]).agg(mean_p=("p", "mean"), rate=("y", "mean")).reset_index()
    )
    table["ratio"] = table["mean_p"] / table["rate"]
    table["within"] = (np.abs(table["ratio"] - 1.0) <= CALIBRATION_TOLERANCE).astype("float64")
    return table


def count_coverage(
    preds: pd.DataFrame, model: str, rates: Mapping[int, float], alpha: float = 0.1, seed: int = 0
) -> pd.DataFrame:
    """Per (``horizon``, ``target_year``): the national expected count, its interval and the realised
    count, ``national_covered``, and ``state_coverage`` (share of states whose realised count lies in
    their interval). ``rates``: realised event rate per label year; a window uses the years up to its
    origin for the base-rate spread at its horizon (:func:`models.calibration.level_spread`)."""
    rows = retrospective(preds)
    rows = rows.loc[rows["model"] == model]
    out = []
    for (h, year), part in rows.groupby(["horizon", "target_year"], sort=True):
        origin = int(year) - int(h)
        sd = level_spread([rates[y] for y in sorted(rates) if y <= origin], int(h))
        table = state_count_intervals(part[["area_id", "p", "y"]], sd, alpha, seed)
        nat = table.loc[table["state"] == "BRA"].iloc[0]
        states = table.loc[table["state"] != "BRA"]
        out.append(
            {
                "horizon": int(h),
                "target_year": int(year),
                "expected": nat["expected"],
                "lo": nat["lo"],
                "hi": nat["hi"],
                "events": nat["events"],
                "national_covered": nat["covered"],
                "state_coverage": float(states["covered"].mean()),
                "level_sd": sd,
            }
        )
    return pd.DataFrame(out)

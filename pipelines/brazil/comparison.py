"""Judge every backtest candidate against the rule and log the evidence to the active MLflow run.

Tables (artifacts under ``comparison/``): ``vs_rule.csv`` (mean AUPR/AUROC per horizon and model, paired
bootstrap intervals of the AUPR and log-loss difference with the rule), ``calibration_by_year.csv`` (mean
predicted p against the realised rate, every model), ``count_coverage.csv`` (national and state count
intervals of the champion in each backtest year, with coverage) and ``state_counts_<year>.csv`` (the
registered model's count interval per state and nationally for the scored year).
"""

from __future__ import annotations

from dataclasses import dataclass

import mlflow
import numpy as np
import pandas as pd

from models.comparison import calibration_by_year, compare_to_reference, count_coverage
from models.count_intervals import state_count_intervals
from models.lineup import REFERENCE

N_BOOT = 400


@dataclass(frozen=True)
class Comparison:
    """``vs_rule``, ``calibration`` (see module doc) and ``rates`` (realised event rate per label year)."""

    vs_rule: pd.DataFrame
    calibration: pd.DataFrame
    rates: dict[int, float]
    preds: pd.DataFrame

    def passes(self, horizon: int) -> dict[str, bool]:
        """Model → its AUPR interval against the rule lies above zero at ``horizon``."""
        rows = self.vs_rule.loc[(self.vs_rule["horizon"] == horizon) & (self.vs_rule["model"] != REFERENCE)]
        return {str(r.model): bool(r.gate == 1.0) for r in rows.itertuples()}


def compare_backtest(preds: pd.DataFrame, latest, seed: int, first_label_year: int) -> Comparison:
    """Every candidate against the rule, and calibration by year, from the backtest predictions; realised
    rates from ``first_label_year`` on (earlier label years are under-covered, see models.windows)."""
    vs_rule = compare_to_reference(preds, REFERENCE, n_boot=N_BOOT, seed=seed)
    calibration = pd.concat(
        [calibration_by_year(preds, m).assign(model=m) for m in preds["model"].unique()], ignore_index=True
    )
    by_year = latest.labels.groupby("year")["y"].mean()
    rates = {int(y): float(r) for y, r in by_year.items() if y >= first_label_year}
    return Comparison(vs_rule, calibration, rates, preds)


def log_comparison(comparison: Comparison, family: str, model, latest) -> None:
    """Log the tables (every model) and the registered ``family``'s headline figures as metrics:
    ``vs_rule_h<h>_<key>`` (its mean AUPR/AUROC and bootstrap interval of the difference with the rule),
    ``calib_h<h>_ratio`` stepped by target year (mean p over the realised rate), ``calib_within_15pct_share``,
    ``count_h<h>_*`` coverage and ``count_score_*`` (national expected events for the scored year)."""
    vs = comparison.vs_rule
    mlflow.log_text(vs.to_csv(index=False), "comparison/vs_rule.csv")
    metrics: dict[str, float] = {}
    for row in vs.loc[vs["model"] == family].itertuples():
        for key in (
            "aupr",
            "auroc",
            "aupr_diff",
            "aupr_lo",
            "aupr_hi",
            "logloss_diff",
            "logloss_lo",
            "logloss_hi",
        ):
            value = getattr(row, key, np.nan)
            if value == value:
                metrics[f"vs_rule_h{row.horizon}_{key}"] = float(value)
    calib = comparison.calibration
    mlflow.log_text(calib.to_csv(index=False), "comparison/calibration_by_year.csv")
    mine = calib.loc[calib["model"] == family]
    for row in mine.itertuples():
        if np.isfinite(row.ratio):
            mlflow.log_metric(f"calib_h{row.horizon}_ratio", float(row.ratio), step=int(row.target_year))
    metrics["calib_within_15pct_share"] = float(mine["within"].mean())
    counts = count_coverage(comparison.preds, family, comparison.rates)
    mlflow.log_text(counts.to_csv(index=False), "comparison/count_coverage.csv")
    for h, part in counts.groupby("horizon"):
        metrics[f"count_h{h}_national_coverage"] = float(part["national_covered"].mean())
        metrics[f"count_h{h}_state_coverage"] = float(part["state_coverage"].mean())
    scored = latest.panel.loc[latest.panel["year"] == latest.last + 1]
    scores = pd.DataFrame({"area_id": scored["area_id"].to_numpy(), "p": model.predict_proba(scored)})
    states = state_count_intervals(scores, model.level_spread_)
    mlflow.log_text(states.to_csv(index=False), f"comparison/state_counts_{latest.last + 1}.csv")
    national = states.loc[states["state"] == "BRA"].iloc[0]
    metrics.update(
        count_score_expected=float(national["expected"]),
        count_score_lo=float(national["lo"]),
        count_score_hi=float(national["hi"]),
    )
    mlflow.log_metrics(metrics)

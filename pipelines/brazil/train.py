"""Train the Brazil forced-labour risk model: backtest every model, log one MLflow run, register the
better learned model as ``challenger``; ``promote_brazil`` (re-exported) gates ``champion``.

Evaluation (docs/adr/0021-brazil-training-window-and-refit.md, 0024-brazil-backtest-windows-and-label-vintage.md):
the windows of ``models.windows.BRAZIL_BACKTEST`` — horizons 1 and 2, every target year the labels allow,
retrospective on the latest list edition plus windows "as of" each earlier edition. The registered model
is the chosen recipe refitted on every training label year through the last one, horizon 1.
"""

from __future__ import annotations

from datetime import date

import mlflow
import numpy as np
import pandas as pd

from features.catalog import FEATURE_LABELS, FEATURE_SET, MODEL_FEATURES
from features.errors import MissingInputError
from features.training_inputs import TrainingInputs, as_published_inputs
from models.backtest import rolling_origin, window_frames
from models.gate import strongest_naive
from models.recipes import choose_champion, model_lineup
from models.risk_fit import N_BOOTSTRAP, fit_risk_model
from models.risk_model import RiskModel
from models.selection import FitCache
from models.windows import BACKTESTS, BacktestConfig, BacktestWindow, backtest_windows
from pipelines.brazil.artifacts.map import class_cuts, load_area_shapes, risk_map_figure
from pipelines.brazil.artifacts.report import log_run_artifacts
from pipelines.brazil.comparison import compare_backtest, log_comparison
from pipelines.brazil.inputs import latest_edition_inputs, load_raw_inputs
from pipelines.brazil.registry import (
    input_example,
    log_risk_model,
    model_fingerprint,
    promote_brazil,
    run_name,
)
from pipelines.settings import Settings, get_settings
from pipelines.tracking import CHALLENGER, ensure_experiment, feature_set_hash, git_sha, use_tracking
from pipelines.warehouse.engine import warehouse_engine

__all__ = ["promote_brazil", "run_backtest", "train_brazil"]

HORIZON = 1
BACKTEST_BOOTSTRAP = 4  # bootstrap refits per gate-horizon retrospective window (models.intervals)


def run_backtest(
    latest: TrainingInputs, raw, config: BacktestConfig, seed: int, n_bootstrap: int = BACKTEST_BOOTSTRAP
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The backtest table (one row per window and model) and every prediction.

    Retrospective windows read ``latest``; an "as published" window rebuilds features and training labels
    from the editions out by its date (``raw``, once per date) and is scored against ``latest`` labels.
    """
    windows = backtest_windows(config, latest.first, latest.last)
    cache: dict[date, TrainingInputs | None] = {}
    fits = FitCache()  # inner fits repeat across windows: each distinct one runs once

    def frames(window: BacktestWindow):
        if window.label_basis == "latest_edition":
            return window_frames(window, latest.panel, latest.labels, latest.labels)
        if window.as_of not in cache:
            try:
                cache[window.as_of] = as_published_inputs(raw, window.as_of, window.target_feature_year)
            except MissingInputError:  # that edition lists none of these areas: nothing to train on
                cache[window.as_of] = None
        known = cache[window.as_of]
        if known is None:
            return pd.DataFrame(), pd.DataFrame()
        return window_frames(window, known.panel, known.labels, latest.labels)

    def lineup(window: BacktestWindow):
        # Bootstrap refits enter the intervals where the gate looks (retrospective, gate horizon); other
        # windows' intervals carry the base rate's spread only, to keep training within a couple of minutes.
        checked = window.label_basis == "latest_edition" and window.horizon == config.gate_horizon
        return model_lineup(MODEL_FEATURES, seed, n_bootstrap if checked else 0, fits)

    return rolling_origin(windows, frames, lineup)


def gate_scores(table: pd.DataFrame, config: BacktestConfig) -> dict[str, float]:
    """Mean AUPR per model over the gate windows (retrospective, gate horizon, gate years)."""
    rows = table.loc[
        (table["label_basis"] == "latest_edition")
        & (table["horizon"] == config.gate_horizon)
        & table["target_year"].isin(config.gate_years)
    ]
    return {str(k): float(v) for k, v in rows.groupby("model", sort=False)["aupr"].mean().items()}


def _run_metrics(table: pd.DataFrame, gate: dict[str, float], family: str) -> dict[str, float]:
    """``aupr`` (registered model's gate AUPR), ``best_baseline_aupr`` (strongest other model),
    ``best_naive_aupr`` (strongest naive baseline other than the registered model: persistence, historical
    frequency, population rate, neighbour rate — what the alert skill gate compares with) and each model's
    ``gate_<model>_aupr``. Every other model's backtest figures are in the ``backtest_means.csv`` and
    ``backtest.csv`` artifacts, not in metrics (one chart per metric made the run unreadable)."""
    out = {f"gate_{m}_aupr": v for m, v in gate.items()}
    out["aupr"] = gate[family]
    out["best_baseline_aupr"] = max(v for m, v in gate.items() if m != family)
    naive = strongest_naive(gate, exclude=family)
    if naive is not None:
        out["best_naive_aupr"] = naive
    return out


MEAN_METRICS = ("aupr", "auroc", "brier", "bss", "ece", "p_at_100", "r_at_100", "coverage", "interval_width")


def backtest_means(table: pd.DataFrame) -> pd.DataFrame:
    """Mean of every backtest metric per ``label_basis`` (``latest_edition``: retrospective windows;
    otherwise as known at each as-of date), ``horizon`` (years) and ``model``, over the target years."""
    metrics = [m for m in MEAN_METRICS if m in table.columns]
    return table.groupby(["label_basis", "horizon", "model"])[metrics].mean().reset_index()


def headline_metrics(table: pd.DataFrame, family: str) -> dict[str, float]:
    """The registered family's retrospective backtest means under names every run shares, so the run
    list compares runs whatever family each registered: ``h<h>_aupr``, ``h<h>_auroc``, ``h<h>_brier``,
    ``h<h>_p_at_100`` (horizon h in years; AUPR/AUROC/Brier unitless, precision at the top 100 areas)."""
    rows = table.loc[(table["label_basis"] == "latest_edition") & (table["model"] == family)]
    keys = [k for k in ("aupr", "auroc", "brier", "p_at_100") if k in rows.columns]
    means = rows.groupby("horizon")[keys].mean()
    return {f"h{h}_{k}": float(v) for h, row in means.iterrows() for k, v in row.items() if np.isfinite(v)}


def _log_steps(table: pd.DataFrame, family: str) -> None:
    """The registered family's per-window metrics ``window_h<h>_<metric>``, stepped by target year
    (retrospective windows only): one chart per metric and horizon, a point per year."""
    rows = table.loc[(table["label_basis"] == "latest_edition") & (table["model"] == family)]
    for _, row in rows.iterrows():
        keys = ("aupr", "auroc", "brier", "bss", "ece", "p_at_100")
        values = {f"window_h{row['horizon']}_{k}": float(row[k]) for k in keys}
        mlflow.log_metrics({k: v for k, v in values.items() if np.isfinite(v)}, step=int(row["target_year"]))


def train_brazil(
    settings: Settings | None = None, config: BacktestConfig | None = None, as_of: date | None = None
) -> dict:
    """Backtest, log one run, register the chosen model (refit, horizon 1) as ``challenger``, from what
    was known on ``as_of`` (None: everything stored). ``config`` defaults to the one ``SDG87_BACKTEST``
    names (``full`` unless set).

    Returns ``run_id``, ``model_name``, ``model_version``, ``model_family``, ``choice`` (sentence),
    ``metrics`` (registered model, held-out = last label year, horizon 1), ``baseline_metrics`` (every other
    model, same window) and ``gate`` (model → gate AUPR).
    """
    settings = settings or get_settings()
    config = config or BACKTESTS[settings.backtest]
    with warehouse_engine(settings) as engine:
        with engine.connect() as conn:
            latest = latest_edition_inputs(conn, as_of)
            raw = load_raw_inputs(conn)
            shapes = load_area_shapes(conn)
    seed = settings.random_seed
    table, preds = run_backtest(latest, raw, config, seed, BACKTEST_BOOTSTRAP)
    if table.empty:
        raise MissingInputError("no backtest window has a training event: too few labelled years to evaluate")
    gate = gate_scores(table, config)
    comparison = compare_backtest(preds, latest, seed, config.first_train_label_year)
    family, choice = choose_champion(gate, comparison.passes(config.gate_horizon))
    model = fit_risk_model(latest, family, HORIZON, config, seed, N_BOOTSTRAP)
    held = table.loc[
        (table["label_basis"] == "latest_edition")
        & (table["horizon"] == HORIZON)
        & (table["target_year"] == latest.last)
    ].set_index("model")

    client = use_tracking(settings)
    experiment_id = ensure_experiment(client, settings.brazil_experiment, settings.mlflow_artifact_root)
    params, tags = _run_params(model, config, latest), _run_tags(latest, family, choice, config)
    name = run_name("brazil", HORIZON, params["train_years"], family)
    scored = latest.panel.loc[latest.panel["year"] == latest.last + 1]
    identity = {**params, **{k: v for k, v in tags.items() if k != "git_sha"}}
    with mlflow.start_run(experiment_id=experiment_id, run_name=name) as run:
        mlflow.log_params(params)
        mlflow.log_metrics(
            {**_run_metrics(table, gate, family), **headline_metrics(table, family), "gate_pass": 1.0}
        )
        _log_steps(table, family)
        mlflow.log_text(backtest_means(table).to_csv(index=False), "backtest_means.csv")
        log_comparison(comparison, family, model, latest)
        mlflow.set_tags(tags)
        mlflow.set_tag("registered_candidate", candidate_name(model))
        log_run_artifacts(table, preds, model, latest, family, choice, config)
        _log_risk_map(model, latest, shapes, settings)
        example = input_example(latest.panel, list(model.features))
        fingerprint = model_fingerprint(model, scored, identity)
        model_version = log_risk_model(model, example, settings.brazil_model_name, fingerprint)
    client.set_registered_model_alias(settings.brazil_model_name, CHALLENGER, model_version)
    metric_cols = [
        c for c in held.columns if c not in ("origin", "horizon", "target_year", "label_basis", "as_of")
    ]
    return {
        "run_id": run.info.run_id,
        "model_name": settings.brazil_model_name,
        "model_version": model_version,
        "model_family": family,
        "choice": choice,
        "metrics": held.loc[family, metric_cols].to_dict(),
        "baseline_metrics": {m: held.loc[m, metric_cols].to_dict() for m in held.index if m != family},
        "gate": gate,
    }


def _log_risk_map(model: RiskModel, latest: TrainingInputs, shapes, settings: Settings) -> None:
    """The registered model's probabilities for the scored year, as a map."""
    scored = latest.panel.loc[latest.panel["year"] == latest.last + 1]
    scores = pd.DataFrame({"area_id": scored["area_id"].to_numpy(), "p": model.predict_proba(scored)})
    cuts = class_cuts(settings.risk_medium, settings.risk_high)
    title = f"Risk of an employer-list event in {latest.last + 1} ({model.family}, calibrated)"
    mlflow.log_figure(risk_map_figure(shapes, scores, cuts, title), "risk_map.png")


def _run_params(model: RiskModel, config: BacktestConfig, latest: TrainingInputs) -> dict:
    return {
        "model_family": model.family,
        "model_C": model.C,
        "calibration_level": model.level,
        "horizon": HORIZON,
        "train_years": f"{max(config.first_train_label_year, latest.first + 1)}-{latest.last}",
        "heldout_year": latest.last,
        "score_year": latest.last + 1,
        "backtest": next((name for name, known in BACKTESTS.items() if known == config), "custom"),
        "gate_years": ",".join(map(str, config.gate_years)),
        "horizons": ",".join(map(str, config.horizons)),
        "first_train_label_year": config.first_train_label_year,
        "n_bootstrap": model.n_bootstrap,
        "interval_level": 1 - model.alpha,
        "calibration": "platt (out-of-fold by label year, training window only)",
        "platt_a": round(model.platt_[0], 4),
        "platt_b": round(model.platt_[1], 4),
        "n_features": len(model.features),
        "labels_from_feedback": latest.labels_from_feedback,
    }


def candidate_name(model: RiskModel) -> str:
    """``family`` or ``family(C=…)`` for the logistic families: what the registered refit is."""
    return f"{model.family}(C={model.C})" if "logistic" in model.family else model.family


def _run_tags(latest: TrainingInputs, family: str, choice: str, config: BacktestConfig) -> dict:
    return {
        "feature_set": FEATURE_SET,
        "feature_set_hash": feature_set_hash(FEATURE_SET, MODEL_FEATURES, FEATURE_LABELS),
        "git_sha": git_sha() or "unknown",
        "heldout_year": str(latest.last),
        "label_vintage": latest.label_vintage,
        "label_editions": ",".join(d.isoformat() for d in config.editions),
        "training_window": f"label years {max(config.first_train_label_year, latest.first + 1)}-{latest.last}",
        "model_family": family,
        "model_choice": choice,
        "registered_fit": "refit on every training label year through the last",
        "study": "brazil",
    }

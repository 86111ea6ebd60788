"""Train the Brazil forced-labour risk model, log one MLflow run, register it, and gate promotion.

Recipe (docs/adr/0021-brazil-training-window-and-refit.md): train on target years
``first label + 1``..``last label - 1``, evaluate LightGBM and the baselines on the held-out last label
year, then refit the same recipe on every labelled year and register that refit as a new version with
alias ``challenger``. ``promote_brazil`` moves ``champion`` to it only if its held-out AUPR beats the
naive baselines and the current champion.
"""

from __future__ import annotations

from importlib.metadata import version as package_version

import lightgbm as lgb
import mlflow
import mlflow.lightgbm
import numpy as np
import pandas as pd
from mlflow.models import infer_signature
from sqlalchemy import Connection, Date

from features.asof import with_years
from features.catalog import FEATURE_LABELS, FEATURE_SET, MODEL_FEATURES
from features.events import EVENTS_CODE, WORKERS_CODE, event_table, label_frame
from models.backtest import Recipe, backtest_origins, rolling_origin
from models.baselines import HistoricalFrequencyBaseline, PersistenceBaseline, logistic_baseline
from models.lightgbm_model import classifier_params, make_classifier
from models.metrics import evaluate
from models.windows import Windows, holdout_windows
from pipelines.build_features import STUDY, MissingInputError, label_years, load_feature_panel
from pipelines.settings import Settings, get_settings
from pipelines.sql_files import query
from pipelines.tracking import (
    CHALLENGER,
    CHAMPION,
    ensure_experiment,
    feature_set_hash,
    git_sha,
    use_tracking,
    version_by_alias,
)
from pipelines.train_report import model_card, pr_curve_figure
from pipelines.warehouse.engine import make_engine

HORIZON = 1
# The gate compares against these; the logistic regression is logged as a reference model.
NAIVE_BASELINES = ("persistence", "historical_frequency")
REPORTED_BASELINES = (*NAIVE_BASELINES, "logistic")
BACKTEST_ORIGINS = 5  # the last five target years up to the held-out year


def _labelled_panel(conn: Connection) -> tuple[pd.DataFrame, Windows, str]:
    """Wide features joined to ``y``, the windows, and the latest label vintage (ISO date)."""
    first, last = label_years(conn)
    windows = holdout_windows(first, last)
    stmt = query("train_events").columns(period=Date, vintage=Date)
    result = conn.execute(stmt, {**STUDY, "events_code": EVENTS_CODE, "workers_code": WORKERS_CODE})
    observations = pd.DataFrame(result.fetchall(), columns=list(result.keys()))
    panel = load_feature_panel(conn)
    if panel.empty:
        raise MissingInputError(f"no {FEATURE_SET} features stored: run build_brazil_features first")
    panel = panel.assign(year=pd.to_datetime(panel["period"]).dt.year)
    missing = sorted(set(windows.refit_years) - set(panel["year"]))
    if missing:
        raise MissingInputError(f"no {FEATURE_SET} features for target years {missing}: rebuild the features")
    events = event_table(with_years(observations))
    labels = label_frame(events, panel["area_id"].unique(), list(windows.refit_years))
    data = panel.merge(labels, on=["area_id", "year"], how="inner")
    return data, windows, max(observations["vintage"]).isoformat()


def _recipes(seed: int) -> dict[str, Recipe]:
    """LightGBM, the naive baselines and the logistic reference as fit-then-predict recipes."""

    def on_features(make) -> Recipe:
        def fit(train: pd.DataFrame):
            model = make().fit(train[MODEL_FEATURES], train["y"])
            return lambda frame: model.predict_proba(frame[MODEL_FEATURES])[:, 1]

        return fit

    def on_frame(make) -> Recipe:  # the naive baselines read their own columns
        def fit(train: pd.DataFrame):
            model = make().fit(train, train["y"])
            return lambda frame: model.predict_proba(frame)[:, 1]

        return fit

    return {
        "lightgbm": on_features(lambda: make_classifier(seed)),
        "persistence": on_frame(PersistenceBaseline),
        "historical_frequency": on_frame(HistoricalFrequencyBaseline),
        "logistic": on_features(lambda: logistic_baseline(seed)),
    }


def _log_backtest(backtest: pd.DataFrame) -> None:
    """Per-origin metrics as stepped MLflow metrics (step = origin year), means, and a CSV artifact."""
    keys = ["aupr", "auroc", "brier", "p_at_100"]
    for (year, model), row in backtest.set_index(["year", "model"]).iterrows():
        mlflow.log_metrics({f"backtest_{model}_{k}": float(row[k]) for k in keys}, step=int(year))
    means = backtest.groupby("model")[keys].mean()
    mlflow.log_metrics({f"backtest_mean_{m}_{k}": float(means.loc[m, k]) for m in means.index for k in keys})
    mlflow.log_text(backtest.to_csv(index=False), "backtest.csv")


def _input_example(frame: pd.DataFrame) -> pd.DataFrame:
    """A few complete rows (MLflow serialises NaN poorly), else the first rows with NaN as None."""
    complete = frame.loc[frame[MODEL_FEATURES].notna().all(axis=1), MODEL_FEATURES]
    return (complete if len(complete) >= 3 else frame[MODEL_FEATURES]).head(3).reset_index(drop=True)


def _log_model(booster: lgb.Booster, example: pd.DataFrame, model_name: str) -> str:
    """Log the booster as ``model`` and register it; returns the new version number."""
    signature = infer_signature(example, booster.predict(example))
    requirements = [f"{p}=={package_version(p)}" for p in ("lightgbm", "numpy", "pandas", "scikit-learn")]
    info = mlflow.lightgbm.log_model(
        booster,
        name="model",
        signature=signature,
        input_example=example,
        pip_requirements=requirements,
        registered_model_name=model_name,
    )
    return str(info.registered_model_version)


def _run_params(model, windows: Windows, train: pd.DataFrame, heldout: pd.DataFrame) -> dict:
    return {
        **classifier_params(model),
        "horizon": HORIZON,
        "train_years": f"{windows.train_years[0]}-{windows.train_years[-1]}",
        "heldout_year": windows.heldout_year,
        "refit_years": f"{windows.refit_years[0]}-{windows.refit_years[-1]}",
        "score_year": windows.score_year,
        "n_features": len(MODEL_FEATURES),
        "n_train": len(train),
        "n_train_events": int(train["y"].sum()),
        "n_heldout_events": int(heldout["y"].sum()),
    }


def _run_tags(windows: Windows, label_vintage: str) -> dict:
    return {
        "feature_set": FEATURE_SET,
        "feature_set_hash": feature_set_hash(FEATURE_SET, MODEL_FEATURES, FEATURE_LABELS),
        "git_sha": git_sha() or "unknown",
        "heldout_year": str(windows.heldout_year),
        "label_vintage": label_vintage,
        "registered_fit": "refit on train + held-out years",
        "study": "brazil",
    }


def _run_metrics(scores: dict[str, dict[str, float]]) -> dict[str, float]:
    """LightGBM's metrics unprefixed, every other model's prefixed with its name, and the gate's bar."""
    out = dict(scores["lightgbm"])
    for name in REPORTED_BASELINES:
        out.update({f"{name}_{k}": v for k, v in scores[name].items()})
    out["best_baseline_aupr"] = max(scores[b]["aupr"] for b in NAIVE_BASELINES)
    return out


def train_brazil(settings: Settings | None = None) -> dict:
    """Train, evaluate on the held-out year, log one run, register the refit as ``challenger``.

    Returns ``run_id``, ``model_name``, ``model_version``, ``metrics`` (LightGBM, held-out year) and
    ``baseline_metrics`` (name → metrics).
    """
    settings = settings or get_settings()
    engine = make_engine(settings.warehouse_url)
    try:
        with engine.connect() as conn:
            data, windows, label_vintage = _labelled_panel(conn)
    finally:
        engine.dispose()
    train = data.loc[data["year"].isin(windows.train_years)]
    heldout = data.loc[data["year"] == windows.heldout_year]
    recipes = _recipes(settings.random_seed)
    preds = {name: recipe(train)(heldout) for name, recipe in recipes.items()}
    scores = {name: evaluate(heldout["y"], p) for name, p in preds.items()}
    origins = backtest_origins(windows.train_years, windows.heldout_year, BACKTEST_ORIGINS)
    backtest = rolling_origin(data, origins, recipes)
    refit_rows = data.loc[data["year"].isin(windows.refit_years)]
    refit = make_classifier(settings.random_seed).fit(refit_rows[MODEL_FEATURES], refit_rows["y"])

    client = use_tracking(settings)
    experiment_id = ensure_experiment(client, settings.brazil_experiment, settings.mlflow_artifact_root)
    run_name = f"brazil-h{HORIZON}-heldout-{windows.heldout_year}"
    with mlflow.start_run(experiment_id=experiment_id, run_name=run_name) as run:
        mlflow.log_params(_run_params(make_classifier(settings.random_seed), windows, train, heldout))
        mlflow.log_metrics(_run_metrics(scores))
        _log_backtest(backtest)
        mlflow.set_tags(_run_tags(windows, label_vintage))
        figure = pr_curve_figure(heldout["y"].to_numpy(), preds, windows.heldout_year)
        mlflow.log_figure(figure, "pr_curve.png")
        mlflow.log_text(
            model_card(windows, scores, backtest, label_vintage, NAIVE_BASELINES), "model_card.md"
        )
        mlflow.log_dict({n: FEATURE_LABELS[n] for n in MODEL_FEATURES}, "feature_labels.json")
        model_version = _log_model(refit.booster_, _input_example(refit_rows), settings.brazil_model_name)
    client.set_registered_model_alias(settings.brazil_model_name, CHALLENGER, model_version)
    return {
        "run_id": run.info.run_id,
        "model_name": settings.brazil_model_name,
        "model_version": model_version,
        "metrics": scores["lightgbm"],
        "baseline_metrics": {name: scores[name] for name in REPORTED_BASELINES},
    }


def _heldout(client, version) -> tuple[float, str | None]:
    run = client.get_run(version.run_id)
    return run.data.metrics.get("aupr", float("nan")), run.data.tags.get("heldout_year")


def _champion_verdict(client, champion, candidate_aupr: float, heldout_year: str | None) -> tuple[bool, str]:
    """Whether the candidate may replace ``champion``, and why (AUPRs compare only on the same year)."""
    champ_aupr, champ_year = _heldout(client, champion)
    if champ_year != heldout_year:
        return True, f"; replaces champion v{champion.version} (held out {champ_year}, not comparable)"
    if candidate_aupr > champ_aupr:
        return True, f" and champion v{champion.version} ({champ_aupr:.4f})"
    return (
        False,
        f"held-out AUPR {candidate_aupr:.4f} does not beat champion v{champion.version} ({champ_aupr:.4f}, {champ_year})",
    )


def promote_brazil(model_version: str | int, settings: Settings | None = None) -> dict:
    """Make ``model_version`` the ``champion`` if it passes the gate; returns ``promoted``,
    ``champion_version`` and ``reason``.

    Gate: held-out AUPR > the best naive baseline's (same run), and > the current champion's when the
    champion was evaluated on the same held-out year (a tie keeps the champion). Promoting the version
    that already is champion is a no-op that reports success.
    """
    settings = settings or get_settings()
    client = use_tracking(settings)
    name = settings.brazil_model_name
    candidate = client.get_model_version(name, str(model_version))
    aupr, heldout_year = _heldout(client, candidate)
    best_baseline = client.get_run(candidate.run_id).data.metrics.get("best_baseline_aupr", float("nan"))
    champion = version_by_alias(client, name, CHAMPION)
    keep = str(champion.version) if champion is not None else None
    if not (np.isfinite(aupr) and np.isfinite(best_baseline) and aupr > best_baseline):
        reason = f"held-out AUPR {aupr:.4f} does not beat the best naive baseline ({best_baseline:.4f})"
        return {"promoted": False, "champion_version": keep, "reason": reason}
    suffix = ""
    if champion is not None and keep != str(candidate.version):
        ok, suffix = _champion_verdict(client, champion, aupr, heldout_year)
        if not ok:
            return {"promoted": False, "champion_version": keep, "reason": suffix}
    client.set_registered_model_alias(name, CHAMPION, candidate.version)
    reason = f"held-out AUPR {aupr:.4f} beats the best naive baseline ({best_baseline:.4f}){suffix}"
    return {"promoted": True, "champion_version": str(candidate.version), "reason": reason}

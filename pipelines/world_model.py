"""World child-labour prevalence per country: ``train_world`` validates and logs the model, ``score_world``
estimates every country (with or without a survey) with an interval and an intervention type.

Target: percent of children in economic activity, SDG 8.7.1 (bands as published) and WDI 7-14; the band is
a model covariate and estimates are given for the SDG reference band 5-17 (ADR 0026). Validation: leave-
country-out against the regional mean of the five nearest surveyed countries. Read-only on the warehouse;
the estimates go to MLflow (``world_estimates.csv``) and to ``sdg87 forecast --study world``.
"""

from __future__ import annotations

from datetime import date

import mlflow
import pandas as pd

from features.world import (
    COVARIATE_LABELS,
    COVARIATES,
    REFERENCE_BAND,
    SDG_PREFIX,
    WDI_CODE,
    commitment_components,
    covariates_at,
    prevalence_observations,
)
from models.world import (
    PrevalenceModel,
    commitment_score,
    intervention_type,
    leave_country_out,
    validation_metrics,
)
from pipelines.build_features import MissingInputError, read_query
from pipelines.settings import Settings, get_settings
from pipelines.tracking import CHALLENGER, CHAMPION, ensure_experiment, git_sha, use_tracking
from pipelines.warehouse.engine import make_engine

WORLD = {"study": "world", "level": "0"}
EXPERIMENT = "sdg87-world-child-labour"
COVARIATE_NAMES = list(COVARIATE_LABELS)


def _load(settings: Settings) -> tuple[pd.DataFrame, pd.DataFrame]:
    params = {
        **WORLD,
        "sdg": SDG_PREFIX + "%",
        "wdi": WDI_CODE,
        "gm": "gm_%",
        "ilab": "ilab_%",
        "ceacr": "ceacr_%",
    }
    engine = make_engine(settings.warehouse_url)
    try:
        with engine.connect() as conn:
            observations = read_query(conn, "world_observations", params)
            countries = read_query(conn, "world_countries", WORLD)
    finally:
        engine.dispose()
    if countries.empty or observations.empty:
        raise MissingInputError("no world countries or observations: ingest the world family first")
    return observations, countries


def _training_frame(observations: pd.DataFrame, as_of: pd.Timestamp) -> pd.DataFrame:
    known = observations.loc[pd.to_datetime(observations["vintage"]) <= as_of]
    targets = prevalence_observations(known)
    if targets.empty:
        raise MissingInputError(f"no child-labour prevalence published by {as_of.date()}")
    covs = covariates_at(known, targets["area_id"], targets["year"])
    return targets.merge(covs, on=["area_id", "year"], how="left")


def estimate_world(
    observations: pd.DataFrame, countries: pd.DataFrame, as_of: date
) -> tuple[pd.DataFrame, dict]:
    """Estimates for every country for reference year ``as_of.year - 1`` and the validation metrics.

    Columns: ``area_id``, ``name``, ``period`` (year), ``prevalence``, ``p_lo``, ``p_hi`` (percent, band
    5-17, 90 % conformal), ``observed`` (latest published value, any band, NaN without survey),
    ``observed_band``, ``commitment`` (0-1), ``intervention_type``, ``reasons``.
    """
    cutoff = pd.Timestamp(as_of)
    frame = _training_frame(observations, cutoff)
    centroids = countries.loc[:, ["area_id", "lon", "lat"]].astype({"lon": "float64", "lat": "float64"})
    lco = leave_country_out(frame, centroids, COVARIATE_NAMES)
    metrics = validation_metrics(lco)
    model = PrevalenceModel(COVARIATE_NAMES).fit(frame).set_residuals(lco["abs_logit_residual"].to_numpy())
    year = as_of.year - 1
    known = observations.loc[pd.to_datetime(observations["vintage"]) <= cutoff]
    target = covariates_at(known, countries["area_id"], [year] * len(countries)).assign(band=REFERENCE_BAND)
    prevalence = model.predict(target)
    lo, hi = model.interval(target)
    latest = frame.sort_values("year").drop_duplicates("area_id", keep="last").set_index("area_id")
    components = commitment_components(known, year, cutoff).reindex(countries["area_id"])
    commitment = commitment_score(components)
    contrib = model.contributions(target)
    kinds, reasons = [], []
    for i in range(len(countries)):
        kind, why = intervention_type(float(prevalence[i]), float(commitment.iloc[i]))
        top = contrib.iloc[i].abs().sort_values(ascending=False).index[:2]
        drivers = "; ".join(f"{COVARIATE_LABELS[n]} ({contrib.iloc[i][n]:+.2f})" for n in top)
        kinds.append(kind)
        reasons.append(f"{why}; model drivers: {drivers}")
    out = pd.DataFrame(
        {
            "area_id": countries["area_id"],
            "name": countries["name"],
            "period": year,
            "prevalence": prevalence.round(2),
            "p_lo": lo.round(2),
            "p_hi": hi.round(2),
            "observed": countries["area_id"].map(latest["prevalence"]),
            "observed_band": countries["area_id"].map(latest["band"]),
            "commitment": commitment.to_numpy().round(3),
            "intervention_type": kinds,
            "reasons": reasons,
        }
    )
    return out, {**metrics, "interval_half_width_logit": model.half_width_}


def train_world(settings: Settings | None = None, as_of: date | None = None) -> dict:
    """Validate, estimate and log one MLflow run (experiment ``sdg87-world-child-labour``); registers
    nothing. Returns ``run_id``, ``metrics``, ``countries``, ``by_type``, ``champion`` (model beats the
    regional mean on leave-country-out MAE)."""
    settings = settings or get_settings()
    observations, countries = _load(settings)
    as_of = as_of or pd.to_datetime(observations["vintage"]).max().date()
    estimates, metrics = estimate_world(observations, countries, as_of)
    client = use_tracking(settings)
    experiment_id = ensure_experiment(client, EXPERIMENT, settings.mlflow_artifact_root)
    beats = metrics["model_mae"] < metrics["baseline_mae"]
    with mlflow.start_run(experiment_id=experiment_id, run_name=f"world-as-of-{as_of.isoformat()}") as run:
        mlflow.log_params(
            {"as_of": as_of.isoformat(), "reference_band": REFERENCE_BAND, "covariates": ",".join(COVARIATES)}
        )
        mlflow.log_metrics({k: float(v) for k, v in metrics.items()})
        mlflow.set_tags(
            {
                "study": "world",
                "git_sha": git_sha() or "unknown",
                "verdict": CHAMPION if beats else CHALLENGER,
            }
        )
        mlflow.log_text(estimates.to_csv(index=False), "world_estimates.csv")
    by_type = estimates["intervention_type"].fillna("unknown").value_counts().to_dict()
    return {
        "run_id": run.info.run_id,
        "metrics": metrics,
        "countries": len(estimates),
        "by_type": {str(k): int(v) for k, v in by_type.items()},
        "champion": bool(beats),
    }


def score_world(settings: Settings | None = None, as_of: date | None = None) -> pd.DataFrame:
    """The estimates frame of :func:`estimate_world` for ``as_of`` (default: newest vintage in the data)."""
    settings = settings or get_settings()
    observations, countries = _load(settings)
    as_of = as_of or pd.to_datetime(observations["vintage"]).max().date()
    return estimate_world(observations, countries, as_of)[0]

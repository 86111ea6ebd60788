"""World estimates from frames: fit the prevalence model as of a date, apply it to every country.

Inputs are warehouse frames (``observations``: ``area_id, period, indicator_code, source, value, vintage``;
``countries``: ``area_id, name, lon, lat``). As of date D only values with vintage <= D are used and the
reference year is D.year - 1. Percent of children in economic activity, estimates for band 5-17 (ADR 0026).
No I/O here: :mod:`pipelines.world.steps` loads, logs and writes.
"""

from __future__ import annotations

import json
from datetime import date

import pandas as pd

from features.asof import known_on
from features.errors import MissingInputError
from features.world import COVARIATE_LABELS, REFERENCE_BAND, commitment_components
from features.world_surveys import survey_frame, target_frame
from models import world_evaluation, world_prevalence
from models.drivers import top_drivers
from models.world import commitment_score, intervention_type
from models.world_prevalence import WorldPrevalence

COVARIATE_NAMES = list(COVARIATE_LABELS)
DRIVER_LABELS = {
    **COVARIATE_LABELS,
    "survey_year": "Year (trend)",
    "region": "Neighbouring countries (regional effect)",
}
ESTIMATE_COLUMNS = [
    "area_id",
    "name",
    "period",
    "prevalence",
    "p_lo",
    "p_hi",
    "observed",
    "observed_band",
    "evidence",
    "evidence_series",
    "evidence_year",
    "commitment",
    "intervention_type",
    "covariates_known",
    "reasons",
]


def training_frame(observations: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """Every survey known by ``as_of`` with its series and the covariates of its year
    (:func:`features.world_surveys.survey_frame`); raises ``MissingInputError`` without a 5-17 survey."""
    surveys = survey_frame(observations, as_of)
    if surveys.empty or not (surveys["series"] == world_prevalence.REFERENCE).any():
        raise MissingInputError(f"no SDG 8.7.1 5-17 child-labour prevalence survey published by {as_of}")
    return surveys


def _centroids(countries: pd.DataFrame) -> pd.DataFrame:
    return countries.loc[:, ["area_id", "lat", "lon"]].astype({"lat": "float64", "lon": "float64"})


def fit_world(
    observations: pd.DataFrame, countries: pd.DataFrame, as_of: date, evaluate: bool = True
) -> tuple[WorldPrevalence, dict[str, pd.DataFrame], dict]:
    """Fit on every survey known by ``as_of``: ``(model, validation tables, metrics)``. With ``evaluate``
    the tables are ``loco_all``, ``loco_estimand``, ``forward`` (:mod:`models.world_evaluation`) and the
    metrics their figures plus the gate's ``model_mae``/``baseline_mae`` (``loco_all``, model and
    regional mean); always ``n_countries`` (5-17 countries), ``n_obs`` (surveys of every series), ``tau2``."""
    surveys = training_frame(observations, as_of)
    centroids = _centroids(countries)
    model = world_prevalence.fit(surveys, centroids)
    reference = surveys["series"] == world_prevalence.REFERENCE
    metrics: dict = {
        "n_obs": float(len(surveys)),
        "n_countries": float(surveys.loc[reference, "area_id"].nunique()),
        "n_survey_countries": float(surveys["area_id"].nunique()),
        "tau2": model.tau2,
    }
    tables: dict[str, pd.DataFrame] = {}
    if evaluate:
        tables["loco_all"] = world_evaluation.leave_country_out(surveys, centroids, keep_other_series=False)
        tables["loco_estimand"] = world_evaluation.leave_country_out(
            surveys, centroids, keep_other_series=True
        )
        tables["forward"] = world_evaluation.forward_test(known_on(observations, as_of), centroids)
        for name, table in tables.items():
            metrics.update(world_evaluation.metrics(table, name))
        metrics.update(
            {
                "model_mae": metrics["loco_all_model_mae"],
                "baseline_mae": metrics["loco_all_regional_mae"],
                "model_rmse": metrics["loco_all_model_rmse"],
                "baseline_rmse": metrics["loco_all_regional_rmse"],
                "interval_coverage": metrics["loco_all_model_coverage"],
            }
        )
    return model, tables, metrics


def _evidence_text(row) -> str:
    if row.evidence == "survey":
        return f"own surveys (latest {row.evidence_series}, {int(row.evidence_year)})"
    return "covariates only (no survey of this country)"


def apply_world(
    model: WorldPrevalence, observations: pd.DataFrame, countries: pd.DataFrame, as_of: date
) -> pd.DataFrame:
    """Estimates of ``model`` for every country with at least one covariate known by ``as_of``, for
    reference year ``as_of.year - 1``, from its covariates and every survey of it known by ``as_of``; a
    country with no covariate (uninhabited territories) gets no row.

    Columns :data:`ESTIMATE_COLUMNS` plus ``type_reason`` and ``drivers`` (the two largest prior
    contributions, logits). ``prevalence``/``p_lo``/``p_hi`` in percent, band 5-17, 90 % interval;
    ``observed`` is the latest survey value known by ``as_of`` (any band); ``evidence`` is ``survey`` or
    ``covariates`` with the latest survey's ``evidence_series`` and ``evidence_year``;
    ``covariates_known`` counts the covariates that are not imputed; ``reasons`` is a one-line text.
    """
    year = as_of.year - 1
    known = known_on(observations, as_of)
    target = target_frame(known, list(countries["area_id"]), year, as_of)
    n_known = target[COVARIATE_NAMES].notna().sum(axis=1).to_numpy()
    target = target.loc[n_known > 0].reset_index(drop=True)
    countries = countries.loc[n_known > 0].reset_index(drop=True)
    n_known = n_known[n_known > 0]
    surveys = survey_frame(known, as_of)
    pred = model.predict(target, surveys)
    latest = surveys.sort_values("year", kind="stable").drop_duplicates("area_id", keep="last")
    latest = latest.set_index("area_id")
    components = commitment_components(known, year, pd.Timestamp(as_of)).reindex(countries["area_id"])
    commitment = commitment_score(components).to_numpy()
    prevalence = pred["prevalence"].to_numpy()
    drivers = top_drivers(model.prior.contributions(target), DRIVER_LABELS, n=2)
    typed = [intervention_type(float(p), float(c)) for p, c in zip(prevalence, commitment, strict=True)]
    reasons = [
        f"{why}; rests on {_evidence_text(row)}; prior drivers: "
        + "; ".join(f"{d['label']} ({d['contribution']:+.2f})" for d in ds)
        + (f"; {k} of {len(COVARIATE_NAMES)} covariates known" if k < len(COVARIATE_NAMES) else "")
        for (_, why), ds, k, row in zip(typed, drivers, n_known, pred.itertuples(index=False), strict=True)
    ]
    return pd.DataFrame(
        {
            "area_id": countries["area_id"].to_numpy(),
            "name": countries["name"].to_numpy(),
            "period": year,
            "prevalence": prevalence.round(2),
            "p_lo": pred["p_lo"].to_numpy().round(2),
            "p_hi": pred["p_hi"].to_numpy().round(2),
            "observed": countries["area_id"].map(latest["prevalence"]).to_numpy(),
            "observed_band": countries["area_id"].map(latest["band"]).to_numpy(),
            "evidence": pred["evidence"].to_numpy(),
            "evidence_series": pred["evidence_series"].to_numpy(),
            "evidence_year": pd.array(pred["evidence_year"].to_numpy(), dtype="Int64"),
            "commitment": commitment.round(3),
            "intervention_type": [kind for kind, _ in typed],
            "covariates_known": n_known.astype("int64"),
            "reasons": reasons,
            "type_reason": [why for _, why in typed],
            "drivers": drivers,
        }
    )


def estimate_world(
    observations: pd.DataFrame, countries: pd.DataFrame, as_of: date
) -> tuple[pd.DataFrame, dict]:
    """Refit as of ``as_of`` (no validation) and estimate every country: ``(estimates, metrics)``, see
    :func:`apply_world`."""
    model, _, metrics = fit_world(observations, countries, as_of, evaluate=False)
    return apply_world(model, observations, countries, as_of), metrics


def _none(value):
    return None if pd.isna(value) else value


def estimate_rows(estimates: pd.DataFrame, provenance: dict) -> list[dict]:
    """Rows for ``country_estimate`` from :func:`apply_world`'s frame plus ``provenance`` (key and
    lineage columns); NaN becomes NULL; ``reasons`` is JSON ``{"type_reason", "drivers"}``."""
    return [
        {
            **provenance,
            "area_id": r.area_id,
            "age_band": REFERENCE_BAND,
            "prevalence": float(r.prevalence),
            "p_lo": float(r.p_lo),
            "p_hi": float(r.p_hi),
            "observed": _none(r.observed),
            "observed_band": _none(r.observed_band),
            "commitment": _none(r.commitment),
            "intervention_type": _none(r.intervention_type),
            "covariates_known": int(r.covariates_known),
            "evidence": r.evidence,
            "evidence_series": _none(r.evidence_series),
            "evidence_year": None if pd.isna(r.evidence_year) else int(r.evidence_year),
            "reasons": json.dumps({"type_reason": r.type_reason, "drivers": r.drivers}),
        }
        for r in estimates.itertuples(index=False)
    ]


def data_vintage(observations: pd.DataFrame, as_of: date) -> dict[str, str]:
    """Latest vintage per source among the observations known by ``as_of`` (ISO dates)."""
    known = known_on(observations, as_of)
    newest = pd.to_datetime(known["vintage"]).groupby(known["source"]).max()
    return {str(s): v.date().isoformat() for s, v in newest.items()}


def type_counts(kinds: pd.Series) -> dict[str, int]:
    """Countries per intervention type; ``unknown`` counts those without one."""
    counts = kinds.fillna("unknown").value_counts()
    return {str(k): int(v) for k, v in counts.items()}

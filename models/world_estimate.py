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
from features.world import (
    COVARIATE_LABELS,
    REFERENCE_BAND,
    commitment_components,
    covariates_at,
    prevalence_observations,
)
from models.drivers import top_drivers
from models.world import (
    PrevalenceModel,
    commitment_score,
    intervention_type,
    leave_country_out,
    validation_metrics,
)

COVARIATE_NAMES = list(COVARIATE_LABELS)
ESTIMATE_COLUMNS = [
    "area_id",
    "name",
    "period",
    "prevalence",
    "p_lo",
    "p_hi",
    "observed",
    "observed_band",
    "commitment",
    "intervention_type",
    "covariates_known",
    "reasons",
]


def training_frame(observations: pd.DataFrame, as_of: date) -> pd.DataFrame:
    """One row per (country, survey year, band) known by ``as_of``, with the covariates of that year."""
    known = known_on(observations, as_of)
    targets = prevalence_observations(known)
    if targets.empty:
        raise MissingInputError(f"no child-labour prevalence published by {as_of}")
    covs = covariates_at(known, targets["area_id"], targets["year"])
    return targets.merge(covs, on=["area_id", "year"], how="left")


def fit_world(
    observations: pd.DataFrame, countries: pd.DataFrame, as_of: date
) -> tuple[PrevalenceModel, pd.DataFrame, dict]:
    """Fit on every survey known by ``as_of``: ``(model with conformal interval, leave-country-out table,
    metrics)``. The table has one row per held-out survey (``model``/``baseline`` in percent)."""
    frame = training_frame(observations, as_of)
    centroids = countries.loc[:, ["area_id", "lon", "lat"]].astype({"lon": "float64", "lat": "float64"})
    lco = leave_country_out(frame, centroids, COVARIATE_NAMES)
    metrics = validation_metrics(lco)
    model = PrevalenceModel(COVARIATE_NAMES).fit(frame).set_residuals(lco["abs_logit_residual"].to_numpy())
    return model, lco, {**metrics, "interval_half_width_logit": model.half_width_}


def apply_world(
    model: PrevalenceModel, observations: pd.DataFrame, countries: pd.DataFrame, as_of: date
) -> pd.DataFrame:
    """Estimates of ``model`` for every country with at least one covariate known by ``as_of``, for
    reference year ``as_of.year - 1``; a country with none (uninhabited territories) gets no row: its
    estimate would only restate the imputed medians.

    Columns :data:`ESTIMATE_COLUMNS` plus ``type_reason`` and ``drivers`` (the two largest contributions,
    logits). ``prevalence``/``p_lo``/``p_hi`` in percent, band 5-17; ``observed`` is the latest survey value
    known by ``as_of`` (any band), NaN without one; ``covariates_known`` counts the covariates that are
    not imputed; ``reasons`` is a one-line text of the type reason and the drivers.
    """
    year = as_of.year - 1
    known = known_on(observations, as_of)
    target = covariates_at(known, countries["area_id"], [year] * len(countries)).assign(band=REFERENCE_BAND)
    n_known = target[COVARIATE_NAMES].notna().sum(axis=1).to_numpy()
    target = target.loc[n_known > 0].reset_index(drop=True)
    countries = countries.loc[n_known > 0].reset_index(drop=True)
    n_known = n_known[n_known > 0]
    prevalence = model.predict(target)
    lo, hi = model.interval(target)
    surveys = prevalence_observations(known).sort_values("year", kind="stable")
    latest = surveys.drop_duplicates("area_id", keep="last").set_index("area_id")
    components = commitment_components(known, year, pd.Timestamp(as_of)).reindex(countries["area_id"])
    commitment = commitment_score(components).to_numpy()
    drivers = top_drivers(model.contributions(target), COVARIATE_LABELS, n=2)
    typed = [intervention_type(float(p), float(c)) for p, c in zip(prevalence, commitment, strict=True)]
    reasons = [
        f"{why}; model drivers: "
        + "; ".join(f"{d['label']} ({d['contribution']:+.2f})" for d in ds)
        + (f"; {k} of {len(COVARIATE_NAMES)} covariates known" if k < len(COVARIATE_NAMES) else "")
        for (_, why), ds, k in zip(typed, drivers, n_known, strict=True)
    ]
    return pd.DataFrame(
        {
            "area_id": countries["area_id"].to_numpy(),
            "name": countries["name"].to_numpy(),
            "period": year,
            "prevalence": prevalence.round(2),
            "p_lo": lo.round(2),
            "p_hi": hi.round(2),
            "observed": countries["area_id"].map(latest["prevalence"]).to_numpy(),
            "observed_band": countries["area_id"].map(latest["band"]).to_numpy(),
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
    """Refit as of ``as_of`` and estimate every country: ``(estimates, metrics)``, see :func:`apply_world`."""
    model, _, metrics = fit_world(observations, countries, as_of)
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

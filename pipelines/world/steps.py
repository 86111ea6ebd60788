"""World child-labour prevalence per country, the steps a DAG calls in order:

1. ``train_world`` fits and validates the model (leave-country-out against the regional mean), logs one
   MLflow run (metrics, validation table, estimates, world map, model card) and registers the model as
   ``sdg87-world-child-labour`` with alias ``challenger``;
2. ``promote_world(model_version)`` moves ``champion`` through the gate (:mod:`pipelines.world.registry`);
3. ``publish_world_estimates`` stores the champion's estimate for every country in ``country_estimate``.

The reads are in :mod:`pipelines.world.inputs`; ``score_world`` (``sdg87 forecast --study world``) refits
as of a date without writing anything, in :mod:`pipelines.world.forecast` (no MLflow).
Prevalence is the percent of children in economic activity, band 5-17; as of date D only values with
vintage <= D are used and the reference year is D.year - 1 (ADR 0026).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import mlflow

from features.world import REFERENCE_BAND
from models.world import RISK_CUTS
from models.world_card import world_model_card
from models.world_estimate import (
    ESTIMATE_COLUMNS,
    apply_world,
    data_vintage,
    estimate_rows,
    fit_world,
    training_frame,
    type_counts,
)
from models.world_measurement import REFERENCE
from pipelines.brazil.features import gate
from pipelines.brazil.registry import input_example
from pipelines.brazil.score import NoChampionError
from pipelines.quality import SuiteSpec
from pipelines.settings import Settings, get_settings
from pipelines.tracking import (
    CHALLENGER,
    CHAMPION,
    ensure_experiment,
    git_sha,
    use_tracking,
    version_by_alias,
)
from pipelines.warehouse.engine import warehouse_engine
from pipelines.warehouse.schema_world import INTERVENTION_TYPES, CountryEstimate
from pipelines.warehouse.writes import replace_partition
from pipelines.world.artifacts.map import load_country_shapes, world_map_figure
from pipelines.world.inputs import load_world_inputs, newest_vintage
from pipelines.world.registry import (
    EXPERIMENT,
    MODEL_NAME,
    load_world_model,
    log_world_model,
    promote_world,
    world_fingerprint,
)

__all__ = [
    "EXPERIMENT",
    "MODEL_NAME",
    "promote_world",
    "publish_world_estimates",
    "train_world",
    "world_run_name",
]


def _country_shapes(settings: Settings):
    with warehouse_engine(settings) as engine:
        with engine.connect() as conn:
            return load_country_shapes(conn)


def world_run_name(as_of: date) -> str:
    """``world-child-labour-5-17-ref<year>-as-of-<date>``: what the run estimates, for which reference year
    (the year before ``as_of``) and from which data, e.g. ``world-child-labour-5-17-ref2025-as-of-2026-01-01``."""
    return f"world-child-labour-5-17-ref{as_of.year - 1}-as-of-{as_of.isoformat()}"


def train_world(settings: Settings | None = None, as_of: date | None = None) -> dict:
    """Fit on every survey known by ``as_of`` (default: the newest vintage in the data), log one run in
    experiment ``sdg87-world-child-labour`` and register the model with alias ``challenger``.

    Returns ``run_id``, ``model_name``, ``model_version``, ``metrics`` (on the 5-17 estimand:
    ``loco_all_*``, ``loco_estimand_*``, ``forward_*`` for model, regional mean and carried-forward survey;
    ``model_mae``/``baseline_mae`` = ``loco_all`` model/regional), ``countries``, ``by_type``, ``beats_baseline`` (MAE below
    the regional mean's: the first condition of :func:`promote_world`).
    """
    settings = settings or get_settings()
    observations, countries = load_world_inputs(settings)
    as_of = as_of or newest_vintage(observations)
    model, tables, metrics = fit_world(observations, countries, as_of)
    estimates = apply_world(model, observations, countries, as_of)
    example = input_example(
        training_frame(observations, as_of), ["area_id", "year", *model.prior.spec.columns]
    )
    by_type = type_counts(estimates["intervention_type"])
    beats = bool(metrics["model_mae"] < metrics["baseline_mae"])
    client = use_tracking(settings)
    experiment_id = ensure_experiment(client, EXPERIMENT, settings.mlflow_artifact_root)
    title = f"Estimated child labour (5-17, %) and intervention type, {as_of.year - 1} (as of {as_of})"
    params = {
        "as_of": as_of.isoformat(),
        "reference_year": as_of.year - 1,
        "reference_band": REFERENCE_BAND,
        "estimand": REFERENCE,
        "covariates": ",".join(model.prior.spec.columns),
        "covariate_set": model.prior.spec.covariates,
        "ridge_alpha": model.prior.spec.alpha,
        "spatial_weight": model.prior.spec.spatial,
        "prior_rows": model.prior.spec.rows,
        "persistence_years": model.persistence,
        "interval_level": 0.9,
        "risk_cuts": ",".join(str(c) for c in RISK_CUTS),
        "baselines": "regional: logit mean of the 5 nearest 5-17 countries; carried: last survey converted",
    }
    vintage = data_vintage(observations, as_of)
    fingerprint = world_fingerprint({**params, "data_vintage": vintage}, estimates)
    with mlflow.start_run(experiment_id=experiment_id, run_name=world_run_name(as_of)) as run:
        mlflow.log_params(params)
        mlflow.log_metrics({k: float(v) for k, v in metrics.items()})
        mlflow.set_tags(
            {
                "study": "world",
                "model_family": "hierarchical-ridge-gp",
                "git_sha": git_sha() or "unknown",
                "beats_baseline": str(beats).lower(),
                "data_vintage": json.dumps(vintage, sort_keys=True),
            }
        )
        for name, table in tables.items():
            mlflow.log_text(table.to_csv(index=False), f"validation_{name}.csv")
        mlflow.log_text(model.measurement.table().to_csv(index=False), "measurement_offsets.csv")
        mlflow.log_text(model.selection.to_csv(index=False), "prior_selection.csv")
        mlflow.log_text(estimates.loc[:, ESTIMATE_COLUMNS].to_csv(index=False), "world_estimates.csv")
        mlflow.log_figure(world_map_figure(_country_shapes(settings), estimates, title), "world_map.png")
        card = world_model_card(metrics, as_of.isoformat(), by_type, len(estimates))
        mlflow.log_text(card, "model_card.md")
        model_version = log_world_model(model, example, fingerprint, card)
    client.set_registered_model_alias(MODEL_NAME, CHALLENGER, model_version)
    return {
        "run_id": run.info.run_id,
        "model_name": MODEL_NAME,
        "model_version": model_version,
        "metrics": metrics,
        "countries": len(estimates),
        "by_type": by_type,
        "beats_baseline": beats,
    }


def estimate_suite(n_countries: int) -> SuiteSpec:
    """The gate before publishing: at most one row per country, percentages in [0, 100], a known type or
    none."""
    return SuiteSpec(
        name="country_estimates",
        columns=("area_id", "prevalence", "p_lo", "p_hi", "intervention_type", "reasons"),
        key=("area_id",),
        not_null=("area_id", "prevalence", "p_lo", "p_hi", "reasons"),
        ranges={"prevalence": (0.0, 100.0), "p_lo": (0.0, 100.0), "p_hi": (0.0, 100.0)},
        allowed={"intervention_type": frozenset(INTERVENTION_TYPES)},
        row_count=(1, n_countries),
    )


def publish_world_estimates(settings: Settings | None = None, as_of: date | None = None) -> dict:
    """Estimate every country with ``models:/sdg87-world-child-labour@champion`` as of ``as_of`` (default:
    the newest vintage in the data) and replace its partition (``period``, ``model_name``,
    ``model_version``) of ``country_estimate`` in one transaction: a re-run rewrites the same rows.

    Returns ``countries`` (estimated), ``no_covariates`` (areas left out: no covariate known), ``by_type``
    (``unknown`` = no government-response data), ``period`` (ISO date,
    1 January of the reference year), ``model_version``. Raises ``NoChampionError`` without a champion,
    ``MissingInputError`` without world data, ``DataQualityError`` when the estimates fail their gate.
    """
    settings = settings or get_settings()
    client = use_tracking(settings)
    champion = version_by_alias(client, MODEL_NAME, CHAMPION)
    if champion is None:
        raise NoChampionError(
            f"model {MODEL_NAME!r} has no '{CHAMPION}' version: run train_world and promote_world first"
        )
    model = load_world_model(f"models:/{MODEL_NAME}@{CHAMPION}")
    observations, countries = load_world_inputs(settings)
    as_of = as_of or newest_vintage(observations)
    estimates = apply_world(model, observations, countries, as_of)
    gate(estimates.loc[:, ESTIMATE_COLUMNS], estimate_suite(len(countries)))
    period = date(as_of.year - 1, 1, 1)
    provenance = {
        "period": period,
        "model_name": MODEL_NAME,
        "model_version": str(champion.version),
        "mlflow_run_id": champion.run_id,
        "data_vintage": json.dumps(data_vintage(observations, as_of), sort_keys=True),
        "as_of": as_of,
        "scored_at": datetime.now(UTC),
    }
    rows = estimate_rows(estimates, provenance)
    partition = {k: provenance[k] for k in ("period", "model_name", "model_version")}
    with warehouse_engine(settings) as engine:
        with engine.begin() as conn:
            replace_partition(conn, CountryEstimate.__table__, partition, rows)
    return {
        "countries": len(rows),
        "no_covariates": len(countries) - len(rows),
        "by_type": type_counts(estimates["intervention_type"]),
        "period": period.isoformat(),
        "model_version": str(champion.version),
    }

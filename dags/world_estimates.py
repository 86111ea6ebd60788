"""Estimate child-labour prevalence (SDG 8.7.1) for every country, with an interval and the strategy's
intervention type (catalyst, momentum, inception), from the world warehouse.

Runs when the world study area is published. Trains and validates (leave one country out, against the
regional mean) in one MLflow run, registers a `challenger`, moves `champion` only if it beats the regional
mean and the current champion, then writes `country_estimate` for the champion. A re-run registers another
version, decides promotion by the same rule, and replaces the same estimate rows. Last, subscribers to a
country (or an area above countries) hear which estimates or intervention types changed since the
previous run (once per change set).
"""

from __future__ import annotations

from airflow.sdk import dag, task

from sdg87_as_of import as_of
from sdg87_assets import DEFAULT_ARGS, ESTIMATES_WORLD, MODEL_WORLD, START, WAREHOUSE_WORLD


@task
def train_world(**context) -> dict:
    from pipelines.world.steps import train_world as train

    result = train(as_of=as_of(context))
    return {k: result[k] for k in ("run_id", "model_name", "model_version", "beats_baseline")}


@task(outlets=[MODEL_WORLD])
def promote_world(trained: dict) -> dict:
    from pipelines.world.registry import promote_world as promote

    return promote(trained["model_version"])


@task(outlets=[ESTIMATES_WORLD])
def publish_estimates(decision: dict, **context) -> dict:
    from pipelines.world.steps import publish_world_estimates

    result = publish_world_estimates(as_of=as_of(context))
    return {k: result[k] for k in ("countries", "period", "model_version")}


@task
def send_country_alerts(published: dict, **context) -> dict:
    """E-mail country and region subscribers whose countries' estimate or intervention type changed."""
    from pipelines.alerting.country import send_country_alerts as send

    return send(today=as_of(context))


@dag(
    dag_id="world_estimates",
    schedule=[WAREHOUSE_WORLD],
    start_date=START,
    catchup=False,
    default_args=DEFAULT_ARGS,
    tags=["sdg87", "models", "world", "mlflow"],
    doc_md=__doc__,
    max_active_runs=1,
)
def world_estimates():
    send_country_alerts(publish_estimates(promote_world(train_world())))


world_estimates()

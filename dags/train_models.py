"""Train the Brazil forced-labour risk model, evaluate it on the held-out latest year against baselines,
log everything to MLflow and register a new version with the `challenger` alias; then the gate task moves
`champion` to it only if it beats the best baseline (and the current champion) on the held-out year.

Runs when the Brazil features are rebuilt. A re-run registers another version; promotion is decided again
by the same rule, so it never demotes a better champion.
"""

from __future__ import annotations

from airflow.sdk import dag, task

from sdg87_as_of import as_of
from sdg87_assets import DEFAULT_ARGS, FEATURES_BRAZIL, MODEL_BRAZIL, START


@task
def train_brazil(**context) -> dict:
    from pipelines.brazil.train import train_brazil as train

    result = train(as_of=as_of(context))
    return {k: result[k] for k in ("run_id", "model_name", "model_version")}


@task(outlets=[MODEL_BRAZIL])
def promote_brazil(trained: dict) -> dict:
    from pipelines.brazil.train import promote_brazil as promote

    return promote(trained["model_version"])


@dag(
    dag_id="train_models",
    schedule=[FEATURES_BRAZIL],
    start_date=START,
    catchup=False,
    default_args=DEFAULT_ARGS,
    tags=["sdg87", "models", "brazil", "mlflow"],
    doc_md=__doc__,
    max_active_runs=1,
)
def train_models():
    promote_brazil(train_brazil())


train_models()

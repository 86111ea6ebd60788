"""Score every Brazilian municipality for the next year with the `champion` model: probability, risk
class and top drivers, written to `score`.

Runs after a training run's promotion gate. Loads `models:/<name>@champion`; writes one partition per
(period, horizon, model version) with delete-then-insert, so a re-run rewrites the same rows. Fails (and
so sends no alerts) when there is no champion or no features for the period.
"""

from __future__ import annotations

from airflow.sdk import dag, task

from sdg87_as_of import as_of
from sdg87_assets import DEFAULT_ARGS, MODEL_BRAZIL, SCORES_BRAZIL, START


@task(outlets=[SCORES_BRAZIL])
def score_brazil(**context) -> dict:
    from pipelines.brazil.score import score_brazil as score

    return score(as_of=as_of(context))


@dag(
    dag_id="score_areas",
    schedule=[MODEL_BRAZIL],
    start_date=START,
    catchup=False,
    default_args=DEFAULT_ARGS,
    tags=["sdg87", "scores", "brazil"],
    doc_md=__doc__,
    max_active_runs=1,
)
def score_areas():
    score_brazil()


score_areas()

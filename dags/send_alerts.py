"""E-mail M&E officers about municipalities in the `high` risk class in their area.

Runs when new scores are published. Reads `score`, `area`, `subscription` and the alert history; writes
`alert` and `delivery` rows. Each message has a unique delivery key recorded before it is sent, so a retry or a
re-run never sends the same message twice.
"""

from __future__ import annotations

from airflow.sdk import dag, task

from sdg87_as_of import as_of
from sdg87_assets import DEFAULT_ARGS, SCORES_BRAZIL, START


@task
def seed_example_subscriptions() -> dict:
    """The shipped example subscriptions, only in the demo (SDG87_SEED_EXAMPLES, set by `sdg87 run`)."""
    from pipelines.alerting.run import seed_demo_subscriptions

    return seed_demo_subscriptions()


@task
def send(**context) -> dict:
    from pipelines.alerting.run import send_alerts

    result = send_alerts(today=as_of(context))
    return {k: v for k, v in result.items() if isinstance(v, (int, str, float))}


@dag(
    dag_id="send_alerts",
    schedule=[SCORES_BRAZIL],
    start_date=START,
    catchup=False,
    default_args=DEFAULT_ARGS,
    tags=["sdg87", "alerts", "brazil"],
    doc_md=__doc__,
    max_active_runs=1,
)
def send_alerts_dag():
    seed_example_subscriptions() >> send()


send_alerts_dag()

"""Daily self-check of the alert deliveries: every e-mail decided in the last 24 hours was sent, and every
active subscriber heard something (an alert, a digest or an all-clear) within the all-clear period.

Reads `delivery`, `alert` and `subscription`; writes only an operator e-mail when something is wrong, keyed
by day, so a re-run or retry on the same day reports once.
"""

from __future__ import annotations

from airflow.sdk import dag, task

from sdg87_assets import DEFAULT_ARGS, START


@task
def check() -> dict:
    from pipelines.alerting.check import check_deliveries

    result = check_deliveries()
    return {"decided": result["decided"], "sent": result["sent"], "problems": len(result["problems"])}


@dag(
    dag_id="check_deliveries",
    schedule="30 6 * * *",  # daily, 06:30 UTC: after the night's scoring and alert runs
    start_date=START,
    catchup=False,
    default_args=DEFAULT_ARGS,
    tags=["sdg87", "alerts", "monitoring"],
    doc_md=__doc__,
    max_active_runs=1,
)
def check_deliveries_dag():
    check()


check_deliveries_dag()

"""Ingest the Brazil study area: municipalities and states with boundaries, employer-list events, the
slave-labour inspection record 2003-2018,
census covariates and population estimates.

Reads the files under `SDG87_DATA_DIR/brazil/`; writes `area`, `indicator`, `observation` and one
`ingest_run` lineage row per load. Each load is staged, checked by its Great Expectations suite and
published in one transaction; a failed check publishes nothing and fails the task with the rules that broke.

A re-run is safe: a file whose checksum was already published is recorded as `unchanged` and nothing else
is written; a new list edition adds rows with a new vintage. Areas load first (everything refers to them).
"""

from __future__ import annotations

from airflow.sdk import chain, dag, task

from sdg87_assets import DEFAULT_ARGS, START, WAREHOUSE_BRAZIL, source_family

SOURCES = source_family("brazil")  # load order: areas first


@task
def load(source: str) -> dict:
    from pipelines.ingest import run_source

    return run_source(source)


@task(outlets=[WAREHOUSE_BRAZIL])
def publish_asset(results: list[dict]) -> dict:
    return {"sources": len(results), "rows_published": sum(r["rows_published"] for r in results)}


@dag(
    dag_id="ingest_brazil",
    schedule="0 3 * * 1",  # weekly, Monday 03:00 UTC: the employer list is republished a few times a year
    start_date=START,
    catchup=False,
    default_args=DEFAULT_ARGS,
    tags=["sdg87", "ingest", "brazil"],
    doc_md=__doc__,
    max_active_runs=1,
)
def ingest_brazil():
    loads = [load.override(task_id=f"load_{name}")(name) for name in SOURCES]
    chain(*loads)
    loads[-1] >> publish_asset(loads)


ingest_brazil()

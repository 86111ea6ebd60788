"""Ingest the world study area: country and province boundaries, SDG 8.7.1 and World Bank child-labour
series, Gapminder and World Bank covariates, the US DOL ILAB country reports (parsed from the published
XML) and List of Goods, and the ILO supervisory-body comments (a sample; see data/README.md).

Reads the files under `SDG87_DATA_DIR/world/`; writes `area`, `indicator`, `observation` and one
`ingest_run` lineage row per load, each behind its Great Expectations suite, published in one transaction.
A re-run of an unchanged file writes nothing but an `unchanged` lineage row. Countries load first.
"""

from __future__ import annotations

from airflow.sdk import chain, dag, task

from sdg87_assets import DEFAULT_ARGS, START, WAREHOUSE_WORLD, source_family

SOURCES = source_family("world")  # load order: areas first


@task
def load(source: str) -> dict:
    from pipelines.ingest import run_source

    return run_source(source)


@task(outlets=[WAREHOUSE_WORLD])
def publish_asset(results: list[dict]) -> dict:
    return {"sources": len(results), "rows_published": sum(r["rows_published"] for r in results)}


@dag(
    dag_id="ingest_world",
    schedule="0 4 1 * *",  # monthly, 1st at 04:00 UTC: these series are revised yearly at most
    start_date=START,
    catchup=False,
    default_args=DEFAULT_ARGS,
    tags=["sdg87", "ingest", "world"],
    doc_md=__doc__,
    max_active_runs=1,
)
def ingest_world():
    loads = [load.override(task_id=f"load_{name}")(name) for name in SOURCES]
    chain(*loads)
    loads[-1] >> publish_asset(loads)


ingest_world()

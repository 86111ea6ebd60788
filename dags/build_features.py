"""Build the Brazil municipality-year feature table (`feature_value`, feature set `brazil_v1`).

Runs when the Brazil warehouse asset is updated. Reads `area` and `observation`; writes one partition per
target year with delete-then-insert in one transaction, so a re-run replaces the same rows and changes nothing.
Every feature for target year t uses only data known before 1 January of t.
"""

from __future__ import annotations

from airflow.sdk import dag, task

from sdg87_as_of import as_of
from sdg87_assets import DEFAULT_ARGS, FEATURES_BRAZIL, START, WAREHOUSE_BRAZIL


@task(outlets=[FEATURES_BRAZIL])
def build_brazil(**context) -> dict:
    from pipelines.brazil.features import build_brazil_features

    return build_brazil_features(as_of=as_of(context))


@dag(
    dag_id="build_features",
    schedule=[WAREHOUSE_BRAZIL],
    start_date=START,
    catchup=False,
    default_args=DEFAULT_ARGS,
    tags=["sdg87", "features", "brazil"],
    doc_md=__doc__,
    max_active_runs=1,
)
def build_features():
    build_brazil()


build_features()

"""Every DAG parses, is configuration only, and is wired the way docs/ARCHITECTURE.md says."""

from __future__ import annotations

from datetime import datetime

import pytest

from tests.dags.conftest import DAGS

EXPECTED = {
    "ingest_brazil": {"schedule": "cron", "tags": {"ingest", "brazil"}},
    "ingest_world": {"schedule": "cron", "tags": {"ingest", "world"}},
    "build_features": {"schedule": "asset", "tags": {"features"}},
    "train_models": {"schedule": "asset", "tags": {"models"}},
    "score_areas": {"schedule": "asset", "tags": {"scores"}},
    "send_alerts": {"schedule": "asset", "tags": {"alerts"}},
    "check_deliveries": {"schedule": "cron", "tags": {"alerts", "monitoring"}},
    "world_estimates": {"schedule": "asset", "tags": {"models", "world"}},
}


@pytest.fixture(scope="module")
def dagbag():
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS))


def test_no_import_errors(dagbag):
    assert dagbag.import_errors == {}


def test_every_stage_has_its_dag(dagbag):
    assert set(dagbag.dags) == set(EXPECTED)


@pytest.mark.parametrize("dag_id", sorted(EXPECTED))
def test_dag_conventions(dagbag, dag_id):
    dag = dagbag.dags[dag_id]
    assert {"sdg87", *EXPECTED[dag_id]["tags"]} <= set(dag.tags)
    assert dag.start_date == datetime.fromisoformat("2026-01-01T00:00:00+00:00"), "static start date"
    assert dag.catchup is False
    assert dag.max_active_runs == 1
    assert dag.doc_md and "re-run" in dag.doc_md.lower(), "the docstring says why a re-run is safe"
    for task in dag.tasks:
        assert task.retries >= 2, f"{dag_id}.{task.task_id} retries={task.retries}"
    timetable = type(dag.timetable).__name__
    if EXPECTED[dag_id]["schedule"] == "cron":
        assert "Cron" in timetable
    else:
        assert "Asset" in timetable


def test_ingest_dags_load_every_source_in_order(dagbag):
    from pipelines.ingest import SOURCE_FAMILIES

    for family, sources in SOURCE_FAMILIES.items():
        dag = dagbag.dags[f"ingest_{family}"]
        loads = [t.task_id for t in dag.topological_sort() if t.task_id.startswith("load_")]
        assert loads == [f"load_{name}" for name in sources]


def test_stages_are_chained_by_assets(dagbag):
    """Each stage publishes an asset and the next stage is scheduled on exactly that asset."""

    def outlets(dag_id):
        return {a.uri for t in dagbag.dags[dag_id].tasks for a in getattr(t, "outlets", [])}

    def inlets(dag_id):
        return {a.uri for a in dagbag.dags[dag_id].timetable.asset_condition.objects}

    chain = ["ingest_brazil", "build_features", "train_models", "score_areas", "send_alerts"]
    for upstream, downstream in zip(chain, chain[1:], strict=False):
        produced = outlets(upstream)
        assert produced, f"{upstream} publishes no asset"
        assert inlets(downstream) == produced, f"{downstream} is not scheduled on what {upstream} publishes"
    assert inlets("world_estimates") == outlets("ingest_world")

"""Both ingest DAGs, run by Airflow (`airflow dags test`, all four runs in one Airflow process as `sdg87 run`
does), publish into a PostgreSQL warehouse — the production backend — on a slice of the real data; a second
run publishes nothing new."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from pipelines.ingest import SOURCE_FAMILIES
from pipelines.orchestrate import STAGES, AirflowSession, ensure_airflow_db
from pipelines.settings import get_settings
from pipelines.warehouse.engine import make_engine, migrate
from pipelines.warehouse.schema import Area, IngestRun
from tests.support import use_sliced_home


@pytest.mark.slow
def test_ingest_dags_publish_every_source_into_postgresql(pg_url, tmp_path, monkeypatch):
    use_sliced_home(monkeypatch, tmp_path, states=("AC", "RO"))
    monkeypatch.setenv("SDG87_WAREHOUSE_URL", pg_url)
    settings = get_settings()
    migrate(settings.warehouse_url)
    ensure_airflow_db(settings)
    with AirflowSession(settings) as session:
        for dag_id in STAGES["ingest"]:
            session.run_dag(dag_id)
        engine = make_engine(settings.warehouse_url)
        with engine.connect() as conn:
            published = set(
                conn.execute(select(IngestRun.source).where(IngestRun.status == "published")).scalars()
            )
            studies = dict(conn.execute(select(Area.study, func.count()).group_by(Area.study)).all())
        every_source = {name for names in SOURCE_FAMILIES.values() for name in names}
        assert published == every_source
        assert (
            studies["brazil"] >= 1 + 2 + 22 + 52
        )  # the country, its states, Acre and Rondônia municipalities
        assert studies["world"] > 4000  # countries and admin-1 provinces

        for dag_id in STAGES["ingest"]:  # again: every file unchanged, nothing published twice
            session.run_dag(dag_id)
    with engine.connect() as conn:
        statuses = conn.execute(select(IngestRun.status, func.count()).group_by(IngestRun.status)).all()
    engine.dispose()
    assert dict(statuses) == {"published": len(every_source), "unchanged": len(every_source)}

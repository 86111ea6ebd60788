"""One Airflow process runs the DAGs of a command in turn: real ``airflow dags test`` runs, a log per DAG,
a failure that names its log and leaves the process serving, and nothing left running after it."""

from __future__ import annotations

import os
from datetime import date

import pytest

from pipelines.orchestrate import AirflowSession, DagRunFailed, ensure_airflow_db
from pipelines.settings import Settings
from pipelines.warehouse.engine import migrate


@pytest.mark.slow  # one Airflow process running four DAG runs: about 20 s
def test_one_process_runs_dags_in_turn_and_a_failure_names_its_log(tmp_path, monkeypatch):
    monkeypatch.delenv("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", raising=False)
    settings = Settings(home=tmp_path / "home")
    settings.ensure_dirs()
    migrate(settings.warehouse_url)
    ensure_airflow_db(settings)
    with AirflowSession(settings) as airflow:
        assert airflow.pid is None  # started by the first DAG, not before
        first = airflow.run_dag("check_deliveries", as_of=date(2026, 1, 5))
        pid = airflow.pid
        second = airflow.run_dag("check_deliveries", as_of=date(2026, 1, 6))
        assert airflow.pid == pid  # the same Airflow process ran both
        for result in (first, second):
            text = result.log_path.read_text(encoding="utf-8")
            assert "dag_id=check_deliveries" in text and "state=success" in text
        assert "2026-01-06" in second.log_path.read_text(encoding="utf-8")  # each DAG writes its own log

        with pytest.raises(DagRunFailed) as failed:
            airflow.run_dag("no_such_dag", as_of=date(2026, 1, 7))
        message = str(failed.value)
        assert (
            "DAG no_such_dag failed" in message
            and str(settings.home / "logs" / "dags" / "no_such_dag.log") in message
        )
        assert "could not be found" in message  # the error lines of its log, not just "failed"

        airflow.run_dag("check_deliveries", as_of=date(2026, 1, 8))  # a failed DAG leaves the process serving
        assert airflow.pid == pid
    assert airflow.pid is None
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)  # closed: the Airflow process has exited and been reaped

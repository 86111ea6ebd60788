"""A real Airflow deployment (`airflow standalone`: scheduler, DAG processor, API server, LocalExecutor)
runs the Brazil chain on its own: the cron-scheduled ingest starts, and each asset event triggers the next
stage until alerts are sent. This proves the asset wiring, not just the DAG files.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest

from pipelines.orchestrate import _bin, airflow_env, ensure_airflow_db
from pipelines.warehouse.engine import migrate
from tests.support import use_sliced_home

CHAIN = ["ingest_brazil", "build_features", "train_models", "score_areas", "send_alerts"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _runs(db: Path) -> dict[str, list[str]]:
    if not db.exists():
        return {}
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30) as conn:
        try:
            rows = conn.execute("SELECT dag_id, state FROM dag_run").fetchall()
        except sqlite3.OperationalError:  # tables not there yet, or a write lock held
            return {}
    runs: dict[str, list[str]] = {}
    for dag_id, state in rows:
        runs.setdefault(dag_id, []).append(state)
    return runs


@pytest.mark.slow
def test_scheduler_runs_the_chain_from_ingest_to_alerts(tmp_path, monkeypatch):
    settings = use_sliced_home(monkeypatch, tmp_path, lower_cuts=True)
    migrate(settings.warehouse_url)
    ensure_airflow_db(settings)

    port = _free_port()
    env = airflow_env(settings, task_retries=0)
    env.update(
        {
            "AIRFLOW__API__PORT": str(port),
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{port}/execution/",
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
            "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
            "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "2",
        }
    )
    log = (tmp_path / "standalone.log").open("w")
    proc = subprocess.Popen(
        [_bin("airflow"), "standalone"], env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    db = settings.airflow_home / "airflow.db"
    runs: dict[str, list[str]] = {}
    try:
        deadline = time.monotonic() + 900
        while time.monotonic() < deadline:
            runs = _runs(db)
            failed = [d for d in CHAIN if "failed" in runs.get(d, [])]
            assert not failed, f"DAG run failed: {failed}; runs: {runs}; log: {tmp_path / 'standalone.log'}"
            if "success" in runs.get("send_alerts", []):
                break
            assert proc.poll() is None, f"airflow standalone exited: {proc.returncode}"
            time.sleep(5)
        else:
            pytest.fail(f"the chain did not reach send_alerts in time; runs so far: {runs}")
    finally:
        os.killpg(proc.pid, signal.SIGINT)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        log.close()
    assert all("success" in runs.get(d, []) for d in CHAIN), runs
    assert list(settings.outbox_dir.glob("*.eml")), "the scheduled chain sent no e-mail"

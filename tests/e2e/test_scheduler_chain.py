"""A real Airflow deployment (scheduler, DAG processor, triggerer, API server, LocalExecutor: what
`airflow standalone` starts, bound to loopback by :class:`pipelines.airflow_local.LocalAirflow`)
runs the Brazil chain on its own: the cron-scheduled ingest starts, and each asset event triggers the next
stage until alerts are sent. This proves the asset wiring, not just the DAG files.
"""

from __future__ import annotations

import socket
import sqlite3
import stat
import time
from pathlib import Path

import pytest

from pipelines.airflow_local import LocalAirflow, local_env, unpause, wait_healthy
from pipelines.orchestrate import PASSWORDS_FILE, ensure_airflow_db
from pipelines.warehouse.engine import migrate
from tests.support import use_sliced_home

# A hang guard, not a speed target: the chain trains a nested rolling-origin backtest twice, which on
# two busy cores takes longer than the suite-wide 900 s.
pytestmark = pytest.mark.timeout(2700)

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


def _listening(pids: set[int]) -> set[str]:
    """``host`` of every listening TCP socket owned by ``pids`` or their children."""
    import psutil

    tree = set(pids)
    for pid in pids:
        try:
            tree |= {c.pid for c in psutil.Process(pid).children(recursive=True)}
        except psutil.NoSuchProcess:
            pass
    return {c.laddr.ip for c in psutil.net_connections(kind="tcp") if c.status == "LISTEN" and c.pid in tree}


@pytest.mark.slow
def test_scheduler_runs_the_chain_from_ingest_to_alerts(tmp_path, monkeypatch):
    settings = use_sliced_home(monkeypatch, tmp_path, lower_cuts=True)
    migrate(settings.warehouse_url)
    ensure_airflow_db(settings)

    port = _free_port()
    # Retries allowed: a task whose first call to the execution API meets a busy machine tries again.
    env = local_env(settings, port, task_retries=2)
    env.update(
        {
            "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "True",  # unpaused once the API is healthy
            "SDG87_TASK_RETRY_DELAY_S": "5",
            "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
            "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "2",
        }
    )
    db = settings.airflow_home / "airflow.db"
    runs: dict[str, list[str]] = {}
    with LocalAirflow(settings, port, tmp_path / "airflow-logs", env) as airflow:
        wait_healthy(airflow)
        # Nothing Airflow started listens beyond loopback; the admin password is its owner's only.
        assert _listening({p.pid for p in airflow.procs.values()}) <= {"127.0.0.1"}
        passwords = settings.airflow_home / PASSWORDS_FILE
        assert passwords.exists() and stat.S_IMODE(passwords.stat().st_mode) == 0o600
        assert stat.S_IMODE(settings.airflow_home.stat().st_mode) == 0o700
        unpause(airflow, CHAIN)
        deadline = time.monotonic() + 900
        while time.monotonic() < deadline:
            runs = _runs(db)
            failed = [d for d in CHAIN if "failed" in runs.get(d, [])]
            assert not failed, f"DAG run failed: {failed}; runs: {runs}; logs: {airflow.log_dir}"
            if "success" in runs.get("send_alerts", []):
                break
            assert not airflow.exited(), f"Airflow components exited: {airflow.exited()}"
            time.sleep(5)
        else:
            pytest.fail(f"the chain did not reach send_alerts in time; runs so far: {runs}")
    assert all("success" in runs.get(d, []) for d in CHAIN), runs
    assert list(settings.outbox_dir.glob("*.eml")), "the scheduled chain sent no e-mail"

"""Run the project's Airflow DAGs from the command line, without importing Airflow here.

Each DAG runs with ``airflow dags test`` in a subprocess — a real Airflow run (tasks, retries, XCom and
asset events recorded in Airflow's metadata DB under ``$SDG87_HOME/airflow``) without a scheduler. Its log
goes to ``$SDG87_HOME/logs/dags/<dag_id>.log``; on failure the error lines are shown.

Every Airflow process gets its paths from ``AIRFLOW__*`` variables built from the current ``SDG87_HOME``
(:func:`airflow_env`), never from the absolute paths ``airflow.cfg`` was generated with, so a moved or
copied home never writes into the old one. Airflow runs under umask 077: its config, metadata DB, logs
and the generated admin password file are readable by their owner only (home ``0700``, files ``0600``).

Stage order, for ``sdg87 run``: :data:`PIPELINE`.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from pipelines.airflow_profile import profile_env
from pipelines.settings import PROJECT_ROOT, Settings

DAGS_FOLDER = PROJECT_ROOT / "dags"
STAGES: dict[str, list[str]] = {
    "ingest": ["ingest_brazil", "ingest_world"],
    "features": ["build_features"],
    "train": ["train_models", "world_estimates"],
    "score": ["score_areas"],
    "alerts": ["send_alerts"],
}
PIPELINE: list[str] = [dag_id for dags in STAGES.values() for dag_id in dags]


class DagRunFailed(RuntimeError):
    """A DAG run ended in failure; the message carries the error lines of its log."""


@dataclass(frozen=True)
class DagRunResult:
    dag_id: str
    seconds: float
    log_path: Path


def _bin(name: str) -> str:
    """The executable ``name`` next to this interpreter (the project's venv), else from PATH."""
    local = Path(sys.executable).with_name(name)
    return str(local) if local.exists() else (shutil.which(name) or name)


def private_umask() -> None:
    """``preexec_fn`` of every Airflow subprocess: what it creates is its owner's only."""
    os.umask(0o077)


def airflow_paths(settings: Settings) -> dict[str, str]:
    """Every path Airflow would otherwise read from ``airflow.cfg``, under the current Airflow home.
    The metadata DB is left alone when ``AIRFLOW__DATABASE__SQL_ALCHEMY_CONN`` is set (a real deployment)."""
    home = settings.airflow_home
    paths = {
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(DAGS_FOLDER),
        "AIRFLOW__CORE__PLUGINS_FOLDER": str(home / "plugins"),
        "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_PASSWORDS_FILE": str(home / PASSWORDS_FILE),
        "AIRFLOW__LOGGING__BASE_LOG_FOLDER": str(home / "logs"),
        "AIRFLOW__LOGGING__DAG_PROCESSOR_CHILD_PROCESS_LOG_DIRECTORY": str(home / "logs" / "dag_processor"),
    }
    if not os.environ.get("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"):
        paths["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = f"sqlite:///{home / 'airflow.db'}"
    return paths


PASSWORDS_FILE = "simple_auth_manager_passwords.json.generated"


def airflow_env(settings: Settings, task_retries: int | None = None) -> dict[str, str]:
    """Environment for an Airflow process using this project's DAGs and an Airflow home under SDG87_HOME
    (:func:`airflow_paths`); Airflow's servers listen on 127.0.0.1 only.

    The deployment profile's Airflow settings come from :func:`pipelines.airflow_profile.profile_env`.
    ``task_retries`` overrides the DAGs' retry count (``SDG87_TASK_RETRIES``): interactive runs use 0 so a
    failure is reported at once instead of after the retry delays.
    """
    env = dict(os.environ)
    env.update(airflow_paths(settings))
    env.update(
        {
            "AIRFLOW__SCHEDULER__SCHEDULER_HEALTH_CHECK_SERVER_HOST": "127.0.0.1",
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__PARALLELISM": env.get("AIRFLOW__CORE__PARALLELISM", "2"),
            "AIRFLOW__API__HOST": "127.0.0.1",
            "MLFLOW_DISABLE_TELEMETRY": "true",
            "GX_ANALYTICS_ENABLED": "false",
            "SDG87_HOME": str(settings.home),
            "SDG87_SEED_EXAMPLES": "true" if settings.seed_examples else "false",
            "PATH": f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}",
        }
    )
    env.update(profile_env(settings))
    if task_retries is not None:
        env["SDG87_TASK_RETRIES"] = str(task_retries)
    return env


def lock_airflow_home(settings: Settings) -> None:
    """Create the Airflow home ``0700``; make an existing config and password file ``0600``."""
    home = settings.airflow_home
    home.mkdir(parents=True, exist_ok=True)
    home.chmod(0o700)
    for name in ("airflow.cfg", PASSWORDS_FILE, "airflow.db"):
        if (home / name).exists():
            (home / name).chmod(0o600)


def ensure_airflow_db(settings: Settings) -> None:
    """Create or upgrade Airflow's metadata DB (SQLite under ``$SDG87_HOME/airflow`` unless configured)."""
    lock_airflow_home(settings)
    proc = subprocess.run(
        [_bin("airflow"), "db", "migrate"],
        env=airflow_env(settings),
        capture_output=True,
        text=True,
        check=False,
        preexec_fn=private_umask,
    )
    if proc.returncode != 0:
        raise DagRunFailed(f"airflow db migrate failed:\n{proc.stdout[-2000:]}\n{proc.stderr[-2000:]}")


ERROR_LINE = re.compile(r"(Error|Exception|Traceback|FAILED|failed:| error )")


def error_excerpt(log_text: str, limit: int = 25) -> str:
    """The lines of an Airflow log that explain a failure (exceptions and their messages)."""
    lines = [ln for ln in log_text.splitlines() if ERROR_LINE.search(ln) and "DeprecationWarning" not in ln]
    return "\n".join(lines[-limit:])


def run_dag(
    dag_id: str, settings: Settings, task_retries: int | None = 0, as_of: date | None = None
) -> DagRunResult:
    """Run one DAG to completion with ``airflow dags test``; raise :class:`DagRunFailed` if it fails.

    ``as_of`` becomes the run's logical date (midnight UTC), which its tasks pass down as the as-of date
    (``dags/sdg87_as_of.py``); None lets Airflow use the current time."""
    log_dir = settings.home / "logs" / "dags"
    log_dir.mkdir(parents=True, exist_ok=True)
    log_path = log_dir / f"{dag_id}.log"
    start = time.perf_counter()
    with log_path.open("w", encoding="utf-8") as log:
        proc = subprocess.run(
            [_bin("airflow"), "dags", "test", dag_id, *([as_of.isoformat()] if as_of else [])],
            env=airflow_env(settings, task_retries),
            stdout=log,
            stderr=subprocess.STDOUT,
            check=False,
            preexec_fn=private_umask,
        )
    seconds = time.perf_counter() - start
    text = log_path.read_text(encoding="utf-8", errors="replace")
    if proc.returncode != 0 or "DagRun failed" in text:
        raise DagRunFailed(
            f"DAG {dag_id} failed after {seconds:.0f} s (log: {log_path}):\n{error_excerpt(text)}"
        )
    return DagRunResult(dag_id, seconds, log_path)

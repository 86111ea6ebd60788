"""Run the project's Airflow DAGs from the command line, without importing Airflow here.

Each DAG runs with ``airflow dags test`` — a real Airflow run (tasks, retries, XCom and asset events
recorded in Airflow's metadata DB under ``$SDG87_HOME/airflow``) without a scheduler — in one Airflow
process shared by the DAGs of a command (:class:`AirflowSession`, ``dags/airflow_runner.py``). Each
DAG's log goes to ``$SDG87_HOME/logs/dags/<dag_id>.log``; on failure the error lines are shown.

Every Airflow process gets its paths from ``AIRFLOW__*`` variables built from the current ``SDG87_HOME``
(:func:`airflow_env`), never from the absolute paths ``airflow.cfg`` was generated with, so a moved or
copied home never writes into the old one. Airflow runs under umask 077: its config, metadata DB, logs
and the generated admin password file are readable by their owner only (home ``0700``, files ``0600``).

Stage order, for ``sdg87 run``: :data:`PIPELINE`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
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


class AirflowSession:
    """One Airflow process (``dags/airflow_runner.py``) that runs DAGs one after another, started on
    the first :meth:`run_dag` and stopped on :meth:`close` (a context manager). Each DAG is still a real
    ``airflow dags test`` run with its own log under ``$SDG87_HOME/logs/dags``; only Airflow's start and
    the project's imports are paid once. The process's own output between DAGs goes to
    ``logs/dags/airflow-session.log``."""

    def __init__(self, settings: Settings, task_retries: int | None = 0):
        self.settings = settings
        self.task_retries = task_retries
        self.log_dir = settings.home / "logs" / "dags"
        self._proc: subprocess.Popen | None = None
        self._session_log = None

    def __enter__(self) -> AirflowSession:
        return self

    @property
    def pid(self) -> int | None:
        """The Airflow process's id while it runs (None before the first DAG and after :meth:`close`)."""
        return self._proc.pid if self._proc is not None else None

    def __exit__(self, *exc) -> None:
        self.close()

    def _start(self) -> subprocess.Popen:
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self._session_log = (self.log_dir / "airflow-session.log").open("w", encoding="utf-8")
        self._proc = subprocess.Popen(
            [sys.executable, str(DAGS_FOLDER / "airflow_runner.py")],
            env=airflow_env(self.settings, self.task_retries),
            cwd=PROJECT_ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._session_log,
            text=True,
            bufsize=1,
            preexec_fn=private_umask,
        )
        self._reply("the Airflow process did not start")
        return self._proc

    def _reply(self, what: str) -> dict:
        line = self._proc.stdout.readline() if self._proc and self._proc.stdout else ""
        if not line:
            code = self._proc.wait() if self._proc else None
            session = self.log_dir / "airflow-session.log"
            text = session.read_text(encoding="utf-8", errors="replace") if session.exists() else ""
            self.close()
            raise DagRunFailed(f"{what} (exit {code}; log: {session}):\n{error_excerpt(text)}")
        return json.loads(line)

    def run_dag(self, dag_id: str, as_of: date | None = None) -> DagRunResult:
        """Run one DAG to completion; raise :class:`DagRunFailed` if it fails (see :func:`run_dag`)."""
        proc = self._proc or self._start()
        log_path = self.log_dir / f"{dag_id}.log"
        argv = ["dags", "test", dag_id, *([as_of.isoformat()] if as_of else [])]
        assert proc.stdin is not None
        proc.stdin.write(json.dumps({"argv": argv, "log": str(log_path)}) + "\n")
        proc.stdin.flush()
        reply = self._reply(f"DAG {dag_id}: the Airflow process ended during the run")
        seconds = float(reply["seconds"])
        text = log_path.read_text(encoding="utf-8", errors="replace") if log_path.exists() else ""
        if not reply["ok"] or "DagRun failed" in text:
            raise DagRunFailed(
                f"DAG {dag_id} failed after {seconds:.0f} s (log: {log_path}):\n{error_excerpt(text)}"
            )
        return DagRunResult(dag_id, seconds, log_path)

    def close(self) -> None:
        """End the Airflow process (it exits when its input closes) and wait for it."""
        proc, self._proc = self._proc, None
        if proc is not None:
            if proc.stdin and not proc.stdin.closed:
                proc.stdin.close()
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            if proc.stdout:
                proc.stdout.close()
        if self._session_log is not None:
            self._session_log.close()
            self._session_log = None


def run_dag(
    dag_id: str, settings: Settings, task_retries: int | None = 0, as_of: date | None = None
) -> DagRunResult:
    """Run one DAG to completion with ``airflow dags test`` in an Airflow process of its own; raise
    :class:`DagRunFailed` if it fails. Several DAGs in a row: :class:`AirflowSession`.

    ``as_of`` becomes the run's logical date (midnight UTC), which its tasks pass down as the as-of date
    (``dags/sdg87_as_of.py``); None lets Airflow use the current time."""
    with AirflowSession(settings, task_retries) as session:
        return session.run_dag(dag_id, as_of)

"""A whole Airflow deployment on this machine, reachable from this machine only (``sdg87 ui airflow``).

What ``airflow standalone`` starts, started here so that nothing listens beyond loopback: ``airflow
standalone`` gives its scheduler and triggerer a log server bound to every interface (``0.0.0.0``/``::``,
not configurable), so each component is started by :class:`LocalAirflow` itself:

- ``scheduler --skip-serve-logs`` and ``triggerer --skip-serve-logs`` (LocalExecutor: the task logs are
  files under ``$SDG87_HOME/airflow/logs`` that the API server reads directly, so no log server is needed),
- ``dag-processor``,
- ``api-server --host 127.0.0.1 --port PORT`` (UI, REST and execution API; SimpleAuthManager, whose
  generated admin password file is ``0600`` under umask 077: :func:`pipelines.orchestrate.private_umask`).

:func:`wait_healthy` polls ``/api/v2/monitor/health`` until the metadata DB and the scheduler report
healthy; :func:`unpause` unpauses DAGs once the DAG processor has stored them.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from pipelines.orchestrate import _bin, airflow_env, lock_airflow_home, private_umask
from pipelines.settings import Settings

LOOPBACK = "127.0.0.1"
SIMPLE_AUTH = "airflow.api_fastapi.auth.managers.simple.simple_auth_manager.SimpleAuthManager"


def local_env(settings: Settings, port: int, task_retries: int | None = None) -> dict[str, str]:
    """:func:`pipelines.orchestrate.airflow_env` plus LocalExecutor, SimpleAuthManager and the API on
    ``127.0.0.1:port`` (the tasks reach the execution API there)."""
    env = airflow_env(settings, task_retries)
    env.update(
        {
            "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
            "AIRFLOW__CORE__AUTH_MANAGER": SIMPLE_AUTH,
            "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": env.get(
                "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS", "admin:admin"
            ),
            "AIRFLOW__API__PORT": str(port),
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://{LOOPBACK}:{port}/execution/",
        }
    )
    return env


def components(port: int) -> dict[str, list[str]]:
    return {
        "scheduler": ["scheduler", "--skip-serve-logs"],
        "dag-processor": ["dag-processor"],
        "triggerer": ["triggerer", "--skip-serve-logs"],
        "api-server": ["api-server", "--host", LOOPBACK, "--port", str(port)],
    }


class LocalAirflow:
    """Context manager running the four components; ``log_dir`` receives ``<component>.log``."""

    def __init__(self, settings: Settings, port: int, log_dir: Path, env: dict[str, str] | None = None):
        self.settings, self.port, self.log_dir = settings, port, Path(log_dir)
        self.env = env or local_env(settings, port)
        self.procs: dict[str, subprocess.Popen] = {}

    def start(self) -> LocalAirflow:
        lock_airflow_home(self.settings)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        for name, args in components(self.port).items():
            log = (self.log_dir / f"{name}.log").open("w")
            self.procs[name] = subprocess.Popen(
                [_bin("airflow"), *args], env=self.env, stdout=log, stderr=subprocess.STDOUT,
                start_new_session=True, preexec_fn=private_umask,
            )  # fmt: skip
            log.close()
        return self

    def exited(self) -> dict[str, int]:
        """Components that stopped, with their exit code."""
        return {n: p.returncode for n, p in self.procs.items() if p.poll() is not None}

    def stop(self, grace_s: float = 20.0) -> dict[str, str]:
        """Stop every component and everything it started, then return ``{component: how}``.

        Each component leads its own process group (``start_new_session``), so one Ctrl-C reaches only
        the ``sdg87`` process and :func:`stop_groups` stops the groups — the LocalExecutor's task workers
        and the triggerer ignore SIGTERM, and a group outlives its leader."""
        return stop_groups(self.procs, grace_s)

    def __enter__(self) -> LocalAirflow:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def stop_groups(procs: dict[str, subprocess.Popen], grace_s: float = 20.0) -> dict[str, str]:
    """Stop the process groups that ``procs`` lead (each started with ``start_new_session``) and reap
    the leaders; return ``{name: how}``, ``how`` being ``terminated`` or ``killed``.

    SIGTERM to every group at once, up to ``grace_s`` seconds (shared) for each group to empty, then
    SIGKILL to the groups still holding a process: members that ignore SIGTERM, or that outlive their
    leader, go too. A second Ctrl-C or a SIGTERM during the stop is ignored, so it cannot leave members
    behind."""
    main_thread = threading.current_thread() is threading.main_thread()  # signals: main thread only
    stopping = (signal.SIGINT, signal.SIGTERM)
    previous = {s: signal.signal(s, signal.SIG_IGN) for s in stopping} if main_thread else {}
    try:
        for proc in procs.values():
            _signal_group(proc.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace_s
        while time.monotonic() < deadline and any(_group_alive(p) for p in procs.values()):
            time.sleep(0.2)
        how = {}
        for name, proc in procs.items():
            how[name] = "killed" if _group_alive(proc) else "terminated"
            _signal_group(proc.pid, signal.SIGKILL)
            proc.wait()
        return how
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _signal_group(pgid: int, sig: int) -> None:
    try:
        os.killpg(pgid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def _group_alive(proc: subprocess.Popen) -> bool:
    """Whether the process group ``proc`` leads still holds a running (non-zombie) process."""
    proc.poll()  # reap the leader once it exits
    return bool(group_members(proc.pid))


def group_members(pgid: int) -> list[int]:
    """Pids of the running (non-zombie) processes in process group ``pgid``, read from ``/proc``."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()  # after "pid (comm) ": state ppid pgrp ...
        if fields[0] != "Z" and int(fields[2]) == pgid:
            members.append(int(entry.name))
    return members


def health(port: int) -> dict | None:
    """The API server's ``/api/v2/monitor/health`` document, or None while it does not answer."""
    try:
        with urllib.request.urlopen(f"http://{LOOPBACK}:{port}/api/v2/monitor/health", timeout=5) as answer:
            return json.loads(answer.read())
    except (urllib.error.URLError, OSError, ValueError):
        return None


def wait_healthy(airflow: LocalAirflow, timeout_s: float = 300) -> dict:
    """Wait until the metadata DB and the scheduler are ``healthy``; raises ``RuntimeError`` naming what
    is not, or which component exited."""
    deadline, doc = time.monotonic() + timeout_s, None
    while time.monotonic() < deadline:
        if airflow.exited():
            raise RuntimeError(f"Airflow components exited: {airflow.exited()} (logs in {airflow.log_dir})")
        doc = health(airflow.port)
        if doc and all(doc.get(c, {}).get("status") == "healthy" for c in ("metadatabase", "scheduler")):
            return doc
        time.sleep(1)
    raise RuntimeError(f"Airflow API not healthy after {timeout_s:.0f} s: {doc}")


def unpause(airflow: LocalAirflow, dag_ids: list[str], timeout_s: float = 300) -> None:
    """Unpause ``dag_ids`` once the DAG processor has stored them (``airflow dags unpause`` until it works)."""
    deadline, pending = time.monotonic() + timeout_s, list(dag_ids)
    while pending and time.monotonic() < deadline:
        dag_id = pending[0]
        proc = subprocess.run([_bin("airflow"), "dags", "unpause", dag_id], env=airflow.env, capture_output=True,
                              text=True, check=False, preexec_fn=private_umask)  # fmt: skip
        if proc.returncode == 0:
            pending.pop(0)
        else:
            time.sleep(2)
    if pending:
        raise RuntimeError(f"DAGs never appeared to unpause: {pending}")

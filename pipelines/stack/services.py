"""The services of the local distributed stack, their ports, environment and start/stop order.

:class:`Stack` starts, in order: PostgreSQL (databases ``airflow``, ``warehouse``, ``mlflow``), Redis (the
Celery broker, no persistence), an SMTP sink standing in for the relay (``.eml`` files under
``stack/relay/``), the MLflow tracking server (backend on PostgreSQL, artifacts proxied by the server from
``<shared_dir>/mlartifacts``, so workers need no path of their own), then Airflow's API server, scheduler,
DAG processor and two Celery workers. No triggerer: no task of this project defers.

Every Airflow process gets the same environment, built by :func:`pipelines.orchestrate.airflow_env` from the
``SDG87_*`` settings of :meth:`Stack.profile` (written to ``stack/profile.env``): the profile is settings only.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from pipelines.orchestrate import _bin, airflow_env, ensure_airflow_db
from pipelines.settings import Settings
from pipelines.stack.processes import (
    LOOPBACK,
    StackError,
    alive,
    free_port,
    http_ok,
    port_is_free,
    spawn,
    stop_group,
    tcp_ready,
    wait_until,
)

WORKERS = ("worker1", "worker2")
AIRFLOW_SERVICES = ("api-server", "scheduler", "dag-processor", *WORKERS)
# Stopped in this order (reverse of start): workers first so no task starts while the rest goes away.
STOP_ORDER = (*reversed(AIRFLOW_SERVICES), "mlflow", "smtp-relay", "redis")
READY_TIMEOUT_S = 300.0


@dataclass(frozen=True)
class StackPorts:
    """Loopback TCP ports of the stack's services (``worker*_logs``: each worker's task-log server)."""

    postgres: int = 54340
    redis: int = 63790
    smtp: int = 2587
    mlflow: int = 5087
    api: int = 8088
    worker1_logs: int = 8793
    worker2_logs: int = 8794

    @classmethod
    def free(cls) -> StackPorts:
        return cls(**{name: free_port() for name in cls.__dataclass_fields__})


class Stack:
    """One local stack whose state lives in ``home/stack`` (see the package docstring)."""

    def __init__(
        self,
        home: Path,
        ports: StackPorts | None = None,
        pg_dir: Path | None = None,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        self.home = Path(home).resolve()
        self.dir = self.home / "stack"
        self.state_file = self.dir / "stack.json"
        state = self._read_state()
        self.ports = ports or (StackPorts(**state["ports"]) if state else StackPorts())
        self.pg_dir = Path(pg_dir or state.get("pg_dir") or self.dir / "postgres")
        self.jwt_secret = state.get("jwt_secret") or secrets.token_urlsafe(32)
        self.pids: dict[str, int] = dict(state.get("pids", {}))
        self.extra_env = dict(extra_env or {})
        self.procs: dict[str, subprocess.Popen] = {}

    # ---- configuration -------------------------------------------------------------------------------
    def pg_url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@{LOOPBACK}:{self.ports.postgres}/{database}"

    @property
    def api_url(self) -> str:
        return f"http://{LOOPBACK}:{self.ports.api}"

    @property
    def mlflow_url(self) -> str:
        return f"http://{LOOPBACK}:{self.ports.mlflow}"

    @property
    def relay_dir(self) -> Path:
        """Where the SMTP sink standing in for the relay writes each message it accepts."""
        return self.dir / "relay"

    def profile(self) -> dict[str, str]:
        """The ``SDG87_*`` settings of the distributed profile on this stack."""
        return {
            "SDG87_HOME": str(self.home),
            "SDG87_SHARED_DIR": str(self.home / "shared"),
            "SDG87_WAREHOUSE_URL": self.pg_url("warehouse"),
            "SDG87_AIRFLOW_DB_URL": self.pg_url("airflow"),
            "SDG87_CELERY_BROKER_URL": f"redis://{LOOPBACK}:{self.ports.redis}/0",
            "SDG87_AIRFLOW_API_URL": self.api_url,
            "SDG87_MLFLOW_TRACKING_URI": self.mlflow_url,
            "SDG87_MLFLOW_ARTIFACT_ROOT": "mlflow-artifacts:/",
            "SDG87_SMTP_HOST": LOOPBACK,
            "SDG87_SMTP_PORT": str(self.ports.smtp),
        }

    def settings(self) -> Settings:
        """Settings of the profile (other ``SDG87_*`` values, e.g. the data folder, from the environment)."""
        names = {f"SDG87_{name.upper()}": name for name in Settings.model_fields}
        return Settings(**{names[key]: value for key, value in self.profile().items()})

    def env(self) -> dict[str, str]:
        """The environment of every Airflow process (and the SMTP sink and MLflow server)."""
        env = airflow_env(self.settings())
        env.update(self.profile())
        env.update(
            {
                "AIRFLOW__API_AUTH__JWT_SECRET": self.jwt_secret,
                "AIRFLOW__API__PORT": str(self.ports.api),
                "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS": env.get(
                    "AIRFLOW__CORE__SIMPLE_AUTH_MANAGER_USERS", "admin:admin"
                ),
            }
        )
        env.update(self.extra_env)
        return env

    @property
    def passwords_file(self) -> Path:
        return self.settings().airflow_home / "simple_auth_manager_passwords.json.generated"

    # ---- state ---------------------------------------------------------------------------------------
    def _read_state(self) -> dict:
        return json.loads(self.state_file.read_text()) if self.state_file.exists() else {}

    def _write_state(self) -> None:
        self.dir.mkdir(parents=True, exist_ok=True)
        state = {"ports": asdict(self.ports), "pg_dir": str(self.pg_dir), "jwt_secret": self.jwt_secret}
        state["pids"] = self.pids
        self.state_file.write_text(json.dumps(state, indent=2))
        self.state_file.chmod(0o600)
        lines = [f"export {key}={value}" for key, value in self.profile().items()]
        (self.dir / "profile.env").write_text("\n".join(lines) + "\n")

    def running(self) -> dict[str, bool]:
        return {name: alive(pid) for name, pid in self.pids.items()}

    # ---- start ---------------------------------------------------------------------------------------
    def up(self) -> None:
        """Start every service and wait until each is ready; on any failure stop what was started."""
        if any(self.running().values()):
            raise StackError(f"the stack in {self.dir} is already running: `make down` first")
        taken = [f"{name}={port}" for name, port in asdict(self.ports).items() if not port_is_free(port)]
        if taken:
            raise StackError(f"ports in use on {LOOPBACK}: {', '.join(taken)}")
        self._write_state()
        try:
            self._start_postgres()
            self._start("redis", [_which("redis-server"), "--port", str(self.ports.redis), "--bind", LOOPBACK,
                                  "--save", "", "--appendonly", "no"], tcp=self.ports.redis)  # fmt: skip
            self.relay_dir.mkdir(parents=True, exist_ok=True)
            self._start("smtp-relay", [sys.executable, "-m", "pipelines.stack", "smtp-sink", "--port",
                                       str(self.ports.smtp), "--dir", str(self.relay_dir)], tcp=self.ports.smtp)  # fmt: skip
            self._start_mlflow()
            self._start_airflow()
        except BaseException:
            self.down()
            raise

    def _start(self, name: str, cmd: list[str], tcp: int | None = None, url: str | None = None, env=None):
        proc = spawn(name, cmd, env or self.env(), self.dir)
        self.procs[name], self.pids[name] = proc, proc.pid
        self._write_state()
        log = self.dir / f"{name}.log"
        if tcp is not None:
            wait_until(name, lambda: tcp_ready(tcp), READY_TIMEOUT_S, proc, log)
        if url is not None:
            wait_until(name, lambda: http_ok(url), READY_TIMEOUT_S, proc, log)
        return proc

    def _start_postgres(self) -> None:
        if not (self.pg_dir / "PG_VERSION").exists():
            if self.pg_dir.exists():
                shutil.rmtree(self.pg_dir)
            self.pg_dir.mkdir(parents=True)
            if os.geteuid() == 0:
                shutil.chown(self.pg_dir, "postgres")
            _pg(["initdb", "-D", str(self.pg_dir), "-U", "postgres", "-A", "trust", "-E", "UTF8"])
        options = (
            f"-p {self.ports.postgres} -c listen_addresses={LOOPBACK} -c unix_socket_directories='' "
            "-c fsync=off -c max_connections=200"
        )
        _pg(["pg_ctl", "-D", str(self.pg_dir), "-o", options, "-l", str(self.pg_dir / "server.log"), "-w",
             "-t", str(int(READY_TIMEOUT_S)), "start"])  # fmt: skip
        import psycopg

        with psycopg.connect(
            f"host={LOOPBACK} port={self.ports.postgres} user=postgres", autocommit=True
        ) as c:
            have = {row[0] for row in c.execute("SELECT datname FROM pg_database")}
            for database in ("airflow", "warehouse", "mlflow"):
                if database not in have:
                    c.execute(f'CREATE DATABASE "{database}"')

    def _start_mlflow(self) -> None:
        artifacts = self.settings().shared_dir / "mlartifacts"
        artifacts.mkdir(parents=True, exist_ok=True)
        cmd = [_bin("mlflow"), "server", "--backend-store-uri", self.pg_url("mlflow"),
               "--artifacts-destination", artifacts.as_uri(), "--serve-artifacts",
               "--host", LOOPBACK, "--port", str(self.ports.mlflow), "--workers", "1"]  # fmt: skip
        self._start("mlflow", cmd, url=f"{self.mlflow_url}/health")

    def _start_airflow(self) -> None:
        from pipelines.warehouse.engine import migrate

        settings = self.settings()
        settings.ensure_dirs()
        migrate(settings.warehouse_url)
        ensure_airflow_db(settings)
        env = self.env()
        airflow = _bin("airflow")
        self._start("api-server", [airflow, "api-server", "--host", LOOPBACK, "--port", str(self.ports.api),
                                   "--workers", "1"], url=f"{self.api_url}/api/v2/monitor/health")  # fmt: skip
        # The scheduler starts once the API server answers: tasks queued earlier would time out reporting to it.
        self._start("scheduler", [airflow, "scheduler"])
        self._start("dag-processor", [airflow, "dag-processor"])
        for name in WORKERS:
            worker_env = dict(env, SDG87_WORKER_NAME=name)
            worker_env["AIRFLOW__LOGGING__WORKER_LOG_SERVER_PORT"] = str(getattr(self.ports, f"{name}_logs"))
            self._start(name, [airflow, "celery", "worker", "--celery-hostname", f"{name}@%h",
                               "--concurrency", "1", "--queues", "default"], env=worker_env)  # fmt: skip
        wait_until("Airflow API server, scheduler and DAG processor", self.airflow_healthy, READY_TIMEOUT_S,
                   self.procs.get("api-server"), self.dir / "api-server.log")  # fmt: skip
        wait_until("Celery workers", self.workers_ready, READY_TIMEOUT_S, self.procs.get(WORKERS[0]),
                   self.dir / f"{WORKERS[0]}.log")  # fmt: skip

    # ---- readiness -----------------------------------------------------------------------------------
    def airflow_healthy(self) -> bool:
        """True when ``/api/v2/monitor/health`` reports the metadata DB, scheduler and DAG processor healthy."""
        import urllib.request

        if not http_ok(f"{self.api_url}/api/v2/monitor/health"):
            return False
        with urllib.request.urlopen(f"{self.api_url}/api/v2/monitor/health", timeout=10) as resp:  # noqa: S310
            health = json.load(resp)
        parts = ("metadatabase", "scheduler", "dag_processor")
        return all((health.get(part) or {}).get("status") == "healthy" for part in parts)

    def workers_ready(self) -> bool:
        """True when every Celery worker answers a broadcast ping through the broker."""
        from celery import Celery

        app = Celery(broker=self.profile()["SDG87_CELERY_BROKER_URL"])
        try:
            replies = app.control.ping(timeout=3.0) or []
        finally:
            app.close()
        names = {name.split("@", 1)[0] for reply in replies for name in reply}
        return set(WORKERS) <= names

    # ---- stop ----------------------------------------------------------------------------------------
    def down(self) -> list[str]:
        """Stop every service (SIGTERM to its process group, then wait), PostgreSQL last. Returns the names
        of the services that were running."""
        stopped = []
        for name in STOP_ORDER:
            pid = self.pids.pop(name, None)
            if pid is not None and stop_group(pid, timeout_s=90.0):
                stopped.append(name)
            proc = self.procs.pop(name, None)
            if proc is not None:
                proc.poll()
        if (self.pg_dir / "postmaster.pid").exists():
            _pg(["pg_ctl", "-D", str(self.pg_dir), "-m", "fast", "-w", "stop"], check=False)
            stopped.append("postgres")
        if self.state_file.exists():
            self._write_state()
        return stopped

    def describe(self) -> str:
        """URLs, log-in and where the logs are, for ``make up``."""
        password = "(see the file below once the API server has written it)"
        if self.passwords_file.exists():
            password = json.loads(self.passwords_file.read_text()).get("admin", password)
        return "\n".join(
            [
                f"Airflow UI/API   {self.api_url}   user admin, password {password}",
                f"                 (simple auth manager password file: {self.passwords_file})",
                f"MLflow           {self.mlflow_url}",
                f"PostgreSQL       {self.pg_url('<airflow|warehouse|mlflow>')}",
                f"Redis broker     {self.profile()['SDG87_CELERY_BROKER_URL']}",
                f"SMTP relay sink  {LOOPBACK}:{self.ports.smtp} -> {self.relay_dir}/*.eml",
                f"Workers          {', '.join(WORKERS)} (CeleryExecutor, queue default)",
                f"Logs and pids    {self.dir}",
                f"Use the profile  source {self.dir / 'profile.env'}  (then e.g. `sdg87 status`)",
                "DAGs start paused: unpause them in the UI (the ingest DAGs start the chain).",
            ]
        )


def _which(name: str) -> str:
    found = shutil.which(name) or next(iter(Path("/usr/bin").glob(name)), None)
    if not found:
        raise StackError(f"{name} not found: install it (Debian: apt-get install -y {name})")
    return str(found)


def _pg(cmd: list[str], check: bool = True) -> subprocess.CompletedProcess:
    """Run a PostgreSQL server program from Debian's packages (as the ``postgres`` user when we are root)."""
    bins = sorted(Path("/usr/lib/postgresql").glob("*/bin"))
    program = str(bins[-1] / cmd[0]) if bins else _which(cmd[0])
    full = [program, *cmd[1:]]
    if os.geteuid() == 0:
        full = ["runuser", "-u", "postgres", "--", *full]
    proc = subprocess.run(full, capture_output=True, text=True, check=False)
    if check and proc.returncode != 0:
        raise StackError(f"{' '.join(cmd[:1])} failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return proc

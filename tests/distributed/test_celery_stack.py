"""The distributed profile end to end: PostgreSQL metadata, CeleryExecutor with two workers on a Redis broker,
the MLflow tracking server and an SMTP relay, all real processes (``pipelines.stack``).

The cron-scheduled ingest starts on its own (DAGs unpaused at creation) and asset events drive the Brazil
chain down to the e-mails. While ``train_brazil`` runs, the worker running it is killed with SIGKILL (process
group, no warm shutdown): the scheduler's heartbeat-timeout detection fails that try and the retry runs on
the other worker. Asserted: every DAG run succeeded, tasks ran on both workers, the killed task succeeded on
the survivor, and every e-mail reached the relay exactly once, matching the delivery log.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from email.parser import BytesHeaderParser
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from pipelines.stack.processes import kill_group
from pipelines.stack.services import WORKERS, Stack, StackPorts
from tests.support import use_sliced_home

pytestmark = [pytest.mark.distributed, pytest.mark.slow, pytest.mark.timeout(3000)]

CHAIN = ["ingest_brazil", "build_features", "train_models", "score_areas", "send_alerts"]
VICTIM = ("train_models", "train_brazil")  # the task whose worker is killed while it runs
CHAIN_TIMEOUT_S = 2100
EXTRA_ENV = {
    "AIRFLOW__CORE__DAGS_ARE_PAUSED_AT_CREATION": "False",
    "AIRFLOW__CORE__PARALLELISM": "2",
    "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "5",
    "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "2",
    # A task whose worker died stops heartbeating; after this many seconds the scheduler fails that try.
    "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT": "60",
    "AIRFLOW__SCHEDULER__TASK_INSTANCE_HEARTBEAT_TIMEOUT_DETECTION_INTERVAL": "5",
    "SDG87_TASK_RETRIES": "1",
    "SDG87_TASK_RETRY_DELAY_S": "5",
}


def _runs(conn) -> dict[str, list[str]]:
    runs: dict[str, list[str]] = {}
    for dag_id, state in conn.execute(text("SELECT dag_id, state FROM dag_run")):
        runs.setdefault(dag_id, []).append(state)
    return runs


def _running_victim(conn) -> str | None:
    row = conn.execute(
        text("SELECT hostname FROM task_instance WHERE dag_id = :d AND task_id = :t AND state = 'running'"),
        {"d": VICTIM[0], "t": VICTIM[1]},
    ).first()
    return row.hostname if row is not None and row.hostname in WORKERS else None


def _relay_message_ids(folder: Path) -> list[str]:
    parser = BytesHeaderParser()
    return [str(parser.parsebytes(p.read_bytes())["Message-ID"]).strip() for p in folder.glob("*.eml")]


def test_celery_stack_runs_the_chain_on_two_workers_and_survives_a_killed_worker(tmp_path, monkeypatch):
    settings = use_sliced_home(monkeypatch, tmp_path, lower_cuts=True)
    # PostgreSQL runs as the `postgres` user when we are root: its data folder needs traversable parents,
    # which pytest's private tmp_path is not.
    pg_root = Path(tempfile.mkdtemp(prefix="sdg87-stack-pg-"))
    pg_root.chmod(0o755)
    stack = Stack(settings.home, StackPorts.free(), pg_dir=pg_root / "data", extra_env=EXTRA_ENV)
    started = time.monotonic()
    killed: str | None = None
    runs: dict[str, list[str]] = {}
    try:
        stack.up()
        meta = create_engine(stack.pg_url("airflow"), pool_pre_ping=True)
        deadline = time.monotonic() + CHAIN_TIMEOUT_S
        while time.monotonic() < deadline:
            with meta.connect() as conn:
                runs = _runs(conn)
                if killed is None and (host := _running_victim(conn)) is not None:
                    kill_group(stack.pids.pop(host))
                    stack.procs.pop(host, None)
                    killed = host
            failed = {d: s for d, s in runs.items() if "failed" in s}
            assert not failed, f"DAG runs failed: {failed}; logs in {stack.dir}"
            active = [d for d, s in runs.items() if {"queued", "running"} & set(s)]
            if "success" in runs.get("send_alerts", []) and not active:
                break
            for name in stack.pids:
                assert stack.running()[name], f"{name} exited; log {stack.dir / (name + '.log')}"
            time.sleep(3)
        else:
            pytest.fail(
                f"the chain did not finish in {CHAIN_TIMEOUT_S} s; runs so far: {runs}; logs in {stack.dir}"
            )

        with meta.connect() as conn:
            tis = conn.execute(
                text("SELECT dag_id, task_id, state, hostname, try_number FROM task_instance")
            ).all()
            history = conn.execute(
                text(
                    "SELECT hostname, state, try_number FROM task_instance_history WHERE dag_id = :d AND task_id = :t"
                ),
                {"d": VICTIM[0], "t": VICTIM[1]},
            ).all()
        meta.dispose()
        warehouse = create_engine(stack.settings().warehouse_url)
        with warehouse.connect() as conn:
            sent = conn.execute(
                text("SELECT message_id FROM delivery WHERE status = 'sent' AND channel = 'email'")
            ).scalars().all()  # fmt: skip
        warehouse.dispose()
        relayed = _relay_message_ids(stack.relay_dir)
    finally:
        stopped = stack.down()
        shutil.rmtree(pg_root, ignore_errors=True)
    print(
        f"distributed chain: {time.monotonic() - started:.0f} s from stack start to stop; stopped {stopped}"
    )

    assert all(set(states) == {"success"} for states in runs.values()), runs
    assert all("success" in runs.get(d, []) for d in CHAIN), runs
    assert {ti.state for ti in tis} == {"success"}, [ti for ti in tis if ti.state != "success"]
    assert {ti.hostname for ti in tis} == set(WORKERS), "tasks did not run on both workers"

    assert killed is not None, f"{VICTIM} was never seen running on a worker"
    victim = next(ti for ti in tis if (ti.dag_id, ti.task_id) == VICTIM)
    assert victim.try_number >= 2, "the killed try was not retried"
    assert victim.hostname != killed, "the retry did not run on the surviving worker"
    assert any(h.hostname == killed and h.state != "success" for h in history), history

    assert sent, "the chain sent no e-mail"
    assert len(relayed) == len(set(relayed)), "an e-mail reached the relay twice"
    assert sorted(relayed) == sorted(sent), "relay and delivery log disagree"

"""``sdg87 ui mlflow`` (what ``make mlflow-ui`` runs) stops its whole tree on one Ctrl-C, also when it was
started as a shell's background job (SIGINT ignored on entry), and on a SIGTERM: the real MLflow UI on
loopback (uvicorn and its workers, the job runner and its Huey consumers), real signals, the process table
read from ``/proc``."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from pipelines.airflow_local import group_members
from pipelines.mail.smtp_server import free_port

pytestmark = pytest.mark.timeout(900)  # a hang guard: uvicorn workers and Huey consumers start on busy cores

READY_S = 300  # generous: the UI imports MLflow in several processes at once on two shared cores
STOP_S = 120  # the stop itself gives the group 20 s after SIGTERM, then SIGKILLs it


def _stat_fields(pid: int) -> list[str] | None:
    """``/proc/<pid>/stat`` after ``pid (comm) ``: state ppid pgrp session ...; None once it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat[stat.rindex(")") + 2 :].split()


def _pids() -> list[int]:
    return [int(entry.name) for entry in Path("/proc").iterdir() if entry.name.isdigit()]


def _children(pid: int) -> list[int]:
    """Pids whose parent is ``pid``."""
    return [p for p in _pids() if (f := _stat_fields(p)) and int(f[1]) == pid]


def _descendants(pid: int) -> list[int]:
    """Pids of every process below ``pid``."""
    found, todo = [], [pid]
    while todo:
        kids = _children(todo.pop())
        found += kids
        todo += kids
    return found


def _in_sessions(sessions: set[int]) -> list[int]:
    """Running (non-zombie) processes whose session is one of ``sessions``."""
    return [p for p in _pids() if (f := _stat_fields(p)) and f[0] != "Z" and int(f[3]) in sessions]


def _running(pid: int) -> bool:
    fields = _stat_fields(pid)
    return fields is not None and fields[0] != "Z"


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=5) as answer:
            return answer.status == 200
    except (urllib.error.URLError, OSError):
        return False


def _port_free(port: int) -> bool:
    """Nothing listens on 127.0.0.1:port and a new server could bind it (TIME_WAIT left by the health
    checks is allowed, as servers set SO_REUSEADDR)."""
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", port)) == 0:
            return False
    with socket.socket() as server:
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            server.bind(("127.0.0.1", port))
            server.listen()
        except OSError:
            return False
    return True


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # what a non-interactive shell gives a job started with `&`


def _ctrl_c(pid: int) -> None:
    os.killpg(pid, signal.SIGINT)  # a terminal sends it to its foreground process group, which `sdg87` leads


def _kill(pid: int) -> None:
    os.kill(pid, signal.SIGTERM)  # `kill <pid>` or a service manager: to the process alone


@pytest.mark.slow
@pytest.mark.parametrize(
    ("start", "stop"),
    [(None, _ctrl_c), (_ignore_sigint, _ctrl_c), (None, _kill)],
    ids=["ctrl-c", "ctrl-c-in-background-job", "sigterm"],
)
def test_one_sigint_stops_the_ui_and_all_its_workers(settings, tmp_path, start, stop):
    port = free_port()
    env = {**os.environ, "SDG87_HOME": str(settings.home), "PYTHONUNBUFFERED": "1"}
    out_path, err_path = tmp_path / "ui.out", tmp_path / "ui.err"
    with out_path.open("w") as out, err_path.open("w") as err:  # files: MLflow logs more than a pipe holds
        ui = subprocess.Popen(
            [sys.executable, "-m", "pipelines.cli", "ui", "mlflow", "--port", str(port)],
            env=env, stdout=out, stderr=err, stdin=subprocess.DEVNULL, start_new_session=True, preexec_fn=start,
        )  # fmt: skip
    try:
        deadline = time.monotonic() + READY_S
        while not _healthy(port):
            if ui.poll() is not None:
                pytest.fail(
                    f"sdg87 ui mlflow exited before it was ready: {ui.returncode} {err_path.read_text()[-3000:]}"
                )
            if time.monotonic() > deadline:
                pytest.fail(f"MLflow UI not healthy after {READY_S} s: {err_path.read_text()[-3000:]}")
            time.sleep(0.5)
        tree = _descendants(ui.pid)
        assert len(tree) >= 3  # mlflow, the uvicorn supervisor and at least one worker
        groups = {int(f[2]) for p in tree if (f := _stat_fields(p))}
        sessions = {ui.pid} | {int(f[3]) for p in tree if (f := _stat_fields(p))}
        stop(ui.pid)  # one signal
        ui.wait(timeout=STOP_S)
    finally:
        if ui.poll() is None:
            for pgid in {ui.pid} | {int(f[2]) for p in _descendants(ui.pid) if (f := _stat_fields(p))}:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(pgid, signal.SIGKILL)
            ui.wait()
    rest, err = out_path.read_text(), err_path.read_text()
    assert ui.returncode == 0, err[-3000:]
    assert "Traceback" not in err and "Traceback" not in rest, err[-3000:]
    assert "stopping MLflow" in rest and "MLflow stopped: terminated" in rest
    # Checked as soon as `sdg87` exits: nothing of the UI is left, not even a worker that left the group.
    assert {g: group_members(g) for g in groups} == {g: [] for g in groups}
    assert _in_sessions(sessions) == []
    assert [p for p in tree if _running(p)] == []
    assert _port_free(port)

"""``sdg87 ui airflow`` (what ``make airflow-ui`` runs) stops its whole tree on one Ctrl-C: real Airflow
components on loopback, a real SIGINT, the process table read from ``/proc``."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.airflow_local import group_members
from pipelines.mail.smtp_server import free_port

pytestmark = pytest.mark.timeout(900)  # a hang guard: four Airflow components start on busy cores


def _children(pid: int) -> list[int]:
    """Pids whose parent is ``pid``."""
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat[stat.rindex(")") + 2 :].split()[1]) == pid:
                out.append(int(entry.name))
    return out


@pytest.mark.slow
def test_one_sigint_stops_every_component_and_its_workers(settings):
    port = free_port()
    env = {**os.environ, "SDG87_HOME": str(settings.home), "PYTHONUNBUFFERED": "1"}
    ui = subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", "ui", "airflow", "--port", str(port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    try:
        for line in ui.stdout:  # readiness: the line printed once the API and the scheduler are healthy
            if line.startswith("Airflow UI on"):
                break
        else:
            pytest.fail(
                f"sdg87 ui airflow exited before it was ready: {ui.wait()} {ui.stderr.read()[-3000:]}"
            )
        groups = _children(ui.pid)  # each component leads its own process group
        assert len(groups) == 4
        members = {g: group_members(g) for g in groups}
        assert sum(len(m) for m in members.values()) > 4  # the components started workers of their own
        ui.send_signal(signal.SIGINT)  # one Ctrl-C
        rest, err = ui.communicate(timeout=300)
    finally:
        if ui.poll() is None:
            os.killpg(ui.pid, signal.SIGKILL)
            ui.wait()
    assert ui.returncode == 0, err[-3000:]
    assert "Traceback" not in err and "Traceback" not in rest
    assert "stopping Airflow" in rest and "Airflow stopped: " in rest
    assert {g: group_members(g) for g in groups} == {g: [] for g in groups}
    left = [p for m in members.values() for p in m if Path(f"/proc/{p}").exists() and _running(p)]
    assert left == []


def _running(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat[stat.rindex(")") + 2] != "Z"

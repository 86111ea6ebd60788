"""Airflow's home under SDG87_HOME is private and follows the home when it moves: real ``airflow``
commands, real metadata DB, a real DAG parse."""

from __future__ import annotations

import shutil
import stat
import subprocess

import pytest

from pipelines.orchestrate import _bin, airflow_env, ensure_airflow_db, private_umask
from pipelines.settings import Settings


def _mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _files(root) -> dict[str, float]:
    return {str(p.relative_to(root)): p.stat().st_mtime for p in root.rglob("*") if p.is_file()}


@pytest.mark.slow  # starts Airflow processes (reserialize, list, a DAG run): about 20 s
def test_a_moved_home_never_writes_into_the_old_one(tmp_path, monkeypatch):
    monkeypatch.delenv("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", raising=False)
    old = Settings(home=tmp_path / "old")
    ensure_airflow_db(old)  # airflow.cfg is generated here, with absolute paths under "old"
    cfg = old.airflow_home / "airflow.cfg"
    assert str(old.airflow_home) in cfg.read_text()
    assert _mode(old.airflow_home) == 0o700 and _mode(cfg) == 0o600
    assert _mode(old.airflow_home / "airflow.db") == 0o600

    shutil.copytree(old.home, tmp_path / "new")  # a copied home: the old one still exists
    new = Settings(home=tmp_path / "new")
    before = _files(old.home)
    ensure_airflow_db(new)
    parse = subprocess.run([_bin("airflow"), "dags", "reserialize"], env=airflow_env(new), capture_output=True,
                           text=True, check=False, preexec_fn=private_umask)  # fmt: skip
    assert parse.returncode == 0, parse.stderr[-2000:]
    listed = subprocess.run([_bin("airflow"), "dags", "list", "-o", "plain"], env=airflow_env(new),
                            capture_output=True, text=True, check=False)  # fmt: skip
    assert "send_alerts" in listed.stdout  # the DAGs were parsed into the new home's metadata DB
    assert _files(old.home) == before  # not one file of the old home created or touched
    assert (new.airflow_home / "airflow.db").stat().st_mtime > before["airflow/airflow.db"]
    env = airflow_env(new)
    assert all(str(old.home) not in v for k, v in env.items() if k.startswith("AIRFLOW"))
    assert env["AIRFLOW__API__HOST"] == "127.0.0.1"

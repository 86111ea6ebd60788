"""The deployment profile is settings only: which ``AIRFLOW__*`` variables each profile implies."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from pipelines.airflow_profile import profile_env, worker_hostname
from pipelines.settings import Settings

PG = "postgresql+psycopg://airflow@db:5432/airflow"


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch, tmp_path):
    monkeypatch.setenv("SDG87_HOME", str(tmp_path / "var"))
    for var in (
        "SDG87_SHARED_DIR",
        "SDG87_AIRFLOW_DB_URL",
        "SDG87_CELERY_BROKER_URL",
        "SDG87_AIRFLOW_API_URL",
    ):
        monkeypatch.delenv(var, raising=False)
    for var in (
        "AIRFLOW__CORE__EXECUTOR",
        "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN",
        "AIRFLOW__CELERY__BROKER_URL",
    ):
        monkeypatch.delenv(var, raising=False)


def test_local_profile_sets_no_airflow_variables_and_shares_home(tmp_path):
    settings = Settings()
    assert profile_env(settings) == {}
    assert settings.shared_dir == settings.home
    assert settings.outbox_dir == settings.home / "outbox"


def test_distributed_profile_maps_to_celery_on_postgresql(tmp_path):
    settings = Settings(
        airflow_db_url=PG,
        celery_broker_url="redis://broker:6379/0",
        airflow_api_url="http://api:8080/",
        shared_dir=tmp_path / "shared",
    )
    env = profile_env(settings)
    assert env["AIRFLOW__CORE__EXECUTOR"] == "CeleryExecutor"
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] == PG
    assert env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC"] == PG
    assert env["AIRFLOW__CELERY__BROKER_URL"] == "redis://broker:6379/0"
    assert env["AIRFLOW__CELERY__RESULT_BACKEND"] == f"db+{PG}"
    assert env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] == "http://api:8080/execution/"
    assert settings.quarantine_dir == tmp_path / "shared" / "quarantine"
    assert settings.airflow_home == settings.home / "airflow"  # per machine, not shared


def test_an_airflow_variable_already_set_wins(monkeypatch):
    monkeypatch.setenv("AIRFLOW__CORE__EXECUTOR", "LocalExecutor")
    env = profile_env(Settings(airflow_db_url=PG, celery_broker_url="redis://broker:6379/0"))
    assert "AIRFLOW__CORE__EXECUTOR" not in env
    assert env["AIRFLOW__CELERY__BROKER_URL"] == "redis://broker:6379/0"


def test_celery_without_a_shared_metadata_db_is_refused():
    with pytest.raises(ValidationError, match="SDG87_AIRFLOW_DB_URL"):
        Settings(celery_broker_url="redis://broker:6379/0")


def test_worker_hostname_names_the_worker_when_set(monkeypatch):
    monkeypatch.setenv("SDG87_WORKER_NAME", "worker2")
    assert worker_hostname() == "worker2"
    monkeypatch.delenv("SDG87_WORKER_NAME")
    assert worker_hostname()

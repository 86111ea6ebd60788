"""Map the deployment profile in :class:`~pipelines.settings.Settings` to Airflow's own configuration.

The local profile sets nothing here (SQLite metadata under ``$SDG87_HOME/airflow``, LocalExecutor). The
distributed profile is the same code with these settings present:

- ``SDG87_AIRFLOW_DB_URL`` → ``AIRFLOW__DATABASE__SQL_ALCHEMY_CONN`` and, for psycopg 3 URLs,
  ``AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC`` (Airflow's async engine needs it with psycopg).
- ``SDG87_CELERY_BROKER_URL`` → ``AIRFLOW__CORE__EXECUTOR=CeleryExecutor``, ``AIRFLOW__CELERY__BROKER_URL``,
  ``AIRFLOW__CELERY__RESULT_BACKEND`` (``db+`` the metadata URL) and the hostname callable below.
- ``SDG87_AIRFLOW_API_URL`` → ``AIRFLOW__CORE__EXECUTION_API_SERVER_URL`` (``<url>/execution/``), the
  endpoint every worker's task process reports to.

An ``AIRFLOW__...`` variable already in the environment wins: this only fills in what is not set.
"""

from __future__ import annotations

import os
import socket

from pipelines.settings import Settings


def profile_env(settings: Settings) -> dict[str, str]:
    """The ``AIRFLOW__*`` variables implied by ``settings`` (empty for the local profile)."""
    env: dict[str, str] = {}
    if settings.airflow_db_url:
        env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = settings.airflow_db_url
        if settings.airflow_db_url.startswith("postgresql+psycopg://"):
            env["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN_ASYNC"] = settings.airflow_db_url
    if settings.celery_broker_url:
        env["AIRFLOW__CORE__EXECUTOR"] = "CeleryExecutor"
        env["AIRFLOW__CELERY__BROKER_URL"] = settings.celery_broker_url
        env["AIRFLOW__CELERY__RESULT_BACKEND"] = f"db+{settings.airflow_db_url}"
        env["AIRFLOW__CORE__HOSTNAME_CALLABLE"] = "pipelines.airflow_profile.worker_hostname"
    if settings.airflow_api_url:
        env["AIRFLOW__CORE__EXECUTION_API_SERVER_URL"] = f"{settings.airflow_api_url.rstrip('/')}/execution/"
    return {key: value for key, value in env.items() if key not in os.environ}


def worker_hostname() -> str:
    """The name Airflow records as a task instance's ``hostname``: ``SDG87_WORKER_NAME`` if set, else the
    machine's FQDN (Airflow's default). Several workers on one machine set it to tell their tasks apart;
    on separate machines or pods the FQDN already differs."""
    return os.environ.get("SDG87_WORKER_NAME") or socket.getfqdn()

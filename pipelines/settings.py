"""Typed settings for every sdg87 step, read from ``SDG87_*`` environment variables or a ``.env`` file.

Build one with :func:`get_settings` inside a task or command, never at import time, so that tests and
Airflow workers can inject their own environment.

Paths: ``home`` (``SDG87_HOME``, default ``<project>/var``, resolved from this file's location once, never
from the working directory) holds every piece of local state — the SQLite
warehouse, the MLflow store and artifacts, Airflow's home, the e-mail outbox, quarantine and reports.
``shared_dir`` (``SDG87_SHARED_DIR``, default ``home``) holds the files tasks write for people or for other
tasks (outbox, quarantine, reports, data docs): on several workers it must be one shared folder
(docs/adr/0040-distributed-profile-and-shared-state.md).

Profiles: the local one (SQLite, LocalExecutor) needs nothing set; the distributed one sets
``airflow_db_url``, ``celery_broker_url`` and the warehouse/MLflow/SMTP URLs, mapped to Airflow's own
variables in :func:`pipelines.airflow_profile.profile_env`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parents[1]
# Publicly known: only for the local quickstart (see ``Settings.secret_key``).
DEV_SECRET_KEY = "insecure-dev-key-for-local-quickstart-only"


class Settings(BaseSettings):
    """All configuration of one sdg87 deployment. Environments differ only by these values."""

    # Errors never echo a value: a mistyped secret (SDG87_SECRET_KEY, SDG87_SMTP_PASSWORD) must not be printed.
    model_config = SettingsConfigDict(
        env_prefix="SDG87_", env_file=PROJECT_ROOT / ".env", extra="ignore", hide_input_in_errors=True
    )

    home: Path = Field(
        default=PROJECT_ROOT / "var", description="Local state folder (SDG87_HOME); default <project>/var."
    )
    data_dir: Path = Field(
        default=PROJECT_ROOT / "data" / "sample",
        description="Folder holding the source files (the shipped sample by default).",
    )
    warehouse_url: str = Field(default="", description="SQLAlchemy URL; default SQLite under home.")
    mlflow_tracking_uri: str = Field(
        default="", description="MLflow tracking URI; default SQLite under home."
    )
    mlflow_artifact_root: str = Field(default="", description="Artifact root URI; default home/mlartifacts.")
    seed_examples: bool = Field(
        default=False,
        description="Insert the shipped example subscriptions before each alert run (SDG87_SEED_EXAMPLES): "
        "the demo (`sdg87 run`, `make run`) turns it on; a deployed DAG leaves it off.",
    )
    task_retries: int = Field(
        default=2, ge=0, description="Retries of a failed DAG task (`sdg87 run` sets 0 to fail fast)."
    )

    shared_dir: Path | None = Field(
        default=None, description="Folder every worker reaches (SDG87_SHARED_DIR); default home."
    )
    airflow_db_url: str = Field(
        default="", description="Airflow metadata DB (SQLAlchemy URL); default SQLite under home/airflow."
    )
    celery_broker_url: str = Field(
        default="", description="Celery broker, e.g. redis://host:6379/0; set = CeleryExecutor."
    )
    airflow_api_url: str = Field(
        default="",
        description="Base URL of the Airflow API server as workers reach it, e.g. http://host:8080.",
    )

    smtp_host: str | None = Field(
        default=None, description="SMTP relay host; unset = the in-process server writing .eml to outbox."
    )
    smtp_port: int = 25
    smtp_user: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    mail_from: str = "sdg87 alerts <alerts@sdg87.invalid>"
    operator_email: str = "operator@example.org"

    public_url: str = Field(default="http://127.0.0.1:8087", description="Base URL for links in e-mails.")
    # Signs confirmation, unsubscribe and feedback links (HMAC-SHA256). The default is a publicly known
    # development key: links signed with it are refused unless public_url points at this machine.
    secret_key: str = Field(default=DEV_SECRET_KEY, min_length=16, description="SDG87_SECRET_KEY.")
    link_max_age_days: int = Field(default=90, ge=1, description="Feedback links expire after this.")

    # Alert rules (docs/adr/0033-alert-hysteresis-cooldown-all-clear.md).
    alert_leave_p: float = Field(
        default=0.10, ge=0.0, le=1.0, description="An alerted area closes below this p."
    )
    alert_cooldown_days: int = Field(
        default=90, ge=0, description="No repeat of an unchanged area before this."
    )
    alert_top_n: int = Field(default=25, ge=1)
    all_clear_days: int = Field(
        default=28, ge=1, description="An all-clear at most this often per recipient."
    )
    country_alert_min_change_pp: float = Field(
        default=2.0,
        gt=0.0,
        description="A country-level alert lists a country whose child-labour estimate moved by at least "
        "this many percentage points between world-estimate runs (or whose intervention type changed).",
    )
    max_input_age_days: int = Field(default=400, ge=1, description="Newest load older than this is stale.")
    webhook_url: str | None = Field(default=None, description="Optional partner endpoint for JSON alerts.")
    smtp_retries: int = Field(default=3, ge=0, description="Retries of a transient SMTP error, with backoff.")
    smtp_backoff_s: float = Field(default=2.0, ge=0.0, description="First retry delay; doubles each time.")
    delivery_lease_s: float = Field(
        default=600.0,
        ge=1.0,
        description="A run's hold on a pending delivery; longer than one send with retries.",
    )
    outbox_retention_days: int = Field(
        default=90, ge=1, description="Outbox .eml files older than this are deleted at each alert run."
    )
    max_body_bytes: int = Field(default=65536, ge=1024, description="Largest request body the web app reads.")
    rate_limit_per_minute: int = Field(
        default=60, ge=1, description="Requests per client address and minute."
    )

    # Risk classes: p >= risk_high is `high`, p >= risk_medium is `medium`, else `low`
    # (docs/adr/0023-brazil-risk-cut-points.md: `high` is about seven times the national rate).
    risk_medium: float = Field(default=0.05, ge=0.0, le=1.0)
    risk_high: float = Field(default=0.15, ge=0.0, le=1.0)

    # How much of the Brazil rolling-origin backtest training runs (models/windows.py BACKTESTS): `full`
    # (every window, both horizons, the "as published" editions: the figures the model card reports) or
    # `quick` (horizon 1 on the last three target years, no edition windows: for checking the wiring, never
    # for reading skill).
    backtest: Literal["full", "quick"] = Field(default="full", description="SDG87_BACKTEST: full or quick.")

    # Study-area and model identity.
    brazil_model_name: str = "sdg87-brazil-forced-labour"
    brazil_experiment: str = "sdg87-brazil-forced-labour"
    random_seed: int = 87

    @field_validator("home", "data_dir", "shared_dir", mode="after")
    @classmethod
    def _absolute(cls, value: Path | None) -> Path | None:
        return None if value is None else value.expanduser().resolve()

    @model_validator(mode="after")
    def _defaults_under_home(self) -> Settings:
        if not self.warehouse_url:
            self.warehouse_url = f"sqlite:///{self.home / 'warehouse.db'}"
        if not self.mlflow_tracking_uri:
            self.mlflow_tracking_uri = f"sqlite:///{self.home / 'mlflow.db'}"
        if not self.mlflow_artifact_root:
            self.mlflow_artifact_root = (self.home / "mlartifacts").as_uri()
        if self.shared_dir is None:
            self.shared_dir = self.home
        if self.celery_broker_url and not self.airflow_db_url:
            raise ValueError(
                "SDG87_CELERY_BROKER_URL is set but SDG87_AIRFLOW_DB_URL is not: Celery workers need a "
                "metadata DB they all reach (PostgreSQL), not the SQLite file under SDG87_HOME"
            )
        if self.risk_medium >= self.risk_high:
            raise ValueError(
                f"SDG87_RISK_MEDIUM ({self.risk_medium}) must be below SDG87_RISK_HIGH ({self.risk_high})"
            )
        if self.alert_leave_p > self.risk_high:
            raise ValueError(
                f"SDG87_ALERT_LEAVE_P ({self.alert_leave_p}) must not exceed SDG87_RISK_HIGH ({self.risk_high})"
            )
        return self

    # Derived folders (created on demand by the steps that write them). Airflow's home is per machine; the
    # others are under shared_dir because a task on one worker writes them and people or tasks read them.
    @property
    def outbox_dir(self) -> Path:
        return self.shared_dir / "outbox"

    @property
    def airflow_home(self) -> Path:
        return self.home / "airflow"

    @property
    def quarantine_dir(self) -> Path:
        return self.shared_dir / "quarantine"

    @property
    def reports_dir(self) -> Path:
        return self.shared_dir / "reports"

    @property
    def gx_dir(self) -> Path:
        return self.shared_dir / "gx"

    def ensure_dirs(self) -> None:
        """Create the local state folders."""
        for path in (
            self.home,
            self.shared_dir,
            self.outbox_dir,
            self.airflow_home,
            self.quarantine_dir,
            self.reports_dir,
        ):
            path.mkdir(parents=True, exist_ok=True)


def get_settings() -> Settings:
    """Return settings read from the environment now (no caching: tests change the environment)."""
    return Settings()

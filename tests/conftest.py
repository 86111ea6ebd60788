"""Shared fixtures. Every test gets its own ``SDG87_HOME`` under ``tmp_path``; nothing touches ``./var``."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("MLFLOW_DISABLE_TELEMETRY", "true")
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
os.environ.setdefault("DO_NOT_TRACK", "true")

PROJECT_ROOT = Path(__file__).resolve().parents[1]
SAMPLE_DATA = PROJECT_ROOT / "data" / "sample"


@pytest.fixture
def sdg87_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point SDG87_HOME at a fresh folder; the default SQLite warehouse and MLflow store live there."""
    home = tmp_path / "var"
    monkeypatch.setenv("SDG87_HOME", str(home))
    for var in ("SDG87_WAREHOUSE_URL", "SDG87_MLFLOW_TRACKING_URI", "SDG87_MLFLOW_ARTIFACT_ROOT", "SDG87_SMTP_HOST"):
        monkeypatch.delenv(var, raising=False)
    return home


@pytest.fixture
def settings(sdg87_env: Path):
    """Settings for a fresh home with a migrated SQLite warehouse."""
    from pipelines.settings import get_settings
    from pipelines.warehouse.engine import migrate

    s = get_settings()
    s.ensure_dirs()
    migrate(s.warehouse_url)
    return s


@pytest.fixture
def engine(settings):
    from pipelines.warehouse.engine import make_engine

    eng = make_engine(settings.warehouse_url)
    yield eng
    eng.dispose()

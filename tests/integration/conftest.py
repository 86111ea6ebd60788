"""Fixtures shared by the integration tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SAMPLE_DATA


def _load_para(root: Path, settings) -> None:
    from pipelines.ingest import run_source, slice_sample

    slice_sample(SAMPLE_DATA, root / "data", ["PA"])
    assert run_source("brazil_areas", settings=settings)["status"] == "published"


@pytest.fixture
def para(tmp_path, backend_settings, build_once):
    """A real slice (Pará, 144 municipalities) with its areas loaded into a fresh warehouse (both backends).

    On SQLite the loaded warehouse is built once per run and copied (``build_once``); on PostgreSQL each
    test loads its own database."""
    if backend_settings.warehouse_url.startswith("sqlite"):
        from pipelines.settings import Settings
        from pipelines.warehouse.engine import migrate

        def build(root: Path) -> None:
            settings = Settings(home=root / "var", data_dir=root / "data")
            settings.ensure_dirs()
            migrate(settings.warehouse_url)
            _load_para(root, settings)

        build_once.copy("para-areas-sqlite", build, tmp_path)  # the same layout: tmp_path/var, tmp_path/data
        return backend_settings.model_copy(update={"data_dir": tmp_path / "data"})
    settings = backend_settings.model_copy(update={"data_dir": tmp_path / "data"})
    _load_para(tmp_path, settings)
    return settings

"""Fixtures shared by the integration tests."""

from __future__ import annotations

import pytest

from tests.conftest import SAMPLE_DATA


@pytest.fixture
def para(tmp_path, backend_settings):
    """A real slice (Pará, 144 municipalities) with its areas loaded into a fresh warehouse (both backends)."""
    from pipelines.ingest import run_source, slice_sample

    data = tmp_path / "data"
    slice_sample(SAMPLE_DATA, data, ["PA"])
    settings = backend_settings.model_copy(update={"data_dir": data})
    run_source("brazil_areas", settings=settings)
    return settings

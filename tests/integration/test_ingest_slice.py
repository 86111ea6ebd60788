"""The Brazil family runs end to end on a slice of the real data (Pará and Mato Grosso)."""

from __future__ import annotations

from pathlib import Path

from pipelines.ingest import SOURCE_FAMILIES, run_source, slice_sample
from pipelines.settings import Settings
from tests.conftest import SAMPLE_DATA

# Real rows of the employer-list file whose IBGE code starts with 15 (PA) or 51 (MT).
EMPLOYER_ROWS_PA_MT = 41


def _sqlite(home: Path) -> str:
    # An explicit SQLite URL: a warehouse URL in the environment (e.g. CI's PostgreSQL) is never touched.
    return f"sqlite:///{home / 'warehouse.db'}"


def test_brazil_family_loads_a_two_state_slice(tmp_path):
    data = tmp_path / "data"
    slice_sample(SAMPLE_DATA, data, ["PA", "MT"])
    settings = Settings(home=tmp_path / "var", data_dir=data, warehouse_url=_sqlite(tmp_path / "var"))
    rows = {name: run_source(name, settings=settings)["rows_published"] for name in SOURCE_FAMILIES["brazil"]}
    municipalities = 144 + 141
    assert rows["brazil_areas"] == 1 + 2 + municipalities
    assert rows["brazil_population"] == municipalities * 10
    assert rows["brazil_employer_list"] == 2 * EMPLOYER_ROWS_PA_MT
    assert 0 < rows["brazil_census"] < 417_375

"""The Brazil family runs end to end on a slice of the real data (Pará and Mato Grosso), on both backends."""

from __future__ import annotations

from pipelines.ingest import SOURCE_FAMILIES, run_source, slice_sample
from tests.conftest import SAMPLE_DATA

# Real rows of the employer-list file whose IBGE code starts with 15 (PA) or 51 (MT), and the activity
# groups (agriculture 01, forestry 02, mining 05-09, construction 41-43) their CNAE divisions fall in.
EMPLOYER_ROWS_PA_MT = 41
ACTIVITY_FLAGS_PA_MT = 35


def test_brazil_family_loads_a_two_state_slice(tmp_path, backend_settings):
    data = tmp_path / "data"
    slice_sample(SAMPLE_DATA, data, ["PA", "MT"])
    settings = backend_settings.model_copy(update={"data_dir": data})
    rows = {name: run_source(name, settings=settings)["rows_published"] for name in SOURCE_FAMILIES["brazil"]}
    municipalities = 144 + 141
    assert rows["brazil_areas"] == 1 + 2 + municipalities
    assert rows["brazil_population"] == municipalities * 10
    assert rows["brazil_employer_list"] == 2 * EMPLOYER_ROWS_PA_MT + ACTIVITY_FLAGS_PA_MT
    assert 0 < rows["brazil_census"] < 417_375
    again = {name: run_source(name, settings=settings)["status"] for name in SOURCE_FAMILIES["brazil"]}
    assert set(again.values()) == {"unchanged"}


def test_brazil_areas_replace_the_world_placeholder_of_brazil(tmp_path, settings):
    """The world countries may load first and insert ``BRA`` (Natural Earth's outline) while Brazil's own
    boundaries are absent; a regional slice's Brazil (two states) then replaces it. That placeholder is
    not an earlier version of Brazil's boundary, so the boundary-change rule does not compare with it."""
    data = tmp_path / "data"
    slice_sample(SAMPLE_DATA, data, ["PA", "MT"])
    sliced = settings.model_copy(update={"data_dir": data})
    assert run_source("world_areas", settings=sliced)["status"] == "published"
    assert run_source("brazil_areas", settings=sliced)["status"] == "published"

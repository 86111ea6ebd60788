"""Each connector stages the real sample files into the expected shape and row count (no warehouse)."""

from __future__ import annotations

from datetime import date

import pytest

from pipelines.ingest.connector import AREA_COLUMNS, OBSERVATION_COLUMNS
from pipelines.ingest.registry import CONNECTORS, SOURCE_FAMILIES
from pipelines.ingest.runner import resolve_inputs
from tests.conftest import SAMPLE_DATA

# Rows measured on data/sample (see data/README.md).
EXPECTED_ROWS = {
    "brazil_employer_list": 848 + 347,  # events and workers per row + activity flags
    "brazil_inspections": 6_711,
    "brazil_census": 417_375,
    "brazil_population": 55_700,
    "world_sdg871": 462,
    "world_wdi_child_labour": 843,
    "world_gapminder": 231_235,
    "world_ilab": 29_528,
    "world_ilab_goods": 1_362,
    "world_ceacr": 1_840,
    "world_wb_poverty": 39_141,
    "world_wdi_protection": 808,
}


def _stage(name):
    connector = CONNECTORS[name]
    return connector.stage(resolve_inputs(connector, SAMPLE_DATA))


def test_families_list_every_connector_once():
    names = [n for family in SOURCE_FAMILIES.values() for n in family]
    assert sorted(names) == sorted(CONNECTORS)
    assert SOURCE_FAMILIES["brazil"][0] == "brazil_areas" and SOURCE_FAMILIES["world"][0] == "world_areas"


@pytest.mark.parametrize("name", sorted(EXPECTED_ROWS))
def test_observation_connectors(name):
    staged = _stage(name)
    frame = staged.frame
    assert len(frame) == EXPECTED_ROWS[name]
    assert list(frame.columns) == OBSERVATION_COLUMNS + ["unit"]
    assert frame["value"].notna().all()
    assert set(frame["indicator_code"]) <= set(staged.indicators["indicator_code"])
    assert not frame.duplicated(["area_id", "period", "indicator_code", "source", "vintage"]).any()
    assert (frame["vintage"] >= frame["period"]).all()


def test_employer_list_vintage_is_first_edition():
    frame = _stage("brazil_employer_list").frame
    # Real row: 3304557 (Rio de Janeiro), inspection 2016, shown only in the 2023-03-09 edition.
    row = frame[(frame["area_id"] == "BRA.3304557") & (frame["period"] == date(2016, 1, 1))]
    assert set(row["vintage"]) == {date(2023, 3, 9)}
    assert set(row["indicator_code"]) == {"fl_employer_list_events", "fl_employer_list_workers"}


def test_gapminder_drops_projections():
    frame = _stage("world_gapminder").frame
    assert max(frame["period"]) <= date(2024, 1, 1)


def test_ilab_working_children_is_percent_in_every_year():
    frame = _stage("world_ilab").frame
    working = frame[frame["indicator_code"] == "ilab_working_children_pct"]
    by_year = working.groupby(working["period"].map(lambda d: d.year))["value"].median()
    assert by_year.between(5, 30).all()  # a fraction (0.13) left unscaled would fail this


def test_world_areas_fix_minus_99_codes():
    frame = _stage("world_areas").frame
    ids = set(frame["area_id"])
    assert {"FRA", "NOR", "XKX", "CYP", "SOM"} <= ids and "-99" not in ids
    assert list(frame.columns) == AREA_COLUMNS
    assert frame["area_id"].is_unique


def test_world_admin1_ids_parents_and_missing_polygons():
    frame = _stage("world_admin1").frame
    assert len(frame) == 4_560 and frame["area_id"].is_unique  # without the 27 Brazilian states
    assert (
        not frame["area_id"].str.startswith("BRA.").any()
        and not frame["name"].isin(["Pernambouc", "fédéral"]).any()
    )
    assert (frame["area_id"].str.split(".").str[0] == frame["parent_id"]).all()
    assert set(frame["level"]) == {"1"}
    # Real features: Somaliland's provinces report under SOM, Kosovo's under XKX.
    assert {"SOM", "XKX"} <= set(frame["parent_id"])
    assert frame["geometry_wkb"].isna().sum() == 288  # lost in the publisher's simplification
    assert frame.loc[frame["geometry_wkb"].notna(), "area_km2"].gt(0).all()

"""The supervisory, World Bank and boundary readers on real files and on small synthetic edits of them."""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import pandas as pd
import pytest
import shapely

from pipelines.ingest.errors import CrosswalkError, SourceFormatError
from pipelines.ingest.readers.geometry_checks import checked_polygons
from pipelines.ingest.readers.world_bank_files import read_databank_export, read_ddf_by_economy
from pipelines.ingest.registry import CONNECTORS
from pipelines.ingest.runner import resolve_inputs
from pipelines.ingest.sources.world.ceacr import comment_vintage, read_comments
from pipelines.ingest.sources.world.country_codes import iso3_values, read_entities
from tests.conftest import SAMPLE_DATA

CEACR = SAMPLE_DATA / "world/supervisory/ceacr_comments_metadata.csv"
POVERTY = SAMPLE_DATA / "world/covariates/wb_poverty/WB_PovertyAndEquity_2019-03-21.csv"
BIRTHS = SAMPLE_DATA / "world/covariates/wdi/ddf--datapoints--sp_reg_brth_zs--by--economy--year.csv"


@pytest.fixture(scope="module")
def countries():
    return iso3_values(
        read_entities(SAMPLE_DATA / "world/covariates/gapminder/ddf--entities--geo--country.csv")
    )


def _stage(name):
    connector = CONNECTORS[name]
    return connector.stage(resolve_inputs(connector, SAMPLE_DATA))


def test_ceacr_counts_only_country_year_comments_and_says_sample():
    staged = _stage("world_ceacr")
    totals = staged.frame[staged.frame["indicator_code"] == "ceacr_comments"]
    assert totals["value"].sum() == 134  # of 169 rows: 35 lack a country or a year
    assert staged.indicators["description"].str.contains("SAMPLE").all()
    # Real comment: Brazil, 1997, one comment in the sample.
    brazil = totals[totals["area_id"] == "BRA"]
    assert brazil["period"].tolist() == [date(1997, 1, 1)] and brazil["value"].tolist() == [1.0]


def test_ceacr_deduplicates_by_comment_id(tmp_path):
    lines = CEACR.read_text(encoding="utf-8").splitlines(keepends=True)
    # Edit: the first row with a comment id appears again under a new row_id.
    again = "999," + lines[1].split(",", 1)[1]
    path = tmp_path / "ceacr_duplicated.csv"
    path.write_text("".join([*lines, again]), encoding="utf-8")
    assert len(read_comments(path)) == len(read_comments(CEACR))


def test_ceacr_contract_violation_names_line_and_column(tmp_path):
    lines = CEACR.read_text(encoding="utf-8").splitlines(keepends=True)
    # Edit: row 5 names a convention outside the contract.
    lines[4] = lines[4].replace(",C029,", ",C999,", 1)
    path = tmp_path / "ceacr_bad_convention.csv"
    path.write_text("".join(lines), encoding="utf-8")
    with pytest.raises(SourceFormatError) as err:
        read_comments(path)
    assert err.value.rule == "CSV contract" and err.value.line == 5 and "convention 'C999'" in str(err.value)


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ({"year_adopted": "2021", "comment_type": "cas_conclusion", "ilc_session_published": None}, date(2021, 6, 30)),
        ({"year_adopted": "2021", "comment_type": "observation", "ilc_session_published": "110"}, date(2022, 3, 1)),
        ({"year_adopted": "2021", "comment_type": "observation", "ilc_session_published": None}, date(2022, 3, 1)),
    ],
)  # fmt: skip
def test_comment_vintage(row, expected):
    assert comment_vintage(pd.Series(row, dtype=object)) == expected


def test_databank_export_missing_is_dotdot_and_footer_dates_it(countries):
    rows, updated = read_databank_export(POVERTY, countries)
    assert updated == date(2019, 3, 21)
    assert rows["value"].notna().all() and len(rows) == 39_141  # ".." cells are absent, never 0
    assert not rows["area_id"].isin({"WLD", "SSF", "HIC"}).any()  # aggregates are not countries


def test_databank_export_without_footer_is_a_format_error(tmp_path, countries):
    lines = POVERTY.read_text(encoding="utf-8-sig").splitlines(keepends=True)
    path = tmp_path / "poverty_no_footer.csv"
    path.write_text("".join(lines[:-5]), encoding="utf-8")
    with pytest.raises(SourceFormatError, match="DataBank footer"):
        read_databank_export(path, countries)


def test_a_series_without_a_declared_unit_is_a_format_error(tmp_path):
    from pipelines.ingest.sources.world.wb_poverty import CONNECTOR

    # Edit: one real series code renamed to one the connector has no unit for.
    text = POVERTY.read_text(encoding="utf-8-sig").replace("SI.POV.GINI", "SI.POV.GINX")
    root = tmp_path / "data"
    for role, rel in CONNECTOR.inputs.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        src = SAMPLE_DATA / rel
        (root / rel).write_text(
            text if role == "export" else src.read_text(encoding="utf-8"), encoding="utf-8"
        )
    with pytest.raises(SourceFormatError, match="unknown series.*SI.POV.GINX"):
        CONNECTOR.stage(resolve_inputs(CONNECTOR, root))


def test_unknown_economy_code_is_listed(tmp_path, countries):
    # Edit: one real row's economy becomes an invented code.
    lines = BIRTHS.read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path / "births_unknown.csv"
    path.write_text("".join([*lines, "zzz,2015,50.0\n"]), encoding="utf-8")
    with pytest.raises(CrosswalkError) as err:
        read_ddf_by_economy(path, "sp_reg_brth_zs", countries)
    assert err.value.unmatched == ["ZZZ"]


def _frame(geoms, crs="EPSG:4326"):
    return gpd.GeoDataFrame({"id": [str(i) for i in range(len(geoms))]}, geometry=geoms, crs=crs)


def test_a_repair_that_changes_the_shape_is_refused_and_a_collapsed_polygon_raises():
    # synthetic: a square whose ring folds into a bow tie; the rings enclose 0, the repair 0.5
    bowtie = shapely.Polygon([(0, 0), (1, 1), (1, 0), (0, 1), (0, 0)])
    with pytest.raises(SourceFormatError, match="repair changes shape.*'bowtie'"):
        checked_polygons(_frame([bowtie]), pd.Series(["bowtie"]), "synthetic.json")
    # synthetic: an island written as a hole outside its shell is repaired (area unchanged in meaning)
    island = shapely.Polygon(shapely.box(0, 0, 1, 1).exterior, [shapely.box(2, 2, 3, 3).exterior])
    repaired = checked_polygons(_frame([island]), pd.Series(["island"]), "synthetic.json")
    assert repaired.iloc[0].area == pytest.approx(2.0)
    line = shapely.Polygon([(0, 0), (1, 0), (2, 0), (0, 0)])  # synthetic: no area
    with pytest.raises(SourceFormatError, match="invalid polygon.*'flat'"):
        checked_polygons(_frame([island, line]), pd.Series(["island", "flat"]), "synthetic.json")


def test_projected_coordinates_and_empty_geometries_are_named():
    square = shapely.box(500_000, 9_000_000, 510_000, 9_010_000)  # synthetic, metres
    with pytest.raises(SourceFormatError, match="coordinates out of range"):
        checked_polygons(_frame([square]), pd.Series(["utm"]), "synthetic.json")
    with pytest.raises(SourceFormatError, match="CRS"):
        checked_polygons(_frame([square], crs="EPSG:32722"), pd.Series(["utm"]), "synthetic.json")
    empty = _frame([shapely.Polygon(), shapely.box(0, 0, 1, 1)])
    with pytest.raises(SourceFormatError, match="empty geometry"):
        checked_polygons(empty, pd.Series(["a", "b"]), "synthetic.json")
    kept = checked_polygons(empty, pd.Series(["a", "b"]), "synthetic.json", allow_empty=True)
    assert kept.iloc[0] is None and kept.iloc[1].area == 1.0

"""The world family loaded into a real warehouse (SQLite and PostgreSQL); crosswalk and area-ownership cases."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from pipelines.ingest import SOURCE_FAMILIES, CrosswalkError, SourceFormatError, run_source, slice_sample
from pipelines.settings import Settings
from pipelines.sql_files import query
from pipelines.warehouse.engine import make_engine
from pipelines.warehouse.frames import read_frame
from pipelines.warehouse.schema import Area, IngestRun, Observation
from pipelines.world import WORLD
from tests.conftest import SAMPLE_DATA

ILAB_XML = "world/government_response/ilab/raw_xml"
ENTITIES = "world/covariates/gapminder/ddf--entities--geo--country.csv"
# Rows measured on data/sample (see data/README.md).
WORLD_ROWS = {
    "world_areas": 249 + 8,  # countries and the UN SDG regions
    "world_admin1": 4_560,  # 4,587 less the 27 Brazilian states (official ones from brazil_areas)
    "world_sdg871": 243 + 219,
    "world_wdi_child_labour": 3 * 281,
    "world_gapminder": 231_235,
    "world_ilab": 29_528,
    "world_ilab_goods": 1_362,
    "world_ceacr": 1_840,
    "world_wb_poverty": 39_141,
    "world_wdi_protection": 808,
}
AREA_SOURCES = {"world_areas", "world_admin1"}


def _scalar(settings: Settings, stmt):
    engine = make_engine(settings.warehouse_url)
    with engine.connect() as conn:
        value = conn.execute(stmt).scalar()
    engine.dispose()
    return value


@pytest.mark.slow
def test_world_family_publishes_the_measured_rows_then_is_unchanged(backend_settings):
    settings = backend_settings
    results = {name: run_source(name, settings=settings) for name in SOURCE_FAMILIES["world"]}
    assert {n: (r["status"], r["rows_published"]) for n, r in results.items()} == {
        n: ("published", rows) for n, rows in WORLD_ROWS.items()
    }
    before = _scalar(settings, select(func.count()).select_from(Observation))
    assert before == sum(rows for n, rows in WORLD_ROWS.items() if n not in AREA_SOURCES)
    again = [run_source(name, settings=settings)["status"] for name in SOURCE_FAMILIES["world"]]
    assert set(again) == {"unchanged"}
    assert _scalar(settings, select(func.count()).select_from(Observation)) == before
    # Real cell: Afghanistan, 2015 report, labour inspections "Unknown" → no observation at all.
    unknown = select(func.count()).where(
        Observation.area_id == "AFG",
        Observation.period == date(2015, 1, 1),
        Observation.indicator_code == "ilab_labor_inspections",
    )
    assert _scalar(settings, unknown) == 0


def test_brazil_area_belongs_to_the_brazil_study(tmp_path, backend_settings):
    data = tmp_path / "data"
    slice_sample(SAMPLE_DATA, data, ["AC"])
    settings = backend_settings.model_copy(update={"data_dir": data})
    run_source("brazil_areas", settings=settings)
    result = run_source("world_areas", settings=settings)
    assert result["rows_in"] == 257 and result["rows_published"] == 256
    assert _scalar(settings, select(Area.study).where(Area.area_id == "BRA")) == "brazil"
    # Brazil's row stays the Brazil study's; the world source only gives it the region it lacked
    assert _scalar(settings, select(Area.parent_id).where(Area.area_id == "BRA")) == "SDG.LAC"
    assert _scalar(settings, select(Area.level).where(Area.area_id == "SDG.LAC")) == "region"
    # ... and it is a country of the world model like any other, with a name and a centroid
    engine = make_engine(settings.warehouse_url)
    with engine.connect() as conn:
        countries = read_frame(conn, query("world_countries"), WORLD)
    engine.dispose()
    assert "BRA" in set(countries["area_id"]) and len(countries) == 249
    assert not countries["area_id"].str.startswith("SDG.").any()


def _ilab_root(tmp_path: Path, edit) -> Path:
    """A data root holding the real ILAB report files and crosswalk, with ``edit(name, text)`` applied."""
    root = tmp_path / "data"
    (root / ILAB_XML).mkdir(parents=True)
    (root / ENTITIES).parent.mkdir(parents=True)
    (root / ENTITIES).write_bytes((SAMPLE_DATA / ENTITIES).read_bytes())
    for src in sorted((SAMPLE_DATA / ILAB_XML).glob("countries_*.xml")):
        (root / ILAB_XML / src.name).write_text(
            edit(src.name, src.read_text(encoding="utf-8")), encoding="utf-8"
        )
    return root


def _published(settings: Settings) -> tuple[int, int]:
    observations = _scalar(settings, select(func.count()).select_from(Observation))
    return observations, _scalar(settings, select(func.count()).where(IngestRun.status == "published"))


def test_unmatched_country_names_are_listed_and_nothing_is_written(tmp_path, backend_settings):
    settings = backend_settings
    run_source("world_areas", settings=settings)

    # Edit: two real countries of the 2019 report get invented names.
    def rename(name, text):
        if name != "countries_2019.xml":
            return text
        return text.replace("<Name>Afghanistan</Name>", "<Name>Atlantis</Name>").replace(
            "<Name>Albania</Name>", "<Name>Lemuria</Name>"
        )

    root = _ilab_root(tmp_path, rename)
    before = _published(settings)
    with pytest.raises(CrosswalkError) as err:
        run_source("world_ilab", path=root, settings=settings)
    assert err.value.unmatched == ["Atlantis", "Lemuria"] and "countries_2019.xml" in str(err.value)
    assert _published(settings) == before


def test_xml_report_missing_an_element_is_named_and_nothing_is_written(tmp_path, backend_settings):
    settings = backend_settings
    run_source("world_areas", settings=settings)

    # Edit: the first <Enforcements> block of the 2019 report is deleted (Afghanistan's).
    def drop_enforcements(name, text):
        if name != "countries_2019.xml":
            return text
        start, end = text.index("<Enforcements>"), text.index("</Enforcements>") + len("</Enforcements>")
        return text[:start] + text[end:]

    root = _ilab_root(tmp_path, drop_enforcements)
    before = _published(settings)
    with pytest.raises(SourceFormatError) as err:
        run_source("world_ilab", path=root, settings=settings)
    message = str(err.value)
    assert err.value.rule == "missing element" and "countries_2019.xml" in message
    assert "'Afghanistan'" in message and "<Enforcements>" in message
    assert _published(settings) == before

"""The world family loaded into a real SQLite warehouse; crosswalk and area-ownership cases."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from pipelines.ingest import SOURCE_FAMILIES, CrosswalkError, run_source, slice_sample
from pipelines.settings import Settings
from pipelines.warehouse.engine import make_engine
from pipelines.warehouse.schema import Area, IngestRun, Observation
from tests.conftest import SAMPLE_DATA


def _sqlite(home: Path) -> str:
    # An explicit SQLite URL: a warehouse URL in the environment (e.g. CI's PostgreSQL) is never touched.
    return f"sqlite:///{home / 'warehouse.db'}"


ILAB = "world/government_response/ilab/ilab_country_year.csv"


@pytest.fixture(scope="module")
def loaded(tmp_path_factory):
    home = tmp_path_factory.mktemp("var")
    settings = Settings(home=home, data_dir=SAMPLE_DATA, warehouse_url=_sqlite(home))
    results = {name: run_source(name, settings=settings) for name in SOURCE_FAMILIES["world"]}
    return settings, results


def _scalar(settings: Settings, stmt):
    engine = make_engine(settings.warehouse_url)
    with engine.connect() as conn:
        value = conn.execute(stmt).scalar()
    engine.dispose()
    return value


def test_each_source_publishes_the_measured_rows(loaded):
    _, results = loaded
    assert {n: (r["status"], r["rows_published"]) for n, r in results.items()} == {
        "world_areas": ("published", 249),
        "world_sdg871": ("published", 243 + 219),
        "world_wdi_child_labour": ("published", 3 * 281),
        "world_gapminder": ("published", 231_235),
        "world_ilab": ("published", 9_718),
    }


def test_reload_is_unchanged(loaded):
    settings, _ = loaded
    before = _scalar(settings, select(func.count()).select_from(Observation))
    again = [run_source(name, settings=settings)["status"] for name in SOURCE_FAMILIES["world"]]
    assert set(again) == {"unchanged"}
    assert _scalar(settings, select(func.count()).select_from(Observation)) == before


def test_unknown_is_missing_never_zero(loaded):
    settings, _ = loaded
    # Real cell: Afghanistan, 2015 report, labour inspections "Unknown" → no observation at all.
    count = _scalar(
        settings,
        select(func.count()).where(
            Observation.area_id == "AFG",
            Observation.period == date(2015, 1, 1),
            Observation.indicator_code == "ilab_labor_inspections",
        ),
    )
    assert count == 0


def test_brazil_area_belongs_to_the_brazil_study(tmp_path):
    data = tmp_path / "data"
    slice_sample(SAMPLE_DATA, data, ["AC"])
    settings = Settings(home=tmp_path / "var", data_dir=data, warehouse_url=_sqlite(tmp_path / "var"))
    run_source("brazil_areas", settings=settings)
    result = run_source("world_areas", settings=settings)
    assert result["rows_in"] == 249 and result["rows_published"] == 248
    assert _scalar(settings, select(Area.study).where(Area.area_id == "BRA")) == "brazil"


def test_unmatched_country_names_are_listed_and_nothing_is_written(tmp_path, loaded):
    settings, _ = loaded
    # Edit: two real rows get invented country names.
    lines = (SAMPLE_DATA / ILAB).read_text(encoding="utf-8").splitlines(keepends=True)
    lines[1] = lines[1].replace("Afghanistan", "Atlantis", 1)
    lines[2] = lines[2].replace("Albania", "Lemuria", 1)
    bad = Path(tmp_path / "ilab_unmatched.csv")
    bad.write_text("".join(lines), encoding="utf-8")
    runs_before = _scalar(settings, select(func.count()).select_from(IngestRun))
    with pytest.raises(CrosswalkError) as err:
        run_source("world_ilab", path=bad, settings=settings)
    assert err.value.unmatched == ["Atlantis", "Lemuria"] and str(bad) in str(err.value)
    assert _scalar(settings, select(func.count()).select_from(IngestRun)) == runs_before

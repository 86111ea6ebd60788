"""'What was known on date D', on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

from pipelines.ingest import run_source, slice_sample
from pipelines.ingest.as_of import observations_as_of
from pipelines.warehouse.engine import make_engine
from pipelines.warehouse.schema import Indicator, Observation
from pipelines.warehouse.writes import upsert
from tests.conftest import SAMPLE_DATA

# Synthetic rows: one key published in 2020 and revised in 2022, another first published in 2022.
SYNTHETIC = [
    {"area_id": "XXA", "period": date(2019, 1, 1), "vintage": date(2020, 6, 1), "value": 1.0},
    {"area_id": "XXA", "period": date(2019, 1, 1), "vintage": date(2022, 6, 1), "value": 2.0},
    {"area_id": "XXB", "period": date(2021, 1, 1), "vintage": date(2022, 6, 1), "value": 5.0},
]


def _load_synthetic(engine):
    with engine.begin() as conn:
        upsert(conn, Indicator.__table__, [{"indicator_code": "synthetic", "name": "synthetic", "unit": "count",
                                            "source": "synthetic", "description": None}])  # fmt: skip
        rows = [r | {"indicator_code": "synthetic", "source": "synthetic", "freq": "year"} for r in SYNTHETIC]
        upsert(conn, Observation.__table__, rows)


def test_latest_vintage_on_or_before_the_date(backend_settings):
    engine = make_engine(backend_settings.warehouse_url)
    _load_synthetic(engine)
    try:
        assert observations_as_of(engine, date(2020, 5, 31)).empty  # nothing known yet
        known_2021 = observations_as_of(engine, date(2021, 12, 31))
        assert known_2021[["area_id", "value"]].values.tolist() == [["XXA", 1.0]]  # the revision is later
        on_the_day = observations_as_of(engine, date(2022, 6, 1))
        assert on_the_day[["area_id", "value", "vintage"]].values.tolist() == [
            ["XXA", 2.0, date(2022, 6, 1)], ["XXB", 5.0, date(2022, 6, 1)],
        ]  # fmt: skip
        assert observations_as_of(engine, date(2030, 1, 1), indicator_codes=["other"]).empty
    finally:
        engine.dispose()


def test_employer_list_editions_appear_when_published(tmp_path, backend_settings):
    data = tmp_path / "data"
    slice_sample(SAMPLE_DATA, data, ["PA"])
    settings = backend_settings.model_copy(update={"data_dir": data})
    for name in ("brazil_areas", "brazil_employer_list"):
        run_source(name, settings=settings)
    engine = make_engine(settings.warehouse_url)
    try:
        codes = ["fl_employer_list_events"]
        before_first = observations_as_of(engine, date(2023, 3, 8), indicator_codes=codes)
        first = observations_as_of(engine, date(2023, 3, 9), indicator_codes=codes)
        latest = observations_as_of(engine, date(2026, 12, 31), indicator_codes=codes)
    finally:
        engine.dispose()
    assert before_first.empty  # the first list edition is dated 2023-03-09
    assert 0 < len(first) < len(latest)
    assert (first["vintage"] <= date(2023, 3, 9)).all()
    assert latest["area_id"].str.startswith("BRA.15").all()

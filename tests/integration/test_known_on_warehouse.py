"""'What was known on date D' on the live path: the studies' own warehouse reads, then `known_on`, on
SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date

from features.asof import known_on
from features.events import EVENTS_CODE
from pipelines.brazil.features import load_observations
from pipelines.ingest import run_source, slice_sample
from pipelines.warehouse.engine import make_engine
from tests.conftest import SAMPLE_DATA


def test_employer_list_editions_appear_when_published(tmp_path, backend_settings):
    data = tmp_path / "data"
    slice_sample(SAMPLE_DATA, data, ["PA"])
    settings = backend_settings.model_copy(update={"data_dir": data})
    for name in ("brazil_areas", "brazil_employer_list"):
        run_source(name, settings=settings)
    engine = make_engine(settings.warehouse_url)
    try:
        with engine.connect() as conn:
            observations = load_observations(conn)
    finally:
        engine.dispose()
    events = observations.loc[observations["indicator_code"] == EVENTS_CODE]
    before_first = known_on(events, date(2023, 3, 8))
    first = known_on(events, date(2023, 3, 9))  # the first list edition is dated 2023-03-09: included
    latest = known_on(events, date(2026, 12, 31))
    assert before_first.empty
    assert 0 < len(first) < len(latest) == len(events)
    assert (first["vintage"].astype(str) <= "2023-03-09").all()
    assert latest["area_id"].str.startswith("BRA.15").all()

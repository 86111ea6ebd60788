"""Feature building on a real SQLite warehouse loaded by the real ingest, on a slice of the sample
(states of Pará, Maranhão and Tocantins: 500 contiguous municipalities with listed employers 2018-2023)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from features.catalog import FEATURE_LABELS, FEATURE_SET
from pipelines.brazil.features import MissingInputError, build_brazil_features, load_feature_panel
from pipelines.ingest import SOURCE_FAMILIES, run_source, slice_sample
from pipelines.settings import Settings
from pipelines.warehouse.engine import make_engine, migrate
from pipelines.warehouse.schema import FeatureValue, Observation
from tests.conftest import SAMPLE_DATA, BuildOnce

STATES = ["PA", "MA", "TO"]


def _ingest(root: Path) -> None:
    data = root / "data"
    slice_sample(SAMPLE_DATA, data, STATES)
    settings = Settings(home=root / "var", data_dir=data)
    settings.ensure_dirs()
    migrate(settings.warehouse_url)
    for name in SOURCE_FAMILIES["brazil"]:
        assert run_source(name, settings=settings)["status"] == "published"


def ingest_slice(root: Path, build_once: BuildOnce) -> Settings:
    """A copy under ``root`` of the sample sliced to STATES with the Brazil family loaded into a warehouse
    (built once per test run: :class:`tests.conftest.BuildOnce`)."""
    build_once.copy("brazil-slice-ingested", _ingest, root)
    return Settings(home=root / "var", data_dir=root / "data")


def featured_slice(root: Path, build_once: BuildOnce) -> Settings:
    """As :func:`ingest_slice`, with the features built too (``build_brazil_features`` on everything stored)."""

    def build(folder: Path) -> None:
        build_brazil_features(ingest_slice(folder, build_once))

    build_once.copy("brazil-slice-featured", build, root)
    return Settings(home=root / "var", data_dir=root / "data")


@pytest.fixture(scope="module")
def built(tmp_path_factory, build_once):
    settings = ingest_slice(tmp_path_factory.mktemp("features"), build_once)
    return settings, build_brazil_features(settings)


def _panel(settings: Settings, period: date | None = None):
    engine = make_engine(settings.warehouse_url)
    with engine.connect() as conn:
        panel = load_feature_panel(conn, period)
    engine.dispose()
    return panel


def test_panel_covers_first_label_year_plus_one_to_scoring_year(built):
    settings, result = built
    # listed employers in these states: 2018-2023, so target years 2019-2024
    assert result["feature_set"] == FEATURE_SET
    assert result["periods"] == [date(y, 1, 1).isoformat() for y in range(2019, 2025)]
    assert result["areas"] == 144 + 217 + 139
    assert result["rows"] == result["areas"] * 6 * len(FEATURE_LABELS)
    panel = _panel(settings)
    assert len(panel) == result["areas"] * 6
    assert set(panel.columns) == {"area_id", "period", *FEATURE_LABELS}
    scoring = _panel(settings, date(2024, 1, 1))
    assert len(scoring) == result["areas"] and set(scoring["period"]) == {date(2024, 1, 1)}
    assert (
        scoring["census_idhm"].notna().sum() >= result["areas"] - 3
    )  # municipalities newer than 2010 lack it
    assert (scoring["n_neighbours"] > 0).all()


def test_rebuild_is_idempotent(built):
    settings, result = built
    before = _panel(settings)
    again = build_brazil_features(settings)
    assert again == result
    engine = make_engine(settings.warehouse_url)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(FeatureValue)).scalar() == result["rows"]
    engine.dispose()
    after = _panel(settings)
    assert before.equals(after)


def test_changing_stored_data_of_the_target_year_leaves_its_features(tmp_path, build_once):
    settings = ingest_slice(tmp_path, build_once)
    build_brazil_features(settings)
    before = _panel(settings, date(2023, 1, 1))
    engine = make_engine(settings.warehouse_url)
    with engine.begin() as conn:  # tamper with every observation of 2023 and later
        conn.execute(
            update(Observation)
            .where(Observation.period >= date(2023, 1, 1))
            .values(value=Observation.value * 10 + 5)
        )
    engine.dispose()
    build_brazil_features(settings)
    assert before.equals(_panel(settings, date(2023, 1, 1)))
    assert not before.equals(_panel(settings, date(2024, 1, 1)).assign(period=date(2023, 1, 1)))


def test_empty_warehouse_fails_loudly(settings):
    with pytest.raises(MissingInputError, match="ingest"):
        build_brazil_features(settings)

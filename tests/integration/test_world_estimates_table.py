"""``country_estimate`` on SQLite and PostgreSQL: created by the migrations, named constraints hold,
partition replacement is idempotent. Rows are SYNTHETIC values on real country codes."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError

from pipelines.warehouse.engine import make_engine
from pipelines.warehouse.schema_world import CountryEstimate
from pipelines.warehouse.writes import replace_partition

TABLE = CountryEstimate.__table__
PARTITION = {"period": date(2025, 1, 1), "model_name": "sdg87-world-child-labour", "model_version": "1"}


def _row(**over) -> dict:
    row = {
        **PARTITION,
        "area_id": "NGA",
        "age_band": "5_17",
        "prevalence": 30.0,
        "p_lo": 12.0,
        "p_hi": 55.0,
        "observed": 31.5,
        "observed_band": "5_17",
        "commitment": 0.55,
        "intervention_type": "inception",
        "covariates_known": 7,
        "reasons": '{"type_reason": "synthetic", "drivers": []}',
        "mlflow_run_id": "r",
        "data_vintage": "{}",
        "as_of": date(2026, 1, 1),
        "scored_at": datetime(2026, 1, 2, tzinfo=UTC),
    }
    row.update(over)
    return row


@pytest.fixture
def warehouse(backend_settings):
    engine = make_engine(backend_settings.warehouse_url)
    yield engine
    engine.dispose()


def test_table_has_the_documented_key(warehouse):
    insp = inspect(warehouse)
    assert "country_estimate" in insp.get_table_names()
    key = insp.get_pk_constraint("country_estimate")["constrained_columns"]
    assert key == ["area_id", "period", "model_name", "model_version"]


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        # p_hi >= prevalence, so the percent rule and the interval rule both refuse it (either is named)
        ({"prevalence": 101.0, "p_hi": 101.0}, "ck_country_estimate_(prevalence_percent|p_hi_range)"),
        ({"p_lo": 31.0}, "ck_country_estimate_p_lo_range"),
        ({"p_lo": -1.0}, "ck_country_estimate_p_lo_range"),
        ({"p_hi": 29.0}, "ck_country_estimate_p_hi_range"),
        ({"observed": 120.0}, "ck_country_estimate_observed_percent"),
        ({"commitment": 1.2}, "ck_country_estimate_commitment_range"),
        ({"intervention_type": "urgent"}, "ck_country_estimate_intervention_type_known"),
        ({"covariates_known": 0}, "ck_country_estimate_covariates_known_positive"),
    ],
)
def test_named_check_constraints_reject_bad_rows(warehouse, change, rule):
    with pytest.raises(IntegrityError, match=rule), warehouse.begin() as conn:
        conn.execute(TABLE.insert(), [_row(**change)])


def test_untyped_country_and_missing_survey_are_allowed(warehouse):
    with warehouse.begin() as conn:
        conn.execute(TABLE.insert(), [_row(intervention_type=None, observed=None, commitment=None)])
    with warehouse.connect() as conn:
        assert conn.execute(select(TABLE.c.intervention_type)).scalar_one() is None


def test_replace_partition_twice_leaves_one_row_per_country(warehouse):
    rows = [_row(), _row(area_id="BFA", prevalence=40.0, p_lo=20.0, p_hi=60.0)]
    for _ in range(2):
        with warehouse.begin() as conn:
            replace_partition(conn, TABLE, PARTITION, rows)
    other = {**PARTITION, "model_version": "2"}
    with warehouse.begin() as conn:  # another model version is another partition: kept apart
        replace_partition(conn, TABLE, other, [_row(**other, prevalence=29.0)])
    with warehouse.connect() as conn:
        got = conn.execute(
            select(TABLE.c.model_version, TABLE.c.area_id, TABLE.c.prevalence).order_by(
                TABLE.c.model_version, TABLE.c.area_id
            )
        ).all()
    assert [tuple(r) for r in got] == [("1", "BFA", 40.0), ("1", "NGA", 30.0), ("2", "NGA", 29.0)]


def test_duplicate_key_is_refused(warehouse):
    with pytest.raises(IntegrityError), warehouse.begin() as conn:
        conn.execute(TABLE.insert(), [_row(), _row(prevalence=20.0, p_lo=10.0)])

"""The Alembic migrations build the same schema on SQLite and PostgreSQL, and the named constraints hold."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import inspect, select
from sqlalchemy.exc import IntegrityError

from pipelines.warehouse.engine import make_engine, migrate
from pipelines.warehouse.schema import Base, Score
from pipelines.warehouse.writes import replace_partition, upsert


def _score(**over):
    row = {
        "area_id": "BRA.1500107",
        "period": date(2024, 1, 1),
        "horizon": 1,
        "model_name": "m",
        "model_version": "1",
        "p": 0.3,
        "p_lo": 0.1,
        "p_hi": 0.5,
        "risk_class": "high",
        "drivers": "[]",
        "mlflow_run_id": "r",
        "as_of": date(2023, 12, 31),
        "data_vintage": "{}",
        "scored_at": datetime(2024, 1, 2, tzinfo=UTC),
    }
    row.update(over)
    return row


def test_every_table_exists_and_migrate_is_idempotent(backend_settings):
    migrate(backend_settings.warehouse_url)  # second time: nothing to do, no error
    engine = make_engine(backend_settings.warehouse_url)
    tables = set(inspect(engine).get_table_names())
    engine.dispose()
    assert set(Base.metadata.tables) <= tables


@pytest.mark.parametrize(
    ("change", "rule"),
    [
        ({"p": 1.5, "p_hi": None}, "ck_score_p_probability"),
        ({"p": 0.3, "p_lo": 0.4}, "ck_score_p_lo_range"),
        ({"risk_class": "severe"}, "ck_score_risk_class_known"),
        ({"horizon": 0}, "ck_score_horizon_positive"),
    ],
)
def test_named_check_constraints_reject_bad_rows(backend_settings, change, rule):
    engine = make_engine(backend_settings.warehouse_url)
    with pytest.raises(IntegrityError, match=rule), engine.begin() as conn:
        conn.execute(Score.__table__.insert(), [_score(**change)])
    engine.dispose()


def test_upsert_and_replace_partition_are_idempotent(backend_settings):
    engine = make_engine(backend_settings.warehouse_url)
    table = Score.__table__
    with engine.begin() as conn:
        upsert(conn, table, [_score(), _score(area_id="BRA.1500206", p=0.01, p_lo=0.0, risk_class="low")])
    with engine.begin() as conn:
        upsert(conn, table, [_score(p=0.25)])  # same key: updates in place
    with engine.connect() as conn:
        rows = conn.execute(select(table.c.area_id, table.c.p).order_by(table.c.area_id)).all()
    assert rows == [("BRA.1500107", 0.25), ("BRA.1500206", 0.01)]

    partition = {"period": date(2024, 1, 1), "horizon": 1, "model_name": "m", "model_version": "1"}
    for _ in range(2):  # twice: the same result
        with engine.begin() as conn:
            replace_partition(conn, table, partition, [_score(p=0.4)])
    with engine.connect() as conn:
        rows = conn.execute(select(table.c.area_id, table.c.p)).all()
    assert rows == [("BRA.1500107", 0.4)]
    engine.dispose()


def test_replace_partition_refuses_rows_outside_the_partition(settings, engine):
    with pytest.raises(ValueError, match="outside partition"), engine.begin() as conn:
        replace_partition(conn, Score.__table__, {"model_version": "2"}, [_score()])


def test_read_frame_keeps_selected_columns_in_order_with_or_without_rows(backend_settings):
    from pipelines.sql_files import query
    from pipelines.warehouse.frames import read_frame

    t = Score.__table__
    engine = make_engine(backend_settings.warehouse_url)
    with engine.begin() as conn:
        empty = read_frame(conn, select(t.c.p, t.c.area_id))
        conn.execute(t.insert(), [_score(), _score(area_id="BRA.1500206", p=0.7, p_hi=0.9)])
        rows = read_frame(conn, select(t.c.p, t.c.area_id).where(t.c.p > 0.5))
        latest = read_frame(conn, query("alerts_latest_cycle"), {"model_name": "m"})
    engine.dispose()
    assert list(empty.columns) == ["p", "area_id"] and empty.empty
    assert rows.to_dict("records") == [{"p": 0.7, "area_id": "BRA.1500206"}]
    assert len(latest) == 1 and "model_version" in latest.columns

"""Alert feedback becomes training labels on a real warehouse (slice of the sample: Pará, Maranhão,
Tocantins, loaded by the real ingest; features built by the real step). Areas, employer-list events and
features are real; the subscription, alerts and every feedback row are SYNTHETIC."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime

import pandas as pd
import pytest
from sqlalchemy import insert

from features.training_inputs import as_published_inputs
from pipelines.brazil.inputs import latest_edition_inputs, load_raw_inputs
from pipelines.warehouse.engine import make_engine
from pipelines.warehouse.schema import Alert, Feedback, Subscription
from tests.integration.test_features_brazil import featured_slice

YEAR = 2022  # a label year in every edition's window
AS_OF = date(2023, 5, 17)  # the second list edition
RECORDED = datetime(2024, 1, 10, 9, tzinfo=UTC)


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory, build_once):
    settings = featured_slice(tmp_path_factory.mktemp("feedback-labels"), build_once)
    engine = make_engine(settings.warehouse_url)
    yield engine
    engine.dispose()


def _read(engine):
    with engine.connect() as conn:
        return latest_edition_inputs(conn), load_raw_inputs(conn)


def _alert_with_feedback(conn, area_id: str, *feedback: dict) -> None:
    """SYNTHETIC: one alert on ``area_id`` for YEAR and its feedback rows."""
    now = datetime(2023, 1, 5, tzinfo=UTC)
    alert_id = conn.execute(
        insert(Alert.__table__).values(
            subscription_id=1,
            area_id=area_id,
            period=date(YEAR, 1, 1),
            horizon=1,
            risk_class="high",
            reason="entered_high",
            p=0.4,
            model_name="m",
            model_version="1",
            created_at=now,
        )
    ).inserted_primary_key[0]
    for row in feedback:
        values = {
            "action_date": None,
            "confirmed_cases": None,
            "recorded_at": RECORDED,
            "source": "csv",
            **row,
        }
        conn.execute(insert(Feedback.__table__).values(alert_id=alert_id, **values))


def _y(labels: pd.DataFrame) -> pd.Series:
    return labels.set_index(["area_id", "year"])["y"]


def test_feedback_adds_labels_by_what_was_known_and_never_removes_events(warehouse):
    before, raw_before = _read(warehouse)  # (d) no feedback: nothing added
    assert before.labels_from_feedback == 0 and raw_before.feedback.empty
    y = _y(before.labels)
    events = [a for (a, t), v in y.items() if t == YEAR and v == 1]
    zeros = [a for (a, t), v in y.items() if t == YEAR and v == 0]
    early, late, alarm, zero_cases = zeros[0], zeros[1], events[0], zeros[2]
    with warehouse.begin() as conn:
        conn.execute(insert(Subscription.__table__).values(subscription_id=1, recipient_name="Office",
                     email="office@example.org", role="labour inspection", scope_area_id="BRA.15",
                     unsubscribe_token="t" * 32, created_at=RECORDED))  # fmt: skip
        _alert_with_feedback(conn, early, {"outcome": "confirmed", "confirmed_cases": 3,
                                           "action_date": date(2023, 2, 1)})  # fmt: skip
        _alert_with_feedback(conn, late, {"outcome": "confirmed", "confirmed_cases": 1})  # recorded 2024
        _alert_with_feedback(conn, alarm, {"outcome": "false_alarm"})
        _alert_with_feedback(conn, zero_cases, {"outcome": "confirmed", "confirmed_cases": 0,
                                                "action_date": date(2023, 2, 1)})  # fmt: skip
    after, raw = _read(warehouse)
    # (a) confirmed cases are positives for their area-year; (c) the false alarm leaves its event alone
    assert after.labels_from_feedback == 2
    changed = (_y(after.labels) != y).loc[lambda s: s]
    assert sorted(changed.index) == sorted([(early, YEAR), (late, YEAR)])
    assert _y(after.labels)[(alarm, YEAR)] == 1 and _y(after.labels)[(zero_cases, YEAR)] == 0
    # (b) as published by AS_OF: the confirmation recorded in 2024 is not known yet
    without = as_published_inputs(replace(raw, feedback=raw_before.feedback), AS_OF)
    known = as_published_inputs(raw, AS_OF)
    assert without.labels_from_feedback == 0 and known.labels_from_feedback == 1
    diff = (_y(known.labels) != _y(without.labels)).loc[lambda s: s]
    assert list(diff.index) == [(early, YEAR)]
    assert known.panel.equals(without.panel)  # features never read feedback
    assert after.panel.equals(before.panel)

"""Own-history panel features and the state rate, on SYNTHETIC event tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from features.asof import with_years
from features.events import empty_events, event_table, label_frame
from features.history import history_features, state_event_rate

AREAS = pd.Index(["A", "B", "C"], name="area_id")
# SYNTHETIC: A listed in 2017, 2019, 2020; B in 2016 only; C never; A again in 2021 (the target year).
EVENTS = pd.DataFrame(
    {
        "area_id": ["A", "A", "A", "B", "A"],
        "year": [2017, 2019, 2020, 2016, 2021],
        "events": [1.0, 2.0, 1.0, 4.0, 9.0],
        "workers": [3.0, 5.0, 7.0, 40.0, 99.0],
    }
)


def test_lags_windows_and_recency():
    out = history_features(EVENTS, AREAS, 2021, first_year=2011)
    assert out.loc["A"].to_dict() == {
        "event_lag1": 1.0,
        "event_lag2": 1.0,
        "events_3y": 3.0,
        "workers_3y": 12.0,  # 2018-2020 only
        "years_since_event": 1.0,
        "ever_listed": 1.0,
        "event_years_past": 3.0,
        "history_years": 10.0,
    }
    assert out.loc["B", "events_3y"] == 0.0  # 2016 is outside 2018-2020
    assert out.loc["B", "years_since_event"] == 5.0
    assert out.loc["C", "ever_listed"] == 0.0
    assert np.isnan(out.loc["C", "years_since_event"])


def test_window_boundary_includes_t_minus_3_excludes_t_minus_4():
    out = history_features(EVENTS, AREAS, 2020, first_year=2011)
    assert out.loc["A", "events_3y"] == 3.0  # 2017 (t-3) and 2019
    out = history_features(EVENTS, AREAS, 2022, first_year=2011)
    assert out.loc["A", "events_3y"] == 12.0  # 2019, 2020, 2021; 2017 dropped (t-5)


def test_empty_events_and_first_year():
    out = history_features(empty_events(), AREAS, 2012, first_year=2011)
    assert (out[["event_lag1", "events_3y", "ever_listed", "event_years_past"]] == 0).all().all()
    assert out["years_since_event"].isna().all()
    assert (out["history_years"] == 1.0).all()


def test_state_rate():
    parents = pd.Series({"A": "S1", "B": "S1", "C": "S2", "D": None}, name="parent_id")
    rate = state_event_rate(EVENTS, parents, 2021)
    # S1 has 2 municipalities x 3 years (2018-2020) = 6 municipality-years, A had events in 2 of them.
    assert rate["A"] == pytest.approx(2 / 6) and rate["B"] == pytest.approx(2 / 6)
    assert rate["C"] == 0.0
    assert np.isnan(rate["D"])


def test_event_table_takes_latest_vintage_and_drops_zero_rows():
    rows = pd.DataFrame(
        {
            "area_id": ["A", "A", "A", "B"],
            "period": ["2020-01-01", "2020-01-01", "2020-01-01", "2020-01-01"],
            "indicator_code": [
                "fl_employer_list_events",
                "fl_employer_list_events",
                "fl_employer_list_workers",
                "fl_employer_list_events",
            ],
            "value": [1.0, 2.0, 6.0, 0.0],
            "vintage": ["2023-03-09", "2026-04-06", "2023-03-09", "2026-04-06"],
        }
    )
    table = event_table(with_years(rows))
    assert table.to_dict("records") == [{"area_id": "A", "year": 2020, "events": 2.0, "workers": 6.0}]


def test_label_frame_is_the_full_grid():
    labels = label_frame(EVENTS, ["A", "B", "C"], [2020, 2021])
    assert len(labels) == 6
    assert labels.set_index(["area_id", "year"])["y"].to_dict() == {
        ("A", 2020): 1,
        ("A", 2021): 1,
        ("B", 2020): 0,
        ("B", 2021): 0,
        ("C", 2020): 0,
        ("C", 2021): 0,
    }
    assert label_frame(empty_events(), ["A"], [2020])["y"].tolist() == [0]

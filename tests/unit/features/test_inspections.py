"""Inspection-history features: only years before the target year, effort and outcome apart, neighbours."""

from __future__ import annotations

import pandas as pd
import pytest

from features.inspections import NEVER_YEARS, inspection_features, inspection_table, past_event_totals

AREAS = pd.Index(["A", "B", "C"], name="area_id")
PAIRS = pd.DataFrame({"area_id": ["A", "B"], "neighbour_id": ["B", "A"], "method": "contiguity"})
# SYNTHETIC: A inspected in 2010 (nobody found) and 2014 (3 rescued); B in 2016 (2 rescued); C never.
TABLE = pd.DataFrame(
    {
        "area_id": ["A", "A", "B"],
        "year": [2010, 2014, 2016],
        "inspections": [1.0, 2.0, 1.0],
        "inspections_rescue": [0.0, 1.0, 1.0],
        "rescued": [0.0, 3.0, 2.0],
    }
)


def test_counts_and_years_since_use_only_earlier_years():
    out = inspection_features(TABLE, PAIRS, AREAS, 2015)
    assert out.loc["A", ["insp_total", "insp_rescue", "insp_no_rescue", "insp_rescued_workers"]].tolist() == [
        3.0,
        1.0,
        2.0,
        3.0,
    ]
    assert out.loc["A", "years_since_inspection"] == 1.0 and out.loc["A", "years_since_rescue"] == 1.0
    # B's 2016 inspection is after the target year: B and C look never inspected in 2015
    assert out.loc["B", "insp_total"] == 0.0 and out.loc["B", "years_since_inspection"] == NEVER_YEARS
    assert out.loc["C", "years_since_rescue"] == NEVER_YEARS
    assert out.loc["B", "nbr_insp_rescue"] == 1.0 and out.loc["C", "nbr_insp_total"] == 0.0


def test_adding_a_later_inspection_changes_nothing_before_it():
    later = pd.concat([TABLE, TABLE.assign(year=2020, rescued=99.0)], ignore_index=True)
    pd.testing.assert_frame_equal(
        inspection_features(TABLE, PAIRS, AREAS, 2017), inspection_features(later, PAIRS, AREAS, 2017)
    )


def test_table_from_observations_and_event_totals():
    obs = pd.DataFrame(
        {
            "area_id": ["A", "A", "A"],
            "year": [2010, 2010, 2010],
            "indicator_code": ["fl_inspections", "fl_inspections_rescue", "fl_rescued_workers"],
            "value": [2.0, 1.0, 5.0],
            "vintage": pd.Timestamp("2019-03-01"),
        }
    )
    assert inspection_table(obs).iloc[0].tolist() == ["A", 2010, 2.0, 1.0, 5.0]
    assert inspection_table(obs.iloc[0:0]).empty
    events = pd.DataFrame(
        {"area_id": ["A", "B"], "year": [2018, 2019], "events": [2.0, 1.0], "workers": [5.0, 1.0]}
    )
    totals = past_event_totals(events, PAIRS, AREAS, 2019)
    assert totals["events_past"].tolist() == [2.0, 0.0, 0.0] and totals["nbr_events_past"].tolist() == [
        0.0,
        2.0,
        0.0,
    ]


@pytest.mark.parametrize("year", [2003, 2030])
def test_edges_of_the_record(year):
    out = inspection_features(TABLE, PAIRS, AREAS, year)
    assert out.notna().all().all() and (out["years_since_inspection"] <= NEVER_YEARS).all()

"""Activity features of past listed employers: only earlier years, years not employers, neighbours."""

from __future__ import annotations

from datetime import date

import pandas as pd

from features.activities import ACTIVITY_FEATURES, activity_features, activity_table
from features.asof import with_years

AREAS = pd.Index(["A", "B", "C"], name="area_id")
PAIRS = pd.DataFrame({"area_id": ["A", "B"], "neighbour_id": ["B", "A"], "method": "contiguity"})


def _obs(rows: list[tuple[str, int, str, float, str]]) -> pd.DataFrame:
    """SYNTHETIC observation rows (area, inspection year, indicator, value, vintage)."""
    return with_years(
        pd.DataFrame(
            [
                {
                    "area_id": a,
                    "period": date(y, 1, 1),
                    "indicator_code": code,
                    "value": v,
                    "vintage": date.fromisoformat(vintage),
                }
                for a, y, code, v, vintage in rows
            ]
        )
    )


# SYNTHETIC: A had cattle/crop employers listed in 2018 (two editions) and 2020, B charcoal in 2019.
OBS = _obs(
    [
        ("A", 2018, "fl_employer_list_activity_agriculture", 1.0, "2023-03-09"),
        ("A", 2018, "fl_employer_list_activity_agriculture", 1.0, "2023-05-17"),
        ("A", 2020, "fl_employer_list_activity_agriculture", 1.0, "2023-05-17"),
        ("B", 2019, "fl_employer_list_activity_forestry_charcoal", 1.0, "2023-05-17"),
        ("B", 2019, "fl_employer_list_events", 3.0, "2023-05-17"),
    ]
)


def test_counts_years_before_the_target_year_here_and_among_neighbours():
    out = activity_features(activity_table(OBS), PAIRS, AREAS, 2020)
    assert list(out.columns) == list(ACTIVITY_FEATURES)
    # 2018 counts once although two editions showed it; 2020 is not before the target year
    assert out.loc["A", "act_agriculture_years"] == 1.0
    assert out.loc["B", "nbr_act_agriculture_years"] == 1.0
    assert out.loc["A", "nbr_act_forestry_charcoal_years"] == 1.0
    assert out.loc["C"].sum() == 0.0 and out.loc["A", "act_mining_years"] == 0.0
    assert activity_features(activity_table(OBS), PAIRS, AREAS, 2021).loc["A", "act_agriculture_years"] == 2.0


def test_a_later_listing_changes_nothing_before_it():
    later = pd.concat(
        [OBS, _obs([("C", 2020, "fl_employer_list_activity_mining", 1.0, "2026-04-06")])], ignore_index=True
    )
    before = activity_features(activity_table(OBS), PAIRS, AREAS, 2020)
    pd.testing.assert_frame_equal(activity_features(activity_table(later), PAIRS, AREAS, 2020), before)

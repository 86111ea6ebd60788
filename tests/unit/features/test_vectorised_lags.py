"""The array forms of the own-history and neighbour lags give exactly what the per-year pandas code gave.

SYNTHETIC panel (seeded, made up): 40 areas on a line, each the neighbour of the next two, plus a
neighbour outside the area list; events in inspection years 2003–2014 with some zero and missing values.
The reference functions below are the group-by implementations the array code replaced.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from features.history import history_features, history_panel
from features.spatial import neighbour_event_features, neighbour_event_panel

AREAS = pd.Index([f"S.{i:02d}" for i in range(40)], name="area_id")
FIRST_YEAR = 2004
YEARS = list(range(2001, 2018))


def reference_history(events, area_ids, year, first_year):
    past = events.loc[(events["year"] < year) & (events["events"] > 0)]
    recent = past.loc[past["year"] >= year - 3]
    by_area = past.groupby("area_id")
    out = pd.DataFrame(index=pd.Index(area_ids, name="area_id"))
    out["event_lag1"] = out.index.isin(past.loc[past["year"] == year - 1, "area_id"]).astype("float64")
    out["event_lag2"] = out.index.isin(past.loc[past["year"] == year - 2, "area_id"]).astype("float64")
    out["events_3y"] = recent.groupby("area_id")["events"].sum().reindex(out.index, fill_value=0.0)
    out["workers_3y"] = recent.groupby("area_id")["workers"].sum().reindex(out.index, fill_value=0.0)
    last_year = by_area["year"].max().reindex(out.index)
    out["years_since_event"] = (year - last_year).astype("float64")
    out["ever_listed"] = last_year.notna().astype("float64")
    out["event_years_past"] = by_area["year"].nunique().reindex(out.index, fill_value=0).astype("float64")
    out["history_years"] = float(max(year - first_year, 0))
    return out.astype("float64")


def reference_neighbours(pairs, events, area_ids, year):
    recent = events.loc[(events["year"] < year) & (events["year"] >= year - 3) & (events["events"] > 0)]
    last_year = set(recent.loc[recent["year"] == year - 1, "area_id"])
    events_3y = recent.groupby("area_id")["events"].sum()
    nb = pairs.loc[pairs["area_id"].isin(area_ids), ["area_id", "neighbour_id"]]
    nb = nb.assign(
        hit_1y=nb["neighbour_id"].isin(last_year).astype("float64"),
        hit_3y=nb["neighbour_id"].isin(events_3y.index).astype("float64"),
        ev_3y=nb["neighbour_id"].map(events_3y).fillna(0.0).astype("float64"),
    )
    grouped = nb.groupby("area_id")
    index = pd.Index(area_ids, name="area_id")
    out = pd.DataFrame(index=index)
    out["n_neighbours"] = grouped.size().reindex(index, fill_value=0).astype("float64")
    out["nbr_event_share_1y"] = grouped["hit_1y"].mean().reindex(index)
    out["nbr_with_event_3y"] = grouped["hit_3y"].sum().reindex(index, fill_value=0.0)
    out["nbr_events_3y"] = grouped["ev_3y"].sum().reindex(index, fill_value=0.0)
    return out.astype("float64")


@pytest.fixture(scope="module")
def panel():
    rng = np.random.default_rng(87)
    ids = np.array([*AREAS, "S.outside"])
    rows = [(a, y) for a in ids for y in range(2003, 2015) if rng.random() < 0.25]
    events = pd.DataFrame(rows, columns=["area_id", "year"])
    events["events"] = rng.integers(0, 4, len(events)).astype("float64")  # some zero rows: not listed
    events["workers"] = events["events"] * rng.integers(1, 20, len(events))
    events.loc[events.index[::7], "workers"] = np.nan
    pairs = [(AREAS[i], AREAS[j]) for i in range(40) for j in (i + 1, i + 2) if j < 40]
    pairs += [(b, a) for a, b in pairs] + [(AREAS[0], "S.outside")]
    pairs = pd.DataFrame(pairs, columns=["area_id", "neighbour_id"]).assign(method="contiguity")
    pairs = pairs[pairs["area_id"] != AREAS[39]]  # an area without neighbours
    return events, pairs


@pytest.mark.parametrize("year", YEARS)
def test_history_equals_the_group_by_result(panel, year):
    events, _ = panel
    expected = reference_history(events, AREAS, year, FIRST_YEAR)
    pd.testing.assert_frame_equal(
        history_features(events, AREAS, year, FIRST_YEAR), expected, check_exact=True
    )


@pytest.mark.parametrize("year", YEARS)
def test_neighbour_lags_equal_the_group_by_result(panel, year):
    events, pairs = panel
    expected = reference_neighbours(pairs, events, AREAS, year)
    got = neighbour_event_features(pairs, events, AREAS, year)
    pd.testing.assert_frame_equal(got, expected, check_exact=True)
    assert np.isnan(got.loc[AREAS[39], "nbr_event_share_1y"])


def test_panels_stack_the_years_in_order(panel):
    events, pairs = panel
    own = history_panel(events, AREAS, YEARS, FIRST_YEAR)
    nbr = neighbour_event_panel(pairs, events, AREAS, YEARS)
    assert own["year"].tolist() == [y for y in YEARS for _ in AREAS]
    for year in YEARS:
        one = own.loc[own["year"] == year].drop(columns="year")
        pd.testing.assert_frame_equal(
            one, reference_history(events, AREAS, year, FIRST_YEAR), check_exact=True
        )
        one = nbr.loc[nbr["year"] == year].drop(columns="year")
        pd.testing.assert_frame_equal(one, reference_neighbours(pairs, events, AREAS, year), check_exact=True)


def test_no_events_gives_zero_lags():
    events = pd.DataFrame({"area_id": pd.Series(dtype="str"), "year": pd.Series(dtype="int64"),
                           "events": pd.Series(dtype="float64"), "workers": pd.Series(dtype="float64")})  # fmt: skip
    got = history_features(events, AREAS, 2010, FIRST_YEAR)
    pd.testing.assert_frame_equal(got, reference_history(events, AREAS, 2010, FIRST_YEAR), check_exact=True)

"""Neighbour sets and spatial lags on a SYNTHETIC 3x3 grid of unit squares (see conftest)."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely.geometry import box

from features.spatial import neighbour_event_features, neighbour_pairs


def _neighbours(pairs: pd.DataFrame, area_id: str) -> set[str]:
    return set(pairs.loc[pairs["area_id"] == area_id, "neighbour_id"])


def test_queen_contiguity_on_the_grid(grid):
    pairs = neighbour_pairs(grid)
    assert _neighbours(pairs, "G.5") == {f"G.{i}" for i in (1, 2, 3, 4, 6, 7, 8, 9)}
    assert _neighbours(pairs, "G.1") == {"G.2", "G.4", "G.5"}  # corner: queen includes the diagonal
    assert _neighbours(pairs, "G.2") == {"G.1", "G.3", "G.4", "G.5", "G.6"}
    assert set(pairs["method"]) == {"contiguity"}
    assert not (pairs["area_id"] == pairs["neighbour_id"]).any()
    assert not pairs.duplicated(["area_id", "neighbour_id"]).any()


def test_missing_polygon_and_island_fall_back_to_nearest(grid):
    extra = gpd.GeoDataFrame(
        [
            # no polygon, seat just right of G.6 (centre 2.5, 1.5)
            {
                "area_id": "X.nopoly",
                "parent_id": "S.B",
                "centroid_lon": 3.2,
                "centroid_lat": 1.5,
                "area_km2": None,
                "geometry": None,
            },
            # an island far to the east: touches nothing
            {
                "area_id": "X.island",
                "parent_id": "S.B",
                "centroid_lon": 10.5,
                "centroid_lat": 0.5,
                "area_km2": 1.0,
                "geometry": box(10, 0, 11, 1),
            },
        ],
        geometry="geometry",
        crs="EPSG:4326",
    )
    areas = pd.concat([grid, extra], ignore_index=True)
    pairs = neighbour_pairs(areas, k_fallback=2)
    nearest = _neighbours(pairs, "X.nopoly")
    assert "G.6" in nearest and len(nearest) == 2  # G.3 and G.9 tie for second place
    assert len(_neighbours(pairs, "X.island")) == 2
    assert set(pairs.loc[pairs["area_id"].str.startswith("X."), "method"]) == {"nearest"}
    # grid cells keep their contiguity neighbours only
    assert _neighbours(pairs, "G.5") == {f"G.{i}" for i in (1, 2, 3, 4, 6, 7, 8, 9)}


def test_overlapping_borders_still_count_as_neighbours():
    # Digitised borders overlap a little: `touches` would miss these two, `intersects` must not.
    areas = gpd.GeoDataFrame(
        {
            "area_id": ["A", "B"],
            "parent_id": ["S", "S"],
            "centroid_lon": [0.5, 1.5],
            "centroid_lat": [0.5, 0.5],
            "area_km2": [1.0, 1.0],
        },
        geometry=[box(0, 0, 1.001, 1), box(1, 0, 2, 1)],
        crs="EPSG:4326",
    )
    assert _neighbours(neighbour_pairs(areas), "A") == {"B"}


def test_one_area_and_empty_frame(grid):
    one = neighbour_pairs(grid.iloc[[4]])
    assert one.empty  # alone: no contiguity and nobody to fall back to
    empty = neighbour_pairs(grid.iloc[[]])
    assert empty.empty and list(empty.columns) == ["area_id", "neighbour_id", "method"]


def test_duplicate_area_ids_are_rejected(grid):
    with pytest.raises(ValueError, match="duplicate"):
        neighbour_pairs(pd.concat([grid, grid.iloc[[0]]], ignore_index=True))


def test_neighbour_event_features(grid):
    pairs = neighbour_pairs(grid)
    # SYNTHETIC events: G.1 in 2020 (2 employers) and 2017 (outside the 3-year window of 2021), G.9 in 2019.
    events = pd.DataFrame(
        {
            "area_id": ["G.1", "G.1", "G.9", "G.5"],
            "year": [2020, 2017, 2019, 2021],
            "events": [2.0, 5.0, 1.0, 3.0],
            "workers": [10.0, 50.0, 4.0, 9.0],
        }
    )
    out = neighbour_event_features(pairs, events, pd.Index(grid["area_id"]), 2021)
    assert out.loc["G.5", "n_neighbours"] == 8
    assert out.loc["G.5", "nbr_event_share_1y"] == pytest.approx(1 / 8)  # G.1 in 2020
    assert out.loc["G.5", "nbr_with_event_3y"] == 2  # G.1 and G.9
    assert out.loc["G.5", "nbr_events_3y"] == 3.0  # 2 + 1; G.5's own 2021 event is the target year
    assert out.loc["G.2", "nbr_with_event_3y"] == 1  # G.1 only (G.5 in 2021 is not in the past)
    assert out.loc["G.1", "nbr_events_3y"] == 0.0


def test_area_without_neighbours_gets_nan_share_and_zero_counts(grid):
    events = pd.DataFrame({"area_id": ["G.1"], "year": [2020], "events": [1.0], "workers": [1.0]})
    out = neighbour_event_features(neighbour_pairs(grid.iloc[[0]]), events, pd.Index(["G.1"]), 2021)
    assert out.loc["G.1", "n_neighbours"] == 0
    assert np.isnan(out.loc["G.1", "nbr_event_share_1y"])
    assert out.loc["G.1", "nbr_with_event_3y"] == 0


def test_positions_matches_get_indexer_for_arrow_and_object_strings():
    from features.history import positions

    index = pd.Index(["BRA.PA.1", "BRA.PA.2", "BRA.MT.1"], dtype="str")
    values = ["BRA.MT.1", "nowhere", "BRA.PA.1", "BRA.PA.1"]
    expected = [2, -1, 0, 0]
    assert positions(index, pd.Series(values, dtype="str")).tolist() == expected
    assert positions(index, pd.Series(values, dtype=object)).tolist() == expected
    assert positions(pd.Index([10, 20]), pd.Series([20, 30])).tolist() == [1, -1]

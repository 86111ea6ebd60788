"""The assembled panel: shape, labels for every feature, long/wide round trip, boundary cases."""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from features.brazil import FEATURE_ORDER, build_feature_panel, to_long, to_wide
from features.catalog import FEATURE_LABELS, MODEL_FEATURES
from features.spatial import neighbour_pairs
from tests.unit.features.conftest import obs


def test_every_feature_has_a_readable_label():
    assert FEATURE_ORDER == list(FEATURE_LABELS)
    assert set(MODEL_FEATURES) < set(FEATURE_LABELS) and "history_years" not in MODEL_FEATURES
    for name, label in FEATURE_LABELS.items():
        assert len(name) <= 80 and label and label != name and len(label) < 120


def test_panel_on_real_slice(para):
    observations, areas = para
    panel = build_feature_panel(
        observations, areas, neighbour_pairs(areas), [2022, 2023, 2024], first_year=2011
    )
    assert len(panel) == 3 * len(areas)
    assert list(panel.columns) == ["area_id", "period", *FEATURE_ORDER]
    assert set(panel["period"]) == {date(2022, 1, 1), date(2023, 1, 1), date(2024, 1, 1)}
    assert not panel.duplicated(["area_id", "period"]).any()
    # Pará had listed employers in 2018-2023 (see the sample): some area has a lag
    assert panel["ever_listed"].sum() > 0
    # census known for all but Mojuí dos Campos, created in 2013 after the 2010 census
    assert set(panel.loc[panel["census_idhm"].isna(), "area_id"]) == {"BRA.1504752"}


def test_long_wide_round_trip_keeps_nan(grid):
    rows = pd.DataFrame(
        [
            obs("G.1", 2020, "fl_employer_list_events", 1, "2023-03-09"),
            obs("G.1", 2020, "fl_employer_list_workers", 4, "2023-03-09"),
        ]
    )  # SYNTHETIC
    panel = build_feature_panel(rows, grid, neighbour_pairs(grid), [2021, 2022], first_year=2019)
    long = to_long(panel)
    assert len(long) == len(panel) * len(FEATURE_ORDER)
    back = to_wide(long)
    pd.testing.assert_frame_equal(
        back.sort_values(["period", "area_id"]).reset_index(drop=True)[panel.columns],
        panel.sort_values(["period", "area_id"]).reset_index(drop=True),
        check_dtype=False,
    )
    g5 = panel.set_index(["area_id", "period"]).loc[("G.5", date(2021, 1, 1))]
    assert g5["nbr_event_share_1y"] == pytest.approx(1 / 8) and np.isnan(g5["census_idhm"])


def test_one_area_no_observations_and_no_years(grid):
    one = grid.iloc[[0]]
    empty_obs = pd.DataFrame(columns=["area_id", "period", "indicator_code", "value", "vintage"])
    panel = build_feature_panel(empty_obs, one, neighbour_pairs(one), [2020], first_year=2019)
    assert len(panel) == 1
    assert panel.loc[0, "n_neighbours"] == 0 and panel.loc[0, "events_3y"] == 0
    assert panel[["years_since_event", "census_idhm", "log_population"]].isna().all().all()
    assert build_feature_panel(empty_obs, one, neighbour_pairs(one), [], first_year=2019).empty


def test_duplicate_areas_rejected(grid):
    with pytest.raises(ValueError, match="duplicate"):
        build_feature_panel(
            pd.DataFrame(columns=["area_id", "period", "indicator_code", "value", "vintage"]),
            pd.concat([grid, grid.iloc[[0]]]),
            neighbour_pairs(grid),
            [2020],
            first_year=2019,
        )

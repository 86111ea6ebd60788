"""Proof that features for target year t use nothing from year >= t or published on/after 1 January t.

Runs on the real Pará slice (see conftest). For each t, every observation with period >= t — and every
non-label observation published on/after 1 January t — is replaced by garbage, and events are invented in
years >= t (SYNTHETIC perturbations); the features for t must not move. A control perturbation of year t-1
must move them, so the test can fail.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd
import pytest

from features.brazil import build_feature_panel
from features.spatial import neighbour_pairs

LABEL_CODES = {"fl_employer_list_events", "fl_employer_list_workers"}


def _future_tampered(observations: pd.DataFrame, year: int) -> pd.DataFrame:
    period = pd.to_datetime(observations["period"]).dt.year
    vintage = pd.to_datetime(observations["vintage"])
    late = (period >= year) | (
        (vintage >= pd.Timestamp(year, 1, 1)) & ~observations["indicator_code"].isin(LABEL_CODES)
    )
    rng = np.random.default_rng(87)
    tampered = observations.assign(
        value=observations["value"].where(~late, rng.uniform(1, 1e6, len(observations)))
    )
    areas = observations["area_id"].drop_duplicates().head(40)
    invented = pd.DataFrame(
        {
            "area_id": areas,
            "period": date(year, 1, 1),
            "indicator_code": "fl_employer_list_events",
            "value": 7.0,
            "vintage": date(year + 1, 3, 1),
        }
    )
    early_census = pd.DataFrame(
        {
            "area_id": areas,
            "period": date(year - 1, 1, 1),
            "indicator_code": "br_atlas_idhm",
            "value": 0.99,
            "vintage": date(year, 1, 1),
        }  # published exactly on 1 January t: not yet known
    )
    return pd.concat([tampered, invented, early_census], ignore_index=True)


@pytest.mark.parametrize("year", [2013, 2015, 2019, 2022, 2024])
def test_features_for_t_ignore_everything_from_t_on(para, year):
    observations, areas = para
    pairs = neighbour_pairs(areas)
    before = build_feature_panel(observations, areas, pairs, [year], first_year=2011)
    after = build_feature_panel(_future_tampered(observations, year), areas, pairs, [year], first_year=2011)
    pd.testing.assert_frame_equal(before, after)


def test_control_changing_the_previous_year_does_change_features(para):
    observations, areas = para
    pairs = neighbour_pairs(areas)
    year = 2021
    prev = pd.to_datetime(observations["period"]).dt.year == year - 1
    changed = observations.assign(value=observations["value"].where(~prev, observations["value"] * 3 + 1))
    before = build_feature_panel(observations, areas, pairs, [year], first_year=2011)
    after = build_feature_panel(changed, areas, pairs, [year], first_year=2011)
    assert not before.equals(after)
    assert not before["events_3y"].equals(after["events_3y"])
    assert not before["log_population"].equals(after["log_population"])


def test_inputs_are_not_mutated(para):
    observations, areas = para
    obs_copy, areas_copy = observations.copy(), areas.copy()
    build_feature_panel(observations, areas, neighbour_pairs(areas), [2020, 2021], first_year=2011)
    pd.testing.assert_frame_equal(observations, obs_copy)
    pd.testing.assert_frame_equal(areas, areas_copy)

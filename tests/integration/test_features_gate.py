"""The Great Expectations gates on the feature panel and on a scoring cycle, run for real (no mocks).

The good panel is built from the real Pará slice (see ``tests/unit/features/conftest.py``: observations read
straight from the sample CSVs); the bad ones are that panel with SYNTHETIC defects.
"""

from __future__ import annotations

import pandas as pd
import pytest

from features.brazil import build_feature_panel
from features.spatial import neighbour_pairs
from pipelines.brazil.features import feature_suite, gate
from pipelines.brazil.score import score_suite
from pipelines.quality import DataQualityError
from tests.unit.features.conftest import para  # noqa: F401  (fixture)


@pytest.fixture(scope="module")
def panel(para):  # noqa: F811
    observations, areas = para
    return build_feature_panel(observations, areas, neighbour_pairs(areas), [2023, 2024], first_year=2011)


def test_real_panel_passes(panel):
    gate(panel, feature_suite(len(panel)))


def test_defects_are_named(panel):
    bad = panel.copy()
    bad.loc[0, "nbr_event_share_1y"] = 1.5  # a share above 1
    bad.loc[1, "events_3y"] = -1.0  # a negative count
    bad.loc[2, "event_lag1"] = float("nan")  # always computable, may not be missing
    bad = pd.concat([bad, bad.iloc[[3]]], ignore_index=True)  # duplicate (area, period)
    with pytest.raises(DataQualityError) as err:
        gate(bad, feature_suite(len(panel)))
    message = str(err.value)
    for column in ("nbr_event_share_1y", "events_3y", "event_lag1", "area_id"):
        assert column in message
    assert "row_count" in message.lower() or "RowCount" in message


def test_score_gate():
    good = pd.DataFrame(
        {
            "area_id": ["A", "B"],
            "p": [0.1, 0.9],
            "p_lo": [0.05, 0.8],
            "p_hi": [0.2, 0.95],
            "risk_class": ["medium", "high"],
            "drivers": ["[]"] * 2,
        }
    )
    gate(good, score_suite(2))
    with pytest.raises(DataQualityError, match="p_hi"):
        gate(good.assign(p_hi=[0.2, 1.5]), score_suite(2))
    with pytest.raises(DataQualityError, match="p_lo"):
        gate(good.assign(p_lo=[None, 0.8]), score_suite(2))
    bad = good.assign(p=[0.1, 1.2], risk_class=["medium", "severe"])
    with pytest.raises(DataQualityError, match="risk_class"):
        gate(bad, score_suite(2))
    with pytest.raises(DataQualityError, match="p"):
        gate(good.iloc[[0]], score_suite(2))

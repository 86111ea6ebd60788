"""Evaluation windows are declared data: no overlap, no look-ahead, editions respected."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from models.windows import BRAZIL_BACKTEST, BacktestConfig, backtest_windows


@pytest.fixture(scope="module")
def windows():
    return backtest_windows(BRAZIL_BACKTEST, 2011, 2023)


def test_every_target_year_and_horizon_is_evaluated(windows):
    retro = [w for w in windows if w.label_basis == "latest_edition"]
    assert sorted((w.horizon, w.target_year) for w in retro) == [
        *((1, y) for y in range(2019, 2024)),
        *((2, y) for y in range(2019, 2024)),
    ]
    assert all(w.target_year == w.origin + w.horizon for w in windows)


def test_no_look_ahead_and_no_overlap(windows):
    for w in windows:
        assert max(w.train_label_years) <= w.origin < w.target_year
        assert w.target_year not in w.train_label_years
        # the features of the evaluated rows draw on data up to the origin year only
        assert w.target_feature_year == w.origin + 1
        assert all(f <= w.origin + 1 - w.horizon + 1 for f in w.train_feature_years)
        assert min(w.train_label_years) >= BRAZIL_BACKTEST.first_train_label_year
        assert w.as_of.year <= w.target_year


def test_as_published_windows_only_after_an_edition(windows):
    published = [w for w in windows if w.label_basis == "as_published"]
    # editions of 2023 give origin 2022, horizon 1 (2024 has no labels yet); the 2026 edition nothing
    assert [(w.as_of, w.origin, w.horizon) for w in published] == [
        (date(2023, 3, 9), 2022, 1),
        (date(2023, 5, 17), 2022, 1),
    ]
    assert all(w.as_of in BRAZIL_BACKTEST.editions for w in published)


def test_under_covered_years_are_flagged(windows):
    assert {w.target_year for w in windows if w.under_covered} == {2022}


def test_boundaries():
    assert backtest_windows(BRAZIL_BACKTEST, 2022, 2023) == []  # no training label year left
    one = backtest_windows(replace(BRAZIL_BACKTEST, horizons=(1,), editions=()), 2018, 2021)
    assert [(w.target_year, w.train_label_years) for w in one] == [(2020, (2019,)), (2021, (2019, 2020))]


def test_config_is_frozen():
    with pytest.raises(AttributeError):
        BRAZIL_BACKTEST.horizons = (3,)  # type: ignore[misc]
    assert isinstance(BRAZIL_BACKTEST, BacktestConfig)

"""Rolling-origin backtest on a SYNTHETIC panel: no origin ever trains on its own or later years."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models.backtest import backtest_origins, rolling_origin

# SYNTHETIC: 4 areas x 2015-2019; area "a" has an event every year, the others never.
DATA = pd.DataFrame(
    [{"area_id": a, "year": y, "y": int(a == "a")} for a in "abcd" for y in range(2015, 2020)]
)


def test_each_origin_trains_only_on_earlier_years():
    seen: list[tuple[int, int]] = []

    def spy(train: pd.DataFrame):
        seen.append((int(train["year"].min()), int(train["year"].max())))
        return lambda test: np.where(test["area_id"] == "a", 0.9, 0.1)

    out = rolling_origin(DATA, [2017, 2018, 2019], {"spy": spy})
    assert seen == [(2015, 2016), (2015, 2017), (2015, 2018)]
    assert out["year"].tolist() == [2017, 2018, 2019]
    assert (out["aupr"] == 1.0).all() and out["n_train"].tolist() == [8, 12, 16]


def test_origins_without_training_data_or_events_are_skipped():
    recipe = {"flat": lambda train: lambda test: np.full(len(test), 0.5)}
    assert rolling_origin(DATA, [2015], recipe).empty  # nothing before 2015
    no_events = DATA.assign(y=0)
    assert rolling_origin(no_events, [2017], recipe).empty


def test_origin_selection():
    assert backtest_origins([2012, 2013, 2014, 2015], 2016, n=3) == [2014, 2015, 2016]
    assert backtest_origins([2012], 2013, n=5) == [2013]
    with pytest.raises(ValueError):
        backtest_origins([], 2013, n=2)

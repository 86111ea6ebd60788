"""Baselines on SYNTHETIC frames: their fitted rates and probabilities are computed by hand."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models.baselines import (
    HistoricalFrequencyBaseline,
    NeighbourRateBaseline,
    PersistenceBaseline,
    PopulationRateBaseline,
    logistic_baseline,
)

# SYNTHETIC: 6 area-years; 2 had an event the year before, 1 of them repeats; 1 new event among the other 4.
X = pd.DataFrame(
    {
        "event_lag1": [1.0, 1.0, 0.0, 0.0, 0.0, np.nan],
        "event_years_past": [2.0, 1.0, 0.0, 1.0, 0.0, 0.0],
        "history_years": [4.0, 4.0, 4.0, 4.0, 4.0, 4.0],
    }
)
Y = np.array([1, 0, 0, 1, 0, 0])


def test_persistence_rates():
    model = PersistenceBaseline().fit(X, Y)
    assert model.rate_repeat_ == 0.5 and model.rate_new_ == 0.25  # NaN lag counts as "no event"
    p = model.predict_proba(X)
    assert p.shape == (6, 2) and np.allclose(p.sum(axis=1), 1.0)
    assert p[:, 1].tolist() == [0.5, 0.5, 0.25, 0.25, 0.25, 0.25]
    assert model.predict(X).tolist() == [1, 1, 0, 0, 0, 0]


def test_historical_frequency_shrinks_to_base_rate():
    model = HistoricalFrequencyBaseline(prior_weight=1.0).fit(X, Y)
    base = 2 / 6
    expected = (X["event_years_past"] + base) / (X["history_years"] + 1.0)
    assert model.predict_proba(X)[:, 1] == pytest.approx(expected.to_numpy())


def test_empty_training_and_no_history():
    empty = X.iloc[[]]
    model = HistoricalFrequencyBaseline().fit(empty, [])
    assert model.base_rate_ == 0.0
    first_year = pd.DataFrame({"event_years_past": [0.0], "history_years": [0.0]})
    assert model.predict_proba(first_year)[0, 1] == 0.0
    assert PersistenceBaseline().fit(empty, []).predict_proba(X.iloc[[0]])[0, 1] == 0.0


def test_logistic_handles_nan_and_does_not_mutate():
    frame = X.copy()
    model = logistic_baseline(random_state=0).fit(frame, Y)
    p = model.predict_proba(frame)[:, 1]
    assert np.all((p > 0) & (p < 1))
    pd.testing.assert_frame_equal(frame, X)


def test_population_rate_scales_with_population():
    # SYNTHETIC: 4 areas of 1,000 / 1,000 / 10,000 / unknown persons; 1 event in 12,000 known persons
    frame = pd.DataFrame({"log_population": np.log([1000.0, 1000.0, 10000.0, np.nan])})
    model = PopulationRateBaseline().fit(frame, [0, 0, 1, 0])
    assert model.rate_per_person_ == pytest.approx(1 / 12000)
    p = model.predict_proba(frame)[:, 1]
    assert p[2] == pytest.approx(1 - np.exp(-10000 / 12000)) and p[0] < p[2]
    assert p[3] == pytest.approx(0.25)  # unknown population: the base rate


def test_neighbour_rate_is_monotone_in_the_listed_share():
    # SYNTHETIC: more listed neighbours, more events; an isolated area (no neighbours) gets share 0
    frame = pd.DataFrame(
        {"nbr_with_event_3y": [0.0, 0.0, 1.0, 2.0, 3.0, 0.0], "n_neighbours": [4, 4, 4, 4, 4, 0]}
    )
    model = NeighbourRateBaseline().fit(frame, [0, 0, 0, 1, 1, 0])
    p = model.predict_proba(frame)[:, 1]
    assert (np.diff(p[:5]) >= 0).all() and p[4] == 1.0 and p[5] == p[0] == 0.0

"""The LightGBM wrapper is deterministic; drivers come from its SHAP values and add up to the raw score.

Data are SYNTHETIC, drawn from a seeded generator: y depends on `x_signal` only.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models.drivers import contributions, top_drivers
from models.lightgbm_model import classifier_params, make_classifier


@pytest.fixture(scope="module")
def data() -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(87)
    X = pd.DataFrame(
        {
            "x_signal": rng.normal(size=2000),
            "x_noise": rng.normal(size=2000),
            "x_missing": np.where(rng.uniform(size=2000) < 0.3, np.nan, rng.normal(size=2000)),
        }
    )
    y = (rng.uniform(size=2000) < 1 / (1 + np.exp(-(3 * X["x_signal"] - 3)))).astype(int)
    return X, y.to_numpy()


def test_same_seed_same_model(data):
    X, y = data
    a = make_classifier(7, n_estimators=30).fit(X, y).predict_proba(X)[:, 1]
    b = make_classifier(7, n_estimators=30).fit(X, y).predict_proba(X)[:, 1]
    assert np.array_equal(a, b)
    assert classifier_params(make_classifier(7))["random_state"] == 7


def test_contributions_sum_to_raw_score(data):
    X, y = data
    booster = make_classifier(1, n_estimators=40).fit(X, y).booster_
    contrib = contributions(booster, X.head(50))
    assert list(contrib.columns) == ["x_signal", "x_noise", "x_missing", "expected_value"]
    assert contrib.sum(axis=1).to_numpy() == pytest.approx(
        booster.predict(X.head(50), raw_score=True), abs=1e-9
    )


def test_top_drivers_signed_sorted_labelled(data):
    X, y = data
    booster = make_classifier(1, n_estimators=40).fit(X, y).booster_
    contrib = contributions(booster, X.head(20))
    drivers = top_drivers(contrib, {"x_signal": "Signal"}, n=2)
    assert len(drivers) == 20
    for row, ds in zip(contrib.itertuples(index=False), drivers, strict=True):
        assert 1 <= len(ds) <= 2
        mags = [abs(d["contribution"]) for d in ds]
        assert mags == sorted(mags, reverse=True)
        assert ds[0]["contribution"] == pytest.approx(getattr(row, ds[0]["feature"]))
    signal = [d for ds in drivers for d in ds if d["feature"] == "x_signal"]
    assert signal and all(d["label"] == "Signal" for d in signal)
    assert {d["label"] for ds in drivers for d in ds if d["feature"] == "x_noise"} <= {"x_noise"}


def test_zero_contributions_are_not_drivers():
    contrib = pd.DataFrame({"a": [0.0, 0.2], "b": [0.0, -0.5], "expected_value": [-3.0, -3.0]})
    drivers = top_drivers(contrib, {}, n=3)
    assert drivers[0] == []
    assert [d["feature"] for d in drivers[1]] == ["b", "a"] and drivers[1][0]["contribution"] == -0.5

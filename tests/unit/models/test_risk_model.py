"""RiskModel: calibrated, deterministic, intervals contain p, drivers add up — for both families.

Data are SYNTHETIC, drawn from a seeded generator: y depends on `x_signal` only; `year` splits the rows
into four label years.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models.calibration import expit, fit_platt, level_spread, logit, out_of_fold_margin
from models.recipes import choose_champion, model_lineup
from models.risk_model import RiskModel

FEATURES = ["x_signal", "x_noise", "x_missing"]


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    rng = np.random.default_rng(87)
    n = 2000
    frame = pd.DataFrame(
        {
            "x_signal": rng.normal(size=n),
            "x_noise": rng.normal(size=n),
            "x_missing": np.where(rng.uniform(size=n) < 0.3, np.nan, rng.normal(size=n)),
            "year": np.repeat([2019, 2020, 2021, 2022], n // 4),
            "area_id": np.tile([f"BRA.{1100000 + i}" for i in range(n // 4)], 4),
        }
    )
    frame["y"] = (rng.uniform(size=n) < expit(2 * frame["x_signal"] - 3)).astype(int)
    return frame


@pytest.mark.parametrize("family", ["lightgbm", "logistic"])
def test_probabilities_intervals_and_drivers(data, family):
    model = RiskModel(family, FEATURES, random_state=3, n_bootstrap=4).fit(data, data["y"])
    p = model.predict_proba(data)
    assert p.shape == (len(data),) and ((p > 0) & (p < 1)).all()
    lo, hi = model.interval(data)
    assert (lo <= p).all() and (p <= hi).all() and (hi - lo).mean() > 0
    contrib = model.contributions(data.head(50))
    assert list(contrib.columns) == [*FEATURES, "expected_value"]
    # additive in calibrated log-odds: contributions sum to logit(p)
    assert contrib.sum(axis=1).to_numpy() == pytest.approx(logit(p[:50]), abs=1e-6)
    top = contrib[FEATURES].abs().mean().idxmax()
    assert top == "x_signal"
    # calibration keeps the mean probability near the event rate
    assert p.mean() == pytest.approx(data["y"].mean(), abs=0.02)


def test_deterministic_and_does_not_mutate(data):
    before = data.copy()
    a = RiskModel("lightgbm", FEATURES, random_state=1, n_bootstrap=2).fit(data, data["y"])
    b = RiskModel("lightgbm", FEATURES, random_state=1, n_bootstrap=2).fit(data, data["y"])
    assert np.array_equal(a.predict_proba(data), b.predict_proba(data))
    assert np.array_equal(a.interval(data)[1], b.interval(data)[1])
    pd.testing.assert_frame_equal(data, before)


def test_one_training_year_skips_calibration_and_no_bootstrap_gives_a_point(data):
    one = data.loc[data["year"] == 2019]
    model = RiskModel("logistic", FEATURES, random_state=0).fit(one, one["y"])
    assert model.platt_ == (1.0, 0.0)
    lo, hi = model.interval(one)
    assert np.array_equal(lo, hi)


def test_draws_carry_the_level_spread_of_the_training_years(data):
    model = RiskModel("logistic", FEATURES, random_state=2, n_bootstrap=3).fit(data, data["y"])
    rates = data.groupby("year")["y"].mean().sort_index().to_list()
    assert model.level_spread_ == pytest.approx(level_spread(rates)) and model.level_spread_ > 0
    draws = model.draws(data.head(200))
    assert draws.shape == (RiskModel.n_draws, 200) and ((draws > 0) & (draws < 1)).all()
    assert np.array_equal(draws, model.draws(data.head(200)))  # seeded
    # without bootstrap a draw is one level shift, the same for every area
    flat = RiskModel("logistic", FEATURES, random_state=2).fit(data, data["y"])
    shift = logit(flat.draws(data.head(200))) - logit(flat.predict_proba(data.head(200)))
    assert np.allclose(shift, shift[:, :1], atol=1e-9)
    assert shift[:, 0].std() == pytest.approx(flat.level_spread_, rel=0.15)
    lo, hi = model.interval(data.head(200))
    assert np.allclose(lo, np.minimum(np.quantile(draws, 0.05, axis=0), model.predict_proba(data.head(200))))
    # two years ahead the level may have moved further
    later = data.assign(feature_year=data["year"] - 1)
    far = RiskModel("logistic", FEATURES, random_state=2).fit(later, later["y"])
    assert far.level_spread_ == pytest.approx(np.sqrt(2) * model.level_spread_)


def test_bootstrap_draws_whole_municipalities(data):
    from models.risk_model import _cluster_rows

    clusters = _cluster_rows(data)
    assert len(clusters) == data["area_id"].nunique()
    assert all(data["area_id"].iloc[c].nunique() == 1 for c in clusters)
    assert sorted(np.concatenate(clusters)) == list(range(len(data)))


def test_unknown_family_fails(data):
    with pytest.raises(ValueError, match="unknown model family"):
        RiskModel("forest", FEATURES).fit(data, data["y"])


def test_platt_and_folds():
    rng = np.random.default_rng(0)
    margin = rng.normal(size=5000)
    y = (rng.uniform(size=5000) < expit(0.5 * margin - 1)).astype(int)
    a, b = fit_platt(margin, y)
    assert a == pytest.approx(0.5, abs=0.1) and b == pytest.approx(-1, abs=0.1)
    assert fit_platt(margin, np.zeros(5000)) == (1.0, 0.0)  # one class: identity
    years = np.repeat([1, 2, 3], 4)
    seen = []

    def fit_margin(train, test):
        seen.append(set(years[test]))
        assert not set(years[train]) & set(years[test])  # a year is never calibrated by itself
        return np.zeros(int(test.sum()))

    assert out_of_fold_margin(years, fit_margin) is not None and len(seen) == 2
    assert out_of_fold_margin(np.ones(4), fit_margin) is None


def test_choice_of_the_registered_model():
    gate = {"rule": 0.09, "lightgbm": 0.10, "logistic": 0.11, "persistence": 0.02}
    # the best point estimate does not win unless its interval against the rule is above zero
    family, why = choose_champion(gate, {"lightgbm": True, "logistic": False})
    assert family == "lightgbm" and "above zero" in why
    family, why = choose_champion(gate, {"lightgbm": False, "logistic": False})
    assert family == "rule" and "is kept" in why and "Regularised logistic" in why
    assert set(model_lineup(FEATURES, 0)) == {
        "selected",
        "rule_blend",
        "effort_logistic",
        "lightgbm",
        "logistic",
        "rule",
        "persistence",
        "historical_frequency",
        "population_rate",
        "neighbour_rate",
    }


def test_a_rate_baseline_as_registered_model():
    # SYNTHETIC: population drives the events
    rng = np.random.default_rng(2)
    pop = rng.uniform(1e3, 1e6, size=3000)
    frame = pd.DataFrame({"log_population": np.log(pop), "year": np.repeat([2020, 2021, 2022], 1000)})
    y = (rng.uniform(size=3000) < 1 - np.exp(-pop * 2e-7)).astype(int)
    model = RiskModel("population_rate", ["log_population"], random_state=0, n_bootstrap=3).fit(frame, y)
    p = model.predict_proba(frame)
    contrib = model.contributions(frame)
    assert contrib.sum(axis=1).to_numpy() == pytest.approx(logit(p), abs=1e-6)
    big, small = int(np.argmax(pop)), int(np.argmin(pop))
    assert contrib["log_population"].iloc[big] > 0 > contrib["log_population"].iloc[small]
    lo, hi = model.interval(frame)
    assert (lo <= p).all() and (p <= hi).all()

"""World prevalence model, regional baseline, conformal interval and typology on SYNTHETIC countries."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models.world import (
    PrevalenceModel,
    commitment_score,
    intervention_type,
    leave_country_out,
    nearest_mean,
    validation_metrics,
)


@pytest.fixture(scope="module")
def countries() -> tuple[pd.DataFrame, pd.DataFrame]:
    # SYNTHETIC: 30 countries on a line of longitudes; prevalence rises with x; two surveys each.
    rng = np.random.default_rng(5)
    ids = [f"C{i:02d}" for i in range(30)]
    x = np.linspace(-2, 2, 30)
    rows = []
    for cid, xi in zip(ids, x, strict=True):
        for year, band in ((2012, "5_17"), (2016, "7_14")):
            logit = -2.0 + 1.2 * xi + (0.3 if band == "7_14" else 0.0) + rng.normal(scale=0.2)
            rows.append(
                {
                    "area_id": cid,
                    "year": year,
                    "band": band,
                    "x": xi,
                    "prevalence": 100 / (1 + np.exp(-logit)),
                }
            )
    centroids = pd.DataFrame({"area_id": ids, "lon": np.linspace(-60, 60, 30), "lat": 0.0})
    return pd.DataFrame(rows), centroids


def test_model_recovers_the_signal_and_beats_the_regional_mean(countries):
    frame, centroids = countries
    before = frame.copy()
    lco = leave_country_out(frame, centroids, ["x"])
    metrics = validation_metrics(lco)
    assert metrics["n_countries"] == 30 and metrics["model_mae"] < metrics["baseline_mae"]
    assert 0.7 <= metrics["interval_coverage"] <= 1.0
    pd.testing.assert_frame_equal(frame, before)
    model = PrevalenceModel(["x"]).fit(frame).set_residuals(lco["abs_logit_residual"].to_numpy())
    lo, hi = model.interval(frame)
    p = model.predict(frame)
    assert ((lo <= p) & (p <= hi)).all() and (p > 0).all() and (p < 100).all()
    assert model.contributions(frame).columns.tolist() == ["x"]


def test_regional_mean_uses_the_nearest_countries(countries):
    frame, centroids = countries
    near = nearest_mean(
        frame.loc[frame["area_id"] != "C00"], frame.loc[frame["area_id"] == "C00"], centroids, k=1
    )
    c01 = frame.loc[frame["area_id"] == "C01", "prevalence"]
    logits = np.log(c01 / (100 - c01))
    assert near[0] == pytest.approx(100 / (1 + np.exp(-logits.mean())))
    # a country without a centroid gets the mean of all countries
    lost = nearest_mean(frame, pd.DataFrame({"area_id": ["ZZZ"]}), centroids)
    assert np.isfinite(lost).all()


def test_unfitted_interval_and_empty_residuals():
    model = PrevalenceModel([])
    assert np.isnan(model.set_residuals(np.array([])).half_width_)
    assert model.set_residuals(np.arange(1.0, 11.0)).half_width_ == 10.0  # ceil(11 * 0.9) = 10th value


@pytest.mark.parametrize(
    ("prevalence", "commitment", "kind"),
    [(5.0, 0.8, "catalyst"), (15.0, 0.5, "momentum"), (25.0, 0.2, "inception"), (25.0, 0.8, "momentum")],
)
def test_intervention_type(prevalence, commitment, kind):
    got, why = intervention_type(prevalence, commitment)
    assert got == kind and f"{prevalence:.1f} %" in why


def test_unknown_commitment_gives_no_type():
    kind, why = intervention_type(12.0, float("nan"))
    assert kind is None and "no government-response data" in why


def test_commitment_score_bounds():
    parts = pd.DataFrame(
        {
            "advancement": [1.0, 0.0, np.nan],
            "ratifications": [1.0, 0.0, np.nan],
            "enforcement": [1.0, np.nan, np.nan],
            "supervisory": [0.1, -0.1, np.nan],
        }
    )
    score = commitment_score(parts)
    assert score.iloc[0] == 1.0 and score.iloc[1] == 0.0 and np.isnan(score.iloc[2])

"""The 5-17 prevalence estimator on SYNTHETIC countries: series offsets recovered, shrinkage toward the
prior with few surveys, intervals widening with years since the last survey, no look-ahead forward."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from models import world_evaluation as ev
from models import world_prevalence as wp
from models.world_measurement import REFERENCE, learn_measurement, logit, percent

AGRI = "gm_agriculture_workers_percent_of_employment"
GDP = "gm_gdppercapita_us_inflation_adjusted"
WDI = "wdi:7_14"
TRUE_OFFSET = 0.7


def synthetic(n: int = 40, seed: int = 3) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, float]]:
    """SYNTHETIC survey frame: logit level = -3 + 1.5 z + country effect (s.d. 0.4); each country has an
    estimand survey in 2014 and a WDI 7-14 survey in 2012 running TRUE_OFFSET above (± 0.25)."""
    rng = np.random.default_rng(seed)
    ids = [f"C{i:02d}" for i in range(n)]
    z = np.linspace(-1.5, 1.5, n)
    level = {a: -3.0 + 1.5 * zi + rng.normal(scale=0.4) for a, zi in zip(ids, z, strict=True)}
    rows = []
    for a, zi in zip(ids, z, strict=True):
        for year, series, shift in (
            (2014, REFERENCE, 0.0),
            (2012, WDI, TRUE_OFFSET + rng.normal(scale=0.25)),
        ):
            rows.append(
                {
                    "area_id": a,
                    "year": year,
                    "series": series,
                    "prevalence": float(percent(level[a] + shift + rng.normal(scale=0.1))),
                    "agriculture_workers_share": 40 + 20 * zi,
                    "log_gdp_pc": 8 - zi,
                    "under5_mortality": 50 + 30 * zi,
                    "survey_year": float(year),
                }
            )
    frame = pd.DataFrame(rows)
    for col in wp.BROAD:
        if col not in frame:
            frame[col] = np.nan
    centroids = pd.DataFrame({"area_id": ids, "lat": 0.0, "lon": np.linspace(-60, 60, n)})
    return frame, centroids, level


def test_offsets_are_recovered_within_country():
    frame, _, _ = synthetic(n=80)
    residuals = frame.loc[:, ["area_id", "year", "series"]].assign(r=logit(frame["prevalence"]))
    m = learn_measurement(residuals)
    assert m.method[WDI] == "within" and m.n_pairs[WDI] == 80
    assert m.offset[WDI] == pytest.approx(TRUE_OFFSET, abs=2.5 * m.offset_se[WDI])
    assert 0.02 < m.discrepancy_var[WDI] < 0.2  # true 0.0625 plus noise
    assert m.offset[REFERENCE] == 0.0 and m.extra_var_of([REFERENCE])[0] == 0.0


def test_a_series_without_pairs_gets_a_between_country_offset_with_a_larger_error():
    frame, _, _ = synthetic(n=60)
    residuals = frame.loc[:, ["area_id", "year", "series"]].assign(r=logit(frame["prevalence"]))
    apart = residuals.assign(
        area_id=np.where(residuals["series"] == WDI, residuals["area_id"] + "x", residuals["area_id"])
    )
    m = learn_measurement(apart)
    assert m.method[WDI] == "between" and m.n_pairs[WDI] == 0
    paired = learn_measurement(residuals)
    assert m.offset_se[WDI] > paired.offset_se[WDI]


@pytest.fixture(scope="module")
def fitted():
    frame, centroids, level = synthetic()
    return wp.fit(frame, centroids, grid=[wp.PriorSpec(alpha=4.0, spatial=0.0)]), frame


def _one(frame: pd.DataFrame, area: str, year: int) -> pd.DataFrame:
    row = frame.loc[frame["area_id"] == area].iloc[[0]].copy()
    return row.assign(year=year, survey_year=float(year)).drop(columns=["series", "prevalence"])


def test_shrinks_toward_the_prior_and_trusts_more_surveys_more(fitted):
    model, frame = fitted
    target = _one(frame, "C10", 2014)
    prior = model.predict(target, frame.iloc[:0])["margin"].iloc[0]
    survey_logit = prior + 2.0  # the country's estimand surveys sit 2 logits above its prior
    one = pd.DataFrame({"area_id": ["C10"], "year": [2014], "series": [REFERENCE]})
    one = one.assign(prevalence=percent(survey_logit)).merge(target.drop(columns=["year"]), on="area_id")
    few = model.predict(target, one).iloc[0]
    three = pd.concat([one, one.assign(year=2013), one.assign(year=2015)], ignore_index=True)
    many = model.predict(target, three).iloc[0]
    assert prior < few["margin"] < survey_logit and few["evidence"] == "survey"
    assert few["margin"] < many["margin"] < survey_logit
    assert many["sd"] < few["sd"] < model.predict(target, frame.iloc[:0])["sd"].iloc[0]
    wdi_only = one.assign(series=WDI, prevalence=percent(survey_logit + model.measurement.offset[WDI]))
    assert model.predict(target, wdi_only)["margin"].iloc[0] < few["margin"]  # a WDI survey counts less


def test_interval_widens_with_years_since_the_last_survey(fitted):
    model, frame = fitted
    evidence = frame.loc[frame["area_id"] == "C20"]
    years = [2014, 2017, 2022, 2034]
    out = pd.concat([model.predict(_one(frame, "C20", y), evidence) for y in years], ignore_index=True)
    width = logit(out["p_hi"]) - logit(out["p_lo"])
    assert (np.diff(width) > 0).all() and (np.diff(out["own_weight"]) < 0).all()
    no_survey = model.predict(_one(frame, "C20", 2034), frame.iloc[:0]).iloc[0]
    assert width[-1] < logit(no_survey["p_hi"]) - logit(no_survey["p_lo"])
    assert no_survey["evidence"] == "covariates" and no_survey["own_weight"] == 0.0


def observations(seed: int = 11) -> pd.DataFrame:
    """SYNTHETIC warehouse observations: 36 countries, covariates yearly (published a year later), an
    estimand survey in 2012 for 24 of them (published 2014) and in 2016 for the other 12 (published 2018),
    WDI 7-14 surveys in 2010 for all (published 2012)."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(36):
        a = f"C{i:02d}"
        z = -1.5 + 3 * i / 35
        for year in range(2008, 2019):
            rows.append((a, year, AGRI, 40 + 20 * z, year + 1))
            rows.append((a, year, GDP, float(np.exp(8 - z)), year + 1))
        level = -3 + 1.5 * z + rng.normal(scale=0.4)
        survey = 2012 if i < 24 else 2016
        rows.append((a, survey, "sdg871_econ_activity.5_17.bothsex", float(percent(level)), survey + 2))
        rows.append(
            (a, 2010, "wdi_sl_tlf_0714_zs", float(percent(level + 0.7 + rng.normal(scale=0.2))), 2012)
        )
    obs = pd.DataFrame(rows, columns=["area_id", "year", "indicator_code", "value", "vintage"])
    return obs.assign(
        period=pd.to_datetime(obs["year"].astype(str) + "-01-01"),
        vintage=pd.to_datetime(obs["vintage"].astype(str) + "-01-01"),
        source="synthetic",
    ).drop(columns="year")


def test_forward_test_never_sees_what_was_published_after(tmp_path):
    obs = observations()
    centroids = pd.DataFrame({"area_id": sorted(obs["area_id"].unique()), "lat": 0.0})
    centroids = centroids.assign(lon=np.linspace(-60, 60, len(centroids)))
    grid = [wp.PriorSpec(alpha=4.0, spatial=0.0)]
    first = ev.forward_test(obs, centroids, grid, min_known=10)
    assert set(first["year"]) == {2016} and len(first) == 12  # 2012 surveys: fewer than 10 known before
    assert (first["as_of"] < pd.Timestamp("2018-01-01")).all()
    assert (first["evidence"] == "survey").all()  # their 2010 WDI surveys were published in 2012
    # the surveys being predicted, and anything published with or after them, cannot change the answer
    late = pd.to_datetime(obs["vintage"]) >= pd.Timestamp("2018-01-01")
    changed = obs.assign(
        value=np.where(late & obs["indicator_code"].str.startswith("sdg"), 50.0, obs["value"])
    )
    again = ev.forward_test(changed, centroids, grid, min_known=10)
    pd.testing.assert_series_equal(first["model"], again["model"])
    assert not np.allclose(first["prevalence"], again["prevalence"])


def test_loco_all_hides_every_series_of_the_country_and_loco_estimand_keeps_them():
    frame, centroids, _ = synthetic(n=24)
    grid = [wp.PriorSpec(alpha=4.0, spatial=0.0)]
    hidden = ev.leave_country_out(frame, centroids, keep_other_series=False, grid=grid)
    kept = ev.leave_country_out(frame, centroids, keep_other_series=True, grid=grid)
    assert len(hidden) == len(kept) == 24
    assert (hidden["evidence"] == "covariates").all() and hidden["carried_series"].isna().all()
    assert (kept["evidence"] == "survey").all() and (kept["carried_series"] == WDI).all()
    np.testing.assert_allclose(hidden["carried"], hidden["regional"])
    scores = ev.metrics(kept, "loco_estimand")
    assert scores["loco_estimand_n_countries"] == 24 and scores["loco_estimand_n_with_survey"] == 24
    assert scores["loco_estimand_model_mae"] < ev.metrics(hidden, "loco_all")["loco_all_model_mae"]


def test_type_sensitivity_counts_countries_that_change_type():
    from models.world_type_sensitivity import type_sensitivity

    # SYNTHETIC: one country just above the 10 % risk cut, one far from every cut, one untyped
    table = type_sensitivity(np.array([10.5, 3.0, 30.0]), np.array([0.2, 0.9, np.nan])).set_index(
        ["cut", "value"]
    )
    assert table.loc[("risk_1", 12.5), "changed"] == 1 and table.loc[("risk_1", 7.5), "changed"] == 0
    assert table.loc[("risk_1", 12.5), "momentum"] == 1  # some risk + low commitment: gap 4
    assert (table["catalyst"] + table["momentum"] + table["inception"] == 2).all()


def test_regional_mean_uses_the_nearest_other_countries():
    frame, centroids, _ = synthetic(n=10)
    near = ev.regional_mean(frame, centroids, ["C00", "ZZZ"], k=1)
    c01 = frame.loc[(frame["area_id"] == "C01") & (frame["series"] == REFERENCE), "prevalence"].iloc[0]
    assert near[0] == pytest.approx(c01)  # C00 itself is excluded, C01 is nearest
    ref = frame.loc[frame["series"] == REFERENCE, "prevalence"]
    assert near[1] == pytest.approx(float(percent(logit(ref).mean())))  # no centroid: every country


def test_column_medians_match_numpy_nanmedian_to_the_last_digit():
    import warnings

    from models.world_prevalence import column_medians

    rng = np.random.default_rng(7)
    for _ in range(300):
        rows, cols = int(rng.integers(1, 30)), int(rng.integers(1, 6))
        X = rng.normal(size=(rows, cols))
        X[rng.random((rows, cols)) < rng.random()] = np.nan
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns
            expected = np.nan_to_num(np.nanmedian(X, axis=0), nan=0.0)
        assert np.array_equal(column_medians(X), expected)
    assert column_medians(np.empty((0, 2))).tolist() == [0.0, 0.0]

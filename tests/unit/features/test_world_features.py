"""World features on SYNTHETIC observations: bands kept, vintages respected, commitment components."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from features.world import commitment_components, covariates_at, prevalence_observations


def _obs(rows):
    return pd.DataFrame(rows, columns=["area_id", "period", "indicator_code", "value", "vintage"])


def test_prevalence_keeps_bands_and_drops_impossible_values():
    obs = _obs(
        [
            ("AAA", "2015-01-01", "sdg871_econ_activity.5_17.bothsex", 12.0, "2017-01-01"),
            ("AAA", "2015-01-01", "sdg871_econ_activity.5_17.female", 10.0, "2017-01-01"),
            ("AAA", "2010-01-01", "wdi_sl_tlf_0714_zs", 20.0, "2012-01-01"),
            ("BBB", "2010-01-01", "wdi_sl_tlf_0714_zs", 0.0, "2012-01-01"),
        ]
    )
    out = prevalence_observations(obs)
    assert out[["area_id", "year", "band", "prevalence"]].values.tolist() == [
        ["AAA", 2010, "7_14", 20.0],
        ["AAA", 2015, "5_17", 12.0],
    ]
    assert prevalence_observations(_obs([])).empty


def test_covariates_take_the_latest_value_known():
    obs = _obs(
        [
            ("AAA", "2010-01-01", "gm_rural_population_percent_of_total", 60.0, "2012-01-01"),
            ("AAA", "2014-01-01", "gm_rural_population_percent_of_total", 50.0, "2016-01-01"),
            ("AAA", "2014-01-01", "gm_gdppercapita_us_inflation_adjusted", 1000.0, "2016-01-01"),
        ]
    )
    out = covariates_at(obs, ["AAA", "AAA", "BBB"], [2012, 2015, 2015])
    assert out["rural_share"].tolist()[:2] == [60.0, 50.0] and np.isnan(out["rural_share"].iloc[2])
    assert out["log_gdp_pc"].iloc[1] == pytest.approx(np.log(1000.0))
    # known by 2014 only: the 2014 value (published 2016) is not used
    early = covariates_at(obs, ["AAA"], [2015], as_of=pd.Timestamp("2014-06-01"))
    assert early["rural_share"].tolist() == [60.0]


def test_commitment_components():
    obs = _obs(
        [
            ("AAA", "2020-01-01", "ilab_advancement_level", 2.0, "2021-09-30"),
            ("AAA", "2019-01-01", "ilab_advancement_level", 4.0, "2020-09-30"),
            ("AAA", "2020-01-01", "ilab_ratified_c138", 1.0, "2021-09-30"),
            ("AAA", "2020-01-01", "ilab_ratified_c182", 0.0, "2021-09-30"),
            ("AAA", "2019-01-01", "ceacr_technical_assistance", 1.0, "2019-03-01"),
            ("BBB", "2019-01-01", "ceacr_deep_concern", 1.0, "2019-03-01"),
        ]
    )
    out = commitment_components(obs, 2021, pd.Timestamp("2022-01-01"))
    assert out.loc["AAA", "advancement"] == 0.5 and out.loc["AAA", "ratifications"] == 0.5
    assert out.loc["AAA", "supervisory"] == pytest.approx(0.1) and out.loc[
        "BBB", "supervisory"
    ] == pytest.approx(-0.1)
    # before the 2020 report was published, the 2019 one is the latest known
    assert commitment_components(obs, 2021, pd.Timestamp("2021-01-01")).loc["AAA", "advancement"] == 1.0

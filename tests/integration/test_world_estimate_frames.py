"""World estimates from frames (no warehouse): every country with a covariate is estimated, the others are
left out, rows for ``country_estimate`` carry NULL for NaN, vintages are per source. SYNTHETIC countries."""

from __future__ import annotations

import json
from datetime import date

import numpy as np
import pandas as pd
import pytest

from features.errors import MissingInputError
from models.world_estimate import (
    ESTIMATE_COLUMNS,
    apply_world,
    data_vintage,
    estimate_rows,
    fit_world,
    type_counts,
)

AS_OF = date(2024, 1, 1)
GDP = "gm_gdppercapita_us_inflation_adjusted"
RURAL = "gm_rural_population_percent_of_total"


@pytest.fixture(scope="module")
def inputs() -> tuple[pd.DataFrame, pd.DataFrame]:
    # SYNTHETIC: 12 surveyed countries where prevalence falls with GDP; "NOS" has covariates but no survey
    # and no ILAB report; "NOC" has nothing at all; one value is published after AS_OF.
    rows = []
    ids = [f"C{i:02d}" for i in range(12)]
    for i, cid in enumerate(ids):
        gdp = 500.0 * (i + 1)
        prevalence = float(np.clip(40 - 3 * i, 2, 60))
        rows += [
            (cid, "2018-01-01", "sdg871_econ_activity.5_17.bothsex", "ilo", prevalence, "2020-06-01"),
            (cid, "2018-01-01", GDP, "gapminder", gdp, "2019-01-01"),
            (cid, "2018-01-01", RURAL, "gapminder", 70.0 - 3 * i, "2019-01-01"),
            (cid, "2020-01-01", "ilab_advancement_level", "ilab", float(i % 5), "2021-09-30"),
        ]
    rows += [
        ("NOS", "2018-01-01", GDP, "gapminder", 800.0, "2019-01-01"),
        ("C00", "2022-01-01", "sdg871_econ_activity.5_17.bothsex", "ilo", 99.0, "2025-01-01"),
    ]
    obs = pd.DataFrame(rows, columns=["area_id", "period", "indicator_code", "source", "value", "vintage"])
    countries = pd.DataFrame(
        {
            "area_id": [*ids, "NOS", "NOC"],
            "name": [*ids, "No survey", "No covariates"],
            "lon": np.linspace(-50, 50, 14),
            "lat": 0.0,
        }
    )
    return obs, countries


def test_every_country_with_a_covariate_is_estimated(inputs):
    obs, countries = inputs
    before = obs.copy()
    model, tables, metrics = fit_world(obs, countries, AS_OF)
    estimates = apply_world(model, obs, countries, AS_OF)
    pd.testing.assert_frame_equal(obs, before)
    assert set(ESTIMATE_COLUMNS) <= set(estimates.columns)
    assert "NOC" not in set(estimates["area_id"]) and len(estimates) == 13
    assert metrics["n_countries"] == 12 and len(tables["loco_all"]) == 12  # the 2022 value is unseen
    assert len(tables["loco_estimand"]) == 12 and tables["forward"].empty  # too few known before 2020
    assert (estimates["period"] == 2023).all()
    assert (
        (estimates["p_lo"] <= estimates["prevalence"]) & (estimates["prevalence"] <= estimates["p_hi"])
    ).all()
    nos = estimates.set_index("area_id").loc["NOS"]
    assert np.isnan(nos["observed"]) and pd.isna(nos["intervention_type"])
    assert nos["covariates_known"] == 1 and "1 of 9 covariates known" in nos["reasons"]
    assert nos["evidence"] == "covariates" and "covariates only" in nos["reasons"]
    c00 = estimates.set_index("area_id").loc["C00"]
    assert c00["observed"] == pytest.approx(40.0) and c00["evidence"] == "survey"
    assert c00["evidence_series"] == "sdg:5_17" and c00["evidence_year"] == 2018


def test_rows_turn_nan_into_null_and_keep_reasons_as_json(inputs):
    obs, countries = inputs
    model, _, _ = fit_world(obs, countries, AS_OF)
    estimates = apply_world(model, obs, countries, AS_OF)
    rows = {r["area_id"]: r for r in estimate_rows(estimates, {"model_version": "1"})}
    nos = rows["NOS"]
    assert nos["observed"] is None and nos["observed_band"] is None and nos["intervention_type"] is None
    reasons = json.loads(nos["reasons"])
    assert "no government-response data" in reasons["type_reason"]
    assert all({"feature", "label", "contribution"} <= set(d) for d in reasons["drivers"])
    assert rows["C03"]["model_version"] == "1" and rows["C03"]["age_band"] == "5_17"
    assert (rows["C03"]["evidence"], rows["C03"]["evidence_year"]) == ("survey", 2018)
    assert nos["evidence"] == "covariates" and nos["evidence_series"] is None and nos["evidence_year"] is None
    assert type_counts(estimates["intervention_type"])["unknown"] == 1


def test_data_vintage_is_the_newest_known_per_source(inputs):
    obs, _ = inputs
    assert data_vintage(obs, AS_OF) == {
        "gapminder": "2019-01-01",
        "ilab": "2021-09-30",
        "ilo": "2020-06-01",
    }
    assert data_vintage(obs.iloc[:0], AS_OF) == {}


def test_nothing_published_by_the_date_fails_loudly(inputs):
    obs, countries = inputs
    with pytest.raises(MissingInputError, match="prevalence"):
        fit_world(obs, countries, date(2019, 6, 1))

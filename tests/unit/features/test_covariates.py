"""Census and population covariates honour period and vintage; SYNTHETIC rows unless stated."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from features.asof import with_years
from features.covariates import area_features, census_features, population_features
from tests.unit.features.conftest import obs

AREAS = pd.Index(["A", "B"], name="area_id")
ROWS = pd.DataFrame(
    [
        obs("A", 2000, "br_atlas_idhm", 0.5, "2013-07-29"),
        obs("A", 2010, "br_atlas_idhm", 0.6, "2013-07-29"),
        obs("A", 2010, "br_atlas_pesorur", 300, "2013-07-29"),
        obs("A", 2010, "br_atlas_pesourb", 700, "2013-07-29"),
        obs("A", 2019, "br_population_estimate", 1000, "2019-08-31"),
        obs("A", 2020, "br_population_estimate", 2000, "2020-08-31"),
        obs("B", 2020, "br_population_estimate", 0, "2020-08-31"),
    ]
)


def test_latest_census_known_before_the_year():
    known = with_years(ROWS)
    out = census_features(known, AREAS, 2014)
    assert out.loc["A", "census_idhm"] == 0.6
    assert out.loc["A", "census_rural_share"] == pytest.approx(30.0)
    assert out.loc["B"].isna().all()
    # The Atlas was published on 2013-07-29: before 2014 no census value was known at all.
    assert census_features(known, AREAS, 2013).isna().all().all()


def test_population_uses_the_latest_estimate_published_before_the_year():
    known = with_years(ROWS)
    assert population_features(known, AREAS, 2021).loc["A", "log_population"] == pytest.approx(np.log(2000))
    assert population_features(known, AREAS, 2020).loc["A", "log_population"] == pytest.approx(np.log(1000))
    # zero population is not a number we can log: NaN rather than -inf
    assert np.isnan(population_features(known, AREAS, 2021).loc["B", "log_population"])


def test_a_revision_replaces_the_first_publication_only_once_published():
    rows = pd.concat(
        [ROWS, pd.DataFrame([obs("A", 2020, "br_population_estimate", 4000, "2021-06-30")])],
        ignore_index=True,
    )
    known = with_years(rows)
    assert population_features(known, AREAS, 2021).loc["A", "log_population"] == pytest.approx(np.log(2000))
    assert population_features(known, AREAS, 2022).loc["A", "log_population"] == pytest.approx(np.log(4000))


def test_area_and_missing_columns():
    areas = pd.DataFrame({"area_id": ["A", "B"], "area_km2": [np.e, None]})
    out = area_features(areas, AREAS)
    assert out.loc["A", "log_area_km2"] == pytest.approx(1.0)
    assert np.isnan(out.loc["B", "log_area_km2"])
    with pytest.raises(ValueError, match="lack columns"):
        with_years(ROWS.drop(columns="vintage"))

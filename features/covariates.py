"""Structural covariates known before a target year: census (Atlas), population, area.

Atlas indicators are ``br_atlas_<column>`` observations for census years 1991/2000/2010; the latest census
known before the target year is used. Population is ``br_population_estimate`` (persons): the latest
IBGE estimate published (vintage) before the target year. Area is the equal-area size in km².
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from features.asof import latest_known
from features.catalog import CENSUS_COLUMNS

ATLAS_PREFIX = "br_atlas_"
POPULATION_CODE = "br_population_estimate"


def census_features(observations: pd.DataFrame, area_ids: pd.Index, year: int) -> pd.DataFrame:
    """Census covariates per ``area_id`` for target ``year`` (NaN where no census was known yet).

    ``observations`` is a :func:`features.asof.with_years` frame. ``census_rural_share`` is rural /
    (rural + urban) population in percent.
    """
    atlas = observations.loc[observations["indicator_code"].str.startswith(ATLAS_PREFIX)]
    latest = latest_known(atlas, year)
    wide = latest.pivot_table(index="area_id", columns="indicator_code", values="value", aggfunc="first")
    index = pd.Index(area_ids, name="area_id")
    wide = wide.reindex(index)
    out = pd.DataFrame(index=index)
    for column, name in CENSUS_COLUMNS.items():
        code = ATLAS_PREFIX + column
        out[name] = wide[code] if code in wide.columns else np.nan
    rural = wide[ATLAS_PREFIX + "pesorur"] if ATLAS_PREFIX + "pesorur" in wide.columns else np.nan
    urban = wide[ATLAS_PREFIX + "pesourb"] if ATLAS_PREFIX + "pesourb" in wide.columns else np.nan
    total = rural + urban
    out["census_rural_share"] = (100.0 * rural / total.where(total > 0)) if np.ndim(total) else np.nan
    return out.astype("float64")


def population_features(observations: pd.DataFrame, area_ids: pd.Index, year: int) -> pd.DataFrame:
    """``log_population``: natural log of the latest population estimate known before ``year``."""
    pop = observations.loc[observations["indicator_code"] == POPULATION_CODE]
    latest = latest_known(pop, year).set_index("area_id")["value"]
    values = latest.reindex(pd.Index(area_ids, name="area_id"))
    return pd.DataFrame({"log_population": np.log(values.where(values > 0))}).astype("float64")


def area_features(areas: pd.DataFrame, area_ids: pd.Index) -> pd.DataFrame:
    """``log_area_km2`` per ``area_id`` (boundaries are treated as fixed; NaN when unknown)."""
    km2 = pd.to_numeric(areas.set_index("area_id")["area_km2"], errors="coerce")
    km2 = km2.reindex(pd.Index(area_ids, name="area_id"))
    return pd.DataFrame({"log_area_km2": np.log(km2.where(km2 > 0))}).astype("float64")

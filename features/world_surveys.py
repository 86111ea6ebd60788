"""Frames of the world prevalence model as known at a date: every child-labour survey with its series and
the covariates of its year, and the covariates of a target year (ADR 0041).

Series keys are ``"<source>:<band>"`` (``sdg:5_17`` is the estimand, ``wdi:7_14`` the WDI series, ...).
As of date D only observations with vintage <= D are used, covariates included.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from features.asof import known_on
from features.world import SDG_PREFIX, WDI_CODE, covariates_at, prevalence_observations


def survey_frame(observations: pd.DataFrame, as_of) -> pd.DataFrame:
    """One row per (country, year, series) known by ``as_of``: ``area_id, year, series, source, band,
    prevalence`` (percent), ``vintage`` (first publication, timestamp), ``survey_year`` and the covariates
    of that year. Empty when nothing was published by then."""
    known = known_on(observations, as_of)
    surveys = prevalence_observations(known)
    if surveys.empty:
        return surveys.assign(series=pd.Series(dtype="object"))
    vintages = _first_vintage(known)
    surveys = surveys.assign(series=surveys["source"] + ":" + surveys["band"])
    surveys = surveys.merge(vintages, on=["area_id", "year", "source", "band"], how="left")
    covs = covariates_at(known, surveys["area_id"], surveys["year"])
    out = surveys.merge(covs, on=["area_id", "year"], how="left")
    return out.assign(survey_year=out["year"].astype("float64"))


def target_frame(observations: pd.DataFrame, area_ids: Sequence[str], year: int, as_of) -> pd.DataFrame:
    """Covariates of ``year`` for each country of ``area_ids`` as known by ``as_of``: ``area_id, year,
    survey_year`` and the covariates."""
    known = known_on(observations, as_of)
    out = covariates_at(known, list(area_ids), [year] * len(area_ids))
    return out.assign(survey_year=float(year))


def _first_vintage(known: pd.DataFrame) -> pd.DataFrame:
    codes = known["indicator_code"]
    sdg = codes.str.startswith(SDG_PREFIX) & codes.str.endswith(".bothsex")
    rows = known.loc[sdg | (codes == WDI_CODE)].copy()
    rows["year"] = pd.to_datetime(rows["period"]).dt.year.astype("int64")
    rows["vintage"] = pd.to_datetime(rows["vintage"])
    rows["source"] = rows["indicator_code"].map(lambda c: "wdi" if c == WDI_CODE else "sdg")
    rows["band"] = rows["indicator_code"].map(lambda c: "7_14" if c == WDI_CODE else c.split(".")[1])
    return rows.groupby(["area_id", "year", "source", "band"], as_index=False)["vintage"].min()

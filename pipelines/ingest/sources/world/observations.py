"""Shared pieces of the world (country-year) connectors: vintage rule and the observation gate.

Vintage rule for world statistical series whose publishers do not date each value: a value for year
``Y`` is taken as known from 1 January of ``Y + 2`` (``WORLD_LAG_YEARS``). International databases
publish a year's survey and national-accounts figures during the following year; two years is the
conservative reading. Where a file carries its own publication date, vintage is capped at that date.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from pipelines.quality import SuiteSpec
from pipelines.quality.suites import observation_suite

WORLD_LAG_YEARS = 2


def lagged_vintage(years: pd.Series, lag_years: int = WORLD_LAG_YEARS, cap: date | None = None) -> pd.Series:
    """1 January of ``year + lag_years`` (never after ``cap``), as ``datetime.date``; a missing year → None."""
    out = []
    for year in years:
        if pd.isna(year):
            out.append(None)
            continue
        known = date(int(year) + lag_years, 1, 1)
        out.append(min(known, cap) if cap is not None else known)
    return pd.Series(out, index=years.index, dtype=object)


def country_suite(name: str, sources: set[str], row_count: tuple[int, int]):
    """Build a suite function: area ids must be countries (level 0) already in the warehouse."""

    def suite(frame: pd.DataFrame, areas: pd.DataFrame) -> SuiteSpec:
        known = areas.loc[areas["level"] == "0", "area_id"]
        codes = frame["indicator_code"].unique() if "indicator_code" in frame.columns else []
        return observation_suite(name, known, codes, sources, row_count, area_pattern=r"^[A-Z]{3}$")

    return suite

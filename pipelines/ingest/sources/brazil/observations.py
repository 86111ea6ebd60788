"""Shared pieces of the Brazil municipality connectors: ids and the observation gate."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipelines.ingest.errors import SourceFormatError
from pipelines.ingest.readers.csv_reader import to_number
from pipelines.quality import SuiteSpec
from pipelines.quality.suites import observation_suite


def municipality_ids(frame: pd.DataFrame, column: str, path: Path) -> pd.Series:
    """``BRA.<ibge7>`` area ids from an IBGE 7-digit code column; anything else raises with its line."""
    codes = to_number(frame, column, path)
    bad = codes.isna() | (codes < 1_000_000) | (codes > 9_999_999) | (codes % 1 != 0)
    if bad.any():
        pos = int(bad.to_numpy().nonzero()[0][0])
        raise SourceFormatError(
            path, "IBGE code", f"{column} {frame[column].iloc[pos]!r} is not 7 digits", pos + 2
        )
    return "BRA." + codes.astype("int64").astype(str)


def municipality_suite(name: str, sources: set[str], row_count: tuple[int, int]):
    """Build a suite function: area ids must be Brazilian municipalities already in the warehouse."""

    def suite(frame: pd.DataFrame, areas: pd.DataFrame) -> SuiteSpec:
        known = areas.loc[(areas["study"] == "brazil") & (areas["level"] == "2"), "area_id"]
        codes = frame["indicator_code"].unique() if "indicator_code" in frame.columns else []
        return observation_suite(name, known, codes, sources, row_count, area_pattern=r"^BRA\.\d{7}$")

    return suite

"""What a source connector is, and the generic staging shapes it produces.

A connector reads its input files into a **staging frame** in the shape of its target table, plus the
indicator definitions it publishes, and names the expectation suite that frame must pass:

- observations: one row per (``area_id``, ``period``, ``indicator_code``, ``source``, ``vintage``) with
  ``freq`` and ``value``; ``period`` and ``vintage`` are ``datetime.date`` (a year is its 1 January);
  the staging frame also carries ``unit`` (for range checks), which is not published.
- areas: the columns of the ``area`` table, geometries as WKB in EPSG:4326.

Connectors never write; the runner (:mod:`pipelines.ingest.runner`) validates and publishes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from pipelines.quality import SuiteSpec

OBSERVATION_COLUMNS = ["area_id", "period", "indicator_code", "source", "vintage", "freq", "value"]
OBSERVATION_KEY = ("area_id", "period", "indicator_code", "source", "vintage")
AREA_COLUMNS = [
    "area_id",
    "level",
    "parent_id",
    "name",
    "iso3",
    "study",
    "boundary_version",
    "centroid_lon",
    "centroid_lat",
    "area_km2",
    "geometry_wkb",
    "geometry_simplified_wkb",
]
INDICATOR_COLUMNS = ["indicator_code", "name", "unit", "source", "description"]
CATEGORY_COLUMNS = ["area_id", "indicator_code", "source", "freq", "unit"]


@dataclass(frozen=True)
class Staged:
    """A connector's output: the staging ``frame``, the ``indicators`` it defines (empty for areas) and the
    input rows it could not place (``unmatched``, e.g. a name no crosswalk entry matches; empty for most
    sources). Unmatched rows are never published and never dropped silently: the runner counts them in the
    lineage row and writes them to a report."""

    frame: pd.DataFrame
    indicators: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=INDICATOR_COLUMNS))
    unmatched: pd.DataFrame = field(default_factory=pd.DataFrame)


@dataclass(frozen=True)
class Connector:
    """One source.

    - ``inputs``: role → path relative to the data root; the first role is the primary file that
      ``run_source(name, path=<file>)`` replaces. A path may be a folder (every file in it is checksummed).
    - ``stage(files)``: role → absolute path in, :class:`Staged` out; raises ``SourceFormatError``.
    - ``suite(frame, areas)``: the :class:`SuiteSpec` for the staging frame, given the areas already in the
      warehouse (columns ``area_id, level, study``).
    - ``keep_existing``: area ids this source inserts only when absent (another source owns them).
    """

    name: str
    dataset: str
    target: str
    study: str
    inputs: dict[str, str]
    stage: Callable[[dict[str, Path]], Staged]
    suite: Callable[[pd.DataFrame, pd.DataFrame], SuiteSpec]
    keep_existing: frozenset[str] = frozenset()


def year_start(years: pd.Series) -> pd.Series:
    """Map integer years to their 1 January as ``datetime.date`` (object dtype); a missing year stays None.

    One ``date`` object per distinct year, shared by its rows (a 2 M-row file holds a few dozen years)."""
    return year_dates(years, 1, 1)


def year_dates(years: pd.Series, month: int, day: int) -> pd.Series:
    """Map integer years to ``date(year, month, day)`` (object dtype, one object per distinct year)."""
    starts = {y: date(int(y), month, day) for y in pd.unique(years.dropna())}
    return pd.Series(years.map(starts), index=years.index, dtype=object).where(years.notna(), None)


def indicators_frame(rows: list[tuple[str, str, str, str, str]]) -> pd.DataFrame:
    """Build the indicator definitions: tuples of (code, name, unit, source, description)."""
    return pd.DataFrame(rows, columns=INDICATOR_COLUMNS)


def finish_observations(
    frame: pd.DataFrame, indicators: pd.DataFrame, drop_missing: bool = True
) -> pd.DataFrame:
    """Return a new staging frame in observation shape, rows sorted by key.

    ``drop_missing``: rows without a value are dropped (a blank cell is missing, never 0); pass ``False``
    where every row must carry a value, so the gate's not-null rule reports the blank instead.
    ``freq`` is ``year`` unless given; ``unit`` is joined from ``indicators``. ``CATEGORY_COLUMNS`` are
    returned as pandas categories (their values are unchanged).
    """
    out = frame.loc[frame["value"].notna()].copy() if drop_missing else frame.copy()
    if "freq" not in out.columns:
        out["freq"] = "year"
    units = dict(zip(indicators["indicator_code"], indicators["unit"], strict=True))
    out["unit"] = out["indicator_code"].map(units)
    out["value"] = out["value"].astype(float)
    out = out[OBSERVATION_COLUMNS + ["unit"]]
    out = out.sort_values(list(OBSERVATION_KEY), kind="stable").reset_index(drop=True)
    # Repeated labels as categories: a 2 M-row frame stays small through the checks, the gate and publishing.
    return out.astype(dict.fromkeys(CATEGORY_COLUMNS, "category"))

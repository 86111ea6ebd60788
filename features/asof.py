"""As-of filtering: what was known on a date, and what was known before a target year started.

:func:`known_on` is the one as-of rule of every study: a row is known on date D when its ``vintage`` (the
date the value became known) is on or before D, D itself included (ADR 0037).

Observations arrive in the warehouse's long shape: one row per (``area_id``, ``period``,
``indicator_code``, ``vintage``) with a ``value``; ``period`` is the first day of a year and ``vintage`` the
date the value became known. Features for target year ``t`` may use a row only if its period year is
before ``t`` and its vintage is before 1 January ``t``.
"""

from __future__ import annotations

from datetime import date

import pandas as pd

OBSERVATION_COLUMNS = ["area_id", "period", "indicator_code", "value", "vintage"]


def known_on(frame: pd.DataFrame, as_of: date | pd.Timestamp | str) -> pd.DataFrame:
    """The rows of ``frame`` whose ``vintage`` is on or before ``as_of`` (the day itself included).

    ``vintage`` may hold dates, timestamps or ISO strings (SQLite returns strings); ``as_of`` a date, a
    timestamp or an ISO date. Every vintage of a key that was out by then is kept: a study picks the
    newest itself. Index and column order are unchanged.
    """
    if "vintage" not in frame.columns:
        raise ValueError("frame lacks column 'vintage'")
    return frame.loc[pd.to_datetime(frame["vintage"]) <= pd.Timestamp(as_of)]


def with_years(observations: pd.DataFrame) -> pd.DataFrame:
    """Return a new frame with integer ``year`` (of ``period``) and ``vintage`` as timestamps.

    Accepts ``period``/``vintage`` as dates, timestamps or ISO strings (SQLite returns strings).
    """
    missing = [c for c in OBSERVATION_COLUMNS if c not in observations.columns]
    if missing:
        raise ValueError(f"observations lack columns {missing}")
    out = observations.loc[:, OBSERVATION_COLUMNS].copy()
    out["year"] = pd.to_datetime(out["period"]).dt.year.astype("int64")
    out["vintage"] = pd.to_datetime(out["vintage"])
    out["value"] = pd.to_numeric(out["value"], errors="coerce")
    return out.drop(columns="period")


def known_before(observations: pd.DataFrame, year: int) -> pd.DataFrame:
    """Rows of a :func:`with_years` frame with ``year < year`` and ``vintage`` before 1 January ``year``."""
    cutoff = pd.Timestamp(year=year, month=1, day=1)
    mask = (observations["year"] < year) & (observations["vintage"] < cutoff)
    return observations.loc[mask]


def latest_known(observations: pd.DataFrame, year: int) -> pd.DataFrame:
    """Per (``area_id``, ``indicator_code``), the row of the latest period known before ``year``.

    Within that period the latest vintage known before ``year`` wins (a revision replaces the first
    publication once it is out). Returns columns ``area_id``, ``indicator_code``, ``year``, ``value``.
    """
    known = known_before(observations, year)
    ordered = known.sort_values(["area_id", "indicator_code", "year", "vintage"], kind="stable")
    last = ordered.drop_duplicates(["area_id", "indicator_code"], keep="last")
    return last.loc[:, ["area_id", "indicator_code", "year", "value"]].reset_index(drop=True)

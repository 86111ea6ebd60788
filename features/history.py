"""Panel features from an area's own employer-list history, for one target year.

Input: an event table (``features.events.event_table``: ``area_id``, ``year``, ``events``, ``workers``).
Only inspection years before the target year are used. Output: one row per area, indexed by ``area_id``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def history_features(events: pd.DataFrame, area_ids: pd.Index, year: int, first_year: int) -> pd.DataFrame:
    """Own-history features of every area for target ``year``.

    ``first_year`` is the first inspection year the list could cover; ``history_years = year - first_year``.
    ``years_since_event`` is NaN for an area never listed before ``year``.
    """
    past = events.loc[(events["year"] < year) & (events["events"] > 0)]
    recent = past.loc[past["year"] >= year - 3]
    by_area = past.groupby("area_id")
    out = pd.DataFrame(index=pd.Index(area_ids, name="area_id"))
    out["event_lag1"] = out.index.isin(past.loc[past["year"] == year - 1, "area_id"]).astype("float64")
    out["event_lag2"] = out.index.isin(past.loc[past["year"] == year - 2, "area_id"]).astype("float64")
    out["events_3y"] = recent.groupby("area_id")["events"].sum().reindex(out.index, fill_value=0.0)
    out["workers_3y"] = recent.groupby("area_id")["workers"].sum().reindex(out.index, fill_value=0.0)
    last_year = by_area["year"].max().reindex(out.index)
    out["years_since_event"] = (year - last_year).astype("float64")
    out["ever_listed"] = last_year.notna().astype("float64")
    out["event_years_past"] = by_area["year"].nunique().reindex(out.index, fill_value=0).astype("float64")
    out["history_years"] = float(max(year - first_year, 0))
    return out.astype("float64")


def state_event_rate(events: pd.DataFrame, parents: pd.Series, year: int, window: int = 3) -> pd.Series:
    """Share of municipality-years in each area's state with an event, over the ``window`` years before ``year``.

    ``parents`` maps ``area_id`` → state ``area_id`` (index = area_id). Returns a float Series indexed
    like ``parents``; NaN for an area without a state.
    """
    recent = events.loc[(events["year"] < year) & (events["year"] >= year - window) & (events["events"] > 0)]
    hits = recent.loc[:, ["area_id", "year"]].drop_duplicates()
    hits = hits.assign(state=hits["area_id"].map(parents))
    per_state_hits = hits.groupby("state").size()
    per_state_areas = parents.groupby(parents).size()
    rate = per_state_hits.reindex(per_state_areas.index, fill_value=0) / (per_state_areas * window)
    values = parents.map(rate).astype("float64")
    return values.where(parents.notna(), np.nan).rename("state_event_rate_3y")

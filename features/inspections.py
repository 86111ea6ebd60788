"""Features from the slave-labour inspection record (2003–2018), for one target year.

Input: an inspection table (:func:`inspection_table`: ``area_id``, ``year``, ``inspections``,
``inspections_rescue``, ``rescued``), one row per inspected municipality-year. Only inspection years before
the target year are used. The record is retrospective by inspection year, like the employer list: its
vintage gates "as of a date" inputs, not the target years (docs/adr/0044-brazil-inspection-history.md).

Effort and outcome are kept apart: ``insp_total`` counts every inspection (where inspectors went),
``insp_rescue`` those that found and rescued workers, ``insp_no_rescue`` those that found nobody.
"""

from __future__ import annotations

import pandas as pd

from features.spatial import neighbour_sum

INSPECTIONS_CODE = "fl_inspections"
RESCUE_CODE = "fl_inspections_rescue"
RESCUED_CODE = "fl_rescued_workers"
INSPECTION_CODES = (INSPECTIONS_CODE, RESCUE_CODE, RESCUED_CODE)
INSPECTION_COLUMNS = ["area_id", "year", "inspections", "inspections_rescue", "rescued"]
# "Never inspected" is coded as this many years since the last inspection (beyond the 16-year record).
NEVER_YEARS = 25.0

INSPECTION_FEATURES = (
    "insp_total",
    "insp_rescue",
    "insp_no_rescue",
    "insp_rescued_workers",
    "years_since_inspection",
    "years_since_rescue",
    "nbr_insp_total",
    "nbr_insp_rescue",
    "nbr_insp_rescued_workers",
)


def inspection_table(observations: pd.DataFrame) -> pd.DataFrame:
    """One row per inspected (``area_id``, ``year``) from a :func:`features.asof.with_years` frame.

    Counts: ``inspections``, ``inspections_rescue`` (≥ 1 worker rescued) and ``rescued`` (workers). The
    latest vintage of a value wins; other indicators are ignored.
    """
    rows = observations.loc[observations["indicator_code"].isin(INSPECTION_CODES)]
    if rows.empty:
        return pd.DataFrame({c: pd.Series(dtype="float64") for c in INSPECTION_COLUMNS}).astype(
            {"area_id": "str", "year": "int64"}
        )
    latest = rows.sort_values("vintage", kind="stable").drop_duplicates(
        ["area_id", "year", "indicator_code"], keep="last"
    )
    wide = latest.pivot_table(
        index=["area_id", "year"], columns="indicator_code", values="value", aggfunc="sum"
    )
    wide = wide.reindex(columns=list(INSPECTION_CODES)).fillna(0.0)
    wide.columns = ["inspections", "inspections_rescue", "rescued"]
    return wide.reset_index().loc[:, INSPECTION_COLUMNS]


def inspection_features(
    inspections: pd.DataFrame, pairs: pd.DataFrame, area_ids: pd.Index, year: int
) -> pd.DataFrame:
    """Inspection-history features of every area for target ``year`` (inspection years before it).

    Counts over the whole record before ``year``: ``insp_total``, ``insp_rescue``, ``insp_no_rescue``,
    ``insp_rescued_workers`` and the same three among neighbours (``pairs`` from
    ``features.spatial.neighbour_pairs``); ``years_since_inspection`` / ``years_since_rescue`` in years
    (``year`` − last such year; :data:`NEVER_YEARS` when there was none).
    """
    index = pd.Index(area_ids, name="area_id")
    past = inspections.loc[inspections["year"] < year]
    by_area = past.groupby("area_id")
    out = pd.DataFrame(index=index)
    out["insp_total"] = by_area["inspections"].sum().reindex(index, fill_value=0.0)
    out["insp_rescue"] = by_area["inspections_rescue"].sum().reindex(index, fill_value=0.0)
    out["insp_no_rescue"] = out["insp_total"] - out["insp_rescue"]
    out["insp_rescued_workers"] = by_area["rescued"].sum().reindex(index, fill_value=0.0)
    last = by_area["year"].max().reindex(index)
    last_rescue = past.loc[past["inspections_rescue"] > 0].groupby("area_id")["year"].max().reindex(index)
    out["years_since_inspection"] = (year - last).fillna(NEVER_YEARS).clip(upper=NEVER_YEARS)
    out["years_since_rescue"] = (year - last_rescue).fillna(NEVER_YEARS).clip(upper=NEVER_YEARS)
    for name in ("insp_total", "insp_rescue", "insp_rescued_workers"):
        out[f"nbr_{name}"] = neighbour_sum(pairs, out[name], index)
    return out.astype("float64").reindex(columns=list(INSPECTION_FEATURES))


def past_event_totals(
    events: pd.DataFrame, pairs: pd.DataFrame, area_ids: pd.Index, year: int
) -> pd.DataFrame:
    """``events_past`` (employers listed in every inspection year before ``year``) and ``nbr_events_past``
    (the same summed over neighbours), from a ``features.events.event_table``."""
    index = pd.Index(area_ids, name="area_id")
    past = events.loc[events["year"] < year]
    total = past.groupby("area_id")["events"].sum().reindex(index, fill_value=0.0)
    out = pd.DataFrame({"events_past": total}, index=index)
    out["nbr_events_past"] = neighbour_sum(pairs, total, index)
    return out.astype("float64")

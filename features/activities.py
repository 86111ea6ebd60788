"""Features from the economic activity of past listed employers, for one target year.

Input: an activity table (:func:`activity_table`: ``area_id``, ``year``, ``group``), one row per
municipality-year whose listed employers include that activity group (the employer list's CNAE divisions,
grouped at ingest: ``fl_employer_list_activity_<group>`` flags). Only inspection years before the target
year are used, like every employer-list feature (docs/adr/0020-brazil-target-and-label-vintage.md).

Output per group ``g`` in :data:`ACTIVITY_GROUPS`: ``act_<g>_years`` (earlier inspection years with a
listed employer of that activity here, count) and ``nbr_act_<g>_years`` (the same summed over neighbours).
"""

from __future__ import annotations

import pandas as pd

from features.events import EMPLOYER_LIST_PREFIX
from features.spatial import neighbour_sum

ACTIVITY_PREFIX = f"{EMPLOYER_LIST_PREFIX}activity_"
ACTIVITY_GROUPS = ("agriculture", "forestry_charcoal", "mining", "construction")
ACTIVITY_COLUMNS = ["area_id", "year", "group"]
ACTIVITY_FEATURES = tuple(
    name for group in ACTIVITY_GROUPS for name in (f"act_{group}_years", f"nbr_act_{group}_years")
)


def activity_table(observations: pd.DataFrame) -> pd.DataFrame:
    """One row per (``area_id``, ``year``, ``group``) flagged 1, from a :func:`features.asof.with_years`
    frame; other indicators and unknown groups are ignored, a flag seen in several editions counts once."""
    codes = {f"{ACTIVITY_PREFIX}{g}": g for g in ACTIVITY_GROUPS}
    rows = observations.loc[observations["indicator_code"].isin(codes) & (observations["value"] > 0)]
    out = pd.DataFrame(
        {
            "area_id": rows["area_id"].astype(str),
            "year": rows["year"].astype("int64"),
            "group": rows["indicator_code"].map(codes),
        }
    )
    return out.drop_duplicates(ignore_index=True).loc[:, ACTIVITY_COLUMNS]


def activity_features(
    activities: pd.DataFrame, pairs: pd.DataFrame, area_ids: pd.Index, year: int
) -> pd.DataFrame:
    """:data:`ACTIVITY_FEATURES` of every area for target ``year`` (inspection years before it).

    ``pairs`` comes from ``features.spatial.neighbour_pairs``. Counts are years, not employers: the list
    gives the activities of a municipality-year, not how many employers each had.
    """
    index = pd.Index(area_ids, name="area_id")
    past = activities.loc[activities["year"] < year]
    out = pd.DataFrame(index=index)
    for group in ACTIVITY_GROUPS:
        here = past.loc[past["group"] == group].groupby("area_id")["year"].nunique()
        out[f"act_{group}_years"] = here.reindex(index, fill_value=0).astype("float64")
        out[f"nbr_act_{group}_years"] = neighbour_sum(pairs, out[f"act_{group}_years"], index)
    return out.astype("float64").reindex(columns=list(ACTIVITY_FEATURES))

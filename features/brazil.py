"""The Brazil municipality-year feature panel (feature set ``brazil_v1``).

One row per (``area_id``, target ``year``); ``period`` is 1 January of the target year. Every value for
year ``t`` uses observations with period year < ``t`` and vintage < 1 January ``t``; employer-list events
use period < ``t`` only (their vintages are all later list editions; see
docs/adr/0020-brazil-target-and-label-vintage.md), and so does the inspection record
(docs/adr/0044-brazil-inspection-history.md).
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from features.activities import activity_features, activity_table
from features.asof import known_before, with_years
from features.catalog import FEATURE_LABELS
from features.covariates import area_features, census_features, population_features
from features.events import event_table
from features.history import history_features, state_event_rate
from features.inspections import inspection_features, inspection_table, past_event_totals
from features.spatial import neighbour_event_features

FEATURE_ORDER = list(FEATURE_LABELS)


def features_for_year(
    obs: pd.DataFrame,
    events: pd.DataFrame,
    areas: pd.DataFrame,
    pairs: pd.DataFrame,
    year: int,
    first_year: int,
    inspections: pd.DataFrame | None = None,
    activities: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Wide features for one target ``year``: index ``area_id``, columns in :data:`FEATURE_ORDER`.

    ``obs`` is a :func:`features.asof.with_years` frame, ``events`` its event table, ``areas`` has
    ``area_id``, ``parent_id``, ``area_km2``; ``pairs`` comes from ``features.spatial.neighbour_pairs``;
    ``inspections`` is its ``features.inspections.inspection_table`` and ``activities`` its
    ``features.activities.activity_table`` (each computed from ``obs`` when omitted).
    """
    if inspections is None:
        inspections = inspection_table(obs)
    if activities is None:
        activities = activity_table(obs)
    area_ids = pd.Index(areas["area_id"], name="area_id")
    known = known_before(obs, year)
    parents = areas.set_index("area_id")["parent_id"]
    parts = [
        history_features(events, area_ids, year, first_year),
        neighbour_event_features(pairs, events, area_ids, year),
        past_event_totals(events, pairs, area_ids, year),
        inspection_features(inspections, pairs, area_ids, year),
        activity_features(activities, pairs, area_ids, year),
        state_event_rate(events, parents, year).reindex(area_ids).to_frame(),
        census_features(known, area_ids, year),
        population_features(known, area_ids, year),
        area_features(areas, area_ids),
    ]
    return pd.concat(parts, axis=1).reindex(columns=FEATURE_ORDER)


def build_feature_panel(
    observations: pd.DataFrame, areas: pd.DataFrame, pairs: pd.DataFrame, years: list[int], first_year: int
) -> pd.DataFrame:
    """Wide panel for every target year in ``years``: columns ``area_id``, ``period`` (date) + features.

    ``observations``: warehouse rows (``area_id``, ``period``, ``indicator_code``, ``value``,
    ``vintage``); ``first_year``: first inspection year of the label series.
    """
    if areas["area_id"].duplicated().any():
        raise ValueError("areas has duplicate area_id values")
    obs = with_years(observations)
    events = event_table(obs)
    inspections = inspection_table(obs)
    activities = activity_table(obs)
    frames = []
    for year in years:
        wide = features_for_year(obs, events, areas, pairs, year, first_year, inspections, activities)
        frames.append(wide.reset_index().assign(period=date(year, 1, 1)))
    if not frames:
        return pd.DataFrame(columns=["area_id", "period", *FEATURE_ORDER])
    panel = pd.concat(frames, ignore_index=True)
    return panel.loc[:, ["area_id", "period", *FEATURE_ORDER]]


def to_long(panel: pd.DataFrame) -> pd.DataFrame:
    """Long rows (``area_id``, ``period``, ``name``, ``value``) from a wide panel; NaN stays (stored NULL)."""
    long = panel.melt(id_vars=["area_id", "period"], var_name="name", value_name="value")
    return long.sort_values(["period", "area_id", "name"], kind="stable").reset_index(drop=True)


def to_wide(long: pd.DataFrame) -> pd.DataFrame:
    """Wide panel (``area_id``, ``period`` + one column per feature) from long ``feature_value`` rows."""
    wide = long.set_index(["area_id", "period", "name"])["value"].unstack("name")
    wide.columns.name = None
    return wide.reset_index()

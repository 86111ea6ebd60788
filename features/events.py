"""Employer-list events per municipality and inspection year, and the target label built from them.

Source rows: ``fl_employer_list_events`` (employers listed, count) and ``fl_employer_list_workers``
(workers involved, count) with ``period`` = 1 January of the inspection year. A municipality-year with
no row was not on the list. Labels are "as published by the latest list edition": when one
(area, year) appears in several editions the latest vintage wins, whatever the target year.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

EMPLOYER_LIST_PREFIX = "fl_employer_list_"  # every indicator the employer list publishes
EVENTS_CODE = f"{EMPLOYER_LIST_PREFIX}events"
WORKERS_CODE = f"{EMPLOYER_LIST_PREFIX}workers"
EVENT_COLUMNS = ["area_id", "year", "events", "workers"]


def event_table(observations: pd.DataFrame) -> pd.DataFrame:
    """One row per (``area_id``, ``year``) with ≥1 listed employer: ``events`` and ``workers`` (counts).

    ``observations`` is a :func:`features.asof.with_years` frame; other indicators are ignored.
    """
    rows = observations.loc[observations["indicator_code"].isin([EVENTS_CODE, WORKERS_CODE])]
    if rows.empty:
        return empty_events()
    latest = rows.sort_values("vintage", kind="stable").drop_duplicates(
        ["area_id", "year", "indicator_code"], keep="last"
    )
    wide = latest.pivot_table(
        index=["area_id", "year"], columns="indicator_code", values="value", aggfunc="sum"
    ).reindex(columns=[EVENTS_CODE, WORKERS_CODE])
    wide = wide.rename(columns={EVENTS_CODE: "events", WORKERS_CODE: "workers"}).fillna(0.0)
    wide = wide.reset_index()
    wide.columns.name = None
    return wide.loc[wide["events"] > 0, EVENT_COLUMNS].reset_index(drop=True)


def empty_events() -> pd.DataFrame:
    """An event table with no rows and the right dtypes."""
    return pd.DataFrame(
        {
            "area_id": pd.Series(dtype="str"),
            "year": pd.Series(dtype="int64"),
            "events": pd.Series(dtype="float64"),
            "workers": pd.Series(dtype="float64"),
        }
    )


def label_frame(events: pd.DataFrame, area_ids: pd.Index | list[str], years: list[int]) -> pd.DataFrame:
    """Target ``y`` (0/1) for every (``area_id``, ``year``) in the cross product of areas and years.

    ``y = 1`` when the area has ≥1 employer-list event in that inspection year.
    """
    grid = pd.MultiIndex.from_product([pd.Index(area_ids, name="area_id"), pd.Index(years, name="year")])
    hit = pd.MultiIndex.from_frame(events.loc[events["events"] > 0, ["area_id", "year"]])
    y = np.asarray(grid.isin(hit), dtype="int64")
    return pd.DataFrame({"y": y}, index=grid).reset_index()


FEEDBACK_COLUMNS = ["area_id", "period", "outcome", "confirmed_cases", "action_date", "recorded_at"]


def feedback_positives(feedback: pd.DataFrame, as_of: date | None = None) -> pd.DataFrame:
    """(``area_id``, ``year``) pairs an officer confirmed cases in (``confirmed`` outcome, cases > 0) for
    the alert's target ``period`` (1 January of the year), known on or before ``as_of`` when given.

    ``feedback`` has :data:`FEEDBACK_COLUMNS`. A confirmation is known on its ``action_date``, or on the
    UTC day it was recorded when it has none. False alarms and zero counts are no positives, and nothing
    here makes a negative: the employer list is the record of inspections.
    """
    rows = feedback.loc[
        (feedback["outcome"] == "confirmed") & (pd.to_numeric(feedback["confirmed_cases"]) > 0)
    ]
    if as_of is not None:
        recorded = pd.to_datetime(rows["recorded_at"], utc=True).dt.tz_localize(None).dt.normalize()
        known = pd.to_datetime(rows["action_date"]).fillna(recorded)
        rows = rows.loc[known <= pd.Timestamp(as_of)]
    years = pd.to_datetime(rows["period"]).dt.year.astype("int64")
    out = pd.DataFrame({"area_id": rows["area_id"].astype("str"), "year": years})
    return out.drop_duplicates().reset_index(drop=True)


def with_feedback(labels: pd.DataFrame, positives: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """``labels`` (:func:`label_frame`) with ``y = 1`` where ``positives`` (:func:`feedback_positives`)
    confirm cases, and how many labels that turned from 0 to 1. Pairs outside the label grid (another
    area or a year the list does not cover yet) add nothing; no label ever goes from 1 to 0."""
    if positives.empty or labels.empty:
        return labels.copy(), 0
    keys = pd.MultiIndex.from_frame(labels[["area_id", "year"]])
    hit = pd.MultiIndex.from_frame(positives[["area_id", "year"]])
    y = labels["y"].to_numpy()
    added = keys.isin(hit) & (y == 0)
    return labels.assign(y=np.where(added, 1, y).astype("int64")), int(added.sum())

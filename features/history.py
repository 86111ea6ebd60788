"""Panel features from an area's own employer-list history, for one target year.

Input: an event table (``features.events.event_table``: ``area_id``, ``year``, ``events``, ``workers``).
Only inspection years before the target year are used. Output: one row per area, indexed by ``area_id``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

HISTORY_COLUMNS = ["event_lag1", "event_lag2", "events_3y", "workers_3y", "years_since_event", "ever_listed",
                   "event_years_past", "history_years"]  # fmt: skip


def history_features(events: pd.DataFrame, area_ids: pd.Index, year: int, first_year: int) -> pd.DataFrame:
    """Own-history features of every area for target ``year``.

    ``first_year`` is the first inspection year the list could cover; ``history_years = year - first_year``.
    ``years_since_event`` is NaN for an area never listed before ``year``.
    """
    return history_panel(events, area_ids, [year], first_year).drop(columns="year")


def event_matrices(events: pd.DataFrame, area_ids: pd.Index) -> tuple[int, np.ndarray, np.ndarray]:
    """``(first, events, workers)``: dense area × year sums of the rows with ``events > 0``, row ``i`` for
    ``area_ids[i]`` and column ``j`` for year ``first + j``; areas not in ``area_ids`` are left out."""
    listed = events.loc[events["events"] > 0]
    code = pd.Index(area_ids).get_indexer(listed["area_id"])
    keep = code >= 0
    years = listed["year"].to_numpy(dtype="int64")[keep]
    first = int(years.min()) if len(years) else 0
    width = int(years.max()) - first + 1 if len(years) else 1
    ev = np.zeros((len(area_ids), width))
    wk = np.zeros((len(area_ids), width))
    np.add.at(ev, (code[keep], years - first), listed["events"].to_numpy(dtype="float64")[keep])
    np.add.at(
        wk, (code[keep], years - first), np.nan_to_num(listed["workers"].to_numpy(dtype="float64")[keep])
    )
    return first, ev, wk


def window_sum(matrix: np.ndarray, first: int, start: int, stop: int) -> np.ndarray:
    """Per row, the sum of the columns for years ``start`` ≤ year < ``stop`` (0 outside the matrix)."""
    lo, hi = max(start - first, 0), min(max(stop - first, 0), matrix.shape[1])
    return matrix[:, lo:hi].sum(axis=1) if hi > lo else np.zeros(matrix.shape[0])


def history_panel(
    events: pd.DataFrame, area_ids: pd.Index, years: list[int], first_year: int
) -> pd.DataFrame:
    """:func:`history_features` for every target year in ``years`` at once (the event table is read once):
    index ``area_id``, a ``year`` column, then the features; target years stacked in the order given."""
    index = pd.Index(area_ids, name="area_id")
    first, ev, wk = event_matrices(events, index)
    hit = ev > 0
    n_years = np.concatenate([np.zeros((len(index), 1)), np.cumsum(hit, axis=1, dtype="float64")], axis=1)
    seen = np.where(hit, np.arange(hit.shape[1])[None, :], -1)
    last = np.concatenate([np.full((len(index), 1), -1), np.maximum.accumulate(seen, axis=1)], axis=1)
    frames = []
    for year in years:
        col = min(max(year - first, 0), hit.shape[1])  # columns of years before ``year``: [0, col)
        last_year = np.where(last[:, col] >= 0, first + last[:, col], np.nan)
        values = {
            "event_lag1": window_sum(hit, first, year - 1, year) > 0,
            "event_lag2": window_sum(hit, first, year - 2, year - 1) > 0,
            "events_3y": window_sum(ev, first, year - 3, year),
            "workers_3y": window_sum(wk, first, year - 3, year),
            "years_since_event": year - last_year,
            "ever_listed": ~np.isnan(last_year),
            "event_years_past": n_years[:, col],
            "history_years": np.full(len(index), float(max(year - first_year, 0))),
        }
        frame = pd.DataFrame({k: np.asarray(v, dtype="float64") for k, v in values.items()}, index=index)
        frames.append(frame.assign(year=year).loc[:, ["year", *HISTORY_COLUMNS]])
    if not frames:
        return pd.DataFrame(columns=["year", *HISTORY_COLUMNS], index=index[:0])
    return pd.concat(frames)


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

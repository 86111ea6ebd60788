"""Panel features from an area's own employer-list history, for one target year or many at once.

Input: an event table (``features.events.event_table``: ``area_id``, ``year``, ``events``, ``workers``).
Only inspection years before the target year are used. Output: one row per area (per target year for the
panel), indexed by ``area_id``. The panel works on dense year × area arrays (ADR 0056).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

HISTORY_COLUMNS = ["event_lag1", "event_lag2", "events_3y", "workers_3y", "years_since_event", "ever_listed",
                   "event_years_past", "history_years"]  # fmt: skip


def history_features(events: pd.DataFrame, area_ids: pd.Index, year: int, first_year: int) -> pd.DataFrame:
    """Own-history features of every area for target ``year``.

    ``first_year`` is the first inspection year the list could cover; ``history_years = year - first_year``.
    ``years_since_event`` is NaN for an area never listed before ``year``.
    """
    return history_panel(events, area_ids, [year], first_year).drop(columns="year")


def positions(index: pd.Index, values: pd.Series) -> np.ndarray:
    """Position in ``index`` (unique ids) of each of ``values``, -1 where absent: ``Index.get_indexer``,
    through Arrow's hash lookup when both hold strings (about three times faster on millions of ids)."""
    if pd.api.types.is_string_dtype(values.dtype) and pd.api.types.is_string_dtype(index.dtype):
        try:
            found = pc.index_in(pa.array(values.array), value_set=pa.array(index.array))
        except (pa.ArrowException, TypeError):  # not Arrow-convertible strings: the pandas lookup below
            pass
        else:
            return pc.fill_null(found, -1).to_numpy(zero_copy_only=False).astype("int64")
    return index.get_indexer(values)


def event_matrices(events: pd.DataFrame, area_ids: pd.Index) -> tuple[int, np.ndarray, np.ndarray]:
    """``(first, events, workers)``: dense year × area sums of the rows with ``events > 0``, row ``j`` for
    year ``first + j`` and column ``i`` for ``area_ids[i]``; areas not in ``area_ids`` are left out."""
    listed = events.loc[events["events"] > 0]
    code = positions(pd.Index(area_ids), listed["area_id"])
    keep = code >= 0
    years = listed["year"].to_numpy(dtype="int64")[keep]
    first = int(years.min()) if len(years) else 0
    height = int(years.max()) - first + 1 if len(years) else 1
    ev = np.zeros((height, len(area_ids)))
    wk = np.zeros((height, len(area_ids)))
    at = (years - first, code[keep])
    np.add.at(ev, at, listed["events"].to_numpy(dtype="float64")[keep])
    np.add.at(wk, at, np.nan_to_num(listed["workers"].to_numpy(dtype="float64")[keep]))
    return first, ev, wk


def window_sum(matrix: np.ndarray, first: int, start: int, stop: int) -> np.ndarray:
    """Per area (column), the sum over the rows for years ``start`` ≤ year < ``stop`` (0 outside)."""
    lo, hi = max(start - first, 0), min(max(stop - first, 0), matrix.shape[0])
    return matrix[lo:hi].sum(axis=0) if hi > lo else np.zeros(matrix.shape[1])


def stacked_frame(index: pd.Index, years: list[int], columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """One frame from per-year arrays: ``index`` repeated once per year (years in the order given), a
    ``year`` column, then ``columns`` (name → float64 array of shape (len(years), len(index)))."""
    rows = np.tile(np.arange(len(index)), len(years))
    data = {"year": np.repeat(np.asarray(years, dtype="int64"), len(index))}
    data.update({name: values.reshape(-1) for name, values in columns.items()})
    return pd.DataFrame(data, index=index[rows], copy=False)  # the arrays are new: no second copy


def history_panel(
    events: pd.DataFrame, area_ids: pd.Index, years: list[int], first_year: int
) -> pd.DataFrame:
    """:func:`history_features` for every target year in ``years`` at once (the event table is read once):
    index ``area_id``, a ``year`` column, then the features; target years stacked in the order given."""
    index = pd.Index(area_ids, name="area_id")
    first, ev, wk = event_matrices(events, index)
    hit = ev > 0
    zero = np.zeros((1, len(index)))
    n_years = np.concatenate([zero, np.cumsum(hit, axis=0, dtype="float64")])
    seen = np.where(hit, np.arange(hit.shape[0])[:, None], -1)
    last = np.concatenate([zero - 1, np.maximum.accumulate(seen, axis=0)]).astype("int64")
    columns = {name: np.empty((len(years), len(index))) for name in HISTORY_COLUMNS}
    for k, year in enumerate(years):
        row = min(max(year - first, 0), hit.shape[0])  # rows of the years before ``year``: [0, row)
        last_year = np.where(last[row] >= 0, first + last[row], np.nan)
        values = {
            "event_lag1": window_sum(hit, first, year - 1, year) > 0,
            "event_lag2": window_sum(hit, first, year - 2, year - 1) > 0,
            "events_3y": window_sum(ev, first, year - 3, year),
            "workers_3y": window_sum(wk, first, year - 3, year),
            "years_since_event": year - last_year,
            "ever_listed": ~np.isnan(last_year),
            "event_years_past": n_years[row],
            "history_years": np.full(len(index), float(max(year - first_year, 0))),
        }
        for name, value in values.items():
            columns[name][k] = value
    return stacked_frame(index, years, columns)


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

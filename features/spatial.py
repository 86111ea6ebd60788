"""Neighbour sets between municipalities and spatial-lag features of employer-list events.

Neighbours come from polygon contiguity (queen: sharing any boundary point) found with the spatial index.
Municipalities without a polygon, or whose polygon touches no other (islands), get their ``k`` nearest
municipalities by great-circle distance between centroids instead. Geometries are EPSG:4326.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

from features.history import event_matrices, positions, stacked_frame, window_sum

EARTH_RADIUS_KM = 6371.0088
PAIR_COLUMNS = ["area_id", "neighbour_id", "method"]


def _contiguity_positions(areas: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Queen-contiguity pairs (both directions) as row positions of ``areas``, among the rows with a polygon.

    ``intersects`` rather than ``touches``: digitised borders overlap or cross slightly, and ``touches``
    (interiors disjoint) would drop those true neighbours.
    """
    geometry = areas.geometry
    rows = np.flatnonzero((geometry.notna() & ~geometry.is_empty).to_numpy())
    if len(rows) == 0:
        return np.empty(0, dtype="int64"), np.empty(0, dtype="int64")
    geoms = geometry.iloc[rows].reset_index(drop=True)
    left, right = geoms.sindex.query(geoms, predicate="intersects")
    keep = left != right
    return rows[left[keep]], rows[right[keep]]


def contiguity_pairs(areas: gpd.GeoDataFrame) -> pd.DataFrame:
    """Queen-contiguity pairs (both directions) among areas that have a polygon: ``area_id``,
    ``neighbour_id``, ``method`` (``contiguity``)."""
    areas = areas.reset_index(drop=True)
    left, right = _contiguity_positions(areas)
    ids = areas["area_id"].astype("str").to_numpy()
    return _pair_frame(ids[left], ids[right], np.full(len(left), "contiguity", dtype=object))


def _pair_frame(area_ids: np.ndarray, neighbour_ids: np.ndarray, methods: np.ndarray) -> pd.DataFrame:
    columns = {"area_id": area_ids, "neighbour_id": neighbour_ids, "method": methods}
    return pd.DataFrame({name: pd.array(values, dtype="str") for name, values in columns.items()})


def _centroids_deg(areas: gpd.GeoDataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Centroid lon/lat in degrees: the stored centroid, else a point inside the polygon."""
    lon = pd.to_numeric(areas["centroid_lon"], errors="coerce").to_numpy(dtype="float64")
    lat = pd.to_numeric(areas["centroid_lat"], errors="coerce").to_numpy(dtype="float64")
    missing = np.isnan(lon) | np.isnan(lat)
    geoms = areas.geometry.to_numpy()
    for i in np.flatnonzero(missing):
        if geoms[i] is not None and not geoms[i].is_empty:
            point = geoms[i].representative_point()
            lon[i], lat[i] = point.x, point.y
    return lon, lat


def _nearest_positions(areas: gpd.GeoDataFrame, which: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """For the areas at positions ``which``, their ``k`` nearest other areas by haversine distance, as
    ``(positions, neighbour positions)``, nearest first."""
    lon, lat = _centroids_deg(areas)
    ok = ~(np.isnan(lon) | np.isnan(lat))
    lon_r, lat_r = np.radians(lon), np.radians(lat)
    left: list[int] = []
    right: list[int] = []
    for i in which:
        if not ok[i]:
            continue
        dlat = lat_r - lat_r[i]
        dlon = lon_r - lon_r[i]
        h = np.sin(dlat / 2) ** 2 + np.cos(lat_r[i]) * np.cos(lat_r) * np.sin(dlon / 2) ** 2
        dist = 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(h, 0.0, 1.0)))
        dist[i] = np.inf
        dist[~ok] = np.inf
        order = np.argsort(dist, kind="stable")[:k]
        found = [int(j) for j in order if np.isfinite(dist[j])]
        left.extend([int(i)] * len(found))
        right.extend(found)
    return np.asarray(left, dtype="int64"), np.asarray(right, dtype="int64")


def nearest_pairs(areas: gpd.GeoDataFrame, which: np.ndarray, k: int) -> pd.DataFrame:
    """For the areas at positions ``which``, their ``k`` nearest other areas by haversine distance."""
    left, right = _nearest_positions(areas, which, k)
    ids = areas["area_id"].astype("str").to_numpy()
    return _pair_frame(ids[left], ids[right], np.full(len(left), "nearest", dtype=object))


def neighbour_pairs(areas: gpd.GeoDataFrame, k_fallback: int = 5) -> pd.DataFrame:
    """All neighbour pairs: contiguity, plus ``k_fallback`` nearest for areas with no contiguous neighbour.

    ``areas``: one row per ``area_id`` with ``geometry`` (may be missing), ``centroid_lon``,
    ``centroid_lat``. Returns ``area_id``, ``neighbour_id``, ``method`` (``contiguity``/``nearest``),
    sorted, without self-pairs or duplicates (a pair found both ways keeps ``contiguity``). The pairs are
    found, deduplicated and sorted as integer positions; ids are attached once at the end.
    """
    if areas["area_id"].duplicated().any():
        raise ValueError("areas has duplicate area_id values")
    areas = areas.reset_index(drop=True)
    n = len(areas)
    c_left, c_right = _contiguity_positions(areas)
    has_contiguous = np.zeros(n, dtype=bool)
    has_contiguous[c_left] = True
    lonely = np.flatnonzero(~has_contiguous)
    n_left, n_right = (
        _nearest_positions(areas, lonely, k_fallback) if len(lonely) else (c_left[:0], c_right[:0])
    )
    ids = areas["area_id"].astype("str").to_numpy()
    order = np.argsort(ids, kind="stable")  # sorting by rank = sorting by id
    rank = np.empty(n, dtype="int64")
    rank[order] = np.arange(n)
    keys = np.concatenate([rank[c_left] * n + rank[c_right], rank[n_left] * n + rank[n_right]])
    unique, first = np.unique(keys, return_index=True)  # sorted; the first occurrence is contiguity
    method = np.where(first < len(c_left), "contiguity", "nearest").astype(object)
    by_rank = ids[order]
    return _pair_frame(by_rank[unique // n], by_rank[unique % n], method)


NEIGHBOUR_COLUMNS = ["n_neighbours", "nbr_event_share_1y", "nbr_with_event_3y", "nbr_events_3y"]


def neighbour_sum(pairs: pd.DataFrame, values: pd.Series, index: pd.Index) -> pd.Series:
    """For each area of ``index``: ``values`` (indexed by ``area_id``) summed over its neighbours in
    ``pairs`` (``area_id``, ``neighbour_id``); a neighbour without a value counts 0, an area without
    neighbours gets 0."""
    nb = pairs.loc[pairs["area_id"].isin(index), ["area_id", "neighbour_id"]]
    mapped = nb["neighbour_id"].map(values).astype("float64").fillna(0.0)
    summed = nb.assign(v=mapped).groupby("area_id")["v"].sum()
    return summed.reindex(index, fill_value=0.0)


def neighbour_event_features(
    pairs: pd.DataFrame, events: pd.DataFrame, area_ids: pd.Index, year: int
) -> pd.DataFrame:
    """Spatial lags of employer-list events for target ``year`` (inspection years before it only).

    Returns, per ``area_id``: ``nbr_event_share_1y`` (share of neighbours with an event in ``year - 1``;
    NaN without neighbours), ``nbr_with_event_3y`` (neighbours with an event in the 3 previous years),
    ``nbr_events_3y`` (their employers listed, summed) and ``n_neighbours``.
    """
    return neighbour_event_panel(pairs, events, area_ids, [year]).drop(columns="year")


def neighbour_event_panel(
    pairs: pd.DataFrame, events: pd.DataFrame, area_ids: pd.Index, years: list[int]
) -> pd.DataFrame:
    """:func:`neighbour_event_features` for every target year in ``years`` at once (pairs and events are
    read once): index ``area_id``, a ``year`` column, then the features; years stacked in the order given.
    A neighbour outside ``area_ids`` still counts, with its own events."""
    index = pd.Index(area_ids, name="area_id")
    owner = positions(index, pairs["area_id"])
    nb = pairs.loc[owner >= 0]
    owner = owner[owner >= 0]
    neighbour, neighbours = pd.factorize(nb["neighbour_id"])  # codes into the ids in order of appearance
    neighbours = pd.Index(neighbours)
    first, ev, _ = event_matrices(events, neighbours)
    hit = ev > 0
    size = np.bincount(owner, minlength=len(index)).astype("float64")
    columns = {name: np.empty((len(years), len(index))) for name in NEIGHBOUR_COLUMNS}
    for k, year in enumerate(years):
        hit_1y = (window_sum(hit, first, year - 1, year) > 0).astype("float64")[neighbour]
        hit_3y = (window_sum(hit, first, year - 3, year) > 0).astype("float64")[neighbour]
        ev_3y = window_sum(ev, first, year - 3, year)[neighbour]
        with np.errstate(invalid="ignore", divide="ignore"):
            share = np.bincount(owner, hit_1y, minlength=len(index)) / size
        columns["n_neighbours"][k] = size
        columns["nbr_event_share_1y"][k] = np.where(size > 0, share, np.nan)
        columns["nbr_with_event_3y"][k] = np.bincount(owner, hit_3y, minlength=len(index))
        columns["nbr_events_3y"][k] = np.bincount(owner, ev_3y, minlength=len(index))
    return stacked_frame(index, years, columns)

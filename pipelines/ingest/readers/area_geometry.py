"""Geometry columns of the ``area`` table: size, centroid and WKB (full and simplified), EPSG:4326."""

from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely


def measure(geoms: gpd.GeoSeries, equal_area_crs: str) -> pd.DataFrame:
    """``area_km2`` in ``equal_area_crs`` and the centroid there, projected back to lon/lat (EPSG:4326)."""
    projected = geoms.to_crs(equal_area_crs)
    centroids = gpd.GeoSeries(projected.centroid, crs=equal_area_crs).to_crs("EPSG:4326")
    return pd.DataFrame(
        {"area_km2": projected.area / 1e6, "centroid_lon": centroids.x, "centroid_lat": centroids.y},
        index=geoms.index,
    )


def with_geometry(
    frame: pd.DataFrame, geoms: gpd.GeoSeries, equal_area_crs: str, tolerance: float
) -> pd.DataFrame:
    """Return ``frame`` plus size, centroid and both WKB columns for the rows that have a geometry.

    ``geoms`` (EPSG:4326) is aligned on ``frame``'s index; rows without one keep their ``centroid_*`` and
    ``area_km2`` (if any) and get NULL geometries. The simplified copy uses ``tolerance`` in degrees with
    topology preserved.
    """
    has = geoms.notna() & ~geoms.is_empty
    out = frame.copy()
    for col in ("area_km2", "centroid_lon", "centroid_lat"):
        if col not in out.columns:
            out[col] = float("nan")
    if has.any():
        measured = measure(geoms[has], equal_area_crs)
        for col in ("area_km2", "centroid_lon", "centroid_lat"):
            out.loc[has, col] = measured[col]
    full = pd.Series([None] * len(out), index=out.index, dtype=object)
    simple = pd.Series([None] * len(out), index=out.index, dtype=object)
    values = geoms[has].values
    full[has] = list(shapely.to_wkb(values))
    simple[has] = list(shapely.to_wkb(shapely.simplify(values, tolerance, preserve_topology=True)))
    out["geometry_wkb"] = full
    out["geometry_simplified_wkb"] = simple
    return out

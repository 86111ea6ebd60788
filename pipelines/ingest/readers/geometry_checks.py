"""Boundary geometries checked before they become areas: EPSG:4326, inside lon/lat, polygonal, non-empty.

Source polygons that merely self-intersect are repaired with ``shapely.make_valid`` (the Brazilian
boundaries have 46); only the polygonal part of a repaired shape is kept. A self-intersecting ring must
not change shape when repaired: if the repaired area differs from the area the rings enclose by more than
``REPAIR_TOLERANCE`` (a ring folded into a bow tie, vertices out of order), the feature is refused, never
silently replaced. A geometry that is missing, empty,
has no area after repair (a ring of fewer than four points, collinear points) or lies outside lon/lat
bounds (coordinates in another CRS) raises :class:`SourceFormatError` naming the file, the feature and the rule.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from pipelines.ingest.errors import SourceFormatError

WGS84 = "EPSG:4326"
POLYGONAL = {"Polygon", "MultiPolygon"}
EDGE_NOISE = 1e-9  # degrees
REPAIR_TOLERANCE = 0.01  # relative area change a repair may make


def _polygonal_part(geom):
    """The polygons of a repaired geometry (a collection may hold stray lines or points)."""
    if geom is None or geom.geom_type in POLYGONAL:
        return geom
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in POLYGONAL]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def _raise_first(path: Path, ids: pd.Series, bad: np.ndarray, rule: str, detail: str) -> None:
    if bad.any():
        shown = ids[bad].astype(str).tolist()
        raise SourceFormatError(path, rule, f"feature(s) {shown[:5]} ({int(bad.sum())} in all): {detail}")


def checked_polygons(
    frame: gpd.GeoDataFrame,
    ids: pd.Series,
    path: Path,
    allow_empty: bool = False,
    repair_tolerance: float = REPAIR_TOLERANCE,
) -> gpd.GeoSeries:
    """Return the repaired polygon geometries of ``frame`` (EPSG:4326), aligned on its index.

    ``ids`` names each feature in error messages. Raises ``SourceFormatError`` for a CRS other than
    EPSG:4326, coordinates outside [-180, 180] × [-90, 90], a missing or empty geometry (unless
    ``allow_empty``: then it stays None), one without area after repair, or a self-intersecting one whose
    repair changes its area by more than ``repair_tolerance`` (a fraction).
    """
    if frame.crs is None or not frame.crs.equals(WGS84):
        raise SourceFormatError(path, "CRS", f"geometries are in {frame.crs}, expected {WGS84}")
    values = frame.geometry.values
    missing = np.asarray(shapely.is_missing(values) | shapely.is_empty(values))
    if allow_empty:
        kept = frame.loc[~missing]
        checked = checked_polygons(kept, ids[~missing], path, False, repair_tolerance) if len(kept) else None
        out = gpd.GeoSeries([None] * len(frame), index=frame.index, crs=WGS84)
        if checked is not None:
            out[~missing] = checked
        return out
    _raise_first(path, ids, missing, "empty geometry", "no coordinates")
    bounds = shapely.bounds(values)
    # A hair beyond ±180 is float noise at the antimeridian (Natural Earth's Russia ends at 180.00000000000006).
    outside = (np.abs(bounds[:, [0, 2]]) > 180 + EDGE_NOISE).any(axis=1) | (
        np.abs(bounds[:, [1, 3]]) > 90 + EDGE_NOISE
    ).any(axis=1)
    _raise_first(path, ids, outside, "coordinates out of range", "not lon/lat degrees (EPSG:4326)")
    repaired = np.array([_polygonal_part(g) for g in shapely.make_valid(values)], dtype=object)
    no_area = np.asarray(shapely.is_empty(repaired) | (shapely.area(repaired) <= 0))
    reasons = shapely.is_valid_reason(values)
    if no_area.any():
        _raise_first(path, ids, no_area, "invalid polygon", f"no area after repair ({reasons[no_area][0]})")
    # Only crossing rings: "Hole lies outside shell" (islands written as holes, all 46 repaired Brazilian
    # polygons) changes the area by design when repaired.
    invalid = np.array(["Self-intersection" in str(r) for r in reasons])
    if invalid.any():
        before, after = np.abs(shapely.area(values)), shapely.area(repaired)
        changed = invalid & (np.abs(after - before) > repair_tolerance * np.maximum(after, before))
        if changed.any():
            _raise_first(
                path, ids, changed, "repair changes shape",
                f"self-intersecting ring ({reasons[changed][0]}); repairing it would change the area by more "
                f"than {repair_tolerance:.0%}",
            )  # fmt: skip
    return gpd.GeoSeries(repaired, index=frame.index, crs=WGS84)

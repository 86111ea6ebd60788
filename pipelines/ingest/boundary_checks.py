"""Boundary rules of an area staging frame against the country's extent and the version already published.

All on the ``area`` staging frame (``geometry_wkb`` EPSG:4326, ``centroid_lon/lat``, ``area_km2``):

- :func:`extent_violations`: every geometry inside the declared extent (lon/lat swapped moves a Brazilian
  municipality to the South Atlantic; it is refused).
- :func:`reference_violations`: each reference point (a municipal seat, the crosswalk's country coordinates)
  within ``reference_km`` of its area's geometry.
- :func:`parent_violations`: each geometry inside its parent's published bounds plus a margin.
- :func:`history_violations`: against the published row of the same ``area_id`` (with geometry), the
  centroid moves at most ``max_shift_km`` and the size changes at most ``max_area_change`` (a fraction).

Each returns :class:`~pipelines.quality.contract_checks.Violation` s naming the areas; the runner refuses
the load unless the operator accepted boundary changes (history rule only).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import shapely

from pipelines.quality.contract_checks import Violation

KM_PER_DEGREE = 111.32
EARTH_RADIUS_KM = 6371.0
SHOWN = 5
EDGE_NOISE = 1e-9  # degrees: Natural Earth's Russia ends at 180.00000000000006


def _geoms(frame: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    has = frame["geometry_wkb"].notna().to_numpy()
    rows = frame.loc[has]
    return rows, shapely.from_wkb(rows["geometry_wkb"].to_numpy())


def _named(ids: pd.Series, mask: np.ndarray) -> str:
    shown = ids[mask].astype(str).tolist()
    return f"{int(mask.sum())} area(s), e.g. {shown[:SHOWN]}"


def extent_violations(frame: pd.DataFrame, extent: tuple[float, float, float, float]) -> list[Violation]:
    """Geometries not inside ``extent`` = (min lon, min lat, max lon, max lat)."""
    rows, geoms = _geoms(frame)
    if not len(rows):
        return []
    b = shapely.bounds(geoms)
    lon0, lat0, lon1, lat1 = extent
    e = EDGE_NOISE
    outside = (b[:, 0] < lon0 - e) | (b[:, 1] < lat0 - e) | (b[:, 2] > lon1 + e) | (b[:, 3] > lat1 + e)
    if not outside.any():
        return []
    first = b[outside.nonzero()[0][0]].round(2).tolist()
    return [
        Violation("outside the country extent", "geometry_wkb",
                  f"{_named(rows['area_id'], outside)} not within lon/lat {extent} (first has bounds {first}; "
                  "longitude and latitude swapped?)")
    ]  # fmt: skip


def reference_violations(
    frame: pd.DataFrame, points: pd.DataFrame, km: float, exceptions: frozenset[str] = frozenset()
) -> list[Violation]:
    """Areas farther than ``km`` from their reference point (``points``: ``area_id, lon, lat``), except
    the reviewed ``exceptions``."""
    rows, geoms = _geoms(frame)
    points = points.loc[~points["area_id"].isin(exceptions)]
    joined = pd.DataFrame({"area_id": rows["area_id"].to_numpy(), "pos": np.arange(len(rows))}).merge(
        points.dropna(subset=["lon", "lat"]), on="area_id"
    )
    if joined.empty:
        return []
    pts = shapely.points(joined["lon"].to_numpy(float), joined["lat"].to_numpy(float))
    with np.errstate(invalid="ignore"):
        distance = shapely.distance(geoms[joined["pos"].to_numpy()], pts) * KM_PER_DEGREE
    far = np.isfinite(distance) & (distance > km)
    if not far.any():
        return []
    return [
        Violation("far from its reference point", "geometry_wkb",
                  f"{_named(joined['area_id'], far)} lie more than {km:g} km from their seat/reference "
                  "coordinates")
    ]  # fmt: skip


def partial_parents(frame: pd.DataFrame, parents: pd.DataFrame, margin: float) -> set[str]:
    """Parents whose published bounds cover only part of their staged children: the parent's box lies
    inside the union of its children's boxes (+ ``margin`` degrees) and spans under half its width or
    height, as when the country's geometry was published from a regional slice. Their children cannot be
    judged by the parent-extent rule. Moved children (e.g. longitude and latitude swapped) do not contain
    the parent's box, so they are still judged."""
    rows, geoms = _geoms(frame)
    if not len(rows) or parents.empty:
        return set()
    b = pd.DataFrame(shapely.bounds(geoms), columns=["a", "b", "c", "d"]).assign(
        parent_id=rows["parent_id"].to_numpy()
    )
    kids = b.groupby("parent_id").agg(a=("a", "min"), b=("b", "min"), c=("c", "max"), d=("d", "max"))
    j = kids.join(parents.set_index("area_id"), how="inner")
    inside = (
        (j["min_lon"] >= j["a"] - margin)
        & (j["min_lat"] >= j["b"] - margin)
        & (j["max_lon"] <= j["c"] + margin)
        & (j["max_lat"] <= j["d"] + margin)
    )
    smaller = ((j["max_lon"] - j["min_lon"]) < 0.5 * (j["c"] - j["a"])) | (
        (j["max_lat"] - j["min_lat"]) < 0.5 * (j["d"] - j["b"])
    )
    return set(j.index[inside & smaller])


def parent_violations(
    frame: pd.DataFrame, parents: pd.DataFrame, margin: float, allowed_share: float = 0.0
) -> list[Violation]:
    """More than ``allowed_share`` of the geometries reach beyond their parent's bounds + ``margin``
    degrees (``parents``: ``area_id`` and ``min_lon, min_lat, max_lon, max_lat``)."""
    rows, geoms = _geoms(frame)
    if not len(rows) or parents.empty:
        return []
    b = pd.DataFrame(shapely.bounds(geoms), columns=["a", "b", "c", "d"]).assign(
        parent_id=rows["parent_id"].to_numpy(), area_id=rows["area_id"].to_numpy()
    )
    j = b.merge(parents.rename(columns={"area_id": "parent_id"}), on="parent_id")
    outside = (
        (j["a"] < j["min_lon"] - margin)
        | (j["b"] < j["min_lat"] - margin)
        | (j["c"] > j["max_lon"] + margin)
        | (j["d"] > j["max_lat"] + margin)
    ).to_numpy()
    if outside.mean() <= allowed_share:
        return []
    return [
        Violation("outside the parent's extent", "geometry_wkb",
                  f"{_named(j['area_id'], outside)} reach more than {margin:g}° beyond their country "
                  f"(at most {allowed_share:.0%} may)")
    ]  # fmt: skip


def haversine_km(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Great-circle distance in km between arrays of lon/lat degrees."""
    lon1, lat1, lon2, lat2 = (np.radians(np.asarray(v, dtype=float)) for v in (lon1, lat1, lon2, lat2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0, 1)))


def history_violations(
    frame: pd.DataFrame, previous: pd.DataFrame, max_shift_km: float, max_area_change: float
) -> list[Violation]:
    """Areas whose centroid or size moved beyond the limits against ``previous`` (published rows with
    geometry: ``area_id, centroid_lon, centroid_lat, area_km2``)."""
    new = frame.loc[frame["geometry_wkb"].notna(), ["area_id", "centroid_lon", "centroid_lat", "area_km2"]]
    j = new.merge(previous, on="area_id", suffixes=("", "_old"))
    if j.empty:
        return []
    shift = haversine_km(j["centroid_lon_old"], j["centroid_lat_old"], j["centroid_lon"], j["centroid_lat"])
    with np.errstate(divide="ignore", invalid="ignore"):
        change = np.abs(j["area_km2"].to_numpy(float) / j["area_km2_old"].to_numpy(float) - 1)
    out = []
    moved = shift > max_shift_km
    if moved.any():
        out.append(
            Violation("boundary moved", "centroid",
                      f"{_named(j['area_id'], moved)} moved more than {max_shift_km:g} km from the published "
                      f"boundary (largest {shift.max():.0f} km)")
        )  # fmt: skip
    resized = np.nan_to_num(change, nan=0.0, posinf=np.inf) > max_area_change
    if resized.any():
        out.append(
            Violation("boundary resized", "area_km2",
                      f"{_named(j['area_id'], resized)} changed size by more than {max_area_change:.0%} "
                      "against the published boundary")
        )  # fmt: skip
    return out

"""A map of areas as inline SVG, drawn on the server (pure: frames in, text out; no script, no tiles).

``geometries``: one row per area, ``area_id`` and ``geometry_wkb`` (WKB bytes, EPSG:4326 lon/lat; the
simplified copy is enough). ``fill`` maps an ``area_id`` to a CSS class naming its colour (e.g.
``rc-high``; the stylesheet colours them, so the page needs no inline style, which its CSP forbids);
areas without one get ``rc-none``. ``outlined`` areas are drawn last with the extra class ``outlined``.
``names`` gives the tooltip (``<title>``) of each area; every text is escaped.

Projection: equirectangular with longitudes scaled by the cosine of the middle latitude, so shapes near
the map's centre keep their proportions (fine for orientation, not for comparing areas). Shapes are
simplified to half a pixel of the drawn width. The drawing's user unit is a tenth of a pixel (the
``viewBox`` is ``10 × width`` wide, so stroke widths in the stylesheet are in tenths of a pixel too); each
ring is written as its first point and then whole-unit steps (``M x y l dx dy …z``), points that round
onto the previous one dropped. On the shipped boundaries Pará's map is 57 kB and Brazil's 5,564 drawn
municipalities 656 kB (``benchmarks/dashboard_render.py``). The same input gives the same text.
"""

from __future__ import annotations

import html
import math
from collections.abc import Iterable, Mapping

import numpy as np
import pandas as pd
import shapely

UNITS_PER_PIXEL = 10


def _rings(geometry) -> list:
    polygons = getattr(geometry, "geoms", [geometry])
    rings = []
    for polygon in polygons:
        if polygon.geom_type != "Polygon" or polygon.is_empty:
            continue
        rings.append(polygon.exterior)
        rings.extend(polygon.interiors)
    return rings


def _ring_path(points: np.ndarray) -> str:
    """``M x y l dx dy … z`` of one ring given as integer user-unit points (closing point included)."""
    keep = np.ones(len(points), dtype=bool)
    keep[1:] = np.any(points[1:] != points[:-1], axis=1)
    points = points[keep]
    if len(points) > 1 and (points[-1] == points[0]).all():
        points = points[:-1]
    steps = np.diff(points, axis=0).ravel()
    start = f"M{points[0, 0]} {points[0, 1]}"
    if not len(steps):
        return start + "z"
    return f"{start}l{' '.join(map(str, steps.tolist())).replace(' -', '-')}z"


def svg_map(
    geometries: pd.DataFrame,
    fill: Mapping[str, str],
    outlined: Iterable[str] = (),
    names: Mapping[str, str] | None = None,
    *,
    width: int = 640,
    label: str = "",
) -> str:
    """An ``<svg>`` element (``width`` pixels wide, height from the extent) of the areas in ``geometries``.

    Rows without a geometry are skipped; raises ``ValueError`` when nothing is left to draw. ``label`` is
    the map's accessible name (``aria-label``)."""
    usable = geometries[geometries["geometry_wkb"].notna()]
    if usable.empty:
        raise ValueError("no geometry to draw")
    shapes = shapely.from_wkb(usable["geometry_wkb"].to_numpy())
    min_x, min_y, max_x, max_y = shapely.total_bounds(shapes)
    kx = math.cos(math.radians((min_y + max_y) / 2))
    span_x, span_y = max((max_x - min_x) * kx, 1e-9), max(max_y - min_y, 1e-9)
    scale = width / span_x
    height = max(1, round(span_y * scale))
    shapes = shapely.simplify(shapes, 0.5 / scale, preserve_topology=True)
    unit = scale * UNITS_PER_PIXEL
    marked, names = set(outlined), names or {}
    plain_paths, outlined_paths = [], []
    for area_id, shape in zip(usable["area_id"], shapes, strict=True):
        parts = []
        for ring in _rings(shape):
            coords = shapely.get_coordinates(ring)
            points = np.column_stack(((coords[:, 0] - min_x) * kx * unit, (max_y - coords[:, 1]) * unit))
            parts.append(_ring_path(np.rint(points).astype(np.int64)))
        if not parts:
            continue
        classes = fill.get(area_id, "rc-none") + (" outlined" if area_id in marked else "")
        title = html.escape(str(names.get(area_id, area_id)))
        path = f'<path class="{html.escape(classes)}" d="{"".join(parts)}"><title>{title}</title></path>'
        (outlined_paths if area_id in marked else plain_paths).append(path)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="map" '
        f'viewBox="0 0 {width * UNITS_PER_PIXEL} {height * UNITS_PER_PIXEL}" '
        f'role="img" aria-label="{html.escape(label)}">' + "".join(plain_paths + outlined_paths) + "</svg>"
    )

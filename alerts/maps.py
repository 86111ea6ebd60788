"""A small PNG map of a subscription's scope with its alerted areas (pure: frames in, bytes out).

``geometries``: one row per area to draw, ``area_id`` and ``geometry_wkb`` (WKB bytes, EPSG:4326 lon/lat;
the simplified copy is enough at this size). Alerted areas are filled red, the others light grey. The
map is drawn in plate carrée (degrees) — fine for orientation at state or country scale, not for area
comparisons. The PNG carries no timestamp or software tag, so the same input gives the same bytes.
"""

from __future__ import annotations

import io
from collections.abc import Iterable

import geopandas as gpd
import pandas as pd
import shapely
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

ALERT_COLOUR = "#c62828"
OTHER_COLOUR = "#e6e6e6"
EDGE_COLOUR = "#9e9e9e"


def scope_map_png(
    geometries: pd.DataFrame, alerted: Iterable[str], *, size_in: float = 5.0, dpi: int = 96
) -> bytes:
    """PNG bytes of the areas in ``geometries`` with ``alerted`` ids highlighted.

    Rows without a geometry are skipped; raises ``ValueError`` when nothing is left to draw.
    """
    usable = geometries[geometries["geometry_wkb"].notna()]
    if usable.empty:
        raise ValueError("no geometry to draw for this scope")
    frame = gpd.GeoDataFrame(
        {"area_id": usable["area_id"].to_numpy()},
        geometry=shapely.from_wkb(usable["geometry_wkb"].to_numpy()),
        crs="EPSG:4326",
    )
    marked = frame["area_id"].isin(set(alerted))
    fig = Figure(figsize=(size_in, size_in), dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_axes((0.02, 0.02, 0.96, 0.96))
    frame[~marked].plot(ax=ax, color=OTHER_COLOUR, edgecolor=EDGE_COLOUR, linewidth=0.2)
    if marked.any():
        frame[marked].plot(ax=ax, color=ALERT_COLOUR, edgecolor="#5d0000", linewidth=0.4)
    ax.set_axis_off()
    ax.set_aspect("equal")
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()

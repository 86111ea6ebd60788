"""The world map of a world training run: estimated child-labour prevalence per country (percent, band
5-17) with the intervention type marked, drawn from ``area.geometry_simplified_wkb`` of the level-0 world
areas (EPSG:4326, plotted in lon/lat)."""

from __future__ import annotations

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")  # no display on workers; must precede pyplot

import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import shapely  # noqa: E402
from matplotlib.cm import ScalarMappable  # noqa: E402
from matplotlib.colors import BoundaryNorm  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from sqlalchemy import Connection  # noqa: E402

from pipelines.sql_files import query  # noqa: E402
from pipelines.world import WORLD  # noqa: E402

FIGSIZE = (12.0, 6.0)  # inches; at DPI the PNG is 1200 x 600 pixels
DPI = 100
PREVALENCE_BOUNDS = (0.0, 5.0, 10.0, 20.0, 40.0, 100.0)  # 10 and 20 are the typology's risk cuts
TYPE_MARKERS = {  # colour-blind-safe (Okabe-Ito) marker per intervention type
    "catalyst": ("o", "#009E73"),
    "momentum": ("^", "#0072B2"),
    "inception": ("s", "#000000"),
}


def _shape(wkb, lon, lat):
    if wkb is not None:
        return shapely.from_wkb(wkb)
    return shapely.Point(lon, lat) if lon is not None and lat is not None else None


def load_country_shapes(conn: Connection) -> gpd.GeoDataFrame:
    """``area_id`` + simplified polygon of every world country (EPSG:4326); a country without a polygon
    (small island states) gets its centroid as a point, one with neither an empty geometry."""
    rows = conn.execute(query("world_country_shapes"), WORLD).fetchall()
    geoms = [_shape(wkb, lon, lat) for _, wkb, lon, lat in rows]
    return gpd.GeoDataFrame({"area_id": [r[0] for r in rows]}, geometry=geoms, crs="EPSG:4326")


def world_map_figure(shapes: gpd.GeoDataFrame, estimates: pd.DataFrame, title: str) -> Figure:
    """Choropleth of ``estimates`` (``area_id``, ``prevalence`` percent, ``intervention_type``) in the
    classes of :data:`PREVALENCE_BOUNDS`; countries given as points are drawn as coloured dots; one marker
    per typed country at a point inside it; grey = no estimate. Size :data:`FIGSIZE` at :data:`DPI`.
    Neither argument is changed."""
    cols = ["area_id", "prevalence", "intervention_type"]
    frame = shapes.merge(estimates.loc[:, cols], on="area_id", how="left")
    frame = frame.loc[frame.geometry.notna() & ~frame.geometry.is_empty]
    is_point = frame.geom_type == "Point"
    polygons, points = frame.loc[~is_point], frame.loc[is_point & frame["prevalence"].notna()]
    norm, cmap = BoundaryNorm(PREVALENCE_BOUNDS, ncolors=256), "YlOrRd"
    fig, ax = plt.subplots(figsize=FIGSIZE, dpi=DPI)
    missing = polygons.loc[polygons["prevalence"].isna()]
    if not missing.empty:
        missing.plot(ax=ax, color="#dddddd", linewidth=0)
    drawn = polygons.loc[polygons["prevalence"].notna()]
    if not drawn.empty:
        drawn.plot(ax=ax, column="prevalence", cmap=cmap, norm=norm, edgecolor="white", linewidth=0.2)
    if not points.empty:
        ax.scatter(points.geometry.x, points.geometry.y, s=10, c=points["prevalence"], cmap=cmap, norm=norm)
    bar = fig.colorbar(ScalarMappable(norm=norm, cmap=cmap), ax=ax, shrink=0.6)
    bar.set_label("Children 5-17 in economic activity (%, estimated)")
    _type_markers(ax, frame.loc[frame["prevalence"].notna()])
    if frame.empty:
        ax.text(0.5, 0.5, "no country shapes", ha="center", va="center", transform=ax.transAxes)
    ax.set_xlim(-180, 180)
    ax.set_ylim(-60, 85)  # Antarctica has no population to estimate for: cut off
    ax.set_axis_off()
    ax.set_title(title, fontsize=10)
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.02, top=0.95)
    plt.close(fig)
    return fig


def _type_markers(ax, frame: gpd.GeoDataFrame) -> None:
    """One marker per typed country (inside its polygon, or at its point) and a legend with counts."""
    handles = []
    for kind, (marker, colour) in TYPE_MARKERS.items():
        typed = frame.loc[frame["intervention_type"] == kind]
        if not typed.empty:
            at = typed.geometry.representative_point()
            ax.scatter(at.x, at.y, marker=marker, s=14, c=colour, edgecolors="white", linewidths=0.4)
        handles.append(
            Line2D([], [], marker=marker, linestyle="", color=colour, label=f"{kind} ({len(typed)})")
        )
    ax.legend(handles=handles, title="Intervention type", loc="lower left", fontsize=8, title_fontsize=8)

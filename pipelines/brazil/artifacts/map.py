"""The risk map of a Brazil training run: the registered model's probability for the scored year per
municipality, drawn from ``area.geometry_simplified_wkb`` (EPSG:4326, plotted in lon/lat)."""

from __future__ import annotations

import geopandas as gpd
import matplotlib

matplotlib.use("Agg")  # no display on workers; must precede pyplot

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import shapely  # noqa: E402
from matplotlib.colors import BoundaryNorm  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from sqlalchemy import Connection  # noqa: E402

from pipelines.brazil.features import STUDY  # noqa: E402
from pipelines.sql_files import query  # noqa: E402


def load_area_shapes(conn: Connection) -> gpd.GeoDataFrame:
    """``area_id`` + simplified polygon of every municipality (EPSG:4326); NULL geometries stay empty."""
    result = conn.execute(query("train_area_maps"), STUDY)
    rows = result.fetchall()
    geoms = [shapely.from_wkb(g) if g is not None else None for _, g in rows]
    return gpd.GeoDataFrame({"area_id": [a for a, _ in rows]}, geometry=geoms, crs="EPSG:4326")


def risk_map_figure(
    shapes: gpd.GeoDataFrame, scores: pd.DataFrame, cuts: tuple[float, ...], title: str
) -> Figure:
    """Choropleth of ``scores`` (``area_id``, ``p``) in classes bounded by ``cuts``; grey = no score/shape."""
    frame = shapes.merge(scores.loc[:, ["area_id", "p"]], on="area_id", how="left")
    fig, ax = plt.subplots(figsize=(7, 7), dpi=100)
    missing = frame.loc[frame["p"].isna() & frame.geometry.notna()]
    if not missing.empty:
        missing.plot(ax=ax, color="#dddddd", linewidth=0)
    bounds = [0.0, *cuts, 1.0]
    norm = BoundaryNorm(bounds, ncolors=256)
    drawn = frame.loc[frame["p"].notna() & frame.geometry.notna()]
    if not drawn.empty:
        drawn.plot(
            ax=ax,
            column="p",
            cmap="YlOrRd",
            norm=norm,
            linewidth=0,
            legend=True,
            legend_kwds={"label": "P(employer-list event)", "shrink": 0.6},
        )
    ax.set_axis_off()
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    plt.close(fig)
    return fig


def class_cuts(medium: float, high: float) -> tuple[float, ...]:
    """Colour steps: half the medium cut, the medium cut, halfway to high, the high cut."""
    return tuple(np.round([medium / 2, medium, (medium + high) / 2, high], 4))

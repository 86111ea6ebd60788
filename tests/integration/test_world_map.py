"""The world map renders to a PNG that opens with the documented size, for SYNTHETIC square "countries",
an empty frame, a country without estimate and a country without geometry."""

from __future__ import annotations

import io

import geopandas as gpd
import matplotlib.image
import numpy as np
import pandas as pd
from shapely.geometry import Point, box

from pipelines.world.artifacts.map import DPI, FIGSIZE, world_map_figure

SIZE = (int(FIGSIZE[1] * DPI), int(FIGSIZE[0] * DPI))  # rows, columns


def _png(fig) -> np.ndarray:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    buf.seek(0)
    return matplotlib.image.imread(buf, format="png")


def _shapes() -> gpd.GeoDataFrame:
    # SYNTHETIC: four squares on the equator, a small state given as a point, an area without geometry
    geoms = [box(-60 + 30 * i, -10, -40 + 30 * i, 10) for i in range(4)] + [Point(100, 5), None]
    ids = ["AAA", "BBB", "CCC", "DDD", "EEE", "FFF"]
    return gpd.GeoDataFrame({"area_id": ids}, geometry=geoms, crs="EPSG:4326")


def test_map_has_the_documented_size_and_leaves_arguments_alone():
    shapes = _shapes()
    estimates = pd.DataFrame(
        {
            "area_id": ["AAA", "BBB", "CCC", "EEE", "FFF"],
            "prevalence": [4.0, 15.0, 35.0, 12.0, 50.0],
            "intervention_type": ["catalyst", "momentum", None, "inception", "inception"],
        }
    )
    before_shapes, before_estimates = shapes.copy(), estimates.copy()
    png = _png(world_map_figure(shapes, estimates, "synthetic"))
    assert png.shape[:2] == SIZE and png[..., :3].std() > 0.01
    pd.testing.assert_frame_equal(estimates, before_estimates)
    assert shapes.equals(before_shapes)


def test_empty_inputs_still_render():
    empty_shapes = gpd.GeoDataFrame({"area_id": []}, geometry=[], crs="EPSG:4326")
    empty = pd.DataFrame({"area_id": [], "prevalence": [], "intervention_type": []})
    assert _png(world_map_figure(empty_shapes, empty, "nothing")).shape[:2] == SIZE
    assert _png(world_map_figure(_shapes(), empty, "no estimates")).shape[:2] == SIZE


def test_nan_prevalence_is_drawn_as_missing():
    estimates = pd.DataFrame({"area_id": ["AAA"], "prevalence": [np.nan], "intervention_type": [None]})
    assert _png(world_map_figure(_shapes(), estimates, "missing")).shape[:2] == SIZE

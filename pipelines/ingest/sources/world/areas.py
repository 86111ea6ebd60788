"""World countries: Natural Earth low-resolution admin-0 polygons plus every country of the crosswalk.

Inputs: ``world/boundaries/naturalearth_lowres/`` (177 polygons, ``name``, ``iso_a3``) and the Gapminder
country entities (names, ISO3, lat/lon) used as the project's country crosswalk.

Output (one row per ISO3 ``area_id``, level 0, study ``world``; geometry WKB EPSG:4326), plus the UN SDG
regions (level ``region``, ``SDG.<code>``, no geometry; :mod:`pipelines.ingest.sources.world.regions`),
each country's ``parent_id`` being its region:
- Natural Earth ships ``iso_a3 = -99`` for France, Norway and Kosovo: they are fixed by name (``FRA``,
  ``NOR``, ``XKX``). Northern Cyprus and Somaliland have no ISO3: their polygons are merged into ``CYP`` and
  ``SOM``, the countries the indicator data report them under.
- Countries in the crosswalk but not on the map (small states, territories) become areas without geometry,
  with the crosswalk's lat/lon as centroid, so every country-level observation has its area.
- ``BRA`` is owned by the Brazil study (``brazil_areas``): it is inserted here only if absent.
- ``area_km2`` in the World Cylindrical Equal Area projection (EPSG:6933).
"""

from __future__ import annotations

import logging
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from pipelines.ingest.connector import AREA_COLUMNS, Connector, Staged
from pipelines.ingest.errors import CrosswalkError, SourceFormatError
from pipelines.ingest.readers.area_geometry import with_geometry
from pipelines.ingest.readers.csv_reader import read_csv_strict, to_number
from pipelines.ingest.readers.geometry_checks import checked_polygons
from pipelines.ingest.sources.world.country_codes import name_to_iso3, normalise_name, read_entities
from pipelines.ingest.sources.world.regions import (
    REGION_ID_PATTERN,
    REGION_LEVEL,
    SDG_REGIONS,
    country_regions,
    region_rows,
)
from pipelines.quality.suites import area_suite

log = logging.getLogger(__name__)

BOUNDARY_VERSION = "naturalearth-110m-lowres"
EQUAL_AREA_CRS = "EPSG:6933"
SIMPLIFY_DEGREES = 0.05
# Map units without an ISO3 code, merged into the country that reports for them.
MERGE_INTO = {"n cyprus": "CYP", "somaliland": "SOM"}


def read_map(path: Path) -> gpd.GeoDataFrame:
    """The Natural Earth polygons (``name``, ``iso_a3``), checked and repaired by ``checked_polygons``."""
    shp = next(iter(sorted(path.glob("*.shp"))), None) if path.is_dir() else path
    if shp is None:
        raise SourceFormatError(path, "missing files", "no .shp file in the folder")
    try:
        raw = pyogrio.read_dataframe(shp, columns=["name", "iso_a3"])
    except Exception as exc:  # pyogrio raises several driver-specific errors
        raise SourceFormatError(shp, "unreadable shapefile", str(exc)) from exc
    return raw.set_geometry(checked_polygons(raw, raw["name"], shp))


def fix_iso3(raw: gpd.GeoDataFrame, names: dict[str, str], path: Path) -> gpd.GeoDataFrame:
    """Replace ``-99`` codes by name, merge units without a code into their country, dissolve by ISO3."""
    keys = raw["name"].map(normalise_name)
    fixed = raw["iso_a3"].where(raw["iso_a3"] != "-99", keys.map(MERGE_INTO | names))
    unmatched = raw.loc[fixed.isna(), "name"].tolist()
    if unmatched:
        raise CrosswalkError(path, unmatched)
    merged = raw.loc[keys.isin(MERGE_INTO), "name"].tolist()
    if merged:
        log.info("map units merged into their ISO3 country: %s", merged)
    frame = gpd.GeoDataFrame({"iso3": fixed, "name": raw["name"]}, geometry=raw.geometry, crs=raw.crs)
    frame = frame.to_crs("EPSG:4326")
    names_first = frame.loc[~keys.isin(MERGE_INTO)].drop_duplicates("iso3").set_index("iso3")["name"]
    dissolved = frame[["iso3", "geometry"]].dissolve("iso3")
    dissolved["name"] = names_first.reindex(dissolved.index)
    return dissolved


def build_areas(
    mapped: gpd.GeoDataFrame, entities: pd.DataFrame, regions: dict[str, str] | None = None
) -> pd.DataFrame:
    """Map countries (with geometry) plus crosswalk countries not on the map (without), each under its
    region in ``regions`` (ISO3 -> region id), and the region rows."""
    regions = regions or {}
    on_map = pd.DataFrame({"area_id": mapped.index.astype(str), "name": mapped["name"].to_numpy()})
    on_map = with_geometry(
        on_map,
        gpd.GeoSeries(mapped.geometry.to_numpy(), index=on_map.index, crs="EPSG:4326"),
        EQUAL_AREA_CRS,
        SIMPLIFY_DEGREES,
    )
    extra = entities.dropna(subset=["iso3"]).drop_duplicates("iso3")
    extra = extra.loc[~extra["iso3"].isin(on_map["area_id"])]
    off_map = pd.DataFrame(
        {
            "area_id": extra["iso3"].astype(str).to_numpy(),
            "name": extra["name"].to_numpy(),
            "centroid_lon": extra["lon"].to_numpy(),
            "centroid_lat": extra["lat"].to_numpy(),
            "area_km2": float("nan"),
            "geometry_wkb": None,
            "geometry_simplified_wkb": None,
        }
    )
    out = pd.concat([on_map, off_map], ignore_index=True)
    out["level"] = "0"
    out["parent_id"] = out["area_id"].map(regions).astype(object).where(out["area_id"].isin(regions), None)
    out["iso3"] = out["area_id"]
    out = pd.concat([out, region_rows(regions).assign(parent_id=None, iso3=None)], ignore_index=True)
    out["study"] = "world"
    out["boundary_version"] = out["geometry_wkb"].notna().map({True: BOUNDARY_VERSION, False: None})
    return out[AREA_COLUMNS].sort_values("area_id").reset_index(drop=True)


def read_entities_with_coords(path: Path) -> pd.DataFrame:
    """Crosswalk entities plus their ``lat``/``lon`` (Gapminder's country coordinates)."""
    entities = read_entities(path)
    coords = read_csv_strict(path, ["country", "latitude", "longitude"])
    return entities.assign(lat=to_number(coords, "latitude", path), lon=to_number(coords, "longitude", path))


def stage(files: dict[str, Path]) -> Staged:
    """Read the map and the crosswalk into the ``area`` staging frame."""
    entities = read_entities_with_coords(files["countries"])
    mapped = fix_iso3(read_map(files["map"]), name_to_iso3(entities), files["map"])
    return Staged(build_areas(mapped, entities, country_regions(files["countries"], entities)))


def suite(frame: pd.DataFrame, areas: pd.DataFrame):
    """ISO3 ids at level 0 under an SDG region (or none), the regions at level ``region``; between 150
    and 310 rows."""
    ids = f"^(?:[A-Z]{{3}}|{REGION_ID_PATTERN.strip('^$')})$"
    return area_suite(
        "world_areas",
        ids,
        {"0", REGION_LEVEL},
        row_count=(150, 310),
        parent_ids=[i for i, _ in SDG_REGIONS.values()],
    )


CONNECTOR = Connector(
    name="world_areas",
    dataset="World countries (Natural Earth 1:110m admin-0, plus crosswalk countries without a polygon)",
    target="area",
    study="world",
    inputs={
        "map": "world/boundaries/naturalearth_lowres",
        "countries": "world/covariates/gapminder/ddf--entities--geo--country.csv",
    },
    stage=stage,
    suite=suite,
    keep_existing=frozenset({"BRA"}),
)

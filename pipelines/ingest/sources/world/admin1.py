"""World first-level subdivisions (provinces, states): Natural Earth 10m admin-1, simplified, as TopoJSON.

Input: ``world/boundaries/ne10m_admin1_world_simplified.topojson`` (object ``provinces``, 4,596 features,
properties ``ne_id, name, adm0_a3, iso_a2``). TopoJSON coordinates are lon/lat by specification and the
file declares no CRS, so EPSG:4326 is set explicitly.

Output (one row per area, level 1, study ``world``, ``boundary_version`` ``BOUNDARY_VERSION``):
``area_id`` = ``<ISO3 of the country>.<ne_id>`` (``ne_id`` is Natural Earth's stable feature id; names are
not unique), ``parent_id`` = that country. The country is ``adm0_a3`` when it is a crosswalk ISO3, else the
ISO3 of ``iso_a2``, else the reviewed ``PARENT_OF`` map (Natural Earth's own codes for breakaway or
overseas units); units in ``NO_COUNTRY`` (military bases, disputed areas) are excluded and logged; any
other code raises, listing all of them. Geometries pass the boundary checks; 294 provinces lost their
polygon in the publisher's simplification and are kept without geometry. Sizes in EPSG:6933, simplified
copy at 0.05°.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
import pyogrio

from pipelines.ingest.connector import AREA_COLUMNS, Connector, Staged
from pipelines.ingest.errors import CrosswalkError, SourceFormatError
from pipelines.ingest.readers.area_geometry import with_geometry
from pipelines.ingest.readers.csv_reader import read_csv_strict
from pipelines.ingest.readers.geometry_checks import WGS84, checked_polygons
from pipelines.quality.suites import area_suite

log = logging.getLogger(__name__)

BOUNDARY_VERSION = "ne10m-admin1-simplified@orbis-04443c5e"
EQUAL_AREA_CRS = "EPSG:6933"
SIMPLIFY_DEGREES = 0.05
# The publisher's simplification leaves 42 self-intersecting provinces; repairing them changes the area by
# up to 9 % (small coastal units). A folded ring (bow tie) changes it far more and is still refused.
REPAIR_TOLERANCE = 0.10
PROPERTIES = ["ne_id", "name", "adm0_a3", "iso_a2"]
# Natural Earth adm0 codes that are not ISO3 → the country the indicator data report them under.
PARENT_OF = {"SOL": "SOM", "CYN": "CYP", "KOS": "XKX", "KAB": "KAZ", "IOA": "AUS", "CSI": "AUS", "ATC": "AUS", "CLP": "FRA"}  # fmt: skip
# Sovereign bases and disputed areas with no single reporting country: excluded, by code.
NO_COUNTRY = frozenset({"ESB", "WSB", "USG", "KAS", "PGA", "ATF"})
# Countries whose states come from their own official source (Brazil: IBGE, ``brazil_areas``, ids
# ``BRA.<UF>``). Natural Earth's copies would duplicate them under other ids, some with foreign names
# ("Pernambouc", "fédéral"): they are left out here, at the source.
OFFICIAL_STATES_ELSEWHERE = frozenset({"BRA"})


def read_provinces(path: Path) -> pd.DataFrame:
    """The TopoJSON features with EPSG:4326 set; an unreadable file or missing property raises."""
    try:
        frame = pyogrio.read_dataframe(path)
    except Exception as exc:  # pyogrio raises several driver-specific errors
        raise SourceFormatError(path, "unreadable TopoJSON", str(exc)) from exc
    missing = [c for c in PROPERTIES if c not in frame.columns]
    if missing:
        raise SourceFormatError(path, "missing columns", f"features have no {missing} properties")
    if frame.crs is None:
        frame = frame.set_crs(WGS84)
    return frame


def parent_countries(frame: pd.DataFrame, entities_path: Path, path: Path) -> pd.Series:
    """ISO3 of each feature's country (None for ``NO_COUNTRY`` units); unmatched codes raise."""
    entities = read_csv_strict(entities_path, ["iso3166_1_alpha2", "iso3166_1_alpha3"], dtype=str)
    iso3 = set(entities["iso3166_1_alpha3"].dropna()) | {"XKX"}
    by_iso2 = dict(entities.dropna(subset=["iso3166_1_alpha2", "iso3166_1_alpha3"])[["iso3166_1_alpha2", "iso3166_1_alpha3"]].to_numpy())  # fmt: skip
    adm0 = frame["adm0_a3"].astype(str)
    parent = adm0.where(adm0.isin(iso3)).fillna(frame["iso_a2"].map(by_iso2)).fillna(adm0.map(PARENT_OF))
    excluded = adm0.isin(NO_COUNTRY)
    if excluded.any():
        log.info("%s: admin-1 units without a country excluded: %s", path.name, sorted(set(adm0[excluded])))
    unmatched = sorted(set(adm0[parent.isna() & ~excluded]))
    if unmatched:
        raise CrosswalkError(path, unmatched)
    return parent.where(~excluded, None)


def stage(files: dict[str, Path]) -> Staged:
    """The provinces in ``area`` shape."""
    path = files["provinces"]
    raw = read_provinces(path)
    parent = parent_countries(raw, files["countries"], path)
    raw = raw.loc[parent.notna() & ~parent.isin(OFFICIAL_STATES_ELSEWHERE)]
    ne_id = pd.to_numeric(raw["ne_id"], errors="coerce")
    if ne_id.isna().any():
        raise SourceFormatError(
            path, "missing ne_id", f"{int(ne_id.isna().sum())} feature(s) without an ne_id"
        )
    ids = ne_id.astype("int64").astype(str)
    geoms = checked_polygons(raw, ids, path, allow_empty=True, repair_tolerance=REPAIR_TOLERANCE)
    log.info(
        "%s: %d provinces without a polygon kept as areas without geometry",
        path.name,
        int(geoms.isna().sum()),
    )
    country = parent[raw.index]
    frame = pd.DataFrame(
        {"area_id": country + "." + ne_id.astype("int64").astype(str), "name": raw["name"].astype(str),
         "parent_id": country, "iso3": country}
    )  # fmt: skip
    out = with_geometry(frame, geoms, EQUAL_AREA_CRS, SIMPLIFY_DEGREES)
    out["level"] = "1"
    out["study"] = "world"
    out["boundary_version"] = BOUNDARY_VERSION
    return Staged(out[AREA_COLUMNS].sort_values("area_id").reset_index(drop=True))


def suite(frame: pd.DataFrame, areas: pd.DataFrame):
    """Ids ``<ISO3>.<ne_id>``, level 1, parents are countries already loaded, 4,000–5,000 rows."""
    countries = areas.loc[areas["level"] == "0", "area_id"]
    return area_suite(
        "world_admin1", r"^[A-Z]{3}(?:\.\d+)?$", {"1"}, row_count=(4_000, 5_000), parent_ids=countries
    )


CONNECTOR = Connector(
    name="world_admin1",
    dataset="World admin-1 subdivisions (Natural Earth 10m, simplified TopoJSON)",
    target="area",
    study="world",
    inputs={
        "provinces": "world/boundaries/ne10m_admin1_world_simplified.topojson",
        "countries": "world/covariates/gapminder/ddf--entities--geo--country.csv",
    },
    stage=stage,
    suite=suite,
)

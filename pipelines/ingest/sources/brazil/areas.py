"""Brazil's areas: the country, its 27 states and its 5,570 municipalities.

Inputs: ``brazil/covariates/abj_muni_codes_latlon.csv`` (IBGE 7-digit code, name, state, seat lat/lon) and
the 27 ``brazil/boundaries/geojs-<UF code>-mun.json`` polygon files (``properties.id`` = IBGE code, geodata-br
at commit c39dfb04, boundaries of about 2010).

Names are the official IBGE spellings, never re-cased: the municipality list writes every word capitalised
("Rio De Janeiro"), so a municipality takes the spelling of its boundary file (``properties.name``, as IBGE
publishes it) when the two agree letter for letter ignoring case; the municipalities renamed or re-spelled
since the boundaries (a current name the boundary file does not have) take :data:`OFFICIAL_RENAMED_NAMES`
when their name has a particle or an apostrophe, else the list's spelling. States take
:data:`STATE_NAMES` by their sigla (the list spells one "Amazônas"); the country is ``Brasil``. See
docs/adr/0061-official-area-names.md.

Output (one row per ``area_id``; geometries WKB in EPSG:4326):
- ``BRA`` (level 0), ``BRA.<UF>`` (level 1, parent ``BRA``), ``BRA.<ibge7>`` (level 2, parent ``BRA.<UF>``).
- Municipality polygons are repaired with ``make_valid`` (46 source polygons self-intersect); states and
  the country are dissolved from them. Six municipalities created in 2013 have no polygon: they are kept,
  with the seat coordinates as centroid and no geometry or size.
- ``area_km2`` is measured in South America Albers Equal Area (ESRI:102033); centroids are computed there
  and projected back to lon/lat.
- ``geometry_simplified_wkb``: simplified with a 0.01° tolerance (about 1 km), topology preserved, for maps.
"""

from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from pipelines.ingest.connector import AREA_COLUMNS, Connector, Staged
from pipelines.ingest.errors import SourceFormatError
from pipelines.ingest.readers.area_geometry import with_geometry
from pipelines.ingest.readers.csv_reader import read_csv_strict, to_number
from pipelines.ingest.readers.geometry_checks import checked_polygons
from pipelines.quality.suites import area_suite

BOUNDARY_VERSION = "geodata-br@c39dfb04"
EQUAL_AREA_CRS = "ESRI:102033"
SIMPLIFY_DEGREES = 0.01
# IBGE "operational areas" for the two big coastal lagoons: water bodies, not municipalities.
LAGOON_CODES = frozenset({4300001, 4300002})
MUNI_COLUMNS = ["muni_id", "muni_nm", "uf_nm", "uf_sigla", "uf_id", "lon", "lat"]
AREA_ID_PATTERN = r"^BRA(?:\.[A-Z]{2}|\.\d{7})?$"
# The 27 federative units as IBGE names them, by sigla.
STATE_NAMES: dict[str, str] = {
    "AC": "Acre", "AL": "Alagoas", "AP": "Amapá", "AM": "Amazonas", "BA": "Bahia", "CE": "Ceará",
    "DF": "Distrito Federal", "ES": "Espírito Santo", "GO": "Goiás", "MA": "Maranhão", "MT": "Mato Grosso",
    "MS": "Mato Grosso do Sul", "MG": "Minas Gerais", "PA": "Pará", "PB": "Paraíba", "PR": "Paraná",
    "PE": "Pernambuco", "PI": "Piauí", "RJ": "Rio de Janeiro", "RN": "Rio Grande do Norte",
    "RS": "Rio Grande do Sul", "RO": "Rondônia", "RR": "Roraima", "SC": "Santa Catarina", "SP": "São Paulo",
    "SE": "Sergipe", "TO": "Tocantins",
}  # fmt: skip
# IBGE spellings of the current names the 2010 boundary files lack and the list mis-capitalises, by code.
OFFICIAL_RENAMED_NAMES: dict[int, str] = {
    1502954: "Eldorado do Carajás", 1504752: "Mojuí dos Campos", 1506500: "Santa Izabel do Pará",
    2408409: "Olho d'Água do Borges", 2515401: "São Vicente do Seridó", 2601607: "Belém do São Francisco",
    2608503: "Lagoa de Itaenga", 2800100: "Amparo do São Francisco", 2922250: "Muquém do São Francisco",
    3150539: "Pingo-d'Água", 3165206: "São Tomé das Letras", 3515004: "Embu das Artes",
    3550001: "São Luiz do Paraitinga", 4216057: "São Cristóvão do Sul", 4317103: "Sant'Ana do Livramento",
    5006275: "Paraíso das Águas", 5220157: "São Luiz do Norte",
}  # fmt: skip


def read_municipalities(path: Path) -> pd.DataFrame:
    """The municipality list without the lagoons: ``ibge7`` (int), name, ``uf`` (sigla), state name, lon/lat."""
    raw = read_csv_strict(path, MUNI_COLUMNS)
    ibge7 = to_number(raw, "muni_id", path)
    bad = ibge7.isna() | (ibge7 < 1_000_000) | (ibge7 > 9_999_999)
    if bad.any():
        pos = int(bad.to_numpy().nonzero()[0][0])
        raise SourceFormatError(
            path, "IBGE code", f"muni_id {raw['muni_id'].iloc[pos]!r} is not 7 digits", pos + 2
        )
    unknown = ~raw["uf_sigla"].astype(str).isin(list(STATE_NAMES))
    if unknown.any():
        pos = int(unknown.to_numpy().nonzero()[0][0])
        raise SourceFormatError(
            path,
            "state sigla",
            f"uf_sigla {raw['uf_sigla'].iloc[pos]!r} is not one of the 27 states",
            pos + 2,
        )
    out = pd.DataFrame(
        {
            "ibge7": ibge7.astype("int64"),
            "name": raw["muni_nm"].astype(str),
            "uf": raw["uf_sigla"].astype(str),
            "uf_name": raw["uf_nm"].astype(str),
            "lon": to_number(raw, "lon", path),
            "lat": to_number(raw, "lat", path),
        }
    )
    return out.loc[~out["ibge7"].isin(LAGOON_CODES)].reset_index(drop=True)


def read_boundaries(folder: Path) -> gpd.GeoDataFrame:
    """All ``geojs-*-mun.json`` polygons as one frame: ``ibge7`` (int), ``published_name`` (the IBGE name
    in ``properties.name``, or missing), ``geometry`` (EPSG:4326, repaired).

    Each file's geometries pass :func:`~pipelines.ingest.readers.geometry_checks.checked_polygons`.
    """
    files = sorted(folder.glob("geojs-*-mun.json"))
    if not files:
        raise SourceFormatError(folder, "missing files", "no geojs-*-mun.json boundary file")
    parts = []
    for file in files:
        try:
            part = pyogrio.read_dataframe(file, columns=["id", "name"])
        except Exception as exc:  # pyogrio raises several driver-specific errors
            raise SourceFormatError(file, "unreadable GeoJSON", str(exc)) from exc
        if "id" not in part.columns:
            raise SourceFormatError(file, "missing columns", "features have no 'id' property")
        ids = pd.to_numeric(part["id"], errors="coerce")
        if ids.isna().any():
            raise SourceFormatError(
                file, "IBGE code", f"feature id {part['id'][ids.isna()].iloc[0]!r} is not a code"
            )
        geometry = checked_polygons(part, part["id"], file)
        published = (
            part["name"] if "name" in part.columns else pd.Series(None, index=part.index, dtype=object)
        )
        parts.append(
            gpd.GeoDataFrame(
                {"ibge7": ids.astype("int64"), "published_name": published},
                geometry=geometry,
                crs="EPSG:4326",
            )
        )
    return gpd.GeoDataFrame(pd.concat(parts, ignore_index=True), geometry="geometry", crs="EPSG:4326")


def official_names(munis: pd.DataFrame, bounds: pd.DataFrame) -> pd.Series:
    """The official name of each row of ``munis`` (index kept): the boundary file's spelling when it is
    the same name ignoring case, else :data:`OFFICIAL_RENAMED_NAMES`, else the list's own spelling."""
    published = munis["ibge7"].map(bounds.drop_duplicates("ibge7").set_index("ibge7")["published_name"])
    same = published.notna() & (published.astype(str).str.casefold() == munis["name"].str.casefold())
    renamed = munis["ibge7"].map(OFFICIAL_RENAMED_NAMES)
    return published.where(same, renamed.where(renamed.notna(), munis["name"])).astype(str)


def build_areas(munis: pd.DataFrame, bounds: gpd.GeoDataFrame) -> pd.DataFrame:
    """Country, state and municipality rows in ``area`` shape (see module docstring)."""
    munis = munis.assign(name=official_names(munis, bounds), uf_name=munis["uf"].map(STATE_NAMES))
    geo = munis.merge(bounds.drop(columns="published_name", errors="ignore"), on="ibge7", how="left")
    muni_geoms = gpd.GeoSeries(geo["geometry"], crs="EPSG:4326")
    muni = pd.DataFrame(
        {
            "area_id": "BRA." + geo["ibge7"].astype(str),
            "level": "2",
            "parent_id": "BRA." + geo["uf"],
            "name": geo["name"],
            "centroid_lon": geo["lon"],
            "centroid_lat": geo["lat"],
            "area_km2": float("nan"),
        }
    )
    muni = with_geometry(muni, muni_geoms, EQUAL_AREA_CRS, SIMPLIFY_DEGREES)
    with_poly = gpd.GeoDataFrame({"uf": geo["uf"]}, geometry=muni_geoms, crs="EPSG:4326").dropna(
        subset=["geometry"]
    )
    state_geoms = with_poly.dissolve("uf").geometry
    names = munis.drop_duplicates("uf").set_index("uf")["uf_name"]
    state_geoms = state_geoms.reindex(names.index)
    states = pd.DataFrame(
        {"area_id": "BRA." + names.index, "level": "1", "parent_id": "BRA", "name": names.to_numpy()},
        index=names.index,
    )
    states = with_geometry(states, state_geoms, EQUAL_AREA_CRS, SIMPLIFY_DEGREES)
    country_geom = gpd.GeoSeries([shapely.union_all(state_geoms.dropna().values)], crs="EPSG:4326")
    country = with_geometry(
        pd.DataFrame({"area_id": ["BRA"], "level": ["0"], "parent_id": [None], "name": ["Brasil"]}),
        country_geom,
        EQUAL_AREA_CRS,
        SIMPLIFY_DEGREES,
    )
    out = pd.concat([country, states.reset_index(drop=True), muni], ignore_index=True)
    out["iso3"] = "BRA"
    out["study"] = "brazil"
    out["boundary_version"] = BOUNDARY_VERSION
    return out[AREA_COLUMNS].reset_index(drop=True)


def stage(files: dict[str, Path]) -> Staged:
    """Read the municipality list and the boundary folder into the ``area`` staging frame."""
    return Staged(
        build_areas(read_municipalities(files["municipalities"]), read_boundaries(files["boundaries"]))
    )


def suite(frame: pd.DataFrame, areas: pd.DataFrame):
    """Ids well-formed, levels 0–2, parents are the frame's country or states, at most 1 + 27 + 5,600 rows."""
    parents = frame.loc[frame["level"].isin(["0", "1"]), "area_id"] if "level" in frame.columns else []
    return area_suite(
        "brazil_areas", AREA_ID_PATTERN, {"0", "1", "2"}, row_count=(3, 1 + 27 + 5_600), parent_ids=parents
    )


CONNECTOR = Connector(
    name="brazil_areas",
    dataset="Brazil country, states and municipalities with boundaries (IBGE codes; geodata-br)",
    target="area",
    study="brazil",
    inputs={
        "municipalities": "brazil/covariates/abj_muni_codes_latlon.csv",
        "boundaries": "brazil/boundaries",
    },
    stage=stage,
    suite=suite,
)

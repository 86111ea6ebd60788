"""Fixtures for the pure feature code: a synthetic 3x3 grid and a real slice (Pará) of the sample CSVs.

The grid and its events are SYNTHETIC, made up for geometry and arithmetic checks. The Pará slice is read
straight from ``data/sample/brazil`` and reshaped to the warehouse's observation rows (same codes, periods
and vintages as the contract in docs/CONTRACTS.md), without polygons.
"""

from __future__ import annotations

from datetime import date

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box

from tests.conftest import SAMPLE_DATA

BRAZIL = SAMPLE_DATA / "brazil"
EDITIONS_VINTAGE = "snapshots"


def obs(area_id: str, year: int, code: str, value: float, vintage: str) -> dict:
    """One observation row in the warehouse's shape."""
    return {
        "area_id": area_id,
        "period": date(year, 1, 1),
        "indicator_code": code,
        "value": float(value),
        "vintage": date.fromisoformat(vintage),
    }


@pytest.fixture
def grid() -> gpd.GeoDataFrame:
    """SYNTHETIC: nine unit squares G.1..G.9 in a 3x3 grid (row-major, G.5 in the centre), two states."""
    cells = []
    for i in range(9):
        row, col = divmod(i, 3)
        cells.append(
            {
                "area_id": f"G.{i + 1}",
                "parent_id": "S.A" if col < 2 else "S.B",
                "centroid_lon": col + 0.5,
                "centroid_lat": row + 0.5,
                "area_km2": 100.0,
                "geometry": box(col, row, col + 1, row + 1),
            }
        )
    return gpd.GeoDataFrame(cells, geometry="geometry", crs="EPSG:4326")


def _employer_list(codes: set[int]) -> pd.DataFrame:
    raw = pd.read_csv(BRAZIL / "labels/forced_labour_employer_list_municipality_year.csv")
    raw = raw.loc[raw["ibge7"].isin(codes)]
    vintage = raw[EDITIONS_VINTAGE].str.split("|").str[0]
    rows = []
    for code, column in (
        ("fl_employer_list_events", "n_employers_listed"),
        ("fl_employer_list_workers", "trabalhadores_envolvidos_sum"),
    ):
        rows.append(
            pd.DataFrame(
                {
                    "area_id": "BRA." + raw["ibge7"].astype(str),
                    "period": pd.to_datetime(raw["ano_acao_fiscal"].astype(str) + "-01-01").dt.date,
                    "indicator_code": code,
                    "value": raw[column].astype(float),
                    "vintage": pd.to_datetime(vintage).dt.date,
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def _atlas(codes: set[int]) -> pd.DataFrame:
    raw = pd.read_csv(BRAZIL / "covariates/atlas_slim_covariates_1991_2000_2010.csv")
    raw = raw.loc[raw["codmun7"].isin(codes)]
    long = raw.melt(id_vars=["ano", "codmun7"], value_vars=["idhm", "gini", "p_agro", "pesorur", "pesourb"])
    long = long.dropna(subset=["value"])
    return pd.DataFrame(
        {
            "area_id": "BRA." + long["codmun7"].astype(str),
            "period": pd.to_datetime(long["ano"].astype(str) + "-01-01").dt.date,
            "indicator_code": "br_atlas_" + long["variable"],
            "value": long["value"].astype(float),
            "vintage": date(2013, 7, 29),
        }
    )


def _population(codes: set[int]) -> pd.DataFrame:
    raw = pd.read_csv(BRAZIL / "covariates/br_mun_population_2012_2021_long.csv")
    raw = raw.loc[raw["ibge7"].isin(codes)]
    return pd.DataFrame(
        {
            "area_id": "BRA." + raw["ibge7"].astype(str),
            "period": pd.to_datetime(raw["year"].astype(str) + "-01-01").dt.date,
            "indicator_code": "br_population_estimate",
            "value": raw["estimated_population"].astype(float),
            "vintage": pd.to_datetime(raw["year"].astype(str) + "-08-31").dt.date,
        }
    )


@pytest.fixture(scope="session")
def para() -> tuple[pd.DataFrame, gpd.GeoDataFrame]:
    """Real slice: observations and areas (no polygons, seat centroids) of the state of Pará."""
    muni = pd.read_csv(BRAZIL / "covariates/abj_muni_codes_latlon.csv")
    muni = muni.loc[muni["uf_sigla"] == "PA"]
    codes = set(muni["muni_id"])
    observations = pd.concat([_employer_list(codes), _atlas(codes), _population(codes)], ignore_index=True)
    areas = gpd.GeoDataFrame(
        {
            "area_id": "BRA." + muni["muni_id"].astype(str),
            "parent_id": "BRA.PA",
            "centroid_lon": muni["lon"].astype(float),
            "centroid_lat": muni["lat"].astype(float),
            "area_km2": float("nan"),
        },
        geometry=[None] * len(muni),
        crs="EPSG:4326",
    ).reset_index(drop=True)
    return observations, areas

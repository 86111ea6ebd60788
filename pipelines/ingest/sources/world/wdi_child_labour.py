"""World Bank WDI "Children in employment (% of children ages 7-14)", total and by sex.

Inputs:
- ``world/labels/wdi/API_SL.TLF.0714.ZS_WDI_2019-04-24.csv``: the World Bank download as issued: 4 header
  lines (source, blank, "Last Updated Date", blank), then ``Country Name, Country Code, Indicator Name,
  Indicator Code, 1960 … 2018`` wide, one row per economy (aggregates such as ``WLD`` have no values here).
- ``ddf--datapoints--sl_tlf_0714_{fe,ma}_zs--by--economy--year.csv``: the same series by sex, long, with
  lower-case ISO3 ``economy``.

Output observations (source ``wb_wdi``, percent): ``wdi_sl_tlf_0714_zs`` (total), ``wdi_sl_tlf_0714_fe_zs``
(girls), ``wdi_sl_tlf_0714_ma_zs`` (boys); ``period`` = 1 January of the survey year; ``vintage`` by the world
lag rule, capped for the wide file at its "Last Updated Date". Empty cells are missing, never 0. A code
with values that is not a country in the crosswalk raises, listing every such code.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pandas as pd

from pipelines.ingest.connector import Connector, Staged, finish_observations, indicators_frame, year_start
from pipelines.ingest.errors import SourceFormatError
from pipelines.ingest.readers.csv_reader import decode_utf8, read_csv_strict, to_number
from pipelines.ingest.sources.world.country_codes import iso3_values, map_or_raise, read_entities
from pipelines.ingest.sources.world.observations import country_suite, lagged_vintage

SOURCE = "wb_wdi"
HEADER_LINES = 4
ID_COLUMNS = ["Country Name", "Country Code", "Indicator Name", "Indicator Code"]
INDICATORS = indicators_frame(
    [
        ("wdi_sl_tlf_0714_zs", "Children in employment, total (% of children ages 7-14)", "percent", SOURCE,
         "World Bank WDI SL.TLF.0714.ZS (ILO/UNICEF/World Bank Understanding Children's Work surveys)."),
        ("wdi_sl_tlf_0714_fe_zs", "Children in employment, female (% of female children ages 7-14)", "percent",
         SOURCE, "World Bank WDI SL.TLF.0714.FE.ZS."),
        ("wdi_sl_tlf_0714_ma_zs", "Children in employment, male (% of male children ages 7-14)", "percent",
         SOURCE, "World Bank WDI SL.TLF.0714.MA.ZS."),
    ]
)  # fmt: skip


def last_updated(path: Path) -> date:
    """The ``"Last Updated Date","YYYY-MM-DD"`` line of a World Bank download."""
    head = decode_utf8(path).split("\n", HEADER_LINES)[:HEADER_LINES]
    for line in head:
        match = re.match(r'"Last Updated Date","(\d{4}-\d{2}-\d{2})"', line.strip())
        if match:
            return date.fromisoformat(match.group(1))
    raise SourceFormatError(path, "World Bank header", 'no "Last Updated Date" line in the first 4 lines', 1)


def read_wide(path: Path, countries: set[str]) -> pd.DataFrame:
    """The wide download as long rows (code, year, value) for the cells that hold a value."""
    raw = read_csv_strict(path, ID_COLUMNS, skip_lines=HEADER_LINES, dtype={"Country Code": str})
    years = [c for c in raw.columns if re.fullmatch(r"\d{4}", str(c))]
    if not years:
        raise SourceFormatError(path, "missing columns", "no year columns", HEADER_LINES + 1)
    values = pd.DataFrame({y: to_number(raw, y, path, HEADER_LINES + 1) for y in years})
    long = values.assign(code=raw["Country Code"]).melt(id_vars="code", var_name="year", value_name="value")
    long = long.dropna(subset=["value"])
    cap = last_updated(path)
    year = long["year"].astype(int)
    return pd.DataFrame(
        {
            "area_id": map_or_raise(long["code"], {c: c for c in countries}, path),
            "period": year_start(year),
            "indicator_code": "wdi_sl_tlf_0714_zs",
            "source": SOURCE,
            "vintage": lagged_vintage(year, cap=cap),
            "value": long["value"],
        }
    )


def read_by_sex(path: Path, column: str, countries: set[str]) -> pd.DataFrame:
    """One DDF by-sex file as long observations."""
    raw = read_csv_strict(path, ["economy", "year", column])
    year = to_number(raw, "year", path)
    return pd.DataFrame(
        {
            "area_id": map_or_raise(raw["economy"].astype(str).str.upper(), {c: c for c in countries}, path),
            "period": year_start(year),
            "indicator_code": f"wdi_{column}",
            "source": SOURCE,
            "vintage": lagged_vintage(year),
            "value": to_number(raw, column, path),
        }
    )


def stage(files: dict[str, Path]) -> Staged:
    """Total and by-sex series in one staging frame."""
    countries = iso3_values(read_entities(files["countries"]))
    frame = pd.concat(
        [
            read_wide(files["total"], countries),
            read_by_sex(files["female"], "sl_tlf_0714_fe_zs", countries),
            read_by_sex(files["male"], "sl_tlf_0714_ma_zs", countries),
        ],
        ignore_index=True,
    )
    return Staged(finish_observations(frame, INDICATORS), INDICATORS)


CONNECTOR = Connector(
    name="world_wdi_child_labour",
    dataset="World Bank WDI children in employment (% ages 7-14), total and by sex, country x year",
    target="observation",
    study="world",
    inputs={
        "total": "world/labels/wdi/API_SL.TLF.0714.ZS_WDI_2019-04-24.csv",
        "female": "world/labels/wdi/ddf--datapoints--sl_tlf_0714_fe_zs--by--economy--year.csv",
        "male": "world/labels/wdi/ddf--datapoints--sl_tlf_0714_ma_zs--by--economy--year.csv",
        "countries": "world/covariates/gapminder/ddf--entities--geo--country.csv",
    },
    stage=stage,
    suite=country_suite("world_wdi_child_labour", {SOURCE}, (1, 5_000)),
)

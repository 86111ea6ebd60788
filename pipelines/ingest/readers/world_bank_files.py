"""Readers for two World Bank file layouts: the DDF ``economy, year, <series>`` files and DataBank exports.

Both map country codes to ISO3 area ids: a World Bank aggregate code (``WLD``, ``SSF``, ``HIC``, …, listed in
``WB_AGGREGATES``) is excluded and logged; any other code that is not a crosswalk country raises
``CrosswalkError`` listing every such code.

DataBank export (``Series Name, Series Code, Country, Country Code, 1974 [YR1974], …``): ``..`` is
missing (never 0), and the table ends with a footer: blank rows, ``Data from database: …`` and
``Last Updated: MM/DD/YYYY``, which dates the whole export.
"""

from __future__ import annotations

import logging
import re
from datetime import date, datetime
from pathlib import Path

import pandas as pd

from pipelines.ingest.errors import SourceFormatError
from pipelines.ingest.readers.csv_reader import decode_utf8, read_csv_strict, read_csv_text, to_number
from pipelines.ingest.sources.world.country_codes import WB_AGGREGATES, map_or_raise

log = logging.getLogger(__name__)

DATABANK_IDS = ["Series Name", "Series Code", "Country", "Country Code"]
YEAR_COLUMN = re.compile(r"(\d{4}) \[YR\1\]")
LAST_UPDATED = re.compile(r"Last Updated: (\d{2}/\d{2}/\d{4})")


def countries_only(codes: pd.Series, countries: set[str], path: Path) -> tuple[pd.Series, pd.Series]:
    """(mask of rows to keep, their ISO3 ids): aggregates dropped and logged, unknown codes raise."""
    upper = codes.astype(str).str.upper()
    keep = ~upper.isin(WB_AGGREGATES)
    dropped = sorted(set(upper[~keep]))
    if dropped:
        log.info("%s: World Bank aggregates excluded: %s", path.name, dropped)
    return keep, map_or_raise(upper[keep], {c: c for c in countries}, path)


def read_ddf_by_economy(path: Path, column: str, countries: set[str]) -> pd.DataFrame:
    """``economy, year, <column>`` as (``area_id``, ``year``, ``value``); blank values stay missing."""
    raw = read_csv_strict(path, ["economy", "year", column])
    keep, area_ids = countries_only(raw["economy"], countries, path)
    return pd.DataFrame(
        {
            "area_id": area_ids,
            "year": to_number(raw, "year", path)[keep],
            "value": to_number(raw, column, path)[keep],
        }
    ).reset_index(drop=True)


def _split_footer(path: Path, text: str) -> tuple[str, date]:
    """The table part of a DataBank export and its ``Last Updated`` date (from the footer)."""
    lines = text.splitlines(keepends=True)
    end = next((i for i, line in enumerate(lines) if i > 0 and line.startswith(",")), len(lines))
    footer = "".join(lines[end:])
    match = LAST_UPDATED.search(footer)
    if not match:
        raise SourceFormatError(
            path, "DataBank footer", "no 'Last Updated: MM/DD/YYYY' line after the table", end + 1
        )
    return "".join(lines[:end]), datetime.strptime(match.group(1), "%m/%d/%Y").date()


def read_databank_export(path: Path, countries: set[str]) -> tuple[pd.DataFrame, date]:
    """Long rows (``series_code``, ``series_name``, ``area_id``, ``year``, ``value``) of the cells holding a
    value, and the export's ``Last Updated`` date."""
    table, updated = _split_footer(path, decode_utf8(path))
    raw = read_csv_text(table, path, DATABANK_IDS, dtype=str)
    years = {c: int(m.group(1)) for c in raw.columns if (m := YEAR_COLUMN.fullmatch(str(c)))}
    if not years:
        raise SourceFormatError(path, "missing columns", "no 'YYYY [YRYYYY]' year columns", 1)
    cells = raw[list(years)].replace("..", None)
    values = pd.DataFrame({c: to_number(cells, c, path) for c in years})
    keep, area_ids = countries_only(raw["Country Code"], countries, path)
    wide = values[keep].assign(
        series_code=raw["Series Code"][keep], series_name=raw["Series Name"][keep], area_id=area_ids
    )
    long = wide.melt(id_vars=["series_code", "series_name", "area_id"], var_name="column", value_name="value")
    long = long.dropna(subset=["value"])
    long["year"] = long["column"].map(years)
    return long.drop(columns="column").reset_index(drop=True), updated

"""Slave-labour inspections by municipality and year, 2003–2018, including those that rescued nobody.

Input: ``brazil/labels/inspection_operations_2003_2018.csv`` (Observatório Digital do Trabalho Escravo,
``;``-separated): one row per inspected establishment with ``nm_municipio``, ``nm_uf`` (names, not codes),
``oper`` (operation number within the year), ``ano`` (year) and ``trabalhadores_resgatados`` (workers
rescued; 0 = inspected, nobody rescued). Names are matched to IBGE codes with
``brazil/covariates/abj_muni_codes_latlon.csv`` (``pipelines.ingest.sources.brazil.name_crosswalk``).

Output observations (source ``br_smartlab_inspections``, ``freq`` year, ``period`` = 1 January of the year):
- ``fl_inspections`` (inspections, count), ``fl_inspections_rescue`` (inspections that rescued ≥ 1 worker,
  count) and ``fl_rescued_workers`` (workers rescued, count), one row each per inspected municipality-year.
- ``vintage`` = :data:`VINTAGE` for every row: the file carries no publication date per row; its last
  year (2018, partial) was published in early 2019 (docs/adr/0044-brazil-inspection-history.md).
Rows whose name matches no municipality are not published and are listed in :attr:`Staged.unmatched`
(file line, name, state, year, workers rescued); the runner counts them in the lineage row and writes them
to a report.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from pipelines.ingest.connector import Connector, Staged, finish_observations, indicators_frame, year_start
from pipelines.ingest.errors import SourceFormatError
from pipelines.ingest.readers.csv_reader import read_csv_strict, to_number
from pipelines.ingest.sources.brazil.name_crosswalk import code_table, match_codes
from pipelines.ingest.sources.brazil.observations import municipality_suite

SOURCE = "br_smartlab_inspections"
VINTAGE = date(2019, 3, 1)
COLUMNS = ["nm_municipio", "nm_uf", "oper", "ano", "trabalhadores_resgatados"]
CODE_COLUMNS = ["muni_id", "muni_nm", "uf_nm"]
FIRST_YEAR, LAST_YEAR = 2003, 2018
UNMATCHED_COLUMNS = ["line", "nm_municipio", "nm_uf", "ano", "trabalhadores_resgatados"]
INDICATORS = indicators_frame(
    [
        (
            "fl_inspections",
            "Slave-labour inspections, by year",
            "count",
            SOURCE,
            "Establishments inspected by the labour inspectorate's slave-labour operations in the "
            "municipality and year, whether or not workers were rescued.",
        ),
        (
            "fl_inspections_rescue",
            "Slave-labour inspections that rescued workers, by year",
            "count",
            SOURCE,
            "Inspected establishments where at least one worker was rescued.",
        ),
        (
            "fl_rescued_workers",
            "Workers rescued in slave-labour inspections, by year",
            "count",
            SOURCE,
            "Sum of workers rescued over the inspections of the municipality-year.",
        ),
    ]
)


def _years(raw: pd.DataFrame, path: Path) -> pd.Series:
    years = to_number(raw, "ano", path)
    bad = years.isna() | (years < FIRST_YEAR) | (years > LAST_YEAR) | (years % 1 != 0)
    if bad.any():
        pos = int(bad.to_numpy().nonzero()[0][0])
        raise SourceFormatError(
            path, "year", f"ano {raw['ano'].iloc[pos]!r} is not in {FIRST_YEAR}-{LAST_YEAR}", pos + 2
        )
    return years.astype("int64")


def _rescued(raw: pd.DataFrame, path: Path) -> pd.Series:
    rescued = to_number(raw, "trabalhadores_resgatados", path)
    bad = rescued.isna() | (rescued < 0) | (rescued % 1 != 0)
    if bad.any():
        pos = int(bad.to_numpy().nonzero()[0][0])
        value = raw["trabalhadores_resgatados"].iloc[pos]
        raise SourceFormatError(path, "workers rescued", f"{value!r} is not a count >= 0", pos + 2)
    return rescued


def stage(files: dict[str, Path]) -> Staged:
    """Three observations per inspected municipality-year; unmatched rows in ``unmatched``."""
    path = files["inspections"]
    raw = read_csv_strict(path, COLUMNS, sep=";", dtype={"nm_municipio": str, "nm_uf": str})
    years, rescued = _years(raw, path), _rescued(raw, path)
    codes = read_csv_strict(files["codes"], CODE_COLUMNS, dtype={"muni_id": str})
    try:
        table = code_table(codes)
    except ValueError as exc:
        raise SourceFormatError(files["codes"], "ambiguous name", str(exc)) from exc
    ibge = match_codes(raw["nm_municipio"], raw["nm_uf"], table)
    hit = ibge.notna()
    unmatched = raw.loc[~hit].assign(line=raw.index[~hit] + 2).reindex(columns=UNMATCHED_COLUMNS)
    rows = pd.DataFrame({"area_id": "BRA." + ibge[hit], "year": years[hit], "rescued": rescued[hit]}).assign(
        rescue=lambda d: (d["rescued"] > 0).astype("float64"), one=1.0
    )
    per_year = rows.groupby(["area_id", "year"], as_index=False).agg(
        fl_inspections=("one", "sum"),
        fl_inspections_rescue=("rescue", "sum"),
        fl_rescued_workers=("rescued", "sum"),
    )
    long = per_year.melt(id_vars=["area_id", "year"], var_name="indicator_code", value_name="value")
    frame = pd.DataFrame(
        {
            "area_id": long["area_id"],
            "period": year_start(long["year"]),
            "indicator_code": long["indicator_code"],
            "source": SOURCE,
            "vintage": VINTAGE,
            "value": long["value"],
        }
    )
    return Staged(
        finish_observations(frame, INDICATORS, drop_missing=False),
        INDICATORS,
        unmatched.reset_index(drop=True),
    )


CONNECTOR = Connector(
    name="brazil_inspections",
    dataset="Brazil slave-labour inspections, municipality x year (2003-2018)",
    target="observation",
    study="brazil",
    inputs={
        "inspections": "brazil/labels/inspection_operations_2003_2018.csv",
        "codes": "brazil/covariates/abj_muni_codes_latlon.csv",
    },
    stage=stage,
    suite=municipality_suite("brazil_inspections", {SOURCE}, (1, 20_000)),
)

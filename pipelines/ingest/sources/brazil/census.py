"""Atlas of Human Development in Brazil (PNUD/IPEA/FJP): census covariates per municipality.

Inputs: ``brazil/covariates/atlas_slim_covariates_1991_2000_2010.csv`` (one row per municipality and
census year ``ano``; ``codmun7`` = IBGE code) and ``atlas_pnud_siglas_dictionary.csv`` (names, Portuguese).

Output observations (source ``br_atlas_pnud``): ``br_atlas_<column>`` for every numeric atlas column
(identifiers ``ano``, ``uf``, ``codmun7`` and the name are not observations), ``period`` = 1 January of the
census year (1991, 2000, 2010), ``vintage`` = 2013-07-29 (the Atlas 2013 release, which published all
three years). Blank cells (e.g. labour-market columns for 1991) are missing, never 0.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pandas as pd

from pipelines.ingest.connector import Connector, Staged, finish_observations, indicators_frame, year_start
from pipelines.ingest.readers.csv_reader import read_csv_strict, to_number
from pipelines.ingest.sources.brazil.observations import municipality_ids, municipality_suite

SOURCE = "br_atlas_pnud"
VINTAGE = date(2013, 7, 29)
ID_COLUMNS = ["ano", "uf", "codmun7", "municipio"]
# Unit of each atlas column (from the Atlas dictionary); every other numeric column is a percentage.
UNITS = {
    "pop": "persons",
    "pesorur": "persons",
    "pesourb": "persons",
    "idhm": "index_0_1",
    "idhm_e": "index_0_1",
    "idhm_l": "index_0_1",
    "idhm_r": "index_0_1",
    "gini": "index_0_1",
    "rdpc": "brl_2010",
    "espvida": "years",
    "mort1": "per_1000",
}


def atlas_indicators(columns: list[str], dictionary: pd.DataFrame) -> pd.DataFrame:
    """Indicator definitions for the atlas ``columns``; names and definitions from the dictionary."""
    entries = dictionary.assign(key=dictionary["sigla"].str.lower()).drop_duplicates("key").set_index("key")
    rows = []
    for col in columns:
        name = entries["nome_curto"].get(col, col)
        rows.append(
            (
                f"br_atlas_{col}",
                f"{name} (Atlas {col})",
                UNITS.get(col, "percent"),
                SOURCE,
                entries["definicao"].get(col),
            )
        )
    return indicators_frame(rows)


def stage(files: dict[str, Path]) -> Staged:
    """One observation per municipality, census year and non-blank numeric column."""
    path = files["atlas"]
    raw = read_csv_strict(path, ID_COLUMNS + ["idhm"])
    dictionary = read_csv_strict(files["dictionary"], ["sigla", "nome_curto", "definicao"])
    value_columns = [c for c in raw.columns if c not in ID_COLUMNS]
    indicators = atlas_indicators(value_columns, dictionary)
    base = pd.DataFrame(
        {
            "area_id": municipality_ids(raw, "codmun7", path),
            "period": year_start(to_number(raw, "ano", path)),
            "source": SOURCE,
            "vintage": VINTAGE,
        }
    )
    parts = [
        base.assign(indicator_code=f"br_atlas_{col}", value=to_number(raw, col, path))
        for col in value_columns
    ]
    return Staged(finish_observations(pd.concat(parts, ignore_index=True), indicators), indicators)


CONNECTOR = Connector(
    name="brazil_census",
    dataset="Atlas of Human Development in Brazil, municipality x census year 1991/2000/2010",
    target="observation",
    study="brazil",
    inputs={
        "atlas": "brazil/covariates/atlas_slim_covariates_1991_2000_2010.csv",
        "dictionary": "brazil/covariates/atlas_pnud_siglas_dictionary.csv",
    },
    stage=stage,
    suite=municipality_suite("brazil_census", {SOURCE}, (1, 600_000)),
)

"""IBGE annual population estimates per municipality (Brasil.IO copy of the IBGE series).

Input: ``brazil/covariates/br_mun_population_2012_2021_long.csv`` with ``ibge7, year, estimated_population``.

Output observations (source ``br_ibge_population``): ``br_population_estimate`` (persons), ``period`` =
1 January of the estimate year, ``vintage`` = 31 August of that year (IBGE publishes the estimates, with
reference date 1 July, at the end of August).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipelines.ingest.connector import (
    Connector,
    Staged,
    finish_observations,
    indicators_frame,
    year_dates,
    year_start,
)
from pipelines.ingest.readers.csv_reader import read_csv_strict, to_number
from pipelines.ingest.sources.brazil.observations import municipality_ids, municipality_suite

SOURCE = "br_ibge_population"
INDICATORS = indicators_frame(
    [
        (
            "br_population_estimate",
            "Estimated resident population (IBGE annual estimate)",
            "persons",
            SOURCE,
            "IBGE municipal population estimate with reference date 1 July, published end of August.",
        )
    ]
)


def stage(files: dict[str, Path]) -> Staged:
    """One observation per input row."""
    path = files["population"]
    raw = read_csv_strict(path, ["ibge7", "year", "estimated_population"])
    years = to_number(raw, "year", path)
    frame = pd.DataFrame(
        {
            "area_id": municipality_ids(raw, "ibge7", path),
            "period": year_start(years),
            "indicator_code": "br_population_estimate",
            "source": SOURCE,
            "vintage": year_dates(years, 8, 31),
            "value": to_number(raw, "estimated_population", path),
        }
    )
    return Staged(finish_observations(frame, INDICATORS, drop_missing=False), INDICATORS)


CONNECTOR = Connector(
    name="brazil_population",
    dataset="IBGE municipal population estimates, municipality x year",
    target="observation",
    study="brazil",
    inputs={"population": "brazil/covariates/br_mun_population_2012_2021_long.csv"},
    stage=stage,
    suite=municipality_suite("brazil_population", {SOURCE}, (1, 200_000)),
)

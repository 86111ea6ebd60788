"""World Bank WDI birth registration and social-protection coverage, country x year.

Inputs (open-numbers WDI, DDF layout ``economy, year, <series>``; ``economy`` lower-case ISO3 or a World Bank
aggregate code):
- ``world/covariates/wdi/ddf--datapoints--sp_reg_brth_zs--by--economy--year.csv``: completeness of birth
  registration (% of children under 5). Unregistered children are easier to put to work under age.
- ``world/covariates/wdi/ddf--datapoints--per_allsp_cov_pop_tot--by--economy--year.csv``: coverage of social
  protection and labour programmes (% of population, ASPIRE).

Output observations (source ``wb_wdi``, percent): ``wdi_sp_reg_brth_zs`` and ``wdi_per_allsp_cov_pop_tot``;
``period`` = 1 January of the year; ``vintage`` by the world lag rule (1 January of year + 2). Aggregate rows
(``WLD``, ``SSF``, …) are excluded and logged; any other unknown code raises.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipelines.ingest.connector import Connector, Staged, finish_observations, indicators_frame, year_start
from pipelines.ingest.readers.world_bank_files import read_ddf_by_economy
from pipelines.ingest.sources.world.country_codes import iso3_values, read_entities
from pipelines.ingest.sources.world.observations import country_suite, lagged_vintage

SOURCE = "wb_wdi"
SERIES = {"birth_registration": "sp_reg_brth_zs", "social_protection": "per_allsp_cov_pop_tot"}
INDICATORS = indicators_frame(
    [
        ("wdi_sp_reg_brth_zs", "Completeness of birth registration (% of children under 5)", "percent", SOURCE,
         "World Bank WDI SP.REG.BRTH.ZS (UNICEF)."),
        ("wdi_per_allsp_cov_pop_tot", "Coverage of social protection and labour programmes (% of population)",
         "percent", SOURCE, "World Bank WDI per_allsp.cov_pop_tot (ASPIRE household surveys)."),
    ]
)  # fmt: skip


def stage(files: dict[str, Path]) -> Staged:
    """Both series as long observations."""
    countries = iso3_values(read_entities(files["countries"]))
    parts = []
    for role, column in SERIES.items():
        rows = read_ddf_by_economy(files[role], column, countries)
        parts.append(
            pd.DataFrame(
                {
                    "area_id": rows["area_id"],
                    "period": year_start(rows["year"]),
                    "indicator_code": f"wdi_{column}",
                    "source": SOURCE,
                    "vintage": lagged_vintage(rows["year"]),
                    "value": rows["value"],
                }
            )
        )
    return Staged(finish_observations(pd.concat(parts, ignore_index=True), INDICATORS), INDICATORS)


CONNECTOR = Connector(
    name="world_wdi_protection",
    dataset="World Bank WDI birth registration and social-protection coverage, country x year",
    target="observation",
    study="world",
    inputs={
        "birth_registration": "world/covariates/wdi/ddf--datapoints--sp_reg_brth_zs--by--economy--year.csv",
        "social_protection": "world/covariates/wdi/ddf--datapoints--per_allsp_cov_pop_tot--by--economy--year.csv",
        "countries": "world/covariates/gapminder/ddf--entities--geo--country.csv",
    },
    stage=stage,
    suite=country_suite("world_wdi_protection", {SOURCE}, (1, 5_000)),
)

"""Gapminder Systema Globalis covariates: 27 long country-year series (WDI, ILOSTAT, UNESCO, UN WPP, UNDP).

Inputs: ``world/covariates/gapminder/datapoints/ddf--datapoints--<concept>--by--geo--time.csv`` (columns
``geo, time, <concept>``; ``geo`` is a lower-case Gapminder id), ``ddf--concepts--selected.csv`` (names,
sources) and the country entities (``geo`` → ISO3).

Output observations (source ``gapminder_sg``): ``gm_<concept>`` with the unit in ``UNITS``; ``period`` =
1 January of ``time``; ``vintage`` by the world lag rule (1 January of year + 2).
Only observed years are kept: values after ``LAST_OBSERVED_YEAR`` (2024) are projections (UN WPP medium
variant in ``total_population_with_projections`` and ``children_and_elderly_per_100_adults``) and are
dropped. Rows of former or disputed entities without ISO3 (USSR, Yugoslavia, …) are excluded and logged
by name; any other unknown ``geo`` raises.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pandas as pd

from pipelines.ingest.connector import Connector, Staged, finish_observations, indicators_frame, year_start
from pipelines.ingest.errors import SourceFormatError
from pipelines.ingest.readers.csv_reader import read_csv_strict, to_number
from pipelines.ingest.sources.world.country_codes import NO_ISO3_GEO, geo_to_iso3, map_or_raise, read_entities
from pipelines.ingest.sources.world.observations import country_suite, lagged_vintage

log = logging.getLogger(__name__)

SOURCE = "gapminder_sg"
LAST_OBSERVED_YEAR = 2024
FILE_PATTERN = re.compile(r"ddf--datapoints--(?P<concept>\w+)--by--geo--time\.csv")
UNITS = {
    "aged_15_24_unemployment_rate_percent": "percent",
    "agriculture_percent_of_gdp": "percent",
    "agriculture_workers_percent_of_employment": "percent",
    "battle_deaths_per_100_000": "per_100000",
    "children_and_elderly_per_100_adults": "per_100",
    "children_out_of_school_primary": "persons",
    "democracy_score_use_as_color": "score_-10_10",
    "extreme_poverty_percent_people_below_300_a_day": "percent",
    "family_workers_percent_of_employment": "percent",
    "gdppercapita_us_inflation_adjusted": "usd_2015",
    "gnipercapita_atlasmethod_current_us": "usd",
    "hdi_human_development_index": "index_0_1",
    "income_per_person_with_projections": "intl_usd_ppp",
    "industry_percent_of_gdp": "percent",
    "industry_workers_percent_of_employment": "percent",
    "inequality_index_gini": "index_0_100",
    "literacy_rate_youth_total_percent_of_people_ages_15_24": "percent",
    "population_growth_annual_percent": "percent_change",
    "poverty_percent_people_below_420_a_day": "percent",
    "primary_completion_rate_total_percent_of_relevant_age_group": "percent_gross",
    "rural_population_percent_of_total": "percent",
    "self_employed_percent_of_employment": "percent",
    "service_workers_percent_of_employment": "percent",
    "teen_fertility_rate_births_per_1000_women_ages_15_19": "per_1000",
    "total_population_with_projections": "persons",
    "under_five_mortality_from_cme_per_1000_born": "per_1000",
    "urban_population_percent_of_total": "percent",
}


def read_concepts(path: Path) -> pd.DataFrame:
    """Concept id → name, description and source (from ``ddf--concepts--selected.csv``)."""
    raw = read_csv_strict(path, ["concept", "name", "description", "source"])
    return raw.set_index("concept")


def read_concept_file(path: Path, concept: str, geo: dict[str, str]) -> pd.DataFrame:
    """One datapoint file as long observations of ``gm_<concept>``, observed years only."""
    raw = read_csv_strict(path, ["geo", "time", concept])
    year = to_number(raw, "time", path)
    keep = (year <= LAST_OBSERVED_YEAR) & ~raw["geo"].isin(NO_ISO3_GEO)
    excluded = sorted(set(raw.loc[raw["geo"].isin(NO_ISO3_GEO), "geo"]))
    if excluded:
        log.info("%s: rows of entities without ISO3 excluded: %s", path.name, excluded)
    raw, year = raw.loc[keep], year[keep]
    return pd.DataFrame(
        {
            "area_id": map_or_raise(raw["geo"].astype(str), geo, path),
            "period": year_start(year),
            "indicator_code": f"gm_{concept}",
            "source": SOURCE,
            "vintage": lagged_vintage(year),
            "value": to_number(raw, concept, path),
        }
    )


def concept_files(folder: Path) -> dict[str, Path]:
    """Concept → datapoint file; an unknown concept (no unit declared) is a format change and raises."""
    found = {}
    for path in sorted(folder.glob("ddf--datapoints--*.csv")):
        match = FILE_PATTERN.fullmatch(path.name)
        if not match or match["concept"] not in UNITS:
            raise SourceFormatError(path, "unknown concept", "no unit is declared for this datapoint file")
        found[match["concept"]] = path
    if not found:
        raise SourceFormatError(folder, "missing files", "no ddf--datapoints--*.csv file")
    return found


def stage(files: dict[str, Path]) -> Staged:
    """All datapoint files of the folder."""
    geo = geo_to_iso3(read_entities(files["countries"]))
    concepts = read_concepts(files["concepts"])
    found = concept_files(files["datapoints"])
    frame = pd.concat([read_concept_file(p, c, geo) for c, p in found.items()], ignore_index=True)
    rows = []
    for concept in found:
        meta = concepts.loc[concept] if concept in concepts.index else None
        name = str(meta["name"]) if meta is not None else concept
        origin = str(meta["source"]) if meta is not None and pd.notna(meta["source"]) else "Gapminder"
        desc = f"{meta['description'] if meta is not None else ''} Source: {origin} via Gapminder.".strip()
        rows.append((f"gm_{concept}", name, UNITS[concept], SOURCE, desc))
    indicators = indicators_frame(rows)
    return Staged(finish_observations(frame, indicators), indicators)


CONNECTOR = Connector(
    name="world_gapminder",
    dataset="Gapminder Systema Globalis covariates (27 series), country x year",
    target="observation",
    study="world",
    inputs={
        "datapoints": "world/covariates/gapminder/datapoints",
        "concepts": "world/covariates/gapminder/ddf--concepts--selected.csv",
        "countries": "world/covariates/gapminder/ddf--entities--geo--country.csv",
    },
    stage=stage,
    suite=country_suite("world_gapminder", {SOURCE}, (1, 400_000)),
)

"""The sources ``run_source`` knows, by name, and the order each study family loads them in.

The names and their order come from ``sources.toml`` next to this module, the one list that the DAGs, the
CLI and the tests read. Areas load first in each family: the observation gates check that every
``area_id`` exists.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

from pipelines.ingest.connector import Connector
from pipelines.ingest.sources.brazil import areas as brazil_areas
from pipelines.ingest.sources.brazil import census as brazil_census
from pipelines.ingest.sources.brazil import employer_list as brazil_employer_list
from pipelines.ingest.sources.brazil import inspections as brazil_inspections
from pipelines.ingest.sources.brazil import population as brazil_population
from pipelines.ingest.sources.world import admin1 as world_admin1
from pipelines.ingest.sources.world import areas as world_areas
from pipelines.ingest.sources.world import ceacr as world_ceacr
from pipelines.ingest.sources.world import gapminder as world_gapminder
from pipelines.ingest.sources.world import ilab as world_ilab
from pipelines.ingest.sources.world import ilab_goods as world_ilab_goods
from pipelines.ingest.sources.world import sdg871 as world_sdg871
from pipelines.ingest.sources.world import wb_poverty as world_wb_poverty
from pipelines.ingest.sources.world import wdi_child_labour as world_wdi_child_labour
from pipelines.ingest.sources.world import wdi_protection as world_wdi_protection

SOURCES_FILE = Path(__file__).with_name("sources.toml")
SOURCE_FAMILIES: dict[str, list[str]] = {
    family: list(names) for family, names in tomllib.loads(SOURCES_FILE.read_text(encoding="utf-8")).items()
}

CONNECTORS: dict[str, Connector] = {
    module.CONNECTOR.name: module.CONNECTOR
    for module in (
        brazil_areas,
        brazil_employer_list,
        brazil_inspections,
        brazil_census,
        brazil_population,
        world_areas,
        world_sdg871,
        world_wdi_child_labour,
        world_gapminder,
        world_ilab,
        world_ilab_goods,
        world_ceacr,
        world_wb_poverty,
        world_wdi_protection,
        world_admin1,
    )
}


def connector_for(name: str) -> Connector:
    """The connector called ``name``; an unknown name raises ``KeyError`` listing the known ones."""
    try:
        return CONNECTORS[name]
    except KeyError:
        raise KeyError(f"unknown source {name!r}; known: {sorted(CONNECTORS)}") from None

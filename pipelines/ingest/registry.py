"""The sources ``run_source`` knows, by name, and the order each study family loads them in.

Areas load first in each family: the observation gates check that every ``area_id`` exists.
"""

from __future__ import annotations

from pipelines.ingest import (
    brazil_areas,
    brazil_census,
    brazil_employer_list,
    brazil_population,
    world_admin1,
    world_areas,
    world_ceacr,
    world_gapminder,
    world_ilab,
    world_ilab_goods,
    world_sdg871,
    world_wb_poverty,
    world_wdi_child_labour,
    world_wdi_protection,
)
from pipelines.ingest.connector import Connector

SOURCE_FAMILIES: dict[str, list[str]] = {
    "brazil": ["brazil_areas", "brazil_employer_list", "brazil_census", "brazil_population"],
    "world": [
        "world_areas",
        "world_admin1",
        "world_sdg871",
        "world_wdi_child_labour",
        "world_gapminder",
        "world_ilab",
        "world_ilab_goods",
        "world_ceacr",
        "world_wb_poverty",
        "world_wdi_protection",
    ],
}

CONNECTORS: dict[str, Connector] = {
    module.CONNECTOR.name: module.CONNECTOR
    for module in (
        brazil_areas,
        brazil_employer_list,
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

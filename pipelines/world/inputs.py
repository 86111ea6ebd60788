"""What the world study reads from the warehouse (I/O only; the estimation is in ``models.world_estimate``)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from features.errors import MissingInputError
from features.world import SDG_PREFIX, WDI_CODE
from pipelines.settings import Settings
from pipelines.sql_files import query
from pipelines.warehouse.engine import warehouse_engine
from pipelines.warehouse.frames import read_frame
from pipelines.world import WORLD


def load_world_inputs(settings: Settings) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(observations, countries)`` of the world study (level-0 areas); raises ``MissingInputError`` when
    the world family was not ingested. Observations: ``area_id, period, indicator_code, source, value,
    vintage``; countries: ``area_id, name, lon, lat`` (centroid, EPSG:4326 degrees)."""
    params = {
        **WORLD,
        "sdg": SDG_PREFIX + "%",
        "wdi": WDI_CODE,
        "gm": "gm_%",
        "ilab": "ilab_%",
        "ceacr": "ceacr_%",
    }
    with warehouse_engine(settings) as engine:
        with engine.connect() as conn:
            observations = read_frame(conn, query("world_observations"), params)
            countries = read_frame(conn, query("world_countries"), WORLD)
    if countries.empty or observations.empty:
        raise MissingInputError("no world countries or observations: ingest the world family first")
    return observations, countries


def newest_vintage(observations: pd.DataFrame) -> date:
    """The newest ``vintage`` among ``observations`` (the default as-of date of the world steps)."""
    return pd.to_datetime(observations["vintage"]).max().date()

"""``score_world``: the world estimate as of a date, for every country (``sdg87 forecast --study world``).

Refits on what was known on the date; read-only (nothing written, nothing logged, MLflow not imported).
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from models.world_estimate import ESTIMATE_COLUMNS, estimate_world
from pipelines.settings import Settings, get_settings
from pipelines.world.inputs import load_world_inputs, newest_vintage


def score_world(settings: Settings | None = None, as_of: date | None = None) -> pd.DataFrame:
    """:data:`models.world_estimate.ESTIMATE_COLUMNS` for every country, refitted on what was known at
    ``as_of`` (default: the newest vintage in the data)."""
    settings = settings or get_settings()
    observations, countries = load_world_inputs(settings)
    as_of = as_of or newest_vintage(observations)
    return estimate_world(observations, countries, as_of)[0].loc[:, ESTIMATE_COLUMNS]

"""``forecast_brazil``: what the model would have said on a given date, for every municipality.

"As of" date ``D``: only employer-list editions published by ``D`` are used (labels and event features);
census and population follow their own publication dates. The origin is the last inspection year those
editions cover, capped at ``D.year - 1`` (the last complete year); the target year is origin + ``horizon``.
Training label years stop at the origin: a year with no published edition covering it is not read as
"no event".
The recipe of the current champion's family (LightGBM or logistic; LightGBM when no champion exists) is
refitted on those inputs, so nothing after ``D`` leaks in. Read-only: nothing is written to the warehouse.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from features.catalog import FEATURE_LABELS
from features.training_inputs import as_published_inputs
from models.drivers import top_drivers
from models.risk import risk_class
from models.risk_fit import N_BOOTSTRAP, fit_risk_model
from models.windows import BRAZIL_BACKTEST
from pipelines.brazil.inputs import load_raw_inputs
from pipelines.settings import Settings, get_settings
from pipelines.warehouse.engine import warehouse_engine

FORECAST_COLUMNS = ["area_id", "period", "p", "p_lo", "p_hi", "risk_class", "drivers"]


def champion_family(settings: Settings) -> str:
    """The family (``lightgbm``/``logistic``) of the registered champion; ``lightgbm`` without one.
    MLflow is imported here only: a forecast for a given family never loads it."""
    from pipelines.tracking import CHAMPION, use_tracking, version_by_alias

    client = use_tracking(settings)
    champion = version_by_alias(client, settings.brazil_model_name, CHAMPION)
    if champion is None:
        return "lightgbm"
    return client.get_run(champion.run_id).data.tags.get("model_family", "lightgbm")


def drivers_text(drivers: list[dict]) -> str:
    """``label (+0.42); label (-0.10)`` — signed contributions in log-odds, largest first."""
    return "; ".join(f"{d['label']} ({d['contribution']:+.2f})" for d in drivers)


def forecast_brazil(
    as_of: date, horizon: int, settings: Settings | None = None, family: str | None = None
) -> pd.DataFrame:
    """One row per municipality: ``area_id``, ``period`` (target year, int), ``p``, ``p_lo``, ``p_hi``
    (90 % bootstrap interval), ``risk_class``, ``drivers`` (short text). Raises ``ValueError`` for a
    horizon below 1 and ``MissingInputError`` when no edition was published by ``as_of``."""
    if horizon < 1:
        raise ValueError(f"horizon must be at least 1, got {horizon}")
    settings = settings or get_settings()
    family = family or champion_family(settings)
    with warehouse_engine(settings) as engine:
        with engine.connect() as conn:
            raw = load_raw_inputs(conn)
    inputs = as_published_inputs(raw, as_of)
    origin = min(as_of.year - 1, inputs.last)
    model = fit_risk_model(
        inputs, family, horizon, BRAZIL_BACKTEST, settings.random_seed, N_BOOTSTRAP, through=origin
    )
    features = inputs.panel.loc[inputs.panel["year"] == origin + 1].reset_index(drop=True)
    p = model.predict_proba(features)
    p_lo, p_hi = model.interval(features)
    drivers = top_drivers(model.contributions(features), FEATURE_LABELS, n=3)
    return pd.DataFrame(
        {
            "area_id": features["area_id"],
            "period": origin + horizon,
            "p": np.round(p, 6),
            "p_lo": np.round(p_lo, 6),
            "p_hi": np.round(p_hi, 6),
            "risk_class": risk_class(p, settings.risk_medium, settings.risk_high),
            "drivers": [drivers_text(d) for d in drivers],
        },
        columns=FORECAST_COLUMNS,
    )

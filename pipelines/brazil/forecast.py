"""``forecast_brazil``: what the model would have said on a given date, for every municipality.

"As of" date ``D``: only employer-list editions published by ``D`` are used (labels and event features);
census and population follow their own publication dates. The origin is the last inspection year those
editions cover, capped at ``D.year - 1`` (the last complete year); the target year is origin + ``horizon``.
Training label years stop at the origin: a year with no published edition covering it is not read as
"no event".
The recipe of the current champion's family (LightGBM or logistic; LightGBM when no champion exists) is
refitted on those inputs, so nothing after ``D`` leaks in. Read-only: nothing is written to the warehouse.

Besides one row per municipality, a forecast gives the figure a programme budgets for: the number of
municipalities with an event per state and nationally, with its 90 % predictive interval
(``models.count_intervals``, with the refitted model's level spread).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd

from features.catalog import FEATURE_LABELS
from features.training_inputs import as_published_inputs
from models.count_intervals import state_count_intervals
from models.drivers import top_drivers
from models.risk import risk_class
from models.risk_fit import N_BOOTSTRAP, fit_risk_model
from models.windows import BRAZIL_BACKTEST
from pipelines.brazil.inputs import load_raw_inputs
from pipelines.settings import Settings, get_settings
from pipelines.warehouse.engine import warehouse_engine

FORECAST_COLUMNS = ["area_id", "period", "p", "p_lo", "p_hi", "risk_class", "drivers"]
COUNT_COLUMNS = ["state", "period", "expected", "lo", "hi"]


@dataclass(frozen=True)
class BrazilForecast:
    """``areas``: one row per municipality (:data:`FORECAST_COLUMNS`); ``counts``: one row per state (IBGE
    two-digit code) plus ``BRA`` (national) with the expected number of municipalities with an event in
    ``period`` and its 90 % predictive interval ``lo``..``hi`` (:data:`COUNT_COLUMNS`)."""

    areas: pd.DataFrame
    counts: pd.DataFrame


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
) -> BrazilForecast:
    """Areas: one row per municipality, ``area_id``, ``period`` (target year, int), ``p``, ``p_lo``,
    ``p_hi`` (90 % model interval), ``risk_class``, ``drivers`` (short text); and the counts per state and
    nationally (:class:`BrazilForecast`). Raises ``ValueError`` for a horizon below 1 and
    ``MissingInputError`` when no edition was published by ``as_of``."""
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
    counts = state_count_intervals(
        pd.DataFrame({"area_id": features["area_id"], "p": p}), model.level_spread_
    )
    areas = pd.DataFrame(
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
    return BrazilForecast(areas, counts.assign(period=origin + horizon).loc[:, COUNT_COLUMNS])

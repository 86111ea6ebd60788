"""The Brazil model line-up, as factories the backtest fits: two learned models and four baselines.

Every factory returns an unfitted object with ``fit(frame, y)`` and ``predict_proba(frame)``; the frame is
the wide feature table (plus ``year``). ``features`` are the columns the learned models read.
"""

from __future__ import annotations

from collections.abc import Callable

from models.baselines import (
    HistoricalFrequencyBaseline,
    NeighbourRateBaseline,
    PersistenceBaseline,
    PopulationRateBaseline,
)
from models.risk_model import RiskModel

LEARNED = ("lightgbm", "logistic")
BASELINES = ("persistence", "historical_frequency", "population_rate", "neighbour_rate")
LABELS = {
    "lightgbm": "LightGBM",
    "logistic": "Regularised logistic (CLRIM-style)",
    "persistence": "Persistence",
    "historical_frequency": "Historical frequency",
    "population_rate": "Population-scaled rate",
    "neighbour_rate": "Neighbour rate",
}


def model_lineup(
    features: list[str], random_state: int, n_bootstrap: int = 0
) -> dict[str, Callable[[], object]]:
    """Name → factory for every model in :data:`LEARNED` and :data:`BASELINES` (that order)."""

    def learned(family: str) -> Callable[[], RiskModel]:
        return lambda: RiskModel(family, list(features), random_state=random_state, n_bootstrap=n_bootstrap)

    return {
        "lightgbm": learned("lightgbm"),
        "logistic": learned("logistic"),
        "persistence": PersistenceBaseline,
        "historical_frequency": HistoricalFrequencyBaseline,
        "population_rate": PopulationRateBaseline,
        "neighbour_rate": NeighbourRateBaseline,
    }


def choose_model(gate: dict[str, float]) -> tuple[str, str]:
    """The model to register and why, from each model's gate AUPR.

    LightGBM when it beats every other model (baselines *and* the logistic model); otherwise the best
    model of the line-up, with a sentence saying LightGBM did not beat it.
    """
    others = {k: v for k, v in gate.items() if k != "lightgbm"}
    strongest = max(others, key=lambda k: others[k])
    if gate["lightgbm"] > others[strongest]:
        return "lightgbm", (
            f"LightGBM ({gate['lightgbm']:.4f}) beats the strongest alternative, "
            f"{LABELS[strongest]} ({others[strongest]:.4f})"
        )
    return strongest, (
        f"LightGBM ({gate['lightgbm']:.4f}) does not beat {LABELS[strongest]} ({others[strongest]:.4f}), "
        f"which is registered instead"
    )

"""The Brazil model line-up, as factories the backtest fits, and the champion choice.

Every factory returns an unfitted object with ``fit(frame, y)`` and ``predict_proba(frame)``; the frame is
the wide feature table (plus ``year``). ``features`` are the columns the wide learned models read. The
"past events + population" rule is a candidate like any other: it is the reference every other model is
compared with (``models.paired_bootstrap``), and the champion when nothing beats it beyond doubt.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from models.baselines import (
    HistoricalFrequencyBaseline,
    NeighbourRateBaseline,
    PersistenceBaseline,
    PopulationRateBaseline,
)
from models.lineup import REFERENCE
from models.risk_model import FAMILY_INPUTS, RiskModel
from models.rule import RULE_INPUTS
from models.selection import CANDIDATES, FitCache, NestedSelection

LABELS = {
    "selected": "Nested selection (family and strength chosen inside the training years)",
    "rule_blend": "Rule and inspection-effort logistic, ranks averaged",
    "effort_logistic": "Inspection-effort logistic (strength chosen inside the training years)",
    "lightgbm": "LightGBM (every feature)",
    "logistic": "Regularised logistic (every feature)",
    "rule": 'Rule "past events + population"',
    "persistence": "Persistence",
    "historical_frequency": "Historical frequency",
    "population_rate": "Population-scaled rate",
    "neighbour_rate": "Neighbour rate",
}
EFFORT_CANDIDATES = tuple(c for c in CANDIDATES if c.family == "effort_logistic")


def model_lineup(
    features: list[str], random_state: int, n_bootstrap: int = 0, cache: FitCache | None = None
) -> dict[str, Callable[[], object]]:
    """Name → factory for every model: the learned ones, then the rule and the naive baselines
    (:mod:`models.lineup`). ``cache`` is shared by the nested selections (one per backtest:
    ``models.selection.FitCache``)."""

    def learned(family: str) -> Callable[[], RiskModel]:
        inputs = list(FAMILY_INPUTS.get(family, features))
        return lambda: RiskModel(family, inputs, random_state=random_state, n_bootstrap=n_bootstrap)

    return {
        "selected": lambda: NestedSelection(list(features), random_state, n_bootstrap, cache=cache),
        "effort_logistic": lambda: NestedSelection(
            list(features), random_state, n_bootstrap, EFFORT_CANDIDATES, cache=cache
        ),
        "rule_blend": learned("rule_blend"),
        "lightgbm": learned("lightgbm"),
        "logistic": learned("logistic"),
        "rule": lambda: RiskModel(
            REFERENCE, list(RULE_INPUTS), random_state=random_state, n_bootstrap=n_bootstrap
        ),
        "persistence": PersistenceBaseline,
        "historical_frequency": HistoricalFrequencyBaseline,
        "population_rate": PopulationRateBaseline,
        "neighbour_rate": NeighbourRateBaseline,
    }


def choose_champion(gate: Mapping[str, float], passes: Mapping[str, bool]) -> tuple[str, str]:
    """The model to register and why.

    ``gate``: model → gate AUPR (mean horizon-1 backtest AUPR); ``passes``: model → whether its paired
    bootstrap interval of the AUPR difference with the rule lies above zero. The champion is the model
    with the best gate AUPR among those that pass; the rule when none does.
    """
    passing = {k: v for k, v in gate.items() if k != REFERENCE and passes.get(k, False)}
    rule = gate.get(REFERENCE, float("nan"))
    if passing:
        best = max(passing, key=lambda k: passing[k])
        return best, (
            f'{LABELS.get(best, best)} ({passing[best]:.4f}) beats the rule "past events + population" '
            f"({rule:.4f}): the bootstrap interval of the AUPR difference is above zero"
        )
    strongest = max((k for k in gate if k != REFERENCE), key=lambda k: gate[k], default=None)
    detail = (
        f"; the strongest alternative, {LABELS.get(strongest, strongest)} ({gate[strongest]:.4f}), "
        f"is not better beyond doubt"
        if strongest is not None
        else ""
    )
    return REFERENCE, f'The rule "past events + population" ({rule:.4f}) is kept{detail}'

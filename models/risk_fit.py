"""Fit the Brazil risk model of one family on the training inputs (pure: no tracking, no figures).

Used by training (the registered model) and by the forecast as of a date (``pipelines.brazil.forecast``),
so both fit the same recipe the same way. Years are label years; ``horizon`` in years.
"""

from __future__ import annotations

from features.catalog import MODEL_FEATURES
from features.training_inputs import TrainingInputs
from models.backtest import horizon_examples
from models.recipes import model_lineup
from models.risk_model import FAMILY_INPUTS, RiskModel
from models.windows import BacktestConfig

NESTED = ("selected", "effort_logistic")  # families whose inputs and strength are chosen at fit time
N_BOOTSTRAP = 10  # refits of the registered model for its per-area interval (90 %)


def fit_risk_model(
    inputs: TrainingInputs,
    family: str,
    horizon: int,
    config: BacktestConfig,
    seed: int,
    n_bootstrap: int,
    through: int | None = None,
) -> RiskModel:
    """The ``family`` recipe fitted at ``horizon`` on every training label year from the config's first
    through ``through`` (default ``inputs.last``). For a nested family (:data:`NESTED`) the candidate is
    chosen inside those years and the chosen, refitted model is returned."""
    examples = horizon_examples(inputs.panel, inputs.labels, horizon)
    start = max(config.first_train_label_year, inputs.first + horizon)
    examples = examples.loc[(examples["year"] >= start) & (examples["year"] <= (through or inputs.last))]
    if family in NESTED:
        selection = model_lineup(list(MODEL_FEATURES), seed, n_bootstrap)[family]()
        return selection.fit(examples, examples["y"].to_numpy()).model_
    features = FAMILY_INPUTS.get(family, list(MODEL_FEATURES))
    model = RiskModel(family, list(features), random_state=seed, n_bootstrap=n_bootstrap)
    return model.fit(examples, examples["y"].to_numpy())
